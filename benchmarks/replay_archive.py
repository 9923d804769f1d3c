"""The daily report as cron runs it, replayed over the real 580-day archive.

Reads ``../shared/bench/hf-daily-papers-2024-2026.tar.gz`` (skipped when absent; never bundled).
The first ``--first`` days (default 550) go into one ``litgraph report`` run; then every later day
is one run of its own, in a fresh process, given the whole folder of files seen so far (as a cron
job pointed at the capture folder would be). For each run it prints: whether it was a full build or
an incremental one, CPU seconds of the whole process, peak memory, the dated folder's size, and the
share of the papers of the previous report that kept their community id.

On the last day it also runs a full rebuild (``--refit``) of the same store, measured in the same
way, as the plain baseline, and compares it with the incremental result: overlap of every paper's
10 strongest neighbours, agreement of the communities (ARI), and of the top-15 key papers.
It ends with the rising concepts of the last replayed day, one window per line.

Run: python benchmarks/replay_archive.py [--first 550] [--days 30]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "hf-daily-papers-2024-2026.tar.gz"

_CHILD = r"""
import json, os, resource, sys, time
t0 = time.process_time()
from litgraph.cli import run
day, db, out, refit, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5:]
args = ["report", *files, "--db", db, "--out", out, "--date", day, "-q"] + (["--refit"] if refit else [])
sys.argv = ["litgraph", *args]
try:
    run()  # the console command itself
except SystemExit as done:
    code = done.code
