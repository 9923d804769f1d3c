"""File exports: read every file back and compare; atomic writes; bad input."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import litgraph as lg
from litgraph.ingest._base import Source, make_digest
from litgraph.model import Corpus, Record

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def res(sample_analysis):
    return sample_analysis


def test_graphml_round_trip(res, tmp_path):
    path = lg.write_graphml(res, tmp_path / "g.graphml")
    g = nx.read_graphml(path)
    ref = res.graph.to_networkx()
    assert set(g.nodes) == set(ref.nodes) and g.number_of_edges() == ref.number_of_edges()
    pid = res.graph.corpus.ids[0]
    assert g.nodes[pid]["title"] == res.graph.corpus[pid].title
    assert g.nodes[pid]["community"] == int(res.membership[0])
    assert g.nodes[pid]["pagerank"] == pytest.approx(res.centrality["pagerank"].iloc[0])
    u, v, d = next(iter(ref.edges(data=True)))
    assert g[u][v]["weight"] == pytest.approx(d["weight"]) and g[u][v]["kinds"] == d["kinds"]
    import igraph as ig

    ig_g = ig.Graph.Read_GraphML(str(path))
    assert ig_g.vcount() == 339 and ig_g.ecount() == ref.number_of_edges()
    # per-layer weights of 0 are left to the GraphML <default>, and both readers give them back
    text = path.read_text(encoding="utf-8")
    assert "<default>0.0</default>" in text and '<data key="e_w_citation">' not in text
    assert g.graph["edge_default"]["w_citation"] == 0.0  # networkx keeps the default beside the graph
    assert set(ig_g.es["w_citation"]) == {0.0}  # igraph fills it in


def test_gexf_round_trip(res, tmp_path):
    g = nx.read_gexf(lg.write_gexf(res, tmp_path / "g.gexf"))
    assert g.number_of_nodes() == 339 and g.number_of_edges() == res.graph.n_edges
    pid = res.graph.corpus.ids[5]
    assert g.nodes[pid]["label"] == res.graph.corpus[pid].title
    assert g.nodes[pid]["community_label"] == res.label(int(res.membership[5]))


def test_json_round_trip(res, tmp_path):
    data = json.loads(lg.write_json(res, tmp_path / "g.json").read_text(encoding="utf-8"))
    g = nx.node_link_graph(data, edges="edges")
    assert g.number_of_nodes() == 339 and g.number_of_edges() == res.graph.n_edges
    assert all("w_similarity" in d for _, _, d in g.edges(data=True))


def test_csv_round_trip(res, tmp_path):
    nodes_path, edges_path = lg.write_csv(res, tmp_path / "nodes.csv")
    assert edges_path.name == "edges.csv"
    nodes = pd.read_csv(nodes_path, dtype={"Id": str})
    edges = pd.read_csv(edges_path)
    assert len(nodes) == 339 and set(nodes["Id"]) == set(res.graph.corpus.ids)
    assert len(edges) == len(res.graph.edges_frame())
    assert {"Source", "Target", "Type", "Kind", "Weight", "evidence"} <= set(edges.columns)
    assert np.allclose(edges["Weight"], res.graph.edges_frame()["weight"])


def test_graph_without_analysis_exports_too(res, tmp_path):
    g = nx.read_graphml(lg.write_graphml(res.graph, tmp_path / "plain.graphml"))
    assert g.number_of_nodes() == 339 and "community" not in g.nodes[res.graph.corpus.ids[0]]


def test_static_pictures(res, tmp_path):
    from PIL import Image

    png = lg.write_image(res, tmp_path / "g.png")
    img = np.asarray(Image.open(png).convert("L"), dtype=float)
    assert img.std() > 5  # not blank
    svg = lg.write_image(res, tmp_path / "g.svg")
    assert ET.parse(svg).getroot().tag.endswith("svg")


def test_export_graph_dispatches_on_ending(res, tmp_path):
    for name in ("a.html", "a.graphml", "a.gexf", "a.json", "a.png"):
        assert (lg.export_graph(res, tmp_path / name)).exists()
    with pytest.raises(lg.InvalidParameterError, match="must end in one of"):
        lg.export_graph(res, tmp_path / "a.docx")


def test_same_input_same_bytes(sample_corpus, tmp_path):
    files = {}
    for run in (1, 2):
        r = lg.analyze(lg.build_graph(sample_corpus, seed=3), seed=3)
        for name in ("g.html", "g.graphml", "g.json", "g.svg"):
            files.setdefault(name, []).append(lg.export_graph(r, tmp_path / f"{run}{name}").read_bytes())
    for name, (a, b) in files.items():
        assert a == b, name


def test_html_is_self_contained_utf8(res, tmp_path):
    page = lg.write_html(res, tmp_path / "g.html").read_text(encoding="utf-8")
    assert "vis.Network" in page and "<script src" not in page and "<link" not in page
    assert not re.search(r"(src|href)=\"https?://", page)
    code = re.sub(r'<script type="application/json" id="litgraph-data">.*?</script>', "", page, flags=re.S)
    assert "cdn.jsdelivr" not in code and "unpkg.com" not in code and "bootstrap" not in code.lower()


def _hostile_analysis():
    recs = [Record(title=HOSTILE, abstract="A paper about graph neural networks. </script><script>alert(2)</script>",
                   position=1, links=("javascript:alert(3)",)),
            Record(title="Graph neural networks for molecules", abstract="We study graph neural networks.",
                   position=2)]
    corpus = Corpus.from_records([(make_digest(Source(name="h", text="h"), "test"), recs)])
    return lg.analyze(lg.build_graph(corpus, layers={"similarity": 1.0},
                                     builders=[lg.edges.SimilarityEdges(threshold=0.0)]), min_community_size=1)


def test_hostile_text_is_data_not_markup(tmp_path):
    page = lg.write_html(_hostile_analysis(), tmp_path / "h.html").read_text(encoding="utf-8")
    assert "<img src=x" not in page and "</script><script>alert(2)" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page


def test_notebook_display_references_one_file(res, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    view = lg.InteractiveGraph(res)
    bundle = view._repr_mimebundle_()
    pages = list((tmp_path / "litgraph-views").glob("graph-*.html"))
    assert len(pages) == 1 and pages[0].read_text(encoding="utf-8") == view.html and "vis.Network" in view.html
    assert f'src="litgraph-views/{pages[0].name}"' in bundle["text/html"] and len(bundle["text/html"]) < 1000
    import base64

    assert base64.b64decode(bundle["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    lg.InteractiveGraph(res)._repr_mimebundle_()  # the same graph again: the same file, written once
    assert list((tmp_path / "litgraph-views").glob("graph-*.html")) == pages


def test_a_notebook_view_opens_on_a_paper_or_a_community(res, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    pid = res.graph.corpus.ids[3]
    frame = lg.InteractiveGraph(res, paper=pid)._repr_mimebundle_()["text/html"]
    assert f'.html#paper={pid}"' in frame
    assert '.html#community=2"' in lg.InteractiveGraph(res, community=2)._repr_mimebundle_()["text/html"]
    from litgraph.export.html import view_address

    assert view_address(res, paper=pid) == f"#paper={pid}"
    with pytest.raises(lg.InvalidParameterError, match="No paper 'nope' in this graph"):
        lg.InteractiveGraph(res, paper="nope")
    with pytest.raises(lg.InvalidParameterError, match="No community 99"):
        lg.InteractiveGraph(res, community=99)
    with pytest.raises(lg.InvalidParameterError, match="not both"):
        lg.InteractiveGraph(res, paper=pid, community=0)


def test_bad_output_paths(res, tmp_path):
    with pytest.raises(lg.LitgraphError, match="does not exist"):
        lg.write_html(res, tmp_path / "missing" / "g.html")
    (tmp_path / "file").write_text("x")
    with pytest.raises(lg.LitgraphError, match="does not exist"):
        lg.write_graphml(res, tmp_path / "file" / "g.graphml")
    with pytest.raises(lg.InvalidParameterError, match="must end in .html"):
        lg.write_html(res, tmp_path / "g.txt")
    (tmp_path / "dir.html").mkdir()
    with pytest.raises(lg.LitgraphError, match="is a folder"):
        lg.write_html(res, tmp_path / "dir.html")


def test_bad_parameters(res, tmp_path):
    with pytest.raises(lg.InvalidParameterError, match="'size_by' parameter of write_html"):
        lg.write_html(res, tmp_path / "g.html", size_by="fame")
    with pytest.raises(lg.InvalidParameterError, match="'max_nodes'"):
        lg.write_html(res, tmp_path / "g.html", max_nodes=0)
    with pytest.raises(lg.NotFittedError, match="lg.analyze"):
        lg.write_html(res.graph, tmp_path / "g.html")
    with pytest.raises(lg.InvalidParameterError):
        lg.write_graphml("not a graph", tmp_path / "g.graphml")


def test_failed_write_leaves_no_file(res, tmp_path, monkeypatch):
    target = tmp_path / "g.graphml"
    target.write_text("previous")

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    from litgraph.export import formats

    monkeypatch.setattr(formats, "write_graphml_frames", boom)
    with pytest.raises(lg.LitgraphError, match="could not be written.*No space left"):
        lg.write_graphml(res, target)
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]


def test_a_page_capped_in_papers_holds_the_best_and_says_so(res):
    page = lg.export.graph_html(res, max_nodes=50, max_papers=120)
    data = json.loads(re.search(r'id="litgraph-data">(.*?)</script>', page, re.S).group(1))
    papers = data["papers"]
    assert len(papers["id"]) == 120 and "holds the 120 papers with the highest pagerank of 339" in data["leftOut"]
    pr = res.centrality["pagerank"].to_numpy()
    ranks = res.papers_frame().set_index("id").loc[res.graph.corpus.ids, "rank"].to_numpy()
    assert set(papers["id"]) == {res.graph.corpus.ids[i] for i in np.lexsort((ranks, -pr))[:120]}
    n = len(papers["id"])
    assert all(0 <= j < n for links in papers["nb"] for j in links)  # links point inside the page
    assert data["maxNodes"] == 50
    full = json.loads(re.search(r'id="litgraph-data">(.*?)</script>', lg.export.graph_html(res), re.S).group(1))
    assert full["leftOut"] == "" and len(full["papers"]["id"]) == 339


def test_page_size_follows_its_budget(res):
    from litgraph.export._page import page_budget

    data = json.loads(re.search(r'id="litgraph-data">(.*?)</script>', lg.export.graph_html(res), re.S).group(1))
    chars, links = page_budget(339)
    assert max(len(e) for e in data["papers"]["excerpt"]) <= chars
    assert max(len(n) for n in data["papers"]["nb"]) == links
    assert all(c["label"] == res.label(c["community"]) for c in data["communities"])


def test_the_map_picture_is_deterministic_and_says_when_there_is_nothing_to_draw(res, tmp_path):
    from PIL import Image

    from litgraph.export import write_map_image

    a = write_map_image(res, tmp_path / "a.png")
    b = write_map_image(res, tmp_path / "b.png")
    assert a.read_bytes() == b.read_bytes()
    img = np.asarray(Image.open(a).convert("RGB"), dtype=float)
    assert img.shape == (750, 1200, 3) and img.std() > 10  # discs and labels, not a blank picture
    empty = lg.analyze(res.graph, min_community_size=10_000)
    with pytest.raises(lg.EmptyGraphError, match="no community to draw on a map"):
        write_map_image(empty, tmp_path / "c.png")
    with pytest.raises(lg.LitgraphError, match=r"\.png"):
        write_map_image(res, tmp_path / "c.jpg")
