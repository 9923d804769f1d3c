"""The version of litgraph (one place; the package root and the build read it)."""

__version__ = "0.1.0"
