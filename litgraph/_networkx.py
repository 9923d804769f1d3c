"""The graph as networkx: papers with their fields, links with their weights and evidence."""

from __future__ import annotations

from typing import Any

import networkx as nx

from .edges import LAYERS
from .exceptions import InvalidParameterError


def node_attrs(graph) -> dict[str, dict[str, Any]]:
    """Each paper's node attributes (flat values every graph format can hold)."""
    attrs = {}
    for p in graph.corpus:
        attrs[p.id] = {
            "title": p.title, "abstract": p.abstract, "authors": "; ".join(p.authors),
            "published": p.published.isoformat() if p.published else (p.published_text or ""),
            "upvotes": p.upvotes if p.upvotes is not None else -1, "n_digests": len(p.digests),
            "digests": " ".join(p.digests), "arxiv_id": p.arxiv_id or "", "url": p.url or p.arxiv_url or "",
            "links": " ".join(p.links), "concepts": "; ".join(graph.concepts.concepts_of(p.id, 6)),
        }
    return attrs


def to_networkx(graph, layer: str | None = None, *, directed: bool = False) -> nx.Graph:
    """See :meth:`litgraph.PaperGraph.to_networkx`."""
    if layer is not None and layer not in LAYERS:
        raise InvalidParameterError(f"The 'layer' parameter of to_networkx must be one of {', '.join(LAYERS)}. "
                                    f"Got {layer!r} instead.")
    g: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    g.graph.update({"layers": ",".join(f"{k}={w}" for k, w in graph.layer_weights.items()), "seed": graph.seed})
    for pid, a in node_attrs(graph).items():
        g.add_node(pid, **a)
    if directed or layer is not None:
        e = graph.edges_frame(layer)
        if layer is None:
            e = e[e["directed"]]
        for s, t, w, kind, ev, con in zip(e["source"], e["target"], e["weight"], e["kind"], e["evidence"],
                                          e["concepts"]):
            if g.has_edge(s, t):
                g[s][t]["weight"] += float(w)
            else:
                g.add_edge(s, t, weight=float(w), kind=kind, evidence=ev, concepts="; ".join(con or ()))
        return g
    p = graph.pairs_frame()
    wcols = [f"w_{k}" for k in graph.layer_weights]
    cols = ["weight", *wcols, "kinds", "direction", "concepts", "evidence"]
    values = [p[c].astype(float).tolist() if c == "weight" or c in wcols else p[c].tolist() for c in cols]
    g.add_edges_from((s, t, dict(zip(cols, vals)))
                     for s, t, *vals in zip(p["source"].tolist(), p["target"].tolist(), *values))
    return g
