"""Shared-concept edges: papers that are about the same specific things."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._step import Float, Int
from ._contract import LayerEdges
from ._base import (EdgeStep, BuildContext, link_scores, new_pairs, pair_dots,
                    topk_pairs)


class SharedConceptEdges(EdgeStep):
    """Link papers that share concepts, weighted by how specific the shared concepts are.

    Each paper is a vector of its concepts weighted by idf (see
    :class:`~litgraph.ConceptExtractor`); the edge weight is the cosine of two such
    vectors, so sharing "concept bottleneck model" (rare) counts for more than sharing
    "neural network" (common). Each paper keeps its ``top_k`` strongest links above
    ``threshold``; concepts found in more than ``max_df`` of the papers (or in more than
    ``max_papers`` papers) link nothing on their own (they still weigh in the cosine of papers linked by others). The evidence
    lists the shared concepts, most specific first.

    Parameters
    ----------
    top_k : int, default 10
    threshold : float, default 0.15
        Smallest cosine kept, in [0, 1].
    max_df : float, default 0.2
        Concepts carried by a larger share of papers do not create links.
    max_papers : int, default 2000
        Nor do concepts carried by more papers than this (it bounds the cost on large corpora).
    min_shared : int, default 1
        Fewest shared (linking) concepts for an edge.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), layers={"concepts": 1.0}, builders=[lg.edges.SharedConceptEdges(top_k=5)])
    >>> bool((g.edges_frame()["kind"] == "concepts").all())
    True
    """

    kind = "concepts"
    directed = False
    incremental = "extend"

    def __init__(self, *, top_k: int = 10, threshold: float = 0.15, max_df: float = 0.2, max_papers: int = 2000,
                 min_shared: int = 1) -> None:
        self.max_papers = max_papers
        self.top_k = top_k
        self.threshold = threshold
        self.max_df = max_df
        self.min_shared = min_shared

    _parameter_constraints: ClassVar[dict] = {
        "top_k": Int(min_value=1), "threshold": Float(0.0, 1.0), "max_df": Float(0.0, 1.0, low_open=True),
        "min_shared": Int(min_value=1), "max_papers": Int(min_value=2)}

    def linking(self, cs) -> np.ndarray:
        """The concepts that create links (rare enough, see ``max_df`` and ``max_papers``), most specific first."""
        n = cs.n_corpus  # the whole corpus's size, also for a subgraph's restricted set
        linking = np.flatnonzero(cs.df <= max(min(self.max_df * n, self.max_papers), 2))
        names_all = np.asarray(cs.names, dtype=object)
        # most specific first, so a row's sorted indices list a pair's shared concepts in that order
        return linking[np.lexsort((names_all[linking].astype(str), -cs.idf[linking]))]

    def build(self, ctx: BuildContext, *, text: bool = True) -> LayerEdges:
        """The layer's edges; ``text=False`` leaves ``concepts`` and ``evidence`` empty (see :meth:`edge_texts`)."""
        self._validate_params()
        cs = ctx.concepts
        if cs is None or len(cs) == 0 or len(ctx.index) < 2:
            return LayerEdges.empty()
        x = cs.weighted()
        linking = self.linking(cs)
        rows, cols, link_score = topk_pairs(sp.csr_matrix(x[:, linking]), self.top_k, 1e-9, ctx.n_jobs)
        if len(rows) == 0:
            return LayerEdges.empty()
        # cosine over all concepts: the linking ones' part plus the common ones' (few per paper)
        xc = sp.csr_matrix(x[:, np.setdiff1d(np.arange(x.shape[1]), linking)])
        del x
        full = link_score + (pair_dots(xc, rows, cols) if xc.nnz else 0.0)
        keep = full >= self.threshold
        if self.min_shared > 1:  # every pair shares at least one linking concept (its linking score is > 0)
            keep &= _shared_counts(cs, linking, rows, cols) >= self.min_shared
        keep = np.flatnonzero(keep)
        rows, cols, full = rows[keep], cols[keep], full[keep]
        if not text:
            return LayerEdges(rows, cols, full, score=full)
        concepts, evidence = self.edge_texts(cs, rows, cols)
        return LayerEdges(rows, cols, full, score=full, concepts=concepts, evidence=evidence)

    def extend(self, ctx: BuildContext, old: pd.DataFrame, new: np.ndarray) -> LayerEdges:
        """The links the new papers (positions ``new``) add: each one's top k among all papers, and an older
        paper's link to a new one that beats its k-th best (``old``: the layer's links so far). The concept
        set in ``ctx`` already holds the new papers' rows."""
        self._validate_params()
        cs = ctx.concepts
        if cs is None or len(cs) == 0:
            return LayerEdges.empty()
        w = cs.weighted()
        linking = self.linking(cs)
        wl = sp.csr_matrix(w[:, linking])
        cand = sp.csr_matrix(wl[new] @ wl.T).tocoo()
        lo, hi, _ = new_pairs(new[cand.row], cand.col, cand.data, link_scores(old, len(ctx.corpus)), self.top_k, 1e-9)
        full = np.asarray(w[lo].multiply(w[hi]).sum(axis=1)).ravel()
        concepts, evidence, n_shared = shared_concepts_evidence(cs, linking, lo, hi)
        sel = np.flatnonzero((full >= self.threshold) & (n_shared >= self.min_shared))
        return LayerEdges(lo[sel], hi[sel], full[sel], score=full[sel],
                           concepts=[concepts[q] for q in sel], evidence=[evidence[q] for q in sel])

    def unnamed(self, cs, edges: pd.DataFrame) -> np.ndarray:
        """For each of this layer's links in ``edges`` (made with the concept set ``cs``, by paper position): how many shared linking concepts its evidence counts without naming them (the "(+N more)")."""
        named = np.fromiter(map(len, edges["concepts"].to_numpy()), dtype=np.int64, count=len(edges))
        out = np.zeros(len(edges), dtype=np.int64)
        full = np.flatnonzero(named == EVIDENCE_CONCEPTS)
        if len(full):
            pos = edges["src"].to_numpy(np.int64)[full], edges["dst"].to_numpy(np.int64)[full]
            out[full] = _shared_counts(cs, self.linking(cs), *pos) - EVIDENCE_CONCEPTS
        return out

    def edge_texts(self, cs, rows: np.ndarray, cols: np.ndarray) -> tuple[list[tuple[str, ...]], list[str]]:
        """``concepts`` and ``evidence`` of links between papers at positions ``rows`` and ``cols`` of the concept set:
        the shared linking concepts (most specific first, at most :data:`EVIDENCE_CONCEPTS`) and the sentence."""
        concepts, evidence, _ = shared_concepts_evidence(cs, self.linking(cs), rows, cols)
        return concepts, evidence


