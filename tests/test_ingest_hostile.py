"""What a new user and a hostile digest feed litgraph: files that are not digests, archive quirks, extreme values."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import litgraph as lg

ABSTRACT = ("We study a problem that matters. Our method is simple and it works well on three benchmarks, "
            "which we release with the code.")


def api_entry(arxiv_id: str, title: str, upvotes: int = 3) -> dict:
    return {"paper": {"id": arxiv_id, "title": title, "summary": ABSTRACT, "upvotes": upvotes,
                      "authors": [{"name": "Ada Lovelace"}], "publishedAt": "2025-01-08T10:00:00.000Z"},
            "publishedAt": "2025-01-09T08:00:00.000Z", "title": title}


# -- refusing what is not a digest ---------------------------------------------------------------------------------
@pytest.mark.parametrize("name,text,match", [
    ("shopping.txt", "milk\neggs\nbread\nbutter\ncoffee\n", "not a digest"),
    ("README.txt", "# My digests\n\nThis folder holds the captures that cron saves every morning for litgraph.\n\n"
                   "## How\n\nRun the capture script, then litgraph report. It writes the report folder.\n", "not a digest"),
    ("notes.txt", "- call Bob\n- write the review. It is due on Friday, and it is long.\n", "not a digest"),
    ("prices.csv", "name,price\nmilk,1.20\neggs,2.10\n", "columns 'name', 'price', but no 'title' and 'abstract'"),
    ("wrapper.json", '{"status": "ok", "date": "2025-01-10", "data": [1, 2]}', "JSON of an unknown shape"),
    ("numbers.json", "[1, 2, 3]", "JSON of an unknown shape"),
    ("page.xml", "<html><body><p>hello</p></body></html>", "XML that is not an arXiv Atom feed"),
])
def test_a_file_that_is_no_digest_is_refused_in_one_line(tmp_path, name, text, match):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with pytest.raises(lg.UnrecognizedFormatError, match=match) as info:
        lg.read_digest(f)
    assert str(info.value).startswith(str(f)) and "\n" not in str(info.value)


def test_json_of_an_unknown_shape_never_becomes_page_papers():
    text = '{\n  "date": "2025-01-10",\n  "data": [\n    {"x": 1}\n  ]\n}\n'
    with pytest.raises(lg.UnrecognizedFormatError, match=r"at \$: JSON of an unknown shape \(an object with keys "
                                                          r"'date', 'data'\)"):
        lg.parse_digest(text, source="wrapper.json")


def test_a_folder_skips_files_that_are_not_digests_and_names_them(tmp_path, sample_paths):
    (tmp_path / "001.txt").write_bytes(sample_paths[1].read_bytes())
    (tmp_path / "shopping.txt").write_text("milk\neggs\nbread\n")
    (tmp_path / "prices.csv").write_text("name,price\nmilk,1\n")
    with pytest.warns(lg.SkippedRecordsWarning, match=r"skipped 2 file\(s\) that are not digests: .*prices\.csv.*"
                                                      r"shopping\.txt"):
        corpus = lg.read_digests(tmp_path)
    assert len(corpus.digests) == 1 and len(corpus) == 66


def test_a_folder_of_no_digests_is_an_error(tmp_path):
    (tmp_path / "shopping.txt").write_text("milk\neggs\nbread\n")
    with pytest.warns(lg.SkippedRecordsWarning), pytest.raises(lg.UnrecognizedFormatError, match="no digest"):
        lg.read_digests(tmp_path)


def test_the_sample_layouts_are_still_recognised(sample_paths):
    assert [lg.read_digest(p).digests[0].format for p in sample_paths] == [
        "hf-page-blocks", "hf-page-plain", "hf-page-dense"]


# -- the daily_papers archive's quirks -----------------------------------------------------------------------------
def test_entries_saved_as_python_repr_are_read_without_eval(tmp_path):
    entries = [repr({**api_entry("2412.00001", "Repr Paper One"), "flag": True, "none": None}),
               repr(api_entry("2412.00002", "Repr Paper Two", upvotes=7))]
    f = tmp_path / "2024-12-11.json"
    f.write_text(json.dumps(entries), encoding="utf-8")
    corpus = lg.read_digest(f)
    assert [p.title for p in corpus] == ["Repr Paper One", "Repr Paper Two"]
    assert [p.upvotes for p in corpus] == [3, 7] and corpus["2412.00001"].authors == ("Ada Lovelace",)
    assert corpus.digests[0].format == "hf-api-json"


def test_a_repr_entry_that_would_run_code_is_a_bad_record(tmp_path):
    entries = [repr(api_entry("2412.00001", "Good")), "{'paper': __import__('os').system('echo hacked')}"]
    f = tmp_path / "2024-12-12.json"
    f.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(lg.ParseError, match=r"at \$\[1\]: a text entry that is not a Python literal"):
        lg.read_digest(f)
    with pytest.warns(lg.SkippedRecordsWarning, match=r"skipped 1 bad record"):
        assert [p.title for p in lg.read_digest(f, strict=False)] == ["Good"]


def test_the_wrapped_response_takes_its_date(tmp_path):
    data = {"status": "success", "date": "2025-01-10", "count": 2,
            "data": [repr(api_entry("2501.00001", "Wrapped One")), api_entry("2501.00002", "Wrapped Two")]}
    f = tmp_path / "archive.json"
    f.write_text(json.dumps(data), encoding="utf-8")
    corpus = lg.read_digest(f)
    assert len(corpus) == 2 and str(corpus.digests[0].date) == "2025-01-10"


def test_a_day_without_papers_is_an_empty_digest(tmp_path):
    f = tmp_path / "2026-06-01.json"
    f.write_text("[]\n", encoding="utf-8")
    corpus = lg.read_digest(f)
    assert len(corpus) == 0 and str(corpus.digests[0].date) == "2026-06-01"


BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "hf-daily-papers-2024-2026.tar.gz"


@pytest.mark.slow
@pytest.mark.skipif(not BENCH.exists(), reason="the real daily-papers archive (../shared/bench) is not here")
def test_the_real_two_year_archive_reads_whole(tmp_path):
    import tarfile

    with tarfile.open(BENCH) as tar:
        tar.extractall(tmp_path, filter="data")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        corpus = lg.read_digests(tmp_path / "hf-daily-papers")
    assert len(corpus.digests) == 580 and len(corpus) > 9_000
    assert all(d.date is not None and str(d.date) == d.name for d in corpus.digests)
    assert {d.format for d in corpus.digests} == {"hf-api-json"}


def test_the_date_in_a_file_name_dates_the_digest(tmp_path, sample_paths):
    api = tmp_path / "2025-01-11.json"
    api.write_text(json.dumps([api_entry("2501.00003", "Named By Day")]), encoding="utf-8")
    assert str(lg.read_digest(api).digests[0].date) == "2025-01-11"
    page = tmp_path / "hf-2025-11-05.txt"
    page.write_bytes(sample_paths[0].read_bytes())
    d = lg.read_digest(page).digests[0]
    assert str(d.captured) == "2025-11-05" and str(d.date) == "2025-11-04"  # "Nov 4" completed by the name's year
    assert str(lg.read_digest(page, captured="2024-12-01").digests[0].date) == "2024-11-04"  # explicit wins


# -- extreme values that used to end in tracebacks -----------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "@r{@{",
    "@article{a, title={T}, abstract={A b c.}, year={0}, month={jan}}",
    "@article{a, title={T}, abstract={A b c.}, year={2020}, month={²}}",
    '[{"paper": {"id": "2401.00001", "title": "T", "summary": "S s.", "upvotes": ' + "9" * 5000 + "}}]",
    "Title One\n\nAbstract. It is long enough for us to read it.\n\n  • " + "9" * 5000 + " authors\n·\nAug 3, 2023\n",
    "Title One\n\nAbstract. It is long enough for us to read it.\n\n  • 3 authors\n·\nAug 3 " + "9" * 5000 + "\n",
    '{"title": "T", "abstract": "An abstract.", "organization": ["Lab A", {"name": "Lab B"}]}\n',
    '[{"paper": {"id": "2401.00001", "title": "T", "summary": "S s."}, "organization": [1, 2]}]',
    '{"title": "T", "abstract": "An abstract.", "upvotes": ' + "9" * 5000 + "}\n",
])
def test_extreme_values_give_a_litgraph_error_or_a_paper(text):
    try:
        corpus = lg.parse_digest(text, source="x")
    except lg.LitgraphError as exc:
        assert str(exc).startswith("x") and "\n" not in str(exc)
    else:
        lg.Store(":memory:").add(corpus)


def test_an_organisation_list_is_joined():
    corpus = lg.parse_digest('{"title": "T", "abstract": "An abstract.", "organization": ["Lab A", {"name": "Lab B"}]}\n')
    assert next(iter(corpus)).organization == "Lab A; Lab B"


def test_upvotes_beyond_any_real_count_name_the_field():
    text = '[{"paper": {"id": "2401.00001", "title": "T", "summary": "S s.", "upvotes": 9223372036854775808}}]'
    with pytest.raises(lg.ParseError, match=r"at \$\[0\]\.paper\.upvotes: 'upvotes' must be a whole number"):
        lg.parse_digest(text)
    with pytest.raises(lg.ParseError, match="upvotes"):
        lg.parse_digest("title,abstract,upvotes\nT,An abstract.,9223372036854775808\n")


def test_a_lone_surrogate_becomes_the_replacement_character_and_is_stored():
    corpus = lg.parse_digest('[{"paper": {"id": "2401.00001", "title": "Bad \\ud800 char", "summary": "S s."}}]')
    store = lg.Store(":memory:")
    store.add(corpus)
    assert store.corpus()["2401.00001"].title == "Bad \ufffd char"


def test_a_lone_surrogate_in_any_field_is_stored():  # found by the fuzzing campaign, in 'publishedAt'
    text = ('[{"paper": {"id": "2501.00001", "title": "T", "summary": "S s.", "publishedAt": "\\ud8002025-01-08"}}]')
    lg.Store(":memory:").add(lg.parse_digest(text))


def test_control_characters_are_dropped_on_reading():
    corpus = lg.parse_digest("title,abstract\n\"Red \x1b[31mAlert\x07\",\"An \x01abstract.\"\n")
    p = next(iter(corpus))
    assert p.title == "Red [31mAlert" and p.abstract == "An abstract."


# -- the store under faults ----------------------------------------------------------------------------------------
def test_disk_full_is_one_line_and_leaves_the_store_intact(tmp_path, sample_paths):
    path = tmp_path / "s.db"
    with lg.Store(path) as store:
        store.add(lg.read_digest(sample_paths[1]))
        before = store.counts()
        store._con.execute("PRAGMA max_page_count = " + str(
            store._con.execute("PRAGMA page_count").fetchone()[0] + 1))  # as if the disk filled up now
        with pytest.raises(lg.StoreError, match=r"s\.db: the disk is full .* Free some space"):
            store.add(lg.read_digest(sample_paths[2]))
        assert store.counts() == before
    with lg.Store(path) as store:
        assert store.counts() == before


def test_a_read_only_store_is_one_line(tmp_path, sample_paths):
    with lg.Store(tmp_path / "s.db") as store:
        store._con.execute("PRAGMA query_only = ON")  # what a read-only file gives (root ignores file modes)
        with pytest.raises(lg.StoreError, match="the database is read-only; nothing was written"):
            store.add(lg.read_digest(sample_paths[1]))


def test_a_corrupt_store_is_one_line(tmp_path, sample_paths):
    path = tmp_path / "s.db"
    with lg.Store(path) as store:
        store.add(lg.load_sample())
        store._con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    for i in range(4096, len(data), 7):
        data[i] = 0xAB
    path.write_bytes(bytes(data))
    with pytest.raises(lg.StoreError, match=r"s\.db: (the database file is damaged|not a litgraph store)") as info:
        with lg.Store(path) as store:
            store.corpus()
    assert "\n" not in str(info.value)


def test_warnings_are_not_raised_for_good_input(sample_paths):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lg.read_digests(sample_paths)
