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
    "kleinberg_bursts": ".analysis", "label_communities": ".analysis", "participation_coefficient": ".analysis",
    "window_trends": ".analysis", "detect_subtopics": ".analysis",
    "ConceptExtractor": ".concepts", "ConceptSet": ".concepts", "concept_key": ".concepts",
    "extract_concepts": ".concepts", "find_acronyms": ".concepts",
    "CitationEdges": ".edges", "CocitationEdges": ".edges", "CooccurrenceEdges": ".edges", "CouplingEdges": ".edges",
    "Embedder": ".edges", "EmbeddingCache": ".edges", "MentionEdges": ".edges",
    "SentenceTransformerEmbedder": ".edges", "SharedConceptEdges": ".edges", "SimilarityEdges": ".edges",
    "evaluate_links": ".evaluation",
    "InteractiveGraph": ".export", "export_graph": ".export", "graph_html": ".export", "write_csv": ".export",
    "write_gexf": ".export", "write_graphml": ".export", "write_html": ".export", "write_image": ".export",
    "write_json": ".export",
    "DEFAULT_LAYER_WEIGHTS": ".graph", "PaperGraph": ".graph", "build_graph": ".build",
    "register_layer": ".edges", "unregister_layer": ".edges",
    "Appearance": ".model", "Corpus": ".model", "Digest": ".model", "Paper": ".model",
    "LitGraph": ".pipeline",
    "AddResult": ".store", "Store": ".store",
}


#: Sub-namespaces, imported on first use too (``lg.edges.LayerEdges``).
_SUBMODULES = ("analysis", "concepts", "edges", "export", "incremental", "ingest")


def __getattr__(name: str):
    import importlib

    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
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
    from .analysis import (Analysis, analyze, centralities, detect_communities, detect_subtopics, kleinberg_bursts,
                           label_communities, participation_coefficient, window_trends)
    from .concepts import ConceptExtractor, ConceptSet, concept_key, extract_concepts, find_acronyms
    from .edges import (CitationEdges, CocitationEdges, CooccurrenceEdges, CouplingEdges, Embedder, EmbeddingCache,
                        MentionEdges, SentenceTransformerEmbedder, SharedConceptEdges, SimilarityEdges)
    from .evaluation import evaluate_links
    from .export import (InteractiveGraph, export_graph, graph_html, write_csv, write_gexf, write_graphml,
                         write_html, write_image, write_json)
    from .build import build_graph
    from .edges import register_layer, unregister_layer
    from .graph import DEFAULT_LAYER_WEIGHTS, PaperGraph
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
    # concepts and graph
    "ConceptExtractor", "ConceptSet", "extract_concepts", "concept_key", "find_acronyms",
    "build_graph", "PaperGraph", "DEFAULT_LAYER_WEIGHTS", "register_layer", "unregister_layer", "SharedConceptEdges", "SimilarityEdges",
    "CooccurrenceEdges", "CitationEdges", "MentionEdges", "CocitationEdges", "CouplingEdges", "Embedder",
    "EmbeddingCache", "SentenceTransformerEmbedder", "evaluate_links",
    # analysis
    "analyze", "Analysis", "detect_communities", "detect_subtopics", "label_communities", "centralities",
    "participation_coefficient", "kleinberg_bursts", "window_trends",
    # exports
    "write_html", "graph_html", "InteractiveGraph", "write_graphml", "write_gexf", "write_json", "write_csv",
    "write_image", "export_graph",
    # store
    "Store", "AddResult",
    # errors
    "LitgraphError", "InputNotFoundError", "ParseError", "UnrecognizedFormatError", "InvalidParameterError",
    "EmptyGraphError",
    "NotFittedError", "StoreError", "RefitNeeded", "LitgraphWarning", "SkippedRecordsWarning",
]
