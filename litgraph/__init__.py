"""litgraph: see a research field as a graph of the papers in your daily digests.

Read digests (Hugging Face Daily Papers captures, the daily_papers API JSON, arXiv
feeds, BibTeX, CSV, JSON Lines) into a :class:`Corpus`, keep them in a :class:`Store`,
and build, analyse and export the paper graph.
"""

from __future__ import annotations

from ._text import title_key
from .exceptions import (
    EmptyGraphError,
    InputNotFoundError,
    InvalidParameterError,
    LitgraphError,
    LitgraphWarning,
    NotFittedError,
    ParseError,
    SkippedRecordsWarning,
    StoreError,
)
from .ingest import FORMATS, load_sample, parse_digest, read_digest, read_digests, sample_paths
from .analysis import (
    Analysis,
    analyze,
    centralities,
    detect_communities,
    kleinberg_bursts,
    label_communities,
    participation_coefficient,
)
from .concepts import ConceptExtractor, ConceptSet, concept_key, extract_concepts, find_acronyms
from .edges import (
    CitationEdges,
    CocitationEdges,
    CooccurrenceEdges,
    CouplingEdges,
    Embedder,
    EmbeddingCache,
    MentionEdges,
    SentenceTransformerEmbedder,
    SharedConceptEdges,
    SimilarityEdges,
)
from .evaluation import evaluate_links
from .export import (
    InteractiveGraph,
    export_graph,
    graph_html,
    write_csv,
    write_gexf,
    write_graphml,
    write_html,
    write_image,
    write_json,
)
from .graph import DEFAULT_LAYER_WEIGHTS, PaperGraph, build_graph
from .model import Appearance, Corpus, Digest, Paper
from .pipeline import LitGraph
from .store import AddResult, Store

__version__ = "0.1.0"

__all__ = [
    "__version__", "LitGraph",
    # model
    "Paper", "Appearance", "Digest", "Corpus", "title_key",
    # ingest
    "read_digest", "read_digests", "parse_digest", "load_sample", "sample_paths", "FORMATS",
    # concepts and graph
    "ConceptExtractor", "ConceptSet", "extract_concepts", "concept_key", "find_acronyms",
    "build_graph", "PaperGraph", "DEFAULT_LAYER_WEIGHTS", "SharedConceptEdges", "SimilarityEdges",
    "CooccurrenceEdges", "CitationEdges", "MentionEdges", "CocitationEdges", "CouplingEdges", "Embedder",
    "EmbeddingCache", "SentenceTransformerEmbedder", "evaluate_links",
    # analysis
    "analyze", "Analysis", "detect_communities", "label_communities", "centralities",
    "participation_coefficient", "kleinberg_bursts",
    # exports
    "write_html", "graph_html", "InteractiveGraph", "write_graphml", "write_gexf", "write_json", "write_csv",
    "write_image", "export_graph",
    # store
    "Store", "AddResult",
    # errors
    "LitgraphError", "InputNotFoundError", "ParseError", "InvalidParameterError", "EmptyGraphError",
    "NotFittedError", "StoreError", "LitgraphWarning", "SkippedRecordsWarning",
]
