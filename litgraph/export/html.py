"""One self-contained interactive HTML page of the graph (pyvis / vis-network), working offline.

vis-network's script and style, shipped inside the pyvis package, are inlined in the page, so it
makes no request to any other host; the paper data is embedded as JSON and turned into tooltips
with ``textContent``, so text from digests is data and never markup.
"""

from __future__ import annotations

import html as _html
import json
import math
from importlib import resources
from pathlib import Path

import numpy as np

from .._validation import check_int
from .._text import safe_url
from ..exceptions import InvalidParameterError, NotFittedError
from ._common import LAYER_STYLE, check_out_path, community_color, layout, node_table

__all__ = ["graph_html", "write_html", "InteractiveGraph", "SIZE_BY"]

#: Node attributes that can set node size.
SIZE_BY = ("pagerank", "betweenness", "degree", "strength", "closeness", "participation", "score", "upvotes",
           "n_digests")


def _require_analysis(obj, owner: str):
    from ..analysis import Analysis

    if isinstance(obj, Analysis):
        return obj
    if hasattr(obj, "analysis_") and isinstance(getattr(obj, "analysis_", None), Analysis):
        return obj.analysis_
    from ..graph import PaperGraph

    if isinstance(obj, PaperGraph):
        raise NotFittedError(f"{owner} needs analysis results (communities, centralities) to colour and size the "
                             f"papers: pass lg.analyze(graph) instead of the graph.")
    raise InvalidParameterError(f"{owner} expects an Analysis (from lg.analyze). Got {type(obj).__name__}.")


def _assets() -> tuple[str, str]:
    lib = resources.files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8")


def _safe_json(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _page_data(analysis, *, size_by: str, max_nodes: int, physics_max: int, seed: int, title: str,
               label_top: int, hidden_layers: tuple[str, ...]) -> dict:
    from pyvis.network import Network

    graph = analysis.graph
    table = node_table(analysis)
    n_all = len(table)
    values = np.array([max(float(r[size_by]), 0.0) for r in table])
    ranks = np.array([r["rank"] for r in table])
    order = np.lexsort((ranks, -values))
    kept = sorted(order[:max_nodes].tolist()) if n_all > max_nodes else list(range(n_all))
    kept_ids = [table[i]["id"] for i in kept]
    view = graph.subgraph(kept_ids) if n_all > max_nodes else graph
    index = {pid: i for i, pid in enumerate(graph.corpus.ids)}
    coords = layout(view, seed, membership=np.array([analysis.membership[index[pid]] for pid in view.corpus.ids]))
    labelled = set(order[:label_top].tolist())
    edges = view.edges_frame()
    left_out = ""
    if n_all > max_nodes:
        total_edges = len(graph.edges_frame())
        left_out = (f"Showing the {len(kept)} papers with the highest {size_by} of {n_all}; "
                    f"{n_all - len(kept)} papers and {total_edges - len(edges)} links are left out of this view "
                    f"(every paper is in the CSV, GraphML and JSON exports).")

    vmax = values[kept].max() if len(kept) else 0.0
    net = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
    for k, i in enumerate(kept):
        r = table[i]
        rel = math.sqrt(values[i] / vmax) if vmax > 0 else 0.0
        links = []
        if r["arxiv_id"]:
            links.append({"name": "arXiv", "url": f"https://arxiv.org/abs/{r['arxiv_id']}"})
        if safe_url(r["url"]) and r["url"] not in {x["url"] for x in links}:
            links.append({"name": "page", "url": r["url"]})
        for url in r["links"].split():
            if safe_url(url) and url not in {x["url"] for x in links}:
                links.append({"name": "code" if "github.com" in url or "gitlab" in url else "link", "url": url})
        excerpt = r["abstract"][:320] + ("…" if len(r["abstract"]) > 320 else "")
        label = (r["title"] if len(r["title"]) <= 42 else r["title"][:40].rstrip() + "…") if i in labelled else ""
        net.nodes.append({
            "id": r["id"], "label": label, "x": float(coords[k, 0]), "y": float(coords[k, 1]),
            "size": round(7 + 22 * rel, 2), "color": community_color(r["community"]),
            "paper": {"title": r["title"], "date": r["published"], "upvotes": r["upvotes"],
                      "community": r["community_label"], "concepts": r["concepts"], "excerpt": excerpt, "links": links},
        })
    wmax = {k: float(v.max()) for k, v in edges.groupby("kind")["weight"]} if len(edges) else {}
    for n, e in enumerate(edges.itertuples(index=False)):
        style = LAYER_STYLE[e.kind]
        rel = e.weight / wmax[e.kind] if wmax.get(e.kind) else 0.0
        net.edges.append({
            "id": f"e{n}", "from": e.source, "to": e.target, "kind": e.kind, "kindLabel": style["label"],
            "width": round(1 + 5 * rel, 2), "color": style["color"], "dashes": style["dashes"],
            "directed": bool(e.directed), "weight": round(float(e.weight), 4), "evidence": str(e.evidence),
        })
    physics = len(kept) <= physics_max
    options = {
        "autoResize": True,
        "layout": {"randomSeed": int(seed), "improvedLayout": False},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -40, "springLength": 90},
                    "stabilization": {"enabled": physics, "iterations": 150, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(kept) > 500,
                        "navigationButtons": False, "keyboard": False},
        "nodes": {"shape": "dot", "borderWidth": 1},
        "edges": {"smooth": False, "selectionWidth": 2},
    }
    counts = edges["kind"].value_counts().to_dict() if len(edges) else {}
    layers = [{"kind": k, "label": LAYER_STYLE[k]["label"], "color": LAYER_STYLE[k]["color"],
               "dashes": LAYER_STYLE[k]["dashes"], "count": int(counts[k]), "shown": k not in hidden_layers}
              for k in graph.layer_weights if counts.get(k)]
    communities = []
    labels = {}
    for i in kept:
        labels.setdefault(table[i]["community"], []).append(table[i]["id"])
    for com in sorted(labels, key=lambda c: (c < 0, c)):
        communities.append({"community": com, "label": analysis.label(com), "size": len(labels[com]),
                            "color": community_color(com), "members": labels[com]})
    summary = (f"{n_all} papers from {len(graph.corpus.digests)} digest(s), {analysis.n_communities} communities "
               f"(modularity {analysis.modularity:.2f}), {len(edges)} links.")
    return {"nodes": net.nodes, "edges": net.edges, "options": options, "layers": layers,
            "communities": communities, "summary": summary, "leftOut": left_out,
            "sizeNote": f"Node size: {size_by}. Colour: community.", "title": title}


