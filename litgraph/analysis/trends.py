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
    r = np.asarray(r, dtype=np.float64)
    d = np.asarray(d, dtype=np.float64)
    n = len(r)
    if n == 0 or d.sum() == 0 or r.sum() == 0:
        return np.zeros(n, dtype=int)
    p0 = r.sum() / d.sum()
    p = [p0, min(s * p0, 0.9999)]

    def cost(state: int, t: int) -> float:
        q = p[state]
        if d[t] == 0:
            return 0.0
        return -(math.lgamma(d[t] + 1) - math.lgamma(r[t] + 1) - math.lgamma(d[t] - r[t] + 1)
                 + r[t] * math.log(q) + (d[t] - r[t]) * math.log(1 - q))

    trans = gamma * math.log(max(n, 2))
    best = [cost(0, 0), cost(1, 0) + trans]
    back = []
    for t in range(1, n):
        c0 = min(best[0], best[1])
        b0 = 0 if best[0] <= best[1] else 1
        c1_from0, c1_from1 = best[0] + trans, best[1]
        c1 = min(c1_from0, c1_from1)
        b1 = 0 if c1_from0 < c1_from1 else 1
        back.append((b0, b1))
        best = [c0 + cost(0, t), c1 + cost(1, t)]
    state = 0 if best[0] <= best[1] else 1
    states = [state]
    for b0, b1 in reversed(back):
        state = b0 if state == 0 else b1
        states.append(state)
    return np.asarray(states[::-1], dtype=int)


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
    totals = timeline.drop_duplicates("period").set_index("period")["period_papers"].reindex(periods).to_numpy()
    wide = timeline.pivot_table(index="concept", columns="period", values="papers", aggfunc="sum",
                                fill_value=0).reindex(columns=periods, fill_value=0)
    x = np.arange(len(periods), dtype=np.float64)
    rows = []
    for concept, counts in wide.iterrows():
        c = counts.to_numpy(dtype=np.float64)
        if c.sum() < min_papers:
            continue
        share = c / totals
        latest = share[-1]
        earlier = c[:-1].sum() / totals[:-1].sum()
        slope = float(np.polyfit(x, share, 1)[0]) if len(x) > 1 else 0.0
        n1, n0 = totals[-1], totals[:-1].sum()
        pooled = c.sum() / totals.sum()
        se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0)) if 0 < pooled < 1 else 0.0
        z = (latest - earlier) / se if se > 0 else 0.0
        states = kleinberg_bursts(c, totals, s=s, gamma=gamma)
        bursts = [str(periods[k]) for k in np.flatnonzero(states)]
        rows.append((concept, int(c.sum()), latest, earlier, latest - earlier, z, slope, ", ".join(bursts),
                     bool(states[-1])))
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
