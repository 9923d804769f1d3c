"""The LitGraph façade: one object that reads like the whole pipeline.

``LitGraph(seed=0).fit(corpus)`` extracts concepts, builds the graph and analyses it;
its parameters are plain values (so a TOML config file can hold them) and
``get_params()`` records them with every report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import pandas as pd
from ._step import (CONSENSUS, MAX_RESOLUTION, MAX_STABILITY_RUNS, METHOD, MIN_COMMUNITY_SIZE, N_JOBS,  # noqa: F401
                    RESOLUTION, SEED, STABILITY_RUNS, Custom, Step)
from .analysis import Analysis, analyze
from .concepts import ConceptExtractor
from .exceptions import InvalidParameterError, NotFittedError
from .graph import PaperGraph, build_graph
from .model import Corpus
from .edges._encoder import PACKAGED_MODEL
from .edges.similarity import TEXT_WEIGHT
from .edges.similarity import similarity_mode as mode_of

__all__ = ["LitGraph"]

def _check_mapping(value, name: str, owner: str) -> None:
    if value is not None and not isinstance(value, Mapping):
        raise InvalidParameterError(f"The {name!r} parameter of {owner} must be a mapping of parameter names to "
                                    f"values. Got {value!r} instead.")


#: The ways to measure how alike two papers' texts are (``LitGraph(similarity=...)``, ``litgraph report
#: --similarity``): parameters of :class:`~litgraph.edges.SimilarityEdges`.
SIMILARITY_MODES: dict[str, dict[str, Any]] = {
    "words": {},
    "semantic": {"embedder": PACKAGED_MODEL, "text_weight": 0.0},
    "fused": {"embedder": PACKAGED_MODEL, "text_weight": TEXT_WEIGHT},
}


def _check_similarity(value, name: str, owner: str) -> None:
    if value is not None and not isinstance(value, Mapping) and value not in SIMILARITY_MODES:
        raise InvalidParameterError(f"The {name!r} parameter of {owner} must be one of "
                                    f"{', '.join(map(repr, SIMILARITY_MODES))} or a mapping of SimilarityEdges "
                                    f"parameters. Got {value!r} instead.")


def similarity_mode(params: Mapping[str, Any] | None) -> str:
    """Which of :data:`SIMILARITY_MODES` a similarity layer's parameters amount to."""
    params = params or {}
    return mode_of(params.get("embedder"), params.get("text_weight", TEXT_WEIGHT))


def _check_layers(value, name: str, owner: str) -> None:
    if value is not None:
        from .build import choose_layers

        choose_layers(value, None, owner)


