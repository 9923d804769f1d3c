"""Communities: Leiden (default) or Louvain on the combined weight or one layer, with readable labels."""

from __future__ import annotations


import numpy as np
import scipy.sparse as sp

from .._arrays import distinct
from .._step import CONSENSUS, METHOD, MIN_COMMUNITY_SIZE, RESOLUTION, SEED, constrained
from ..exceptions import InvalidParameterError
from .._igraph import as_igraph, seeded

__all__ = ["detect_communities", "label_communities", "distinctive_concepts", "OTHER"]

#: Community id of papers in communities smaller than ``min_size``.
OTHER = -1


def check_membership(membership, n: int, owner: str) -> np.ndarray:
    """``membership`` as an int array of one community per paper, or InvalidParameterError saying what is wrong."""
    m = np.asarray(membership)
    if m.ndim != 1 or len(m) != n or (len(m) and m.dtype.kind not in "iu"):
        raise InvalidParameterError(f"The 'membership' parameter of {owner} must give one integer community per "
                                    f"paper ({n}); got {m.dtype} of shape {m.shape}.")
    return m.astype(np.int64, copy=False)


@constrained(method=METHOD, resolution=RESOLUTION, seed=SEED, min_size=MIN_COMMUNITY_SIZE, consensus=CONSENSUS)
def detect_communities(graph, *, method: str = "leiden", resolution: float = 1.0, seed: int = 0,
                       weight: str = "weight", min_size: int = 3, consensus: int = 1,
                       initial: np.ndarray | None = None) -> np.ndarray:
    """Community of each paper (corpus order); small communities become :data:`OTHER`.

    ``graph`` is a PaperGraph, an undirected igraph Graph or a sparse adjacency matrix
    (see :func:`litgraph._igraph.as_igraph`); ``weight`` picks a PaperGraph's layer.

    Leiden (Traag, Waltman & van Eck, 2019) optimising modularity, or Louvain
    (Blondel et al., 2008), both from igraph and both seeded. Communities are numbered
    by size, largest first (ties by their first paper), so the numbering is stable.
    Papers without any link form singletons, which end up in :data:`OTHER`.

    With ``consensus=r > 1`` the partition is a consensus over ``r`` seeds (consensus
    clustering, Lancichinetti & Fortunato, 2012): each link is weighted by the share of
    the runs that put its two papers together, and the final partition is found on those
    weights. Modularity has many near-equal optima; the consensus keeps what they share,
    so communities (and their labels) stay put from one run to the next. The runs that
    vote make two Leiden passes each; the final partition runs until nothing moves.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    >>> membership = lg.detect_communities(g, seed=0)
    >>> len(membership), int(membership.max()) + 1
    (66, 5)
    """
    g = as_igraph(graph, weight, "detect_communities")
    n = g.vcount()
    if g.ecount() == 0:
        return _renumber(np.arange(n), min_size)
    w = np.asarray(g.es["weight"], dtype=np.float64)
    start = None if initial is None else [int(v) for v in np.asarray(initial).tolist()]
    if start is not None and len(start) != n:
        raise InvalidParameterError(f"The 'initial' parameter of detect_communities has {len(start)} labels for "
                                    f"{n} papers; give one label per paper (corpus order).")
    if consensus > 1:
        ends = np.asarray(g.get_edgelist())
        together = np.zeros(len(w))
        for r in range(consensus):
            m = _partition(g, method, resolution, int(seed) + 1 + r, w.tolist(), iterations=2, initial=start)
            together += m[ends[:, 0]] == m[ends[:, 1]]
        w = w * together / consensus
        keep = w > 0
        g = g.subgraph_edges(np.flatnonzero(keep).tolist(), delete_vertices=False)  # a new graph; the cache stays
        w = w[keep]
    return _renumber(_partition(g, method, resolution, int(seed), w.tolist(), initial=start), min_size)


def _partition(g, method: str, resolution: float, seed: int, weights: list[float],
               iterations: int = -1, initial: list[int] | None = None) -> np.ndarray:
    """One seeded partition; Leiden runs ``iterations`` passes (-1: until nothing moves)."""
    if g.ecount() == 0:
        return np.arange(g.vcount())
    with seeded(seed):
        if method == "leiden":
            part = g.community_leiden(objective_function="modularity", weights=weights, resolution=resolution,
                                      n_iterations=iterations, initial_membership=initial)
        else:
            part = g.community_multilevel(weights=weights, resolution=resolution)
    return np.asarray(part.membership)


def _renumber(raw: np.ndarray, min_size: int) -> np.ndarray:
    labels, first, counts = np.unique(raw, return_index=True, return_counts=True)
    order = sorted(range(len(labels)), key=lambda k: (-counts[k], first[k]))
    new = np.full(len(raw), OTHER, dtype=np.int64)
    next_id = 0
    for k in order:
        if counts[k] < min_size:
            continue
        new[raw == labels[k]] = next_id
        next_id += 1
    return new


