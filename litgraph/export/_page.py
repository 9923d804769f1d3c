"""The data of the interactive page: papers, links, communities and the views they make.

The page has three kinds of view over one set of papers (all of them up to ``max_papers``):
an overview with one node per community (sized by its papers, linked by the weight between
communities, labelled), the whole graph (the ``max_nodes`` papers with the highest
``size_by``), and each community on its own (its papers, at most ``max_nodes``). Every paper
keeps one position in all views (the community-region layout), so a reader who drills into
a community finds its papers where the whole graph showed them.
"""

from __future__ import annotations

import math

import numpy as np

from .._text import safe_url
from ._common import LAYER_STYLE, community_color, layout, node_table

#: Characters of the abstract carried by the page (the side panel shows them, with the paper's links).
ABSTRACT_CHARS = 600
#: Strongest neighbours listed in a paper's side panel.
NEIGHBOURS = 5


#: Above this many papers the whole-graph view draws only each paper's strongest links (see STRONG_LINKS).
STRONG_ABOVE = 500
#: Links per paper drawn in the whole-graph view (a paper's strongest, by their width within the layer); every
#: link inside a community is drawn in that community's view.
STRONG_LINKS = 6


def _strongest(src: np.ndarray, dst: np.ndarray, width: np.ndarray, k: int) -> np.ndarray:
    """Whether each link is among the ``k`` widest of either of its papers."""
    if len(src) == 0:
        return np.zeros(0, dtype=bool)
    ends = np.concatenate([src, dst])
    rows = np.concatenate([np.arange(len(src))] * 2)
    ww = np.concatenate([width, width])
    order = np.lexsort((rows, -ww, ends))
    ends, rows = ends[order], rows[order]
    rank = np.arange(len(ends)) - np.searchsorted(ends, ends, side="left")
    out = np.zeros(len(src), dtype=bool)
    out[rows[rank < k]] = True
    return out


def _links(r: dict) -> list[dict]:
    out, seen = [], set()
    if r["arxiv_id"]:
        out.append({"name": "arXiv", "url": f"https://arxiv.org/abs/{r['arxiv_id']}"})
        seen.add(out[-1]["url"])
    if r["url"] and r["url"] not in seen and safe_url(r["url"]):
        out.append({"name": "page", "url": r["url"]})
        seen.add(r["url"])
    for url in r["links"].split():
        if url not in seen and safe_url(url):
            out.append({"name": "code" if "github.com" in url or "gitlab" in url else "link", "url": url})
            seen.add(url)
    return out


def _neighbours(graph, keep: np.ndarray, pos_of: np.ndarray, k: int, titles: list[str]) -> list[list]:
    """Each kept paper's ``k`` strongest links: [page index or -1, weight, kinds, shared concepts, title]."""
    p = graph.pairs_frame(text=False)
    out: list[list] = [[] for _ in range(len(keep))]
    if not len(p):
        return out
    a = graph.corpus.positions(p["source"])
    b = graph.corpus.positions(p["target"])
    w = p["weight"].to_numpy(dtype=float)
    src, dst, ww = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([w, w])
    row = np.concatenate([np.arange(len(p)), np.arange(len(p))])
    mine = pos_of[src] >= 0
    src, dst, ww, row = src[mine], dst[mine], ww[mine], row[mine]
    order = np.lexsort((dst, -ww, src))
    src, dst, ww, row = src[order], dst[order], ww[order], row[order]
    rank = np.arange(len(src)) - np.searchsorted(src, src, side="left")
    top = rank < k
    kinds = p["kinds"].to_numpy()
    chosen = row[top]
    concepts = dict(zip(chosen.tolist(), graph.pair_texts(chosen)[0]))  # only the listed links' concepts
    for s, d, v, r in zip(src[top].tolist(), dst[top].tolist(), ww[top].tolist(), chosen.tolist()):
        shared = "; ".join(str(concepts[r]).split("; ")[:3]) if concepts[r] else ""
        out[pos_of[s]].append([int(pos_of[d]), round(v, 4), str(kinds[r]), shared,
                               "" if pos_of[d] >= 0 else titles[d]])
    return out