#: Pairs handled at a time when their shared concepts are listed (memory stays O(block)).
_PAIR_BLOCK = 500_000


def _present(matrix: sp.csr_matrix, linking: np.ndarray) -> sp.csr_matrix:
    """Which ``linking`` concepts each row of a concept matrix holds (0/1)."""
    return sp.csr_matrix(matrix[:, linking] > 0, dtype=np.float32)


def _shared_counts(cs, linking: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """How many linking concepts each pair (rows[r], cols[r]) shares."""
    return np.rint(pair_dots(_present(cs.matrix, linking), rows, cols)).astype(np.int64)


def shared_concepts_evidence(cs, linking: np.ndarray, rows: np.ndarray, cols: np.ndarray):
    """For each pair (rows[r], cols[r]): its shared ``linking`` concepts (given most specific first; at most 8
    named), the evidence sentence, and the number of linking concepts shared. A block of pairs at a time."""
    names = np.asarray(cs.names, dtype=object)[linking]
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    concepts: list[tuple[str, ...]] = []
    evidence: list[str] = []
    counts = []
    for s in range(0, len(rows), _PAIR_BLOCK):
        # only the papers of this block's pairs are read (a few links' text costs a few rows, not the matrix)
        shared_m = sp.csr_matrix(_present(cs.matrix[rows[s:s + _PAIR_BLOCK]], linking).multiply(
            _present(cs.matrix[cols[s:s + _PAIR_BLOCK]], linking)))
        shared_m.sort_indices()
        n_shared = np.diff(shared_m.indptr)
        named = np.minimum(n_shared, EVIDENCE_CONCEPTS)  # the first ones of each row: the most specific
        first = (np.arange(shared_m.nnz) - np.repeat(shared_m.indptr[:-1], n_shared)) < EVIDENCE_CONCEPTS
        flat = names[shared_m.indices[first]].tolist()
        ends = np.cumsum(named).tolist()
        part = [tuple(flat[a:e]) for a, e in zip([0, *ends[:-1]], ends)]
        concepts += part
        evidence += [concept_evidence(c, m) for c, m in zip(part, (n_shared - named).tolist())]
        counts.append(n_shared)
    return concepts, evidence, (np.concatenate(counts) if counts else np.zeros(0, dtype=np.int64))


#: Shared concepts named by a concept link (the most specific ones); the evidence counts the others.
EVIDENCE_CONCEPTS = 8


def concept_evidence(names: tuple[str, ...], more: int) -> str:
    """The evidence sentence of a concept link: its shared concepts, and how many more it shares."""
    return "shared concepts: " + ", ".join(names) + (f" (+{more} more)" if more > 0 else "")
