"""What every edge layer shares: the edge-frame shape, the layer contract, top-k selection."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._arrays import distinct
from .._step import Step
from ..concepts import ConceptSet
from ..model import Corpus
from ._contract import checked

#: Columns of every layer's edge table inside the package: ``src`` and ``dst`` are paper positions in the corpus
#: (ids appear only in the frames users get).
TABLE_COLUMNS = ["src", "dst", "kind", "weight", "directed", "score", "concepts", "digests", "evidence"]
#: Columns of an edge frame as users see it (:meth:`litgraph.PaperGraph.edges_frame`): the papers' ids as
#: ``source`` and ``target``.
EDGE_COLUMNS = ["source", "target", *TABLE_COLUMNS[2:]]


@dataclass
class BuildContext:
    """What a layer may read besides the corpus: shared, computed once."""

    corpus: Corpus
    #: paper id -> position: the corpus's own index (:attr:`Corpus.index_of`) unless given
    index: dict[str, int] = None  # type: ignore[assignment]
    concepts: ConceptSet | None = None
    #: pairs (lo, hi positions, one row each, sorted) that the layers built so far link (see :func:`linked_pairs`)
    supported_pairs: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))
    n_jobs: int = 1
    cache: dict = field(default_factory=dict)  # results layers share (e.g. resolved references)
    #: features by name, rows in corpus order (e.g. "words": WordVectors), kept with the graph's state
    features: dict = field(default_factory=dict)
    #: where per-paper features are kept between runs (a :class:`~litgraph.Store`: sentence vectors), if any
    store: Any = None

    def __post_init__(self) -> None:
        if self.index is None:
            self.index = self.corpus.index_of


def linked_pairs(corpus, frames) -> np.ndarray:
    """The distinct paper pairs (lo, hi positions, sorted) that some edge frames link: one int64 row per pair."""
    n = len(corpus)
    keys = []
    for f in frames:
        if len(f):
            a, b = f["src"].to_numpy(np.int64), f["dst"].to_numpy(np.int64)
            keys.append(np.minimum(a, b) * n + np.maximum(a, b))
    key = distinct(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    return np.stack([key // max(n, 1), key % max(n, 1)], axis=1)


class EdgeStep(Step):
    """Base of the edge layers: ``kind`` names the layer; ``fit`` builds its edges into ``edges_``.

    Subclasses implement ``build(ctx)``, returning :class:`~litgraph.edges._contract.LayerEdges`
    (paper positions), as every layer does.
    """

    kind: ClassVar[str] = ""
    directed: ClassVar[bool] = False
    #: How a daily build updates the layer: "extend" (``extend(ctx, old, new)`` gives the edges new papers add),
    #: "rebuild" (built again whole) or "" (it cannot: a full build is made).
    incremental: ClassVar[str] = ""
    #: Built after the layers that do not, reading the pairs they link (``ctx.supported_pairs``).
    reads_links: ClassVar[bool] = False

    def fit(self, ctx: BuildContext, *, text: bool = True) -> EdgeStep:
        """Build this layer's edges for the corpus in ``ctx``; they land in ``edges_``.

        ``text=False`` lets a layer that can make its ``concepts`` and ``evidence`` later
        (one with an ``edge_texts(concepts, rows, cols)`` method) leave them empty; the
        graph then makes them for the edges asked about.
        """
        self._validate_params()
        out = self.build(ctx) if text or not hasattr(self, "edge_texts") else self.build(ctx, text=False)
        self.edges_ = frame_of(self, out, ctx)
        return self

    def build(self, ctx: BuildContext) -> pd.DataFrame:  # pragma: no cover - each layer has its own
        raise NotImplementedError


def frame_of(layer, out, ctx: BuildContext) -> pd.DataFrame:
    """A layer's output (:class:`LayerEdges`) checked and made a table of :data:`TABLE_COLUMNS`."""
    kind = getattr(layer, "kind", "?")
    own = type(layer).__module__.startswith("litgraph.edges.")
    e = checked(kind, out, len(ctx.corpus), own=own)
    return edge_frame(e.src, e.dst, e.weight, kind, directed=bool(getattr(layer, "directed", False)),
                      score=e.score, concepts=e.concepts, digests=e.digests, evidence=e.evidence)