kids = os.times().children_user + os.times().children_system
print(json.dumps({"code": code, "cpu": time.process_time() - t0 + kids,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024}))
"""


def _run(day: str, db: Path, out: Path, files: list[str], refit: bool = False) -> dict:
    r = subprocess.run([sys.executable, "-c", _CHILD, day, str(db), str(out), "1" if refit else "0", *files],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"run of {day} failed:\n{r.stderr[-3000:]}")
    stats = json.loads(r.stdout.strip().splitlines()[-1])
    folder = out / day
    stats["folder_mb"] = sum(p.stat().st_size for p in folder.iterdir()) / 1e6 if folder.is_dir() else 0.0
    stats["report"] = json.loads((folder / "report.json").read_text(encoding="utf-8")) if folder.is_dir() else None
    return stats


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--first", type=int, default=550, help="days in the first run (default %(default)s)")
    ap.add_argument("--days", type=int, default=30, help="daily runs after it (default %(default)s)")
    args = ap.parse_args()
    if not BENCH.exists():
        print(f"replay_archive: {BENCH} is not here; nothing to measure (the bench data is never bundled).")
        return
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(BENCH) as t:
            t.extractall(work / "all", filter="data")
        files = sorted((work / "all" / "hf-daily-papers").glob("*.json"))
        feed = work / "feed"  # the folder cron reads: it gains one file a day
        feed.mkdir()
        db, out = work / "lg.db", work / "out"
        first = files[:args.first]
        for f in first:
            shutil.copy(f, feed / f.name)
        rows = []
        r = _run(first[-1].stem, db, out, [str(feed)])
        rows.append((first[-1].stem, r))
        later = files[args.first:args.first + args.days]
        db2, out2 = work / "full.db", work / "out-full"
        compared = None  # the last incremental run: its store is copied, for the full rebuild to compare with
        for f in later:
            shutil.copy(f, feed / f.name)
            r = _run(f.stem, db, out, [str(feed)])
            rows.append((f.stem, r))
            if r["report"]["run"]["kind"] == "incremental":
                _copy_store(db, db2)
                compared = (f.stem, r)
        print(f"{'day':<11} {'build':<12} {'papers':>7} {'new':>5} {'CPU s':>6} {'peak GB':>8} {'folder MB':>10} "
              f"{'kept id':>8}")
        for day, r in rows:
            rep = r["report"]
            kept = rep["topic_changes"]["kept_share"]
            print(f"{day:<11} {rep['run']['kind']:<12} {rep['corpus']['papers']:>7,} {rep['run']['new_papers']:>5} "
                  f"{r['cpu']:>6.1f} {r['peak_gb']:>8.2f} {r['folder_mb']:>10.2f} "
                  f"{'' if kept is None else f'{kept:.1%}':>8}")
        daily = [r for _, r in rows[1:] if r["report"]["run"]["kind"] == "incremental"]
        if daily:
            cpu = sorted(r["cpu"] for r in daily)
            print(f"\nincremental runs: {len(daily)}; CPU s median {cpu[len(cpu) // 2]:.1f}, max {cpu[-1]:.1f}; "
                  f"peak GB max {max(r['peak_gb'] for r in daily):.2f}")
        kept = [r["report"]["topic_changes"]["kept_share"] for _, r in rows[1:]]
        kept = [k for k in kept if k is not None]
        if kept:
            print(f"community id kept from one day to the next: min {min(kept):.1%}, mean {sum(kept) / len(kept):.1%}")

        # the plain baseline: a full rebuild of the last incremental day, from a copy of its store
        if compared is not None:
            day, last = compared
            db3 = work / "inc.db"
            _copy_store(db2, db3)
            full = _full(day, db2, out2)
            print(f"\n{day}: incremental run {last['cpu']:.1f} CPU s; full rebuild of the same store "
                  f"{full['cpu']:.1f} CPU s, peak {full['peak_gb']:.2f} GB")
            _compare(db3, db2, last["report"], full["report"])
        print("\nrising concepts of the last replayed day:")
        for w in rows[-1][1]["report"]["trends"]:
            items = ", ".join(f"{t['concept']} ({t['papers']})" for t in w["rising"])
            print(f"  {w['window']} ({w['papers']} papers): {items or '-'}")
            if w["new_concepts"]:
                print("    new: " + ", ".join(f"{t['concept']} ({t['papers']})" for t in w["new_concepts"]))


def _copy_store(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        s, d = Path(str(src) + suffix), Path(str(dst) + suffix)
        if s.exists():
            shutil.copy(s, d)
        elif d.exists():
            d.unlink()


def _full(day: str, db: Path, out: Path) -> dict:
    """The same report again with --refit --force: a full rebuild over the same store."""
    child = _CHILD.replace('+ (["--refit"] if refit else [])', '+ ["--refit", "--force"]')
    r = subprocess.run([sys.executable, "-c", child, day, str(db), str(out), "1"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"full rebuild failed:\n{r.stderr[-3000:]}")
    stats = json.loads(r.stdout.strip().splitlines()[-1])
    stats["report"] = json.loads((out / day / "report.json").read_text(encoding="utf-8"))
    return stats


def _compare(db_inc: Path, db_full: Path, inc: dict, full: dict) -> None:
    """Neighbours, communities and key papers of the incremental run against the full rebuild."""
    import numpy as np
    from sklearn.metrics import adjusted_rand_score

    import litgraph as lg
    from litgraph.incremental import GraphState
    from litgraph.report import STATE_KEY

    graphs = []
    for db in (db_inc, db_full):
        with lg.Store(db) as store:
            state = GraphState.from_bytes(store.load_state(STATE_KEY))
            corpus = store.corpus()
            topics = store.last_run("report")["summary"]["topics"]
        graphs.append((state, corpus, {pid: int(t) for t, ms in topics.items() for pid in ms}))

    def top10(state):
        e = state.edges
        out: dict[str, list] = {}
        for s, t, w in zip(e["source"], e["target"], e["score"]):
            out.setdefault(s, []).append((w, t))
            out.setdefault(t, []).append((w, s))
        return {k: {x for _, x in sorted(v, reverse=True)[:10]} for k, v in out.items()}

    a, b = top10(graphs[0][0]), top10(graphs[1][0])
    jac = [len(a.get(k, set()) & b[k]) / len(a.get(k, set()) | b[k]) for k in b if b[k]]
    ids = graphs[1][1].ids
    ma = np.array([graphs[0][2].get(p, -1) for p in ids])
    mb = np.array([graphs[1][2].get(p, -1) for p in ids])
    ka = {p["id"] for p in inc["key_papers"]}
    kb = {p["id"] for p in full["key_papers"]}
    print(f"incremental vs full rebuild: top-10 neighbours (similarity and concept links) Jaccard {np.mean(jac):.3f}; "
          f"communities ARI {adjusted_rand_score(mb, ma):.3f}; key papers in common {len(ka & kb)} of {len(kb)}")


if __name__ == "__main__":
    main()
