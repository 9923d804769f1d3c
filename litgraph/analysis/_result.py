"""The analysis of a paper graph: communities, centralities, key papers, bridges, trends."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import numpy as np
import pandas as pd

from .._arrays import distinct
from .._step import (CONSENSUS, METHOD, MIN_COMMUNITY_SIZE, N_JOBS, RESOLUTION, STABILITY_RUNS, Bool, Float, Int,
                     constrained)
from .._validation import check_date
from ..exceptions import InvalidParameterError
from .._igraph import to_igraph
from ._reasons import linked_communities, reason
from .centrality import bridge_scores, centralities
from .ranking import KEY_PAPER_WEIGHTS, day_upvote_percentile, key_paper_scores
from .communities import OTHER, detect_communities, label_communities, modularity
from .continuity import check_previous, initial_membership, match_communities
from .subtopics import SUBTOPIC_MIN_PAPERS, detect_subtopics, label_subtopics
from .trends import concept_timeline, new_papers, rising_concepts
from .rising import TREND_COLUMNS, paper_days, split_rising, window_start, window_trends

__all__ = ["analyze", "Analysis", "KEY_PAPER_WEIGHTS"]



@constrained(method=METHOD, resolution=RESOLUTION, seed=Int(allow_none=True), min_community_size=MIN_COMMUNITY_SIZE,
             consensus=CONSENSUS, stability_runs=STABILITY_RUNS, exact_betweenness_max=Int(min_value=0),
             betweenness_samples=Int(min_value=1, allow_none=True), n_jobs=N_JOBS,
             subtopic_min_papers=Int(min_value=2))
def analyze(graph, *, method: str = "leiden", resolution: float = 1.0, seed: int | None = None,
            weight: str = "weight", min_community_size: int = 3, consensus: int = 5, stability_runs: int = 0,
            exact_betweenness_max: int = 2000, betweenness_samples: int | None = None, n_jobs: int = -1,
            previous: Mapping[str, int] | None = None, subtopic_min_papers: int = SUBTOPIC_MIN_PAPERS) -> Analysis:
    """Find communities, centralities, key papers and bridges of a paper graph.

    Parameters
    ----------
    graph : PaperGraph
    method : {"leiden", "louvain"}
        Leiden (Traag et al., 2019) or Louvain (Blondel et al., 2008), modularity objective.
    resolution : float, default 1.0
        Higher values give more, smaller communities. Must be > 0.
    seed : int, optional
        Defaults to the graph's seed. The same graph and seed give the same result.
    weight : str, default "weight"
        ``"weight"`` (the layer mix) or one layer's name.
    min_community_size : int, default 3
        Communities smaller than this are grouped as "other" (community -1).
    consensus : int, default 5
        Communities are a consensus over this many seeds (see :func:`detect_communities`);
        1 gives a single run. Between seeds of the bundled sample, the consensus raises the
        agreement of two partitions (ARI) from 0.68 to 0.93.
    stability_runs : int, default 0
        If > 0, rerun community detection with this many other seeds and report how
        often each paper stays with its community (``stability``: the average share of its
        community-mates it still shares a community with).
    exact_betweenness_max, betweenness_samples
        Betweenness is exact up to this many papers, else sampled (see :func:`centralities`).
    n_jobs : int, default -1
        Processes for sampled betweenness (-1: every core; 1: none).
    previous : mapping of paper id to community id, optional
        An earlier run's communities (e.g. yesterday's report): every Leiden run of the
        consensus starts from them and communities keep their ids where their members did (see
        :mod:`litgraph.analysis.continuity`); new communities get ids above every
        previous one. Without it, communities are numbered by size, largest first.
    subtopic_min_papers : int, default 150
        Communities of at least this many papers are split into labelled sub-topics (see
        :func:`~litgraph.analysis.subtopics.detect_subtopics` and :meth:`Analysis.subtopics`).

    Examples
    --------
    >>> import litgraph as lg
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1])), seed=0)
    >>> res.n_communities > 3 and res.modularity > 0.3
    True
    """
    if seed is None:
        seed = graph.seed
    allowed = ["weight", *graph.layer_weights]
    if weight not in allowed:
        raise InvalidParameterError(f"The 'weight' parameter of analyze must be one of "
                                    f"{', '.join(map(repr, allowed))} (the layers this graph was built with). "
                                    f"Got {weight!r} instead.")
    previous = check_previous(previous, "analyze")
    ids = graph.corpus.ids
    membership = detect_communities(graph, method=method, resolution=resolution, seed=int(seed), weight=weight,
                                    min_size=min_community_size, consensus=consensus,
                                    initial=initial_membership(ids, previous) if previous else None)
    if previous:
        membership = match_communities(ids, membership, previous)
    cent, info = centralities(graph, membership, weight=weight, seed=int(seed),
                              exact_betweenness_max=exact_betweenness_max, betweenness_samples=betweenness_samples,
                              n_jobs=n_jobs)
    stability = None
    if stability_runs:
        stability = _stability(graph, membership, method, resolution, int(seed), weight, min_community_size,
                               stability_runs, consensus)
    params = {"method": method, "resolution": resolution, "seed": int(seed), "weight": weight,
              "min_community_size": min_community_size, "consensus": consensus, "stability_runs": stability_runs,
              "subtopic_min_papers": subtopic_min_papers, **info}
    standing = day_upvote_percentile(graph.corpus)
    labels = label_communities(graph, membership)
    sub = detect_subtopics(graph, membership, min_papers=subtopic_min_papers, seed=int(seed), weight=weight)
    return Analysis(graph, membership, cent, params, stability, labels=labels,
                    modularity=modularity(graph, membership, weight=weight, resolution=resolution),
                    scores=key_paper_scores(graph.corpus, cent, standing), upvote_standing=standing,
                    subtopics=sub, subtopic_labels=label_subtopics(graph, membership, sub, community_labels=labels))


def _stability(graph, reference, method, resolution, seed, weight, min_size, runs, consensus) -> np.ndarray:
    n = len(reference)
    total = np.zeros(n)
    ref_sets = {c: set(np.flatnonzero(reference == c)) for c in distinct(reference)}
    for r in range(1, runs + 1):
        other = detect_communities(graph, method=method, resolution=resolution, seed=seed + 100 * r, weight=weight,
                                   min_size=min_size, consensus=consensus)
        sets = {c: set(np.flatnonzero(other == c)) for c in distinct(other)}
        for i in range(n):
            a = ref_sets[reference[i]] if reference[i] != OTHER else {i}
            b = sets[other[i]] if other[i] != OTHER else {i}
            total[i] += len(a & b) / len(a)
    return total / runs


class Analysis:
    """Communities, centralities, key papers, bridges and trends of a :class:`~litgraph.PaperGraph`.

    Made by :func:`analyze`. Every method returns a pandas DataFrame.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    >>> res = lg.analyze(g, seed=0)
    >>> res.bridges(k=2)[["title", "participation"]].shape
    (2, 2)
    """

    def __init__(self, graph, membership: np.ndarray, centrality: pd.DataFrame, params: dict,
                 stability: np.ndarray | None, *, labels: dict[int, list[str]], modularity: float,
                 scores: np.ndarray, upvote_standing: np.ndarray | None = None, subtopics: np.ndarray | None = None,
                 subtopic_labels: dict[tuple[int, int], list[str]] | None = None) -> None:
        """Store what :func:`analyze` computed; nothing is computed here."""
        self.graph = graph
        self.membership = membership
        self.centrality = centrality
        self.params = params
        self.stability = stability
        self._index = graph.corpus.index_of
        self._labels = labels
        self.modularity = modularity
        self._score = scores
        self.upvote_standing = upvote_standing if upvote_standing is not None else np.full(len(scores), np.nan)
        #: Each paper's sub-topic within its community (-1: none); see :meth:`subtopics`.
        self.subtopic_membership = subtopics if subtopics is not None else np.full(len(scores), OTHER, np.int64)
        self._subtopic_labels = subtopic_labels or {}

    def __repr__(self) -> str:
        return (f"<Analysis: {self.n_communities} communities (modularity {self.modularity:.3f}), "
                f"{len(self.membership)} papers>")

    @property
    def n_communities(self) -> int:
        return int(len(set(self.membership.tolist()) - {OTHER}))

    def label(self, community: int) -> str:
        """The readable label of a community ("other" for -1)."""
        if community == OTHER:
            return "other"
        words = self._labels.get(int(community)) or []
        return " · ".join(words) if words else f"community {community}"

    # -- key papers -----------------------------------------------------------------------
    def _why(self, i: int) -> str:
        return reason(self, i)

    def _linked_communities(self, i: int) -> list[tuple[int, float]]:
        return linked_communities(self, i)

    @constrained("key_papers", k=Int(min_value=1), per_community=Bool())
    def key_papers(self, k: int = 10, *, per_community: bool = False) -> pd.DataFrame:
        """The papers that matter most, each with its reason in words and numbers.

        The score mixes percentile ranks (0 to 1) of PageRank (0.45), betweenness (0.20)
        and strength (0.15) with the digest signal (0.20): the mean percentile of the
        paper's upvotes and of the number of digests it appeared in, where the input has
        them (the weights are rescaled when it has neither). ``k`` larger than the number
        of papers returns them all. With ``per_community=True``: the top ``k`` of every
        community ("other" excluded).
        """
        order = np.lexsort((np.arange(len(self._score)), -self._score))
        if per_community:
            chosen = []
            for com in sorted(set(self.membership.tolist()) - {OTHER}):
                chosen += [i for i in order if self.membership[i] == com][:k]
        else:
            chosen = list(order[:k])
        return self._paper_rows(chosen, with_why=True)

    def _paper_rows(self, idx: list[int], *, with_why: bool = False) -> pd.DataFrame:
        corpus, c = self.graph.corpus, self.centrality
        n = len(self._score)
        rank = np.empty(n, dtype=int)
        rank[np.lexsort((np.arange(n), -self._score))] = np.arange(1, n + 1)
        idx = np.asarray(idx, dtype=np.int64)
        ids = np.asarray(corpus.ids, dtype=object)[idx] if len(idx) else np.zeros(0, dtype=object)
        papers = [corpus[pid] for pid in ids]
        coms = self.membership[idx]
        labels = {int(m): self.label(int(m)) for m in distinct(coms)}
        df = pd.DataFrame({"rank": rank[idx], "id": ids, "title": [p.title for p in papers],
                           "community": coms.astype(int), "label": [labels[int(m)] for m in coms],
                           "score": self._score[idx].astype(float)})
        for col in c.columns:
            df[col] = c[col].to_numpy()[idx]
        df["degree"] = df["degree"].astype(int)
        df["upvotes"] = pd.array([p.upvotes for p in papers], dtype="Int64")
        df["n_digests"] = [len(p.digests) for p in papers]
        if self.stability is not None:
            df["stability"] = self.stability[idx].astype(float)
        if with_why:
            df["why"] = [self._why(int(i)) for i in idx]
        return df

    def papers_frame(self) -> pd.DataFrame:
        """Every paper with its community, label, every centrality and its key-paper score and rank."""
        df = self._paper_rows(list(range(len(self._score))))
        return df.sort_values("rank").reset_index(drop=True) if len(df) else df

    @constrained("bridges", k=Int(min_value=1))
    def bridges(self, k: int = 10) -> pd.DataFrame:
        """Papers that connect communities.

        A bridge has strong links into at least two communities (see
        :func:`~litgraph.analysis.bridge_scores`) and is ranked by ``participation *
        betweenness percentile``: it spreads its links over several communities and lies
        on many shortest paths. ``links`` lists the communities it connects with their
        share of its link weight.
        """
        score = bridge_scores(self.graph, self.membership, self.centrality, weight=self.params["weight"])
        order = [i for i in np.lexsort((np.arange(len(score)), -score)) if score[i] > 0][:k]
        df = self._paper_rows(order)
        if df.empty:
            return pd.DataFrame(columns=["id", "title", "community", "label", "bridge_score", "participation",
                                         "betweenness", "links"])
        links = []
        for i in order:
            lc = self._linked_communities(i)
            tot = sum(w for _, w in lc) or 1.0
            links.append("; ".join(f"{self.label(cm)} ({w / tot:.0%})" for cm, w in lc[:4]))
        df["bridge_score"] = [float(score[i]) for i in order]
        df["links"] = links
        return df[["id", "title", "community", "label", "bridge_score", "participation", "betweenness", "links"]]

    # -- communities ----------------------------------------------------------------------
    def communities_frame(self) -> pd.DataFrame:
        """One row per community: id, label, size, top papers, cohesion, modularity share (and stability).

        ``cohesion`` is the share of the members' link weight that stays inside the
        community; ``modularity_share`` is the community's term of the modularity sum
        (Newman, 2006), so the shares add up to the graph's modularity when no paper is
        "other". Papers in communities below the minimum size form the last row, "other".
        """
        g = to_igraph(self.graph, self.params["weight"])
        m = self.membership
        edges = np.array(g.get_edgelist()) if g.ecount() else np.zeros((0, 2), dtype=int)
        w = np.asarray(g.es["weight"]) if g.ecount() else np.zeros(0)
        n = len(m)
        strength = np.bincount(edges[:, 0], weights=w, minlength=n) + np.bincount(edges[:, 1], weights=w, minlength=n)
        two_m = strength.sum()
        gamma = self.params["resolution"]
        coms = sorted(set(m.tolist()) - {OTHER}) + ([OTHER] if (m == OTHER).any() else [])
        known = np.asarray(sorted(coms))
        slot = np.searchsorted(known, m)  # each paper's community, as 0..k-1
        inside = m[edges[:, 0]] == m[edges[:, 1]] if len(edges) else np.zeros(0, bool)
        w_in_of = np.bincount(slot[edges[inside, 0]], weights=w[inside], minlength=len(coms))
        s_of = np.bincount(slot, weights=strength, minlength=len(coms))
        size_of = np.bincount(slot, minlength=len(coms))
        order = np.lexsort((np.arange(len(self._score)), -self._score))
        ranked = order[np.argsort(slot[order], kind="stable")]  # by community, best first within each
        start = np.searchsorted(slot[ranked], np.arange(len(coms)))
        ids = self.graph.corpus.ids
        rows = []
        for com in coms:
            c = int(np.searchsorted(known, com))
            w_in, s_c = w_in_of[c], s_of[c]
            top = [self.graph.corpus[ids[i]].title for i in ranked[start[c]:start[c] + min(3, size_of[c])]]
            row = {"community": com, "label": self.label(com), "size": int(size_of[c]),
                   "top_papers": " | ".join(top),
                   "cohesion": float(2 * w_in / s_c) if s_c > 0 else 0.0,
                   "modularity_share": float(2 * w_in / two_m - gamma * (s_c / two_m) ** 2) if two_m > 0 and
                   com != OTHER else 0.0,
                   "concepts": ", ".join(self._labels.get(com, []))}
            if self.stability is not None:
                row["stability"] = float(self.stability[m == com].mean())
            rows.append(row)
        return pd.DataFrame(rows)

    def subtopic_label(self, community: int, subtopic: int) -> str:
        """The readable label of a sub-topic (its community's label when the sub-topic has no concepts)."""
        words = self._subtopic_labels.get((int(community), int(subtopic))) or []
        return " · ".join(words) if words else f"{self.label(community)} ({subtopic + 1})"

    def subtopics(self, community: int | None = None) -> pd.DataFrame:
        """The sub-topics of one community (or of all): community, subtopic, label, size, top papers.

        Communities of at least ``subtopic_min_papers`` papers (an :func:`analyze` parameter)
        are split again by Leiden on their inner links; smaller ones, and papers in no
        sub-topic, have none. ``top_papers`` are the sub-topic's three best key-paper scores.

        Examples
        --------
        >>> import litgraph as lg
        >>> res = lg.analyze(lg.build_graph(lg.load_sample(), seed=0), seed=0, subtopic_min_papers=40)
        >>> sub = res.subtopics(0)
        >>> list(sub.columns), bool(sub["size"].is_monotonic_decreasing)
        (['community', 'subtopic', 'label', 'size', 'top_papers'], True)
        """
        sub, m = self.subtopic_membership, self.membership
        if community is not None and int(community) not in set(m.tolist()):
            raise KeyError(f"No community {community!r} in this analysis (communities: 0..{self.n_communities - 1}).")
        rows = []
        ids = self.graph.corpus.ids
        for c in ([int(community)] if community is not None else sorted(set(m[sub >= 0].tolist()))):
            for s in distinct(sub[(m == c) & (sub >= 0)]):
                idx = np.flatnonzero((m == c) & (sub == s))
                best = idx[np.lexsort((idx, -self._score[idx]))][:3]
                rows.append({"community": c, "subtopic": int(s), "label": self.subtopic_label(c, int(s)),
                             "size": len(idx), "top_papers": " | ".join(self.graph.corpus[ids[i]].title for i in best)})
        return pd.DataFrame(rows, columns=["community", "subtopic", "label", "size", "top_papers"])

    def community_of(self, paper_id: str) -> int:
        try:
            return int(self.membership[self._index[paper_id]])
        except KeyError:
            raise KeyError(f"No paper {paper_id!r} in this analysis.") from None

    # -- trends ---------------------------------------------------------------------------
    def trends(self, *, by: str = "date", min_papers: int = 2) -> pd.DataFrame:
        """Concepts rising across digest dates, with Kleinberg bursts (see :func:`rising_concepts`).

        With fewer than two dated digests the frame is empty and ``frame.attrs["note"]``
        says why; dates are never invented. ``by="digest"`` orders by digest instead.
        """
        if by not in ("date", "digest"):
            raise InvalidParameterError(f"The 'by' parameter of trends must be 'date' or 'digest'. Got {by!r}.")
        df, note = rising_concepts(self.graph, by=by, min_papers=min_papers)
        df.attrs["note"] = note or ""
        return df

    @constrained("rising", days=Int(min_value=1), min_papers=Int(min_value=1), prior=Float(0.0))
    def rising(self, days: int = 30, *, end: date | str | None = None, min_papers: int = 5,
               prior: float = 0.1) -> pd.DataFrame:
        """Concepts rising in the last ``days`` days against everything before (see :func:`window_trends`).

        Only concepts with at least ``min_papers`` papers in the window whose share grew are
        listed, highest log-odds ``z`` first; ``new`` marks those no earlier paper carries.
        """
        days_known = [d for d in paper_days(self.graph.corpus) if d is not None]
        last = check_date(end, "end", "rising", allow_none=True) or max(days_known, default=None)
        if last is None:
            out = pd.DataFrame(columns=TREND_COLUMNS)
            out.attrs["note"] = "No paper has a digest date, so there is no window to compare."
            return out
        df = window_trends(self.graph, start=window_start(last, days), end=last, min_papers=min_papers, prior=prior)
        rising, new = split_rising(df)
        out = pd.concat([rising, new], ignore_index=True) if len(new) else rising
        out.attrs.update(df.attrs, note="" if df.attrs["baseline_papers"] else
                         "No paper was featured before the window, so nothing can be rising against it.")
        return out

    def timeline(self, *, by: str = "date") -> pd.DataFrame:
        """Papers per concept and period (see :func:`concept_timeline`); ``attrs["note"]`` as in :meth:`trends`."""
        df, note = concept_timeline(self.graph, by=by)
        df.attrs["note"] = note or ""
        return df

    def new_papers(self, since: date | str) -> pd.DataFrame:
        """Papers first featured in a digest dated on or after ``since``."""
        return new_papers(self.graph.corpus, since)
