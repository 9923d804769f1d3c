"""The three real Daily Papers captures, with the exact expectations users rely on."""

from __future__ import annotations

from datetime import date

import pytest

import litgraph as lg

BLOCKS, PLAIN, DENSE = "001_205710ad4bd4b8ce", "002_3be6ad1889c9cb49", "003_9702b24bfd8b6c3a"


def _one(path_stem, sample_paths, **kw):
    path = next(p for p in sample_paths if p.stem == path_stem)
    return lg.read_digest(path, **kw)


def test_blocks_layout_counts(sample_paths):
    c = _one(BLOCKS, sample_paths)
    (d,) = c.digests
    assert d.format == "hf-page-blocks"
    assert len(c) == 72 and len(d.paper_ids) == 72
    apps = c.appearances_frame()
    assert apps["published_text"].notna().sum() == 70
    assert apps["upvotes"].notna().sum() == 10
    assert apps["organization"].notna().sum() == 1
    assert apps.loc[apps["organization"].notna(), "organization"].item() == "utrechtuniversity Utrecht University"
    assert apps.loc[apps["organization"].notna(), "n_authors"].isna().all()
    bare = apps["published_text"].isna() & apps["n_authors"].isna() & apps["organization"].isna()
    assert bare.sum() == 2
    assert d.date_text == "Nov 4" and d.date is None  # the year is not shown, so it is not invented


def test_blocks_dates_and_upvotes(sample_paths):
    c = _one(BLOCKS, sample_paths)
    apps = c.appearances_frame().set_index("title")
    row = apps.loc["An Analysis of Causal Effect Estimation using Outcome Invariant Data Augmentation"]
    assert row["published_text"] == "Oct 28" and row["upvotes"] == 1
    with_year = apps[apps["published_text"] == "Sep 21, 2024"]
    assert len(with_year) == 1 and with_year["upvotes"].item() == 4
    paper = next(p for p in c if p.appearances[0].published_text == "Sep 21, 2024")
    assert paper.published == date(2024, 9, 21)
    vq = next(p for p in c if p.title.startswith("VQGraph"))
    assert vq.published == date(2023, 8, 3) and vq.n_authors == 10
    assert vq.links == ("https://github.com/YangLing0818/VQGraph",)
    no_year = next(p for p in c if p.title.startswith("Split Matching"))
    assert no_year.published is None and no_year.published_text == "May 8"


def test_captured_date_completes_missing_years(sample_paths):
    c = _one(BLOCKS, sample_paths, captured=date(2025, 11, 5))
    assert c.digests[0].date == date(2025, 11, 4)
    split = next(p for p in c if p.title.startswith("Split Matching"))
    assert split.published == date(2025, 5, 8)
    causal = next(p for p in c if p.title.startswith("An Analysis of Causal Effect"))
    assert causal.published == date(2025, 10, 28)


def test_plain_layout(sample_paths):
    c = _one(PLAIN, sample_paths)
    assert c.digests[0].format == "hf-page-plain"
    assert len(c) == 66
    assert c.digests[0].date_text == "Aug 7"
    assert all(p.n_authors is None and p.published_text is None for p in c)
    titles = [p.title for p in c]
    assert titles[0] == "BlackVIP: Black-Box Visual Prompting for Robust Transfer Learning"
    assert titles[-1] == "Efficient Prompting via Dynamic In-Context Learning"


def test_dense_layout(sample_paths):
    c = _one(DENSE, sample_paths)
    assert c.digests[0].format == "hf-page-dense"
    assert len(c.digests[0].paper_ids) == 215
    first = c[c.digests[0].paper_ids[0]]
    assert first.title == "Uncertainty-Aware Explanations Through Probabilistic Self-Explainable Neural Networks"
    assert not any("Subscribe" in p.title or "trending" in p.title.lower() for p in c)
    assert c.digests[0].date is None


def test_chrome_is_never_a_paper(sample_corpus):
    chrome = {"new", "subscribe", "daily papers", "byak and the research community", "nov 4", "aug 7"}
    assert not any(p.title.lower() in chrome for p in sample_corpus)
    assert all(len(p.abstract) > 200 for p in sample_corpus)


def test_all_three_together(sample_corpus):
    c = sample_corpus
    assert sum(len(d.paper_ids) for d in c.digests) == 353
    assert len(c) == 339
    multi = [p for p in c if len(p.digests) > 1]
    assert len(multi) == 13
    everywhere = [p.title for p in c if len(p.digests) == 3]
    assert everywhere == ["Catastrophic Interference is Mitigated in Naturalistic Power-Law Learning Environments"]
    dups = c.duplicates()
    assert len(dups) == 353 - 339
    assert set(dups["matched_by"]) == {"normalised title"}


def test_read_digests_accepts_folder_glob_list_and_file(sample_paths):
    folder = sample_paths[0].parent
    a = lg.read_digests(folder)
    b = lg.read_digests(str(folder / "*.txt"))
    c = lg.read_digests([str(p) for p in sample_paths])
    assert a == b == c
    assert len(lg.read_digests(sample_paths[1])) == 66


def test_reading_order_and_ids_are_stable(sample_paths):
    a = lg.read_digests(sample_paths)
    b = lg.read_digests(sample_paths)
    assert a.ids == b.ids
    assert [d.id for d in a.digests] == [d.id for d in b.digests]


def test_corpus_frames(sample_corpus):
    df = sample_corpus.to_frame()
    assert len(df) == 339 and df["id"].is_unique
    assert {"title", "abstract", "published", "upvotes", "n_digests"} <= set(df.columns)
    d = sample_corpus.digests_frame()
    assert d["n_papers"].tolist() == [72, 66, 215]
    paper = sample_corpus[df["id"].iloc[0]]
    assert paper.title == df["title"].iloc[0]
    with pytest.raises(KeyError, match="No paper with id"):
        sample_corpus["nope"]


def test_corpus_union_merges_like_reading_together(sample_paths):
    parts = [lg.read_digest(p) for p in sample_paths]
    together = lg.read_digests(sample_paths)
    assert parts[0] + parts[1] + parts[2] == together
