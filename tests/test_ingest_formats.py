"""Every other input format, on real-shaped samples, plus the merging rules across formats."""

from __future__ import annotations

from datetime import date

import pytest

import litgraph as lg


def test_daily_papers_api_json(data_dir):
    c = lg.read_digest(data_dir / "daily_papers.json")
    (d,) = c.digests
    assert d.format == "hf-api-json" and d.date == date(2023, 12, 4)
    mamba = c["2312.00752"]
    assert mamba.title == "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"  # breaks folded
    assert "\n" not in mamba.abstract
    assert mamba.authors == ("Albert Gu", "Tri Dao")
    assert mamba.published == date(2023, 12, 1)
    assert mamba.upvotes == 42
    assert mamba.links == ("https://github.com/state-spaces/mamba",)
    assert c["2310.06625"].organization == "Tsinghua University"


def test_arxiv_atom(data_dir):
    c = lg.read_digest(data_dir / "arxiv.xml")
    assert c.digests[0].format == "arxiv-atom"
    p = c["2405.21060"]
    assert p.title == ("Transformers are SSMs: Generalized Models and Efficient Algorithms Through Structured "
                       "State Space Duality")
    assert p.categories == ("cs.LG",)
    assert c["2312.00752"].categories == ("cs.LG", "cs.AI")
    assert c["2312.00752"].authors == ("Albert Gu", "Tri Dao")
    assert p.published == date(2024, 5, 31)


def test_bibtex(data_dir):
    c = lg.read_digest(data_dir / "papers.bib")
    assert c.digests[0].format == "bibtex"
    mamba = c["2312.00752"]
    assert mamba.title.startswith("Mamba: Linear-Time")  # braces removed
    assert mamba.published == date(2023, 12, 1)
    cbm = next(p for p in c if p.title == "Concept Bottleneck Models")
    assert cbm.id.startswith("t") and cbm.references == ("2312.00752",)
    assert "Café" in cbm.abstract  # LaTeX decoded
    assert cbm.appearances[0].line == 14
    assert mamba.appearances[0].line == 2


def test_csv_with_digest_column(data_dir):
    c = lg.read_digest(data_dir / "papers.csv")
    assert [d.name for d in c.digests] == ["2024-01-08", "2024-07-15"]
    assert [d.date for d in c.digests] == [date(2024, 1, 8), date(2024, 7, 15)]
    hydra = c["2407.09941"]
    assert hydra.authors == ("Sukjun Hwang", "Aakash Lahoti") and hydra.upvotes == 30
    assert hydra.references == ("2312.00752",)
    assert hydra.appearances[0].line == 3


def test_jsonl_and_json_records(data_dir):
    c = lg.read_digest(data_dir / "papers.jsonl")
    assert c.digests[0].format == "jsonl"
    assert c["2401.14142"].references == ("Concept Bottleneck Models",)
    assert c["2401.14142"].appearances[0].line == 3
    r = lg.read_digest(data_dir / "records.json")
    assert r.digests[0].format == "json-records"
    assert len(r) == 2


def test_merge_across_formats_prefers_arxiv_id(data_dir, sample_paths):
    c = lg.read_digests([data_dir / "papers.bib", data_dir / "daily_papers.json", data_dir / "arxiv.xml",
                         data_dir / "papers.csv", data_dir / "papers.jsonl"])
    mamba = c["2312.00752"]
    assert len(mamba.appearances) == 4
    assert [a.upvotes for a in mamba.appearances] == [None, 42, None, 12]  # a time series, not one number
    cbm = [p for p in c if p.title == "Concept Bottleneck Models"]
    assert len(cbm) == 1 and len(cbm[0].appearances) == 3
    reasons = set(c.duplicates()["matched_by"])
    assert reasons == {"arxiv id", "normalised title"}


def test_title_only_records_take_arxiv_id_when_a_later_input_brings_it():
    plain = lg.parse_digest("Mamba: Linear-Time Sequence Modeling\nWe present a sequence model. It is fast.\n"
                            "Other Title\nAnother abstract. With sentences.\n", source="page.txt")
    api = lg.parse_digest('[{"paper": {"id": "2312.00752", "title": "MAMBA: linear time sequence-modeling",'
                          ' "summary": "Longer abstract. Much longer than before, with detail."}}]', source="api.json")
    both = plain + api
    assert "2312.00752" in both and len(both) == 2
    assert both["2312.00752"].abstract.startswith("Longer abstract")


def test_title_normalisation():
    assert lg.title_key("In-Context Learning") == lg.title_key("in context  learning") == lg.title_key("Incontext Learning")
    assert lg.title_key("Café") == lg.title_key("cafe")


@pytest.mark.parametrize("text,fmt", [
    ("Title One\nAbstract one. Long enough to read.\nTitle Two\nAbstract two. It also reads.\n", "hf-page-dense"),
    ("Title One\n\nAbstract one. Long enough.\n\nTitle Two\n\nAbstract two. Reads.\n", "hf-page-plain"),
])
def test_small_pages(text, fmt):
    c = lg.parse_digest(text)
    assert c.digests[0].format == fmt and len(c) == 2


def test_links_lose_trailing_punctuation():
    c = lg.parse_digest("A Title\nWe release code. Code: https://github.com/x/y. Project page (https://x.io/p).\n")
    assert next(iter(c)).links == ("https://github.com/x/y", "https://x.io/p")
