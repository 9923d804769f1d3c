"""The notebooks run from a clean kernel, top to bottom, without error."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    (tmp_path / "outputs").mkdir()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors
    assert any((tmp_path / "outputs").iterdir())


@pytest.mark.browser
@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_graph_output_survives_saving_and_reopening(tmp_path):
    """Execute the quickstart, save it, read it back as a new session would, and render its graph output."""
    nb = nbformat.read(NOTEBOOKS[[p.stem for p in NOTEBOOKS].index("quickstart")], as_version=4)
    (tmp_path / "outputs").mkdir()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    saved = tmp_path / "quickstart.ipynb"
    nbformat.write(nb, saved)
    assert saved.stat().st_size < 400_000  # the page is referenced, not embedded in every output
    again = nbformat.read(saved, as_version=4)
    outputs = [o for c in again.cells if c.cell_type == "code" for o in c.outputs
               if o.get("data", {}).get("text/html", "").startswith("<iframe src=")]
    assert len(outputs) == 1 and "image/png" in outputs[0]["data"]  # a picture where HTML is not shown
    # re-render the saved output as a notebook front end does: its HTML in a page of the notebook's folder
    (tmp_path / "rendered.html").write_text("<!DOCTYPE html><html><body>" + outputs[0]["data"]["text/html"]
                                            + "</body></html>", encoding="utf-8")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"),
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-component-update", "--no-first-run", "--allow-file-access-from-files"])
        page = b.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((tmp_path / "rendered.html").as_uri())
        page.frame_locator("iframe").locator("body[data-ready='1']").wait_for(timeout=30_000)
        count = page.frame_locator("iframe").locator("body").evaluate("() => window.litgraph.data.papers.id.length")
        b.close()
    assert count == 339 and errors == []


def test_there_are_two_notebooks():
    assert {p.stem for p in NOTEBOOKS} == {"quickstart", "explore"}
