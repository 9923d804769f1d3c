"""A static picture of the map of topics: one disc per community (area by papers), labelled, as the page's first
view draws it. Reports put it in ``index.html`` and beside ``report.md``; it needs no browser."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..exceptions import EmptyGraphError
from ._common import OTHER_COLOR, centre_and_reach, check_out_path, community_color, layout, write_atomic

__all__ = ["write_map_image", "map_places"]

#: Most communities drawn as their own disc; smaller ones are left to the page.
MAX_DISCS = 80


def map_places(analysis, positions=None) -> list[dict]:
    """Each community's place on the map: id, label, size, colour, centre (x, y) and radius, largest first.

    The radius makes the disc's area proportional to the community's papers, the largest
    disc as wide as the largest community's papers spread on the layout.
    """
    ids = analysis.graph.corpus.ids
    if positions is not None:
        xy = np.array([positions[pid][:2] for pid in ids], dtype=float).reshape(-1, 2)
    else:
        xy = layout(analysis.graph, int(analysis.params["seed"]), membership=analysis.membership,
                    subtopics=analysis.subtopic_membership)
    m = analysis.membership
    coms, sizes = np.unique(m[m >= 0], return_counts=True)
    order = np.argsort(-sizes, kind="stable")[:MAX_DISCS]
    places = []
    for k in order.tolist():
        centre, reach = centre_and_reach(xy[m == coms[k]])
        places.append({"community": int(coms[k]), "label": analysis.label(int(coms[k])), "size": int(sizes[k]),
                       "color": community_color(int(coms[k])), "x": float(centre[0]), "y": float(centre[1]),
                       "reach": reach})
    if places:
        top = max(places[0]["reach"], 1e-9)
        for p in places:
            p["radius"] = top * float(np.sqrt(p["size"] / places[0]["size"]))
    return places


def _overlaps(b, boxes) -> bool:
    return any(b[0] < o[2] and o[0] < b[2] and b[1] < o[3] and o[1] < b[3] for o in boxes)


def _reaches_into(b, discs) -> bool:
    """Whether a label box reaches far into another disc (x, y, radius in pixels): it would read as that disc's."""
    for x, y, r in discs:
        dx, dy = max(b[0] - x, 0.0, x - b[2]), max(b[1] - y, 0.0, y - b[3])
        if (dx * dx + dy * dy) ** 0.5 < 0.6 * r:
            return True
    return False


def write_map_image(analysis, path, *, positions=None, size: tuple[float, float] = (12.0, 7.5),
                    dpi: int = 100) -> Path:
    """Write the map of topics as a PNG: discs sized by papers, each community with 1% of the papers labelled
    (labels placed so that none overlaps another), the view fitted to those communities.

    The same analysis and positions give the same bytes.

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> from litgraph.export import write_map_image
    >>> write_map_image(res, pathlib.Path(tempfile.mkdtemp()) / "map.png").suffix
    '.png'
    """
    p = check_out_path(path, (".png",), "write_map_image")
    places = map_places(analysis, positions)
    if not places:
        raise EmptyGraphError("The graph has no community to draw on a map.")
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib import patheffects
    from matplotlib.patches import Circle

    total = len(analysis.membership)
    with matplotlib.rc_context({"font.size": 11}):
        fig = plt.figure(figsize=size, dpi=dpi)
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_aspect("equal")
        w_px, h_px = size[0] * dpi, size[1] * dpi
        _fit_view(ax, places, total, w_px, h_px)
        for q in sorted(places, key=lambda q: -q["size"]):
            ax.add_patch(Circle((q["x"], q["y"]), q["radius"], facecolor=q["color"] or OTHER_COLOR, alpha=0.82,
                                edgecolor="white", linewidth=1.2))
        fig.canvas.draw()
        to_px = ax.transData
        boxes: list[tuple[float, float, float, float]] = []
        halo = [patheffects.withStroke(linewidth=3.5, foreground="white")]
        for q in places:
            found = _label_spot(ax, fig.canvas.get_renderer(), q, places, total, boxes, (w_px, h_px), dpi)
            if found is None:
                continue
            text, fs, (sx, sy), outside = found
            tx, ty = to_px.inverted().transform((sx, sy))
            if outside:  # outside its disc: a line says whose it is
                ax.plot([q["x"], tx], [q["y"], ty], color="#666666", linewidth=0.8, alpha=0.7)
            ax.text(tx, ty, text, fontsize=fs, fontweight="bold", ha="center", va="center", color="#1a1a1a",
                    path_effects=halo)
        _save_palette_png(fig, p, dpi)
        plt.close(fig)
    return p