def page_data(analysis, *, size_by: str, max_nodes: int, max_papers: int, physics_max: int, seed: int,
              title: str, label_top: int, hidden_layers: tuple[str, ...], positions=None) -> dict:
    """Everything the page draws, as JSON-ready data (see the module's text)."""
    graph = analysis.graph
    table = node_table(analysis)
    n_all = len(table)
    values = np.array([max(float(r[size_by] or 0.0), 0.0) for r in table])
    ranks = np.array([r["rank"] for r in table])
    order = np.lexsort((ranks, -values))
    keep = np.sort(order[:max_papers]) if n_all > max_papers else np.arange(n_all)
    pos_of = np.full(n_all, -1, dtype=np.int64)
    pos_of[keep] = np.arange(len(keep))
    main = np.sort(order[:max_nodes]) if n_all > max_nodes else np.arange(n_all)
    in_main = np.zeros(n_all, dtype=bool)
    in_main[main] = True
    ids = graph.corpus.ids
    view = graph.subgraph([ids[i] for i in keep]) if len(keep) < n_all else graph
    membership = analysis.membership
    if positions is not None:
        coords = np.array([positions[ids[i]] for i in keep.tolist()], dtype=float).reshape(-1, 2)
    else:
        coords = layout(view, seed, membership=membership[keep])
    labelled = set(order[:label_top].tolist())
    vmax = values[main].max() if len(main) else 0.0
    nbs = _neighbours(graph, keep, pos_of, NEIGHBOURS, [r["title"] for r in table])
    papers = []
    for k, i in enumerate(keep.tolist()):
        r = table[i]
        rel = math.sqrt(min(values[i] / vmax, 1.0)) if vmax > 0 else 0.0
        abstract = r["abstract"][:ABSTRACT_CHARS] + ("…" if len(r["abstract"]) > ABSTRACT_CHARS else "")
        label = (r["title"] if len(r["title"]) <= 42 else r["title"][:40].rstrip() + "…") if i in labelled else ""
        papers.append({"id": r["id"], "label": label, "title": r["title"], "x": float(coords[k, 0]),
                       "y": float(coords[k, 1]), "size": round(7 + 22 * rel, 2), "c": int(r["community"]),
                       "color": community_color(r["community"]), "date": r["published"], "upvotes": r["upvotes"],
                       "concepts": r["concepts"], "abstract": abstract, "links": _links(r), "nb": nbs[k]})
    # links drawn: every link of the whole-graph view, and the links inside each community
    e = graph.edges_frame(text=False)
    a = graph.corpus.positions(e["source"]) if len(e) else np.zeros(0, dtype=np.int64)
    b = graph.corpus.positions(e["target"]) if len(e) else np.zeros(0, dtype=np.int64)
    both = (pos_of[a] >= 0) & (pos_of[b] >= 0) if len(e) else np.zeros(0, dtype=bool)
    same = (membership[a] == membership[b]) & (membership[a] >= 0) if len(e) else np.zeros(0, dtype=bool)
    kind = e["kind"].to_numpy() if len(e) else np.zeros(0, dtype=object)
    drawn = both & ((in_main[a] & in_main[b]) | (same & (kind != "digest")))
    kinds = [k for k in graph.layer_weights]
    wmax = {k: float(v.max()) for k, v in e[drawn].groupby("kind")["weight"]} if drawn.any() else {}
    kd = kind[drawn]
    w = e["weight"].to_numpy(dtype=float)[drawn] if len(e) else np.zeros(0)
    top = np.array([wmax.get(k_, 0.0) for k_ in kd.tolist()], dtype=float)
    width = np.round(1 + 5 * np.divide(w, top, out=np.zeros_like(w), where=top > 0), 2)
    code = np.array([kinds.index(k_) for k_ in kd.tolist()], dtype=np.int64)
    ev = graph.edge_texts(np.flatnonzero(drawn))[1] if len(e) else np.zeros(0, dtype=object)
    ev = np.where(kd == "similarity", "", ev)  # the page writes "text similarity <weight>" itself
    dig = np.flatnonzero(kd == "digest")
    ev[dig] = [str(x).split(":")[0] for x in ev[dig].tolist()]
    directed = e["directed"].to_numpy(dtype=bool)[drawn].astype(int) if len(e) else np.zeros(0, dtype=int)
    src, dst = pos_of[a[drawn]], pos_of[b[drawn]]
    strong = _strongest(src, dst, width, STRONG_LINKS)
    edges = [list(row) for row in zip(src.tolist(), dst.tolist(), code.tolist(), np.round(w, 4).tolist(),
                                      width.tolist(), directed.tolist(), [str(x) for x in ev.tolist()],
                                      strong.astype(int).tolist())]
    counts = {}
    for row in edges:
        counts[kinds[row[2]]] = counts.get(kinds[row[2]], 0) + 1
    layers = [{"kind": k, "label": LAYER_STYLE[k]["label"], "color": LAYER_STYLE[k]["color"],
               "dashes": LAYER_STYLE[k]["dashes"], "count": int(counts[k]), "shown": k not in hidden_layers}
              for k in kinds if counts.get(k)]
    communities = _communities(analysis, keep, coords, main)
    left_out = ""
    if n_all > len(main):
        left_out = (f"The whole-graph view shows the {len(main)} papers with the highest {size_by} of {n_all}; "
                    f"open a community (from the overview or the list) to see its own papers"
                    + (f" (the page holds the {len(keep)} with the highest {size_by})." if len(keep) < n_all else ".")
                    + " Every paper is in the CSV, GraphML and JSON exports.")
    physics = len(main) <= physics_max
    options = {
        "autoResize": True,
        "layout": {"randomSeed": int(seed), "improvedLayout": False},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 90},
                    "stabilization": {"enabled": physics, "iterations": 150, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(main) > 500,
                        "hideEdgesOnZoom": len(main) > 1000, "navigationButtons": False, "keyboard": False},
        "nodes": {"shape": "dot", "borderWidth": 1},
        "edges": {"smooth": False, "selectionWidth": 2},
    }
    summary = (f"{n_all} papers from {len(graph.corpus.digests)} digest(s), {analysis.n_communities} communities "
               f"(modularity {analysis.modularity:.2f}), {graph.n_edges} linked pairs.")
    return {"papers": papers, "edges": edges, "kinds": kinds,
            "kindLabels": [LAYER_STYLE[k]["label"] for k in kinds],
            "kindColors": [LAYER_STYLE[k]["color"] for k in kinds],
            "kindDashes": [LAYER_STYLE[k]["dashes"] for k in kinds],
            "main": [int(pos_of[i]) for i in main.tolist()], "communities": communities["nodes"],
            "communityLinks": communities["links"], "start": "all" if n_all <= max_nodes else "overview",
            "maxNodes": int(max_nodes), "strongAbove": STRONG_ABOVE, "options": options, "layers": layers, "summary": summary,
            "leftOut": left_out, "sizeNote": f"Node size: {size_by}. Colour: community.", "title": title}


