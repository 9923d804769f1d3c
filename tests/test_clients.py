"""Every graph file read back by the client libraries people open it with, types and values compared."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import litgraph as lg

JS = Path(__file__).parent / "js"
XSD = Path(__file__).parent / "data" / "gexf" / "gexf-1.2draft.xsd"


@pytest.fixture(scope="module")
def res(sample_analysis):
    return sample_analysis


@pytest.fixture(scope="module")
def files(res, tmp_path_factory):
    out = tmp_path_factory.mktemp("clients")
    nodes, edges = lg.write_csv(res, out / "nodes.csv")
    return {"graphml": lg.write_graphml(res, out / "g.graphml"), "gexf": lg.write_gexf(res, out / "g.gexf"),
            "json": lg.write_json(res, out / "g.json"), "nodes": nodes, "edges": edges}


def _paper(res, i=5):
    return res.graph.corpus[res.graph.corpus.ids[i]]


def test_graphml_in_networkx_keeps_types_and_labels(res, files):
    g = nx.read_graphml(files["graphml"])
    p = _paper(res)
    d = g.nodes[p.id]
    assert d["label"] == p.title and d["name"] == p.id
    assert d["community_label"] == res.label(int(res.membership[5])) and d["community"] == int(res.membership[5])
    assert isinstance(d["degree"], int) and isinstance(d["pagerank"], float) and isinstance(d["x"], float)
    with_votes = [q for q in res.graph.corpus if q.upvotes is not None]
    without = [q for q in res.graph.corpus if q.upvotes is None]
    assert with_votes and without
    assert g.nodes[with_votes[0].id]["upvotes"] == with_votes[0].upvotes
    assert "upvotes" not in g.nodes[without[0].id]  # unknown is missing, never -1


def test_graphml_in_igraph_names_vertices_by_paper_id(res, files):
    import igraph as ig

    g = ig.Graph.Read_GraphML(str(files["graphml"]))
    assert g.vs["name"] == res.graph.corpus.ids
    assert g.vs["label"] == [p.title for p in res.graph.corpus]
    v = g.vs.find(name=_paper(res).id)
    assert v["community"] == float(res.membership[5])  # igraph reads numbers as floats
    assert 0 <= v["r"] <= 255 and isinstance(v["x"], float)


def test_gexf_is_valid_against_the_schema(files):
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(etree.parse(str(files["gexf"]))), schema.error_log.last_error


def test_gexf_in_networkx_has_titles_positions_colours_sizes(res, files):
    g = nx.read_gexf(files["gexf"])
    assert g.number_of_nodes() == 339 and g.number_of_edges() == res.graph.n_edges
    p = _paper(res)
    d = g.nodes[p.id]
    assert d["label"] == p.title and d["community"] == int(res.membership[5])
    assert isinstance(d["degree"], int) and isinstance(d["pagerank"], float)
    viz = d["viz"]
    assert set(viz) >= {"position", "color", "size"} and viz["size"] > 0
    from litgraph.export._common import community_color

    hexa = community_color(int(res.membership[5]))
    assert (viz["color"]["r"], viz["color"]["g"], viz["color"]["b"]) == tuple(int(hexa[k:k + 2], 16) for k in (1, 3, 5))
    positions = np.array([[g.nodes[n]["viz"]["position"]["x"], g.nodes[n]["viz"]["position"]["y"]] for n in g])
    assert np.isfinite(positions).all() and len(np.unique(positions, axis=0)) > 300


@pytest.mark.skipif(shutil.which("node") is None or not (JS / "node_modules" / "graphology-gexf").is_dir(),
                    reason="node.js or tests/js/node_modules missing (scripts/test.sh installs them with npm)")
def test_gexf_in_graphology_draws_with_sigma(res, files):
    out = subprocess.run(["node", str(JS / "read_gexf.js"), str(files["gexf"])], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["order"] == 339 and data["size"] == res.graph.n_edges and data["type"] == "undirected"
    for p in res.graph.corpus:
        a = data["nodes"][p.id]
        # sigma.js needs numeric x and y on every node; label, size and colour are what it draws
        assert isinstance(a["x"], (int, float)) and isinstance(a["y"], (int, float)), p.id
        assert a["label"] == p.title and a["size"] > 0 and a["color"].startswith("rgb(")
        assert isinstance(a["community"], int) and isinstance(a["pagerank"], float)
    assert isinstance(data["edge"]["weight"], float)


def test_csv_in_pandas_with_gephi_columns(res, files):
    nodes = pd.read_csv(files["nodes"], dtype={"Id": str})
    edges = pd.read_csv(files["edges"], dtype={"Source": str, "Target": str})
    assert list(nodes.columns[:2]) == ["Id", "Label"] and list(edges.columns[:4]) == ["Source", "Target", "Type",
                                                                                     "Weight"]
    assert nodes["Id"].tolist() == res.graph.corpus.ids  # ids survive when read as text, as documented
    assert nodes["Label"].tolist() == [p.title for p in res.graph.corpus]
    assert set(edges["Type"]) <= {"Undirected", "Directed"} and edges["Weight"].dtype == float
    assert set(edges["Source"]) | set(edges["Target"]) <= set(nodes["Id"])
    votes = {p.id: p.upvotes for p in res.graph.corpus}
    got = dict(zip(nodes["Id"], nodes["upvotes"]))
    assert all((np.isnan(got[k]) if v is None else got[k] == v) for k, v in votes.items())  # empty, never -1
    assert (nodes["upvotes"].dropna() >= 0).all()


def test_csv_arxiv_ids_survive_as_text(tmp_path):
    corpus = lg.parse_digest('[{"id": "2401.10010", "title": "A paper on graphs", "abstract": "Graphs and nodes."},'
                             ' {"id": "2401.10020", "title": "Another on graphs", "abstract": "Graphs, nodes."}]')
    res = lg.analyze(lg.build_graph(corpus))
    nodes, edges = lg.write_csv(res, tmp_path / "nodes.csv")
    assert pd.read_csv(nodes, dtype={"Id": str})["Id"].tolist() == ["2401.10010", "2401.10020"]
    assert pd.read_csv(edges, dtype={"Source": str})["Source"].iloc[0] == "2401.10010"


def test_json_in_networkx(res, files):
    g = nx.node_link_graph(json.loads(files["json"].read_text(encoding="utf-8")), edges="edges")
    p = _paper(res)
    assert g.nodes[p.id]["label"] == p.title and isinstance(g.nodes[p.id]["community"], int)
    assert "x" in g.nodes[p.id] and "upvotes" not in g.nodes[[q for q in res.graph.corpus if q.upvotes is None][0].id]


def test_abstracts_can_be_left_out(res, files, tmp_path):
    small = {"graphml": lg.write_graphml(res, tmp_path / "s.graphml", abstracts=False),
             "gexf": lg.write_gexf(res, tmp_path / "s.gexf", abstracts=False),
             "json": lg.write_json(res, tmp_path / "s.json", abstracts=False)}
    nodes, _ = lg.write_csv(res, tmp_path / "nodes.csv", abstracts=False)
    pid = res.graph.corpus.ids[0]
    assert "abstract" not in nx.read_graphml(small["graphml"]).nodes[pid]
    assert "abstract" not in nx.read_gexf(small["gexf"]).nodes[pid]
    assert "abstract" not in pd.read_csv(nodes, dtype={"Id": str}).columns
    text = sum(len(p.abstract.encode("utf-8")) for p in res.graph.corpus)
    for kind, path in small.items():  # the abstracts' bytes are gone (give or take escaping)
        assert files[kind].stat().st_size - path.stat().st_size >= 0.9 * text, kind
    with pytest.raises(lg.InvalidParameterError, match="'abstracts'"):
        lg.write_gexf(res, tmp_path / "x.gexf", abstracts="no")


def test_files_can_take_the_drawing_of_the_page(res, tmp_path):
    """A report writes its page and its graph files with one drawing, so they show papers in the same place."""
    from litgraph.export import stable_positions

    where = {pid: (float(i), -float(i)) for i, pid in enumerate(res.graph.corpus.ids)}
    assert stable_positions(res) != where
    g = nx.read_gexf(lg.write_gexf(res, tmp_path / "p.gexf", positions=where))
    pid = res.graph.corpus.ids[7]
    assert (g.nodes[pid]["viz"]["position"]["x"], g.nodes[pid]["viz"]["position"]["y"]) == (7.0, -7.0)
    assert nx.read_graphml(lg.write_graphml(res, tmp_path / "p.graphml", positions=where)).nodes[pid]["x"] == 7.0
    nodes, _ = lg.write_csv(res, tmp_path / "nodes.csv", positions=where)
    assert pd.read_csv(nodes, dtype={"Id": str}).set_index("Id").loc[pid, "y"] == -7.0
    with pytest.raises(lg.InvalidParameterError, match="'positions' parameter of write_gexf has no position"):
        lg.write_gexf(res, tmp_path / "q.gexf", positions={pid: (0.0, 0.0)})
