"""The reasons given with key papers and bridges: sentences built from an analysis, nothing computed anew."""

from __future__ import annotations

import numpy as np

__all__ = ["reason", "linked_communities", "upvote_words"]


def _ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st, ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n:,}{suffix}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _topic(res, community: int) -> str:
    """A community named by its first label phrase, quoted."""
    words = res._labels.get(int(community)) or []
    return f"\"{words[0]}\"" if words else f"community {community}"


def upvote_words(upvotes: int, standing: float) -> str:
    """Upvotes with their standing among the papers of the same day, in words.

    >>> upvote_words(26, 1.0), upvote_words(4, 0.94), upvote_words(2, 0.3)
    ('26 upvotes, the most of its day', '4 upvotes, in the top 6% of its day', '2 upvotes')
    """
    votes = f"{upvotes} upvote{'s' if upvotes != 1 else ''}"
    if not np.isfinite(standing):
        return votes
    top = 1.0 - float(standing)
    if top <= 1e-9:
        return votes + ", the most of its day"
    if top <= 0.5:
        return votes + f", in the top {max(1, round(100 * top))}% of its day"
    return votes


def reason(res, i: int) -> str:
    """Why paper ``i`` is a key paper, in plain words: how central it is, what it links and most strongly,
    which topics it joins, where it was shown, its upvotes and what it is about. The figures behind the
    words (PageRank, participation, upvote standing) are columns of the same frame."""
    corpus, c = res.graph.corpus, res.centrality
    p = corpus[corpus.ids[i]]
    row = c.iloc[i]
    n = len(corpus)
    rank = int((c["pagerank"] > row["pagerank"]).sum()) + 1
    degree = int(row["degree"])
    others = linked_communities(res, i)
    linked = f"linked to {degree:,} paper{'s' if degree != 1 else ''}"
    if len(others) > 1:
        linked += f" across {len(others)} topics"
    first = f"the {_ordinal(rank)} most central of {n:,} papers" if rank > 1 else f"the most central of {n:,} papers"
    bits = [f"{first[0].upper()}{first[1:]}, {linked}"]
    nb = res.graph.neighbors(p.id, 1)
    if len(nb):
        shared, kinds = str(nb["concepts"].iloc[0] or ""), str(nb["kinds"].iloc[0]).split(",")
        how = (f"shared: {', '.join(shared.split('; ')[:3])}" if shared else "a citation" if "citation" in kinds
               else "a mention" if "mention" in kinds else "similar text" if "similarity" in kinds
               else "shown together")
        bits.append(f"most strongly to \"{_short(nb['title'].iloc[0])}\" ({how})")
    if row["participation"] >= 0.3 and len(others) > 1:
        bits.append("joins " + " and ".join(_topic(res, o) for o, _ in others[:2]))
    if len(p.digests) > 1:
        bits.append(f"shown in {len(p.digests)} digests")
    if p.upvotes is not None:
        bits.append(upvote_words(p.upvotes, res.upvote_standing[i]))
    top = res.graph.concepts.concepts_of(p.id, 3)
    if top:
        bits.append("about " + ", ".join(top))
    return "; ".join(bits) + "."


def linked_communities(res, i: int) -> list[tuple[int, float]]:
    """The communities paper ``i`` links to, with their link weight, strongest first."""
    rows = res.graph.incident_pairs(res.graph.corpus.ids[i])
    lo, hi = res.graph.pair_ends()
    other = np.where(lo[rows] == i, hi[rows], lo[rows])
    col = "weight" if res.params["weight"] == "weight" else f"w_{res.params['weight']}"
    w: dict[int, float] = {}
    for o, wt in zip(other.tolist(), res.graph.pairs_frame(text=False)[col].to_numpy()[rows].tolist()):
        com = int(res.membership[o])
        w[com] = w.get(com, 0.0) + float(wt)
    return sorted(w.items(), key=lambda kv: (-kv[1], kv[0]))
