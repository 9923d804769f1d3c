"""litgraph: see a research field as a graph of the papers in your daily digests.

Read digests (Hugging Face Daily Papers captures, the daily_papers API JSON, arXiv
feeds, BibTeX, CSV, JSON Lines) into a :class:`Corpus`, keep them in a :class:`Store`,
and build, analyse and export the paper graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .exceptions import (
    EmptyGraphError,
    InputNotFoundError,
    InvalidParameterError,
    LitgraphError,
    LitgraphWarning,
    NotFittedError,
    ParseError,
    RefitNeeded,
    SkippedRecordsWarning,
    EngineError,
    StoreError,
    UnrecognizedFormatError,
)

# Everything else is imported on first use (PEP 562), so that `import litgraph` and `litgraph --version` do not
# pay for pandas, scikit-learn, igraph or matplotlib.
_LAZY = {
    "title_key": "._text",
    "FORMATS": ".ingest", "load_sample": ".ingest", "parse_digest": ".ingest", "read_digest": ".ingest",
    "read_digests": ".ingest", "sample_paths": ".ingest",
    "Analysis": ".analysis", "analyze": ".analysis", "centralities": ".analysis", "detect_communities": ".analysis",
    "ConceptExtractor": ".concepts", "ConceptSet": ".concepts", "extract_concepts": ".concepts",
    "evaluate_links": ".evaluation",
    "InteractiveGraph": ".export", "export_graph": ".export", "write_csv": ".export",
    "write_gexf": ".export", "write_graphml": ".export", "write_html": ".export", "write_image": ".export",
    "write_json": ".export",
    "PaperGraph": ".graph", "build_graph": ".build",
    "register_layer": ".edges", "unregister_layer": ".edges",
    "Appearance": ".model", "Corpus": ".model", "Digest": ".model", "Paper": ".model",
    "LitGraph": ".pipeline",
    "AddResult": ".store", "Store": ".store",
}
#: Names that moved to a sub-namespace (as networkx keeps its algorithms in theirs): still found here, with a
#: FutureWarning, until the release after this one.
_MOVED = {
    **{name: "edges" for name in (
        "SharedConceptEdges", "SimilarityEdges", "CooccurrenceEdges", "CitationEdges", "MentionEdges",
        "CocitationEdges", "CouplingEdges", "Embedder", "EmbeddingCache", "SentenceTransformerEmbedder",
        "DEFAULT_LAYER_WEIGHTS")},
    **{name: "analysis" for name in (
        "label_communities", "participation_coefficient", "kleinberg_bursts", "window_trends", "detect_subtopics")},
    "concept_key": "concepts", "find_acronyms": "concepts", "graph_html": "export",
}


#: Sub-namespaces, imported on first use too (``lg.edges.LayerEdges``).
_SUBMODULES = ("analysis", "concepts", "edges", "engine", "export", "incremental", "ingest")


def __getattr__(name: str):
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    if name in _MOVED:
        import warnings

        where = _MOVED[name]
        warnings.warn(f"litgraph.{name} moved to litgraph.{where}.{name} (lg.{where}.{name}); the old name goes in the "
                      f"next release.", FutureWarning, stacklevel=2)
        return getattr(importlib.import_module(f".{where}", __name__), name)
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'litgraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | set(_SUBMODULES))


if TYPE_CHECKING:  # for type checkers and IDEs: the names as they are imported on use
    from ._text import title_key
    from .analysis import Analysis, analyze, centralities, detect_communities
    from .build import build_graph
    from .concepts import ConceptExtractor, ConceptSet, extract_concepts
    from .edges import register_layer, unregister_layer
    from .evaluation import evaluate_links
    from .export import (InteractiveGraph, export_graph, write_csv, write_gexf, write_graphml, write_html,
                         write_image, write_json)
    from .graph import PaperGraph
    from .ingest import FORMATS, load_sample, parse_digest, read_digest, read_digests, sample_paths
    from .model import Appearance, Corpus, Digest, Paper
    from .pipeline import LitGraph
    from .store import AddResult, Store

from ._version import __version__

__all__ = [
    "__version__", "LitGraph",
    # model
    "Paper", "Appearance", "Digest", "Corpus", "title_key",
    # ingest
    "read_digest", "read_digests", "parse_digest", "load_sample", "sample_paths", "FORMATS",
    # concepts and graph (the layers themselves: litgraph.edges)
    "ConceptExtractor", "ConceptSet", "extract_concepts", "build_graph", "PaperGraph", "register_layer",
    "unregister_layer", "evaluate_links",
    # analysis (more in litgraph.analysis)
    "analyze", "Analysis", "detect_communities", "centralities",
    # exports (more in litgraph.export)
    "write_html", "InteractiveGraph", "write_graphml", "write_gexf", "write_json", "write_csv", "write_image",
    "export_graph",
    # store
    "Store", "AddResult",
    # errors
    "LitgraphError", "InputNotFoundError", "ParseError", "UnrecognizedFormatError", "InvalidParameterError",
    "EmptyGraphError", "NotFittedError", "StoreError", "EngineError", "RefitNeeded", "LitgraphWarning", "SkippedRecordsWarning",
]
