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
    # the whole-graph view of a large graph draws each paper's strongest links; a community's view draws all of its
    assert 0 < v.js("window.litgraph.edges.length") <= 2000 * 6
    assert v.js("window.litgraph.edges.get().every(function (e) { return window.litgraph.data.edges["
                "Number(e.id.slice(1))][7] === 1; })")
    assert v.js("window.litgraph.network.physics.options.enabled") is False  # positions come from Python
    v.page.close()


def _click_node(v, node_id):
    """A real mouse click on a node where the canvas draws it (zoomed in on it, so no other node is under it)."""
    box = v.page.locator("#graph canvas").bounding_box()
    for _ in range(20):  # the page may still be fitting its first view: focus until the node sits in the middle
        v.js(f"window.litgraph.network.focus({node_id!r}, {{scale: 4, animation: false}})")
        v.page.wait_for_timeout(50)
        xy = v.js(f"(function () {{ var n = window.litgraph.network; var p = n.getPositions([{node_id!r}])"
                  f"[{node_id!r}]; return n.canvasToDOM(p); }})()")
        if abs(xy["x"] - box["width"] / 2) < 5 and abs(xy["y"] - box["height"] / 2) < 5:
            break
    assert v.js(f"window.litgraph.network.getNodeAt({{x: {xy['x']}, y: {xy['y']}}})") == node_id
    v.page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])
    v.page.wait_for_timeout(50)
    v.page.mouse.down()
    v.page.wait_for_timeout(30)
    v.page.mouse.up()
    v.page.wait_for_timeout(100)


def test_clicking_a_paper_opens_its_panel(page, analysis):
    p = next(q for q in analysis.graph.corpus if q.links)
    _click_node(page, p.id)
    panel = page.page.locator("#panel")
    assert panel.is_visible()
    text = panel.text_content()
    assert p.title in text and p.abstract[:80] in text and analysis.label(analysis.community_of(p.id)) in text
    assert "Strongest links" in text
    nb = analysis.graph.neighbors(p.id, 1)
    assert nb["title"].iloc[0] in text  # the strongest neighbour, and why: its kinds of link
    links = panel.locator("a")
    hrefs = [links.nth(k).get_attribute("href") for k in range(links.count())]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    # the links can be clicked: nothing covers them and pointer events reach them
    first = links.nth(0)
    assert page.js("getComputedStyle(document.querySelector('#panel a')).pointerEvents") != "none"
    b = first.bounding_box()
    hit = page.js(f"document.elementFromPoint({b['x'] + b['width'] / 2}, {b['y'] + b['height'] / 2}).tagName")
    assert hit == "A" and page.foreign == []


def test_search_lists_every_match(page, analysis):
    query = "learning"
    expected = [p for p in analysis.graph.corpus if query in p.title.lower()]
    assert len(expected) > 5
    page.page.fill("#search", query)
    page.page.press("#search", "Enter")
    items = page.page.locator("#search-list li")
    assert items.count() == len(expected)
    assert {items.nth(k).text_content() for k in range(items.count())} == {p.title for p in expected}
    assert f"{len(expected)} papers match" in page.page.text_content("#search-result")
    second = expected[1] if expected[0].title == items.nth(0).text_content() else expected[0]
    items.filter(has_text=second.title).first.click()
    assert page.js("window.litgraph.network.getSelectedNodes()") == [second.id]
    assert second.title in page.page.text_content("#panel")


def test_overview_opens_a_community(browser, analysis, tmp_path):
    path = lg.write_html(analysis, tmp_path / "overview.html", max_nodes=100)  # 339 papers > 100: overview first
    v = Visit(browser, path)
    frame = analysis.communities_frame()
    assert v.js("window.litgraph.state.view") == "overview"
    assert v.js("window.litgraph.nodes.length") == len(frame)
    assert v.js("window.litgraph.edges.length") > 0  # communities linked by the weight between them
    labels = v.js("window.litgraph.nodes.get().map(function (n) { return n.label; })")
    assert all(any(lab.startswith(row.label) for lab in labels) for row in frame.itertuples())
    big = int(frame.sort_values("size", ascending=False)["community"].iloc[0])
    _click_node(v, f"c:{big}")
    members = [pid for pid in analysis.graph.corpus.ids if analysis.community_of(pid) == big]
    assert v.js("window.litgraph.state.view") == big
    assert sorted(v.js("window.litgraph.nodes.getIds()")) == sorted(members[:100] if len(members) > 100 else members)
    v.page.click("#view-overview")
    assert v.js("window.litgraph.state.view") == "overview"
    v.page.click("#view-all")
    assert v.js("window.litgraph.nodes.length") == 100
    assert v.errors == [] and v.foreign == []
    v.page.close()
