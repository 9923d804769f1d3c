"""The data of the interactive page (schema ``litgraph-page/1``): papers as named columns, communities with their
sub-topics, and each paper's strongest links.

The page draws five kinds of view from it: the map (one disc per community, area by papers, labelled), every
paper as a point on the same map, a community (its sub-topics as labelled regions), a sub-topic, and a paper's
neighbourhood (the paper and its strongest neighbours, each link saying why it exists). Every paper keeps one
position in all views (the community-region layout), so a reader who drills into a community finds its papers
where the map showed them.

Size is kept in check by what the page carries per paper: an excerpt of the abstract (full abstracts are in
``report.json`` and the exports), coordinates rounded to a 10,000-unit grid, and links as paper indices with
their weight and kinds packed one character each. The budget shrinks with the number of papers
(:func:`page_budget`).
"""

from __future__ import annotations

import numpy as np

from .._text import safe_url
from ._common import LAYER_STYLE, OTHER_COLOR, centre_and_reach, community_color, layout, node_table

#: The page data's schema name; the page's script refuses data of another schema.
PAGE_SCHEMA = "litgraph-page/1"
#: One character per small integer (0..63): link weights (in 64 steps) and link kinds (a bit per layer).
CODE = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-"
#: Grid of the page's coordinates: every position is an integer in 0..GRID.
GRID = 10_000
#: Concepts per paper carried by the page (the shared ones tell why two papers are linked).
PAPER_CONCEPTS = 5
#: Map links drawn between communities: each community's strongest few.
COMMUNITY_LINKS = 2
#: Communities whose strongest links are drawn on the map (the largest).
MAP_LINKED = 40


def page_budget(n: int) -> tuple[int, int]:
    """(excerpt characters, links per paper) carried by a page of ``n`` papers.

    >>> page_budget(9_500), page_budget(100_000)
    ((150, 14), (90, 8))
    """
    if n <= 20_000:
        return 150, 14
    if n <= 50_000:
        return 140, 12
    return 90, 8


def _links(r: dict) -> list[str]:
    """The paper's http(s) links other than its arXiv page (the page makes that one from ``arxiv``), each once."""
    own = f"https://arxiv.org/abs/{r['arxiv_id']}" if r["arxiv_id"] else None
    out: list[str] = []
    for url in [r["url"], *r["links"].split()]:
        if url and url != own and url not in out and safe_url(url):
            out.append(url)
    return out


def _neighbours(graph, keep: np.ndarray, pos_of: np.ndarray, k: int, kinds: list[str]) -> tuple[list, list, list]:
    """Each kept paper's ``k`` strongest links to other kept papers: page indices, weights (coded in 64 steps of
    the strongest link) and kinds (a bit per layer, coded)."""
    p = graph.pairs_frame(text=False)
    n = len(keep)
    idx: list[list[int]] = [[] for _ in range(n)]
    wcode = [""] * n
    kcode = [""] * n
    if not len(p):
        return idx, wcode, kcode
    lo, hi = graph.pair_ends()
    a, b = pos_of[lo], pos_of[hi]
    w = p["weight"].to_numpy(dtype=float)
    bit = {kind: 1 << i for i, kind in enumerate(kinds)}
    names, which = np.unique(p["kinds"].astype(str).to_numpy(), return_inverse=True)  # a few distinct kind sets
    mask = np.array([sum(bit.get(x, 0) for x in s.split(",")) for s in names.tolist()], dtype=np.int64)[which]
    both = (a >= 0) & (b >= 0)
    a, b, w, mask = a[both], b[both], w[both], mask[both]
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    ww, mm = np.concatenate([w, w]), np.concatenate([mask, mask])
    order = np.lexsort((dst, -ww, src))
    src, dst, ww, mm = src[order], dst[order], ww[order], mm[order]
    rank = np.arange(len(src)) - np.searchsorted(src, src, side="left")
    top = rank < k
    src, dst, ww, mm = src[top], dst[top], ww[top], mm[top]
    q = np.clip(np.rint(63 * ww / (ww.max() if len(ww) else 1.0)), 1, 63).astype(int)
    starts = np.searchsorted(src, np.arange(n + 1))
    dl, ql, ml = dst.tolist(), q.tolist(), np.clip(mm, 0, 63).tolist()
    for i in range(n):
        s, e = starts[i], starts[i + 1]
        idx[i] = dl[s:e]
        wcode[i] = "".join(CODE[v] for v in ql[s:e])
        kcode[i] = "".join(CODE[v] for v in ml[s:e])
    return idx, wcode, kcode


