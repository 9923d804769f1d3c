"""The whole ``litgraph report`` run, stage by stage: CPU seconds, wall seconds and peak memory.

Inputs: the bundled sample, the real 580-day daily-papers archive and the 22,393-paper arXiv set from
``../shared/bench/`` (skipped when absent; never bundled), and synthetic corpora made from the sample's
sentences (``benchmarks/synth.py``). Each input runs in a fresh process, as cron runs it, so import
time counts; CPU seconds include the worker processes. Prints one table, plus the growth exponent of CPU time between the synthetic sizes.

Run: python benchmarks/bench_report.py [--detail] [--similarity semantic|fused] [sample] [archive] [archive-daily]
     [arxiv] [synth:10000] [synth:30000] ...
(--detail adds CPU seconds per concept/edge layer and per analysis step, indented; --similarity runs the reports
with that text similarity; archive-daily times the daily run that adds the archive's last day to a store holding
a report of all the days before it, as cron runs it.)
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parents[1] / "shared" / "bench"

_CHILD = r"""
import json, os, resource, sys, time
t0 = time.process_time(); w0 = time.perf_counter()
stages = {}
def timed(module, name, label):
    fn = getattr(module, name)
    def run(*a, **k):
        c, w = time.process_time(), time.perf_counter()
        try:
            return fn(*a, **k)
        finally:
            old = stages.get(label, (0.0, 0.0, 0.0))
            stages[label] = (old[0] + time.process_time() - c, old[1] + time.perf_counter() - w,
                             resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024)
    setattr(module, name, run)
import litgraph.pipeline as P, litgraph.report as R, litgraph.export as E, litgraph.ingest as I, litgraph.store as S
stages["import"] = (time.process_time() - t0, time.perf_counter() - w0, 0.0)
timed(I, "read_digests", "read digests"); timed(S.Store, "add", "store add"); timed(S.Store, "corpus", "store load")
timed(P, "build_graph", "build graph"); timed(P, "analyze", "analyse"); timed(R, "report_data", "report data")
for name, label in (("write_html", "write html"), ("write_graphml", "write graphml"), ("write_csv", "write csv")):
    timed(E, name, label)
# inside the graph and the analysis, when asked (--detail): CPU per layer and per analysis step
if os.environ.get("BENCH_DETAIL"):
    import litgraph.analysis._result as AR, litgraph.concepts as C
    from litgraph.edges import LAYERS
    timed(C.ConceptExtractor, "fit", "  concept extraction")
    for kind, cls in LAYERS.items():
        timed(cls, "fit", f"  layer {kind}")
    for name in ("detect_communities", "centralities", "label_communities", "modularity", "key_paper_scores"):
        timed(AR, name, f"  {name}")
    import litgraph.incremental as INC
    timed(INC.GraphState, "from_graph", "state from graph"); timed(INC.GraphState, "to_bytes", "state to bytes")
    timed(S.Store, "save_state", "store save state"); timed(S.Store, "record_run", "store record run")
    timed(E, "stable_positions", "layout"); timed(R, "_write_summary", "write summary")
digests, db, out, day = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
params = {"similarity": os.environ["BENCH_SIMILARITY"]} if os.environ.get("BENCH_SIMILARITY") else None
result = R.run_report(digests, db=db, out=out, day=day, force=True, params=params)  # a fixed day for every input
if os.environ.get("BENCH_PREPARE"):
    sys.exit(0)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
size = sum(p.stat().st_size for p in result.folder.iterdir()) / 1e6
kids = os.times().children_user + os.times().children_system
print(json.dumps({"stages": stages, "cpu": time.process_time() - t0 + kids, "workers": kids,
                  "wall": time.perf_counter() - w0, "peak_gb": peak, "papers": result.data["corpus"]["papers"],
                  "folder_mb": size, "run": result.data["run"]["kind"],
                  "encoded": result.data["graph"].get("similarity", {}).get("encoded", 0)}))