def empty_edges() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
        TABLE_COLUMNS, ["int64", "int64", "object", "float64", "bool", "float64", "object", "object", "object"])})


def edge_frame(rows: np.ndarray, cols: np.ndarray, weights: np.ndarray, kind: str, *,
               directed: bool = False, score: np.ndarray | None = None, concepts: list | None = None,
               digests: list | None = None, evidence: list[str] | None = None) -> pd.DataFrame:
    """Assemble a layer's edges from paper positions; undirected pairs are ordered by position."""
    if len(rows) == 0:
        return empty_edges()
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if not directed:
        lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
        rows, cols = lo, hi
    n = len(rows)
    df = pd.DataFrame({
        "src": rows, "dst": cols, "kind": kind, "weight": np.asarray(weights, dtype=np.float64),
        "directed": directed,
        "score": np.asarray(score if score is not None else weights, dtype=np.float64),
        "concepts": concepts if concepts is not None else [()] * n,
        "digests": digests if digests is not None else [()] * n,
        "evidence": evidence if evidence is not None else [""] * n,
    })
    return df.sort_values(["src", "dst"], kind="mergesort").reset_index(drop=True)[TABLE_COLUMNS]


def topk_pairs(x: sp.csr_matrix, top_k: int, threshold: float, n_jobs: int = 1) -> tuple[np.ndarray, np.ndarray,
                                                                                          np.ndarray]:
    """Each row's ``top_k`` most similar other rows by dot product (rows L2-normalised: cosine).

    Sparse throughout: the product is formed with per-row top-k selection
    (sparse_dot_topn), so memory stays O(N * top_k). Returns unique undirected pairs
    (i < j) with their score; a pair chosen by both ends appears once.
    """
    n = x.shape[0]
    if n < 2 or x.nnz == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    from sparse_dot_topn import sp_matmul_topn

    from ..engine import current

    x = sp.csr_matrix(x, dtype=np.float64)
    # ask for one more than k: the paper itself is its own best match
    top_n, floor = min(top_k + 1, n), max(threshold - 1e-12, 0.0)
    engine = current()
    if engine.distributed:
        m = RowsAndColumns(x)
        i, j, v = (np.concatenate(p) for p in zip(*engine.map(
            partial(topn_block, rows=BLOCK_ROWS, top_n=top_n, threshold=floor, sort=True), m.blocks(),
            stage="neighbour search", shared=(m,))))
    else:
        with engine.timed("neighbour search"):
            prod = sp_matmul_topn(x, sp.csr_matrix(x.T), top_n=top_n, threshold=floor, sort=True,
                                  n_threads=n_jobs if n_jobs > 1 else None).tocoo()
        i, j, v = prod.row, prod.col, prod.data
    keep = i != j
    i, j, v = i[keep], j[keep], v[keep]
    if threshold > 0:
        ok = v >= threshold
        i, j, v = i[ok], j[ok], v[ok]
    return best_per_row(i, j, v, top_k, n)


#: Rows of a matrix compared with all rows in one task on a cluster (see :mod:`litgraph.engine`): small enough
#: that the last tasks of a search keep every worker busy (100,000 papers: 20 tasks).
BLOCK_ROWS = 5_000


class RowsAndColumns:
    """A sparse matrix whose rows are compared with all its rows: what a neighbour search's tasks share.

    The transpose is made once where it is used (on each worker of a cluster, not sent), and the
    tasks name their rows by number, so a cluster moves the matrix once per worker and nothing more.
    """

    def __init__(self, x: sp.csr_matrix) -> None:
        self.x = x
        self._t = None

    @property
    def t(self) -> sp.csr_matrix:
        if self._t is None:
            self._t = sp.csr_matrix(self.x.T)
        return self._t

    def __getstate__(self) -> dict:
        return {"x": self.x, "_t": None}

    def blocks(self, rows: int = BLOCK_ROWS) -> range:
        """The first row of each block of ``rows`` rows: the tasks of a search."""
        return range(0, self.x.shape[0], rows)


