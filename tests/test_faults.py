"""Faults that must tell the truth: failed runs, the daily state, damaged stores, encodings, field types, dates."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import litgraph as lg
from conftest import DATA, run_cli
from litgraph.incremental import GraphState
from litgraph.report import STATE_KEY, run_report


def _tree(folder: Path) -> dict:
    """Every entry under ``folder`` with its bytes (links by their target)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        out[rel] = ("link", os.readlink(p)) if p.is_symlink() else p.read_bytes() if p.is_file() else "dir"
    return out


@pytest.fixture()
def reported(tmp_path, sample_paths):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    run_report([str(sample_paths[0])], db=db, out=out, day="2025-11-05")
    return db, out


# -- 1: a failed run publishes nothing, and says what was kept ---------------------------------------------
@pytest.mark.parametrize("where", ["summary", "store"])
def test_a_report_failing_midway_publishes_nothing(reported, sample_paths, monkeypatch, where):
    db, out = reported
    before = _tree(out)
    runs = lg.Store(db).last_run("report")["id"]
    if where == "summary":  # the disk fills while the dated folder is written
        import litgraph.report as report

        def full(*a, **k):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(report, "render_html", full)
    else:  # the store's commit of the run fails (full disk, read-only file)
        def refuse(self, key, value):
            raise lg.StoreError(f"{db}: the disk is full; nothing was written.")

        monkeypatch.setattr(lg.Store, "save_state", refuse)
    with pytest.raises(lg.LitgraphError) as info:
        run_report([str(sample_paths[1])], db=db, out=out, day="2025-11-06")
    message = str(info.value)
    assert "No report was published" in message and "the store keeps the 1 digest(s) this run added" in message
    assert _tree(out) == before  # no dated folder, graph/ and latest untouched, no temporaries
    assert lg.Store(db).last_run("report")["id"] == runs


def test_a_read_only_store_is_refused_before_anything_is_written(reported, sample_paths, monkeypatch):
    db, out = reported
    import litgraph.store as store_mod

    real = store_mod.open_connection

    def read_only(path, timeout, readonly):  # SQLite then refuses every write, as it does for a chmod 444 file
        con = real(path, timeout, readonly)
        con.execute("PRAGMA query_only = 1")
        return con

    monkeypatch.setattr(store_mod, "open_connection", read_only)
    before = _tree(out)
    r = run_cli("report", sample_paths[1], "--db", db, "--out", out, "--date", "2025-11-06")
    assert r.returncode == 1 and "read-only; nothing was written" in r.stderr, r.stderr
    monkeypatch.undo()
    assert _tree(out) == before and lg.Store(db).counts()[1] == 1


# -- 2: the daily state loads on small and odd-shaped graphs ---------------------------------------------------
@pytest.mark.parametrize("files", [None, ["papers.csv"], ["papers.jsonl", "records.json"]])
def test_state_round_trip_on_small_graphs(files):
    paths = sorted(p for p in DATA.iterdir() if p.is_file()) if files is None else [DATA / f for f in files]
    model = lg.LitGraph(seed=0).fit(lg.read_digests(paths), keep_state=True)
    st = model.state_
    back = GraphState.from_bytes(st.to_bytes())
    kept = st.edges[st.edges["kind"].isin(["concepts", "similarity", "mention"])].reset_index(drop=True)
    assert back.edges["concepts"].tolist() == kept["concepts"].tolist()
    assert back.edges[["src", "dst", "kind"]].equals(kept[["src", "dst", "kind"]])


def test_equal_length_concept_tuples_round_trip(sample_corpus):
    model = lg.LitGraph(seed=0).fit(sample_corpus, keep_state=True)
    st = model.state_
    con = st.edges["kind"] == "concepts"
    two = (st.edges["concepts"].map(len) == 2).to_numpy()
    one = st.edges[~con | two].reset_index(drop=True)
    st.edges, st.unnamed = one, st.unnamed[two[con.to_numpy()]]
    back = GraphState.from_bytes(st.to_bytes())  # every concept link shares exactly two concepts
    kept = one[one["kind"].isin(["concepts", "similarity", "mention"])]
    assert back.edges["concepts"].tolist() == kept["concepts"].tolist()
    assert {len(c) for c in back.edges["concepts"] if c} == {2}


def test_daily_runs_on_the_test_data_are_incremental(tmp_path):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    files = sorted(p for p in DATA.iterdir() if p.is_file())
    run_report([str(f) for f in files[:-1]], db=db, out=out, day="2025-03-01")
    r = run_report([str(files[-1])], db=db, out=out, day="2025-03-02")
    assert "cannot be read" not in r.data["run"]["reason"]


