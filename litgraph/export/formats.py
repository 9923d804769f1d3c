"""File exports: GraphML, GEXF, node-link JSON, nodes/edges CSV, and a static PNG/SVG picture.

Every writer checks its output path first, writes to a temporary file and renames it,
so a failure never leaves a half-written file. Attributes are flattened to what each
format allows: lists become ``"; "``-joined text and missing values are left out
(GraphML, GEXF) or empty (CSV).
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..exceptions import InvalidParameterError
from .._text import strip_control
from ._gexf import write_gexf_frames
from ._graphml import write_graphml_frames
from ._common import (LAYER_STYLE, check_out_path, check_positions, community_color, csv_safe, layout, node_table,
                      positions, write_atomic)

__all__ = ["export_graph", "write_graphml", "write_gexf", "write_json", "write_csv", "write_image", "WRITERS"]


def _split(obj):
    """(graph, analysis or None) from a PaperGraph or an Analysis."""
    from ..analysis import Analysis
    from ..graph import PaperGraph

    if isinstance(obj, Analysis):
        return obj.graph, obj
    if isinstance(obj, PaperGraph):
        return obj, None
    if hasattr(obj, "analysis_"):
        return obj.analysis_.graph, obj.analysis_
    raise InvalidParameterError(f"Exports take a PaperGraph (lg.build_graph) or an Analysis (lg.analyze). "
                                f"Got {type(obj).__name__}.")


def _flat_graph(obj, abstracts: bool = True, where=None) -> nx.Graph:
    """The combined graph with flat, typed attributes (str, int, float) only."""
    graph, analysis = _split(obj)
    g = graph.to_networkx()
    if analysis is not None:
        for row, at in zip(node_table(analysis), positions(analysis, where)):
            g.nodes[row["id"]].update({k: v for k, v in row.items() if k != "id"}, **at)
    if not abstracts:
        for _, d in g.nodes(data=True):
            d.pop("abstract", None)
    for d in [d for _, d in g.nodes(data=True)] + [d for *_, d in g.edges(data=True)]:
        for k in list(d):
            if d[k] is None:
                del d[k]
            elif isinstance(d[k], str):
                d[k] = strip_control(d[k])  # control characters are not allowed in XML 1.0
    g.graph = {k: strip_control(str(v)) for k, v in g.graph.items()}
    return g


def _nodes(graph, analysis, abstracts: bool = True, where=None) -> pd.DataFrame:
    """The node table of the file exports: ``id``, ``name`` (the id again, for igraph), ``label`` (the
    title) and the attributes; with an analysis also where and how the view draws each paper."""
    if analysis is not None:
        nodes = pd.concat([pd.DataFrame(node_table(analysis)), pd.DataFrame(positions(analysis, where))], axis=1)
    else:
        nodes = pd.DataFrame([{"id": k, **a} for k, a in graph._node_attrs().items()])
        nodes.insert(1, "label", nodes["title"])
    nodes.insert(1, "name", nodes["id"])
    if "upvotes" in nodes:
        nodes["upvotes"] = nodes["upvotes"].astype("Int64")  # unknown stays missing, known stays an integer
    if not abstracts:
        nodes = nodes.drop(columns=["abstract"], errors="ignore")
    return nodes


def _where(where, analysis, owner: str):
    """Checked ``positions`` for a file export (they need an analysis to place papers)."""
    if where is None or analysis is None:
        return None
    return check_positions(where, analysis, owner)


def _check_abstracts(value, owner: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidParameterError(f"The 'abstracts' parameter of {owner} must be True or False. Got {value!r}.")
    return value


def write_graphml(obj, path, *, abstracts: bool = True, positions=None) -> Path:
    """GraphML (opens in Gephi, Cytoscape, yEd); node and edge attributes typed.

    Each node carries ``name`` (its id: igraph's ``Read_GraphML`` names vertices by it),
    ``label`` (the title, which Gephi shows), ``community`` and ``community_label``, and with
    an analysis ``x``, ``y``, ``size`` and ``r``, ``g``, ``b``, which Gephi's importer takes as
    the position, size and colour. igraph reads every number as a float (its attributes are
    doubles); networkx keeps integers.

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> import networkx as nx
    >>> nx.read_graphml(lg.write_graphml(res, out / "g.graphml")).number_of_nodes()
    66
    """
    p = check_out_path(path, (".graphml",), "write_graphml")
    graph, analysis = _split(obj)
    nodes = _nodes(graph, analysis, _check_abstracts(abstracts, "write_graphml"),
                   _where(positions, analysis, "write_graphml")).drop(columns=["color"], errors="ignore")
    wcols = [f"w_{k}" for k in graph.layer_weights]
    edges = _pair_table(graph)
    attrs = {"layers": ",".join(f"{k}={w}" for k, w in graph.layer_weights.items()), "seed": str(graph.seed)}
    defaults = {k: 0.0 for k in wcols}  # a layer that does not link the pair
    return write_atomic(p, lambda tmp: write_graphml_frames(tmp, nodes, edges, graph_attrs=attrs,
                                                            edge_defaults=defaults))


def write_gexf(obj, path, *, abstracts: bool = True, positions=None) -> Path:
    """GEXF 1.2 (Gephi's own format; Gephi Lite and sigma.js read it through graphology-gexf).

    Node labels are titles; with an analysis every node has its ``viz`` position, colour and
    size (the HTML view's), so the file opens drawn. Attributes are typed and declared once.

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> lg.write_gexf(res, out / "g.gexf").suffix
    '.gexf'
    """
    p = check_out_path(path, (".gexf",), "write_gexf")
    graph, analysis = _split(obj)
    nodes = _nodes(graph, analysis, _check_abstracts(abstracts, "write_gexf"), _where(positions, analysis, "write_gexf"))
    viz = nodes[["x", "y", "size", "r", "g", "b"]] if analysis is not None else None
    nodes = nodes.drop(columns=["name", "x", "y", "size", "r", "g", "b", "color"], errors="ignore")
    edges = _pair_table(graph)
    from .._version import __version__

    desc = f"litgraph paper graph; layers {', '.join(f'{k}={w}' for k, w in graph.layer_weights.items())}"
    return write_atomic(p, lambda tmp: write_gexf_frames(tmp, nodes, edges, creator=f"litgraph {__version__}",
                                                         description=desc, viz=viz))


def _pair_table(graph) -> pd.DataFrame:
    """One row per linked pair: combined weight, each layer's weight, kinds, direction, concepts, evidence."""
    pairs = graph.pairs_frame()
    wcols = [f"w_{k}" for k in graph.layer_weights]
    edges = pairs[["source", "target", "weight", *wcols, "kinds", "direction", "concepts", "evidence"]].copy()
    for c in ("weight", *wcols):
        edges[c] = edges[c].astype(float)
    return edges


def write_json(obj, path, *, abstracts: bool = True, positions=None) -> Path:
    """Node-link JSON (``nodes``, ``edges``, ``graph``), as read by ``networkx.node_link_graph(data, edges="edges")``.

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> import json
    >>> sorted(json.loads(lg.write_json(res, out / "g.json").read_text()))[:2]
    ['directed', 'edges']
    """
    p = check_out_path(path, (".json",), "write_json")
    flat = _flat_graph(obj, _check_abstracts(abstracts, "write_json"), _where(positions, _split(obj)[1], "write_json"))
    data = nx.node_link_data(flat, edges="edges")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return write_atomic(p, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))


def write_csv(obj, path, *, abstracts: bool = True, positions=None) -> tuple[Path, Path]:
    """``<stem>.nodes.csv``-style pair: give a path ending in ``.csv``; nodes and edges are written beside it.

    ``path`` names the nodes file (e.g. ``nodes.csv``); the edges go to ``edges.csv`` in the
    same folder when the stem is ``nodes``, else to ``<stem>.edges.csv``. The columns Gephi's
    spreadsheet import looks for come first: ``Id`` and ``Label`` (the title) for nodes;
    ``Source``, ``Target``, ``Type`` (``Undirected`` or ``Directed``) and ``Weight`` for
    edges, which are the per-layer edges (``Kind``) with their evidence. A value the input
    does not have is an empty cell. Paper ids such as ``2401.10010`` look like numbers: read
    them as text (``pd.read_csv(path, dtype={"Id": str})``, or as a text column in a
    spreadsheet's import dialog) or they lose their trailing zeros. A text cell that starts
    with ``= + - @`` gets a leading ``'`` so that spreadsheets never run it as a formula
    (OWASP's advice on CSV injection).

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in lg.write_csv(res, out / "nodes.csv")]
    ['nodes.csv', 'edges.csv']
    """
    p = check_out_path(path, (".csv",), "write_csv")
    graph, analysis = _split(obj)
    nodes = _nodes(graph, analysis, _check_abstracts(abstracts, "write_csv"), _where(positions, analysis, "write_csv"))
    nodes = nodes.drop(columns=["name", "r", "g", "b"], errors="ignore").rename(columns={"id": "Id", "label": "Label"})
    edges = graph.edges_frame()
    edges["concepts"] = edges["concepts"].map(lambda t: "; ".join(t or ()))
    edges["digests"] = edges["digests"].map(lambda t: "; ".join(t or ()))
    edges.insert(2, "Type", np.where(edges["directed"].to_numpy(bool), "Directed", "Undirected"))
    edges = edges.drop(columns=["directed"]).rename(columns={"source": "Source", "target": "Target",
                                                             "weight": "Weight", "kind": "Kind"})
    edges = edges[["Source", "Target", "Type", "Weight", "Kind", *[c for c in edges.columns if c not in (
        "Source", "Target", "Type", "Weight", "Kind")]]]
    edge_path = p.with_name("edges.csv") if p.stem == "nodes" else p.with_name(f"{p.stem}.edges.csv")
    nodes, edges = csv_safe(nodes), csv_safe(edges)
    write_atomic(p, lambda tmp: nodes.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))
    write_atomic(edge_path, lambda tmp: edges.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n"))
    return p, edge_path


def write_image(obj, path, *, seed: int | None = None, size: tuple[float, float] = (10, 8), dpi: int = 150,
                labels: int = 15) -> Path:
    """A static picture (PNG or SVG, by the ending) of the same layout as the HTML, with matplotlib.

    Papers coloured by community and sized by PageRank (when an analysis is given), links
    drawn per layer; the ``labels`` highest-ranked papers are named.

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> lg.write_image(res, out / "g.svg").stat().st_size > 0
    True
    """
    p = check_out_path(path, (".png", ".svg"), "write_image")
    graph, analysis = _split(obj)
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    seed = (analysis.params["seed"] if analysis is not None else graph.seed) if seed is None else seed
    pos = layout(graph, int(seed), membership=analysis.membership if analysis is not None else None,
                 subtopics=analysis.subtopic_membership if analysis is not None else None)
    index = graph.corpus.index_of
    with matplotlib.rc_context({"svg.hashsalt": "litgraph", "svg.fonttype": "none"}):
        fig = _draw(graph, analysis, pos, index, size, labels)
        fmt = p.suffix.lower().lstrip(".")

        def save(tmp: Path) -> None:
            meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
            fig.savefig(tmp, format=fmt, dpi=dpi, metadata=meta)

        try:
            return write_atomic(p, save)
        finally:
            plt.close(fig)


def _draw(graph, analysis, pos, index, size, labels):
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.collections import LineCollection

    fig, ax = plt.subplots(figsize=size)
    e = graph.edge_table()
    for kind, part in e.groupby("kind", sort=True):
        s, t = part["src"].to_numpy(), part["dst"].to_numpy()
        w = part["weight"].to_numpy()
        segs = np.stack([pos[s], pos[t]], axis=1)

        ax.add_collection(LineCollection(segs, colors=LAYER_STYLE[kind]["color"], alpha=0.25,
                                         linewidths=0.3 + 1.5 * w / (w.max() or 1), label=LAYER_STYLE[kind]["label"],
                                         linestyles="dashed" if LAYER_STYLE[kind]["dashes"] else "solid", zorder=1))
    if analysis is not None:
        colors = [community_color(int(c)) for c in analysis.membership]
        pr = analysis.centrality["pagerank"].to_numpy()
        sizes = 10 + 200 * np.sqrt(pr / (pr.max() or 1))
        ranks = analysis.papers_frame().set_index("id")["rank"]
        named = set(ranks[ranks <= labels].index)
    else:
        colors, sizes, named = "#4e79a7", 20, set()
    ax.scatter(pos[:, 0], pos[:, 1], s=sizes, c=colors, edgecolors="white", linewidths=0.4, zorder=2)
    for pid in sorted(named, key=lambda x: index[x]):
        i = index[pid]
        t = graph.corpus[pid].title
        ax.annotate(t if len(t) <= 40 else t[:38] + "…", pos[i], fontsize=6, zorder=3, xytext=(3, 3),
                    textcoords="offset points")
    ax.set_axis_off()
    ax.autoscale()
    if len(e):
        ax.legend(loc="lower left", fontsize=7, frameon=False)
    fig.tight_layout()
    return fig


#: Writer of each file ending.
#: The writer of each file ending that :func:`export_graph` takes.
WRITERS = {".html": None, ".graphml": write_graphml, ".gexf": write_gexf, ".json": write_json, ".csv": write_csv,
           ".png": write_image, ".svg": write_image}


def export_graph(obj, path, **kwargs):
    """Write ``obj`` in the format its path's ending names (.html, .graphml, .gexf, .json, .csv, .png, .svg).

    ``abstracts=False`` leaves the abstracts out of GraphML, GEXF, JSON and CSV files
    (they are most of a large graph file's size); ``positions`` (paper id -> (x, y), see
    :func:`~litgraph.export.stable_positions`) places the papers as a drawing already did.

    Examples
    --------
    >>> import litgraph as lg, tempfile, pathlib
    >>> res = lg.analyze(lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0), seed=0)
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> lg.export_graph(res, out / "g.png").suffix
    '.png'
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".html":
        from .html import write_html

        return write_html(obj, path, **kwargs)
    if suffix not in WRITERS:
        raise InvalidParameterError(f"The 'path' parameter of export_graph must end in one of "
                                    f"{', '.join(WRITERS)}. Got {str(path)!r} instead.")
    return WRITERS[suffix](obj, path, **kwargs)
