"""The paper graph: papers as nodes, typed and explained edges from every layer.

:func:`build_graph` is the only builder. It runs each edge layer, keeps every layer's edges with their
evidence, and combines them into one undirected weighted graph whose ``weight`` is the sum of the layer
weights times each layer's edge weight. Algorithms run on the mix (``weight``) or one layer (``w_<kind>``).
"""

from __future__ import annotations

import logging
import numbers
import time
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .concepts import ConceptExtractor, ConceptSet
from .edges import LAYER_ORDER, LAYERS, BuildContext
from .edges._base import EDGE_COLUMNS, EdgeStep, empty_edges, linked_pairs
from .edges._combine import combine_pairs, edge_texts, pair_text, text_plan
from ._memory import release_memory
from .exceptions import EmptyGraphError, InvalidParameterError
from .model import Corpus

__all__ = ["build_graph", "PaperGraph", "DEFAULT_LAYER_WEIGHTS"]

logger = logging.getLogger("litgraph")

#: Weight of each layer in the combined ``weight`` when none are given.
#: Each layer's edges are first divided by the layer's median edge weight (see PaperGraph.layer_scales), so these
#: say how much a typical link of each kind counts. Text similarity leads: on 22,393 real arXiv papers it ranks
#: neighbours best (benchmarks/eval_neighbours.py); concepts, citations and co-occurrence add evidence.
DEFAULT_LAYER_WEIGHTS: dict[str, float] = {
    "concepts": 0.3, "similarity": 1.0, "digest": 0.05, "citation": 0.5, "mention": 0.1,
    "cocitation": 0.2, "coupling": 0.2,
}
MAX_WEIGHT = 1e6  #: the largest layer weight (weights are relative; larger ones could overflow their sums)


def _check_layers(layers: Mapping[str, float] | Iterable[str] | None) -> dict[str, float]:
    if layers is None:
        return dict(DEFAULT_LAYER_WEIGHTS)
    if isinstance(layers, str) or not isinstance(layers, (Mapping, Iterable)):
        raise InvalidParameterError(f"The 'layers' parameter of build_graph must be a mapping of layer name to "
                                    f"weight, e.g. {{'concepts': 1.0, 'similarity': 1.0}}. Got {layers!r} instead.")
    items = layers.items() if isinstance(layers, Mapping) else ((k, DEFAULT_LAYER_WEIGHTS.get(k, 1.0)) for k in layers)
    out: dict[str, float] = {}
    for k, w in items:
        if k not in LAYERS:
            raise InvalidParameterError(f"The 'layers' parameter of build_graph names an unknown layer {k!r}; "
                                        f"known layers: {', '.join(LAYERS)}.")
        if isinstance(w, bool) or not isinstance(w, numbers.Real) or not np.isfinite(w) or not 0 <= w <= MAX_WEIGHT:
            raise InvalidParameterError(f"The weight of layer {k!r} in the 'layers' parameter of build_graph must be "
                                        f"a number from 0 to {MAX_WEIGHT:g} (weights are relative). Got {w!r}.")
        out[k] = float(w)
    if not out:
        raise InvalidParameterError("The 'layers' parameter of build_graph names no layer; "
                                    f"use some of: {', '.join(LAYERS)}.")
    if not any(out.values()):
        raise InvalidParameterError(f"The 'layers' parameter of build_graph gives every layer the weight 0, so no "
                                    f"two papers would be linked. Got {out!r}; give at least one layer a weight > 0.")
    return out


