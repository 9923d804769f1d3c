"""Bad input: a clear litgraph error naming file and line, or a counted warning in lenient mode."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import litgraph as lg


def test_missing_file(tmp_path):
    with pytest.raises(lg.InputNotFoundError, match="no such file"):
        lg.read_digests(tmp_path / "nope.txt")


def test_folder_without_digests(tmp_path):
    (tmp_path / "notes.md").write_text("hello")
    with pytest.raises(lg.InputNotFoundError, match="holds no digest files"):
        lg.read_digests(tmp_path)


def test_glob_matching_nothing(tmp_path):
    with pytest.raises(lg.InputNotFoundError, match="matches no file"):
        lg.read_digests(str(tmp_path / "*.txt"))


def test_empty_file(tmp_path):
    f = tmp_path / "empty.txt"
    f.write_text("  \n\n")
    with pytest.raises(lg.ParseError, match=r"empty\.txt:1: the file is empty"):
        lg.read_digest(f)


def test_binary_file(tmp_path):
    f = tmp_path / "x.txt"
    f.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(lg.ParseError, match="binary file"):
        lg.read_digest(f)


def test_not_utf8_names_the_line(tmp_path):
    f = tmp_path / "latin.txt"
    f.write_bytes(b"Title\nAbstract one. Fine.\nCaf\xe9 Title\nMore.\n")
    with pytest.raises(lg.ParseError, match=r"latin\.txt:3: not valid UTF-8.*iconv"):
        lg.read_digest(f)


def test_no_known_format(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("just one line\n")
    with pytest.raises(lg.ParseError, match="matches no known digest format"):
        lg.read_digest(f)


def test_title_without_abstract_strict_and_lenient(tmp_path):
    text = ("First Paper Title\n\nFirst abstract. It is long enough to be an abstract of a paper, surely.\n\n"
            "Orphan Title Without Abstract\n\n"
            "Third Paper Title\n\nThird abstract. Again a paragraph with more than one sentence in it.\n")
    f = tmp_path / "d.txt"
    f.write_text(text)
    with pytest.raises(lg.ParseError, match=r"d\.txt:5: the title 'Orphan Title Without Abstract' has no abstract"):
        lg.read_digest(f)
    with pytest.warns(lg.SkippedRecordsWarning, match=r"skipped 1 bad record\(s\): .*d\.txt:5"):
        c = lg.read_digest(f, strict=False)
    assert [p.title for p in c] == ["First Paper Title", "Third Paper Title"]
    assert len(c.digests[0].skipped) == 1


def test_trailing_title_without_abstract(tmp_path):
    f = tmp_path / "d.txt"
    f.write_text("T1\nAbstract one. Long enough.\nT2\n")
    with pytest.raises(lg.ParseError, match=r":3: the title 'T2' has no abstract"):
        lg.read_digest(f)


def test_json_wrong_shape_names_json_path(tmp_path):
    f = tmp_path / "api.json"
    f.write_text('[{"paper": {"id": "2401.00001", "title": "A", "summary": "B."}}, {"paper": {"title": "C"}}]')
    with pytest.raises(lg.ParseError, match=r"api\.json at \$\[1\]\.paper\.summary: missing 'summary'"):
        lg.read_digest(f)
    f.write_text('{"paper": 1}')
    with pytest.raises(lg.ParseError):
        lg.read_digest(f, format="hf-api-json")


def test_invalid_json_names_line(tmp_path):
    f = tmp_path / "api.json"
    f.write_text('[\n {"paper": {"title": "x",}\n]')
    with pytest.raises(lg.ParseError, match=r"api\.json:2: invalid JSON"):
        lg.read_digest(f)


def test_csv_missing_abstract_names_line(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("title,abstract\nGood,An abstract.\nBad,\n")
    with pytest.raises(lg.ParseError, match=r"p\.csv:3: record 'Bad' has no 'abstract'"):
        lg.read_digest(f)
    with pytest.warns(lg.SkippedRecordsWarning, match="skipped 1"):
        assert len(lg.read_digest(f, strict=False)) == 1


def test_bibtex_broken_entry(tmp_path):
    f = tmp_path / "p.bib"
    f.write_text("@article{a,\n title={A},\n abstract={B.}\n}\n@article{b,\n title = {x\n@misc{c, title={C}, abstract={D.}}\n")
    with pytest.raises(lg.ParseError, match=r"p\.bib:5: BibTeX block could not be parsed"):
        lg.read_digest(f)


def test_xml_that_is_not_a_feed(tmp_path):
    f = tmp_path / "a.xml"
    f.write_text("<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>x</id></entry>")
    with pytest.raises(lg.ParseError, match="invalid XML"):
        lg.read_digest(f)


def test_unknown_format_parameter():
    with pytest.raises(lg.InvalidParameterError, match="'format' parameter"):
        lg.parse_digest("a\nb", format="word")


def test_bad_captured_parameter():
    with pytest.raises(lg.InvalidParameterError, match="'captured' parameter"):
        lg.parse_digest("a\nb", captured="yesterday")


def test_lenient_read_digests_skips_unreadable_files(tmp_path, sample_paths):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    with pytest.warns(lg.SkippedRecordsWarning, match="skipped 1 unreadable file"):
        c = lg.read_digests([sample_paths[1], bad], strict=False)
    assert len(c) == 66


_FORMATS = [None, *lg.FORMATS]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400),
       fmt=st.sampled_from(_FORMATS))
def test_parsers_either_parse_or_raise_parse_error(text, fmt):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lg.SkippedRecordsWarning)
        for strict in (True, False):
            try:
                c = lg.parse_digest(text, format=fmt, strict=strict)
            except lg.ParseError:
                continue
            assert all(p.title and p.abstract for p in c)


_LINES = st.sampled_from([
    "", "·", "  • 3 authors", "Mar 29", "Oct 28 1", "Sep 21, 2024 4", "new", "Subscribe", "Daily Papers",
    "A Short Title", "An abstract. It has two sentences and is long enough to pass for one in a digest here.",
    '[{"paper": {"title": "x"}}]', "title,abstract", "@article{x,", "<feed>", "{\"title\": 1}",
])


@settings(max_examples=200, deadline=None)
@given(lines=st.lists(_LINES, max_size=25))
def test_page_like_text_parses_or_raises_parse_error(lines):
    text = "\n".join(lines)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lg.SkippedRecordsWarning)
        for strict in (True, False):
            try:
                lg.parse_digest(text, strict=strict)
            except lg.ParseError:
                pass


_CELL = st.one_of(st.text(max_size=12), st.sampled_from(["inf", "nan", "1e400", "-3", "2024-13-45", "Feb 30",
                                                          "12.5", "2312.00752v2", ";;", "|", " and "]))


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.fixed_dictionaries({
    "title": st.text(min_size=0, max_size=20), "abstract": st.text(max_size=30), "upvotes": _CELL, "date": _CELL,
    "id": _CELL, "authors": _CELL, "references": _CELL, "digest": _CELL}), min_size=1, max_size=5))
def test_csv_with_arbitrary_cells_parses_or_raises_parse_error(rows):
    import csv
    import io

    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lg.SkippedRecordsWarning)
        for strict in (True, False):
            try:
                c = lg.parse_digest(buf.getvalue(), format="csv", strict=strict)
            except lg.ParseError:
                continue
            assert all(p.upvotes is None or p.upvotes >= 0 for p in c)


def test_bad_upvotes_name_the_line(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("title,abstract,upvotes\nA,An abstract.,inf\n")
    with pytest.raises(lg.ParseError, match=r"p\.csv:2: field .upvotes.: expected a whole number"):
        lg.read_digest(f)
