"""Digest co-occurrence edges: papers featured in the same digest are (weakly) related."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from .._step import Int
from ._contract import LayerEdges
from ._base import EdgeStep, BuildContext


def digest_incidence(ctx: BuildContext) -> tuple[sp.csr_matrix, list[str], np.ndarray]:
    """Papers x digests (1 where the paper appeared), digest names, and digest sizes."""
    rows, cols = [], []
    names = []
    for j, d in enumerate(ctx.corpus.digests):
        names.append(d.name)
        for pid in dict.fromkeys(d.paper_ids):
            if pid in ctx.index:
                rows.append(ctx.index[pid])
                cols.append(j)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(ctx.index), len(names)))
    m.data[:] = 1.0
    sizes = np.asarray(m.sum(axis=0)).ravel()
    return m, names, sizes


#: Most paper pairs looked at to find those sharing two or more digests (the sum over digests of the square of
#: their papers that appear more than once); above it only pairs another layer links are checked.
MAX_SHARED_PAIRS = 20_000_000


def _shared_twice(m: sp.csr_matrix) -> sp.coo_matrix:
    """Pairs (upper triangle) of papers that share two or more digests, in time bounded by the input.

    Only papers in two or more digests can share two; the product is skipped (an empty
    result) when it would look at more than :data:`MAX_SHARED_PAIRS` pairs, so one huge
    digest, or a few huge ones, never make the layer quadratic.
    """
    n = m.shape[0]
    multi = np.flatnonzero(np.diff(m.indptr) >= 2)
    sub = m[multi]
    per_digest = np.bincount(sub.indices, minlength=m.shape[1]).astype(np.float64)
    if len(multi) < 2 or float((per_digest ** 2).sum()) > MAX_SHARED_PAIRS:
        return sp.coo_matrix((n, n))
    shared = sp.triu(sub @ sub.T, k=1).tocoo()
    keep = shared.data >= 2
    return sp.coo_matrix((shared.data[keep], (multi[shared.row[keep]], multi[shared.col[keep]])), shape=(n, n))


class CooccurrenceEdges(EdgeStep):
    """Link papers featured in the same digest, with fractional counting.

    A digest of ``n`` papers gives each of its pairs ``1 / (n - 1)``, so every paper
    receives a total of 1 from each digest however large it is, and pairs that share
    several digests add up. A digest larger than ``max_digest_size`` would add
    ``n (n - 1) / 2`` near-weightless edges; from such digests only pairs that share
    another digest too, or that another layer already links, get an edge (pairs sharing
    only large digests are looked for while that stays cheap, see :data:`MAX_SHARED_PAIRS`,
    so a file of 20,000 papers without digests costs no more than its other layers).

    Parameters
    ----------
    max_digest_size : int, default 50

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.load_sample(), layers={"digest": 1.0})
    >>> int(g.edges_frame()["digests"].map(len).min())  # without other layers: pairs sharing two digests
    2
    """

    kind = "digest"
    incremental = "rebuild"
    reads_links = True
    directed = False

    def __init__(self, *, max_digest_size: int = 50) -> None:
        self.max_digest_size = max_digest_size

    _parameter_constraints: ClassVar[dict] = {"max_digest_size": Int(min_value=2)}

    def build(self, ctx: BuildContext) -> LayerEdges:
        self._validate_params()
        m, names, sizes = digest_incidence(ctx)
        if m.shape[1] == 0 or len(ctx.index) < 2:
            return LayerEdges.empty()
        ok = sizes >= 2
        frac = np.zeros_like(sizes)
        frac[ok] = 1.0 / (sizes[ok] - 1.0)
        small = sp.csr_matrix(m @ sp.diags(((sizes <= self.max_digest_size) & ok).astype(np.float64)))
        large = sp.csr_matrix(m @ sp.diags(((sizes > self.max_digest_size) & ok).astype(np.float64)))
        small_pairs = sp.triu(small @ small.T, k=1).tocoo()
        pairs = set(zip(small_pairs.row.tolist(), small_pairs.col.tolist()))
        shared = _shared_twice(m)
        pairs |= set(zip(shared.row.tolist(), shared.col.tolist()))
        cand = np.asarray(ctx.supported_pairs, dtype=np.int64).reshape(-1, 2)
        if large.nnz and len(cand):
            for start in range(0, len(cand), 1_000_000):  # in blocks: two sparse rows per candidate pair
                block = cand[start:start + 1_000_000]
                hit = np.asarray(large[block[:, 0]].multiply(large[block[:, 1]]).sum(axis=1)).ravel() > 0
                pairs |= set(zip(block[hit, 0].tolist(), block[hit, 1].tolist()))
        if not pairs:
            return LayerEdges.empty()
        arr = np.array(sorted(pairs), dtype=np.int64)
        rows, cols = arr[:, 0], arr[:, 1]
        common = sp.csr_matrix(m[rows].multiply(m[cols]))
        weights = np.asarray(common @ frac).ravel()
        names_arr = np.asarray(names, dtype=object)
        digests = [tuple(names_arr[common.indices[common.indptr[r]:common.indptr[r + 1]]]) for r in range(len(rows))]
        evidence = [f"together in {len(d)} digest(s): {', '.join(d)}" for d in digests]
        return LayerEdges(rows, cols, weights, score=np.array([len(d) for d in digests], float),
                           digests=digests, evidence=evidence)