def topn_block(start: int, m: RowsAndColumns, *, rows: int, top_n: int, threshold: float, sort: bool,
               n_jobs: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, columns, products) of the rows ``start`` to ``start + rows``: each one's ``top_n`` best products
    with all rows of ``m`` (one task of a neighbour search; a row's result is the same in whichever block)."""
    from sparse_dot_topn import sp_matmul_topn

    prod = sp_matmul_topn(m.x[start:start + rows], m.t, top_n=top_n, threshold=threshold, sort=sort,
                          n_threads=n_jobs if n_jobs > 1 else None)
    i = np.repeat(np.arange(start, start + prod.shape[0], dtype=np.int64), np.diff(prod.indptr))
    return i, prod.indices.astype(np.int64), prod.data


#: Scores closer than 2**-SCORE_BITS count as tied when links are ranked (ties go to the lower column), so a
#: last-bit difference in how a score was summed never reorders a paper's links.
SCORE_BITS = 42


def best_per_row(i: np.ndarray, j: np.ndarray, v: np.ndarray, top_k: int, n: int) -> tuple[np.ndarray, np.ndarray,
                                                                                           np.ndarray]:
    """Each row's ``top_k`` scored pairs, as unique undirected pairs (lo < hi) with their score clipped to [0, 1];
    a pair chosen by both ends appears once. Rows rank by score (to within 2**-:data:`SCORE_BITS`), ties by column."""
    i, j = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64)
    v = np.clip(np.asarray(v, dtype=np.float64), 0.0, 1.0)
    if len(i) == 0:
        return i, j, v
    q = np.rint((1.0 - v) * float(1 << SCORE_BITS)).astype(np.int64)  # 0 for the best score
    if n < (1 << (62 - SCORE_BITS)):
        key = i * ((1 << SCORE_BITS) + 1) + q
        order = np.argsort(key)
        ks = key[order]
        same = ks[1:] == ks[:-1]
        if same.any():  # tied scores within a row: by column
            tied = np.flatnonzero(np.r_[same, False] | np.r_[False, same])
            sub = order[tied]
            order[tied] = sub[np.lexsort((j[sub], ks[tied]))]
    else:
        order = np.lexsort((j, q, i))
    i, j, v = i[order], j[order], v[order]
    rank = np.arange(len(i)) - np.searchsorted(i, i, side="left")
    ok = rank < top_k
    i, j, v = i[ok], j[ok], v[ok]
    return _each_pair_once(np.minimum(i, j), np.maximum(i, j), v, n)


def _each_pair_once(lo: np.ndarray, hi: np.ndarray, v: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray,
                                                                                     np.ndarray]:
    """Pairs (lo < hi) sorted, each once: the first of its occurrences (a pair both ends chose)."""
    key = lo * n + hi
    order = np.argsort(key, kind="stable")
    ks = key[order]
    first = order[np.r_[True, ks[1:] != ks[:-1]]] if len(ks) else order
    return lo[first], hi[first], v[first]


