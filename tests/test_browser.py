"""The exported page in a real headless Chromium: offline, no errors, counts, toggles, search, inert hostile text."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

import litgraph as lg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/test.sh "
                                                          "installs it when run as root)")]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Visit:
    def __init__(self, browser, path):
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

        def dialog(d):
            self.dialogs.append(d.message)
            d.dismiss()

        self.page.on("dialog", dialog)
        self.page.goto(path.as_uri())
        self.page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)

    def js(self, expr):
        return self.page.evaluate(expr)

    @property
    def foreign(self):
        return [u for u in self.requests if not u.startswith("file:")]


@pytest.fixture(scope="module")
def analysis(sample_analysis):
    return sample_analysis


@pytest.fixture(scope="module")
def page(browser, analysis, tmp_path_factory):
    path = lg.write_html(analysis, tmp_path_factory.mktemp("html") / "graph.html")
    v = Visit(browser, path)
    yield v
    v.page.close()


def test_offline_and_no_errors(page):
    page.page.wait_for_timeout(500)
    assert page.foreign == [] and page.errors == []


def test_datasets_match_the_graph(page, analysis):
    assert page.js("window.litgraph.nodes.length") == analysis.graph.n_papers
    assert page.js("window.litgraph.edges.length") == len(analysis.graph.edges_frame())


def test_layer_toggle(page, analysis):
    e = analysis.graph.edges_frame()
    n_digest = int((e["kind"] == "digest").sum())
    shown = page.js("window.litgraph.visibleEdges.length")
    assert shown == len(e) - n_digest  # the digest layer starts hidden
    page.page.check("#layer-digest")
    assert page.js("window.litgraph.visibleEdges.length") == len(e)
    page.page.uncheck("#layer-similarity")
    assert page.js("window.litgraph.visibleEdges.length") == len(e) - int((e["kind"] == "similarity").sum())
    page.page.check("#layer-similarity")


def test_search_focuses_a_paper(page, analysis):
    target = next(p for p in analysis.graph.corpus if p.title.startswith("Probabilistic Concept Bottleneck"))
    page.page.fill("#search", "probabilistic concept bottleneck")
    page.page.press("#search", "Enter")
    assert page.js("window.litgraph.network.getSelectedNodes()") == [target.id]
    assert "Probabilistic Concept Bottleneck" in page.page.text_content("#search-result")
    page.page.fill("#search", "no such paper title at all")
    page.page.press("#search", "Enter")
    assert page.page.text_content("#search-result") == "No paper matches."


@pytest.mark.parametrize("query", ["constructor", "__proto__", "toString", "hasOwnProperty"])
def test_search_for_object_property_names_finds_nothing_quietly(page, query):
    before = list(page.errors)
    page.page.fill("#search", query)
    page.page.press("#search", "Enter")
    assert page.page.text_content("#search-result") == "No paper matches."
    assert page.js(f"window.litgraph.find({query!r})") is None
    assert page.errors == before


def test_legend_and_screenshot_not_blank(page, analysis, tmp_path):
    from PIL import Image

    assert page.page.locator(".legend-item").count() == len(analysis.communities_frame())
    assert analysis.label(0) in page.page.text_content("#legend")
    import os

    shot = tmp_path / "shot.png"
    page.page.screenshot(path=str(shot))
    if os.environ.get("LITGRAPH_DOCS_SCREENSHOT"):  # how docs/graph.png in the README is made
        import shutil

        shutil.copy(shot, os.environ["LITGRAPH_DOCS_SCREENSHOT"])
    img = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    canvas = img[:, 320:]
    assert canvas.std() > 10 and len(np.unique(canvas.reshape(-1, 3), axis=0)) > 50


def test_tooltip_shows_paper_fields(page, analysis):
    pid = analysis.graph.corpus.ids[0]
    text = page.js(f"window.litgraph.nodes.get({pid!r}).title.textContent")
    assert analysis.graph.corpus[pid].title in text and "community:" in text
    tip = page.js("window.litgraph.edges.get('e0').title.textContent")
    assert "weight" in tip


def test_hostile_title_stays_inert(browser, tmp_path):
    from litgraph.ingest._base import Source, make_digest
    from litgraph.model import Corpus, Record

    hostile = "<img src=x onerror=alert(1)>"
    recs = [Record(title=hostile, abstract="Graph neural networks. </script><script>alert(2)</script>", position=1,
                   links=("javascript:alert(3)",)),
            Record(title="Graph neural networks for molecules", abstract="We study graph neural networks.", position=2)]
    corpus = Corpus.from_records([(make_digest(Source(name="h", text="h"), "test"), recs)])
    res = lg.analyze(lg.build_graph(corpus, layers={"similarity": 1.0}, builders=[lg.SimilarityEdges(threshold=0.0)]),
                     min_community_size=1)
    v = Visit(browser, lg.write_html(res, tmp_path / "h.html"))
    v.page.fill("#search", "img src")
    v.page.press("#search", "Enter")
    v.page.wait_for_timeout(300)
    assert v.dialogs == [] and v.errors == [] and v.foreign == []
    assert v.js("document.querySelectorAll('img').length") == 0
    pid = corpus.ids[0]
    assert v.js(f"window.litgraph.nodes.get({pid!r}).title.querySelector('b').textContent") == hostile
    assert v.js(f"window.litgraph.nodes.get({pid!r}).title.querySelectorAll('a').length") == 0
    v.page.close()


def test_two_thousand_papers_render(browser, tmp_path):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from synth import synth_corpus

    res = lg.analyze(lg.build_graph(synth_corpus(2000)))
    path = lg.write_html(res, tmp_path / "big.html")
    v = Visit(browser, path)
    v.page.wait_for_timeout(200)
    assert v.js("window.litgraph.nodes.length") == 2000 and v.errors == [] and v.foreign == []
    assert v.js("window.litgraph.network.physics.options.enabled") is False  # positions come from Python
    v.page.close()
