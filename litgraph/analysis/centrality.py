"""Centralities of the combined graph (or one layer), computed with igraph."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._step import N_JOBS, SEED, Int, constrained
from .._igraph import as_igraph, vertex_names
from .communities import OTHER, check_membership

__all__ = ["centralities", "participation_coefficient", "directed_pagerank", "bridge_scores", "CENTRALITIES"]

#: Columns of :func:`centralities`.
CENTRALITIES = ("degree", "strength", "pagerank", "betweenness", "closeness", "participation")


_GRAPH = None  # the graph a forked worker reads


#: With ``n_jobs=-1``, sampled betweenness uses worker processes from this many papers on.
PROCESS_MIN_PAPERS = 50_000


#: Sampled betweenness uses 256 sources up to this many papers, fewer above (see :func:`default_samples`).
SAMPLE_BUDGET_PAPERS = 50_000


def default_samples(n: int) -> int:
    """Sources of sampled betweenness for ``n`` papers: 256, shrinking above :data:`SAMPLE_BUDGET_PAPERS`."""
    return 256 if n <= SAMPLE_BUDGET_PAPERS else max(64, int(round(256 * SAMPLE_BUDGET_PAPERS / n)))


def _betweenness_part(args):
    length, sources = args
    return np.asarray(_GRAPH.betweenness(directed=False, weights=length, sources=sources), dtype=np.float64)


def _sampled(g, length: list[float], sources: list[int], *, closeness_sources: int, n_jobs: int):
    """Betweenness summed over ``sources`` and harmonic closeness estimated from the first few of them."""
    import os

    global _GRAPH
    jobs = (os.cpu_count() or 1) if n_jobs is None or n_jobs < 0 else max(1, n_jobs)
    if (n_jobs is None or n_jobs < 0) and g.vcount() < PROCESS_MIN_PAPERS:
        jobs = 1  # below this size starting processes costs more CPU than it saves wall time
    jobs = min(jobs, len(sources))
    if jobs > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        _GRAPH = g
        try:
            parts = [sources[i::jobs] for i in range(jobs)]
            with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
                btw = sum(pool.map(_betweenness_part, [(length, p) for p in parts]))
        finally:
            _GRAPH = None
    else:
        btw = np.asarray(g.betweenness(directed=False, weights=length, sources=sources), dtype=np.float64)
    n = g.vcount()
    few = sources[:closeness_sources]
    d = np.asarray(g.distances(source=few, weights=length), dtype=np.float64)
    with np.errstate(divide="ignore"):
        inv = np.where(np.isfinite(d) & (d > 0), 1.0 / d, 0.0)
    closeness = inv.sum(axis=0) / max(len(few) - 1, 1) if n > 1 else np.zeros(n)
    return btw, closeness


def participation_coefficient(graph, membership: np.ndarray, *, weight: str = "weight") -> np.ndarray:
    """How evenly each paper's links spread over communities (Guimerà & Amaral, 2005).

    ``P_i = 1 - sum_c (k_ic / k_i)^2`` with ``k_ic`` the weight of paper ``i``'s links into
    community ``c`` (each "other" paper counts as a community of its own) and ``k_i``
    its total; 0 for papers without links.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    >>> p = lg.analysis.participation_coefficient(g, lg.detect_communities(g, seed=0))
    >>> bool((p >= 0).all() and (p < 1).all())
    True
    """
    g = as_igraph(graph, weight, "participation_coefficient")
    n = g.vcount()
    m = check_membership(membership, n, "participation_coefficient").copy()
    if g.ecount() == 0:
        return np.zeros(n)
    others = np.flatnonzero(m == OTHER)
    m[others] = m.max() + 1 + np.arange(len(others))
    edges = np.asarray(g.get_edgelist(), dtype=np.int64)
    w = np.asarray(g.es["weight"], dtype=np.float64)
    k = _paper_community_weights(n, int(m.max()) + 1, edges, m, w)
    total = np.asarray(k.sum(axis=1)).ravel()
    squares = np.asarray(k.multiply(k).sum(axis=1)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        p = 1.0 - squares / total ** 2
    return np.where(total > 0, p, 0.0)


def _paper_community_weights(n: int, n_com: int, edges: np.ndarray, community: np.ndarray, w: np.ndarray):
    """Sparse papers x communities matrix: each paper's link weight into each community."""
    import scipy.sparse as sp

    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([community[edges[:, 1]], community[edges[:, 0]]])
    k = sp.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n_com))
    k.sum_duplicates()
    return k


