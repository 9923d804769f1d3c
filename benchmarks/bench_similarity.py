"""The word-similarity layer at scale: CPU, recall against exact neighbours, and (on arXiv) agreement@10.

For each corpus the layer is built as the package runs it (``default``: the exact product where it
fits, see ``EXACT_MAX_PRODUCT``) and with each candidate cap forced (``SimilarityEdges(max_papers=...)``),
and compared with the exact answer over the same vectors: the 10 most similar papers of 1,000
sampled papers by brute-force cosine (``recall@10``: the share of them among the paper's 10
strongest similarity links). The plain baseline, measured in the same run, is the exact
product with every term (no cap: ``max_papers`` = the corpus size), where it fits.
On the arXiv bench the categories give agreement@10 as well (see ``eval_neighbours.py``).

Run: python benchmarks/bench_similarity.py [arxiv] [synth:30000] [synth:100000] [--caps 2000,1000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BENCH = HERE.parents[1] / "shared" / "bench"
QUERIES = 1000


def _corpus(name: str):
    if name == "arxiv":
        sys.path.insert(0, str(HERE))
        from eval_neighbours import load

        if not (BENCH / "arxiv-cs-2025.jsonl.gz").exists():
            return None, None
        return load(None)
    sys.path.insert(0, str(HERE))
    from synth import synth_corpus

    return synth_corpus(int(name.split(":")[1])), None


def _ranked(n: int, src: np.ndarray, dst: np.ndarray, score: np.ndarray) -> list[np.ndarray]:
    """Each paper's linked papers, strongest first (ties by position)."""
    a, b, s = np.concatenate([src, dst]), np.concatenate([dst, src]), np.concatenate([score, score])
    order = np.lexsort((b, -s, a))
    a, b = a[order], b[order]
    bounds = np.searchsorted(a, np.arange(n + 1))
    return [b[bounds[i]:bounds[i + 1]] for i in range(n)]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs", nargs="*", default=["arxiv", "synth:30000"])
    ap.add_argument("--caps", default="2000,1000,500")
    args = ap.parse_args()
    import litgraph as lg
    from litgraph.edges import BuildContext
    from litgraph.edges import similarity as sim

    default_budget = sim.EXACT_MAX_PRODUCT

    print(f"{'corpus':<16} {'candidates':>15} {'CPU s':>7} {'wall s':>7} {'recall@10':>10} {'agree@10':>9}")
    for name in args.inputs:
        corpus, labels = _corpus(name)
        if corpus is None:
            print(f"skip {name}: {BENCH} is not here")
            continue
        n = len(corpus)
        ctx = BuildContext(corpus=corpus, n_jobs=2)
        x = lg.edges.SimilarityEdges().vectors(ctx)
        rng = np.random.default_rng(0)
        queries = np.sort(rng.choice(n, size=min(QUERIES, n), replace=False))
        exact = (x[queries] @ x.T).toarray()
        exact[np.arange(len(queries)), queries] = -np.inf
        truth = [set(np.argsort(-row, kind="stable")[:10].tolist()) - {q} for q, row in zip(queries, exact)]
        caps = [int(c) for c in args.caps.split(",")]
        fits = n <= 30_000  # the uncapped exact product: the plain baseline, where it fits in time
        runs = [("default", None)] + ([("exact (no cap)", n)] if fits else []) + [(f"cap {c:,}", c) for c in caps]
        for label, cap in runs:
            step = lg.edges.SimilarityEdges() if cap is None else lg.edges.SimilarityEdges(max_papers=max(cap, 2))
            # a cap row takes the capped path even where the default would run the exact product
            sim.EXACT_MAX_PRODUCT = default_budget if cap is None or cap == n else 0.0
            c0, w0 = time.process_time(), time.perf_counter()
            e = step.fit(ctx).edges_
            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
            sim.EXACT_MAX_PRODUCT = default_budget
            src, dst = corpus.positions(e["source"]), corpus.positions(e["target"])
            mine = _ranked(n, src, dst, e["score"].to_numpy())
            recall = np.mean([len(set(mine[q][:10].tolist()) & t) / max(len(t), 1) for q, t in zip(queries, truth)])
            agree = ""
            if labels is not None:
                from eval_neighbours import agreement

                agree = f"{agreement(mine, labels)[0]:.3f}"
            print(f"{name:<16} {label:>15} {cpu:>7.1f} {wall:>7.1f} {recall:>10.3f} {agree:>9}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