def _grid(coords: np.ndarray) -> np.ndarray:
    """Coordinates mapped onto integers 0..GRID (one scale for both axes, so shapes keep their proportions)."""
    if not len(coords):
        return np.zeros((0, 2), dtype=np.int64)
    lo = coords.min(axis=0)
    span = float((coords.max(axis=0) - lo).max()) or 1.0
    return np.rint((coords - lo) * (GRID / span)).astype(np.int64)


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
    membership = analysis.membership
    xy = _grid(_coordinates(analysis, keep, positions, seed))
    excerpt_chars, k = page_budget(len(keep))
    kinds = list(graph.layer_weights)
    nb, nb_weight, nb_kinds = _neighbours(graph, keep, pos_of, k, kinds)
    vmax = values[keep].max() if len(keep) else 0.0
    size = np.sqrt(np.minimum(values[keep] / vmax, 1.0)) if vmax > 0 else np.zeros(len(keep))
    vocab, concept_idx = _shared_concepts(graph, keep)
    rows = [table[i] for i in keep.tolist()]

    def excerpt(text: str) -> str:
        return text if len(text) <= excerpt_chars else text[:excerpt_chars - 1].rstrip() + "…"

    sub = analysis.subtopic_membership[keep]
    papers = {
        "id": [r["id"] for r in rows], "title": [r["title"] for r in rows],
        "date": [r["published"] for r in rows], "upvotes": [r["upvotes"] for r in rows],
        "community": membership[keep].astype(int).tolist(), "subtopic": sub.astype(int).tolist(),
        "x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(), "size": np.rint(size * 20).astype(int).tolist(),
        "rank": [int(r["rank"]) for r in rows], "excerpt": [excerpt(r["abstract"]) for r in rows],
        # 1: the paper's id is its arXiv id (the page makes the link); else the arXiv id, or 0 for none
        "arxiv": [1 if r["arxiv_id"] and r["arxiv_id"] == r["id"] else r["arxiv_id"] or 0 for r in rows],
        "links": [_links(r) for r in rows], "concepts": concept_idx,
        "nb": nb, "nbWeight": nb_weight, "nbKinds": nb_kinds,
    }
    layers = [{"kind": kd, "label": LAYER_STYLE[kd]["label"], "color": LAYER_STYLE[kd]["color"],
               "dashes": LAYER_STYLE[kd]["dashes"], "shown": kd not in hidden_layers} for kd in kinds]
    left_out = ""
    if len(keep) < n_all:
        left_out = (f"The page holds the {len(keep):,} papers with the highest {size_by} of {n_all:,}; every paper "
                    f"is in the CSV, GraphML and JSON exports.")
    summary = (f"{n_all:,} papers from {len(graph.corpus.digests):,} digest(s), {analysis.n_communities} communities "
               f"(modularity {analysis.modularity:.2f}), {graph.n_edges:,} linked pairs.")
    return {"schema": PAGE_SCHEMA, "title": title, "summary": summary, "leftOut": left_out,
            "sizeNote": f"Paper size: {size_by}. Colour: community. Disc area on the map: papers.",
            "papers": papers, "concepts": list(vocab), "layers": layers, "codes": CODE,
            "communities": _communities(analysis, keep, xy, ranks[keep]),
            "communityLinks": _community_links(analysis), "maxNodes": int(max_nodes),
            "labelTop": int(label_top), "physicsMax": int(physics_max), "seed": int(seed)}


