"""GraphML written in one streaming pass: keys, then nodes, then edges, straight to the file.

Building the whole XML tree in memory (as generic writers do) costs several times the file's
size in memory and most of the export time on large graphs; here each node and edge is one
line written as it is produced. Types follow GraphML (``boolean``, ``long``, ``double``,
``string``); a value that is missing is left out of its element.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .._text import strip_control

_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))


def _type_of(values: Iterable) -> str:
    for v in values:
        if v is None:
            continue
        for py, name in _TYPES:
            if isinstance(v, py):
                return name
        return "string"
    return "string"


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return escape(strip_control(str(value)))


def write_graphml_stream(path: Path, nodes: list[Mapping], edges: list[Mapping], *, graph_attrs: Mapping,
                         directed: bool = False, edge_defaults: Mapping | None = None) -> None:
    """Write ``nodes`` (each with an ``id``) and ``edges`` (each with ``source`` and ``target``) as GraphML.

    ``edge_defaults`` gives edge attributes a GraphML ``<default>``: an edge whose value
    equals it leaves the value out (most pairs are linked by one or two layers, so the
    per-layer weights are mostly 0).
    """
    edge_defaults = dict(edge_defaults or {})
    node_keys = [k for k in (nodes[0] if nodes else {}) if k != "id"]
    edge_keys = [k for k in (edges[0] if edges else {}) if k not in ("source", "target")]
    node_types = {k: _type_of(n.get(k) for n in nodes) for k in node_keys}
    edge_types = {k: _type_of(e.get(k) for e in edges) for k in edge_keys}
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="utf-8"?>\n')
        w('<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
          'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
          'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
          'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for k in graph_attrs:
            w(f'  <key id={quoteattr("g_" + k)} for="graph" attr.name={quoteattr(k)} attr.type="string"/>\n')
        for k in node_keys:
            w(f'  <key id={quoteattr(k)} for="node" attr.name={quoteattr(k)} attr.type="{node_types[k]}"/>\n')
        for k in edge_keys:
            head = f'  <key id={quoteattr("e_" + k)} for="edge" attr.name={quoteattr(k)} attr.type="{edge_types[k]}"'
            if k in edge_defaults:
                w(f"{head}><default>{_text(edge_defaults[k])}</default></key>\n")
            else:
                w(f"{head}/>\n")
        w(f'  <graph edgedefault="{"directed" if directed else "undirected"}">\n')
        for k, v in graph_attrs.items():
            w(f'    <data key={quoteattr("g_" + k)}>{_text(v)}</data>\n')
        for n in nodes:
            data = "".join(f'<data key={quoteattr(k)}>{_text(n[k])}</data>' for k in node_keys
                           if n.get(k) is not None)
            w(f'    <node id={quoteattr(strip_control(str(n["id"])))}>{data}</node>\n')
        for e in edges:
            data = "".join(f'<data key={quoteattr("e_" + k)}>{_text(e[k])}</data>' for k in edge_keys
                           if e.get(k) is not None and not (k in edge_defaults and e[k] == edge_defaults[k]))
            w(f'    <edge source={quoteattr(strip_control(str(e["source"])))} '
              f'target={quoteattr(strip_control(str(e["target"])))}>{data}</edge>\n')
        w("  </graph>\n</graphml>\n")
