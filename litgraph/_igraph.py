"""The one place that talks to igraph: conversion and seeded calls."""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np

from .exceptions import InvalidParameterError


#: How many igraph graphs were built in this process (tests check that one fit builds one).
BUILDS = {"count": 0}


def to_igraph(graph, weight: str = "weight"):
    """The undirected igraph Graph of ``graph`` (a PaperGraph) weighted by ``weight``, built once and cached.

    ``weight`` is ``"weight"`` (the layer mix) or a layer name (``"similarity"``, ...).
    Vertices follow corpus order; edges of zero weight are left out. The cached graph is
    shared: callers read it and never change it (``PaperGraph.to_igraph`` hands users a copy).
    """
    cache = graph.__dict__.setdefault("_igraph_cache", {})
    if weight not in cache:
        cache[weight] = _build(graph, weight)
    return cache[weight]


def as_igraph(graph, weight: str = "weight", owner: str = "this function"):
    """The undirected weighted igraph Graph an algorithm runs on, from what a user has.

    ``graph`` is a PaperGraph (its cached graph for ``weight``: the mix or a layer), an
    undirected igraph Graph (its ``weight`` edge attribute, or 1 for every edge), or a
    square scipy sparse adjacency matrix (symmetric; an entry (i, j) > 0 links i and j with
    that weight, read from the upper triangle). Vertices keep their order.
    """
    if hasattr(graph, "pairs_frame"):
        allowed = ["weight", *graph.layer_weights]
        if weight not in allowed:
            raise InvalidParameterError(f"The 'weight' parameter of {owner} must be one of "
                                        f"{', '.join(map(repr, allowed))}. Got {weight!r} instead.")
        return to_igraph(graph, weight)
    ig = igraph_module()
    if weight != "weight":
        raise InvalidParameterError(f"The 'weight' parameter of {owner} names a layer ({weight!r}); that needs a "
                                    f"PaperGraph. An igraph graph or an adjacency matrix has one weight.")
    if isinstance(graph, ig.Graph):
        if graph.is_directed():
            raise InvalidParameterError(f"{owner} takes an undirected graph; got a directed igraph Graph "
                                        f"(g.as_undirected(mode='collapse', combine_edges='sum') makes one).")
        if "weight" in graph.es.attributes():
            w = np.asarray(graph.es["weight"], dtype=np.float64)
            if not np.isfinite(w).all() or (w <= 0).any():
                raise InvalidParameterError(f"The edge weights of the graph given to {owner} must be finite numbers "
                                            f"> 0; {int((~np.isfinite(w) | (w <= 0)).sum())} are not.")
            return graph
        g = graph.copy()
        g.es["weight"] = [1.0] * g.ecount()
        return g
    import scipy.sparse as sp

    if sp.issparse(graph) and graph.ndim == 2 and graph.shape[0] == graph.shape[1]:
        a = sp.csr_matrix(graph, dtype=np.float64)
        if (abs(a - a.T) > 1e-12 * max(abs(a).max(), 1.0)).nnz:
            raise InvalidParameterError(f"The adjacency matrix given to {owner} is not symmetric; an undirected graph "
                                        f"links i and j both ways with one weight (a + a.T makes one).")
        upper = sp.triu(a, k=1).tocoo()
        if not np.isfinite(upper.data).all() or (upper.data < 0).any():
            raise InvalidParameterError(f"The adjacency matrix given to {owner} must hold finite weights >= 0.")
        keep = upper.data > 0
        g = ig.Graph(n=graph.shape[0], edges=np.column_stack([upper.row[keep], upper.col[keep]]).tolist())
        g.es["weight"] = upper.data[keep].tolist()
        return g
    raise InvalidParameterError(f"{owner} takes a PaperGraph, an undirected igraph Graph or a square scipy sparse "
                                f"adjacency matrix. Got {type(graph).__name__}.")


def vertex_names(graph, n: int) -> list:
    """Paper ids of a PaperGraph; else the igraph graph's ``name`` attribute, or positions 0..n-1."""
    if hasattr(graph, "corpus"):
        return graph.corpus.ids
    if hasattr(graph, "vs") and "name" in graph.vs.attributes():
        return list(graph.vs["name"])
    return list(range(n))


def igraph_module():
    """``igraph``, imported without its optional plotting support.

    igraph imports matplotlib (and pyplot) when it is installed, which costs most of a
    second per process; litgraph never plots through igraph, so matplotlib is hidden
    while igraph loads and imported only where litgraph draws (``write_image``).
    """
    import sys

    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hide = "matplotlib" not in sys.modules
    if hide:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]  # import fails: igraph plots nothing
    try:
        import igraph
    finally:
        if hide:
            del sys.modules["matplotlib"]
    return igraph


def _build(graph, weight: str):
    ig = igraph_module()

    BUILDS["count"] += 1
    ids = graph.corpus.ids
    pairs = graph.pairs_frame(text=False)
    col = "weight" if weight == "weight" else f"w_{weight}"
    w = pairs[col].to_numpy(dtype=np.float64) if len(pairs) else np.zeros(0)
    keep = w > 0
    lo, hi = graph.pair_ends()
    src, dst = lo[keep], hi[keep]
    g = ig.Graph(n=len(ids), edges=np.column_stack([src, dst]).astype(np.int64).tolist(), directed=False)
    g.es["weight"] = w[keep].tolist()
    g.vs["name"] = ids
    return g


def with_layer_weights(graph, g):
    """``g`` (a copy of the combined graph's igraph) with each layer's weight as edge attribute ``w_<kind>``."""
    pairs = graph.pairs_frame(text=False)
    if len(pairs):
        keep = pairs["weight"].to_numpy(dtype=np.float64) > 0
        for k in graph.layer_weights:
            g.es[f"w_{k}"] = pairs[f"w_{k}"].to_numpy()[keep].tolist()
    return g


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run igraph's randomised algorithms with their own seeded generator, then restore the default."""
    ig = igraph_module()
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)
