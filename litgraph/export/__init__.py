"""Exports: the interactive HTML page (pyvis), GraphML, GEXF, JSON, CSV and static pictures.

Only this subpackage uses pyvis: the vis-network script and style it ships.
"""

from .formats import WRITERS, export_graph, write_csv, write_gexf, write_graphml, write_image, write_json
from .html import SIZE_BY, InteractiveGraph, graph_html, write_html
from ._common import stable_positions
from ._mapimage import write_map_image

__all__ = ["write_html", "graph_html", "InteractiveGraph", "SIZE_BY", "write_graphml", "write_gexf", "write_json",
           "write_csv", "write_image", "export_graph", "WRITERS", "stable_positions", "write_map_image"]


def __getattr__(name: str):
    if name == "FORMATS":  # one FORMATS: litgraph.FORMATS names the input formats
        import warnings

        warnings.warn("litgraph.export.FORMATS is now litgraph.export.WRITERS (litgraph.FORMATS names the input "
                      "formats); the old name goes in the next release.", FutureWarning, stacklevel=2)
        return WRITERS
    raise AttributeError(f"module 'litgraph.export' has no attribute {name!r}")