class LitGraph(Step):
    """Build and analyse the paper graph of a corpus in one call.

    Parameters
    ----------
    layers : mapping of str to float, optional
        Layer weights (see :func:`~litgraph.build_graph`); default: every layer.
    seed : int, default 0
    method : {"leiden", "louvain"}, default "leiden"
    resolution : float, default 1.0
    min_community_size : int, default 3
    weight : str, default "weight"
        Analyse the layer mix (``"weight"``) or one layer.
    stability_runs : int, default 0
    concepts : mapping, optional
        Parameters of :class:`~litgraph.ConceptExtractor` (``min_df``, ``vocabulary``,
        ``stop_concepts``, ...).
    similarity : {"words", "semantic", "fused"} or mapping, optional
        How alike two papers' texts are: ``"words"`` (the default: word and word-pair
        vectors), ``"semantic"`` (sentence embeddings of the packaged all-MiniLM-L6-v2;
        needs the ``semantic`` extra), ``"fused"`` (0.3 x the word cosine + 0.7 x the
        embedding cosine; see :data:`SIMILARITY_MODES`), or parameters of :class:`~litgraph.edges.SimilarityEdges`
        (``top_k``, ``threshold``, ...).
    embedder : str or Embedder, optional
        Fuse sentence embeddings with the word similarity: ``"all-MiniLM-L6-v2"`` (the
        model the ``semantic`` extra installs), the folder of a sentence-transformers
        model, or any :class:`~litgraph.edges.Embedder`.
    embedding_cache : str, optional
        Folder where the embeddings are kept between fits without a store (only new papers
        are embedded); ``fit(..., store=)``, ``litgraph report`` and ``build --db`` keep them
        in the store instead.
    n_jobs : int, default -1
        Threads for the sparse products and the analysis: a positive number, or -1 for every
        core.
    client : distributed.Client, optional
        Run the per-paper stages of the build on this Dask cluster (see
        :mod:`litgraph.engine`; the result is the same as in process). Not part of the
        result's parameters (:meth:`result_params`): where a build runs changes nothing in it.

    Examples
    --------
    >>> import litgraph as lg
    >>> model = lg.LitGraph(seed=0).fit(lg.load_sample())
    >>> model.key_papers(k=3)["rank"].tolist()
    [1, 2, 3]
    """

    def __init__(self, *, layers: Mapping[str, float] | None = None, seed: int = 0, method: str = "leiden",
                 resolution: float = 1.0, min_community_size: int = 3, weight: str = "weight",
                 stability_runs: int = 0, concepts: Mapping[str, Any] | None = None,
                 similarity: Mapping[str, Any] | None = None, embedder: Any = None,
                 embedding_cache: str | None = None, n_jobs: int = -1, client: Any = None) -> None:
        self.layers = layers
        self.seed = seed
        self.method = method
        self.resolution = resolution
        self.min_community_size = min_community_size
        self.weight = weight
        self.stability_runs = stability_runs
        self.concepts = concepts
        self.similarity = similarity
        self.embedder = embedder
        self.embedding_cache = embedding_cache
        self.n_jobs = n_jobs
        self.client = client

    #: Parameters that say where a fit runs, not what it makes (left out of :meth:`result_params`).
    RUN_PARAMS: ClassVar[tuple[str, ...]] = ("client",)

    def result_params(self) -> dict[str, Any]:
        """The parameters that decide the result: ``get_params()`` without :data:`RUN_PARAMS` (what reports
        record and compare from run to run)."""
        return {k: v for k, v in self.get_params().items() if k.partition("__")[0] not in self.RUN_PARAMS}

    _parameter_constraints = {
        "layers": Custom(_check_layers), "method": METHOD, "resolution": RESOLUTION,
        "min_community_size": MIN_COMMUNITY_SIZE, "stability_runs": STABILITY_RUNS, "seed": SEED, "n_jobs": N_JOBS,
        "concepts": Custom(_check_mapping), "similarity": Custom(_check_similarity)}

    def fit(self, corpus: Corpus, *, previous: Mapping[str, int] | None = None, state: Any = None,
            keep_state: bool = False, store: Any = None) -> LitGraph:
        """Extract concepts, build the graph and analyse it; returns ``self``.

        ``previous`` (paper id -> community id, e.g. an earlier report's) keeps community ids
        from run to run (see :func:`~litgraph.analyze`). ``state`` (a
        :class:`litgraph.incremental.GraphState` of an earlier fit) extends that graph with
        the corpus's new papers instead of rebuilding it, when it can; ``fit_kind_`` says
        which was done ("full" or "incremental") and ``fit_reason_`` why a full build was
        needed. With ``keep_state`` (or a ``state``), ``state_`` holds the state to save for
        the next run. ``store`` (a :class:`~litgraph.Store`) keeps per-paper features
        between runs: sentence vectors are encoded once per paper.
        """
        from .engine import using

        self.check_params()  # before the (longer) graph building
        with using(self.client):
            return self._fit(corpus, previous=previous, state=state, keep_state=keep_state, store=store)

    def _fit(self, corpus: Corpus, *, previous, state, keep_state: bool, store) -> LitGraph:
        from .edges import SimilarityEdges

        try:
            extractor = ConceptExtractor(**{"n_jobs": self.n_jobs, **dict(self.concepts or {})})
            mode = self.similarity if isinstance(self.similarity, str) else None
            similarity = dict(SIMILARITY_MODES[mode] if mode else (self.similarity or {}))
            if self.embedder is not None:
                similarity["embedder"] = self.embedder
            if self.embedding_cache is not None:
                similarity["cache"] = self.embedding_cache
            builders = [SimilarityEdges(**similarity)] if similarity else None
        except TypeError as exc:
            raise InvalidParameterError(f"LitGraph: {exc}.") from None
        from .incremental import GraphState, RefitNeeded, update_graph

        self.fit_kind_, self.fit_reason_ = "full", "no saved state given"
        graph = None
        if state is not None:
            try:
                graph, self.state_ = update_graph(state, corpus, builders=builders, store=store)
                self.fit_kind_, self.fit_reason_ = "incremental", ""
            except RefitNeeded as exc:
                self.fit_reason_ = str(exc)
        if graph is None:
            graph = build_graph(corpus, self.layers, seed=self.seed, concepts=extractor, builders=builders,
                                n_jobs=2 if self.n_jobs != 1 else 1, keep_state=keep_state or state is not None,
                                store=store)
            if keep_state or state is not None:
                try:
                    self.state_ = GraphState.from_graph(graph)
                except RefitNeeded:
                    self.state_ = None
        self.graph_: PaperGraph = graph
        self.similarity_ = similarity_mode(graph.params.get("builders", {}).get("similarity"))
        self.analysis_: Analysis = analyze(self.graph_, method=self.method, resolution=self.resolution,
                                           seed=self.seed, weight=self.weight,
                                           min_community_size=self.min_community_size,
                                           stability_runs=self.stability_runs, n_jobs=self.n_jobs,
                                           previous=previous)
        return self

    def check_params(self) -> None:
        """Raise :class:`~litgraph.InvalidParameterError` naming the first parameter out of its range.

        ``fit`` calls it first; the command line calls it on a config file's values, so
        that the error names the file.
        """
        self._validate_params()

    def _check(self) -> Analysis:
        if not hasattr(self, "analysis_"):
            raise NotFittedError("This LitGraph is not fitted yet; call fit(corpus) first.")
        return self.analysis_

    # the analysis, one call away
    def communities_frame(self) -> pd.DataFrame:
        return self._check().communities_frame()

    def key_papers(self, k: int = 10, *, per_community: bool = False) -> pd.DataFrame:
        return self._check().key_papers(k, per_community=per_community)

    top_papers = key_papers

    def bridges(self, k: int = 10) -> pd.DataFrame:
        return self._check().bridges(k)

    def trends(self, **kwargs) -> pd.DataFrame:
        return self._check().trends(**kwargs)

    def papers_frame(self) -> pd.DataFrame:
        return self._check().papers_frame()

    def edges_frame(self, kind: str | None = None) -> pd.DataFrame:
        self._check()
        return self.graph_.edges_frame(kind)

    def to_html(self, path, **kwargs):
        """Deprecated: ``export(path)`` writes every format, the page included (see :func:`~litgraph.write_html`)."""
        import warnings

        warnings.warn("LitGraph.to_html(path) is now LitGraph.export(path) (the format follows the path's ending); "
                      "the old name goes in the next release.", FutureWarning, stacklevel=2)
        return self.export(path, **kwargs)

    def show(self, *, paper: str | None = None, community: int | None = None, **kwargs):
        """The interactive graph for a notebook cell (see :class:`~litgraph.InteractiveGraph`), opened on the
        map, or on one ``paper``'s neighbourhood, or on one ``community``."""
        from .export import InteractiveGraph

        return InteractiveGraph(self._check(), paper=paper, community=community, **kwargs)

    def export(self, path, **kwargs):
        """Write the graph in the format its path names (see :func:`~litgraph.export_graph`)."""
        from .export import export_graph

        return export_graph(self._check(), path, **kwargs)
