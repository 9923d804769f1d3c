"""What every export shares: atomic writes, flat attributes, the graph's layout and colours."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

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
    return OTHER_COLOR if community < 0 else PALETTE[community % len(PALETTE)]


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


def layout(graph, seed: int, weight: str = "weight", membership: np.ndarray | None = None) -> np.ndarray:
    """Positions of every paper (corpus order), computed with igraph.

    Fruchterman-Reingold (1991), weighted and seeded; links inside a community pull
    four times harder when ``membership`` is given, so communities show as groups.
    Unlinked papers are placed in a ring around the rest so they stay visible without
    crowding it.
    """
    from .._igraph import seeded, to_igraph

    g = to_igraph(graph, weight)
    n = g.vcount()
    if n == 0:
        return np.zeros((0, 2))
    if n == 1:
        return np.zeros((1, 2))
    with seeded(seed):
        if g.ecount() == 0:
            coords = np.asarray(g.layout_circle().coords, dtype=float)
        else:
            w = np.asarray(g.es["weight"], dtype=float)
            if membership is not None:
                ends = np.asarray(g.get_edgelist())
                same = (membership[ends[:, 0]] == membership[ends[:, 1]]) & (membership[ends[:, 0]] >= 0)
                w = np.where(same, 4.0 * w, w)
            iters = 500 if n <= 2000 else 150
            coords = np.asarray(g.layout_fruchterman_reingold(weights=(w / w.max()).tolist(), niter=iters,
                                                             grid="auto" if n > 1000 else "nogrid").coords)
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
    scale = 40.0 * np.sqrt(n) / span if n > 1 else 1.0
    return np.round(coords * scale, 2)


def node_table(analysis) -> list[dict]:
    """Flat, export-ready attributes of every paper: fields, community, centralities, concepts.

    Built once per analysis (every export of a report reads the same rows).
    """
    cached = getattr(analysis, "_node_table", None)
    if cached is None:
        cached = analysis._node_table = _node_table(analysis)
    return cached


def _node_table(analysis) -> list[dict]:
    graph = analysis.graph
    frame = analysis.papers_frame().set_index("id").to_dict("index")
    cs = graph.concepts
    out = []
    for p in graph.corpus:
        row = frame[p.id]
        out.append({
            "id": p.id, "title": p.title, "abstract": p.abstract, "authors": "; ".join(p.authors),
            "published": p.published.isoformat() if p.published else (p.published_text or ""),
            "upvotes": int(p.upvotes) if p.upvotes is not None else -1, "n_digests": len(p.digests),
            "digests": " ".join(p.digests), "arxiv_id": p.arxiv_id or "", "url": p.url or p.arxiv_url or "",
            "links": " ".join(p.links), "community": int(row["community"]), "label": str(row["label"]),
            "concepts": "; ".join(cs.concepts_of(p.id, 6)), "score": float(row["score"]), "rank": int(row["rank"]),
            "degree": int(row["degree"]), "strength": float(row["strength"]), "pagerank": float(row["pagerank"]),
            "betweenness": float(row["betweenness"]), "closeness": float(row["closeness"]),
            "participation": float(row["participation"]),
        })
    return out
