"""GEXF 1.2 written in one streaming pass, with the ``viz`` module's positions, colours and sizes.

What Gephi, Gephi Lite and sigma.js (through graphology-gexf) read: every node's ``label`` is
its title, its ``viz:position``, ``viz:color`` and ``viz:size`` are where and how the HTML view
draws it, and every other column is a typed attribute (``integer``, ``double``, ``boolean``,
``string``) declared once; a missing value is left out of its node.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import numpy as np
import pandas as pd

from ._graphml import _XML

_NS = "http://www.gexf.net/1.2draft"  # the namespace Gephi, networkx and graphology all read
_TYPE = {"b": "boolean", "i": "integer", "u": "integer", "f": "double"}


def _attr(value) -> str:
    return quoteattr(str(value).translate(_XML))


def _declare(frame: pd.DataFrame, cls: str, w) -> list[tuple[str, pd.Series]]:
    cols = [(c, frame[c]) for c in frame.columns]
    w(f'    <attributes class="{cls}" mode="static">\n')
    for name, values in cols:
        w(f"      <attribute id={_attr(name)} title={_attr(name)} type=\"{_TYPE.get(values.dtype.kind, 'string')}\"/>\n")
    w("    </attributes>\n")
    return cols


def _values(cols: list[tuple[str, pd.Series]]) -> list[np.ndarray]:
    """Per column, the ``<attvalue .../>`` text of every row ("" where the value is missing)."""
    out = []
    for name, values in cols:
        head = f"<attvalue for={_attr(name)} value="
        kind = values.dtype.kind
        missing = values.isna().to_numpy()
        if kind == "b":
            text = np.where(values.to_numpy(dtype=bool), '"true"', '"false"').astype(object)
        elif kind == "f":
            text = np.array([f'"{v!r}"' for v in values.astype(float).tolist()], dtype=object)
        elif kind in "iu":
            text = np.array([f'"{v}"' for v in values.tolist()], dtype=object)
        else:
            text = np.array([_attr(v) if v is not None else '""' for v in values.tolist()], dtype=object)
        cell = head + text + "/>"
        cell[missing] = ""
        out.append(cell)
    return out


def write_gexf_frames(path: Path, nodes: pd.DataFrame, edges: pd.DataFrame, *, creator: str, description: str,
                      viz: pd.DataFrame | None = None, directed: bool = False) -> None:
    """GEXF of a node table (``id``, ``label`` and attributes), an edge table (``source``, ``target``,
    ``weight`` and attributes) and, optionally, a ``viz`` table (``x``, ``y``, ``size``, ``r``, ``g``, ``b``)."""
    node_attrs = nodes.drop(columns=["id", "label"])
    edge_attrs = edges.drop(columns=["source", "target", "weight"])
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        w = fh.write
        w('<?xml version="1.0" encoding="UTF-8"?>\n')
        w(f'<gexf xmlns="{_NS}" xmlns:viz="{_NS}/viz" version="1.2">\n')
        w(f"  <meta>\n    <creator>{creator}</creator>\n    <description>{description.translate(_XML)}"
          f"</description>\n  </meta>\n")
        w(f'  <graph mode="static" defaultedgetype="{"directed" if directed else "undirected"}">\n')
        ncols = _declare(node_attrs, "node", w)
        ecols = _declare(edge_attrs, "edge", w)
        w("    <nodes>\n")
        ids = [_attr(v) for v in nodes["id"].tolist()]
        labels = [_attr(v) for v in nodes["label"].tolist()]
        cells = _values(ncols)
        if viz is not None:
            vis = [f'<viz:size value="{s!r}"/><viz:position x="{x!r}" y="{y!r}" z="0.0"/>'
                   f'<viz:color r="{r}" g="{g}" b="{b}"/>'
                   for x, y, s, r, g, b in zip(viz["x"].astype(float).tolist(), viz["y"].astype(float).tolist(),
                                               viz["size"].astype(float).tolist(), viz["r"].tolist(),
                                               viz["g"].tolist(), viz["b"].tolist())]
        else:
            vis = [""] * len(ids)
        fh.writelines(f"      <node id={i} label={lab}><attvalues>{''.join(parts)}</attvalues>{v}</node>\n"
                      for i, lab, v, *parts in zip(ids, labels, vis, *cells))
        w("    </nodes>\n    <edges>\n")
        src = [_attr(v) for v in edges["source"].tolist()]
        dst = [_attr(v) for v in edges["target"].tolist()]
        weight = [repr(float(v)) for v in edges["weight"].tolist()]
        cells = _values(ecols)
        fh.writelines(f'      <edge id="{k}" source={s} target={t} weight="{wt}"><attvalues>{"".join(parts)}'
                      f"</attvalues></edge>\n" for k, (s, t, wt, *parts) in enumerate(zip(src, dst, weight, *cells)))
        w("    </edges>\n  </graph>\n</gexf>\n")
