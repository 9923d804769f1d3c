"""Time and peak memory of graph building per layer, at 1,000 / 10,000 / 100,000 papers.

The corpora are synthesised from the sample abstracts (benchmarks/synth.py). Each size
runs in a fresh process; the peak resident memory of each step is read from the kernel
(VmHWM, reset before the step through /proc/self/clear_refs).

Also: communities (Leiden, Louvain), centralities, the whole analysis, and the accuracy
of sampled betweenness against exact on a 2,000-paper graph.

Run: python benchmarks/bench_graph.py [SIZES...]     e.g. python benchmarks/bench_graph.py 1000 10000
     python benchmarks/bench_graph.py --build 1000000   one graph build only (the 1M-paper scale check)
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def run_one(n: int) -> dict:
    sys.path.insert(0, str(HERE))
    import litgraph as lg
    from litgraph.build import ordered
    from litgraph.edges import LAYERS, BuildContext
    from litgraph.edges._base import linked_pairs
    from synth import synth_corpus

    rows = []
    t = time.perf_counter()
    corpus = synth_corpus(n)
    rows.append(("synthesise corpus", time.perf_counter() - t, _peak_mb()))
    _reset_peak()
    t = time.perf_counter()
    concepts = lg.ConceptExtractor().fit(corpus).concepts_
    rows.append(("concept extraction", time.perf_counter() - t, _peak_mb()))
    ctx = BuildContext(corpus=corpus, concepts=concepts, n_jobs=2)
    edges = {}
    layers = {kind: make() for kind, make in LAYERS.items()}
    for kind in ordered(layers, layers):
        if layers[kind].reads_links:
            ctx.supported_pairs = linked_pairs(corpus, list(edges.values()))
        _reset_peak()
        t = time.perf_counter()
        edges[kind] = layers[kind].build(ctx)
        rows.append((f"layer {kind} ({len(edges[kind])} edges)", time.perf_counter() - t, _peak_mb()))
    _reset_peak()
    t = time.perf_counter()
    g = lg.build_graph(corpus, concepts=concepts, n_jobs=2)
    g.pairs_frame()
    rows.append((f"build_graph, all layers + combine ({g.n_edges} pairs)", time.perf_counter() - t + rows[1][1],
                 _peak_mb()))
    from litgraph.analysis import centralities, detect_communities, modularity

    for method in ("leiden", "louvain"):
        _reset_peak()
        t = time.perf_counter()
        m = detect_communities(g, method=method, seed=0)
        secs = time.perf_counter() - t
        q = modularity(g, m)
        rows.append((f"communities {method} ({len(set(m.tolist()) - {-1})} found, Q={q:.3f})", secs, _peak_mb()))
    _reset_peak()
    t = time.perf_counter()
    cent, info = centralities(g, m, seed=0)
    how = "exact" if info["betweenness"] == "exact" else f"{info['betweenness_samples']} sampled sources"
    rows.append((f"centralities (betweenness {how})", time.perf_counter() - t, _peak_mb()))
    _reset_peak()
    t = time.perf_counter()
    lg.analyze(g, seed=0)
    rows.append(("analyze (communities, centralities, labels)", time.perf_counter() - t, _peak_mb()))
    return {"n": n, "rows": rows}


def betweenness_accuracy(n: int = 2000, samples: int = 256) -> str:
    """Sampled against exact betweenness on a graph where exact is affordable."""
    sys.path.insert(0, str(HERE))
    import numpy as np
    import pandas as pd

    import litgraph as lg
    from litgraph.analysis import centralities
    from synth import synth_corpus

    g = lg.build_graph(synth_corpus(n))
    exact, _ = centralities(g, exact_betweenness_max=n)
    lines = []
    for s in (samples, samples * 2):
        approx, _ = centralities(g, exact_betweenness_max=0, betweenness_samples=s, seed=0)
        top = len(set(exact["betweenness"].nlargest(50).index) & set(approx["betweenness"].nlargest(50).index))
        rho = pd.Series(exact["betweenness"]).corr(pd.Series(approx["betweenness"]), method="spearman")
        err = np.abs(exact["betweenness"] - approx["betweenness"]).sum() / exact["betweenness"].sum()
        lines.append(f"{n} papers, {s} sampled sources: top-50 overlap {top}/50, Spearman {rho:.3f}, "
                     f"relative L1 error {err:.3f}")
    return "\n".join(lines)


def build_only(n: int) -> None:
    """One graph build of ``n`` synthetic papers (no analysis, no HTML): CPU, wall, peak memory, per layer."""
    import resource

    sys.path.insert(0, str(HERE))
    import litgraph as lg
    from synth import synth_corpus

    import logging

    class _Peaks(logging.Handler):  # the peak so far as each layer finishes (litgraph logs every layer)
        def emit(self, record):
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
            print(f"  {record.getMessage()}; peak so far {peak:.1f} GiB", flush=True)

    logging.getLogger("litgraph").addHandler(_Peaks())
    logging.getLogger("litgraph").setLevel(logging.INFO)
    corpus = synth_corpus(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    c0, w0 = time.process_time(), time.perf_counter()
    g = lg.build_graph(corpus, seed=0, n_jobs=2)
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"{n:,} synthetic papers: graph build {cpu:.0f} CPU-s, {wall:.0f} s wall, peak memory {peak:.1f} GiB "
          f"= {peak * 1.073741824:.1f} GB (the corpus alone {before:.1f} GiB); {g.n_edges:,} linked pairs")
    print("wall seconds per step: " + ", ".join(f"{k} {v:.0f}" for k, v in g.timings.items()))


def main(argv: list[str]) -> None:
    if argv and argv[0] == "--build":
        build_only(int(argv[1]))
        return
    if argv and argv[0] == "--one":
        print(json.dumps(run_one(int(argv[1]))))
        return
    if argv and argv[0] == "--betweenness":
        print(betweenness_accuracy())
        return
    sizes = [int(a) for a in argv] or [1000, 10000, 100000]
    print(f"{'papers':>8}  {'step':<58} {'seconds':>8} {'peak MB':>8}")
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True)
        if out.returncode != 0:
            print(out.stderr)
            raise SystemExit(1)
        res = json.loads(out.stdout.strip().splitlines()[-1])
        for step, secs, mb in res["rows"]:
            print(f"{n:>8}  {step:<58} {secs:>8.2f} {mb:>8.0f}", flush=True)
    print()
    print("Sampled betweenness against exact:")
    print(subprocess.run([sys.executable, __file__, "--betweenness"], capture_output=True, text=True).stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