def _coordinates(analysis, keep: np.ndarray, positions, seed: int) -> np.ndarray:
    """Where the papers at ``keep`` are drawn: the positions given (paper id -> (x, y)), else the nested
    community layout of the papers kept."""
    graph, ids = analysis.graph, analysis.graph.corpus.ids
    if positions is not None:
        return np.array([positions[ids[i]] for i in keep.tolist()], dtype=float).reshape(-1, 2)
    view = graph.subgraph([ids[i] for i in keep]) if len(keep) < len(ids) else graph
    return layout(view, seed, membership=analysis.membership[keep], subtopics=analysis.subtopic_membership[keep])


def _shared_concepts(graph, keep: np.ndarray) -> tuple[dict[str, int], list[list[int]]]:
    """The concepts two or more papers of the page share (what says why papers are linked), and each paper's
    among them (indices into that list)."""
    cs, ids = graph.concepts, graph.corpus.ids
    per_paper = [cs.concepts_of(ids[i], PAPER_CONCEPTS) if len(cs) else [] for i in keep.tolist()]
    seen: dict[str, int] = {}
    for names in per_paper:
        for c in names:
            seen[c] = seen.get(c, 0) + 1
    vocab: dict[str, int] = {}
    return vocab, [[vocab.setdefault(c, len(vocab)) for c in names if seen[c] > 1] for names in per_paper]


def _communities(analysis, keep: np.ndarray, xy: np.ndarray, ranks: np.ndarray) -> list[dict]:
    """One entry per community: label, size, colour, centre and reach of its papers on the page's grid, its
    best papers (page indices, best first) and its sub-topics the same way."""
    membership = analysis.membership[keep]
    sub = analysis.subtopic_membership[keep]
    size_all = {int(c): int(n) for c, n in zip(*np.unique(analysis.membership, return_counts=True))}
    out = []
    for c in sorted(size_all, key=lambda c: (c < 0, c)):
        idx = np.flatnonzero(membership == c)
        entry = {"community": c, "label": analysis.label(c), "size": size_all[c],
                 "color": community_color(c) if c >= 0 else OTHER_COLOR, **_place(idx, xy, ranks), "subtopics": []}
        for s in sorted(set(sub[idx].tolist()) - {-1}):
            part = idx[sub[idx] == s]
            entry["subtopics"].append({"subtopic": int(s), "label": analysis.subtopic_label(c, s),
                                       "size": int(len(part)), **_place(part, xy, ranks)})
        out.append(entry)
    return out


def _place(idx: np.ndarray, xy: np.ndarray, ranks: np.ndarray, best: int = 8) -> dict:
    if not len(idx):
        return {"x": 0, "y": 0, "reach": 0, "key": []}
    centre, reach = centre_and_reach(xy[idx])
    top = idx[np.argsort(ranks[idx], kind="stable")][:best]
    return {"x": int(round(centre[0])), "y": int(round(centre[1])), "reach": int(round(reach)), "key": top.tolist()}


def _community_links(analysis) -> list[dict]:
    """The strongest links between communities: each community's :data:`COMMUNITY_LINKS` heaviest, by the
    summed weight of the paper links between them."""
    graph = analysis.graph
    membership = analysis.membership
    p = graph.pairs_frame(text=False)
    if not len(p):
        return []
    lo, hi = graph.pair_ends()
    ca, cb = membership[lo], membership[hi]
    w = p["weight"].to_numpy(dtype=float)
    cross = (ca != cb) & (ca >= 0) & (cb >= 0)
    if not cross.any():
        return []
    base = int(membership.max()) + 1
    lo, hi = np.minimum(ca, cb)[cross], np.maximum(ca, cb)[cross]
    key, inv = np.unique(lo * base + hi, return_inverse=True)
    total = np.bincount(inv.ravel(), weights=w[cross])
    top = float(total.max())
    chosen: set[int] = set()
    sizes = np.bincount(membership[membership >= 0], minlength=base)
    for c in np.argsort(-sizes, kind="stable")[:MAP_LINKED].tolist():  # the largest communities' strongest links
        mine = np.flatnonzero((key // base == c) | (key % base == c))
        chosen.update(mine[np.argsort(-total[mine], kind="stable")][:COMMUNITY_LINKS].tolist())
    return [{"a": int(key[j] // base), "b": int(key[j] % base), "weight": round(float(total[j] / top), 3)}
            for j in sorted(chosen)]