def test_blob_damage_means_a_stated_rebuild_never_a_traceback(reported, sample_paths):
    db, out = reported
    with lg.Store(db) as s:
        state, layout = s.load_state(STATE_KEY), s.load_state("report-layout")
    rng = np.random.default_rng(0)
    for blob in (state, layout):
        for _ in range(40):
            bad = bytearray(blob)
            k = int(rng.integers(len(bad)))
            bad[k] ^= int(rng.integers(1, 256))
            try:
                GraphState.from_bytes(bytes(bad))
            except lg.LitgraphError:
                pass
    con = sqlite3.connect(db)
    con.execute("UPDATE state SET value = ? WHERE key = 'report-layout'", (layout[: len(layout) // 2],))
    con.commit()
    con.close()
    r = run_report([str(sample_paths[1])], db=db, out=out, day="2025-11-06")
    assert r.written


# -- 3: a damaged store is refused before anything is written ----------------------------------------------------
def _damage(db: Path) -> None:
    with lg.Store(db) as s:
        s.add(lg.read_digest(lg.sample_paths()[0]))
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db.read_bytes())
    page = 4096
    for start in range(2 * page, len(data) - page, 3 * page):
        data[start + 100:start + 400] = os.urandom(300)
    db.write_bytes(bytes(data))


def test_a_damaged_store_is_not_written_to(tmp_path, sample_paths):
    db = tmp_path / "lg.db"
    _damage(db)
    before = db.read_bytes()
    r = run_cli("ingest", sample_paths[1], "--db", db)
    assert r.returncode == 1 and "damaged" in r.stderr and "\n" not in r.stderr.strip()
    assert db.read_bytes() == before


def test_another_applications_database_is_named(tmp_path):
    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE papers (id TEXT, name TEXT)")
    con.commit()
    con.close()
    r = run_cli("papers", "--db", db)
    assert r.returncode == 1 and "not a litgraph store" in r.stderr and "papers" in r.stderr
    r = run_cli("ingest", "--sample", "--db", db)
    assert r.returncode == 1 and "not a litgraph store" in r.stderr
    assert [t for (t,) in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type='table'")] == \
        ["papers"]


# -- 4: cleanup messages are true -----------------------------------------------------------------------------------
@pytest.mark.parametrize("what", ["file", "symlink"])
def test_what_a_run_moves_aside_is_really_removed(tmp_path, sample_paths, what, caplog):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    out.mkdir()
    if what == "file":
        (out / "2025-11-05").write_text("in the way")
    else:
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "keep.txt").write_text("not litgraph's")
        os.symlink(elsewhere, out / "graph")
    run_report([str(sample_paths[0])], db=db, out=out, day="2025-11-05")
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    r = run_cli("report", sample_paths[1], "--db", db, "--out", out, "--date", "2025-11-06")
    assert r.returncode == 0 and "removed" not in r.stderr
    if what == "symlink":
        assert (tmp_path / "elsewhere" / "keep.txt").exists()


def test_a_leftover_latest_temporary_folder_does_not_stop_runs(tmp_path, sample_paths):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (out / f".latest.tmp-{dead.pid}").mkdir()
    (out / f".latest.tmp-{os.getpid()}").mkdir()  # this process's own name, as a folder
    r = run_cli("report", sample_paths[0], "--db", db, "--out", out, "--date", "2025-11-05")
    assert r.returncode == 0, r.stderr
    assert os.readlink(out / "latest") == "2025-11-05"


# -- 5: UTF-16 and UTF-32 text -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be+bom", "utf-32", "utf-32-be+bom"])
@pytest.mark.parametrize("name", ["papers.csv", "papers.bib", "daily_papers.json", "arxiv.xml", "papers.jsonl"])
def test_utf16_and_utf32_digests_are_read(tmp_path, encoding, name):
    text = (DATA / name).read_text(encoding="utf-8").replace("\n", "\r\n")
    enc = encoding.replace("+bom", "")
    data = ("\ufeff" + text).encode(enc) if encoding.endswith("+bom") else text.encode(enc)
    path = tmp_path / name
    path.write_bytes(data)
    assert [p.title for p in lg.read_digest(path)] == [p.title for p in lg.read_digest(DATA / name)]


def test_real_binary_is_still_refused(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(lg.ParseError, match="binary file"):
        lg.read_digest(path)


# -- 6: numbers are not text ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("record, field", [
    ('{"title": NaN, "abstract": "An abstract."}', "title"),
    ('{"title": "T", "abstract": 1e999}', "abstract"),
    ('{"title": "T", "abstract": "An abstract.", "date": NaN}', "date"),
    ('{"title": "T", "abstract": "An abstract.", "id": 1e999}', "id"),
    ('{"title": 12, "abstract": "An abstract."}', "title"),
])
def test_numbers_where_text_belongs_are_refused(record, field):
    with pytest.raises(lg.ParseError, match=field):
        lg.parse_digest(f"[{record}]")
    with pytest.warns(lg.SkippedRecordsWarning, match=field):
        c = lg.parse_digest(f'[{record}, {{"title": "Kept", "abstract": "Kept one."}}]', strict=False)
    assert [p.title for p in c] == ["Kept"]


def test_a_non_finite_api_id_is_refused():
    entry = {"paper": {"id": "X", "title": "T", "summary": "S s."}}
    text = json.dumps([entry]).replace('"X"', "Infinity")
    with pytest.raises(lg.ParseError, match="'id'"):
        lg.parse_digest(text)


# -- 7: dates ---------------------------------------------------------------------------------------------------------------
def test_a_report_date_far_in_the_future_is_refused(reported, sample_paths):
    db, out = reported
    r = run_cli("report", sample_paths[1], "--db", db, "--out", out, "--date", "9999-12-31")
    assert r.returncode == 1 and "date" in r.stderr
    r = run_cli("report", sample_paths[1], "--db", db, "--out", out, "--date", "2150-01-01")
    assert r.returncode == 1 and "--force" in r.stderr
    assert os.readlink(out / "latest") == "2025-11-05" and lg.Store(db).counts()[1] == 1
    r = run_cli("report", sample_paths[1], "--db", db, "--out", out, "--date", "2150-01-01", "--force", "--keep", "1")
    assert r.returncode == 0 and (out / "2150-01-01").is_dir()
    r = run_cli("report", sample_paths[2], "--db", db, "--out", out, "--date", "2025-11-07", "--keep", "1")
    assert r.returncode == 0 and (out / "2025-11-07").is_dir(), "keep deleted the report it had just written"


@pytest.mark.parametrize("where", ["data", "captured", "name"])
def test_dates_in_year_one_do_not_break_the_store(tmp_path, where):
    db, out = tmp_path / "lg.db", tmp_path / "out"
    day = "0001-01-02"
    rows = "title,abstract,date\nA title,An abstract about graphs.,{d}\nB title,Another abstract on graphs.,{d}\n"
    name = f"{day}.csv" if where == "name" else "d.csv"
    (tmp_path / name).write_text(rows.format(d=day if where == "data" else "2025-01-01"))
    args = ["--captured", day] if where == "captured" else []
    r = run_cli("report", tmp_path / name, "--db", db, "--out", out, "--date", "2025-01-02", *args)
    if where == "captured":
        assert r.returncode == 1 and "between 1700-01-01" in r.stderr
    else:
        assert r.returncode == 0, r.stderr
        r = run_cli("report", "--sample", "--db", db, "--out", out, "--date", "2025-01-03")
        assert r.returncode == 0, r.stderr


# -- also seen: config errors name the file; one rule for unreadable files in a folder ------------------------------------
def test_config_errors_name_the_config(tmp_path):
    bad = tmp_path / "c.toml"
    for text in (b"resolution = -1\n", b"stability_runs = 1000000000\n", b'seed = "\xe9"\n',
                 b"[layers]\nconcepts = 1e308\n", b"x = " + b"[" * 5000 + b"]" * 5000 + b"\n"):
        bad.write_bytes(text)
        r = run_cli("build", "--sample", "--out", tmp_path / "g.json", "--config", bad)
        assert r.returncode == 1 and str(bad) in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_folder_with_an_unreadable_file_is_read_with_a_warning(tmp_path, sample_paths):
    folder = tmp_path / "d"
    folder.mkdir()
    shutil.copy(sample_paths[1], folder / "a.txt")
    (folder / "b.txt").write_bytes(b"\x00\x01\x02" * 100)
    os.mkfifo(folder / "c.txt")
    with pytest.warns(lg.SkippedRecordsWarning) as rec:
        c = lg.read_digests(folder)
    assert len(c) == 66  # the FIFO is not a file of the folder: never opened, so nothing hangs
    text = " ".join(str(w.message) for w in rec)
    assert "b.txt" in text and "binary" in text
    with pytest.raises(lg.InputNotFoundError, match="FIFO"):  # named explicitly: refused, not waited on
        lg.read_digests([folder / "a.txt", folder / "c.txt"])
