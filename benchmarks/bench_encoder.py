"""What the sentence encoder costs and gives, per truncation, on the 22,393 arXiv papers of ../shared/bench.

For each ``max_tokens`` (word pieces kept per text) it encodes every paper's title and abstract
with litgraph's :class:`~litgraph.edges.OnnxEncoder` (the packaged all-MiniLM-L6-v2 on
onnxruntime) and prints, beside plain TF-IDF measured in the same run: CPU seconds (all threads)
and CPU seconds per 1,000 papers, wall seconds, the mean word pieces per paper, and agreement@10
of each paper's 10 nearest by embedding cosine with its arXiv primary category (as
``eval_neighbours.py`` counts it), with its difference from the longest truncation.

Run: python benchmarks/bench_encoder.py [--limit N] [--tokens 256,192,128] [--save DIR]
``--save DIR`` keeps each truncation's vectors (``DIR/vectors-<tokens>.npy``, rows in bench order) for
other measurements; a file already there is read instead of encoding again (its time is then not shown).
Skips with a message when ../shared/bench or the ``semantic`` extra is absent.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_neighbours import BENCH, agreement, load, neighbours_from_pairs, plain_tfidf  # noqa: E402


def dense_neighbours(v: np.ndarray, k: int = 10, block: int = 2048) -> list[np.ndarray]:
    """Each row's k most similar other rows by cosine (rows of unit length), exact, best first."""
    out = []
    for s in range(0, len(v), block):
        sim = v[s:s + block] @ v.T
        sim[np.arange(sim.shape[0]), np.arange(s, s + sim.shape[0])] = -np.inf
        top = np.argpartition(-sim, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sim, top, axis=1), axis=1, kind="stable")
        out.extend(np.take_along_axis(top, order, axis=1))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--tokens", default="256,192,128")
    ap.add_argument("--save", default=None)
    ap.add_argument("--threads", type=int, default=None)
    args = ap.parse_args()
    if not (BENCH / "arxiv-cs-2025.jsonl.gz").exists():
        print(f"bench_encoder: {BENCH} is not here; nothing to measure (the bench data is never bundled).")
        return
    import litgraph as lg
    from litgraph.edges._features import sentence_text

    try:
        lg.edges.OnnxEncoder()
    except lg.LitgraphError as exc:
        print(f"bench_encoder: {exc}")
        return
    corpus, labels = load(args.limit)
    texts = [sentence_text(p.title, p.abstract) for p in corpus]
    n = len(texts)
    t0 = time.process_time()
    src, dst, w = plain_tfidf(corpus)
    tfidf = agreement(neighbours_from_pairs(n, src, dst, w), labels)[0]
    rows = [("plain TF-IDF (anchor)", "", f"{time.process_time() - t0:.1f}", "", "", "", f"{tfidf:.4f}", "")]
    save = Path(args.save) if args.save else None
    first = None
    for tokens in [int(t) for t in args.tokens.split(",")]:
        enc = lg.edges.OnnxEncoder(max_tokens=tokens, threads=args.threads, progress=False)
        path = save / f"vectors-{tokens}.npy" if save else None
        pieces = float(np.mean([min(len(e.ids), tokens) for e in _tokenized(enc, texts)]))
        if path is not None and path.exists() and len(np.load(path, mmap_mode="r")) == n:
            v, cpu, wall = np.load(path), float("nan"), float("nan")
        else:
            t, wt = time.process_time(), time.perf_counter()
            v = enc.encode(texts)
            cpu, wall = time.process_time() - t, time.perf_counter() - wt
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                np.save(path, v)
        score = agreement(dense_neighbours(v), labels)[0]
        first = score if first is None else first
        rows.append((f"MiniLM-L6 onnx, {tokens} tokens", f"{pieces:.0f}", f"{cpu:.1f}", f"{1000 * cpu / n:.1f}",
                     f"{wall:.1f}", f"{tokens}", f"{score:.4f}", f"{score - first:+.4f}"))
        print(f"  done: {rows[-1]}", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    head = ("what", "pieces/paper", "CPU-s", "CPU-s/1k", "wall-s", "max tokens", "agreement@10", "vs first")
    print(f"\n{n} papers, exact top-10 by cosine; peak memory {peak:.2f} GiB")
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(str(c).ljust(wd) for c, wd in zip(r, widths)))


def _tokenized(enc, texts):
    enc._load()
    return enc._tokenizer.encode_batch(texts[:2000])


if __name__ == "__main__":
    main()