def graph_html(analysis, *, size_by: str = "pagerank", max_nodes: int = 2000, physics_max: int = 300,
               seed: int | None = None, title: str = "litgraph", height: str = "100vh", label_top: int = 40,
               hidden_layers: tuple[str, ...] = ("digest",)) -> str:
    """The interactive page as a string (see :func:`write_html`).

    Examples
    --------
    >>> import litgraph as lg
    >>> page = lg.graph_html(lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]))))
    >>> page.startswith("<!DOCTYPE html>") and "<script src" not in page
    True
    """
    analysis = _require_analysis(analysis, "graph_html")
    if size_by not in SIZE_BY:
        raise InvalidParameterError(f"The 'size_by' parameter of write_html must be one of "
                                    f"{', '.join(map(repr, SIZE_BY))}. Got {size_by!r} instead.")
    check_int(max_nodes, "max_nodes", "write_html", min_value=1)
    check_int(physics_max, "physics_max", "write_html", min_value=0)
    check_int(label_top, "label_top", "write_html", min_value=0)
    from ..edges import LAYERS

    bad = [k for k in hidden_layers if k not in LAYERS] if not isinstance(hidden_layers, str) else [hidden_layers]
    if bad:
        raise InvalidParameterError(f"The 'hidden_layers' parameter of write_html must list layer names "
                                    f"({', '.join(LAYERS)}). Got {hidden_layers!r} instead.")
    if analysis.graph.n_papers == 0:
        from ..exceptions import EmptyGraphError
        raise EmptyGraphError("The graph has no papers to draw.")
    seed = analysis.params["seed"] if seed is None else seed
    data = _page_data(analysis, size_by=size_by, max_nodes=max_nodes, physics_max=physics_max, seed=int(seed),
                      title=title, label_top=label_top, hidden_layers=tuple(hidden_layers))
    import jinja2

    from .._version import __version__

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                             autoescape=False, keep_trailing_newline=True)
    vis_js, vis_css = _assets()
    return env.get_template("graph.html.j2").render(
        title=_html.escape(title), version=__version__, vis_js=vis_js.replace("</script", "<\\/script"),
        vis_css=vis_css, data_json=_safe_json(data), height=_html.escape(height))


def write_html(analysis, path, **kwargs) -> Path:
    """Write the interactive graph as one self-contained ``.html`` file (UTF-8) that works offline.

    Papers are coloured by community, with a legend of community labels, and sized by
    ``size_by``; links are styled by layer with a checkbox per layer; a search box finds
    a paper by title. Each paper's tooltip gives title, date, upvotes, community,
    concepts, an abstract excerpt and links; each link's gives its layer, weight and
    evidence. Positions are computed in Python (igraph); the browser's physics only
    refines graphs of at most ``physics_max`` papers. Above ``max_nodes`` papers the page
    shows the top papers by ``size_by`` and says what it left out.

    The file is written to a temporary name and renamed, so a failure never leaves a
    half-written page. Same input and seed give the same bytes.

    Parameters
    ----------
    analysis : Analysis
    path : str or Path
        Ends in ``.html``; its folder must exist.
    size_by : str, default "pagerank"
        One of :data:`SIZE_BY`.
    max_nodes : int, default 2000
    physics_max : int, default 300
    seed : int, optional
        Layout seed; defaults to the analysis seed.
    title : str, default "litgraph"
    label_top : int, default 40
        How many papers (the largest) carry their title on the canvas; every paper has a tooltip.
    hidden_layers : tuple of str, default ("digest",)
        Layers whose checkbox starts unticked (their links are in the page, hidden until shown).

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> lg.write_html(res, out / "graph.html").name
    'graph.html'
    """
    p = check_out_path(path, (".html", ".htm"), "write_html")
    page = graph_html(analysis, **kwargs)
    from ._common import write_atomic

    return write_atomic(p, lambda tmp: tmp.write_text(page, encoding="utf-8", newline="\n"))


class InteractiveGraph:
    """The interactive page for notebooks: shows inline in Jupyter and VS Code, saves with :meth:`save`.

    Examples
    --------
    >>> import litgraph as lg
    >>> view = lg.InteractiveGraph(lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]))))
    >>> view._repr_html_().startswith("<iframe srcdoc=")
    True
    """

    def __init__(self, analysis, **kwargs) -> None:
        self.analysis = _require_analysis(analysis, "InteractiveGraph")
        self.kwargs = kwargs
        self._html: str | None = None

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = graph_html(self.analysis, **{"height": "640px", **self.kwargs})
        return self._html

    def _repr_html_(self) -> str:
        doc = _html.escape(self.html, quote=True)
        return (f'<iframe srcdoc="{doc}" style="width:100%;height:660px;border:1px solid #ddd" '
                f'sandbox="allow-scripts allow-popups"></iframe>')

    def save(self, path) -> Path:
        return write_html(self.analysis, path, **self.kwargs)
