"""What every export shares: atomic writes, flat attributes, the graph's layout and colours."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from .._arrays import distinct
from .._networkx import paper_fields
from ..exceptions import InvalidParameterError, LitgraphError

#: Community colours (colour-blind friendly first, then tab20); "other" is grey.
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
           "#17becf", "#bcbd22", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
           "#aec7e8", "#ffbb78"]
OTHER_COLOR = "#b8b8b8"
LAYER_STYLE = {
    "concepts": {"color": "#3b7dd8", "dashes": False, "label": "shared concepts"},
    "similarity": {"color": "#7a7a7a", "dashes": False, "label": "text similarity"},
    "digest": {"color": "#d9a400", "dashes": True, "label": "same digest"},
    "citation": {"color": "#c0392b", "dashes": False, "label": "citation"},
    "mention": {"color": "#8e44ad", "dashes": False, "label": "mention"},
    "cocitation": {"color": "#16a085", "dashes": True, "label": "co-citation"},
    "coupling": {"color": "#27ae60", "dashes": True, "label": "bibliographic coupling"},
}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(frame):
    """A copy of ``frame`` whose text cells cannot run as spreadsheet formulas.

    Following OWASP's advice on CSV injection, a text cell that starts with ``=``,
    ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``, which
    spreadsheets show as text; numbers are left as they are.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or str(out[col].dtype) in ("string", "str"):
            out[col] = out[col].map(_csv_cell)
    return out


