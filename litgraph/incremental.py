"""Daily (incremental) builds: a day's new papers joined to a graph built before, without rebuilding it.

A daily report over a growing archive mostly re-derives what it derived yesterday. After a
full build, :meth:`GraphState.from_graph` keeps the per-paper work: the concept rows, the
word vectors with their vocabulary and term weights (features, see
:mod:`litgraph.edges._features`), and the edges of the layers that extend.
:func:`update_graph` then runs the build's own steps (:func:`litgraph.build.run_layers`)
for the papers that are new:

* their concepts are the concepts already known that their text names
  (:func:`~litgraph.concepts.extend_concepts`); concept document frequencies and
  idf are recounted over all papers;
* their word vectors use yesterday's vocabulary and term weights; each new paper gets its
  top-k most similar papers (exact cosine over all terms), and an older paper gains a new
  paper as neighbour when it beats the weakest of its current top-k;
* shared-concept links are found the same way, new papers against all; mentions are
  looked for in the new papers' abstracts and, for the new papers' names, in all others;
* the digest and citation layers are rebuilt whole (they are cheap), as is a layer of
  one's own marked ``incremental = "rebuild"``; any other layer means a full build.

Old links stay as they were, so an incremental graph drifts from a full rebuild as the
vocabulary, the idf and the concept set age; :func:`needs_refit` says when to rebuild
(``benchmarks/replay_archive.py`` measures the drift on a real archive).
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from itertools import chain

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._arrays import BLOB_DAMAGE, object_array
from .build import joined, run_layers
from .concepts import ConceptSet, extend_concepts
from .edges import BUILTIN, LAYERS, BuildContext, WordVectors
from .edges._base import TABLE_COLUMNS, empty_edges
from .edges._contract import check_layer
from .edges._features import text_hash
from .edges.concepts import concept_evidence
from .edges.similarity import TEXT_WEIGHT, similarity_evidence, similarity_mode
from .exceptions import RefitNeeded
from .graph import PaperGraph
from .model import Corpus

__all__ = ["GraphState", "update_graph", "needs_refit", "RefitNeeded", "STATE_VERSION"]

#: Version of the saved state's layout; a state of another version means a full rebuild.
STATE_VERSION = 3
#: The built-in layers whose links an update extends (as each layer class says, ``incremental``) ...
EXTENDED = tuple(k for k in BUILTIN if LAYERS[k].incremental == "extend")
#: ... and those it rebuilds whole; any other layer must say which it is, or it forces a full build with its
#: name (it never silently disappears).
REBUILT = tuple(k for k in BUILTIN if LAYERS[k].incremental == "rebuild")
#: A full rebuild is due when the papers added since the last one exceed this share of it ...
REFIT_GROWTH = 0.10
#: ... or when the last one is this many days old.
REFIT_DAYS = 7




def _unnamed(graph_params: dict, cs: ConceptSet, edges: pd.DataFrame) -> np.ndarray:
    """The "(+N more)" count of each concept link in ``edges`` (see SharedConceptEdges.unnamed)."""
    layer = LAYERS["concepts"](**graph_params.get("builders", {}).get("concepts", {}))
    return layer.unnamed(cs, edges)


@dataclass
class GraphState:
    """What a daily build needs from the last build (see the module's text)."""

    ids: list[str]
    text_hashes: list[str]
    #: the last graph's edges by paper position (only the layers that are not rebuilt whole are saved)
    edges: pd.DataFrame
    concepts: ConceptSet
    #: the word vectors (None when the similarity reads sentence embeddings alone)
    words: WordVectors | None
    params: dict
    layer_weights: dict[str, float]
    full_fit_papers: int
    full_fit_day: str | None = None
    updates: int = 0
    model_params: dict | None = None
    #: each concept link's count of shared concepts its evidence does not name ("(+N more)"), in edge order
    unnamed: np.ndarray | None = None

    @property
    def vectors(self) -> sp.csr_matrix:
        """The word vectors of every paper (rows in ``ids`` order)."""
        return self.words.vectors

    @classmethod
    def from_graph(cls, graph: PaperGraph, day: str | None = None) -> GraphState:
        """The state of a graph just built with ``build_graph(..., keep_state=True)``."""
        words = graph.features.get("words")
        sim = graph.params.get("builders", {}).get("similarity")
        needs_words = sim is not None and similarity_mode(sim.get("embedder"),
                                                          sim.get("text_weight", TEXT_WEIGHT)) != "semantic"
        if (needs_words and words is None) or "concepts" not in graph.layer_weights:
            raise RefitNeeded("the graph was built without the word-similarity and concept layers' saved work")
        edges = graph.edge_table(text=True)
        unnamed = _unnamed(graph.params, graph.concepts, edges[edges["kind"] == "concepts"])
        return cls(ids=list(graph.corpus.ids), text_hashes=[text_hash(p) for p in graph.corpus], edges=edges,
                   concepts=graph.concepts, words=words, params=graph.params,
                   layer_weights=dict(graph.layer_weights), full_fit_papers=len(graph.corpus), full_fit_day=day,
                   unnamed=unnamed)

    # -- saving -------------------------------------------------------------------------
    def saved_kinds(self) -> list[str]:
        """The layers whose links are saved: all but those a daily build rebuilds whole."""
        return [k for k in self.layer_weights if getattr(LAYERS.get(k), "incremental", "") != "rebuild"]

    def to_bytes(self) -> memoryview:
        """The state as one ``.npz`` blob (no pickled objects: arrays and one JSON document).

        Only the links of :meth:`saved_kinds` are kept; a similarity link's evidence is
        rewritten from its score, a concept link's from its concepts and :attr:`unnamed`.
        Returns a view of the blob (``bytes(...)`` copies it).
        """
        kinds = self.saved_kinds()
        e = self.edges[self.edges["kind"].isin(kinds)]
        kind = e["kind"].map(kinds.index).to_numpy(np.int8)
        kind_of = e["kind"].to_numpy()
        con, sim = kind_of == "concepts", kind_of == "similarity"
        shared = e["concepts"].to_numpy()
        lens = np.fromiter(map(len, shared), dtype=np.int32, count=len(shared))
        codes, edge_names = pd.factorize(np.fromiter(chain.from_iterable(shared), dtype=object, count=int(lens.sum())))
        more = np.zeros(len(e), dtype=np.int32)
        if con.any():
            more[con] = self.unnamed
        wv = self.words or WordVectors(({}, np.zeros(0, dtype=np.int64)), np.zeros(0),
                                       sp.csr_matrix((len(self.ids), 0)))
        words = sorted(wv.vocabulary[0], key=wv.vocabulary[0].get) if self.words is not None else None
        cs = self.concepts
        meta = {"version": STATE_VERSION, "ids": self.ids, "text_hashes": self.text_hashes, "params": self.params,
                "layer_weights": self.layer_weights, "full_fit_papers": self.full_fit_papers,
                "full_fit_day": self.full_fit_day, "updates": self.updates, "words": words,
                "model_params": self.model_params, "kinds": kinds,
                # links' concepts as codes into one list of names; concept links' evidence is rebuilt from them
                "edge_concepts": edge_names.tolist(), "evidence": e["evidence"].to_numpy()[~(con | sim)].tolist(),
                "names": cs.names, "keys": cs.keys, "aliases": [list(a) for a in cs.aliases]}
        x, c = wv.vectors.tocsr(), cs.matrix.tocsr()
        arrays = {"meta": np.frombuffer(json.dumps(meta, default=str).encode("utf-8"), dtype=np.uint8),
                  "codes": wv.vocabulary[1], "term_weights": wv.term_weights,
                  "x_data": x.data, "x_indices": x.indices, "x_indptr": x.indptr, "x_shape": np.array(x.shape),
                  "c_data": c.data, "c_indices": c.indices, "c_indptr": c.indptr, "c_shape": np.array(c.shape),
                  "df": cs.df, "idf": cs.idf, "title_df": cs.title_df if cs.title_df is not None else cs.df * 0,
                  "src": e["src"].to_numpy(np.int64), "dst": e["dst"].to_numpy(np.int64),
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
            edges, unnamed = _saved_edges(z, meta)
            x = sp.csr_matrix((z["x_data"], z["x_indices"], z["x_indptr"]), shape=tuple(z["x_shape"]))
            c = sp.csr_matrix((z["c_data"], z["c_indices"], z["c_indptr"]), shape=tuple(z["c_shape"]))
            _check_consistent(ids, meta, z, x, c)
            cs = ConceptSet(names=meta["names"], keys=meta["keys"], aliases=[tuple(a) for a in meta["aliases"]],
                            df=z["df"], idf=z["idf"], matrix=c, paper_ids=list(ids), title_df=z["title_df"])
            words = (None if meta["words"] is None else
                     WordVectors(({w: i for i, w in enumerate(meta["words"])}, z["codes"]), z["term_weights"], x))
            return cls(ids=list(ids), text_hashes=meta["text_hashes"], edges=edges, concepts=cs, words=words,
                       params=meta["params"], layer_weights=meta["layer_weights"],
                       full_fit_papers=int(meta["full_fit_papers"]), full_fit_day=meta["full_fit_day"],
                       updates=int(meta["updates"]), model_params=meta.get("model_params"), unnamed=unnamed)
        except RefitNeeded:
            raise
        except BLOB_DAMAGE as exc:
            raise RefitNeeded(f"the saved graph state cannot be read ({type(exc).__name__})") from None


def _saved_edges(z, meta: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """The saved links as an edge frame, and the concept links' unnamed counts."""
    kind = np.asarray(meta["kinds"], dtype=object)[z["kind"]] if len(z["kind"]) else np.zeros(0, dtype=object)
    con, sim = kind == "concepts", kind == "similarity"
    m = len(kind)
    names = np.asarray(meta["edge_concepts"], dtype=object)[z["concept_codes"]].tolist()
    ends = np.cumsum(z["concept_counts"]).tolist()
    concepts = object_array(tuple(names[a:b]) for a, b in zip([0, *ends[:-1]], ends))  # tuples stay tuples
    evidence = np.empty(m, dtype=object)
    evidence[sim] = similarity_evidence(z["score"][sim])
    unnamed = z["concepts_more"][con].astype(np.int64)
    evidence[con] = [concept_evidence(t, k) for t, k in zip(concepts[con].tolist(), unnamed.tolist())]
    evidence[~(sim | con)] = meta["evidence"]
    digests = np.empty(m, dtype=object)
    digests[:] = [()] * m
    edges = pd.DataFrame({"src": z["src"].astype(np.int64), "dst": z["dst"].astype(np.int64), "kind": kind,
                          "weight": z["weight"], "directed": z["directed"], "score": z["score"],
                          "concepts": concepts, "digests": digests, "evidence": evidence})[TABLE_COLUMNS]
    return edges, unnamed


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


def _layers(state: GraphState, builders) -> dict:
    """The layer objects of a state's graph: those given, else made from the registry with the saved parameters."""
    given = {check_layer(b, "The 'builders' parameter of update_graph"): b for b in builders or ()}
    saved = state.params.get("builders", {})
    chosen = {}
    for kind in state.layer_weights:
        if kind in given:
            chosen[kind] = given[kind]
        elif kind in LAYERS:
            chosen[kind] = LAYERS[kind](**saved.get(kind, {}))
        else:
            raise RefitNeeded(f"the {kind!r} layer of the last build is neither registered (lg.register_layer) nor "
                              f"given (builders=)")
    return chosen


def update_graph(state: GraphState, corpus: Corpus, *, builders=None, store=None) -> tuple[PaperGraph, GraphState]:
    """The graph of ``corpus`` from ``state`` (see the module's text), and the state to save for the next day.

    ``builders``: layer objects for layers of the last build that are not registered (see
    :func:`~litgraph.edges.register_layer`); ``store``: where the papers' sentence vectors are
    kept (a similarity with sentence embeddings encodes only the new papers). Raises :class:`RefitNeeded` when the corpus is
    not the state's papers plus new ones (a paper gone, its text changed, or the order
    changed), or a layer can neither extend nor be rebuilt.
    """
    t0 = time.perf_counter()
    n_old, ids = len(state.ids), corpus.ids
    if ids[:n_old] != state.ids:
        gone = len(set(state.ids) - set(ids))
        raise RefitNeeded(f"{gone} paper(s) of the last build are no longer in the corpus" if gone
                          else "the papers are in another order than at the last build")
    papers = list(corpus)
    if any(text_hash(p) != h for p, h in zip(papers[:n_old], state.text_hashes)):
        raise RefitNeeded("the title or abstract of an earlier paper changed")
    chosen = _layers(state, builders)
    fresh = papers[n_old:]
    cs = extend_concepts(state.concepts, fresh, ids)
    ctx = BuildContext(corpus=corpus, concepts=cs, features={"words": state.words} if state.words else {},
                       store=store)
    old = {k: f.reset_index(drop=True) for k, f in state.edges.groupby("kind", sort=False)}
    frames, _, _ = run_layers(ctx, chosen, old=old, new=np.arange(n_old, len(ids)))
    graph = PaperGraph(corpus, joined(frames), dict(state.layer_weights), cs, state.params,
                       {"incremental update": time.perf_counter() - t0})
    graph.features = dict(ctx.features)
    concept_links = frames.get("concepts", empty_edges())
    kept = len(old.get("concepts", ()))
    unnamed = np.concatenate([state.unnamed if state.unnamed is not None else np.zeros(kept, np.int64),
                              _unnamed(state.params, cs, concept_links.iloc[kept:])])
    nxt = GraphState(ids=list(ids), text_hashes=state.text_hashes + [text_hash(p) for p in fresh],
                     edges=graph.edge_table(), concepts=cs, words=ctx.features.get("words"),
                     params=state.params, layer_weights=dict(state.layer_weights),
                     full_fit_papers=state.full_fit_papers, full_fit_day=state.full_fit_day,
                     updates=state.updates + 1, unnamed=unnamed)
    return graph, nxt