def best_of_pairs(lo: np.ndarray, hi: np.ndarray, v: np.ndarray, top_k: int, n: int,
                  block: int = 50_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`best_per_row` of unique undirected pairs (each pair a candidate for both its ends), a block of
    rows at a time: the same result without doubling the pairs in memory."""
    lo, hi = np.asarray(lo), np.asarray(hi)  # int32 positions stay int32 (best_per_row widens a block at a time)
    v = np.asarray(v, dtype=np.float64)
    by_lo = np.argsort(lo, kind="stable")
    by_hi = np.argsort(hi, kind="stable")
    lo_sorted, hi_sorted = lo[by_lo], hi[by_hi]
    out = []
    for start in range(0, n, block):
        a = by_lo[np.searchsorted(lo_sorted, start):np.searchsorted(lo_sorted, start + block)]
        b = by_hi[np.searchsorted(hi_sorted, start):np.searchsorted(hi_sorted, start + block)]
        i = np.concatenate([lo[a], hi[b]])
        j = np.concatenate([hi[a], lo[b]])
        out.append(best_per_row(i, j, np.concatenate([v[a], v[b]]), top_k, n))
    if not out:
        return lo[:0], hi[:0], v[:0]
    return _each_pair_once(*(np.concatenate([o[k] for o in out]) for k in range(3)), n)


#: Matrix entries read at a time by :func:`pair_dots` (memory stays O(this) beside its result).
_PAIR_ENTRIES = 1 << 24


def pair_dots(x: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The dot product of rows ``rows[r]`` and ``cols[r]`` of ``x`` for every r (products in ``x``'s precision,
    each row's sum in double precision), a block of pairs at a time."""
    rows, cols = np.asarray(rows), np.asarray(cols)
    out = np.zeros(len(rows), dtype=np.float64)
    if len(rows) == 0 or x.nnz == 0:
        return out
    block = max(1024, int(_PAIR_ENTRIES * x.shape[0] / x.nnz))  # about _PAIR_ENTRIES entries per side
    for s in range(0, len(rows), block):
        part = slice(s, s + block)
        m = sp.csr_matrix(x[rows[part]].multiply(x[cols[part]]))
        filled = np.flatnonzero(np.diff(m.indptr))
        if len(filled):
            out[s + filled] = np.add.reduceat(m.data.astype(np.float64), m.indptr[filled])
    return out



# -- what the extending layers share in a daily build ---------------------------------------
def link_scores(old: pd.DataFrame, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    """Each paper's ``score`` on a layer's links ``old``, for :func:`new_pairs`: (keys, indptr, scale) where
    ``keys`` holds ``paper + score / scale`` sorted (so a paper's scores are ascending in ``indptr`` order)."""
    a = np.concatenate([old["src"].to_numpy(np.int64), old["dst"].to_numpy(np.int64)])
    s = np.clip(np.concatenate([old["score"].to_numpy(np.float64)] * 2), 0.0, None)  # >= 0 by the layer contract
    scale = 2.0 * (1.0 + float(s.max(initial=0.0)))
    keys = np.sort(a + s / scale)
    return keys, np.searchsorted(keys, np.arange(n + 1, dtype=np.float64)), scale


def kth_link(links: tuple, k: int) -> np.ndarray:
    """Each paper's k-th best score among its links (:func:`link_scores`; -inf with fewer than k): a pair scoring
    at most this cannot enter the paper's top k."""
    keys, indptr, scale = links
    n = len(indptr) - 1
    out = np.full(n, -np.inf)
    has = np.flatnonzero(np.diff(indptr) >= k)
    out[has] = (keys[indptr[has + 1] - k] - has) * scale
    return out


def new_pairs(i: np.ndarray, j: np.ndarray, v: np.ndarray, links: tuple, k: int, floor: float):
    """The links that papers new to a layer add, from candidate pairs (new paper ``i``, any paper ``j``,
    score ``v``): each new paper's top k, and each other paper's candidates that enter its top k among its
    links so far (``links``: :func:`link_scores`) and the other candidates, as a full build would choose
    (with the same scores).
    Unique pairs (lo, hi, score clipped to [0, 1])."""
    i, j, v = np.asarray(i, dtype=np.int64), np.asarray(j, dtype=np.int64), np.asarray(v, dtype=np.float64)
    keep = (i != j) & (v >= max(floor, 1e-12))
    i, j, v = i[keep], j[keep], v[keep]
    order = np.lexsort((j, -v, i))
    i, j, v = i[order], j[order], v[order]
    mine = (np.arange(len(i)) - np.searchsorted(i, i, side="left")) < k
    keys, indptr, scale = links
    above = indptr[j + 1] - np.searchsorted(keys, j + np.clip(v, None, scale / 2.0) / scale, side="right")
    theirs = np.zeros(len(i), dtype=bool)
    cand = np.flatnonzero((above < k) & ~np.isin(j, i))  # an older paper that could take it into its top k
    # (a new paper's own top k is its rows' "mine")
    if len(cand):
        by_j = cand[np.lexsort((i[cand], -v[cand], j[cand]))]
        jj = j[by_j]
        rank = np.arange(len(by_j)) - np.searchsorted(jj, jj, side="left")
        theirs[by_j] = rank + above[by_j] < k
    pick = mine | theirs
    i, j, v = i[pick], j[pick], v[pick]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    _, first = np.unique(lo * (len(indptr) - 1) + hi, return_index=True)
    return lo[first], hi[first], np.clip(v[first], 0.0, 1.0)
