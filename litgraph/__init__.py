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
from .model import Appearance, Corpus, Digest, Paper
from .store import AddResult, Store

__version__ = "0.1.0"

__all__ = [
    "__version__",
    # model
    "Paper", "Appearance", "Digest", "Corpus", "title_key",
    # ingest
    "read_digest", "read_digests", "parse_digest", "load_sample", "sample_paths", "FORMATS",
    # store
    "Store", "AddResult",
    # errors
    "LitgraphError", "InputNotFoundError", "ParseError", "InvalidParameterError", "EmptyGraphError",
    "NotFittedError", "StoreError", "LitgraphWarning", "SkippedRecordsWarning",
]
