"""Checking a graph against papers you know belong together.

Give groups of papers that a reader would call related (for instance all papers on
concept bottleneck models); :func:`evaluate_links` tells, for each edge layer and for
the combined graph, how well edges follow those groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import pandas as pd

from .exceptions import InvalidParameterError

__all__ = ["evaluate_links"]


def evaluate_links(graph, groups: Mapping[str, Iterable[str]]) -> pd.DataFrame:
    """Precision and recall of each layer's links against known groups of related papers.

    For each layer (and ``"combined"``):

    * ``precision``: of the edges joining two grouped papers, the share inside one group;
    * ``recall``: of the pairs inside a group, the share that are linked directly;
    * ``groups_connected``: the share of groups whose papers form one connected piece
      using only links among themselves;
    * ``edges``: the layer's number of edges.

    Parameters
    ----------
    graph : PaperGraph
    groups : mapping of group name to paper ids
        Papers in no group are ignored; a paper in two groups counts for both.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.load_sample(), seed=0)
    >>> pcs = [p.id for p in g.corpus if "Probabilistic Circuits" in p.title]
    >>> table = lg.evaluate_links(g, {"probabilistic circuits": pcs}).set_index("layer")
    >>> bool(table.loc["combined", "recall"] > 0.5)
    True
    """
    label: dict[str, set[str]] = {}
    members: dict[str, list[str]] = {}
    for name, ids in groups.items():
        ids = [i for i in ids if i in graph.corpus]
        if len(ids) < 2:
            raise InvalidParameterError(f"Group {name!r} of evaluate_links needs at least 2 papers of the graph; "
                                        f"it has {len(ids)}.")
        members[name] = ids
        for i in ids:
            label.setdefault(i, set()).add(name)
    n_pairs = sum(len(m) * (len(m) - 1) // 2 for m in members.values())
    pairs = graph.pairs_frame(text=False)
    layers = {"combined": pairs[["source", "target"]]}
    e = graph.edges_frame(text=False)
    for kind in graph.layer_weights:
        sub = e[e["kind"] == kind]
        layers[kind] = sub[["source", "target"]]
    rows = []
    for name, edges in layers.items():
        inside = between = 0
        g = nx.Graph()
        for s, t in zip(edges["source"], edges["target"]):
            if s in label and t in label:
                if label[s] & label[t]:
                    inside += 1
                    g.add_edge(s, t)
                else:
                    between += 1
        linked = sum(1 for m in members.values() for a in range(len(m)) for b in range(a + 1, len(m))
                     if g.has_edge(m[a], m[b]))
        connected = 0
        for m in members.values():
            sub = g.subgraph(m)
            connected += int(sub.number_of_nodes() == len(m) and nx.is_connected(sub))
        rows.append({"layer": name, "edges": len(edges),
                     "precision": inside / (inside + between) if inside + between else float("nan"),
                     "recall": linked / n_pairs if n_pairs else float("nan"),
                     "groups_connected": connected / len(members)})
    return pd.DataFrame(rows)