def directed_pagerank(graph, weight: str = "weight") -> np.ndarray:
    """Weighted PageRank (damping 0.85) where citations and mentions point at the cited paper.

    Undirected layers (similarity, concepts, ...) link both ways with their share of the
    combined weight; a directed layer links only from the citing (or mentioning) paper to
    the cited one. A paper that cites many others does not gain rank from its own
    reference list; a paper cited by many does.
    """
    ids = graph.corpus.ids
    n = len(ids)
    directed = {k for k in graph.layer_weights if k in _DIRECTED}
    layers = list(graph.layer_weights) if weight == "weight" else [weight]
    p = graph.pairs_frame(text=False)
    src: list[np.ndarray] = []
    dst: list[np.ndarray] = []
    wts: list[np.ndarray] = []
    if len(p):
        undirected = sum((graph.layer_weights[k] / graph.layer_scales[k] if weight == "weight" else 1.0)
                         * p[f"w_{k}"].to_numpy(dtype=np.float64) for k in layers if k not in directed) \
            if any(k not in directed for k in layers) else np.zeros(len(p))
        a, b = graph.pair_ends()
        keep = undirected > 0
        src += [a[keep], b[keep]]
        dst += [b[keep], a[keep]]
        wts += [undirected[keep], undirected[keep]]
    e = graph.edge_table()
    e_src, e_dst = graph.edge_ends()
    for k in layers:
        if k not in directed:
            continue
        part = np.flatnonzero((e["kind"] == k).to_numpy())
        if len(part):
            scale = graph.layer_weights[k] / graph.layer_scales[k] if weight == "weight" else 1.0
            src.append(e_src[part])
            dst.append(e_dst[part])
            wts.append(scale * e["weight"].to_numpy(dtype=np.float64)[part])
    if not src or sum(len(s) for s in src) == 0:
        return np.full(n, 1.0 / n) if n else np.zeros(0)
    return pagerank(n, np.concatenate(src), np.concatenate(dst), np.concatenate(wts))


def pagerank(n: int, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, *, damping: float = 0.85,
             tol: float = 1e-14, max_iter: int = 10_000) -> np.ndarray:
    """Weighted PageRank (Page et al., 1999) of a directed graph by power iteration: each paper passes
    ``damping`` of its rank along its links in proportion to their weight, a paper without links spreads its
    rank over all papers, and the rest is shared equally. Iterates until the ranks move less than ``tol`` (sum
    of absolute changes). Sparse products in a fixed order, so the same graph gives the same bits every run
    (igraph's solver differs in its last bits from run to run).

    >>> pagerank(3, np.array([0, 1, 2]), np.array([1, 2, 0]), np.ones(3)).round(6).tolist()  # a cycle: even
    [0.333333, 0.333333, 0.333333]
    """
    import scipy.sparse as sp

    out = np.bincount(src, weights=weight, minlength=n).astype(np.float64)
    has_out = out > 0
    inv = np.divide(1.0, out, out=np.zeros(n), where=has_out)
    # column-stochastic transition: rank flows from src to dst in proportion to the link's weight
    m = sp.csr_matrix((weight * inv[src], (dst, src)), shape=(n, n))
    r = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        nxt = damping * (m @ r + r[~has_out].sum() / n) + (1.0 - damping) / n
        nxt /= nxt.sum()
        moved = np.abs(nxt - r).sum()
        r = nxt
        if moved < tol:
            break
    return r


_DIRECTED = {"citation", "mention"}


@constrained(seed=SEED, exact_betweenness_max=Int(min_value=0), betweenness_samples=Int(min_value=1, allow_none=True),
             n_jobs=N_JOBS)
