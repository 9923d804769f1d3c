"""One build path for the paper graph, for full and daily builds.

A build extracts the corpus's concepts, runs the layers in
:data:`~litgraph.edges.LAYER_ORDER` (a layer that reads other layers' links after them),
checks what each returns against the layer contract (:mod:`litgraph.edges._contract`),
and makes the :class:`~litgraph.graph.PaperGraph`. A full build (:func:`build_graph`)
fits every layer. A daily build (:func:`litgraph.incremental.update_graph`) runs the same
:func:`run_layers` with the last build's edges and features: a layer that extends
(``incremental = "extend"``) adds the new papers' edges to its old ones, one that rebuilds
is built again whole, and any other raises :class:`~litgraph.exceptions.RefitNeeded`
naming it, so a layer never drops out of a daily graph.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._memory import release_memory
from ._step import N_JOBS, SEED, constrained
from .concepts import ConceptExtractor, ConceptSet
from .edges import LAYER_ORDER, LAYERS, BuildContext, default_weights
from .edges._base import TABLE_COLUMNS, EdgeStep, empty_edges, frame_of, linked_pairs
from .edges._contract import check_layer, check_weight
from .exceptions import EmptyGraphError, InvalidParameterError, RefitNeeded
from .graph import PaperGraph
from .model import Corpus

__all__ = ["build_graph", "run_layers", "choose_layers", "ordered"]

logger = logging.getLogger("litgraph")


def choose_layers(layers: Mapping[str, float] | Iterable[str] | None, builders: Iterable[Any] | None,
                  where: str = "build_graph") -> tuple[dict[str, Any], dict[str, float], set[str]]:
    """(layer objects by kind, their weights, the kinds given as objects) for the ``layers`` and ``builders``
    parameters of a build; InvalidParameterError naming the parameter otherwise."""
    given: dict[str, Any] = {}
    for b in builders or ():
        given[check_layer(b, f"The 'builders' parameter of {where}")] = b
    known = {**{k: None for k in LAYERS}, **given}
    if layers is None:
        weights = default_weights()
    elif isinstance(layers, str) or not isinstance(layers, (Mapping, Iterable)):
        raise InvalidParameterError(f"The 'layers' parameter of {where} must be a mapping of layer name to "
                                    f"weight, e.g. {{'concepts': 1.0, 'similarity': 1.0}}. Got {layers!r} instead.")
    else:
        items = layers.items() if isinstance(layers, Mapping) else ((k, default_weights().get(k, 1.0))
                                                                    for k in layers)
        weights = {}
        for k, w in items:
            if k not in known:
                raise InvalidParameterError(f"The 'layers' parameter of {where} names an unknown layer {k!r}; "
                                            f"known layers: {', '.join(known)}.")
            weights[k] = check_weight(k, w)
        if not weights:
            raise InvalidParameterError(f"The 'layers' parameter of {where} names no layer; "
                                        f"use some of: {', '.join(known)}.")
    for kind in given:
        weights.setdefault(kind, default_weights().get(kind, 1.0))
    if not any(weights.values()):
        raise InvalidParameterError(f"The 'layers' parameter of {where} gives every layer the weight 0, so no "
                                    f"two papers would be linked. Got {weights!r}; give at least one layer a weight > 0.")
    chosen = {k: given[k] if k in given else LAYERS[k]() for k in weights}
    return chosen, weights, set(given)


def ordered(kinds: Iterable[str], chosen: Mapping[str, Any] | None = None) -> list[str]:
    """Kinds in build order: :data:`LAYER_ORDER`, layers it does not list before those that read others' links."""
    kinds = list(kinds)
    reads = {k for k in kinds if chosen is not None and getattr(chosen[k], "reads_links", False)}
    rank = {k: (k in reads, LAYER_ORDER.index(k) if k in LAYER_ORDER else len(LAYER_ORDER)) for k in kinds}
    return sorted(kinds, key=lambda k: rank[k])  # stable: unlisted layers keep the order they were given in


def _fit(layer, ctx: BuildContext, defer: bool) -> tuple[pd.DataFrame, bool]:
    """A layer's edges on the whole corpus, and whether their text was left to be made when asked."""
    lazy = defer and isinstance(layer, EdgeStep) and hasattr(layer, "edge_texts")
    if isinstance(layer, EdgeStep):
        return layer.fit(ctx, text=not lazy).edges_, lazy
    return frame_of(layer, layer.build(ctx), ctx), False


def _extend(layer, ctx: BuildContext, old: pd.DataFrame, new: np.ndarray) -> pd.DataFrame:
    """The last build's edges of an extending layer, with those the new papers add."""
    if not len(new):
        return old
    add = frame_of(layer, layer.extend(ctx, old, new), ctx)
    parts = [f for f in (old, add) if len(f)]
    return pd.concat(parts, ignore_index=True)[TABLE_COLUMNS] if parts else empty_edges()


