"""Rising and new concepts of a time window: what the papers of the last days are about, against before.

A concept rises in a window when the papers first featured in the window carry it more
often than the papers featured before it. The score is the log-odds ratio with an
informative Dirichlet prior (Monroe, Colaresi & Quinn, 2008, "Fightin' Words"), divided
by its standard error: the prior pulls every concept towards its share in the whole
corpus, so two papers out of a quiet day cannot outrank thirty out of a busy month, and
a minimum number of papers in the window is required on top.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

from .._step import Float, Int, constrained
from .._validation import check_date
from ..exceptions import InvalidParameterError

__all__ = ["paper_days", "window_trends", "split_rising", "sparkline"]

_BLOCKS = "▁▂▃▄▅▆▇█"


def paper_days(corpus) -> list[date | None]:
    """The day each paper (corpus order) was first featured: its earliest digest's date, else capture date."""
    days = {d.id: d.date or d.captured for d in corpus.digests}
    return [min((days[a.digest] for a in p.appearances if days.get(a.digest)), default=None) for p in corpus]


def sparkline(counts) -> str:
    """Counts as a line of block characters (``▁`` lowest, ``█`` highest; a space for zero).

    >>> sparkline([0, 1, 2, 4, 8])
    ' ▁▂▄█'
    """
    counts = [int(c) for c in counts]
    top = max(counts, default=0)
    if top == 0:
        return " " * len(counts)
    return "".join(" " if c == 0 else _BLOCKS[min(len(_BLOCKS) - 1, (c * len(_BLOCKS) - 1) // top)] for c in counts)


TREND_COLUMNS = ["concept", "papers", "baseline_papers", "window_share", "baseline_share", "log_odds", "z", "new",
            "weekly", "sparkline"]


@constrained(min_papers=Int(min_value=1), prior=Float(0.0), weeks=Int(min_value=1))
def window_trends(graph, *, start: date | str, end: date | str | None = None, min_papers: int = 5,
                  prior: float = 1.0, weeks: int = 12, days=None) -> pd.DataFrame:
    """Every concept's standing in the window ``start`` .. ``end`` (both included) against the papers before it.

    Parameters
    ----------
    graph : PaperGraph or ConceptSet
        The papers' concepts: a graph's, or a concept set with ``days`` (no graph is needed).
    start, end : date or str
        The window, by the day each paper was first featured (:func:`paper_days`); ``end``
        defaults to the latest such day.
    days : sequence of date or None, optional
        The day each row of a ConceptSet was first featured (None: undated); a PaperGraph's are
        read from its corpus.
    min_papers : int, default 5
        Fewest window papers a concept needs to be listed.
    prior : float, default 1.0
        Strength of the Dirichlet prior, as a multiple of the corpus's own concept counts
        (0 is the plain log-odds ratio with a half-count correction).
    weeks : int, default 12
        Length of the weekly series (papers per week carrying the concept, ending at ``end``).

    Returns
    -------
    DataFrame
        ``concept, papers`` (in the window), ``baseline_papers`` (before it), the shares of
        window and baseline papers carrying it, ``log_odds``, its ``z`` score, ``new``
        (no baseline paper carries it), ``weekly`` counts and their ``sparkline``; sorted by
        ``z``, highest first. ``attrs`` holds the window's ``start``, ``end``, ``papers``
        and ``baseline_papers``.

    Examples
    --------
    >>> import litgraph as lg
    >>> corpus = lg.read_digests(lg.sample_paths(), captured={"001_205710ad4bd4b8ce.txt": "2025-03-01",
    ...     "002_3be6ad1889c9cb49.txt": "2025-03-01", "003_9702b24bfd8b6c3a.txt": "2025-03-20"})
    >>> df = lg.analysis.window_trends(lg.build_graph(corpus), start="2025-03-14")
    >>> df.attrs["baseline_papers"] > 0, bool((df["papers"] >= 5).all())
    (True, True)
    """
    start = check_date(start, "start", "window_trends")
    end = check_date(end, "end", "window_trends", allow_none=True)
    cs, days = _concepts_and_days(graph, days)
    known = [d for d in days if d is not None]
    if end is None:
        end = max(known, default=start)
    ordinal = np.array([d.toordinal() if d is not None else -1 for d in days], dtype=np.int64)
    dated = ordinal >= 0
    in_window = dated & (ordinal >= start.toordinal()) & (ordinal <= end.toordinal())
    before = dated & (ordinal < start.toordinal())
    empty = pd.DataFrame(columns=TREND_COLUMNS)
    empty.attrs.update(start=start, end=end, papers=int(in_window.sum()), baseline_papers=int(before.sum()))
    if cs is None or len(cs) == 0 or not in_window.any():
        return empty
    names, which = np.unique(np.asarray(cs.names, dtype=object).astype(str), return_inverse=True)
    b = (cs.matrix > 0).astype(np.float64).tocsc()
    # one column per concept name (two keys written alike are one concept to a reader)
    import scipy.sparse as sp

    merge = sp.csr_matrix((np.ones(len(which)), (np.arange(len(which)), which.ravel())), shape=(len(which), len(names)))
    b = sp.csr_matrix(b @ merge)
    b.data[:] = 1.0
    y_w = np.asarray(b[np.flatnonzero(in_window)].sum(axis=0)).ravel()
    y_b = np.asarray(b[np.flatnonzero(before)].sum(axis=0)).ravel()
    keep = np.flatnonzero(y_w >= min_papers)
    if len(keep) == 0:
        return empty
    n_w, n_b = y_w.sum(), y_b.sum()
    total = y_w + y_b
    alpha = prior * total if prior > 0 else np.full(len(total), 0.5)
    a0 = alpha.sum()
    yw, yb, a = y_w[keep], y_b[keep], alpha[keep]
    delta = (np.log((yw + a) / (n_w + a0 - yw - a)) - np.log((yb + a) / (max(n_b, 0) + a0 - yb - a)))
    z = delta / np.sqrt(1.0 / (yw + a) + 1.0 / (yb + a))
    # weekly series: bins of seven days ending at `end`
    week = (end.toordinal() - ordinal) // 7
    recent = np.flatnonzero(dated & (week >= 0) & (week < weeks))
    weekly = np.zeros((len(keep), weeks), dtype=np.int64)
    if len(recent):
        sub = sp.csr_matrix(b[recent][:, keep]).tocoo()
        np.add.at(weekly, (sub.col, weeks - 1 - week[recent][sub.row]), 1)
    papers_w, papers_b = int(in_window.sum()), int(before.sum())
    df = pd.DataFrame({
        "concept": names[keep], "papers": yw.astype(int), "baseline_papers": yb.astype(int),
        "window_share": yw / papers_w, "baseline_share": yb / papers_b if papers_b else np.zeros(len(keep)),
        "log_odds": delta, "z": z, "new": yb == 0,
        "weekly": [tuple(int(v) for v in row) for row in weekly], "sparkline": [sparkline(row) for row in weekly]})
    df = df.sort_values(["z", "papers", "concept"], ascending=[False, False, True]).reset_index(drop=True)
    df.attrs.update(start=start, end=end, papers=papers_w, baseline_papers=papers_b)
    return df


def _concepts_and_days(graph, days) -> tuple:
    """(concept set, each row's day) of window_trends' ``graph`` and ``days``; InvalidParameterError otherwise."""
    from ..concepts import ConceptSet

    if isinstance(graph, ConceptSet):
        if not hasattr(days, "__len__") or isinstance(days, (str, bytes)) or len(days) != graph.matrix.shape[0]:
            raise InvalidParameterError(f"window_trends of a ConceptSet needs 'days': one date (or None) per row, "
                                        f"{graph.matrix.shape[0]} in all. Got {days!r:.80} instead.")
        return graph, [None if d is None else check_date(d, f"days[{i}]", "window_trends") for i, d in enumerate(days)]
    if not hasattr(graph, "corpus") or not hasattr(graph, "concepts"):
        raise InvalidParameterError(f"window_trends takes a PaperGraph or a ConceptSet. Got {type(graph).__name__}.")
    if days is not None:
        raise InvalidParameterError("The 'days' parameter of window_trends is for a ConceptSet; a PaperGraph's "
                                    "days come from its corpus.")
    return graph.concepts, paper_days(graph.corpus)


def split_rising(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rising, new) rows of a :func:`window_trends` frame: concepts whose share grew (``z`` > 0) and that
    earlier papers carry too, highest ``z`` first; and concepts no earlier paper carries, most papers first.
    Both are empty when no paper came before the window (nothing can rise against nothing)."""
    if not df.attrs.get("baseline_papers") or not len(df):
        return df.iloc[:0], df.iloc[:0]
    is_new = df["new"].astype(bool).to_numpy()
    up = ((df["window_share"] > df["baseline_share"]) & (df["z"] > 0)).to_numpy(bool)
    new = df.loc[is_new].sort_values(["papers", "concept"], ascending=[False, True])
    return df.loc[up & ~is_new].reset_index(drop=True), new.reset_index(drop=True)


def window_start(end: date, days: int) -> date:
    """The first day of the ``days``-day window that ends on ``end``."""
    return end - timedelta(days=days - 1)
