"""Incremental graph updates: a day's new papers joined to a graph built before, without rebuilding it.

A daily report over a growing archive mostly re-derives what it derived yesterday. After a
full build, :meth:`GraphState.from_graph` keeps the per-paper work: the concept rows, the
word vectors with their vocabulary and term weights, and every edge. :func:`update_graph`
then adds the papers that are new:

* their concepts are the concepts already known that their text names
  (:func:`~litgraph.concepts._transform.concept_rows`); concept document frequencies and
  idf are recounted over all papers;
* their word vectors use yesterday's vocabulary and term weights; each new paper gets its
  top-k most similar papers (exact cosine over all terms), and an older paper gains a new
  paper as neighbour when it beats the weakest of its current top-k;
* shared-concept links are found the same way, new papers against all; mentions are
  looked for in the new papers' abstracts and, for the new papers' names, in all others;
* the digest and citation layers are rebuilt whole (they are cheap).

Old links stay as they were, so an incremental graph drifts from a full rebuild as the
vocabulary, the idf and the concept set age; :func:`needs_refit` says when to rebuild
(``benchmarks/replay_archive.py`` measures the drift on a real archive).
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._arrays import BLOB_DAMAGE, object_array
from .concepts import ConceptSet
from .concepts._transform import concept_rows
from .edges import LAYER_ORDER, LAYERS
from .edges._base import EDGE_COLUMNS, BuildContext, edge_frame, empty_edges, linked_pairs
from .edges.concepts import EVIDENCE_CONCEPTS as _EVIDENCE_CONCEPTS, concept_evidence, shared_concepts_evidence
from .edges.similarity import count_terms, paper_text, similarity_evidence, weigh_with
from .exceptions import LitgraphError
from .graph import PaperGraph
from .model import Corpus

__all__ = ["GraphState", "update_graph", "needs_refit", "RefitNeeded", "STATE_VERSION"]

#: Version of the saved state's layout; a state of another version means a full rebuild.
STATE_VERSION = 2
#: The layers whose links an update extends ...
EXTENDED = ("concepts", "similarity", "mention")
#: ... and those it rebuilds whole; a layer in neither forces a full build (it never silently disappears).
REBUILT = ("citation", "cocitation", "coupling", "digest")
#: A full rebuild is due when the papers added since the last one exceed this share of it ...
REFIT_GROWTH = 0.10
#: ... or when the last one is this many days old.
REFIT_DAYS = 7


class RefitNeeded(LitgraphError):
    """The saved state cannot be extended to this corpus; the message says why (a full build is needed)."""


def _text_hash(p) -> str:
    return hashlib.blake2b(f"{p.title}\0{p.abstract}".encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass
class GraphState:
    """What an incremental update needs from the last build (see the module's text)."""

    ids: list[str]
    text_hashes: list[str]
    edges: pd.DataFrame
    concepts: ConceptSet
    vocabulary: tuple[dict[str, int], np.ndarray]
    term_weights: np.ndarray
    vectors: sp.csr_matrix
    params: dict
    layer_weights: dict[str, float]
    full_fit_papers: int
    full_fit_day: str | None = None
    updates: int = 0
    model_params: dict | None = None

    @classmethod
    def from_graph(cls, graph: PaperGraph, day: str | None = None) -> GraphState:
        """The state of a graph just built with ``build_graph(..., keep_state=True)``."""
        sim = getattr(graph, "_fit_parts", {}).get("similarity")
        if graph.params.get("builders", {}).get("similarity", {}).get("embedder") is not None:
            raise RefitNeeded("sentence embeddings are fused into the similarity (every run is a full build)")
        if sim is None or not hasattr(sim, "vectors_") or "concepts" not in graph.layer_weights:
            raise RefitNeeded("the graph was built without the word-similarity and concept layers' saved work")
        return cls(ids=list(graph.corpus.ids), text_hashes=[_text_hash(p) for p in graph.corpus],
                   edges=graph.edges_frame(), concepts=graph.concepts, vocabulary=sim.vocabulary_,
                   term_weights=sim.term_weights_, vectors=sim.vectors_, params=graph.params,
                   layer_weights=dict(graph.layer_weights), full_fit_papers=len(graph.corpus), full_fit_day=day)

    # -- saving -------------------------------------------------------------------------
    def to_bytes(self) -> memoryview:
        """The state as one ``.npz`` blob (no pickled objects: arrays and one JSON document).

        Only the links of the extended layers are kept (the others are rebuilt by every
        update); a similarity link's evidence is rewritten from its score, a concept link's
        from its concepts. Returns a view of the blob (``bytes(...)`` copies it).
        """
        e = self.edges[self.edges["kind"].isin(EXTENDED)]
        pos = pd.Index(self.ids)
        kind = e["kind"].map(EXTENDED.index).to_numpy(np.int8)
        con = kind == EXTENDED.index("concepts")
        shared = e["concepts"].to_numpy()[con]
        lens = np.fromiter(map(len, shared), dtype=np.int32, count=len(shared))
        codes, edge_names = pd.factorize(np.fromiter(chain.from_iterable(shared), dtype=object, count=int(lens.sum())))
        more = np.zeros(len(shared), dtype=np.int32)  # "(+N more)" of the evidence: only a full list can have it
        full = np.flatnonzero(lens == _EVIDENCE_CONCEPTS)
        if len(full):
            more[full] = [int(ev[ev.rindex("(+") + 2:-6]) if ev.endswith(" more)") else 0
                          for ev in e["evidence"].to_numpy()[con][full].tolist()]
        words = sorted(self.vocabulary[0], key=self.vocabulary[0].get)
        cs = self.concepts
        meta = {"version": STATE_VERSION, "ids": self.ids, "text_hashes": self.text_hashes, "params": self.params,
                "layer_weights": self.layer_weights, "full_fit_papers": self.full_fit_papers,
                "full_fit_day": self.full_fit_day, "updates": self.updates, "words": words,
                "model_params": self.model_params,
                # a concept link's concepts as codes into one list of names; its evidence is rebuilt from them
                "edge_concepts": edge_names.tolist(),
                "evidence": e["evidence"].to_numpy()[kind == EXTENDED.index("mention")].tolist(),
                "names": cs.names, "keys": cs.keys, "aliases": [list(a) for a in cs.aliases]}
        x, c = self.vectors.tocsr(), cs.matrix.tocsr()
        arrays = {"meta": np.frombuffer(json.dumps(meta, default=str).encode("utf-8"), dtype=np.uint8),
                  "codes": self.vocabulary[1], "term_weights": self.term_weights,
                  "x_data": x.data, "x_indices": x.indices, "x_indptr": x.indptr, "x_shape": np.array(x.shape),
                  "c_data": c.data, "c_indices": c.indices, "c_indptr": c.indptr, "c_shape": np.array(c.shape),
                  "df": cs.df, "idf": cs.idf, "title_df": cs.title_df if cs.title_df is not None else cs.df * 0,
                  "src": pos.get_indexer(e["source"]).astype(np.int64), "dst": pos.get_indexer(e["target"]).astype(np.int64),
                  "weight": e["weight"].to_numpy(np.float64), "score": e["score"].to_numpy(np.float64),
                  "kind": kind, "directed": e["directed"].to_numpy(bool),
                  "concept_codes": codes.astype(np.int32), "concept_counts": lens, "concepts_more": more}
        buf = io.BytesIO()
        np.savez(buf, **arrays)
        return buf.getbuffer()

    @classmethod
    def from_bytes(cls, blob: bytes | memoryview) -> GraphState:
        """A state saved by :meth:`to_bytes`; :class:`RefitNeeded` if it is of another version or damaged."""
        try:
            z = np.load(io.BytesIO(blob), allow_pickle=False)
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            if meta.get("version") != STATE_VERSION:
                raise RefitNeeded(f"the saved graph state is of version {meta.get('version')}, "
                                  f"this litgraph writes {STATE_VERSION}")
            ids = meta["ids"]
            id_arr = np.asarray(ids, dtype=object)
            kind = z["kind"]
            con = kind == EXTENDED.index("concepts")
            sim = kind == EXTENDED.index("similarity")
            m = len(kind)
            names = np.asarray(meta["edge_concepts"], dtype=object)[z["concept_codes"]].tolist()
            ends = np.cumsum(z["concept_counts"]).tolist()
            shared = [tuple(names[a:b]) for a, b in zip([0, *ends[:-1]], ends)]
            concepts = np.empty(m, dtype=object)
            concepts[:] = [()] * m
            concepts[con] = object_array(shared)  # equal-length tuples would make a 2-D array
            evidence = np.empty(m, dtype=object)
            evidence[sim] = similarity_evidence(z["score"][sim])
            evidence[con] = [concept_evidence(c, k) for c, k in zip(shared, z["concepts_more"].tolist())]
            evidence[~(sim | con)] = meta["evidence"]
            digests = np.empty(m, dtype=object)
            digests[:] = [()] * m
            edges = pd.DataFrame({"source": id_arr[z["src"]], "target": id_arr[z["dst"]],
                                  "kind": np.asarray(EXTENDED, dtype=object)[kind],
                                  "weight": z["weight"], "directed": z["directed"], "score": z["score"],
                                  "concepts": concepts, "digests": digests, "evidence": evidence})[EDGE_COLUMNS]
            x = sp.csr_matrix((z["x_data"], z["x_indices"], z["x_indptr"]), shape=tuple(z["x_shape"]))
            c = sp.csr_matrix((z["c_data"], z["c_indices"], z["c_indptr"]), shape=tuple(z["c_shape"]))
            _check_consistent(ids, meta, z, x, c)
            cs = ConceptSet(names=meta["names"], keys=meta["keys"], aliases=[tuple(a) for a in meta["aliases"]],
                            df=z["df"], idf=z["idf"], matrix=c, paper_ids=list(ids), title_df=z["title_df"])
            vocabulary = ({w: i for i, w in enumerate(meta["words"])}, z["codes"])
            return cls(ids=list(ids), text_hashes=meta["text_hashes"], edges=edges, concepts=cs,
                       vocabulary=vocabulary, term_weights=z["term_weights"], vectors=x, params=meta["params"],
                       layer_weights=meta["layer_weights"], full_fit_papers=int(meta["full_fit_papers"]),
                       full_fit_day=meta["full_fit_day"], updates=int(meta["updates"]),
                       model_params=meta.get("model_params"))
        except RefitNeeded:
            raise
        except BLOB_DAMAGE as exc:
            raise RefitNeeded(f"the saved graph state cannot be read ({type(exc).__name__})") from None


def _check_consistent(ids: list, meta: dict, z, x: sp.csr_matrix, c: sp.csr_matrix) -> None:
    """ValueError when the parts of a saved state do not fit together (damage the zip checksums missed)."""
    n = len(ids)
    if not (len(meta["text_hashes"]) == n == x.shape[0] == c.shape[0]):
        raise ValueError("row counts differ")
    x.check_format(full_check=True)
    c.check_format(full_check=True)
    for key in ("src", "dst"):
        if len(z[key]) and (z[key].min() < 0 or z[key].max() >= n):
            raise ValueError(f"{key} out of range")
    if len(z["df"]) != c.shape[1] or len(z["idf"]) != c.shape[1] or len(z["term_weights"]) < x.shape[1]:
        raise ValueError("vocabulary sizes differ")


def needs_refit(state: GraphState | None, corpus: Corpus, params: dict, day: str | None) -> str | None:
    """Why the next build must be full (None: an incremental update will do).

    ``params`` are the parameters of the fit about to run, compared with those the state
    was saved with (:attr:`GraphState.model_params`).
    """
    if state is None:
        return "no saved graph state (first run)"
    if params.get("embedder") is not None:
        return "sentence embeddings are fused into the similarity (every run is a full build)"
    if json.loads(json.dumps(params, default=str)) != json.loads(json.dumps(state.model_params, default=str)):
        return "the parameters changed since the last build"
    new = len(corpus) - state.full_fit_papers
    if new > REFIT_GROWTH * state.full_fit_papers:
        return f"{new} papers were added since the last full build (more than {REFIT_GROWTH:.0%})"
    if day and state.full_fit_day:
        from datetime import date

        age = (date.fromisoformat(day) - date.fromisoformat(state.full_fit_day)).days
        if age >= REFIT_DAYS:
            return f"the last full build is {age} days old (every {REFIT_DAYS} days the vocabulary and idf are renewed)"
    return None


def _kth(edges: pd.DataFrame, kind: str, corpus: Corpus, n: int, k: int) -> np.ndarray:
    """Each paper's k-th strongest link of one layer (-inf when it has fewer than k)."""
    e = edges[edges["kind"] == kind]
    a = np.concatenate([corpus.positions(e["source"]), corpus.positions(e["target"])])
    s = np.concatenate([e["score"].to_numpy(), e["score"].to_numpy()])
    order = np.lexsort((-s, a))
    a, s = a[order], s[order]
    rank = np.arange(len(a)) - np.searchsorted(a, a, side="left")
    out = np.full(n, -np.inf)
    hit = rank == k - 1
    out[a[hit]] = s[hit]
    return out


def _new_pairs(sim: sp.csr_matrix, new_rows: np.ndarray, kth: np.ndarray, k: int, floor: float):
    """Pairs (new paper, any paper) to add: each new paper's top k, and old papers' better-than-k-th."""
    coo = sim.tocoo()
    i, j, v = new_rows[coo.row], coo.col, coo.data
    keep = (i != j) & (v >= max(floor, 1e-12))
    i, j, v = i[keep], j[keep], v[keep]
    order = np.lexsort((j, -v, i))
    i, j, v = i[order], j[order], v[order]
    rank = np.arange(len(i)) - np.searchsorted(i, i, side="left")
    mine = rank < k
    theirs = v > kth[j]
    pick = mine | theirs
    i, j, v = i[pick], j[pick], v[pick]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    _, first = np.unique(lo.astype(np.int64) * len(kth) + hi, return_index=True)
    return lo[first], hi[first], np.clip(v[first], 0.0, 1.0)


def update_graph(state: GraphState, corpus: Corpus) -> tuple[PaperGraph, GraphState]:
    """The graph of ``corpus`` from ``state`` (see the module's text), and the state to save for the next day.

    Raises :class:`RefitNeeded` when the corpus is not the state's papers plus new ones (a
    paper gone, its text changed, or the order changed).
    """
    import time

    t0 = time.perf_counter()
    n_old = len(state.ids)
    ids = corpus.ids
    if ids[:n_old] != state.ids:
        gone = len(set(state.ids) - set(ids))
        raise RefitNeeded(f"{gone} paper(s) of the last build are no longer in the corpus" if gone
                          else "the papers are in another order than at the last build")
    papers = list(corpus)
    if any(_text_hash(p) != h for p, h in zip(papers[:n_old], state.text_hashes)):
        raise RefitNeeded("the title or abstract of an earlier paper changed")
    unknown = [k for k in state.layer_weights if k not in EXTENDED + REBUILT]
    if unknown:
        raise RefitNeeded(f"the {', '.join(unknown)} layer cannot be updated incrementally")
    n = len(ids)
    new = np.arange(n_old, n)
    index = {pid: i for i, pid in enumerate(ids)}
    builders = state.params.get("builders", {})
    fresh = papers[n_old:]

    # concepts: known concepts of the new papers; df and idf over all papers
    cs0 = state.concepts
    c_new = concept_rows(cs0, [f"{p.title}. {p.abstract}" for p in fresh])
    t_new = concept_rows(cs0, [p.title for p in fresh]) > 0
    matrix = sp.csr_matrix(sp.vstack([cs0.matrix, c_new]))
    df = np.asarray((matrix > 0).sum(axis=0)).ravel()
    title_df = (cs0.title_df if cs0.title_df is not None else np.zeros(len(cs0), np.int64)) + np.asarray(
        t_new.sum(axis=0)).ravel().astype(np.int64)
    cs = ConceptSet(names=cs0.names, keys=cs0.keys, aliases=cs0.aliases, df=df,
                    idf=np.log((1.0 + n) / (1.0 + df)) + 1.0, matrix=matrix, paper_ids=list(ids), title_df=title_df)

    # word similarity: new rows against all, exact
    x_new = weigh_with(count_terms([paper_text(p.title, p.abstract) for p in fresh], state.vocabulary),
                       state.term_weights)
    x = sp.csr_matrix(sp.vstack([state.vectors, x_new]))
    sim_p = builders.get("similarity", {})
    k = int(sim_p.get("top_k", 10))
    old_edges = state.edges
    frames = [old_edges[old_edges["kind"].isin(EXTENDED)]]
    ctx = BuildContext(corpus=corpus, index=index, concepts=cs, n_jobs=1)
    if len(new) and "similarity" in state.layer_weights:
        s = sp.csr_matrix(x_new @ x.T)
        lo, hi, v = _new_pairs(s, new, _kth(old_edges, "similarity", corpus, n, k), k,
                               float(sim_p.get("threshold", 0.0)))
        frames.append(edge_frame(ctx, lo, hi, v, "similarity", score=v,
                                 evidence=similarity_evidence(v)))
    if len(new) and "concepts" in state.layer_weights and len(cs):
        con_p = builders.get("concepts", {})
        kc = int(con_p.get("top_k", 10))
        w = cs.weighted()
        linking = LAYERS["concepts"](**con_p).linking(cs)  # as the full layer: most specific first
        wl = sp.csr_matrix(w[:, linking])
        s = sp.csr_matrix(wl[new] @ wl.T)
        lo, hi, _ = _new_pairs(s, new, _kth(old_edges, "concepts", corpus, n, kc), kc, 1e-9)
        full = np.asarray(w[lo].multiply(w[hi]).sum(axis=1)).ravel()
        concepts, evidence, n_shared = shared_concepts_evidence(cs, linking, lo, hi)
        ok = (full >= float(con_p.get("threshold", 0.15))) & (n_shared >= int(con_p.get("min_shared", 1)))
        sel = np.flatnonzero(ok)
        frames.append(edge_frame(ctx, lo[sel], hi[sel], full[sel], "concepts", score=full[sel],
                                 concepts=[concepts[q] for q in sel], evidence=[evidence[q] for q in sel]))
    if len(new) and "mention" in state.layer_weights:
        frames.append(LAYERS["mention"](**builders.get("mention", {})).mentions(ctx, new))
    # the other layers, rebuilt whole (digest last: it reads the pairs the others link)
    kept = [f for f in frames if len(f)]
    for kind in [k for k in LAYER_ORDER if k in REBUILT]:
        if kind not in state.layer_weights:
            continue
        if kind == "digest":
            ctx.supported_pairs = linked_pairs(corpus, kept)
        step = LAYERS[kind](**builders.get(kind, {}))
        f = step.fit(ctx).edges_
        if len(f):
            kept.append(f)
    edges = pd.concat(kept, ignore_index=True)[EDGE_COLUMNS] if kept else empty_edges()
    edges = edges.assign(_k=edges["kind"].map(LAYER_ORDER.index)).sort_values(
        "_k", kind="mergesort").drop(columns="_k").reset_index(drop=True)
    graph = PaperGraph(corpus, edges, dict(state.layer_weights), cs, state.params,
                       {"incremental update": time.perf_counter() - t0})
    nxt = GraphState(ids=list(ids), text_hashes=state.text_hashes + [_text_hash(p) for p in fresh], edges=edges,
                     concepts=cs, vocabulary=state.vocabulary, term_weights=state.term_weights, vectors=x,
                     params=state.params, layer_weights=dict(state.layer_weights),
                     full_fit_papers=state.full_fit_papers, full_fit_day=state.full_fit_day,
                     updates=state.updates + 1)
    return graph, nxt
