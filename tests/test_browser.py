"""The exported page in a real headless Chromium: a map a reader can read, every paper drawn, sub-topics, neighbourhoods,
deep links, toggles, search, inert hostile text. Screenshots of each view are kept in tests/artifacts/."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

import litgraph as lg

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (scripts/test.sh "
                                                          "installs it when run as root)")]
ARTIFACTS = Path(__file__).parent / "artifacts"
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

    def go(self, view: str):
        """Open a view by its address, as a reader following a link would."""
        self.page.evaluate(f"location.hash = {view!r}")
        self.page.wait_for_timeout(150)

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path

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
    assert page.errors == [] and page.foreign == [] and page.dialogs == []
    assert page.js("window.litgraph.state.view") == "map"  # the map of topics is the first view


def test_page_data_follows_its_schema(page, analysis):
    from litgraph.export._page import PAGE_SCHEMA

    data = page.js("window.litgraph.data")
    assert data["schema"] == PAGE_SCHEMA
    columns = data["papers"]
    n = analysis.graph.n_papers
    assert set(columns) == {"id", "title", "date", "upvotes", "community", "subtopic", "x", "y", "size", "rank",
                            "excerpt", "arxiv", "links", "concepts", "nb", "nbWeight", "nbKinds"}
    assert all(len(v) == n for v in columns.values())
    assert sorted(columns["id"]) == sorted(analysis.graph.corpus.ids)
    assert all(len(columns["nb"][i]) == len(columns["nbWeight"][i]) == len(columns["nbKinds"][i]) for i in range(n))
    assert all(0 <= x <= 10_000 for x in columns["x"] + columns["y"])
    # the page's strongest link of a paper is the graph's strongest
    pid = analysis.graph.corpus.ids[0]
    i = columns["id"].index(pid)
    assert columns["id"][columns["nb"][i][0]] == analysis.graph.neighbors(pid, 1)["neighbor"].iloc[0]


def _map_is_readable(v, analysis):
    """Every community with 1% of the papers is labelled on the drawing at 11 px or more, no two labels overlap,
    and disc sizes follow paper counts."""
    labels = v.js("window.litgraph.map.labels()")
    sizes = analysis.communities_frame().set_index("community")["size"]
    big = {int(c) for c, n in sizes.items() if c >= 0 and n >= 0.01 * sizes.sum()}
    named = {lab["community"] for lab in labels if lab["kind"] == "community"}
    assert big <= named, f"communities without a label on the map: {big - named}"
    assert min(lab["px"] for lab in labels) >= 11
    for a in range(len(labels)):
        for b in range(a + 1, len(labels)):
            p, q = labels[a], labels[b]
            assert not (p["x"] < q["x"] + q["w"] and q["x"] < p["x"] + p["w"] and p["y"] < q["y"] + q["h"]
                        and q["y"] < p["y"] + p["h"]), (p["text"], q["text"])
    discs = sorted(v.js("window.litgraph.map.discs()"), key=lambda d: d["size"])
    assert all(a["radius"] <= b["radius"] for a, b in zip(discs, discs[1:]))
    ratio = discs[-1]["radius"] ** 2 / discs[0]["radius"] ** 2
    assert abs(ratio - discs[-1]["size"] / discs[0]["size"]) < 1e-6 * ratio  # area proportional to papers


def test_the_map_is_labelled_and_readable(page, analysis):
    _map_is_readable(page, analysis)
    page.shot("sample-map")


def test_all_papers_are_drawn_with_titles(page, analysis):
    page.go("#papers")
    assert page.js("window.litgraph.state.view") == "papers"
    assert page.js("window.litgraph.map.state.drawn") == analysis.graph.n_papers
    labels = page.js("window.litgraph.map.labels()")
    assert {"community", "paper"} == {lab["kind"] for lab in labels}
    top = analysis.key_papers(1)["id"].iloc[0]
    assert top in {lab.get("paper") for lab in labels}  # the best key paper is named on the drawing
    before = sum(lab["kind"] == "paper" for lab in labels)
    page.page.click("#zoom-in")
    page.page.click("#zoom-in")
    assert sum(lab["kind"] == "paper" for lab in page.js("window.litgraph.map.labels()")) > before  # more as one zooms
    page.shot("sample-papers")
    page.go("#map")


def test_legend_and_screenshot_not_blank(page, analysis, tmp_path):
    from PIL import Image

    assert page.page.locator(".legend-item").count() == len(analysis.communities_frame())
    assert analysis.label(0) in page.page.text_content("#legend")
    import os

    shot = page.shot("sample-first-view")
    if os.environ.get("LITGRAPH_DOCS_SCREENSHOT"):  # how docs/graph.png in the README is made
        shutil.copy(shot, os.environ["LITGRAPH_DOCS_SCREENSHOT"])
    img = np.asarray(Image.open(shot).convert("RGB"), dtype=float)
    canvas = img[:, 320:]
    assert canvas.std() > 10 and len(np.unique(canvas.reshape(-1, 3), axis=0)) > 50


def test_a_community_view_with_tooltips_and_layer_toggles(page, analysis):
    page.go("#community=0")
    assert page.js("window.litgraph.state.view") == 0
    members = [pid for pid in analysis.graph.corpus.ids if analysis.community_of(pid) == 0]
    assert sorted(page.js("window.litgraph.nodes.getIds()")) == sorted(members)
    pid = members[0]
    text = page.js(f"window.litgraph.nodes.get({pid!r}).title.textContent")
    assert analysis.graph.corpus[pid].title in text and "topic:" in text
    shown = page.js("window.litgraph.edges.length")
    # a link stays while one of its layers is shown (the digest layer starts hidden)
    sim_only = page.js("window.litgraph.edges.get().filter(function (e) { return e.kinds.every(function (k) { "
                       "return k === 'similarity' || k === 'digest'; }); }).length")
    assert shown > 0 and page.js("window.litgraph.edges.get(window.litgraph.edges.getIds()[0]).title.textContent"
                                 ).startswith("Why linked")
    page.js("window.litgraph.setLayer('similarity', false)")
    assert page.js("window.litgraph.edges.length") == shown - sim_only
    page.js("window.litgraph.setLayer('similarity', true)")
    assert page.js("window.litgraph.edges.length") == shown
    page.shot("sample-community")
    page.go("#map")


def test_search_opens_the_papers_neighbourhood(page, analysis):
    target = max(analysis.graph.corpus, key=lambda p: len(p.title))
    page.page.fill("#search", target.title)
    page.page.press("#search", "Enter")
    assert page.js("window.litgraph.state.view") == f"paper:{target.id}"
    assert page.js("window.litgraph.network.getSelectedNodes()") == [target.id]
    assert target.title in page.page.text_content("#panel")
    ids = page.js("window.litgraph.nodes.getIds()")
    assert target.id in ids and 20 <= len(ids) <= 40
    near = set(analysis.graph.neighbors(target.id, 5)["neighbor"])
    assert near <= set(ids)  # its strongest neighbours are all there
    whys = page.js("window.litgraph.edges.get().map(function (e) { return e.title.textContent; })")
    assert whys and all(w.startswith("Why linked") and len(w) > len("Why linked") for w in whys)
    labels = page.js("window.litgraph.nodes.get().map(function (n) { return n.label || ''; })")
    assert all(lab for lab in labels)  # every paper's title (and year) is visible
    page.shot("sample-neighbourhood")
    page.go("#map")


@pytest.mark.parametrize("query", ["__proto__", "constructor", "toString", "hasOwnProperty"])
def test_search_for_object_property_names_finds_nothing_quietly(page, query):
    before = page.js("window.litgraph.state.view")
    assert page.js(f"window.litgraph.find({query!r})") is None
    assert page.page.text_content("#search-result") == "No paper matches."
    assert page.js("window.litgraph.state.view") == before and page.errors == []


def test_hostile_title_stays_inert(browser, tmp_path):
    from litgraph.ingest._base import Source, make_digest
    from litgraph.model import Corpus, Record

    hostile = "<img src=x onerror=alert(1)>"
    recs = [Record(title=hostile, abstract="Graph neural networks. </script><script>alert(2)</script>", position=1,
                   links=("javascript:alert(3)",)),
            Record(title="Graph neural networks for molecules", abstract="We study graph neural networks.", position=2)]
    corpus = Corpus.from_records([(make_digest(Source(name="h", text="h"), "test"), recs)])
    res = lg.analyze(lg.build_graph(corpus, layers={"similarity": 1.0}, builders=[lg.edges.SimilarityEdges(threshold=0.0)]),
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
    assert v.js("document.querySelectorAll('#panel a').length") == 0  # javascript: is no link
    v.page.close()


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from synth import synth_corpus

    res = lg.analyze(lg.build_graph(synth_corpus(2400)), subtopic_min_papers=40)
    return res, lg.write_html(res, tmp_path_factory.mktemp("large") / "large.html")


def test_a_large_graph_opens_as_a_readable_map(browser, large):
    res, path = large
    v = Visit(browser, path)
    assert v.js("window.litgraph.state.view") == "map" and v.errors == [] and v.foreign == []
    _map_is_readable(v, res)
    v.shot("large-map")
    v.go("#papers")
    assert v.js("window.litgraph.map.state.drawn") == 2400  # every paper, not a top 2,000
    v.shot("large-papers")
    v.page.close()


def test_a_large_community_opens_into_labelled_subtopics(browser, large):
    res, path = large
    subs = res.subtopics()
    assert not subs.empty
    c = int(subs["community"].value_counts().index[0])
    v = Visit(browser, path)
    v.go(f"#community={c}")
    regions = v.js("window.litgraph.regions()")
    assert [r["view"] for r in regions] == [f"subtopic:{c}.{s}" for s in subs[subs["community"] == c]["subtopic"]]
    assert all(r["text"].split(" (")[0] in label for r, label in zip(regions, subs[subs["community"] == c]["label"]))
    assert all(r["px"] >= 11 for r in regions)
    assert v.js("window.litgraph.nodes.length") == min(400, int((res.membership == c).sum()))
    v.shot("large-community")
    first = regions[0]["view"]
    v.js(f"window.litgraph.show({first!r})")  # a click on a sub-topic's label opens it
    s = int(first.split(".")[1])
    members = int(((res.membership == c) & (res.subtopic_membership == s)).sum())
    assert v.js("window.litgraph.state.view") == first and v.js("window.litgraph.nodes.length") == min(400, members)
    assert v.errors == []
    v.page.close()


def test_deep_links_open_the_right_paper_or_say_why_not(browser, large, tmp_path):
    res, path = large
    pid = res.key_papers(3)["id"].iloc[2]
    v = Visit(browser, path)
    url = path.as_uri() + "#paper=" + __import__("urllib.parse").parse.quote(pid, safe="")
    v.page.goto(url)
    v.page.reload()
    v.page.wait_for_function("document.body.dataset.ready === '1'")
    assert v.js("window.litgraph.state.view") == f"paper:{pid}"
    assert res.graph.corpus[pid].title in v.page.text_content("#panel")
    for bad in ["does-not-exist", 'a"b', "x#y/z", "%E0%A4%A"]:
        v.page.goto(path.as_uri() + "#paper=" + bad)
        v.page.reload()
        v.page.wait_for_function("document.body.dataset.ready === '1'")
        assert v.js("window.litgraph.state.view") == "map"
        message = v.page.text_content("#message")
        assert v.page.locator("#message").is_visible() and "is in this page" in message
    assert v.errors == []
    v.page.close()


def test_clicking_a_paper_on_the_map_opens_its_panel(page, analysis):
    page.go("#papers")
    p = next(q for q in analysis.graph.corpus if q.links)
    page.js(f"(function () {{ var m = window.litgraph.map.state; m.scale = m.fitScale * 40; "
            f"var i = window.litgraph.data.papers.id.indexOf({p.id!r}); m.cx = window.litgraph.data.papers.x[i]; "
            f"m.cy = window.litgraph.data.papers.y[i]; window.litgraph.map.draw(); }})()")
    xy = page.js(f"window.litgraph.map.screenOf({p.id!r})")
    box = page.page.locator("#map").bounding_box()
    page.page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    panel = page.page.locator("#panel")
    assert panel.is_visible()
    text = panel.text_content()
    assert p.title in text and p.abstract[:80] in text and "Strongest links, and why" in text
    nb = analysis.graph.neighbors(p.id, 1)
    assert nb["title"].iloc[0] in text
    links = panel.locator("a")
    hrefs = [links.nth(k).get_attribute("href") for k in range(links.count())]
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)
    b = links.nth(0).bounding_box()
    hit = page.js(f"document.elementFromPoint({b['x'] + b['width'] / 2}, {b['y'] + b['height'] / 2}).tagName")
    assert hit == "A" and page.foreign == []
    page.go("#map")


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
    page.go("#map")


def test_a_disc_on_the_map_opens_its_community(page, analysis):
    page.go("#map")
    disc = max(page.js("window.litgraph.map.discs()"), key=lambda d: d["size"])
    box = page.page.locator("#map").bounding_box()
    page.page.mouse.click(box["x"] + disc["x"], box["y"] + disc["y"])
    assert page.js("window.litgraph.state.view") == disc["community"]
    page.page.click("#view-map")
    assert page.js("window.litgraph.state.view") == "map" and page.errors == []


def _records_corpus(rows):
    from litgraph.ingest._base import Source, make_digest
    from litgraph.model import Corpus, Record

    recs = [Record(title=t, abstract=a, position=i + 1) for i, (t, a) in enumerate(rows)]
    return Corpus.from_records([(make_digest(Source(name="x", text=str(len(rows))), "test"), recs)])


def test_one_community_and_long_rtl_cjk_titles(browser, tmp_path):
    long_title = "Graph learning " + "with very long words " * 100  # 2,000+ characters
    rows = [(long_title, "We study graph learning on molecules. It works well.")]
    rows += [(f"图神经网络 {i}: graph learning for molecules", "We study graph learning on molecules again.")
             for i in range(8)]
    rows += [(f"تعلم الرسوم البيانية {i}: graph learning", "We study graph learning on molecules too.") for i in range(8)]
    res = lg.analyze(lg.build_graph(_records_corpus(rows), layers={"similarity": 1.0},
                                    builders=[lg.edges.SimilarityEdges(threshold=0.0)]), min_community_size=1)
    res.membership[:] = 0  # one community
    v = Visit(browser, lg.write_html(res, tmp_path / "one.html"))
    assert v.errors == [] and v.js("window.litgraph.map.state.drawn") == 1
    labels = v.js("window.litgraph.map.labels()")
    assert len(labels) == 1 and labels[0]["px"] >= 11
    v.go("#papers")
    assert v.js("window.litgraph.map.state.drawn") == 17
    assert all(lab["w"] < 400 for lab in v.js("window.litgraph.map.labels()"))  # long titles are shortened
    v.go("#paper=" + res.graph.corpus.ids[0])
    assert long_title.strip() in v.page.text_content("#panel") or v.js("window.litgraph.state.view").startswith("paper")
    v.shot("one-community-rtl-cjk")
    assert v.errors == []
    v.page.close()


def test_a_thousand_tiny_communities_fold_into_other_topics(browser, tmp_path):
    rows = [(f"Paper {i} on subject {i // 3}", f"An abstract about subject {i // 3} and method {i % 7}.")
            for i in range(3000)]
    res = lg.analyze(lg.build_graph(_records_corpus(rows), layers={"similarity": 1.0}), min_community_size=1)
    res.membership[:] = np.arange(3000) // 3  # 1,000 communities of three papers
    v = Visit(browser, lg.write_html(res, tmp_path / "tiny.html"))
    assert v.errors == []
    discs = v.js("window.litgraph.map.discs()")
    assert len(discs) == 81 and discs[-1]["community"] == "folded" and discs[-1]["size"] == 3000 - 80 * 3
    assert "the 920 smallest are folded into “other topics”" in v.page.text_content("#view-name")
    v.shot("tiny-communities")
    v.page.close()


def test_a_deep_link_to_an_old_style_arxiv_id(browser, tmp_path):
    from litgraph.ingest._base import Source, make_digest
    from litgraph.model import Corpus, Record

    recs = [Record(title=f"Strings and branes {i}", abstract="We study strings and branes in ten dimensions.",
                   position=i + 1, arxiv_id=f"hep-th/99010{i:02d}") for i in range(12)]
    corpus = Corpus.from_records([(make_digest(Source(name="o", text="o"), "test"), recs)])
    res = lg.analyze(lg.build_graph(corpus, layers={"similarity": 1.0}, builders=[lg.edges.SimilarityEdges(threshold=0.0)]),
                     min_community_size=1)
    path = lg.write_html(res, tmp_path / "old.html")
    v = Visit(browser, path)
    v.page.goto(path.as_uri() + "#paper=" + __import__("urllib.parse").parse.quote("hep-th/9901005", safe=""))
    v.page.reload()
    v.page.wait_for_function("document.body.dataset.ready === '1'")
    assert v.js("window.litgraph.state.view") == "paper:hep-th/9901005"
    assert v.page.locator("#panel a").first.get_attribute("href") == "https://arxiv.org/abs/hep-th/9901005"
    assert v.errors == []
    v.page.close()
