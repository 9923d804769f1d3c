"""Trends over digest dates: concept frequency per date, rising concepts, bursts."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

__all__ = ["concept_timeline", "rising_concepts", "kleinberg_bursts", "new_papers"]


def _periods(corpus, by: str) -> tuple[list, dict[str, object], str | None]:
    """Period of every digest: its date (``by="date"``) or its position (``by="digest"``)."""
    if by == "digest":
        return list(range(len(corpus.digests))), {d.id: i for i, d in enumerate(corpus.digests)}, None
    dated = {d.id: d.date for d in corpus.digests if d.date is not None}
    undated = [d.name for d in corpus.digests if d.date is None]
    note = None
    if len(set(dated.values())) < 2:
        note = ("Trends need digests from at least two dates; "
                f"{len(set(dated.values()))} distinct date(s) are known"
                + (f" and {len(undated)} digest(s) show no full date ({', '.join(undated[:5])})" if undated else "")
                + ". Pass the capture date when reading (captured=...) or use by='digest' to order by digest.")
    elif undated:
        note = f"{len(undated)} digest(s) without a date are left out of the trends: {', '.join(undated[:5])}."
    return sorted(set(dated.values())), dated, note


def _period_counts(graph, by: str):
    """(periods, papers per period, sparse periods x concepts paper counts, note); a paper counts once per period."""
    import scipy.sparse as sp

    corpus, cs = graph.corpus, graph.concepts
    periods, of_digest, note = _periods(corpus, by)
    if len(periods) == 0 or len(cs) == 0:
        return periods, np.zeros(len(periods)), sp.csr_matrix((len(periods), len(cs))), note
    index = corpus.index_of
    pos = {p: k for k, p in enumerate(periods)}
    rows, cols_ = [], []
    for d in corpus.digests:
        if d.id not in of_digest:
            continue
        k = pos[of_digest[d.id]]
        for pid in dict.fromkeys(d.paper_ids):
            rows.append(k)
            cols_.append(index[pid])
    member = sp.csr_matrix((np.ones(len(rows)), (rows, cols_)), shape=(len(periods), len(corpus)))
    member.data[:] = 1.0  # a paper counts once per period
    per_period = np.asarray(member.sum(axis=1)).ravel()
    counts = sp.csr_matrix(member @ sp.csr_matrix(cs.matrix > 0, dtype=np.float64))
    return periods, per_period, counts, note


def concept_timeline(graph, *, by: str = "date") -> tuple[pd.DataFrame, str | None]:
    """Papers per concept and period: columns period, concept, papers, share (of that period's papers)."""
    periods, per_period, counts, note = _period_counts(graph, by)
    cols = ["period", "concept", "papers", "period_papers", "share"]
    if len(periods) == 0 or counts.nnz == 0:
        return pd.DataFrame(columns=cols), note
    coo = counts.tocoo()
    names = np.asarray(graph.concepts.names, dtype=object)
    period_arr = np.asarray(periods, dtype=object)
    df = pd.DataFrame({"period": period_arr[coo.row], "concept": names[coo.col], "papers": coo.data.astype(int),
                       "period_papers": per_period[coo.row].astype(int), "share": coo.data / per_period[coo.row]})
    return df.sort_values(["period", "papers", "concept"], ascending=[True, False, True]).reset_index(drop=True), note


def kleinberg_bursts(r: np.ndarray, d: np.ndarray, *, s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """Burst states (0 or 1) per period, Kleinberg's two-state batch model (Kleinberg, 2002).

    ``r[t]`` relevant papers among ``d[t]``. The base state emits at the overall rate
    ``p0 = sum(r) / sum(d)``, the burst state at ``min(s * p0, 0.9999)``; entering the burst
    state costs ``gamma * ln(n)``. The cheapest state sequence (Viterbi) is returned.

    Examples
    --------
    >>> import litgraph as lg
    >>> lg.analysis.kleinberg_bursts([1, 2, 1, 20, 25, 2], [50, 50, 50, 50, 50, 50]).tolist()
    [0, 0, 0, 1, 1, 0]
    """
    return burst_states(np.asarray(r, dtype=np.float64)[None, :], np.asarray(d, dtype=np.float64),
                        s=s, gamma=gamma)[0]


def burst_states(counts: np.ndarray, totals: np.ndarray, *, s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """:func:`kleinberg_bursts` for many series at once: ``counts`` is series x periods, ``totals`` per period.

    The Viterbi recursion runs over the periods with every series in one array, so tens
    of thousands of concepts over hundreds of dates take well under a second.
    """
    r = np.asarray(counts, dtype=np.float64)
    d = np.asarray(totals, dtype=np.float64)
    k, n = r.shape
    states = np.zeros((k, n), dtype=int)
    if n == 0 or k == 0 or d.sum() == 0:
        return states
    p0 = r.sum(axis=1) / d.sum()
    live = p0 > 0
    p0 = np.where(live, p0, 0.5)
    q = np.stack([p0, np.minimum(s * p0, 0.9999)])                      # state x series
    # The binomial coefficient of each period is the same in both states, so it cancels in every comparison
    # the Viterbi recursion makes: only the state-dependent part of the cost is computed.
    cost = np.empty((2, k, n))
    for st in range(2):
        cost[st] = -(r * np.log(q[st])[:, None] + (d[None, :] - r) * np.log(1 - q[st])[:, None])
    trans = gamma * math.log(max(n, 2))
    best0, best1 = cost[0, :, 0].copy(), cost[1, :, 0] + trans
    back0 = np.zeros((k, n), dtype=np.int8)
    back1 = np.zeros((k, n), dtype=np.int8)
    for t in range(1, n):
        from1 = best1 < best0                                           # ties go to the base state
        c0 = np.where(from1, best1, best0)
        c1_from0 = best0 + trans
        stay = ~(c1_from0 < best1)
        c1 = np.where(stay, best1, c1_from0)
        back0[:, t], back1[:, t] = from1, stay
        best0, best1 = c0 + cost[0, :, t], c1 + cost[1, :, t]
    state = (best1 < best0).astype(np.int8)
    states[:, n - 1] = state
    for t in range(n - 1, 0, -1):
        state = np.where(state == 0, back0[:, t], back1[:, t])
        states[:, t - 1] = state
    states[~live] = 0
    return states


def rising_concepts(graph, *, by: str = "date", min_papers: int = 2, s: float = 2.0,
                    gamma: float = 1.0) -> tuple[pd.DataFrame, str | None]:
    """Concepts whose share of papers grows over the periods, and those bursting now.

    For each concept with at least ``min_papers`` papers: its share in the latest period,
    its share before, the ``change`` between them and its two-proportion ``z`` score (how
    many standard errors the change is), the least-squares ``slope`` of its share over
    the periods, and the periods Kleinberg's burst model marks as bursts
    (``bursting_now`` if the latest period is one). Sorted by ``z``, most rising first.
    """
    periods, totals, sparse_counts, note = _period_counts(graph, by)
    cols = ["concept", "papers", "latest_share", "earlier_share", "change", "z", "slope", "burst_periods",
            "bursting_now"]
    used = np.flatnonzero(np.asarray(sparse_counts.sum(axis=0)).ravel() > 0)
    if len(periods) < 2 or len(used) == 0:
        return pd.DataFrame(columns=cols), note
    present = np.asarray(sparse_counts.sum(axis=1)).ravel() > 0  # periods with at least one concept
    periods = [p_ for p_, ok in zip(periods, present) if ok]
    if len(periods) < 2:
        return pd.DataFrame(columns=cols), note
    totals = totals[present].astype(np.float64)
    per_concept = sparse_counts[np.flatnonzero(present)][:, used].toarray().T  # concepts x periods, used ones only
    # concepts shown under one name (two keys, one written form) are one row, as a reader sees them
    names, which = np.unique(np.asarray(graph.concepts.names, dtype=object)[used].astype(str), return_inverse=True)
    counts = np.zeros((len(names), per_concept.shape[1]))
    np.add.at(counts, which, per_concept)
    keep = counts.sum(axis=1) >= min_papers
    names, c = names[keep], counts[keep]
    share = c / totals
    latest = share[:, -1]
    earlier = c[:, :-1].sum(axis=1) / totals[:-1].sum()
    x = np.arange(len(periods), dtype=np.float64)
    xc = x - x.mean()
    slope = (share - share.mean(axis=1, keepdims=True)) @ xc / (xc @ xc)  # least squares, every concept at once
    n1, n0 = totals[-1], totals[:-1].sum()
    pooled = c.sum(axis=1) / totals.sum()
    se = np.sqrt(np.clip(pooled * (1 - pooled), 0.0, None) * (1 / n1 + 1 / n0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, (latest - earlier) / se, 0.0)
    states = burst_states(c, totals, s=s, gamma=gamma)
    labels = np.asarray([str(per) for per in periods], dtype=object)
    bursts = [", ".join(labels[np.flatnonzero(row)]) for row in states]
    rows = list(zip(names.tolist(), c.sum(axis=1).astype(int).tolist(), latest.tolist(), earlier.tolist(),
                    (latest - earlier).tolist(), z.tolist(), slope.tolist(), bursts, states[:, -1].astype(bool).tolist()))
    df = pd.DataFrame(rows, columns=cols)
    return df.sort_values(["z", "papers", "concept"], ascending=[False, False, True]).reset_index(drop=True), note


def new_papers(corpus, since: date | str) -> pd.DataFrame:
    """Papers first featured on or after ``since``: their earliest digest's day (its date, else its capture
    date) is on or after it. Digests with neither are not counted."""
    from .._validation import check_date

    day = check_date(since, "since", "new_papers")
    dates = {d.id: d.date or d.captured for d in corpus.digests}
    rows = []
    for p in corpus:
        first = min((dates[a.digest] for a in p.appearances if dates.get(a.digest)), default=None)
        if first is not None and first >= day:
            rows.append((p.id, p.title, first))
    return pd.DataFrame(rows, columns=["id", "title", "first_digest_date"])
