"""Ranking papers: the key-paper score as a pure function of the corpus and the centralities."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KEY_PAPER_WEIGHTS", "key_paper_scores", "percentile", "stable", "day_upvote_percentile"]

#: How the key-paper score mixes percentile ranks (see :meth:`Analysis.key_papers`).
KEY_PAPER_WEIGHTS = {"pagerank": 0.45, "betweenness": 0.20, "strength": 0.15, "digest signal": 0.20}


def stable(x: np.ndarray, digits: int = 10) -> np.ndarray:
    """``x`` rounded to ``digits`` significant digits of its largest value.

    Iterative algorithms (PageRank) differ in the last bits from run to run and machine to
    machine; rounding before ranking keeps equal scores equal, so ties are broken by the
    papers' order and ranks stay put.
    """
    x = np.asarray(x, dtype=np.float64)
    top = np.abs(x).max() if len(x) else 0.0
    if not np.isfinite(top) or top == 0:
        return x
    unit = 10.0 ** (np.floor(np.log10(top)) - digits + 1)
    return np.round(x / unit) * unit


def percentile(x: np.ndarray) -> np.ndarray:
    """Percentile rank in [0, 1] (ties share their average rank); all zero when x is constant."""
    s = pd.Series(stable(x), dtype="float64")
    if len(s) < 2 or s.nunique() < 2:
        return np.zeros(len(s))
    return ((s.rank(method="average") - 1) / (len(s) - 1)).to_numpy()


def day_upvote_percentile(corpus) -> np.ndarray:
    """Each paper's best standing in upvotes among the papers of the same digest (a capture day), in [0, 1].

    Upvotes depend on the day: a quiet week gives fewer votes to every paper, and a paper
    seen on the day it appeared has had less time than one seen a week later. So each
    appearance is ranked against the other papers of its digest (percentile rank, ties
    sharing their average rank) and a paper keeps its best rank over its digests. NaN for
    papers never shown with upvotes; a digest with a single voted paper ranks it 0.5.
    """
    best = np.full(len(corpus), np.nan)
    rows: list[tuple[str, int, float]] = []  # (digest, paper position, upvotes): the first voted appearance
    for i, p in enumerate(corpus):
        seen: set[str] = set()
        for a in p.appearances:
            if a.upvotes is not None and a.digest not in seen:
                seen.add(a.digest)
                rows.append((a.digest, i, float(a.upvotes)))
    if not rows:
        return best
    f = pd.DataFrame(rows, columns=["digest", "paper", "votes"])
    n = f.groupby("digest")["votes"].transform("size")
    rank = f.groupby("digest")["votes"].rank(method="average")
    f["pct"] = np.where(n > 1, (rank - 1) / (n - 1).clip(lower=1), 0.5)
    top = f.groupby("paper")["pct"].max()
    best[top.index.to_numpy()] = top.to_numpy()
    return best


def key_paper_scores(corpus, centrality: pd.DataFrame, upvote_standing: np.ndarray | None = None) -> np.ndarray:
    """The key-paper score of every paper (corpus order), in [0, 1].

    A mix of percentile ranks (see :data:`KEY_PAPER_WEIGHTS`): PageRank, betweenness and
    strength, and the digest signal (the mean of the paper's upvote standing on its day,
    :func:`day_upvote_percentile`, and the percentile of the number of digests it appeared
    in, where the input has them; the weights are rescaled when it has neither). All zero
    for a graph without links.
    """
    c = centrality
    upvotes = day_upvote_percentile(corpus) if upvote_standing is None else upvote_standing
    n_dig = np.array([len(p.digests) for p in corpus], dtype=np.float64)
    parts = [("pagerank", percentile(c["pagerank"].to_numpy())), ("betweenness", percentile(c["betweenness"].to_numpy())),
             ("strength", percentile(c["strength"].to_numpy()))]
    signals = []
    if np.isfinite(upvotes).any():
        signals.append(np.nan_to_num(upvotes, nan=0.0))
    if (n_dig > 1).any():
        signals.append(percentile(n_dig))
    if signals:
        parts.append(("digest signal", np.mean(signals, axis=0)))
    total = sum(KEY_PAPER_WEIGHTS[k] for k, _ in parts)
    if c["strength"].sum() == 0:
        return np.zeros(len(corpus))
    return stable(sum(KEY_PAPER_WEIGHTS[k] * v for k, v in parts) / total)
