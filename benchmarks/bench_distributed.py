"""A build in process against the same build on a Dask LocalCluster of worker processes, in the same run.

    python benchmarks/bench_distributed.py build [N ...]   graph build of N synthetic papers (default 1,000,000):
                                                            wall, CPU (driver + workers), driver and worker peaks,
                                                            and what each stage moved; saved to benchmarks/out/
    python benchmarks/bench_distributed.py embed [N]        sentence embeddings of N arXiv-bench abstracts (default
                                                            4,096; needs the semantic extra): papers per second in
                                                            one process (1 thread, every core) and on 2 workers
    python benchmarks/bench_distributed.py model [PAPERS WORKERS]
                                                            the scaling model from the saved builds: per stage, CPU
                                                            seconds and bytes moved per 1,000 papers, and the time
                                                            predicted for PAPERS (2,500,000) on WORKERS (16) machines

Each measurement runs in a fresh process; peaks are VmHWM (the driver's includes the LocalCluster's scheduler,
which runs in it). The cluster is started before the clock starts (it takes about half a second). The baseline is
the in-process build (``n_jobs=2``: both cores for the sparse products), measured in the same run.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
BENCH = HERE.parents[1] / "shared" / "bench"

_BUILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[3])
from synth import synth_corpus
import litgraph as lg

def peak_mb(status="/proc/self/status"):
    for line in open(status):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")

def worker_state():
    import time
    return {"peak_mb": peak_mb(), "cpu": time.process_time()}

n, mode = int(sys.argv[1]), sys.argv[2]
corpus = synth_corpus(n)
open("/proc/self/clear_refs", "w").write("5")
out = {"papers": n, "mode": mode}
if mode == "in-process":
    c, w = time.process_time(), time.perf_counter()
    with lg.engine.using(lg.engine.Engine()) as engine:
        g = lg.build_graph(corpus, n_jobs=2)
    out.update(wall=time.perf_counter() - w, cpu=time.process_time() - c, driver_peak_mb=peak_mb(), workers=[])
else:
    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=int(mode), threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=50, memory_limit=0) as cluster, Client(cluster) as client:
        before = client.run(worker_state)
        c, w = time.process_time(), time.perf_counter()
        with lg.engine.using(client) as engine:
            g = lg.build_graph(corpus, n_jobs=2)
        wall, cpu = time.perf_counter() - w, time.process_time() - c
        after = client.run(worker_state)
    out.update(wall=wall, cpu=cpu + sum(after[k]["cpu"] - before[k]["cpu"] for k in after),
               driver_cpu=cpu, driver_peak_mb=peak_mb(), workers=[after[k]["peak_mb"] for k in sorted(after)])
out["steps"] = {k: float(v) for k, v in g.timings.items()}
out["edges"] = int(g.n_edges)
out["stages"] = {k: vars(v) for k, v in engine.costs.items()}
print(json.dumps(out))
"""

_EMBED = r"""
import gzip, json, os, sys, time
import numpy as np
import litgraph as lg
from litgraph.edges import _features

n, mode, src = int(sys.argv[1]), sys.argv[2], sys.argv[3]
texts = []
with gzip.open(src, "rt", encoding="utf-8") as f:
    for line in f:
        r = json.loads(line)
        texts.append(_features.sentence_text(r.get("title", ""), r.get("abstract", "")))
        if len(texts) == n:
            break
if mode.startswith("threads="):
    enc = lg.edges.OnnxEncoder(threads=int(mode.split("=")[1]), progress=False)
    enc.encode(texts[:8])  # the model loaded before the clock starts, as on the workers below
    w, c = time.perf_counter(), time.process_time()
    v = enc.encode(texts)
    wall, cpu = time.perf_counter() - w, time.process_time() - c
else:
    from distributed import Client, LocalCluster
    enc = lg.edges.OnnxEncoder(progress=False)
    with LocalCluster(n_workers=int(mode), threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=50) as cluster, Client(cluster) as client:
        with lg.engine.using(client):
            _features.encode_texts(enc, texts[:600])  # each worker loads the model before the clock starts
            w = time.perf_counter()
            v = _features.encode_texts(enc, texts)
            wall = time.perf_counter() - w
        cpu = float("nan")
print(json.dumps({"mode": mode, "papers": len(texts), "wall": wall, "cpu": cpu, "rate": len(texts) / wall,
                  "checksum": float(np.abs(v).sum())}))
"""


def _child(code: str, *args: str) -> dict:
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_distributed: the child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def build(sizes: list[int]) -> None:
    OUT.mkdir(exist_ok=True)
    for n in sizes:
        here = _child(_BUILD, str(n), "in-process", str(HERE))
        there = _child(_BUILD, str(n), "2", str(HERE))
        (OUT / f"distributed-{n}.json").write_text(json.dumps({"in-process": here, "dask": there}, indent=1))
        print(f"\nGraph build of {n:,} synthetic papers ({here['edges']:,} linked pairs in process, "
              f"{there['edges']:,} on the cluster)")
        print(f"{'':34} {'wall s':>9} {'CPU s':>9} {'driver peak':>12} {'worker peaks':>18}")
        for label, r in (("in process (n_jobs=2)", here), ("LocalCluster, 2 worker processes", there)):
            workers = ", ".join(f"{p / 1024:.2f}" for p in r["workers"]) or "-"
            print(f"{label:34} {r['wall']:9.1f} {r['cpu']:9.1f} {r['driver_peak_mb'] / 1024:9.2f} GB "
                  f"{workers:>15} GB")
        print(f"{'ratio (cluster / in process)':34} {there['wall'] / here['wall']:9.2f} {there['cpu'] / here['cpu']:9.2f}")
        print(f"\n{'step (wall s)':34} {'in process':>11} {'cluster':>9}")
        for step in here["steps"]:
            print(f"{step:34} {here['steps'][step]:11.1f} {there['steps'].get(step, float('nan')):9.1f}")
        print(f"\n{'stage on the cluster':22} {'tasks':>6} {'sent MB':>9} {'back MB':>9} {'shared MB':>10} {'s':>7}"
              f" {'in process s':>13}")
        for name, c in there["stages"].items():
            mine = here["stages"].get(name, {}).get("seconds", float("nan"))
            print(f"{name:22} {c['tasks']:6d} {c['bytes_out'] / 1e6:9.1f} {c['bytes_back'] / 1e6:9.1f} "
                  f"{c['bytes_shared'] / 1e6:10.1f} {c['seconds']:7.1f} {mine:13.1f}")