"""


def _inputs(names: list[str], work: Path) -> list[tuple]:
    """(label, digests[, digests reported on the day before, untimed]) per input name."""
    out = []
    for name in names:
        if name == "sample":
            import litgraph as lg

            out.append(("bundled sample", [str(p) for p in lg.sample_paths()]))
        elif name in ("archive", "archive-daily"):
            tar = BENCH / "hf-daily-papers-2024-2026.tar.gz"
            if not tar.exists():
                print(f"skip archive: {tar} is not here")
                continue
            if not (work / "hf-daily-papers").is_dir():
                with tarfile.open(tar) as t:
                    t.extractall(work, filter="data")
            if name == "archive":
                out.append(("real daily-papers archive", [str(work / "hf-daily-papers")]))
            else:
                days = sorted(str(p) for p in (work / "hf-daily-papers").iterdir())
                out.append(("archive daily run (1 new day)", days[-1:], days[:-1]))
        elif name == "arxiv":
            src = BENCH / "arxiv-cs-2025.jsonl.gz"
            if not src.exists():
                print(f"skip arxiv: {src} is not here")
                continue
            import gzip

            dst = work / "arxiv-cs-2025.jsonl"
            dst.write_bytes(gzip.decompress(src.read_bytes()))
            out.append(("arXiv bench (22,393)", [str(dst)]))
        elif name.startswith("synth:"):
            n = int(name.split(":")[1])
            sys.path.insert(0, str(HERE))
            from synth import synth_corpus_file

            out.append((f"synthetic {n:,}", [str(synth_corpus_file(n, work / f"synth-{n}.jsonl"))]))
    return out


def main(argv: list[str]) -> None:
    env = dict(os.environ)
    if "--detail" in argv:
        argv = [a for a in argv if a != "--detail"]
        env["BENCH_DETAIL"] = "1"
    if "--similarity" in argv:
        at = argv.index("--similarity")
        env["BENCH_SIMILARITY"] = argv[at + 1]
        argv = argv[:at] + argv[at + 2:]
    names = argv or ["sample", "archive"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for i, (label, digests, *before) in enumerate(_inputs(names, work)):
            run = work / f"run-{i}"
            run.mkdir()
            if before:  # the report of the days before, in its own process and untimed
                r = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(before[0]), str(run / "lg.db"),
                                    str(run / "out"), "2029-12-31"], capture_output=True, text=True,
                                   env={**env, "BENCH_PREPARE": "1"})
                if r.returncode != 0:
                    print(f"{label}: the report of the days before failed\n{r.stderr[-2000:]}")
                    continue
            r = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(digests), str(run / "lg.db"),
                                str(run / "out"), "2030-01-01"], capture_output=True, text=True, env=env)
            if r.returncode != 0:
                print(f"{label}: failed\n{r.stderr[-2000:]}")
                continue
            rows.append((label, json.loads(r.stdout.strip().splitlines()[-1])))
    if env.get("BENCH_SIMILARITY"):
        print(f"\ntext similarity: {env['BENCH_SIMILARITY']}")
    print(f"\n{'input':<30} {'papers':>7} {'build':>12} {'encoded':>8} {'CPU s':>7} {'workers':>8} {'wall s':>7} "
          f"{'peak GB':>8} {'folder MB':>10}")
    for label, d in rows:
        print(f"{label:<30} {d['papers']:>7,} {d['run']:>12} {d['encoded']:>8,} {d['cpu']:>7.1f} {d['workers']:>8.1f} "
              f"{d['wall']:>7.1f} {d['peak_gb']:>8.2f} {d['folder_mb']:>10.1f}")
    print("\nper stage, CPU s of the main process / wall s (worker processes' CPU is in the 'workers' column)")
    for label, d in rows:
        print(f"{label:<28} " + ", ".join(f"{n} {c:.1f}/{w:.1f}" for n, (c, w, _) in d["stages"].items()))
    print("\npeak memory (GB) after each stage, in the order they ended")
    for label, d in rows:
        print(f"{label:<28} " + ", ".join(f"{n.strip()} {m:.2f}" for n, (_, _, m) in d["stages"].items() if m))
    synth = [(d["papers"], d["cpu"]) for label, d in rows if label.startswith("synthetic")]
    for (n0, c0), (n1, c1) in zip(synth, synth[1:]):
        print(f"growth exponent {n0:,} -> {n1:,}: {math.log(c1 / c0) / math.log(n1 / n0):.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
