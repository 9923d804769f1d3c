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

import numpy as np
import pandas as pd

from .._text import strip_control

# one C-level pass per value: XML's three special characters escaped, control characters and
# non-characters dropped, lone surrogates replaced (as strip_control does)
_XML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_XML.update({c: None for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0), 0xFFFE, 0xFFFF]})
_XML.update({c: "\ufffd" for c in range(0xD800, 0xE000)})

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


def _column(values: pd.Series, key: str, default=None) -> np.ndarray:
    """``<data key=...>value</data>`` of every row ("" where the value is missing or the default)."""
    head, tail = f"<data key={quoteattr(key)}>", "</data>"
    missing = values.isna().to_numpy().copy()
    if default is not None:
        missing |= (values == default).to_numpy()
    kind = values.dtype.kind
    if kind == "b":
        text = np.where(values.to_numpy(), "true", "false").astype(object)
    elif kind == "f":
        text = np.array([repr(v) for v in values.astype(float).tolist()], dtype=object)
    elif kind in "iu":
        text = np.array([str(v) for v in values.tolist()], dtype=object)
    else:
        text = np.array([str(v).translate(_XML) if v is not None else "" for v in values.tolist()], dtype=object)
    out = head + text + tail
    out[missing] = ""
    return out


def _graphml_type(values: pd.Series) -> str:
    kind = values.dtype.kind
    return {"b": "boolean", "i": "long", "u": "long", "f": "double"}.get(kind) or _type_of(values.tolist())


def write_graphml_frames(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, *, graph_attrs: Mapping,
                         edge_defaults: Mapping | None = None) -> None:
    """GraphML of a node table (with an ``id`` column) and an undirected edge table
    (``source``, ``target`` and attributes), formatted column by column."""
    edge_defaults = dict(edge_defaults or {})
    node_keys = [k for k in nodes.columns if k != "id"]
    edge_keys = [k for k in edges.columns if k not in ("source", "target")]
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
            w(f'  <key id={quoteattr(k)} for="node" attr.name={quoteattr(k)} '
              f'attr.type="{_graphml_type(nodes[k])}"/>\n')
        for k in edge_keys:
            head = (f'  <key id={quoteattr("e_" + k)} for="edge" attr.name={quoteattr(k)} '
                    f'attr.type="{_graphml_type(edges[k])}"')
            if k in edge_defaults:
                w(f"{head}><default>{_text(edge_defaults[k])}</default></key>\n")
            else:
                w(f"{head}/>\n")
        w('  <graph edgedefault="undirected">\n')
        for k, v in graph_attrs.items():
            w(f'    <data key={quoteattr("g_" + k)}>{_text(v)}</data>\n')
        ids = np.array([quoteattr(strip_control(str(v))) for v in nodes["id"].tolist()], dtype=object)
        cols = [_column(nodes[k], k) for k in node_keys]
        fh.writelines(f"    <node id={i}>{''.join(parts)}</node>\n" for i, *parts in zip(ids, *cols))
        src = [quoteattr(strip_control(str(v))) for v in edges["source"].tolist()]
        dst = [quoteattr(strip_control(str(v))) for v in edges["target"].tolist()]
        cols = [_column(edges[k], "e_" + k, edge_defaults.get(k)) for k in edge_keys]
        fh.writelines(f"    <edge source={s} target={t}>{''.join(parts)}</edge>\n"
                      for s, t, *parts in zip(src, dst, *cols))
        w("  </graph>\n</graphml>\n")
