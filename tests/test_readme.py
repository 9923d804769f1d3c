"""The README's quickstart works when pasted, and its first lines hold the two commands CI proves."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_quickstart_runs_when_pasted(tmp_path):
    section = README.split("## Quickstart (Python)", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "README quickstart", "exec"), {})
    finally:
        os.chdir(cwd)
    assert (tmp_path / "graph.html").stat().st_size > 100_000


def test_api_tour_runs_when_pasted(tmp_path, sample_paths):
    section = README.split("## API tour", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    (tmp_path / "digests").mkdir()
    for p in sample_paths:  # the tour's own set-up line, done here without a shell
        shutil.copy(p, tmp_path / "digests" / p.name)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        namespace: dict = {}
        exec(compile(code, "README API tour", "exec"), namespace)
    finally:
        os.chdir(cwd)
    assert (tmp_path / "graph.html").exists() and (tmp_path / "graph.gexf").exists()
    assert len(namespace["ssm"]) >= 2 and (tmp_path / "litgraph.db").exists()


def test_the_layer_of_ones_own_runs_when_pasted():
    import json

    import litgraph as lg

    code = next(c for c in re.findall(r"```python\n(.*?)```", README, re.S) if "class SameFirstAuthor" in c)
    exec(compile(code, "README layer", "exec"), {})
    try:
        papers = [{"title": f"Paper {k} on state space models", "abstract": f"We study state space models, part {k}.",
                   "authors": [author, "B. Coauthor"]} for k, author in enumerate(["A. Gu", "T. Dao", "A. Gu"])]
        g = lg.build_graph(lg.parse_digest(json.dumps(papers), source="papers.json"))
        linked = g.edges_frame("first_author")  # the first and the third paper share their first author
        assert linked[["source", "target"]].values.tolist() == [[g.corpus.ids[0], g.corpus.ids[2]]]
        assert set(linked["evidence"]) == {"same first author"} and g.layer_weights["first_author"] == 0.5
    finally:
        lg.unregister_layer("first_author")


def test_first_lines_give_the_two_commands():
    first = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert first[0].startswith("pip install . && litgraph ")
    assert first[1] == "bash scripts/test.sh"
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci
