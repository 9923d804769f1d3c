"""The command line, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import litgraph as lg
from conftest import run_cli


def run(*args, cwd=None):
    """The command line, in process (the entry point itself is run as a subprocess by test_version)."""
    return run_cli(*args, cwd=cwd)


def test_version():
    """The entry point as a real subprocess (`python -m litgraph`)."""
    r = subprocess.run([sys.executable, "-m", "litgraph", "--version"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == f"litgraph {lg.__version__}"


def test_ingest_then_papers(tmp_path, sample_paths):
    db = tmp_path / "lg.db"
    r = run("ingest", *sample_paths[:2], "--db", db)
    assert r.returncode == 0, r.stderr
    assert "2 digest(s): 132 new paper(s)" in r.stdout
    r = run("ingest", sample_paths[2].parent, "--db", db)
    assert r.returncode == 0 and "1 digest(s)" in r.stdout and "2 digest(s) already stored" in r.stdout
    r = run("ingest", *sample_paths, "--db", db)
    assert r.returncode == 0 and r.stdout.startswith("nothing new")
    r = run("papers", "--db", db, "--format", "json")
    assert r.returncode == 0
    rows = json.loads(r.stdout)
    assert len(rows) == 339 and {"id", "title", "first_seen_at", "n_appearances"} <= set(rows[0])
    r = run("papers", "--db", db)
    assert r.returncode == 0 and "VQGraph" in r.stdout


def test_bad_input_is_one_line_and_exit_1(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("T1\nAbstract one. Long enough to count.\nT2\n")
    r = run("ingest", bad, "--db", tmp_path / "x.db")
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("litgraph: error: ") and "bad.txt:3" in r.stderr
    r = run("ingest", tmp_path / "missing.txt", "--db", tmp_path / "x.db")
    assert r.returncode == 1 and "no such file" in r.stderr


def test_lenient_ingest_warns_and_continues(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("T1\nAbstract one. Long enough to count.\nT2\n")
    r = run("ingest", bad, "--db", tmp_path / "x.db", "--lenient")
    assert r.returncode == 0 and "warning: " in r.stderr and "skipped 1 bad record" in r.stderr


def test_papers_without_store(tmp_path):
    r = run("papers", "--db", tmp_path / "none.db")
    assert r.returncode == 1 and "no such store" in r.stderr


def test_bad_arguments_exit_2():
    r = run("ingest", "--db")
    assert r.returncode == 2 and "usage:" in r.stderr
    r = run("frobnicate")
    assert r.returncode == 2


def test_ingest_needs_digests_or_sample(tmp_path):
    r = run("ingest", "--db", tmp_path / "x.db")
    assert r.returncode == 1 and "no digests given" in r.stderr
    r = run("ingest", "--sample", "--db", tmp_path / "x.db")
    assert r.returncode == 0 and "339 new paper(s)" in r.stdout


def test_progress_bar_on_a_terminal_only(tmp_path, sample_paths):
    import fcntl
    import os
    import pty
    import struct
    import termios

    out = tmp_path / "g.json"
    pid, fd = pty.fork()
    if pid == 0:  # the child runs the CLI on a pseudo-terminal of 24 x 100 characters
        try:
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
            os.execv(sys.executable, [sys.executable, "-m", "litgraph", "build", str(sample_paths[1]), "--out",
                                      str(out)])
        finally:
            os._exit(1)
    chunks = []
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    screen = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0 and out.exists()
    assert "building and analysing the graph" in screen and "/4" in screen  # the bar's step counter
    piped = run("build", sample_paths[1], "--out", tmp_path / "h.json")
    assert piped.returncode == 0 and "building" not in piped.stderr and piped.stderr == ""


def test_broken_bibtex_gives_one_line_not_library_noise(tmp_path):
    f = tmp_path / "p.bib"
    f.write_text("@article{a,\n title={A},\n abstract={B.}\n}\n@article{b,\n title = {x\n")
    r = run("ingest", f, "--db", tmp_path / "x.db")
    assert r.returncode == 1 and r.stderr.count("\n") == 1
    assert "p.bib:5: BibTeX block could not be parsed (Unexpectedly reached end of file)" in r.stderr
