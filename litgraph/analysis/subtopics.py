"""Sub-topics: each large community split again, and each part labelled by what sets it apart in its community.

A community of several hundred papers is one blob to a reader. Its sub-topics come from Leiden run again on the
links inside the community alone (the second level of a hierarchy, as in hierarchical Leiden; Traag, Waltman &
van Eck, 2019), and each is labelled by class-based TF-IDF over the community's own papers (Grootendorst, 2022),
so a label names what is specific to the sub-topic ("KV cache eviction") rather than what the whole community
shares ("sparse attention"), which the community's label already says.
"""

from __future__ import annotations

import numpy as np

from .._arrays import distinct
from .._igraph import as_igraph, igraph_module
from .communities import OTHER, _partition, check_membership, _renumber, distinctive_concepts

__all__ = ["detect_subtopics", "label_subtopics", "SUBTOPIC_MIN_PAPERS", "MIN_SUBTOPIC_PAPERS"]

#: Communities with at least this many papers are split into sub-topics.
SUBTOPIC_MIN_PAPERS = 150
#: Smallest sub-topic: smaller groups stay in the community without a sub-topic (:data:`OTHER`).
MIN_SUBTOPIC_PAPERS = 5


def detect_subtopics(graph, membership: np.ndarray, *, min_papers: int = SUBTOPIC_MIN_PAPERS, seed: int = 0,
                     weight: str = "weight", resolution: float = 1.0) -> np.ndarray:
    """Each paper's sub-topic within its community (0, 1, ... by size), or :data:`OTHER`.

    Only communities of at least ``min_papers`` papers are split, and only when Leiden finds at
    least two groups of :data:`MIN_SUBTOPIC_PAPERS` or more in them; papers of smaller groups,
    of communities left whole, and of "other" have :data:`OTHER`. Seeded by ``seed`` and the
    community id, so the same analysis gives the same sub-topics.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.load_sample(), seed=0)
    >>> m = lg.detect_communities(g, seed=0)
    >>> sub = lg.analysis.detect_subtopics(g, m, min_papers=40, seed=0)
    >>> bool((sub[m == 0] >= 0).any()), bool((sub[m == -1] == -1).all())
    (True, True)
    """
    g = as_igraph(graph, weight, "detect_subtopics")
    membership = check_membership(membership, g.vcount(), "detect_subtopics")
    out = np.full(len(membership), OTHER, dtype=np.int64)
    if g.ecount() == 0:
        return out
    ends = np.asarray(g.get_edgelist(), dtype=np.int64)
    w = np.asarray(g.es["weight"], dtype=np.float64)
    same = membership[ends[:, 0]] == membership[ends[:, 1]]
    ends, w = ends[same], w[same]
    edge_com = membership[ends[:, 0]] if len(ends) else np.zeros(0, dtype=np.int64)
    local = np.full(len(membership), -1, dtype=np.int64)
    ig = igraph_module()
    for c in distinct(membership):
        if c == OTHER:
            continue
        members = np.flatnonzero(membership == c)
        if len(members) < min_papers:
            continue
        local[members] = np.arange(len(members))
        inside = edge_com == c
        sub = ig.Graph(n=len(members), edges=local[ends[inside]].tolist())
        parts = _renumber(_partition(sub, "leiden", resolution, int(seed) + 7919 * (int(c) + 1), w[inside].tolist()),
                          MIN_SUBTOPIC_PAPERS)
        if parts.max(initial=-1) >= 1:  # two or more sub-topics, or the community stays whole
            out[members] = parts
    return out


def label_subtopics(graph, membership: np.ndarray, subtopics: np.ndarray, *, top_n: int = 3,
                    community_labels: dict[int, list[str]] | None = None) -> dict[tuple[int, int], list[str]]:
    """The most distinctive concepts of each sub-topic against the rest of its community.

    Keys are ``(community, subtopic)``. Concepts of the community's own label
    (``community_labels``) are passed over while others qualify, so that each sub-topic's
    label says what sets it apart.
    """
    parents = community_labels or {}
    out: dict[tuple[int, int], list[str]] = {}
    for c in distinct(membership[subtopics >= 0]):
        rows = np.flatnonzero(membership == c)
        groups = subtopics[rows]
        avoid = {int(k): list(parents.get(int(c), [])) for k in distinct(groups) if k != OTHER}
        words = distinctive_concepts(graph, rows, groups, top_n=top_n, avoid=avoid)
        out.update({(int(c), s): w for s, w in words.items()})
    return out
