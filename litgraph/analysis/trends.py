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


def concept_timeline(graph, *, by: str = "date") -> tuple[pd.DataFrame, str | None]:
    """Papers per concept and period: columns period, concept, papers, share (of that period's papers)."""
    corpus, cs = graph.corpus, graph.concepts
    periods, of_digest, note = _periods(corpus, by)
    cols = ["period", "concept", "papers", "period_papers", "share"]
    if len(periods) == 0 or len(cs) == 0:
        return pd.DataFrame(columns=cols), note
    index = {pid: i for i, pid in enumerate(corpus.ids)}
    pos = {p: k for k, p in enumerate(periods)}
    rows, cols_, vals = [], [], []
    for d in corpus.digests:
        if d.id not in of_digest:
            continue
        k = pos[of_digest[d.id]]
        for pid in dict.fromkeys(d.paper_ids):
            rows.append(k)
            cols_.append(index[pid])
            vals.append(1.0)
    import scipy.sparse as sp

    member = sp.csr_matrix((vals, (rows, cols_)), shape=(len(periods), len(corpus)))
    member.data[:] = 1.0  # a paper counts once per period
    per_period = np.asarray(member.sum(axis=1)).ravel()
    counts = (member @ (cs.matrix > 0).astype(np.float64)).toarray()
    out = []
    names = cs.names
    for k, p in enumerate(periods):
        nz = np.flatnonzero(counts[k])
        for j in nz:
            out.append((p, names[j], int(counts[k, j]), int(per_period[k]), counts[k, j] / per_period[k]))
    df = pd.DataFrame(out, columns=cols)
    return df.sort_values(["period", "papers", "concept"], ascending=[True, False, True]).reset_index(drop=True), note


def kleinberg_bursts(r: np.ndarray, d: np.ndarray, *, s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """Burst states (0 or 1) per period, Kleinberg's two-state batch model (Kleinberg, 2002).

    ``r[t]`` relevant papers among ``d[t]``. The base state emits at the overall rate
    ``p0 = sum(r) / sum(d)``, the burst state at ``min(s * p0, 0.9999)``; entering the burst
    state costs ``gamma * ln(n)``. The cheapest state sequence (Viterbi) is returned.

    Examples
    --------
    >>> import litgraph as lg
    >>> lg.kleinberg_bursts([1, 2, 1, 20, 25, 2], [50, 50, 50, 50, 50, 50]).tolist()
    [0, 0, 0, 1, 1, 0]
    """
    return burst_states(np.asarray(r, dtype=np.float64)[None, :], np.asarray(d, dtype=np.float64),
                        s=s, gamma=gamma)[0]


def burst_states(counts: np.ndarray, totals: np.ndarray, *, s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """:func:`kleinberg_bursts` for many series at once: ``counts`` is series x periods, ``totals`` per period.

    The Viterbi recursion runs over the periods with every series in one array, so tens
    of thousands of concepts over hundreds of dates take well under a second.
    """
    from scipy.special import gammaln

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
    log_binom = gammaln(d + 1)[None, :] - gammaln(r + 1) - gammaln(d[None, :] - r + 1)
    cost = np.empty((2, k, n))
    for st in range(2):
        cost[st] = -(log_binom + r * np.log(q[st])[:, None] + (d[None, :] - r) * np.log(1 - q[st])[:, None])
    cost[:, :, d == 0] = 0.0
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
    timeline, note = concept_timeline(graph, by=by)
    cols = ["concept", "papers", "latest_share", "earlier_share", "change", "z", "slope", "burst_periods",
            "bursting_now"]
    if timeline.empty or timeline["period"].nunique() < 2:
        return pd.DataFrame(columns=cols), note
    periods = sorted(timeline["period"].unique())
    pos = {per: k for k, per in enumerate(periods)}
    totals = timeline.drop_duplicates("period").set_index("period")["period_papers"].reindex(periods).to_numpy(
        dtype=np.float64)
    names, concept_pos = np.unique(timeline["concept"].to_numpy(dtype=object).astype(str), return_inverse=True)
    counts = np.zeros((len(names), len(periods)))
    np.add.at(counts, (concept_pos, timeline["period"].map(pos).to_numpy()), timeline["papers"].to_numpy())
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
