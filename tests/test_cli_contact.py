"""A new user's first minutes with the command line and the cron report: pipes, dates, terminals, crashes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

import litgraph as lg
from litgraph.cli import main
from litgraph.report import run_report


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "lg.db"
    with lg.Store(path) as store:
        store.add(lg.load_sample(captured="2025-11-24"))
    return path


def test_papers_into_a_closed_pipe_is_quiet_and_succeeds(store_path):
    cmd = f'"{sys.executable}" -m litgraph papers --db "{store_path}" | true; echo "exit=${{PIPESTATUS[0]}}"'
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=300)
    assert r.stdout.strip().splitlines()[-1] == "exit=0", r.stderr
    assert r.stderr == ""


def test_a_date_that_is_no_date_names_the_option(tmp_path, capsys):
    code = main(["report", "--sample", "--db", str(tmp_path / "x.db"), "--out", str(tmp_path / "o"), "--date",
                 "yesterday", "-q"])
    err = capsys.readouterr().err
    assert code == 1 and "'date' parameter of litgraph report" in err and "since" not in err
    assert err.count("\n") == 1


def test_since_means_the_digest_day_everywhere(store_path, capsys):
    assert main(["papers", "--db", str(store_path), "--since", "2025-11-04", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    # the sample's digests are dated Nov 4 (72 papers), Aug 7 (66) and, without a date line, the capture day (215)
    with lg.Store(store_path) as store:
        corpus = store.corpus(since="2025-11-04")
        frame = store.papers_frame(since="2025-11-04")
    assert {r["id"] for r in rows} == set(frame["id"])
    first_day = {pid: min((d.date or d.captured) for d in corpus.digests if pid in d.paper_ids) for pid in corpus.ids}
    old = {p.id for p in lg.read_digest(lg.sample_paths()[1], captured="2025-11-24")}
    assert set(frame["id"]) == {pid for pid in first_day if pid not in old}
    res = lg.analyze(lg.build_graph(lg.load_sample(captured="2025-11-24"), seed=0), seed=0)
    assert set(res.new_papers(since="2025-11-04")["id"]) == set(frame["id"])


def test_escape_sequences_never_reach_the_terminal(tmp_path, capsys):
    db = tmp_path / "esc.db"
    with lg.Store(db) as store:
        store.add(lg.parse_digest("title,abstract\nPlain Title,An abstract that reads.\n"))
        # a store written by another tool (or an older litgraph) may hold raw escape sequences
        store._con.execute("UPDATE papers SET title = ?", ("Evil \x1b]0;owned\x07\x1b[2J title",))
        store._con.execute("UPDATE appearances SET title = ?", ("Evil \x1b]0;owned\x07\x1b[2J title",))
    for fmt in ("table", "csv"):
        assert main(["papers", "--db", str(db), "--format", fmt]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out and "Evil ]0;owned[2J title" in out


def test_version_and_help_import_nothing_heavy():
    code = ("import sys\nfrom litgraph.cli import main\n"
            "for argv in (['--version'], ['--help'], ['report', '--help']):\n"
            "    try:\n        main(argv)\n    except SystemExit:\n        pass\n"
            "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'pandas', 'sklearn', 'igraph', 'matplotlib', "
            "'networkx', 'numpy', 'scipy', 'pyvis', 'jinja2'})\nprint('HEAVY', heavy)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().splitlines()[-1] == "HEAVY []"


def test_import_litgraph_is_lazy_but_complete():
    code = ("import sys, litgraph as lg\nheavy = {m.split('.')[0] for m in sys.modules} & {'pandas', 'sklearn', "
            "'igraph', 'matplotlib'}\nassert not heavy, heavy\nassert lg.LitGraph.__name__ == 'LitGraph'\n"
            "assert 'read_digests' in dir(lg)\nlg.LitGraph(seed=0).fit(lg.load_sample())\n"
            "assert 'sklearn' not in sys.modules, 'a run needs no scikit-learn'\nprint('OK')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.stdout.strip() == "OK", r.stderr


# -- the dated folder and `latest` under crashes and back-dated runs -----------------------------------------------
@pytest.fixture
def first_report(tmp_path, sample_paths):
    out, db = tmp_path / "out", tmp_path / "lg.db"
    run_report([str(sample_paths[1])], db=db, out=out, day="2025-11-05")
    return out, db


def test_a_back_dated_report_leaves_latest_on_the_newest(first_report, sample_paths):
    out, db = first_report
    result = run_report([str(sample_paths[0])], db=db, out=out, day="2025-11-03")
    assert (out / "2025-11-03" / "index.html").exists()
    assert os.readlink(out / "latest") == "2025-11-05"
    assert "still points at the later report 2025-11-05" in result.message


def test_a_failed_swap_puts_the_previous_folder_back(first_report, monkeypatch):
    out, db = first_report
    before = (out / "2025-11-05" / "report.json").read_bytes()
    import litgraph.report._folders as folders

    runs_before = lg.Store(db).last_run("report")["id"]
    real = os.replace

    def failing(src, dst):
        if os.path.dirname(src) == str(out) and os.path.basename(src).startswith(".2025-11-05.tmp-"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(folders.os, "replace", failing)
    with pytest.raises(lg.LitgraphError, match="No space left on device. No report was published"):
        run_report(None, db=db, out=out, day="2025-11-05", force=True)
    monkeypatch.undo()
    assert lg.Store(db).last_run("report")["id"] == runs_before  # the store's record of it was rolled back
    assert (out / "2025-11-05" / "report.json").read_bytes() == before
    assert (out / "latest").resolve() == (out / "2025-11-05").resolve()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def test_a_run_killed_between_the_renames_is_repaired_by_the_next(first_report):
    out, db = first_report
    pid = _dead_pid()
    # what kill -9 between "move the old folder aside" and "move the new one in" leaves behind
    os.replace(out / "2025-11-05", out / f".2025-11-05.old-{pid}")
    (out / f".2025-11-06.tmp-{pid}-abc").mkdir()
    (out / f".2025-11-06.tmp-{pid}-abc" / "index.html").write_text("half")
    os.symlink("2025-11-05", out / f".latest.tmp-{pid}")
    assert not (out / "latest").resolve().exists()  # latest dangles
    result = run_report(None, db=db, out=out, day="2025-11-06")
    assert not result.written  # nothing new; the repair happened all the same
    assert (out / "2025-11-05" / "report.json").exists() and (out / "latest").resolve() == out / "2025-11-05"
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []


def test_a_live_runs_temporaries_are_left_alone(first_report):
    out, db = first_report
    live = out / f".2025-11-06.tmp-{os.getppid()}-xyz"
    live.mkdir()
    run_report(None, db=db, out=out, day="2025-11-06")
    assert live.exists()
