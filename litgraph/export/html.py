"""One self-contained interactive HTML page of the graph (pyvis / vis-network), working offline.

vis-network's script and style, shipped inside the pyvis package, are inlined in the page, so it
makes no request to any other host; the paper data is embedded as JSON and turned into tooltips
with ``textContent``, so text from digests is data and never markup.
"""

from __future__ import annotations

import html as _html
import json
from pathlib import Path


from .._step import Int, Options, constrained
from ..exceptions import InvalidParameterError, NotFittedError
from ._common import check_out_path, check_positions
from ._page import page_data

__all__ = ["graph_html", "write_html", "InteractiveGraph", "SIZE_BY", "view_address"]

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
    """vis-network's script and style as pyvis ships them (found without importing pyvis, whose
    import loads IPython: a third of a second per run)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("pyvis is not installed; reinstall litgraph (pip install litgraph) to get it.")
    lib = Path(list(spec.submodule_search_locations)[0]) / "templates" / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(
        encoding="utf-8")


def _safe_json(obj) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").replace(
        "\u2028", "\\u2028").replace("\u2029", "\\u2029")


@constrained("write_html", size_by=Options(SIZE_BY), max_nodes=Int(min_value=1), max_papers=Int(min_value=1), physics_max=Int(min_value=0),
             label_top=Int(min_value=0))
def graph_html(analysis, *, size_by: str = "pagerank", max_nodes: int = 400, max_papers: int = 200_000,
               physics_max: int = 300, seed: int | None = None, title: str = "litgraph", height: str = "100vh",
               label_top: int = 40, hidden_layers: tuple[str, ...] = ("digest",), positions=None) -> str:
    """The interactive page as a string (see :func:`write_html`).

    Examples
    --------
    >>> import litgraph as lg
    >>> page = lg.export.graph_html(lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]))))
    >>> page.startswith("<!DOCTYPE html>") and "<script src" not in page
    True
    """
    analysis = _require_analysis(analysis, "graph_html")
    from ..edges import LAYERS

    bad = [k for k in hidden_layers if k not in LAYERS] if not isinstance(hidden_layers, str) else [hidden_layers]
    if bad:
        raise InvalidParameterError(f"The 'hidden_layers' parameter of write_html must list layer names "
                                    f"({', '.join(LAYERS)}). Got {hidden_layers!r} instead.")
    if analysis.graph.n_papers == 0:
        from ..exceptions import EmptyGraphError
        raise EmptyGraphError("The graph has no papers to draw.")
    seed = analysis.params["seed"] if seed is None else seed
    data = page_data(analysis, size_by=size_by, max_nodes=max_nodes, max_papers=max(max_papers, max_nodes),
                     physics_max=physics_max, seed=int(seed), title=title, label_top=label_top,
                     hidden_layers=tuple(hidden_layers), positions=check_positions(positions, analysis, "write_html"))
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

    Five views of one set of papers, each with its own address (``graph.html#paper=<id>``):

    * **Map of topics** (the first view, ``#map``): one disc per community, its area
      proportional to its papers, every community with 1% of the papers or more labelled
      on the drawing (labels placed so that none overlaps another, at 11 px or more), the
      strongest links between communities drawn faintly (a toggle). Fitted to those
      communities, so a small outlying one does not shrink the rest.
    * **All papers** (``#papers``): every paper as a point on the same map, community
      labels at their regions and the key papers' short titles; more titles appear as the
      reader zooms in. Drawn on a canvas by the page's own script: once the page has loaded,
      100,000 papers draw in under a tenth of a second.
    * **A community** (``#community=<n>``): its papers (at most ``max_nodes``, the best by
      key-paper rank, shared out among its sub-topics) coloured by sub-topic, with each
      sub-topic's label at its region; a click on a label opens **the sub-topic**
      (``#subtopic=<n>.<k>``).
    * **A paper's neighbourhood** (``#paper=<id>``): the paper and its closest papers,
      titles and years shown, coloured by community; each link says why it exists (shared
      concepts, similar text, a citation, ...).

    Clicking a paper opens a side panel with its title, date, upvotes, topic, concepts, the
    start of its abstract, links (http and https only) and its strongest links with why
    they exist; the search box lists every paper whose title matches. The graph views are
    drawn with vis-network (shipped in pyvis); positions are computed in Python (igraph) and
    every paper keeps its place in every view.

    The page carries, per paper, an excerpt of the abstract and its strongest links
    (fewer of both above 20,000 papers; see :func:`litgraph.export._page.page_budget`); full
    abstracts and every link are in the JSON, GraphML and CSV exports. The data follows
    schema ``litgraph-page/1``.

    The file is written to a temporary name and renamed, so a failure never leaves a
    half-written page. Same input and seed give the same bytes.

    Parameters
    ----------
    analysis : Analysis
    path : str or Path
        Ends in ``.html``; its folder must exist.
    size_by : str, default "pagerank"
        One of :data:`SIZE_BY`.
    max_nodes : int, default 400
        Most papers drawn at once in a community or sub-topic view.
    max_papers : int, default 200000
        Most papers the page holds (the highest by ``size_by``); it says what it left out.
    physics_max : int, default 300
        A neighbourhood view of at most this many papers is arranged by the browser's physics
        (then held still); larger views, and every other view, keep the Python layout. 0 turns
        the physics off.
    seed : int, optional
        Layout seed; defaults to the analysis seed.
    title : str, default "litgraph"
    label_top : int, default 40
        How many papers a community view may label with their short title (at most 12 are
        used there; the map labels as many key papers as fit); every paper has a tooltip.
    hidden_layers : tuple of str, default ("digest",)
        Layers whose checkbox starts unticked (their links are in the page, hidden until shown).
    positions : mapping of paper id to (x, y), optional
        Where to draw each paper instead of laying the graph out, e.g.
        :func:`~litgraph.export.stable_positions` of an earlier drawing, so that papers keep
        their place from one report to the next.

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


def view_address(analysis, *, paper: str | None = None, community: int | None = None) -> str:
    """The part of the page's address that opens one view: ``#paper=<id>`` (the paper's neighbourhood),
    ``#community=<n>``, or ``""`` (the map). Unknown papers and communities are refused here, by name.

    >>> import litgraph as lg
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1])), seed=0)
    >>> view_address(res, community=0), view_address(res)
    ('#community=0', '')
    """
    from urllib.parse import quote

    if paper is not None and community is not None:
        raise InvalidParameterError("Open the page on a paper or on a community, not both.")
    if paper is not None:
        if paper not in analysis._index:
            raise InvalidParameterError(f"No paper {paper!r} in this graph; give a paper id (the 'id' column of "
                                        f"papers_frame()).")
        return "#paper=" + quote(str(paper), safe="")
    if community is not None:
        if isinstance(community, bool) or int(community) not in set(analysis.membership.tolist()) - {-1}:
            raise InvalidParameterError(f"No community {community!r} in this graph (communities: 0.."
                                        f"{analysis.n_communities - 1}).")
        return f"#community={int(community)}"
    return ""


class InteractiveGraph:
    """The interactive page for notebooks: shows inline in Jupyter and VS Code, saves with :meth:`save`.

    Displaying it writes the page once to ``folder`` (default ``litgraph-views/`` beside the
    notebook; the file is named by its content, so showing the same graph twice writes it
    once) and puts in the notebook a small frame that references it, so the notebook stays
    small and the graph is still there after saving and reopening. A static picture of the
    same layout goes with it, shown where a notebook viewer does not render HTML (an
    untrusted notebook, a code host's preview).

    Examples
    --------
    >>> import litgraph as lg, tempfile
    >>> view = lg.InteractiveGraph(lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]))),
    ...                            folder=tempfile.mkdtemp())
    >>> bundle = view._repr_mimebundle_()
    >>> sorted(bundle), bundle["text/html"].startswith("<iframe src=")
    (['image/png', 'text/html', 'text/plain'], True)
    """

    def __init__(self, analysis, *, folder=None, paper: str | None = None, community: int | None = None,
                 **kwargs) -> None:
        self.analysis = _require_analysis(analysis, "InteractiveGraph")
        self.kwargs = kwargs
        self.folder = Path(folder) if folder is not None else None
        self._html: str | None = None
        self.view = view_address(self.analysis, paper=paper, community=community)

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = graph_html(self.analysis, **{"height": "640px", **self.kwargs})
        return self._html

    def page_path(self) -> Path:
        """The page's file (written on first use), named by a hash of its content."""
        import hashlib

        folder = self.folder if self.folder is not None else Path("litgraph-views")
        path = folder / f"graph-{hashlib.sha256(self.html.encode('utf-8')).hexdigest()[:16]}.html"
        if not path.exists():
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                from ..exceptions import LitgraphError

                raise LitgraphError(f"{folder}: cannot create the folder for the notebook's graph pages "
                                    f"({exc.strerror}); pass folder= a writable folder.") from None
            from ._common import write_atomic

            write_atomic(path, lambda tmp: tmp.write_text(self.html, encoding="utf-8", newline="\n"))
        return path

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        import base64
        import tempfile

        import os

        path = self.page_path()
        rel = os.path.relpath(path.resolve(), Path.cwd())
        src = Path(rel).as_posix() if not rel.startswith("..") else path.resolve().as_uri()
        src += self.view
        frame = (f'<iframe src="{_html.escape(src, quote=True)}" style="width:100%;height:660px;'
                 f'border:1px solid #ddd" title="litgraph: {len(self.analysis.graph.corpus)} papers"></iframe>'
                 f'<div style="font-size:12px;color:#666">Interactive graph: '
                 f'<a href="{_html.escape(src, quote=True)}" target="_blank">{_html.escape(path.name)}</a></div>')
        from .formats import write_image

        with tempfile.TemporaryDirectory() as tmp:
            png = write_image(self.analysis, Path(tmp) / "graph.png", size=(7, 4.5), dpi=64, labels=8).read_bytes()
        g = self.analysis.graph
        text = (f"litgraph graph of {g.n_papers} papers, {self.analysis.n_communities} communities; "
                f"interactive page: {src}")
        return {"text/html": frame, "image/png": base64.b64encode(png).decode("ascii"), "text/plain": text}

    def save(self, path) -> Path:
        return write_html(self.analysis, path, **self.kwargs)