def run_layers(ctx: BuildContext, chosen: dict[str, Any], *, old: Mapping[str, pd.DataFrame] | None = None,
               new: np.ndarray | None = None, keep: bool = True,
               fresh: set[str] = frozenset()) -> tuple[dict[str, pd.DataFrame], dict[str, Any], dict[str, float]]:
    """Every chosen layer's edges, in build order: (frame by kind, layers whose text is made when asked, seconds).

    With ``old`` (the last build's edges by kind) and ``new`` (positions of the papers added
    since), a daily build: see the module's text. ``keep=False`` lets each layer's fitted
    features go once it is built (``fresh``: kinds whose layer objects ``chosen`` holds may be
    replaced by unfitted ones for that, so that nothing holds them while the next layers run).
    """
    if old is not None:
        cannot = [k for k in chosen if getattr(chosen[k], "incremental", "") not in ("extend", "rebuild")]
        if cannot:
            raise RefitNeeded(f"the {', '.join(cannot)} layer cannot be updated incrementally (it neither extends "
                              f"nor is rebuilt)")
    frames: dict[str, pd.DataFrame] = {}
    deferred: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for kind in ordered(chosen, chosen):
        layer = chosen[kind]
        if getattr(layer, "reads_links", False):
            ctx.supported_pairs = linked_pairs(ctx.corpus, list(frames.values()))
        t = time.perf_counter()
        if old is not None and layer.incremental == "extend":
            frames[kind] = _extend(layer, ctx, old.get(kind, empty_edges()), new)
        else:
            frames[kind], lazy = _fit(layer, ctx, defer=old is None)
            if not keep and kind in fresh and hasattr(layer, "get_params"):
                layer = chosen[kind] = type(layer)(**layer.get_params())  # its fitted work (word vectors) goes
            if lazy:
                deferred[kind] = layer
        if not keep:
            ctx.features.clear()
        release_memory()
        timings[kind] = time.perf_counter() - t
        logger.info("layer %s: %d edges in %.2fs", kind, len(frames[kind]), timings[kind])
    return frames, deferred, timings


def joined(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """The layers' frames as one edge table, in build order."""
    parts = [f for f in frames.values() if len(f)]
    return pd.concat(parts, ignore_index=True)[TABLE_COLUMNS] if parts else empty_edges()


def _concepts(corpus: Corpus, concepts) -> ConceptSet:
    if isinstance(concepts, ConceptSet):
        if concepts.paper_ids != corpus.ids:
            raise InvalidParameterError("The 'concepts' parameter of build_graph was extracted from another corpus; "
                                        "pass a ConceptExtractor or extract concepts from this corpus.")
        return concepts
    extractor = concepts if concepts is not None else ConceptExtractor()
    if not isinstance(extractor, ConceptExtractor):
        raise InvalidParameterError(f"The 'concepts' parameter of build_graph must be a ConceptExtractor or a "
                                    f"ConceptSet. Got {concepts!r} instead.")
    return extractor.fit(corpus).concepts_


@constrained(seed=SEED, n_jobs=N_JOBS)
def build_graph(corpus: Corpus, layers: Mapping[str, float] | Iterable[str] | None = None, *, seed: int = 0,
                concepts: ConceptExtractor | ConceptSet | None = None, builders: Iterable[Any] | None = None,
                n_jobs: int = 1, keep_state: bool = False, store: Any = None, client: Any = None) -> PaperGraph:
    """Build the multi-layer paper graph of a corpus.

    Parameters
    ----------
    corpus : Corpus
    layers : mapping of str to float, optional
        Which layers to build and their weight in the combined ``weight``; see
        :data:`~litgraph.edges.DEFAULT_LAYER_WEIGHTS` (all layers, and those added with
        :func:`~litgraph.edges.register_layer`; those the data does not support, such as
        citations without references, are simply empty).
    seed : int, default 0
        Recorded with the graph and passed on to analysis and layout.
    concepts : ConceptExtractor or ConceptSet, optional
        How concepts are extracted (or concepts already extracted for this corpus).
    builders : iterable of edge layers, optional
        Layer objects with non-default parameters, e.g. ``[lg.edges.SimilarityEdges(top_k=5)]``
        (each replaces the default builder of its ``kind``), or layers of one's own (see
        :mod:`litgraph.edges._contract`).
    n_jobs : int, default 1
        Threads for the sparse top-k products.
    keep_state : bool, default False
        Keep the fitted features (``graph.features``) that
        :class:`litgraph.incremental.GraphState` needs to extend the graph later.
    store : Store, optional
        Where per-paper features are kept between builds (sentence vectors: each paper is
        encoded once, see :meth:`litgraph.Store.vectors`).
    client : distributed.Client, optional
        Run the per-paper stages (concept scan, word counts, sentence embeddings, neighbour
        searches) on this Dask cluster's workers (see :mod:`litgraph.engine`); the graph is
        the same as in process. Default: in this process.

    Raises
    ------
    EmptyGraphError
        The corpus has no papers.
    InvalidParameterError
        An unknown layer, a negative weight, or a bad layer parameter.
    LitgraphError
        A layer of one's own returned edges outside the layer contract (the message names it).
    EngineError
        ``client`` is closed, has no worker, or its workers lack this version of litgraph.

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
    chosen, weights, given = choose_layers(layers, builders)
    from .engine import using

    with using(client):
        return _build(corpus, chosen, weights, given, seed=seed, concepts=concepts, n_jobs=n_jobs,
                      keep_state=keep_state, store=store)


def _build(corpus: Corpus, chosen: dict, weights: dict, given: set, *, seed: int, concepts, n_jobs: int,
           keep_state: bool, store: Any) -> PaperGraph:
    t0 = time.perf_counter()
    cset = _concepts(corpus, concepts)
    release_memory()
    timings = {"concept extraction": time.perf_counter() - t0}
    logger.info("concept extraction: %d concepts in %.2fs", len(cset), timings["concept extraction"])
    ctx = BuildContext(corpus=corpus, concepts=cset, n_jobs=n_jobs, store=store)
    frames, deferred, times = run_layers(ctx, chosen, keep=keep_state, fresh=set(chosen) - given)
    timings.update(times)
    params = {"layers": weights, "seed": int(seed),
              "builders": {k: (v.get_params() if hasattr(v, "get_params") else {}) for k, v in chosen.items()}}
    graph = PaperGraph(corpus, joined(frames), weights, cset, params, timings, deferred=deferred)
    graph.features = dict(ctx.features)
    return graph
