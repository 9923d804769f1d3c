"""Hostile text and links in the files litgraph writes: the report page, report.md, CSV, GraphML/GEXF."""

from __future__ import annotations

import csv
import dataclasses
import re
import time
from html.parser import HTMLParser

import pytest

import litgraph as lg
from litgraph.report import run_report

HOSTILE_CSV = '''title,abstract,url,digest
"=HYPERLINK(""http://evil.example/x"",""click"")","<script>alert(1)</script> We study attacks. ![pixel](http://evil.example/p.png) <img src=http://evil.example/i.png onerror=alert(2)> It is a long abstract.",javascript:alert(1),2025-11-24
"@SUM(1+1) <iframe src=//evil.example></iframe> [click](javascript:alert(3))","An abstract about [links](javascript:alert(4)) and *emphasis* | pipes. It reads well.", JaVaScRiPt:alert(5),2025-11-24
"+cmd|' /C calc'!A0 constructor","-2+3 is an abstract that starts with a minus. It reads.","data:text/html;base64,PHNjcmlwdD4=",2025-11-24
'''


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory, sample_paths):
    root = tmp_path_factory.mktemp("hostile")
    f = root / "hostile.csv"
    f.write_text(HOSTILE_CSV, encoding="utf-8")
    # the hostile digest first, so that its papers are among the 200 new ones the page lists
    result = run_report([str(f), *map(str, sample_paths)], db=root / "s.db", out=root / "out", day="2025-11-24",
                        exports="dated")  # every file in the one folder
    return result.folder


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("href", "src", "action", "formaction") or k.startswith("on"):
                self.urls.append((tag, k, v or ""))


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _only_safe_links(found: _Links) -> None:
    for tag, attr, value in found.urls:
        assert not attr.startswith("on"), (tag, attr, value)
        assert re.match(r"https?://|(\.\./graph/)?[\w.-]+\.(html|json|md|graphml|csv|png)(#paper=[\w.%~/-]+)?$",
                        value), (tag, attr, value)
        assert "evil.example" not in value


def test_the_report_page_links_only_http(hostile_report):
    html = (hostile_report / "index.html").read_text(encoding="utf-8")
    found = _links(html)
    _only_safe_links(found)
    assert "script" not in found.tags[found.tags.index("body"):]
    assert "&lt;iframe" in html and "=\"javascript" not in html.lower().replace(" ", "")


@pytest.mark.parametrize("renderer", ["markdown-it", "python-markdown"])
def test_report_md_renders_inert(hostile_report, renderer):
    text = (hostile_report / "report.md").read_text(encoding="utf-8")
    if renderer == "markdown-it":
        from markdown_it import MarkdownIt

        html = MarkdownIt("commonmark").enable("table").render(text)
    else:
        import markdown

        html = markdown.markdown(text, extensions=["tables"])
    found = _links(html)
    _only_safe_links(found)
    assert not {"script", "iframe"} & set(found.tags)
    assert [v for tag, attr, v in found.urls if tag == "img"] == ["map.png"]  # the report's own map, nothing else
    assert "&lt;script&gt;" in html or "<script>" not in html
    assert "=HYPERLINK" in html  # the title is shown, as text


def test_csv_cells_cannot_be_formulas(hostile_report):
    for name in ("nodes.csv", "edges.csv"):
        with open(hostile_report / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        for row in rows:
            for value in row.values():
                if value and value[0] in "=+-@":
                    float(value)  # only a number may start with a sign
    with open(hostile_report / "nodes.csv", encoding="utf-8", newline="") as fh:
        titles = {r["title"] for r in csv.DictReader(fh)}
    assert "'=HYPERLINK(\"http://evil.example/x\",\"click\")" in titles
    assert any(t.startswith("'@SUM(1+1)") for t in titles) and any(t.startswith("'+cmd|") for t in titles)


def test_graph_files_are_well_formed_with_control_characters(tmp_path, sample_paths):
    from lxml import etree

    sample_corpus = lg.read_digest(sample_paths[1])
    first = next(iter(sample_corpus))
    bad = dataclasses.replace(first, title="Esc \x1b[31m bell \x07 nul \x00 title", abstract=first.abstract + " \x0b")
    corpus = dataclasses.replace(sample_corpus, papers={**sample_corpus.papers, first.id: bad})
    res = lg.analyze(lg.build_graph(corpus, seed=0), seed=0)
    for suffix in (".graphml", ".gexf"):
        path = lg.export_graph(res, tmp_path / f"g{suffix}")
        etree.parse(str(path))  # raises on text XML 1.0 does not allow
        assert "Esc [31m bell  nul  title" in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [
    "-" * 40_000, "a-" * 20_000, "a-" + "\n" * 40_000 + "b", "hep-th" * 7_000, "2401." * 8_000,
    "http://" + "(" * 40_000, "Oct 28 " + "1" * 40_000, "@" * 40_000, "'" * 40_000, "A'" * 20_000,
    "x" * 40_000 + "!", " ." * 20_000, "AB" * 20_000 + "'s", "•" * 40_000,
])
def test_text_helpers_are_linear_on_long_runs(text):
    """Every pattern that sees user text, fed long runs: a quadratic one takes seconds here (20,000 hyphens
    took 29 s), a linear one milliseconds."""
    from litgraph import _text

    start = time.process_time()
    _text.normalize_arxiv_id(text)
    _text.fold_whitespace(text)
    _text.extract_links(text)
    _text.parse_shown_date(text)
    try:
        corpus = lg.parse_digest(f"Title\n\n{text}. It reads.\n\nTitle two\n\nAn abstract. {text}\n", strict=False)
    except lg.LitgraphError:
        pass
    else:
        lg.extract_concepts(corpus)  # the tokenizer's and the acronym finder's patterns
    assert time.process_time() - start < 5.0
