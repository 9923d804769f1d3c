"""The one place that talks to igraph: conversion and seeded calls."""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np


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
    src = graph.corpus.positions(pairs["source"])[keep] if len(pairs) else np.zeros(0, dtype=int)
    dst = graph.corpus.positions(pairs["target"])[keep] if len(pairs) else np.zeros(0, dtype=int)
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