def _fit_view(ax, places: list[dict], total: int, w_px: float, h_px: float) -> None:
    """Fit the view as the page's map is: communities with 1% of the papers, the largest up to 90%."""
    major, held, inside = [], 0, sum(q["size"] for q in places)
    for q in places:
        if q["size"] >= 0.01 * total or held < 0.9 * inside:
            major.append(q)
            held += q["size"]
    x0 = min(q["x"] - q["radius"] for q in major)
    x1 = max(q["x"] + q["radius"] for q in major)
    y0 = min(q["y"] - q["radius"] for q in major)
    y1 = max(q["y"] + q["radius"] for q in major)
    pad = 70 / min(w_px, h_px)
    span = max((x1 - x0) / w_px, (y1 - y0) / h_px) / (1 - 2 * pad)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - span * w_px / 2, cx + span * w_px / 2)
    ax.set_ylim(cy + span * h_px / 2, cy - span * h_px / 2)  # y grows downwards, as on the page


def _label_spot(ax, renderer, q: dict, places: list[dict], total: int, boxes: list, frame: tuple[float, float],
                dpi: int):
    """Where a community's label goes: (text, font size, pixel centre, outside its disc) of the first spot,
    from its centre outwards, clear of the labels placed (``boxes``, which it joins) and, if it can be, of
    other discs; the shorter label and smaller sizes are tried in turn. None when nothing fits."""
    w_px, h_px = frame
    to_px = ax.transData
    is_major = q["size"] >= 0.01 * total
    cxp, cyp = to_px.transform((q["x"], q["y"]))
    r_px = abs(to_px.transform((q["x"] + q["radius"], q["y"]))[0] - cxp)
    words = q["label"].split(" · ")
    others = [(*to_px.transform((o["x"], o["y"])), o["radius"] * r_px / max(q["radius"], 1e-12))
              for o in places if o is not q]
    attempts = [(text, keep_clear) for keep_clear in (True, False)
                for text in (" · ".join(words[:2]) + f" ({q['size']})", f"{words[0]} ({q['size']})")]
    for text, keep_clear in attempts:
        for px in ((14, 13, 12, 11) if is_major else (11,)):
            fs = px * 72 / dpi  # the page's pixel sizes, in points
            t = ax.text(0, 0, text, fontsize=fs, fontweight="bold")
            bb = t.get_window_extent(renderer)
            t.remove()
            w, h = bb.width + 4, bb.height + 4
            spots = [(cxp, cyp), (cxp, cyp + r_px + h / 2 + 3), (cxp, cyp - r_px - h / 2 - 3)]
            for d in range(1, 8 if is_major else 3):
                for a in range(12 + 4 * d):
                    ang = 2 * np.pi * a / (12 + 4 * d) + 0.3 * d
                    spots.append((cxp + np.cos(ang) * (r_px + d * (h + 4) + w / 2 * abs(np.cos(ang))),
                                  cyp + np.sin(ang) * (r_px + d * (h + 4))))
            for sx, sy in spots:
                b = (sx - w / 2, sy - h / 2, sx + w / 2, sy + h / 2)
                if b[0] < 2 or b[1] < 2 or b[2] > w_px - 2 or b[3] > h_px - 2 or _overlaps(b, boxes):
                    continue
                if keep_clear and _reaches_into(b, others):
                    continue
                boxes.append(b)
                return text, fs, (sx, sy), bool(np.hypot(sx - cxp, sy - cyp) > r_px)
    return None


def _save_palette_png(fig, path: Path, dpi: int) -> None:
    """The figure as a 256-colour palette PNG (flat colours and anti-aliased edges: a third of the bytes)."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    small = Image.open(buf).convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                                    dither=Image.Dither.NONE)
    write_atomic(path, lambda tmp: small.save(tmp, format="PNG", optimize=True))