def modularity(graph, membership: np.ndarray, *, weight: str = "weight", resolution: float = 1.0) -> float:
    """Modularity (Newman & Girvan, 2004) of a partition, "other" papers each on their own.

    ``graph`` as in :func:`detect_communities`.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> two_triangles = sp.csr_matrix(np.array([[0, 1, 1, 0, 0, 0], [1, 0, 1, 0, 0, 0], [1, 1, 0, 1, 0, 0],
    ...                                         [0, 0, 1, 0, 1, 1], [0, 0, 0, 1, 0, 1], [0, 0, 0, 1, 1, 0]]))
    >>> round(modularity(two_triangles, np.array([0, 0, 0, 1, 1, 1])), 6)  # 2 * (3/7 - (7/14)**2) = 5/14
    0.357143
    """
    g = as_igraph(graph, weight, "modularity")
    m = check_membership(membership, g.vcount(), "modularity").copy()
    if g.ecount() == 0:
        return 0.0
    others = np.flatnonzero(m == OTHER)
    m[others] = m.max() + 1 + np.arange(len(others))
    return float(g.modularity(m.tolist(), weights="weight", resolution=resolution))


def _initials(phrase: str) -> str:
    return "".join(w[0] for w in phrase.replace("-", " ").split()).lower()


def _redundant(name: str, chosen: str) -> bool:
    """Whether a label word repeats one already chosen: contained in it, or its acronym."""
    a, b = name.lower(), chosen.lower()
    if a in b or b in a:
        return True
    for short, long_ in ((name, chosen), (chosen, name)):
        if short.isupper() and " " not in short and _initials(long_) == short.lower().rstrip("s"):
            return True
    return False


def label_communities(graph, membership: np.ndarray, *, top_n: int = 3) -> dict[int, list[str]]:
    """The most distinctive concepts of each community, by class-based TF-IDF.

    c-TF-IDF (Grootendorst, 2022): for community ``c`` and concept ``t``,
    ``tf(c, t) * log(1 + A / f(t))`` where ``tf(c, t)`` is the share of the community's
    papers carrying ``t``, ``f(t)`` the number of papers carrying ``t`` in the corpus and
    ``A`` the average community size, times ``1 + t / f(t)`` where ``t`` is the number of
    titles naming the concept (authors name their topic in titles, not "ground truth").
    Concepts carried by a single paper of the community are skipped, so a label
    describes the group, not one member. ``graph`` is a PaperGraph or a
    :class:`~litgraph.ConceptSet` whose rows follow ``membership``.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    >>> labels = lg.analysis.label_communities(g, lg.detect_communities(g, seed=0))
    >>> any("state space model" in words for words in labels.values())
    True
    """
    cs = getattr(graph, "concepts", graph)
    membership = check_membership(membership, cs.matrix.shape[0], "label_communities")
    comms = [int(c) for c in distinct(membership) if c != OTHER]
    if len(cs) == 0:
        return {c: [] for c in comms}
    return distinctive_concepts(cs, np.arange(len(membership)), membership, top_n=top_n)


def distinctive_concepts(graph, rows: np.ndarray, groups: np.ndarray, *, top_n: int = 3,
                         avoid: dict[int, list[str]] | None = None) -> dict[int, list[str]]:
    """c-TF-IDF labels of the groups of papers ``rows`` (``groups[k]`` is the group of ``rows[k]``;
    :data:`OTHER` is in no group), with concept frequencies counted over ``rows`` only. ``graph``: a
    PaperGraph or its ConceptSet.

    A concept redundant with one of ``avoid[group]`` is passed over while others qualify.
    """
    cs = getattr(graph, "concepts", graph)
    comms = [int(c) for c in distinct(groups) if c != OTHER]
    if len(cs) == 0 or not comms:
        return {c: [] for c in comms}
    whole = (cs.matrix > 0).astype(np.float64).tocsr()
    b = whole[rows]
    sizes = np.array([(groups == c).sum() for c in comms], dtype=np.float64)
    avg = sizes.mean()
    f = np.asarray(b.sum(axis=0)).ravel()
    names = cs.names
    title_df = cs.title_df if cs.title_df is not None else np.zeros(len(cs))
    # the share of the concept's papers that name it in their title, over the whole corpus
    title_boost = 1.0 + title_df / np.maximum(np.asarray(whole.sum(axis=0)).ravel(), 1.0)
    # one sparse product gives every group's concept counts: (groups x rows) @ (rows x concepts)
    slot = np.searchsorted(np.asarray(comms), groups)
    member = groups != OTHER
    onehot = sp.csr_matrix((np.ones(int(member.sum())), (slot[member], np.flatnonzero(member))),
                           shape=(len(comms), len(rows)))
    counts_all = (onehot @ b).tocsr()
    out: dict[int, list[str]] = {}
    for k, (c, size) in enumerate(zip(comms, sizes)):
        row = counts_all.getrow(k)
        cols, counts = row.indices, row.data
        keep = counts >= 2  # a concept of a single member describes that paper, not the group
        cols, counts = cols[keep], counts[keep]
        score = (counts / size) * np.log1p(avg / np.maximum(f[cols], 1.0)) * title_boost[cols]
        order = sorted(range(len(cols)), key=lambda j: (-score[j], str(names[cols[j]])))
        chosen: list[str] = []
        for skip in (list((avoid or {}).get(c, [])), []):
            for j in order:
                if score[j] <= 0 or len(chosen) == top_n:
                    break
                name = str(names[cols[j]])
                if any(_redundant(name, c_) for c_ in chosen + skip):
                    continue  # "state space model" makes "space model" and "SSM" redundant
                chosen.append(name)
            if chosen:
                break
        out[c] = chosen
    return out
