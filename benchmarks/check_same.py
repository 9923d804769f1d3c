"""Are litgraph's outputs the same as a saved run's? A guard for changes meant to keep every result.

``save DIR`` writes, for the bundled sample, the real 580-day archive and the 22,393 arXiv papers of
``../shared/bench`` (each skipped when absent; never bundled): every edge with its weight, score,
concepts and evidence; the combined pairs; each paper's community, centralities and the community labels
under seed 0; and ``report.json`` of two real ``litgraph report`` runs on the archive (a full build of
all but its last 4 files (4 days before the last), then the daily run that adds them, which is an incremental update).
``compare DIR`` computes the same again and prints, per output, whether it is identical (floats within
1e-9), with the CPU seconds of each build beside those saved, so a change's speed is read in the same run.

Run: python benchmarks/check_same.py save /tmp/before    (on the old tree)
     python benchmarks/check_same.py compare /tmp/before (on the new tree)
"""

from __future__ import annotations

import gzip
import json
import pickle
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "bench"
ARCHIVE, ARXIV = SHARED / "hf-daily-papers-2024-2026.tar.gz", SHARED / "arxiv-cs-2025.jsonl.gz"
TOL = 1e-9


def _graph_outputs(corpus) -> dict:
    import litgraph as lg

    t = time.process_time()
    g = lg.build_graph(corpus, seed=0)
    build = time.process_time() - t
    edges = g.edges_frame().sort_values(["kind", "source", "target"], kind="mergesort").reset_index(drop=True)
    pairs = g.pairs_frame().sort_values(["source", "target"], kind="mergesort").reset_index(drop=True)
    t = time.process_time()
    a = lg.analyze(g)
    analysis = time.process_time() - t
    papers = a.papers_frame().sort_values("id", kind="mergesort").reset_index(drop=True)
    labels = pd.DataFrame({"community": range(a.n_communities), "label": [a.label(c) for c in range(a.n_communities)]})
    return {"edges": edges, "pairs": pairs, "papers": papers, "labels": labels,
            "_cpu": {"build": build, "analysis": analysis}}


def _archive_reports(folder: Path, work: Path) -> dict:
    files = sorted(folder.glob("*.json"))
    feed = work / "feed"
    feed.mkdir()
    out = {}
    for name, upto in (("report_full", files[:-4]), ("report_daily", files)):
        for f in upto:
            if not (feed / f.name).exists():
                (feed / f.name).symlink_to(f)
        t = time.time()
        r = subprocess.run([sys.executable, "-m", "litgraph", "report", str(feed), "--db", str(work / "lg.db"),
                            "--out", str(work / "out"), "--date", upto[-1].stem, "--lenient", "-q"],
                           capture_output=True, text=True)
        if r.returncode:
            raise SystemExit(f"litgraph report failed:\n{r.stderr[-2000:]}")
        out[name] = json.loads((work / "out" / upto[-1].stem / "report.json").read_text(encoding="utf-8"))
        out[name]["versions"] = None  # the same tree's outputs, whatever the library versions
        out.setdefault("_cpu", {})[name + " (wall)"] = time.time() - t
    return out


def collect() -> dict:
    import litgraph as lg

    found = {"sample": _graph_outputs(lg.load_sample())}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if ARCHIVE.exists():
            with tarfile.open(ARCHIVE) as t:
                t.extractall(work / "all", filter="data")
            folder = work / "all" / "hf-daily-papers"
            found["archive"] = _graph_outputs(lg.read_digests(folder, strict=False))
            found["archive reports"] = _archive_reports(folder, work)
    if ARXIV.exists():
        with gzip.open(ARXIV, "rt", encoding="utf-8") as fh:
            found["arxiv"] = _graph_outputs(lg.parse_digest(fh.read(), source="arxiv-cs-2025.jsonl"))
    return found


def _same(a, b, where: str) -> list[str]:
    """Where two saved values differ (floats within TOL)."""
    if isinstance(a, pd.DataFrame):
        if list(a.columns) != list(b.columns) or len(a) != len(b):
            return [f"{where}: columns or rows differ ({list(a.columns)} x {len(a)} vs {list(b.columns)} x {len(b)})"]
        return [d for c in a.columns for d in _same(a[c].to_numpy(), b[c].to_numpy(), f"{where}.{c}")]
    if isinstance(a, np.ndarray) and a.dtype.kind == "f":
        b = np.asarray(b, dtype=np.float64)
        bad = ~((np.abs(a - b) <= TOL) | (np.isnan(a) & np.isnan(b)))
        return [f"{where}: {int(bad.sum())} values differ, e.g. row {np.flatnonzero(bad)[0]}: {a[bad][0]!r} vs "
                f"{b[bad][0]!r}"] if bad.any() else []
    if isinstance(a, np.ndarray):
        diff = [i for i, (x, y) in enumerate(zip(a.tolist(), b.tolist())) if x != y]
        return [f"{where}: {len(diff)} values differ, e.g. row {diff[0]}: {a[diff[0]]!r} vs {b[diff[0]]!r}"] if diff \
            else []
    if isinstance(a, dict):
        keys = sorted(set(a) | set(b))
        return [d for k in keys if not str(k).startswith("_")
                for d in (_same(a.get(k), b.get(k), f"{where}.{k}") if k in a and k in b else [f"{where}.{k}: only "
                                                                                            f"in one"])]
    if isinstance(a, float) and isinstance(b, float):
        return [] if abs(a - b) <= TOL else [f"{where}: {a!r} vs {b!r}"]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in _same(x, y, f"{where}[{i}]")]
    return [] if a == b else [f"{where}: {str(a)[:200]!r} vs {str(b)[:200]!r}"]


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "compare"):
        raise SystemExit(__doc__)
    where = Path(sys.argv[2])
    now = collect()
    if sys.argv[1] == "save":
        where.mkdir(parents=True, exist_ok=True)
        (where / "outputs.pkl").write_bytes(pickle.dumps(now))
        print(f"saved {', '.join(now)} to {where}")
        return
    before = pickle.loads((where / "outputs.pkl").read_bytes())
    print(f"{'corpus':<16} {'output':<14} {'same':<6} detail")
    failed = False
    for name, parts in now.items():
        if name not in before:
            print(f"{name:<16} {'(not saved)':<14}")
            continue
        for key in [k for k in parts if not k.startswith("_")]:
            diffs = _same(before[name][key], parts[key], key)
            failed |= bool(diffs)
            run = parts[key].get("run", {}).get("kind", "") if isinstance(parts[key], dict) else ""
            print(f"{name:<16} {key:<14} {'yes' if not diffs else 'NO':<6} {'; '.join(diffs[:3]) or run}")
        for step, secs in parts.get("_cpu", {}).items():
            print(f"{name:<16} {'CPU ' + step:<14}        {secs:.2f} s now, {before[name]['_cpu'][step]:.2f} s saved")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