def build_graph(corpus: Corpus, layers: Mapping[str, float] | Iterable[str] | None = None, *, seed: int = 0,
                concepts: ConceptExtractor | ConceptSet | None = None, builders: Iterable[Any] | None = None,
                n_jobs: int = 1, keep_state: bool = False) -> PaperGraph:
    """Build the multi-layer paper graph of a corpus.

    Parameters
    ----------
    corpus : Corpus
    layers : mapping of str to float, optional
        Which layers to build and their weight in the combined ``weight``; see
        :data:`DEFAULT_LAYER_WEIGHTS` (all layers; those the data does not support,
        such as citations without references, are simply empty).
    seed : int, default 0
        Recorded with the graph and passed on to analysis and layout.
    concepts : ConceptExtractor or ConceptSet, optional
        How concepts are extracted (or concepts already extracted for this corpus).
    builders : iterable of edge layers, optional
        Layer objects with non-default parameters, e.g. ``[lg.SimilarityEdges(top_k=5)]``;
        each replaces the default builder of its ``kind``.
    n_jobs : int, default 1
        Threads for the sparse top-k products.
    keep_state : bool, default False
        Keep what :class:`litgraph.incremental.GraphState` needs to extend the graph later.

    Raises
    ------
    EmptyGraphError
        The corpus has no papers.
    InvalidParameterError
        An unknown layer, a negative weight, or a bad layer parameter.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), layers={"concepts": 1.0, "similarity": 1.0, "digest": 0.2})
    >>> g.n_papers
    66
    >>> sorted(g.edges_frame()["kind"].unique())
    ['concepts', 'digest', 'similarity']
    """
    if not isinstance(corpus, Corpus):
        raise InvalidParameterError(f"build_graph expects a Corpus (from lg.read_digests). Got {type(corpus).__name__}.")
    if len(corpus) == 0:
        raise EmptyGraphError("The corpus has no papers, so there is no graph to build; read some digests first.")
    weights = _check_layers(layers)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InvalidParameterError(f"The 'seed' parameter of build_graph must be an int. Got {seed!r} instead.")
    chosen: dict[str, Any] = {k: LAYERS[k]() for k in weights}
    given = set()
    for b in builders or ():
        kind = getattr(b, "kind", None)
        if kind not in LAYERS or not hasattr(b, "fit"):
            raise InvalidParameterError(f"The 'builders' parameter of build_graph takes edge layers (steps with a "
                                        f"known 'kind' and a fit() method). Got {b!r} instead.")
        chosen[kind] = b
        given.add(kind)
        weights.setdefault(kind, DEFAULT_LAYER_WEIGHTS[kind])
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if isinstance(concepts, ConceptSet):
        if concepts.paper_ids != corpus.ids:
            raise InvalidParameterError("The 'concepts' parameter of build_graph was extracted from another corpus; "
                                        "pass a ConceptExtractor or extract concepts from this corpus.")
        cset = concepts
    else:
        extractor = concepts if concepts is not None else ConceptExtractor()
        if not isinstance(extractor, ConceptExtractor):
            raise InvalidParameterError(f"The 'concepts' parameter of build_graph must be a ConceptExtractor or a "
                                        f"ConceptSet. Got {concepts!r} instead.")
        cset = extractor.fit(corpus).concepts_
    release_memory()
    timings["concept extraction"] = time.perf_counter() - t0
    logger.info("concept extraction: %d concepts in %.2fs", len(cset), timings["concept extraction"])
    ctx = BuildContext(corpus=corpus, index={pid: i for i, pid in enumerate(corpus.ids)}, concepts=cset,
                       n_jobs=n_jobs)
    frames = []
    deferred = {}  # layers whose edge text is made when asked (see PaperGraph.edge_texts)
    for kind in sorted(chosen, key=LAYER_ORDER.index):
        if kind == "digest":
            ctx.supported_pairs = linked_pairs(corpus, frames)
        t = time.perf_counter()
        lazy = isinstance(chosen[kind], EdgeStep) and hasattr(chosen[kind], "edge_texts")
        f = chosen[kind].fit(ctx, text=False).edges_ if lazy else chosen[kind].fit(ctx).edges_
        if not keep_state and kind not in given:  # a layer made here: its fitted work (word vectors) can go
            chosen[kind] = type(chosen[kind])(**chosen[kind].get_params())
        if lazy:
            deferred[kind] = chosen[kind]
        release_memory()
        timings[kind] = time.perf_counter() - t
        logger.info("layer %s: %d edges in %.2fs", kind, len(f), timings[kind])
        frames.append(f)
    edges = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(len(f) for f in frames) else empty_edges()
    params = {"layers": weights, "seed": int(seed),
              "builders": {k: (v.get_params() if hasattr(v, "get_params") else {}) for k, v in chosen.items()}}
    graph = PaperGraph(corpus, edges[EDGE_COLUMNS], weights, cset, params, timings, deferred=deferred)
    if keep_state and "similarity" in chosen:
        graph._fit_parts = {"similarity": chosen["similarity"]}
    return graph