def embed(n: int) -> None:
    src = BENCH / "arxiv-cs-2025.jsonl.gz"
    if not src.exists():
        sys.exit(f"bench_distributed: {src} is not here")
    rows = [_child(_EMBED, str(n), mode, str(src)) for mode in ("threads=1", "threads=2", "2")]
    base = rows[0]["rate"]
    print(f"\nSentence embeddings (all-MiniLM-L6-v2, 256 word pieces) of {rows[0]['papers']:,} arXiv abstracts")
    print(f"{'':40} {'wall s':>8} {'papers/s':>9} {'x 1 thread':>11} {'x 1 process':>12}")
    labels = ("one process, 1 thread", "one process, 2 threads (the default)", "LocalCluster, 2 workers x 1 thread")
    for label, r in zip(labels, rows):
        print(f"{label:40} {r['wall']:8.1f} {r['rate']:9.2f} {r['rate'] / base:11.2f} "
              f"{r['rate'] / rows[1]['rate']:12.2f}")
    same = abs(rows[2]["checksum"] - rows[1]["checksum"]) <= 1e-3 * rows[1]["checksum"]
    print(f"vectors on the cluster equal the in-process ones (sum of |v|): {same}")


def _parts(d: dict) -> tuple[dict, float]:
    """(core-seconds per cluster stage, the driver's seconds outside them) of one saved cluster build: a stage
    keeps every worker busy while it runs, so its core-seconds are its seconds times the workers."""
    run = d["dask"]
    cores = len(run["workers"]) or 1
    stages = {k: v["seconds"] * cores for k, v in run["stages"].items()}
    driver = sum(run["steps"].values()) - sum(v["seconds"] for v in run["stages"].values())
    return stages, driver


def model(papers: int, workers: int) -> None:
    """Per stage: core-seconds and MB moved per 1,000 papers at each saved size; growth exponents between the two
    largest; the predicted build time for ``papers`` papers on ``workers`` single-core workers."""
    saved = sorted((json.loads(p.read_text()) for p in OUT.glob("distributed-*.json")),
                   key=lambda d: d["in-process"]["papers"])
    if not saved:
        sys.exit("bench_distributed: run `build` first")
    print(f"\n{'stage':22} {'papers':>10} {'core-s/1k':>10} {'MB/1k moved':>12}")
    for d in saved:
        n = d["in-process"]["papers"]
        stages, driver = _parts(d)
        for name, c in d["dask"]["stages"].items():
            moved = (c["bytes_out"] + c["bytes_back"] + c["bytes_shared"]) / 1e6
            print(f"{name:22} {n:10,d} {stages[name] / n * 1e3:10.3f} {moved / n * 1e3:12.2f}")
        print(f"{'driver (the rest)':22} {n:10,d} {driver / n * 1e3:10.3f} {0.0:12.2f}")
    big, n = saved[-1], saved[-1]["in-process"]["papers"]
    stages, driver = _parts(big)
    grow = {k: 1.0 for k in [*stages, "driver"]}
    if len(saved) > 1:
        m = saved[-2]["in-process"]["papers"]
        small, small_driver = _parts(saved[-2])
        for k in stages:
            if small.get(k):
                grow[k] = math.log(stages[k] / small[k]) / math.log(n / m)
        grow["driver"] = math.log(driver / small_driver) / math.log(n / m)
    scale = papers / n
    spread = sum(v * scale ** max(grow[k], 1.0) for k, v in stages.items())
    on_driver = driver * scale ** max(grow["driver"], 1.0)
    cores = len(big["dask"]["workers"]) or 1
    moved = sum(c["bytes_out"] + c["bytes_back"] + c["bytes_shared"] / cores * workers
                for c in big["dask"]["stages"].values()) * scale
    net = moved / 1.25e9
    print(f"\nGrowth exponents ({saved[-2]['in-process']['papers'] if len(saved) > 1 else n:,} -> {n:,} papers; "
          f"below 1 counted as 1): " + ", ".join(f"{k} {v:.2f}" for k, v in grow.items()))
    print(f"Prediction for {papers:,} papers on {workers} single-core workers: the per-paper stages "
          f"{spread:,.0f} core-s -> {spread / workers:,.0f} s; the driver {on_driver:,.0f} s; {moved / 1e9:,.1f} GB "
          f"moved ({net:,.0f} s at 10 Gb/s if nothing overlaps); about {(spread / workers + on_driver + net) / 60:,.0f}"
          f" minutes for the graph build.")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "build"
    rest = [int(a.replace(",", "").replace("_", "")) for a in sys.argv[2:]]
    if what == "build":
        build(rest or [1_000_000])
    elif what == "embed":
        embed(rest[0] if rest else 4096)
    elif what == "model":
        model(*(rest or [2_500_000, 16]))
    else:
        sys.exit(__doc__)
