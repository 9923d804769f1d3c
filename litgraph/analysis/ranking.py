"""Ranking papers: the key-paper score as a pure function of the corpus and the centralities."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["KEY_PAPER_WEIGHTS", "key_paper_scores", "percentile", "stable"]

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


def key_paper_scores(corpus, centrality: pd.DataFrame) -> np.ndarray:
    """The key-paper score of every paper (corpus order), in [0, 1].

    A mix of percentile ranks (see :data:`KEY_PAPER_WEIGHTS`): PageRank, betweenness and
    strength, and the digest signal (the mean percentile of upvotes and of the number of
    digests a paper appeared in, where the input has them; the weights are rescaled when
    it has neither). All zero for a graph without links.
    """
    c = centrality
    upvotes = np.array([p.upvotes if p.upvotes is not None else np.nan for p in corpus], dtype=np.float64)
    n_dig = np.array([len(p.digests) for p in corpus], dtype=np.float64)
    parts = [("pagerank", percentile(c["pagerank"].to_numpy())), ("betweenness", percentile(c["betweenness"].to_numpy())),
             ("strength", percentile(c["strength"].to_numpy()))]
    signals = []
    if np.isfinite(upvotes).any():
        signals.append(percentile(np.nan_to_num(upvotes, nan=-1.0)))
    if (n_dig > 1).any():
        signals.append(percentile(n_dig))
    if signals:
        parts.append(("digest signal", np.mean(signals, axis=0)))
    total = sum(KEY_PAPER_WEIGHTS[k] for k, _ in parts)
    if c["strength"].sum() == 0:
        return np.zeros(len(corpus))
    return stable(sum(KEY_PAPER_WEIGHTS[k] * v for k, v in parts) / total)