def _csv_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def community_color(community: int) -> str:
    """The colour of a community: the 20 of :data:`PALETTE` first, then hues a golden angle apart.

    Past the palette, hue ``137.5 * k`` degrees (the golden angle keeps consecutive ids far
    apart on the colour wheel) at one of three lightness and saturation levels, so no two
    of the first hundreds of communities share a colour; "other" (-1) is grey.
    """
    if community < 0:
        return OTHER_COLOR
    if community < len(PALETTE):
        return PALETTE[community]
    import colorsys

    k = community - len(PALETTE)
    hue = (k * 137.50776405) % 360.0 / 360.0
    light, sat = ((0.50, 0.65), (0.38, 0.55), (0.62, 0.70))[k % 3]
    r, g, b = colorsys.hls_to_rgb(hue, light, sat)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def check_out_path(path: str | os.PathLike, suffixes: tuple[str, ...], owner: str) -> Path:
    """The output path, after checking its folder exists and its ending fits."""
    p = Path(path)
    if p.suffix.lower() not in suffixes:
        raise InvalidParameterError(f"The 'path' parameter of {owner} must end in {' or '.join(suffixes)}. "
                                    f"Got {str(path)!r} instead.")
    if not p.parent.is_dir():
        raise LitgraphError(f"{p}: the folder {p.parent} does not exist; create it first "
                            f"(e.g. mkdir -p {p.parent}).")
    if p.is_dir():
        raise LitgraphError(f"{p}: is a folder; give a file name such as {p / ('graph' + suffixes[0])}.")
    if not os.access(p.parent, os.W_OK):
        raise LitgraphError(f"{p}: the folder {p.parent} cannot be written to; choose another output folder.")
    return p


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` that replaces it only if writing finishes."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


def write_atomic(path: Path, writer: Callable[[Path], None]) -> Path:
    try:
        with atomic_path(path) as tmp:
            writer(tmp)
    except OSError as exc:
        raise LitgraphError(f"{path}: could not be written ({exc.strerror or exc}).") from None
    return path


def layout(graph, seed: int, weight: str = "weight", membership: np.ndarray | None = None,
           subtopics: np.ndarray | None = None) -> np.ndarray:
    """Positions of every paper (corpus order), computed with igraph.

    Without ``membership``: Fruchterman-Reingold (1991), weighted and seeded. With it,
    each community gets a region of its own (see :func:`community_layout`), so a reader
    sees topics as places; with ``subtopics`` too (each paper's sub-topic, -1 for none),
    each sub-topic gets a region of its own inside its community's. Unlinked papers are
    placed in a ring around the rest so they stay visible without crowding it.
    """
    from .._igraph import seeded, to_igraph

    g = to_igraph(graph, weight)
    n = g.vcount()
    if n <= 1:
        return np.zeros((n, 2))
    with seeded(seed):
        if g.ecount() == 0:
            coords = np.asarray(g.layout_circle().coords, dtype=float)
        elif membership is not None:
            coords = community_layout(g, np.asarray(membership),
                                      None if subtopics is None else np.asarray(subtopics))
        else:
            coords = _force_layout(g)
    deg = np.asarray(g.degree())
    linked = deg > 0
    if linked.any() and (~linked).any():
        centre = coords[linked].mean(axis=0)
        radius = np.linalg.norm(coords[linked] - centre, axis=1).max() * 1.15 + 1e-9
        iso = np.flatnonzero(~linked)
        ang = 2 * np.pi * np.arange(len(iso)) / len(iso)
        coords[iso] = centre + radius * np.c_[np.cos(ang), np.sin(ang)]
    coords = coords - coords.mean(axis=0)
    span = np.abs(coords).max() or 1.0
    scale = 55.0 * np.sqrt(n) / span
    return np.round(coords * scale, 2)


def stable_positions(analysis, previous=None, *, seed: int | None = None) -> dict[str, tuple[float, float]]:
    """Where to draw every paper, keeping an earlier drawing where it still holds.

    ``previous`` maps paper ids to ``(x, y, community)`` of an earlier drawing (a daily
    report keeps yesterday's). A paper still in the same community keeps its place, so the
    map of topics stays put from one morning to the next; a new paper, or one that moved
    community, is placed at the weighted mean of its linked papers already placed in its
    community (or, with none, near its community's centre); a community with no earlier
    paper gets a region of its own beside the others. Without ``previous`` (or when fewer
    than half of the papers have a place to keep) the graph is laid out afresh
    (:func:`layout`). Returns paper id -> (x, y).
    """
    graph = analysis.graph
    ids = graph.corpus.ids
    seed = int(analysis.params["seed"] if seed is None else seed)
    membership = np.asarray(analysis.membership)
    prev = dict(previous or {})
    kept = np.array([pid in prev and int(prev[pid][2]) == int(c) for pid, c in zip(ids, membership.tolist())])
    if len(ids) == 0 or kept.mean() < 0.5:
        coords = layout(graph, seed, membership=membership, subtopics=analysis.subtopic_membership)
        return {pid: (float(x), float(y)) for pid, (x, y) in zip(ids, coords.tolist())}
    n = len(ids)
    xy = np.zeros((n, 2))
    placed = kept.copy()
    xy[kept] = np.array([prev[pid][:2] for pid, k in zip(ids, kept.tolist()) if k], dtype=float)
    p = graph.pairs_frame(text=False)
    a, b = graph.pair_ends()
    w = p["weight"].to_numpy(dtype=float)
    same = membership[a] == membership[b]
    a, b, w = np.concatenate([a[same], b[same]]), np.concatenate([b[same], a[same]]), np.concatenate([w[same]] * 2)
    step = 0.0
    if kept.sum() > 1:
        span = np.ptp(xy[kept], axis=0).max() or 1.0
        step = span / np.sqrt(n) / 4  # about a quarter of the spacing between papers
    rng = np.random.default_rng(int(seed) % 2**64)  # any int seed (numpy takes none below 0)
    for _ in range(3):  # new papers join their placed neighbours; chains of new papers in a few rounds
        todo = ~placed
        if not todo.any():
            break
        use = placed[b] & todo[a]
        sw = np.bincount(a[use], weights=w[use], minlength=n)
        sx = np.bincount(a[use], weights=w[use] * xy[b[use], 0], minlength=n)
        sy = np.bincount(a[use], weights=w[use] * xy[b[use], 1], minlength=n)
        ok = todo & (sw > 0)
        xy[ok] = np.c_[sx[ok] / sw[ok], sy[ok] / sw[ok]] + rng.normal(scale=step, size=(int(ok.sum()), 2))
        placed |= ok
    right = xy[placed, 0].max() if placed.any() else 0.0
    for c in distinct(membership[~placed]).tolist():
        members = np.flatnonzero((membership == c) & ~placed)
        anchor = placed & (membership == c)
        if c >= 0 and anchor.any():  # papers of a known community with no placed neighbour: near its centre
            centre = xy[anchor].mean(axis=0)
            xy[members] = centre + rng.normal(scale=step * 4, size=(len(members), 2))
        else:  # a new community (or the unlinked rest): a region of its own beside the map
            sub = graph.subgraph([ids[i] for i in members.tolist()])
            local = layout(sub, seed, membership=membership[members])
            local = local - local.mean(axis=0)
            reach = np.abs(local).max() or 1.0
            radius = step * 4 * np.sqrt(len(members)) + 1e-9
            xy[members] = np.array([right + radius * 1.5, 0.0]) + local * (radius / reach)
            right += radius * 3
        placed[members] = True
    return {pid: (round(float(x), 2), round(float(y), 2)) for pid, (x, y) in zip(ids, xy.tolist())}


def _force_layout(g, weights: np.ndarray | None = None, iters: int | None = None) -> np.ndarray:
    """Weighted Fruchterman-Reingold positions of an igraph graph (seeded by the caller)."""
    n = g.vcount()
    if n <= 2 or g.ecount() == 0:
        return np.asarray(g.layout_circle().coords, dtype=float) if n > 1 else np.zeros((n, 2))
    w = np.asarray(g.es["weight"] if weights is None else weights, dtype=float)
    iters = iters or (500 if n <= 2000 else 150)
    return np.asarray(g.layout_fruchterman_reingold(weights=(w / w.max()).tolist(), niter=iters,
                                                    grid="auto" if n > 1000 else "nogrid").coords, dtype=float)


def community_layout(g, membership: np.ndarray, subtopics: np.ndarray | None = None) -> np.ndarray:
    """Positions in which every community occupies a disc of its own.

    Two levels: the communities are laid out as one weighted graph (a node per
    community, linked by the weight between them) and their discs, of radius growing with
    the square root of their size, pushed apart until none overlap; each community's
    papers are then laid out on their own links (Fruchterman-Reingold) and fitted into
    its disc. Papers in no community ("other", -1) share one disc. A community whose
    papers have two or more ``subtopics`` is laid out the same way one level down, so its
    sub-topics are regions inside its disc.
    """
    n = g.vcount()
    groups = membership.astype(np.int64)
    labels, inv = np.unique(groups, return_inverse=True)
    k = len(labels)
    sizes = np.bincount(inv, minlength=k).astype(float)
    ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = np.asarray(g.es["weight"], dtype=float) if g.ecount() else np.zeros(0)
    ci, cj = inv[ends[:, 0]], inv[ends[:, 1]]
    # level 1: the community graph
    radius = np.sqrt(sizes)
    if k == 1:
        centres = np.zeros((1, 2))
    else:
        from .._igraph import igraph_module

        ig = igraph_module()
        between = ci != cj
        pair = np.minimum(ci, cj)[between] * k + np.maximum(ci, cj)[between]
        keys, total = np.unique(pair, return_inverse=True)
        cw = np.bincount(total.ravel(), weights=w[between], minlength=len(keys)) if len(keys) else np.zeros(0)
        cg = ig.Graph(n=k, edges=list(zip((keys // k).tolist(), (keys % k).tolist())))
        cg.es["weight"] = cw.tolist()
        centres = _force_layout(cg) if cg.ecount() else np.asarray(cg.layout_circle().coords, dtype=float)
        # start with neighbouring discs about touching, then push apart the ones that overlap
        d = np.linalg.norm(centres[:, None] - centres[None], axis=2)
        np.fill_diagonal(d, np.inf)
        near = float(np.median(d.min(axis=1))) or 1.0
        centres = _separate(centres / near * 2.0 * radius.mean(), radius)
    # level 2: each community inside its disc
    coords = np.zeros((n, 2))
    order = np.argsort(inv, kind="stable")
    bounds = np.searchsorted(inv[order], np.arange(k + 1))
    for c in range(k):
        members = order[bounds[c]:bounds[c + 1]]
        if len(members) == 1:
            coords[members] = centres[c]
            continue
        sub = g.subgraph(members.tolist())
        inner = None if subtopics is None else subtopics[members]
        if inner is not None and len(set(inner.tolist()) - {-1}) >= 2:
            local = community_layout(sub, np.where(inner >= 0, inner, inner.max() + 1))
        else:
            local = _force_layout(sub, iters=_community_iters(len(members)))
        local = local - local.mean(axis=0)
        reach = np.linalg.norm(local, axis=1).max() or 1.0
        coords[members] = centres[c] + local * (0.9 * radius[c] / reach)
    return coords


def _community_iters(n: int) -> int:
    """Fruchterman-Reingold iterations for a community of ``n`` papers.

    Below 1,000 papers igraph's layout compares every pair of papers (n^2 per
    iteration), so the iterations fall as 20,000 / n (500 for the smallest communities,
    60 from 333 papers on): the work per community grows with its size, not its square,
    and a graph of hundreds of mid-sized communities is laid out in linear time.
    """
    return int(min(500, max(60, 20_000 // max(n, 1))))


def _separate(centres: np.ndarray, radius: np.ndarray, gap: float = 1.15, rounds: int = 200) -> np.ndarray:
    """Centres moved apart until discs of these radii (times ``gap``) no longer overlap."""
    c = centres.astype(float).copy()
    need = gap * (radius[:, None] + radius[None, :])
    for _ in range(rounds):
        d = c[:, None, :] - c[None, :, :]
        dist = np.linalg.norm(d, axis=2)
        np.fill_diagonal(dist, np.inf)
        over = need - dist
        if (over <= 1e-9).all():
            break
        push = np.where(over > 0, over / 2, 0.0) / np.where(np.isfinite(dist) & (dist > 0), dist, 1.0)
        c += (d * push[:, :, None]).sum(axis=1)
        same = np.flatnonzero(dist.min(axis=1) < 1e-9)  # coincident centres: nudge each its own way
        if len(same):
            c[same] += np.random.default_rng(len(c)).normal(scale=1e-3, size=(len(same), 2))
    return c


def centre_and_reach(points: np.ndarray) -> tuple[np.ndarray, float]:
    """Where the page and the map picture put a community: the mean of its papers' positions, and the 90th
    percentile of their distances from it (one stray paper does not inflate a region)."""
    centre = points.mean(axis=0)
    reach = float(np.percentile(np.linalg.norm(points - centre, axis=1), 90)) if len(points) > 1 else 0.0
    return centre, reach


def check_positions(where, analysis, owner: str):
    """``where`` (paper id -> (x, y)) if it places every paper of the analysis, else a clear error."""
    if where is None:
        return None
    missing = [pid for pid in analysis.graph.corpus.ids if pid not in where]
    if missing:
        raise InvalidParameterError(f"The 'positions' parameter of {owner} has no position for {len(missing)} "
                                    f"paper(s), e.g. {missing[0]!r}; give every paper one (see "
                                    f"litgraph.export.stable_positions).")
    return where


def positions(analysis, where=None) -> list[dict]:
    """Where each paper is drawn (corpus order): ``x``, ``y`` (``where``, a mapping of paper id to
    (x, y), else the community-region layout of the whole graph, computed once per analysis),
    ``size`` (from PageRank, as the HTML view sizes papers) and its community colour as ``color``
    (hex) and ``r``, ``g``, ``b``."""
    if where is None:
        cached = getattr(analysis, "_positions", None)
        if cached is not None:
            return cached
        coords = layout(analysis.graph, int(analysis.params["seed"]), membership=analysis.membership,
                        subtopics=analysis.subtopic_membership)
    else:
        coords = np.array([where[pid][:2] for pid in analysis.graph.corpus.ids], dtype=float).reshape(-1, 2)
    pr = analysis.centrality["pagerank"].to_numpy(dtype=float)
    top = pr.max() if len(pr) and pr.max() > 0 else 1.0
    out = []
    for (x, y), c, v in zip(coords.tolist(), analysis.membership.tolist(), pr.tolist()):
        hexa = community_color(int(c))
        out.append({"x": float(x), "y": float(y), "size": round(7 + 22 * (max(v, 0.0) / top) ** 0.5, 2),
                    "color": hexa, "r": int(hexa[1:3], 16), "g": int(hexa[3:5], 16), "b": int(hexa[5:7], 16)})
    if where is None:
        analysis._positions = out
    return out


def node_table(analysis) -> list[dict]:
    """Flat, export-ready attributes of every paper: fields, community, centralities, concepts.

    ``label`` is the title (what graph tools show on a node); ``community_label`` names the
    community. A value the input does not have (upvotes) is None, never a sentinel.

    Built once per analysis (every export of a report reads the same rows).
    """
    cached = getattr(analysis, "_node_table", None)
    if cached is None:
        cached = analysis._node_table = _node_table(analysis)
    return cached


def _node_table(analysis) -> list[dict]:
    graph = analysis.graph
    frame = analysis.papers_frame().set_index("id").reindex(graph.corpus.ids)
    cols = {c: frame[c].tolist() for c in ("community", "label", "score", "rank", "degree", "strength", "pagerank",
                                          "betweenness", "closeness", "participation")}
    rows = [dict(zip(cols, values)) for values in zip(*cols.values())]
    cs = graph.concepts
    out = []
    for p, row in zip(graph.corpus, rows):
        fields = paper_fields(p, cs)
        concepts = fields.pop("concepts")
        out.append({
            "id": p.id, "label": p.title, **fields, "community": int(row["community"]),
            "community_label": str(row["label"]), "concepts": concepts, "score": float(row["score"]),
            "rank": int(row["rank"]),
            "degree": int(row["degree"]), "strength": float(row["strength"]), "pagerank": float(row["pagerank"]),
            "betweenness": float(row["betweenness"]), "closeness": float(row["closeness"]),
            "participation": float(row["participation"]),
        })
    return out
