"""The paper graph: papers as nodes, typed and explained edges from every layer.

:func:`litgraph.build.build_graph` makes it (for full and daily builds alike). It keeps every layer's
edges with their evidence, and combines them into one undirected weighted graph whose ``weight`` is the sum
of the layer weights times each layer's edge weight. Algorithms run on the mix (``weight``) or one layer
(``w_<kind>``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from .concepts import ConceptSet
from .edges import DEFAULT_LAYER_WEIGHTS, LAYERS
from .edges._base import EDGE_COLUMNS, TABLE_COLUMNS
from .edges._combine import combine_pairs, edge_texts, pair_text, text_plan
from .exceptions import InvalidParameterError
from .model import Corpus

__all__ = ["PaperGraph", "DEFAULT_LAYER_WEIGHTS"]  # build_graph: see __getattr__



def __getattr__(name: str):
    if name == "build_graph":  # defined with the build path, which makes PaperGraphs
        from .build import build_graph

        return build_graph
    raise AttributeError(f"module 'litgraph.graph' has no attribute {name!r}")


def _by_position(edges: pd.DataFrame, corpus: Corpus) -> pd.DataFrame:
    """An edge table by paper position: as it is, or made from a frame of :data:`~litgraph.edges.EDGE_COLUMNS`
    (papers by id); InvalidParameterError naming an id the corpus does not have."""
    if "src" in edges.columns and "dst" in edges.columns:
        return edges
    missing = [c for c in EDGE_COLUMNS if c not in edges.columns]
    if missing:
        raise InvalidParameterError(f"A PaperGraph's edges need the columns {', '.join(EDGE_COLUMNS)}; "
                                    f"{', '.join(missing)} missing.")
    ends = []
    for col in ("source", "target"):
        pos = corpus.positions(edges[col]) if len(edges) else np.zeros(0, dtype=np.int64)
        bad = np.flatnonzero(np.asarray(pos) < 0)
        if len(bad):
            raise InvalidParameterError(f"Edge {int(bad[0])} of a PaperGraph's edges has {col} "
                                        f"{edges[col].iloc[bad[0]]!r}, which is not a paper of its corpus.")
        ends.append(np.asarray(pos, dtype=np.int64))
    out = edges.drop(columns=["source", "target"]).reset_index(drop=True)
    out.insert(0, "dst", ends[1])
    out.insert(0, "src", ends[0])
    return out[TABLE_COLUMNS]


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
    features : dict
        The fitted features kept by ``build_graph(..., keep_state=True)`` (e.g. ``"words"``:
        :class:`~litgraph.edges.WordVectors`), empty otherwise.

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
        self._edges = _by_position(edges, corpus)
        # layers whose edges' concepts and evidence are made when asked: kind -> the layer (edge_texts)
        self._deferred = dict(deferred or {})
        self.layer_weights = layer_weights
        self.concepts = concepts
        self.params = params
        self.timings = timings
        self.features: dict[str, Any] = {}
        self._pairs: pd.DataFrame | None = None
        self._pairs_lean: pd.DataFrame | None = None
        self._text_plan: tuple | None = None  # how pair_texts finds a pair's edges (made when first asked)
        self._incidence: tuple | None = None
        self._ends: tuple[np.ndarray, np.ndarray] | None = None  # each edge's paper positions
        self._pair_ends: tuple[np.ndarray, np.ndarray] | None = None  # each linked pair's

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
        corpus = self.corpus.subset(keep)  # concept rows follow the subgraph's own papers
        # every position is renumbered: old position -> new one (-1: left out)
        renumber = np.full(self.n_papers, -1, dtype=np.int64)
        renumber[self.corpus.positions(corpus.ids)] = np.arange(len(corpus))
        src, dst = renumber[self._edges["src"].to_numpy()], renumber[self._edges["dst"].to_numpy()]
        inside = (src >= 0) & (dst >= 0)
        e = self._edges[inside].reset_index(drop=True)
        e["src"], e["dst"] = src[inside], dst[inside]
        sub = PaperGraph(corpus, e, dict(self.layer_weights), self.concepts.restrict(corpus.ids), dict(self.params),
                         {}, deferred=self._deferred)
        sub._scales = dict(self.layer_scales)  # the same scale as the whole graph
        return sub

    def edges_frame(self, kind: str | None = None, *, text: bool = True) -> pd.DataFrame:
        """Every layer's edges (or one layer's): source, target (paper ids), kind, weight, directed, score,
        concepts, digests, evidence.

        ``text=False`` may leave ``concepts`` and ``evidence`` empty for the layers that
        make them when asked (the shared-concept links: a tuple and a sentence per link, a
        large graph's biggest part). :meth:`edge_texts` gives the text of chosen rows;
        :meth:`edge_table` is the same table by paper position, as the package keeps it.
        """
        if kind is not None and kind not in LAYERS and kind not in self.layer_weights:
            raise InvalidParameterError(f"The 'kind' parameter of edges_frame must be one of "
                                        f"{', '.join(dict.fromkeys([*LAYERS, *self.layer_weights]))}. "
                                        f"Got {kind!r} instead.")
        e = self.edge_table(text=text and (kind is None or kind in self._deferred))
        if kind is not None:
            e = e[e["kind"].to_numpy() == kind]
        ids = np.asarray(self.corpus.ids, dtype=object)
        out = e.drop(columns=["src", "dst"]).reset_index(drop=True)
        out.insert(0, "target", ids[e["dst"].to_numpy()])
        out.insert(0, "source", ids[e["src"].to_numpy()])
        return out

    def edge_table(self, *, text: bool = False) -> pd.DataFrame:
        """The graph's own edge table: :meth:`edges_frame` with the papers' positions in the corpus as ``src``
        and ``dst`` instead of their ids. Shared: not to be changed. ``text=True`` makes every edge's
        ``concepts`` and ``evidence`` first."""
        if text:
            self._make_texts()
        return self._edges

    def edge_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (corpus order) of each edge's source and target, row by row of :meth:`edges_frame`."""
        if self._ends is None:
            self._ends = (self._edges["src"].to_numpy(np.int64), self._edges["dst"].to_numpy(np.int64))
        return self._ends

    def pair_ends(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions (corpus order, lower first) of each linked pair's papers, row by row of :meth:`pairs_frame`."""
        if self._pair_ends is None:
            self.pairs_frame(text=False)
        return self._pair_ends

    def edge_texts(self, rows) -> tuple[np.ndarray, np.ndarray]:
        """``concepts`` and ``evidence`` of some rows of :meth:`edges_frame` (made for those rows alone)."""
        return edge_texts(self._edges, self.edge_ends(), self._deferred, self.concepts, rows)

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
            self._pairs_lean, self._pair_ends = combine_pairs(self._edges, self.edge_ends(), self.corpus.ids,
                                                              self.layer_weights, self.layer_scales)
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
            self._text_plan = text_plan(self._edges, self.edge_ends(), self.layer_weights, self.layer_scales)
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
            index = self.corpus.index_of
            lo, hi = self.pair_ends()
            ends = np.concatenate([lo, hi]).astype(np.int64)
            rows = np.concatenate([np.arange(len(lo)), np.arange(len(lo))])
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

        if layer is not None and layer not in LAYERS and layer not in self.layer_weights:
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
