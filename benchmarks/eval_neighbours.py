"""How well the graph links related papers, on real data with an outside yardstick.

Reads ``../shared/bench/arxiv-cs-2025.jsonl.gz`` (22,393 arXiv cs papers) and the arXiv primary
category of 14,962 of them, builds litgraph's graph for each layer alone and for the default
mix, and prints beside them, measured in the same run, the anchors every change must beat:
plain TF-IDF (scikit-learn, as the bench README gives it: exact cosine top-10) and TF-IDF + Leiden.

Columns: agreement@10 (for each labelled paper, the share of its 10 strongest labelled
neighbours with its primary category; no neighbour scores 0), the share of labelled papers
with no neighbour, NMI and ARI of the communities against the primary categories (labelled
papers), CPU seconds and peak memory of the step.

Run: python benchmarks/eval_neighbours.py [--limit N] [--configs default,similarity,...]
Skips with a message when ../shared/bench is absent (the data is never bundled).
"""

from __future__ import annotations

import argparse
import gzip
import resource
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench"
CHANCE_NOTE = "chance (two random labelled papers share a primary category)"


def load(limit: int | None):
    import pandas as pd

    import litgraph as lg

    rows = []
    with gzip.open(BENCH / "arxiv-cs-2025.jsonl.gz", "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if limit and i >= limit:
                break
            rows.append(line)
    corpus = lg.parse_digest("".join(rows), source="arxiv-cs-2025.jsonl")
    cats = pd.read_csv(BENCH / "arxiv-cs-2025-categories.csv", dtype=str).set_index("id")["primary"].to_dict()
    labels = np.array([cats.get(p.arxiv_id or p.id, "") for p in corpus], dtype=object)
    return corpus, labels


def agreement(neigh_idx: list[np.ndarray], labels: np.ndarray, k: int = 10) -> tuple[float, float]:
    """(agreement@k over labelled papers, share of labelled papers with no labelled neighbour)."""
    scores, empty = [], 0
    for i in np.flatnonzero(labels != ""):
        nb = [j for j in neigh_idx[i] if labels[j] != ""][:k]
        if not nb:
            empty += 1
            scores.append(0.0)
            continue
        scores.append(float(np.mean([labels[j] == labels[i] for j in nb])))
    return float(np.mean(scores)), empty / max(1, len(scores))


def neighbours_from_pairs(n: int, src: np.ndarray, dst: np.ndarray, w: np.ndarray) -> list[np.ndarray]:
    """Each node's neighbours, strongest first (ties by position)."""
    a = np.concatenate([src, dst])
    b = np.concatenate([dst, src])
    ww = np.concatenate([w, w])
    order = np.lexsort((b, -ww, a))
    a, b = a[order], b[order]
    bounds = np.searchsorted(a, np.arange(n + 1))
    return [b[bounds[i]:bounds[i + 1]] for i in range(n)]


def community_scores(membership: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    keep = labels != ""
    return (float(normalized_mutual_info_score(labels[keep], membership[keep])),
            float(adjusted_rand_score(labels[keep], membership[keep])))


def leiden(n: int, src, dst, w, seed: int = 0) -> np.ndarray:
    import igraph as ig

    g = ig.Graph(n=n, edges=list(zip(src.tolist(), dst.tolist())))
    g.es["weight"] = w.tolist()
    import random

    ig.set_random_number_generator(random.Random(seed))
    part = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=-1)
    return np.asarray(part.membership)


def plain_tfidf(corpus, k: int = 10):
    """The bench README's anchor: TfidfVectorizer(sublinear, english stop words, min_df=2, 1-2 grams), exact top-k."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [f"{p.title} {p.abstract}" for p in corpus]
    x = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=2, ngram_range=(1, 2)).fit_transform(texts)
    x = x.tocsr().astype(np.float32)
    n = x.shape[0]
    src, dst, w = [], [], []
    xt = x.T.tocsc()
    for start in range(0, n, 2000):
        block = (x[start:start + 2000] @ xt).toarray()
        for r in range(block.shape[0]):
            block[r, start + r] = -1.0
        top = np.argpartition(-block, k, axis=1)[:, :k]
        vals = np.take_along_axis(block, top, axis=1)
        for r in range(block.shape[0]):
            keep = vals[r] > 0
            src.append(np.full(keep.sum(), start + r))
            dst.append(top[r][keep])
            w.append(vals[r][keep])
    src, dst, w = np.concatenate(src), np.concatenate(dst), np.concatenate(w)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    key = lo.astype(np.int64) * n + hi
    _, first = np.unique(key, return_index=True)
    return lo[first], hi[first], w[first].astype(np.float64)


def minilm(corpus, store, k: int = 10):
    """The anchor of the semantic rows: each paper's exact top-k by the packaged encoder's cosine."""
    import litgraph as lg
    from litgraph.edges._features import SentenceVectors

    e = SentenceVectors.fit(corpus, lg.edges.OnnxEncoder(), store).vectors
    n = len(e)
    src, dst, w = [], [], []
    for start in range(0, n, 2048):
        sim = e[start:start + 2048] @ e.T
        sim[np.arange(sim.shape[0]), np.arange(start, start + sim.shape[0])] = -np.inf
        top = np.argpartition(-sim, k, axis=1)[:, :k]
        src.append(np.repeat(np.arange(start, start + sim.shape[0]), k))
        dst.append(top.ravel())
        w.append(np.take_along_axis(sim, top, axis=1).ravel())
    src, dst, w = np.concatenate(src), np.concatenate(dst), np.concatenate(w)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    _, first = np.unique(lo.astype(np.int64) * n + hi, return_index=True)
    return lo[first], hi[first], w[first].astype(np.float64)


def _graph(lg, corpus, name: str, store):
    """litgraph's graph for a config: a layer alone, every layer, or either with a similarity mode."""
    from litgraph.pipeline import SIMILARITY_MODES

    mode = name.split("-")[-1] if name.split("-")[-1] in SIMILARITY_MODES else None
    every = name == "default" or name.startswith("default-")
    layers = None if every else {"similarity" if mode else name: 1.0}
    builders = [lg.edges.SimilarityEdges(**SIMILARITY_MODES[mode])] if mode else None
    return lg.build_graph(corpus, layers=layers, seed=0, n_jobs=2, builders=builders, store=store)


def _measure(fn):
    t0 = time.process_time()
    out = fn()
    return out, time.process_time() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="read only the first N papers")
    ap.add_argument("--configs", default="tfidf,default,similarity,concepts,digest",
                    help="comma-separated: tfidf, default, minilm (exact top-10 by the packaged encoder), semantic "
                         "or fused (the similarity layer alone in that mode), default-semantic or default-fused "
                         "(every layer, the similarity in that mode), or a layer name")
    ap.add_argument("--store", default=str(Path(__file__).resolve().parent / "out" / "vectors.db"),
                    help="store keeping the sentence vectors between runs (encoded once per paper)")
    args = ap.parse_args()
    if not (BENCH / "arxiv-cs-2025.jsonl.gz").exists():
        print(f"eval_neighbours: {BENCH} is not here; nothing to measure (the bench data is never bundled).")
        return
    import litgraph as lg

    corpus, labels = load(args.limit)
    n = len(corpus)
    lab = labels[labels != ""]
    chance = float(sum((np.sum(lab == c) / len(lab)) ** 2 for c in np.unique(lab)))
    print(f"{n:,} papers, {len(lab):,} labelled, {len(np.unique(lab))} primary categories; {CHANCE_NOTE}: {chance:.3f}")
    print()
    header = f"{'graph':<34} {'agree@10':>9} {'no nbr':>7} {'NMI':>6} {'ARI':>6} {'CPU s':>7} {'peak GB':>8}"
    print(header)
    print("-" * len(header))
    store = lg.Store(args.store) if any(c.split("-")[-1] in ("minilm", "semantic", "fused")
                                        for c in args.configs.split(",")) else None
    for name in args.configs.split(","):
        if name in ("tfidf", "minilm"):
            (src, dst, w), cpu = _measure(lambda: plain_tfidf(corpus) if name == "tfidf" else minilm(corpus, store))
            nb = neighbours_from_pairs(n, src, dst, w)
            memb = leiden(n, src, dst, w)
            label = "plain TF-IDF top-10 (+ Leiden)" if name == "tfidf" else "MiniLM alone top-10 (+ Leiden)"
        else:
            g, cpu = _measure(lambda: _graph(lg, corpus, name, store))
            src, dst = g.pair_ends()
            w = g.pairs_frame(text=False)["weight"].to_numpy(dtype=np.float64)
            nb = neighbours_from_pairs(n, src, dst, w)
            res = lg.analyze(g, seed=0)
            memb = res.membership
            label = ("litgraph default (all layers)" if name == "default" else
                     f"litgraph all layers, {name[8:]}" if name.startswith("default-") else f"litgraph {name} alone")
        agree, empty = agreement(nb, labels)
        nmi, ari = community_scores(np.asarray(memb), labels)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        print(f"{label:<34} {agree:>9.3f} {empty:>7.1%} {nmi:>6.3f} {ari:>6.3f} {cpu:>7.1f} {peak:>8.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
