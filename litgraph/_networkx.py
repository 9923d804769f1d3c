"""The graph as networkx: papers with their fields, links with their weights and evidence."""

from __future__ import annotations

from typing import Any

import networkx as nx

from .edges import LAYERS
from .exceptions import InvalidParameterError


def paper_fields(p, concepts) -> dict[str, Any]:
    """A paper's fields as flat values (str, int) every graph format can hold: the one flattening of a paper that
    networkx, the file exports and the page share. A value the input does not have (upvotes) is None."""
    return {
        "title": p.title, "abstract": p.abstract, "authors": "; ".join(p.authors),
        "published": p.published.isoformat() if p.published else (p.published_text or ""),
        "upvotes": int(p.upvotes) if p.upvotes is not None else None, "n_digests": len(p.digests),
        "digests": " ".join(p.digests), "arxiv_id": p.arxiv_id or "", "url": p.url or p.arxiv_url or "",
        "links": " ".join(p.links), "concepts": "; ".join(concepts.concepts_of(p.id, 6)),
    }


def node_attrs(graph) -> dict[str, dict[str, Any]]:
    """Each paper's node attributes (:func:`paper_fields`; a value the input does not have is left out, as
    networkx leaves out attributes a node does not have)."""
    cs = graph.concepts
    return {p.id: {k: v for k, v in paper_fields(p, cs).items() if v is not None} for p in graph.corpus}


def to_networkx(graph, layer: str | None = None, *, directed: bool = False) -> nx.Graph:
    """See :meth:`litgraph.PaperGraph.to_networkx`."""
    if layer is not None and layer not in LAYERS and layer not in graph.layer_weights:
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