def _communities(analysis, keep: np.ndarray, coords: np.ndarray, main: np.ndarray) -> dict:
    """The overview: one node per community (centre and reach of its papers, size, label, members in the
    page) and the links between communities, weighted by the link weight between their papers."""
    graph = analysis.graph
    membership = analysis.membership
    mem_kept = membership[keep]
    size_all = {int(c): int(n) for c, n in zip(*np.unique(membership, return_counts=True))}
    ordered = sorted(size_all, key=lambda c: (c < 0, c))
    nodes = []
    for c in ordered:
        idx = np.flatnonzero(mem_kept == c)
        centre = coords[idx].mean(axis=0) if len(idx) else np.zeros(2)
        reach = float(np.linalg.norm(coords[idx] - centre, axis=1).max()) if len(idx) else 0.0
        nodes.append({"community": c, "label": analysis.label(c), "size": size_all[c], "color": community_color(c),
                      "x": round(float(centre[0]), 2), "y": round(float(centre[1]), 2), "reach": round(reach, 2),
                      "members": idx.tolist()})
    index = {c: k for k, c in enumerate(ordered)}
    p = graph.pairs_frame(text=False)
    links = []
    if len(p):
        ca = membership[graph.corpus.positions(p["source"])]
        cb = membership[graph.corpus.positions(p["target"])]
        w = p["weight"].to_numpy(dtype=float)
        cross = (ca != cb) & (ca >= 0) & (cb >= 0)
        if cross.any():
            lo, hi = np.minimum(ca, cb)[cross], np.maximum(ca, cb)[cross]
            key, inv = np.unique(lo * (membership.max() + 1) + hi, return_inverse=True)
            total = np.bincount(inv.ravel(), weights=w[cross])
            base = membership.max() + 1
            top = total.max()
            for kk, t in zip(key.tolist(), total.tolist()):
                links.append([index[kk // base], index[kk % base], round(t, 3), round(1 + 9 * t / top, 2)])
    return {"nodes": nodes, "links": links}
