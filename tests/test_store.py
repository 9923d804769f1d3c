"""The SQLite store, on real files: transactions, idempotence, two writers, round trips."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
from datetime import date

import pytest

import litgraph as lg
from litgraph import store as store_mod


def test_round_trip_equals_what_was_added(tmp_path, sample_corpus):
    db = tmp_path / "lg.db"
    with lg.Store(db) as s:
        s.add(sample_corpus)
    with lg.Store(db) as s:  # a new connection reads what the first wrote
        assert s.corpus() == sample_corpus
        assert s.counts() == (339, 3)


def test_adding_twice_changes_nothing(tmp_path, sample_corpus):
    db = tmp_path / "lg.db"
    with lg.Store(db) as s:
        first = s.add(sample_corpus)
        before = s.papers_frame()
        second = s.add(sample_corpus)
        assert len(first.new_papers) == 339 and len(first.new_digests) == 3
        assert not second.changed and second.new_papers == () and len(second.known_digests) == 3
        assert s.papers_frame().equals(before)


def test_new_digest_records_new_and_reappearing_papers(tmp_path, sample_paths):
    d1 = lg.read_digests(sample_paths[:2])
    d3 = lg.read_digest(sample_paths[2])
    with lg.Store(tmp_path / "lg.db") as s:
        s.add(d1)
        res = s.add(d3)
        both = lg.read_digests(sample_paths)
        again = set(res.reappeared)
        assert again == {p.id for p in both if len(p.digests) > 1 and both.digests[2].id in p.digests}
        assert len(res.new_papers) == 339 - len(d1)
        assert s.corpus() == both


def test_since_and_digest_filters(tmp_path, sample_paths):
    with lg.Store(tmp_path / "lg.db") as s:
        s.add(lg.read_digest(sample_paths[0], captured=date(2025, 11, 5)))
        s.add(lg.read_digest(sample_paths[1], captured=date(2025, 8, 8)))
        assert [d.name for d in s.corpus(since="2025-09-01").digests] == [sample_paths[0].stem]
        only = s.corpus(digests=[sample_paths[1].stem])
        assert len(only) == 66
        with pytest.raises(lg.InvalidParameterError, match="since"):
            s.corpus(since="not a date")


def test_error_half_way_leaves_database_as_it_was(tmp_path, sample_corpus, monkeypatch):
    db = tmp_path / "lg.db"
    with lg.Store(db) as s:
        s.add(lg.read_digest(lg.sample_paths()[1]))
        before = (s.counts(), s.papers_frame())
        calls = {"n": 0}
        real = store_mod.insert_paper

        def failing(con, p, digest_id, now):
            calls["n"] += 1
            if calls["n"] == 50:
                raise RuntimeError("disk on fire")
            return real(con, p, digest_id, now)

        monkeypatch.setattr(store_mod, "insert_paper", failing)
        with pytest.raises(RuntimeError, match="disk on fire"):
            s.add(sample_corpus)
        assert s.counts() == before[0]
        assert s.papers_frame().equals(before[1])
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_title_only_paper_takes_arxiv_id_later(tmp_path):
    page = lg.parse_digest("Mamba: Linear-Time Sequence Modeling\nWe present a model. It is fast and good.\n",
                           source="page.txt")
    api = lg.parse_digest('[{"paper": {"id": "2312.00752", "title": "Mamba: Linear-Time Sequence Modeling",'
                          ' "summary": "We present a model. It is fast and good, and here is more."}}]')
    with lg.Store(tmp_path / "lg.db") as s:
        s.add(page)
        res = s.add(api)
        assert res.renamed == {page.ids[0]: "2312.00752"} and res.reappeared == ("2312.00752",)
        c = s.corpus()
        assert c.ids == ["2312.00752"] and len(c["2312.00752"].appearances) == 2


def _writer(db, paths, q):
    try:
        with lg.Store(db, timeout=60) as s:
            for p in paths:
                s.add(lg.read_digest(p))
        q.put("ok")
    except Exception as exc:  # reported to the parent
        q.put(repr(exc))


def test_two_processes_adding_at_once(tmp_path, sample_paths):
    db = str(tmp_path / "lg.db")
    lg.Store(db).close()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(db, sample_paths, q)),
             ctx.Process(target=_writer, args=(db, list(reversed(sample_paths)), q))]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert sorted(q.get(timeout=5) for _ in procs) == ["ok", "ok"]
    with lg.Store(db) as s:
        assert s.counts() == (339, 3)
        c = s.corpus()
        assert sum(len(d.paper_ids) for d in c.digests) == 353
        con = sqlite3.connect(db)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_not_a_store(tmp_path):
    f = tmp_path / "x.db"
    f.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(lg.StoreError, match="not a litgraph store"):
        lg.Store(f)
    with pytest.raises(lg.StoreError, match="is a folder"):
        lg.Store(tmp_path)


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "x.db"
    lg.Store(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    with pytest.raises(lg.StoreError, match="newer litgraph"):
        lg.Store(db)


def test_add_rejects_non_corpus(tmp_path):
    with lg.Store(tmp_path / "x.db") as s, pytest.raises(lg.InvalidParameterError, match="Corpus"):
        s.add(["not", "a", "corpus"])


def test_a_large_state_is_written_in_pieces_and_read_back_whole(tmp_path, monkeypatch):
    from litgraph.store import _base

    monkeypatch.setattr(_base, "_BLOB_PIECE", 1000)
    blob = bytes(range(256)) * 40 + b"end"
    with lg.Store(tmp_path / "lg.db") as s:
        s.save_state("k", memoryview(blob))
        s.save_state("empty", b"")
    with lg.Store(tmp_path / "lg.db") as s:  # a fresh connection reads the file
        assert s.load_state("k") == blob and s.load_state("empty") == b"" and s.load_state("other") is None
        s.save_state("k", b"short")
        assert s.load_state("k") == b"short"
        with pytest.raises(lg.InvalidParameterError, match="keeps bytes"):
            s.save_state("k", "not bytes")
        assert s.load_state("k") == b"short"
