"""Topics that keep their identity from one run to the next.

A daily report is read as a story: "topic 12 grew by 40 papers", "a new topic appeared".
That needs community ids that persist. Given the previous run's community of every paper
(``previous``: paper id -> community id), the communities of this run are

1. found starting from the previous partition (Leiden improves a given partition
   rather than starting from singletons, Traag et al. 2019), so a day's new papers move
   the partition only where they change it, and
2. matched to the previous communities by member overlap (pairs taken greedily, largest
   overlap first, each community and each previous community at most once, as in
   community tracking by overlap, Greene et al. 2010): a community keeps the id of the
   previous community that gave it most of its old members, or most of whose members it
   took; every other community gets a new id, above every id used before.

:func:`topic_changes` then names what happened: new topics, topics gone, splits, merges.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..exceptions import InvalidParameterError

__all__ = ["initial_membership", "match_communities", "topic_changes", "kept_share"]

_OTHER = -1


def check_previous(previous, owner: str) -> dict[str, int]:
    """``previous`` as a plain dict of paper id -> community id (ints), or a clear error."""
    if previous is None:
        return {}
    if not isinstance(previous, Mapping):
        raise InvalidParameterError(f"The 'previous' parameter of {owner} must map paper ids to community ids "
                                    f"(e.g. dict(zip(res.papers_frame()['id'], res.papers_frame()['community']))). "
                                    f"Got {type(previous).__name__}.")
    out = {}
    for pid, com in previous.items():
        if isinstance(com, bool) or not isinstance(com, (int, np.integer)):
            raise InvalidParameterError(f"The 'previous' parameter of {owner} maps paper {pid!r} to {com!r}; "
                                        f"community ids are whole numbers.")
        out[str(pid)] = int(com)
    return out


def initial_membership(ids: Sequence[str], previous: Mapping[str, int]) -> np.ndarray:
    """A starting partition for this run's papers: the previous community where a paper had one
    (not "other"), else a community of its own. Labels are 0..k-1."""
    raw = []
    for pid in ids:
        com = previous.get(pid, _OTHER)
        raw.append(("p", com) if com != _OTHER else ("s", pid))
    _, labels = np.unique(np.array([f"{kind}:{value}" for kind, value in raw], dtype=object), return_inverse=True)
    return labels.astype(np.int64).ravel()


def _overlap(ids: Sequence[str], membership: np.ndarray, previous: Mapping[str, int]):
    cur = sorted(set(membership.tolist()) - {_OTHER})
    prev = sorted(set(previous.values()) - {_OTHER})
    ci = {c: k for k, c in enumerate(cur)}
    pi = {p: k for k, p in enumerate(prev)}
    m = np.zeros((len(cur), len(prev)), dtype=np.int64)
    for pid, c in zip(ids, membership.tolist()):
        p = previous.get(pid, _OTHER)
        if c != _OTHER and p != _OTHER:
            m[ci[c], pi[p]] += 1
    return cur, prev, m


def match_communities(ids: Sequence[str], membership: np.ndarray, previous: Mapping[str, int]) -> np.ndarray:
    """``membership`` renumbered so that communities keep the previous run's ids (see the module's text).

    A community keeps the id of previous community ``p`` when the greedy one-to-one pairing
    by largest overlap pairs them and the overlap is at least half of the community's
    members that were in the previous run, or at least half of ``p``'s members still present.
    Communities that keep no id get new ones, above every previous id, largest first.
    "Other" (-1) stays -1.
    """
    membership = np.asarray(membership, dtype=np.int64)
    if not previous:
        return membership.copy()
    cur, prev, m = _overlap(ids, membership, previous)
    mapping: dict[int, int] = {}
    if m.size and m.any():
        old_members = m.sum(axis=1)   # members of each current community that were in the previous run
        still = m.sum(axis=0)         # members of each previous community that are in a community now
        r_idx, c_idx = np.nonzero(m)
        taken_r, taken_c = set(), set()
        for k in np.lexsort((c_idx, r_idx, -m[r_idx, c_idx])).tolist():
            r, c = int(r_idx[k]), int(c_idx[k])
            if r in taken_r or c in taken_c:
                continue
            shared = m[r, c]
            if 2 * shared >= old_members[r] or 2 * shared >= still[c]:
                mapping[cur[r]] = prev[c]
                taken_r.add(r)
                taken_c.add(c)
    next_id = max([p for p in previous.values() if p != _OTHER], default=-1) + 1
    sizes = {c: int((membership == c).sum()) for c in cur}
    for c in sorted((c for c in cur if c not in mapping), key=lambda c: (-sizes[c], c)):
        mapping[c] = next_id
        next_id += 1
    out = np.full(len(membership), _OTHER, dtype=np.int64)
    for c, new in mapping.items():
        out[membership == c] = new
    return out


def kept_share(ids: Sequence[str], membership: np.ndarray, previous: Mapping[str, int]) -> float | None:
    """Share of the papers in a community in both runs whose community id is the same (None if there are none)."""
    both = [(previous[pid], int(c)) for pid, c in zip(ids, np.asarray(membership).tolist())
            if c != _OTHER and previous.get(pid, _OTHER) != _OTHER]
    if not both:
        return None
    return sum(p == c for p, c in both) / len(both)


def topic_changes(ids: Sequence[str], membership: np.ndarray, previous: Mapping[str, int], *,
                  min_share: float = 0.25, min_papers: int = 3) -> dict:
    """What happened to the topics since the previous run, with counts.

    Returns a dict: ``sizes`` (topic -> [previous size or None, size now]),
    ``previous_sizes`` (every previous topic's size), ``new`` (topics
    not in the previous run), ``gone`` (previous topics with no community now), ``splits``
    (a previous topic whose papers now fill at least ``min_share`` of — and at least
    ``min_papers`` — in each of two or more topics: ``{"from": p, "into": [...]}``) and
    ``merges`` (a topic now that took such shares from two or more previous topics:
    ``{"into": t, "from": [...]}``); ``kept_share`` as in :func:`kept_share`.
    """
    membership = np.asarray(membership, dtype=np.int64)
    cur, prev, m = _overlap(ids, membership, previous)
    prev_sizes = {p: sum(1 for v in previous.values() if v == p) for p in prev}
    sizes = {int(c): [prev_sizes.get(c), int((membership == c).sum())] for c in cur}
    splits, merges = [], []
    if m.size:
        still = m.sum(axis=0)
        for k, p in enumerate(prev):
            into = [int(cur[r]) for r in np.flatnonzero((m[:, k] >= min_papers) & (m[:, k] >= min_share * still[k]))]
            if len(into) >= 2:
                splits.append({"from": int(p), "into": into})
        old = m.sum(axis=1)
        for r, c in enumerate(cur):
            came = [int(prev[k]) for k in np.flatnonzero((m[r] >= min_papers) & (m[r] >= min_share * old[r]))]
            if len(came) >= 2:
                merges.append({"into": int(c), "from": came})
    return {"sizes": sizes, "previous_sizes": {int(p): int(v) for p, v in prev_sizes.items()}, "new": [int(c) for c in cur if c not in prev_sizes],
            "gone": [int(p) for p in prev if p not in set(cur)], "splits": splits, "merges": merges,
            "kept_share": kept_share(ids, membership, previous)}