def centralities(graph, membership: np.ndarray | None = None, *, weight: str = "weight", seed: int = 0,
                 exact_betweenness_max: int = 2000, betweenness_samples: int | None = None,
                 n_jobs: int = -1) -> tuple[pd.DataFrame, dict]:
    """Centralities of every paper, and how they were computed.

    * ``degree``: number of linked papers; ``strength``: total link weight.
    * ``pagerank``: weighted PageRank (Page et al., 1999), damping 0.85, on the directed
      graph: links of the undirected layers count both ways, a citation or mention only
      from the citing paper to the cited one (see :func:`directed_pagerank`).
    * ``betweenness``: share of shortest paths through the paper (Freeman, 1977), with
      link length ``1 / weight`` so strong links are short; normalised by
      ``(n - 1)(n - 2) / 2``. Exact up to ``exact_betweenness_max`` papers; above, estimated
      from ``betweenness_samples`` random source papers (Brandes & Pich, 2007), scaled up.
      By default (None) 256 sources up to 50,000 papers; above, the sample shrinks as
      50,000 / n (at least 64 sources), so the cost stays that of 256 sources on 50,000
      papers: each source costs a shortest-path search over the whole graph. (At 100,000
      papers two samples of 256 sources share 17 of their top 50; 128 sources share 15-18
      of them with one of 256: the estimate is coarse at that size either way.)
    * ``closeness``: harmonic closeness (Marchiori & Latora, 2000) with the same lengths,
      which stays meaningful on disconnected graphs; above ``exact_betweenness_max`` papers
      it is estimated from 32 of the sampled sources.

    Sampled betweenness is split over ``n_jobs`` processes (-1: every core); the sum over
    sources does not depend on the split.
    * ``participation``: see :func:`participation_coefficient` (needs ``membership``).

    Returns the frame (index: paper id) and a dict describing the betweenness method.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    >>> frame, how = lg.centralities(g)
    >>> list(frame.columns), how["betweenness"]
    (['degree', 'strength', 'pagerank', 'betweenness', 'closeness', 'participation'], 'exact')
    """
    g = as_igraph(graph, weight, "centralities")
    n = g.vcount()
    ids = vertex_names(graph, n)
    info: dict = {"betweenness": "exact", "betweenness_samples": None}
    if g.ecount() == 0:
        df = pd.DataFrame({c: np.zeros(n) for c in CENTRALITIES}, index=pd.Index(ids, name="id"))
        df["degree"] = df["degree"].astype(int)
        return df, info
    w = np.asarray(g.es["weight"], dtype=np.float64)
    length = (1.0 / w).tolist()
    degree = np.asarray(g.degree(), dtype=int)
    strength = np.asarray(g.strength(weights=w.tolist()), dtype=np.float64)
    if hasattr(graph, "corpus"):
        ranks = directed_pagerank(graph, weight)
    else:  # an undirected graph: every link both ways
        ends = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        ranks = pagerank(n, np.r_[ends[:, 0], ends[:, 1]], np.r_[ends[:, 1], ends[:, 0]], np.r_[w, w])
    if n <= exact_betweenness_max:
        btw = np.asarray(g.betweenness(directed=False, weights=length), dtype=np.float64)
        closeness = np.asarray(g.harmonic_centrality(weights=length, normalized=True), dtype=np.float64)
    else:
        rng = np.random.default_rng(int(seed) % 2**64)  # any int seed (numpy takes none below 0)
        k = min(betweenness_samples or default_samples(n), n)
        sources = np.sort(rng.choice(n, size=k, replace=False)).tolist()
        btw, closeness = _sampled(g, length, sources, closeness_sources=min(k, 32), n_jobs=n_jobs)
        btw *= n / k
        info = {"betweenness": "sampled", "betweenness_samples": k}
    pairs = (n - 1) * (n - 2) / 2
    btw = btw / pairs if pairs > 0 else np.zeros(n)
    part = participation_coefficient(graph, membership, weight=weight) if membership is not None else np.zeros(n)
    df = pd.DataFrame({"degree": degree, "strength": strength, "pagerank": ranks, "betweenness": btw,
                       "closeness": np.nan_to_num(closeness), "participation": part},
                      index=pd.Index(ids, name="id"))
    return df, info


def bridge_scores(graph, membership: np.ndarray, centrality: pd.DataFrame, *, weight: str = "weight",
                  min_share: float = 0.2) -> np.ndarray:
    """How much each paper bridges communities; 0 for papers that are no bridge.

    A bridge has *strong* links (at least the graph's median link weight) into at least
    two communities, each holding at least ``min_share`` of the paper's link weight; an
    outlier with weak links everywhere is no bridge, however evenly they spread. Bridges
    are scored by participation coefficient times betweenness percentile.
    """
    g = as_igraph(graph, weight, "bridge_scores")
    n = g.vcount()
    m = check_membership(membership, n, "bridge_scores")
    if g.ecount() == 0:
        return np.zeros(n)
    edges = np.asarray(g.get_edgelist(), dtype=np.int64)
    w = np.asarray(g.es["weight"], dtype=np.float64)
    strong = w >= np.median(w)
    n_com = int(m.max()) + 2 if len(m) else 1
    col = np.where(m == OTHER, n_com - 1, m)
    total = np.bincount(edges[:, 0], weights=w, minlength=n) + np.bincount(edges[:, 1], weights=w, minlength=n)
    k = _paper_community_weights(n, n_com, edges[strong], col, w[strong]).tocoo()
    into = (k.col != n_com - 1) & (k.data >= min_share * total[k.row])  # "other" is no community to bridge into
    bridges = np.bincount(k.row[into], minlength=n) >= 2
    btw = pd.Series(centrality["betweenness"].to_numpy(), dtype="float64")
    pct = ((btw.rank(method="average") - 1) / max(n - 1, 1)).to_numpy() if btw.nunique() > 1 else np.zeros(n)
    return np.where(bridges, centrality["participation"].to_numpy() * pct, 0.0)
