"""Hostile input of the second campaign at CI sizes: bounded cost and one clear line (full sizes: bench_hostile.py)."""

from __future__ import annotations

import os
import sqlite3

import pytest

import litgraph as lg
from conftest import run_cli
from litgraph.edges import cooccurrence
from litgraph.ingest._latex import LONG, decode_fast


def test_one_large_digest_is_not_quadratic(monkeypatch):
    rows = "\n".join(f"Paper {i} on topic {i % 7},An abstract about topic {i % 7} and method {i % 11}."
                     for i in range(400))
    corpus = lg.parse_digest("title,abstract\n" + rows + "\n")
    assert len(corpus.digests) == 1
    looked = []
    real = cooccurrence._shared_twice
    monkeypatch.setattr(cooccurrence, "_shared_twice", lambda m: looked.append(m.shape) or real(m))
    g = lg.build_graph(corpus, {"digest": 1.0, "concepts": 1.0})
    assert looked and g.n_papers == 400
    m = cooccurrence.digest_incidence(type("C", (), {"corpus": corpus, "index": {p: i for i, p in
                                                                                 enumerate(corpus.ids)}})())[0]
    assert real(m).nnz == 0  # nobody is in two digests: no product at all


def test_many_papers_sharing_a_title_are_stored_by_index(tmp_path):
    rows = "\n".join(f"The Same Title,Abstract number {i}.,2401.{i:05d}" for i in range(300))
    corpus = lg.parse_digest("title,abstract,arxiv_id\n" + rows + "\n")
    with lg.Store(tmp_path / "lg.db") as store:
        store.add(corpus)
        assert store.counts()[0] == 300
        plan = " ".join(r[-1] for r in store._con.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM papers WHERE title_key = ? AND arxiv_id IS NULL LIMIT 1", ("x",)))
    assert "papers_title_arxiv" in plan


def test_a_large_page_capture_is_recognised_from_its_first_lines_and_read_once(monkeypatch):
    from litgraph.ingest import hf_pages

    text = "".join(f"Title number {i}\nAn abstract sentence {i}. It reads well.\n" for i in range(6000))
    read = []
    real = hf_pages._read
    monkeypatch.setattr(hf_pages, "_read", lambda toks, *a: read.append(len(toks)) or real(toks, *a))
    corpus = lg.parse_digest(text)
    assert len(corpus) == 6000 and corpus.digests[0].format == "hf-page-dense"
    assert read == [hf_pages.SNIFF_LINES, 12000]  # the sniff looks at a bounded prefix; the parse reads it all
    assert [p.title for p in corpus][-1] == "Title number 5999"


def test_records_are_let_go_as_their_papers_are_built():
    from litgraph.ingest import _handed_over, _parse_source
    from litgraph.ingest._base import Source

    text = "Title one\nAn abstract. It reads.\nTitle two\nAnother abstract. It reads.\n"
    parts = _parse_source(Source(name="x", text=text, captured=None), strict=True, format=None)
    corpus = lg.Corpus.from_records(_handed_over(parts))
    assert parts == [None] and len(corpus) == 2  # the caller's list no longer holds the records


def test_long_bibtex_fields_decode_in_linear_time():
    abstract = r"We study \emph{graphs} with $\alpha$ and caf\'e -- ``fun''. " * (3 * LONG // 50)
    authors = " and ".join(f"Au{i} M{{\\\"u}}ller" for i in range(3000))
    text = "@article{a,\n title={T},\n author={%s},\n abstract={%s}\n}\n" % (authors, abstract)
    p = next(iter(lg.parse_digest(text)))
    assert p.abstract.startswith("We study graphs with $\\alpha$ and café – “fun”.")
    assert len(p.authors) == 3000 and p.authors[1] == "Au1 Müller"
    assert decode_fast(r"G\"odel, Erd\H{o}s, {\'E}cole \& 50\%") == "Gödel, Erdős, École & 50%"


def test_a_glob_over_a_folder_linked_into_itself_ends(tmp_path, sample_paths):
    root = tmp_path / "d"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "a.txt").write_bytes(sample_paths[1].read_bytes())
    os.symlink(root, root / "sub" / "loop1")
    os.symlink(root, root / "loop2")
    corpus = lg.read_digests(str(root / "**" / "*.txt"))
    assert len(corpus.digests) == 1 and len(corpus) == 66


def test_fifo_and_device_named_explicitly_are_refused(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    for path in (fifo, "/dev/zero"):
        r = run_cli("ingest", path, "--db", tmp_path / "lg.db")
        assert r.returncode == 1 and ("FIFO" in r.stderr or "device" in r.stderr), r.stderr


def test_file_names_reach_the_terminal_escaped(tmp_path, sample_paths):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "ok.txt").write_bytes(sample_paths[1].read_bytes())
    (folder / "evil\x1b[2J\nlitgraph: error: forged.txt").write_bytes(b"\x00\x01" * 50)
    r = run_cli("ingest", folder, "--db", tmp_path / "lg.db")
    assert r.returncode == 0 and "\x1b" not in r.stderr and "\\x1b[2J\\x0alitgraph" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_file_name_that_is_not_utf8_is_read(tmp_path, sample_paths):
    folder = os.fsencode(tmp_path / "d")
    os.mkdir(folder)
    name = os.path.join(folder, b"caf\xe9.txt")
    with open(name, "wb") as fh:
        fh.write(sample_paths[1].read_bytes())
    r = run_cli("report", os.fsdecode(folder), "--db", tmp_path / "lg.db", "--out", tmp_path / "out", "--lenient")
    assert r.returncode == 0, r.stderr
    assert lg.Store(tmp_path / "lg.db").digests_frame()["source"].str.endswith("caf\\xe9.txt").all()


def test_report_md_makes_no_links_of_its_own(tmp_path):
    from markdown_it import MarkdownIt

    from litgraph.report._render import _esc_md

    text = "See https://evil.example.com/x, www.evil.org, a@b.com and report.md (GPT-4.5, e.g. v1.2)"
    html = MarkdownIt("gfm-like").render(_esc_md(text))
    assert "<a" not in html and "report.md" in html and "GPT-4.5" in html
    assert "<a" in MarkdownIt("gfm-like").render(text)  # the renderer does link them unescaped


def test_a_csv_cell_over_128_kib_is_read():
    big = "word " * 40_000
    c = lg.parse_digest(f'title,abstract\nT,"{big}"\nU,"A short one."\n')
    assert len(c) == 2 and len(c[c.ids[0]].abstract) > 128 * 1024


def test_a_read_only_copy_of_a_store_can_be_listed(tmp_path, sample_paths):
    db = tmp_path / "lg.db"
    with lg.Store(db) as s:
        s.add(lg.read_digest(sample_paths[1]))
    # what a read-only mount looks like to SQLite: the WAL files cannot be made; immutable mode reads it
    with lg.Store(db, readonly=True) as s:
        assert s.counts() == (66, 1)
        with pytest.raises(lg.StoreError, match="read-only"):
            s.check_writable()
    r = run_cli("papers", "--db", tmp_path / "missing.db")
    assert r.returncode == 1 and "no such store" in r.stderr and not (tmp_path / "missing.db").exists()


@pytest.mark.parametrize("sql, column", [
    ("UPDATE meta SET value = 'x1' WHERE key = 'schema_version'", "schema version"),
    ("UPDATE papers SET authors = '[broken' WHERE rowid = 3", "'authors'"),
    ("UPDATE papers SET published = '2025-13-45' WHERE rowid = 3", "'published'"),
    ("UPDATE appearances SET upvotes = 'many' WHERE rowid = 3", "'upvotes'"),
    ("UPDATE digests SET date = 'someday'", "'date'"),
])
def test_damage_sqlite_cannot_see_is_named(tmp_path, sample_paths, sql, column):
    db = tmp_path / "lg.db"
    run_cli("report", sample_paths[1], "--db", db, "--out", tmp_path / "out", "--date", "2025-11-05")
    con = sqlite3.connect(db)
    con.execute(sql)
    con.commit()
    con.close()
    r = run_cli("report", sample_paths[2], "--db", db, "--out", tmp_path / "out", "--date", "2025-11-06")
    assert r.returncode == 1 and "damaged" in r.stderr and column in r.stderr, r.stderr


def test_a_broken_run_summary_starts_afresh(tmp_path, sample_paths):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    run_cli("report", sample_paths[1], "--db", db, "--out", out, "--date", "2025-11-05")
    con = sqlite3.connect(db)
    con.execute("UPDATE runs SET summary = '{\"topics\": [1, 2]'")
    con.commit()
    con.close()
    r = run_cli("report", sample_paths[2], "--db", db, "--out", out, "--date", "2025-11-06")
    assert r.returncode == 0 and "damaged" in r.stderr, r.stderr