class PaperGraph:
    """A multi-layer paper graph (built by :func:`build_graph`).

    Attributes
    ----------
    corpus : Corpus
    layer_weights : dict
    concepts : ConceptSet
    params : dict
        Everything needed to rebuild it (layer weights, builder parameters, seed).
    timings : dict
        Seconds spent per step.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    >>> g.n_papers, sorted(g.layers)[:2]
    (66, ['citation', 'cocitation'])
    >>> row = g.edges_frame("concepts").iloc[0]
    >>> row["evidence"].startswith("shared concepts: ")
    True
    """

    def __init__(self, corpus: Corpus, edges: pd.DataFrame, layer_weights: dict[str, float], concepts: ConceptSet,
                 params: dict, timings: dict[str, float], *, deferred: Mapping[str, Any] | None = None) -> None:
        self.corpus = corpus
        self._edges = edges
        # layers whose edges' concepts and evidence are made when asked: kind -> the layer (edge_texts)
        self._deferred = dict(deferred or {})
        self.layer_weights = layer_weights
        self.concepts = concepts
        self.params = params
        self.timings = timings
        self._pairs: pd.DataFrame | None = None
        self._pairs_lean: pd.DataFrame | None = None
        self._text_plan: tuple | None = None  # how pair_texts finds a pair's edges (made when first asked)
        self._incidence: tuple | None = None

    def __repr__(self) -> str:
        kinds = self._edges["kind"].value_counts()
        parts = ", ".join(f"{k}: {kinds.get(k, 0)}" for k in self.layer_weights)
        return f"<PaperGraph: {self.n_papers} papers, {self.n_edges} linked pairs ({parts})>"

    @property
    def layer_scales(self) -> dict[str, float]:
        """Each layer's median edge weight: the combined ``weight`` divides a layer's weights by it.

        Layers measure on different scales (a cosine near 0.2, a citation 1, a co-citation
        count); on one scale, the layer weights say how much each kind of link counts,
        not how large its numbers happen to be.
        """
        if getattr(self, "_scales", None) is None:
            e = self._edges
            scales = {}
            for k in self.layer_weights:
                w = e.loc[e["kind"] == k, "weight"].to_numpy(dtype=np.float64)
                w = w[w > 0]
                scales[k] = float(np.median(w)) if len(w) else 1.0
            self._scales = scales
        return self._scales

    @property
    def n_papers(self) -> int:
        return len(self.corpus)

    @property
    def n_edges(self) -> int:
        """Number of linked paper pairs in the combined graph."""
        return len(self.pairs_frame(text=False))

    @property
    def seed(self) -> int:
        return int(self.params["seed"])

    @property
    def layers(self) -> list[str]:
        return list(self.layer_weights)

    def subgraph(self, paper_ids: Iterable[str]) -> PaperGraph:
        """The graph restricted to some papers (and the edges among them)."""
        keep = set(paper_ids)
        unknown = keep - set(self.corpus.ids)
        if unknown:
            raise KeyError(f"No paper {sorted(unknown)[0]!r} in this graph.")
        e, corpus = self._edges, self.corpus.subset(keep)  # concept rows follow the subgraph's own papers
        e = e[e["source"].isin(keep) & e["target"].isin(keep)].reset_index(drop=True)
        sub = PaperGraph(corpus, e, dict(self.layer_weights), self.concepts.restrict(corpus.ids), dict(self.params),
                         {}, deferred=self._deferred)
        sub._scales = dict(self.layer_scales)  # the same scale as the whole graph
        return sub

    def edges_frame(self, kind: str | None = None, *, text: bool = True) -> pd.DataFrame:
        """Every layer's edges (or one layer's): source, target, kind, weight, directed, score, concepts, digests,
        evidence.

        ``text=False`` may leave ``concepts`` and ``evidence`` empty for the layers that
        make them when asked (the shared-concept links: a tuple and a sentence per link, a
        large graph's biggest part); with ``kind=None`` it is the graph's own table,
        shared and not to be changed. :meth:`edge_texts` gives the text of chosen rows.
        """
        if kind is not None and kind not in LAYERS:
            raise InvalidParameterError(f"The 'kind' parameter of edges_frame must be one of {', '.join(LAYERS)}. "
                                        f"Got {kind!r} instead.")
        if text and (kind is None or kind in self._deferred):
            self._make_texts()
        if kind is None:
            return self._edges if not text else self._edges.copy()
        return self._edges[self._edges["kind"] == kind].reset_index(drop=True)

    def edge_texts(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """``concepts`` and ``evidence`` of some rows of :meth:`edges_frame` (made for those rows alone)."""
        return edge_texts(self._edges, self._deferred, self.concepts, rows)

    def _make_texts(self) -> None:
        """Make the text of the deferred layers' edges in the graph's table (once; then nothing is deferred)."""
        if not self._deferred:
            return
        rows = np.flatnonzero(self._edges["kind"].isin(list(self._deferred)).to_numpy())
        concepts, evidence = self.edge_texts(rows)
        e = self._edges.copy(deep=False)
        for col, values in (("concepts", concepts), ("evidence", evidence)):
            full = e[col].to_numpy().copy()
            full[rows] = values
            e[col] = full
        self._edges, self._deferred = e, {}

    def pairs_frame(self, *, text: bool = True) -> pd.DataFrame:
        """The combined graph: one row per linked pair (undirected).

        Columns: source, target, ``weight`` (combined: each layer's edge weight divided by
        the layer's :attr:`layer_scales`, times the layer weight, summed), ``w_<kind>`` per
        layer (the layer's own edge weight), ``kinds``
        (the layers that link the pair), ``direction`` (for citation/mention: which
        paper points at which), ``concepts`` and ``evidence`` (one line per layer).
        ``text=False`` may leave out ``concepts`` and ``evidence``: what the algorithms read,
        without a string per pair (a large graph's biggest part).
        """
        if self._pairs is not None:  # built with its text: every reader shares it
            return self._pairs
        if self._pairs_lean is None:
            self._pairs_lean = combine_pairs(self._edges, self.corpus.ids, self.layer_weights, self.layer_scales)
        if not text:
            return self._pairs_lean
        lean = self._pairs_lean
        self._make_texts()  # every edge's text is needed: made once in the edge table
        concepts, evidence = self.pair_texts(np.arange(len(lean)))
        self._pairs = lean.assign(concepts=concepts, evidence=evidence)
        self._pairs_lean = self._text_plan = None
        return self._pairs

    def pair_texts(self, rows) -> tuple[list[str], list[str]]:
        """``concepts`` and ``evidence`` of some rows of :meth:`pairs_frame` (without building them for all)."""
        rows = np.asarray(rows, dtype=np.int64)
        if self._pairs is not None:
            return self._pairs["concepts"].to_numpy()[rows].tolist(), self._pairs["evidence"].to_numpy()[rows].tolist()
        if self._text_plan is None:
            self._text_plan = text_plan(self._edges, self.corpus.ids, self.layer_weights, self.layer_scales)
        return pair_text(self._text_plan, rows, self.edge_texts)

    def nodes_frame(self) -> pd.DataFrame:
        """One row per paper (the corpus frame) with its strongest concepts and its degree."""
        df = self.corpus.to_frame()
        df["concepts"] = ["; ".join(self.concepts.concepts_of(pid, 6)) for pid in df["id"]]
        pairs = self.pairs_frame(text=False)
        deg = pd.concat([pairs["source"], pairs["target"]]).value_counts()
        df["degree"] = df["id"].map(deg).fillna(0).astype(int)
        return df

    def incident_pairs(self, paper_id: str) -> np.ndarray:
        """Row positions in :meth:`pairs_frame` of the pairs that involve a paper (indexed once, then O(degree))."""
        if getattr(self, "_incidence", None) is None:
            p = self.pairs_frame(text=False)
            index = {pid: i for i, pid in enumerate(self.corpus.ids)}
            ends = np.concatenate([self.corpus.positions(p["source"]), self.corpus.positions(p["target"])]).astype(
                np.int64)
            rows = np.concatenate([np.arange(len(p)), np.arange(len(p))])
            order = np.argsort(ends, kind="stable")
            indptr = np.searchsorted(ends[order], np.arange(len(index) + 1))
            self._incidence = (index, indptr, rows[order])
        index, indptr, rows = self._incidence
        if paper_id not in index:
            raise KeyError(f"No paper {paper_id!r} in this graph.")
        i = index[paper_id]
        return rows[indptr[i]:indptr[i + 1]]

    def neighbors(self, paper_id: str, k: int = 10) -> pd.DataFrame:
        """A paper's strongest links with the evidence for each."""
        rows = self.incident_pairs(paper_id)
        mine = self.pairs_frame(text=False).iloc[rows].copy()
        mine["concepts"], mine["evidence"] = self.pair_texts(rows)
        mine["neighbor"] = np.where(mine["source"] == paper_id, mine["target"], mine["source"])
        mine["title"] = mine["neighbor"].map(lambda x: self.corpus[x].title)
        mine = mine.sort_values(["weight", "neighbor"], ascending=[False, True]).head(k)
        return mine[["neighbor", "title", "weight", "kinds", "concepts", "evidence"]].reset_index(drop=True)

    def _node_attrs(self) -> dict[str, dict[str, Any]]:
        from ._networkx import node_attrs

        return node_attrs(self)

    def to_networkx(self, layer: str | None = None, *, directed: bool = False) -> nx.Graph:
        """The graph as networkx: node attributes are paper fields, edge attributes per-layer weights.

        ``layer=None`` gives the combined graph (``weight`` = mix, ``w_<kind>`` per layer);
        a layer name gives that layer alone with its own weights. ``directed=True`` gives a
        DiGraph of the directed layers (citation, mention), or of ``layer``.
        """
        from ._networkx import to_networkx

        return to_networkx(self, layer, directed=directed)

    def to_igraph(self, layer: str | None = None):
        """The combined graph (or one layer) as an undirected igraph Graph.

        Vertex attribute ``name`` is the paper id (vertices follow corpus order), plus
        ``title``; edge attributes ``weight`` and, for the combined graph, ``w_<kind>``.
        Directed layers (citation, mention) count both directions in one undirected edge.
        """
        from ._igraph import to_igraph, with_layer_weights

        if layer is not None and layer not in LAYERS:
            raise InvalidParameterError(f"The 'layer' parameter of to_igraph must be one of {', '.join(LAYERS)}. "
                                        f"Got {layer!r} instead.")
        known = layer is None or layer in self.layer_weights
        g = to_igraph(self, (layer or "weight") if known else "weight").copy()
        if layer is None:
            g = with_layer_weights(self, g)
        if not known:  # a layer this graph was built without: no links
            g.delete_edges()
        g.vs["title"] = [p.title for p in self.corpus]
        return g
