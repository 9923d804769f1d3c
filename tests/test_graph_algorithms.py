"""The graph algorithms as functions of a graph: tiny graphs with values worked out by hand, no corpus.

Each runs on an igraph Graph and on a scipy sparse adjacency matrix alike (and on a PaperGraph, tested
elsewhere).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import litgraph as lg
from litgraph._igraph import igraph_module
from litgraph.analysis import bridge_scores, detect_subtopics, modularity

ig = igraph_module()


def _adjacency(n, edges, weights=None):
    a = np.zeros((n, n))
    for (i, j), w in zip(edges, weights or [1.0] * len(edges)):
        a[i, j] = a[j, i] = w
    return sp.csr_matrix(a)


TWO_TRIANGLES = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (3, 5), (4, 5)]
STAR = [(0, 1), (0, 2), (0, 3), (0, 4)]


def _both(n, edges, weights=None):
    g = ig.Graph(n=n, edges=edges)
    if weights is not None:
        g.es["weight"] = weights
    return [g, _adjacency(n, edges, weights)]


@pytest.mark.parametrize("kind", ["igraph", "csr"])
def test_two_triangles_split_in_two_with_modularity_five_fourteenths(kind):
    graph = dict(zip(["igraph", "csr"], _both(6, TWO_TRIANGLES)))[kind]
    m = lg.detect_communities(graph, seed=0, min_size=1, consensus=1)
    assert m.tolist() == [0, 0, 0, 1, 1, 1]  # numbered by size, ties by first paper
    # Q = sum over communities of (inner links / m - (degree sum / 2m)^2) = 2 * (3/7 - (7/14)^2)
    assert modularity(graph, m) == pytest.approx(5 / 14, abs=1e-12)
    assert lg.detect_communities(graph, seed=0, min_size=4).tolist() == [-1] * 6  # both too small: "other"


@pytest.mark.parametrize("kind", ["igraph", "csr"])
def test_participation_of_the_papers_at_the_join(kind):
    graph = dict(zip(["igraph", "csr"], _both(6, TWO_TRIANGLES)))[kind]
    p = lg.analysis.participation_coefficient(graph, np.array([0, 0, 0, 1, 1, 1]))
    # paper 2 has two links home and one across: 1 - (2/3)^2 - (1/3)^2 = 4/9; inner papers 0
    assert p.tolist() == pytest.approx([0, 0, 4 / 9, 4 / 9, 0, 0], abs=1e-12)


def test_star_centralities():
    g, a = _both(5, STAR)
    for graph in (g, a):
        frame, how = lg.centralities(graph)
        assert how["betweenness"] == "exact" and list(frame.index) == [0, 1, 2, 3, 4]
        assert frame["degree"].tolist() == [4, 1, 1, 1, 1]
        # the centre lies on the shortest path of all 6 pairs of leaves: normalised by (n-1)(n-2)/2 = 6
        assert frame["betweenness"].tolist() == pytest.approx([1, 0, 0, 0, 0])
        # PageRank (damping 0.85): c = 0.03 + 0.85 * 4 l, l = 0.03 + 0.85 * c / 4
        c = 0.132 / (1 - 0.85 * 0.85)
        assert frame["pagerank"].tolist() == pytest.approx([c] + [(1 - c) / 4] * 4, abs=1e-6)
        # harmonic closeness: the centre reaches all at distance 1, a leaf one at 1 and three at 2
        assert frame["closeness"].tolist() == pytest.approx([1.0] + [(1 + 3 / 2) / 4] * 4)


def test_weights_shorten_links_for_betweenness():
    # a square 0-1-2-3-0 whose 0-1-2 side is strong: the shortest way from 0 to 2 runs through 1
    g, a = _both(4, [(0, 1), (1, 2), (2, 3), (3, 0)], [4.0, 4.0, 1.0, 1.0])
    for graph in (g, a):
        frame, _ = lg.centralities(graph)
        assert frame["strength"].tolist() == [5.0, 8.0, 5.0, 2.0]
        # lengths 1/weight: 0-1-2 (0.5) beats 0-3-2 (2), so 1 is on the 0-2 path; 1-0-3 and 1-2-3 tie at 1.25,
        # so 0 and 2 each hold half of the 1-3 path; normalised by (n-1)(n-2)/2 = 3
        assert frame["betweenness"].tolist() == pytest.approx([0.5 / 3, 1 / 3, 0.5 / 3, 0.0])


def test_a_bridge_joins_two_communities_with_strong_links():
    g, a = _both(6, TWO_TRIANGLES)
    m = np.array([0, 0, 0, 1, 1, 1])
    for graph in (g, a):
        frame, _ = lg.centralities(graph, m)
        score = bridge_scores(graph, m, frame)
        # papers 2 and 3 hold a third of their weight across (>= min_share 0.2); the others none. Score:
        # participation 4/9 times betweenness percentile ((average rank 5.5) - 1) / 5 = 0.9
        assert np.flatnonzero(score).tolist() == [2, 3] and score[2] == pytest.approx(4 / 9 * 0.9)


def test_subtopics_split_a_community_of_two_cliques():
    cliques = [(i, j) for b in (0, 5) for i in range(b, b + 5) for j in range(i + 1, b + 5)] + [(4, 5)]
    g = ig.Graph(n=10, edges=cliques)
    sub = detect_subtopics(g, np.zeros(10, dtype=int), min_papers=10, seed=0)
    assert sub.tolist() == [0] * 5 + [1] * 5
    assert detect_subtopics(g, np.zeros(10, dtype=int), min_papers=11).tolist() == [-1] * 10  # too small to split


@pytest.mark.parametrize("graph, kw, expected", [
    ([[0, 1], [1, 0]], {}, r"takes a PaperGraph, an undirected igraph Graph or a square scipy sparse adjacency"),
    (sp.csr_matrix((2, 3)), {}, r"square scipy sparse"),
    (sp.csr_matrix(np.array([[0, -1.0], [-1.0, 0]])), {}, r"must hold finite weights >= 0"),
    (sp.csr_matrix(np.array([[0, 1.0], [0, 0]])), {}, r"is not symmetric; an undirected graph links i and j both ways"),
    (ig.Graph(n=2, edges=[(0, 1)], directed=True), {}, r"takes an undirected graph"),
    (_adjacency(3, [(0, 1)]), {"weight": "similarity"}, r"names a layer \('similarity'\); that needs a PaperGraph"),
])
def test_what_is_not_a_graph_gets_a_clear_error(graph, kw, expected):
    with pytest.raises(lg.InvalidParameterError, match=expected):
        lg.detect_communities(graph, **kw)


def test_a_membership_of_the_wrong_length_is_named():
    with pytest.raises(lg.InvalidParameterError, match=r"'membership' parameter of participation_coefficient must "
                                                        r"give one integer community per paper \(6\)"):
        lg.analysis.participation_coefficient(_adjacency(6, TWO_TRIANGLES), np.array([0, 1]))


def test_pagerank_gives_the_same_bits_every_run_and_agrees_with_igraph():
    # igraph's PageRank solver differs in its last bits from run to run on graphs of this size, which made the
    # report files differ between two runs of the same input
    rng = np.random.default_rng(0)
    n, m = 2500, 12_000
    i, j = rng.integers(0, n, m), rng.integers(0, n, m)
    keep = i != j
    a = sp.coo_matrix((rng.random(int(keep.sum())) + 0.1, (i[keep], j[keep])), shape=(n, n)).tocsr()
    a = sp.csr_matrix(a + a.T)
    runs = [lg.centralities(a, exact_betweenness_max=0, betweenness_samples=8)[0]["pagerank"].to_numpy()
            for _ in range(3)]
    assert all(np.array_equal(runs[0], r) for r in runs[1:])
    g = ig.Graph(n=n, edges=np.column_stack(sp.triu(a, k=1).nonzero()).tolist())
    g.es["weight"] = sp.triu(a, k=1).tocoo().data.tolist()
    reference = np.asarray(g.pagerank(weights="weight", directed=False, damping=0.85))
    assert np.abs(runs[0] - reference).max() < 1e-12 and runs[0].sum() == pytest.approx(1.0)


def _three_concepts():
    """Six papers: 0-2 carry "state space model", 3-5 "diffusion model", all six "language model"."""
    names = ["state space model", "diffusion model", "language model"]
    m = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [1, 0, 1], [0, 1, 1], [0, 1, 1], [0, 1, 1]], dtype=float))
    return lg.ConceptSet(names=names,
                         keys=names, aliases=[(), (), ()],
                         df=np.array([3, 3, 6]), idf=np.array([1.5, 1.5, 1.0]), matrix=m,
                         paper_ids=[f"p{i}" for i in range(6)])


def test_labels_of_a_concept_set_without_a_graph():
    # papers 0-2 carry "state space model", 3-5 "diffusion model", all six "language model"
    cs = _three_concepts()
    labels = lg.analysis.label_communities(cs, np.array([0, 0, 0, 1, 1, 1]))
    # c-TF-IDF: own concept 1 * log(1 + 3/3) beats the shared one 1 * log(1 + 3/6)
    assert labels == {0: ["state space model", "language model"], 1: ["diffusion model", "language model"]}
    with pytest.raises(lg.InvalidParameterError, match="'membership' parameter of label_communities"):
        lg.analysis.label_communities(cs, np.array([0, 1]))


def test_trends_of_a_concept_set_without_a_graph():
    from datetime import date

    # papers 0-2 (1 March) carry "state space model", 3-5 (10-12 March) "diffusion model", all six "language model"
    cs = _three_concepts()
    days = [date(2025, 3, 1)] * 3 + [date(2025, 3, 10), date(2025, 3, 11), "2025-03-12"]
    df = lg.analysis.window_trends(cs, days=days, start="2025-03-05", min_papers=1, prior=0.0, weeks=2)
    assert df["concept"].tolist() == ["diffusion model", "language model"]  # state space model: no window paper
    assert df["new"].tolist() == [True, False] and df["papers"].tolist() == [3, 3]
    # plain log-odds with half counts: 6 concept uses in the window and 6 before, a0 = 3 * 0.5
    new = np.log(3.5 / 4.0) - np.log(0.5 / 7.0)
    assert df["log_odds"].iloc[0] == pytest.approx(new) and df["z"].iloc[0] == pytest.approx(new / np.sqrt(1 / 3.5 + 2))
    assert df["log_odds"].iloc[1] == pytest.approx(0.0) and df["weekly"].iloc[0] == (0, 3)
    assert df.attrs["papers"] == 3 and df.attrs["baseline_papers"] == 3
    with pytest.raises(lg.InvalidParameterError, match="needs 'days': one date"):
        lg.analysis.window_trends(cs, days=days[:4], start="2025-03-05")
    with pytest.raises(lg.InvalidParameterError, match=r"'days\[2\]' parameter of window_trends"):
        lg.analysis.window_trends(cs, days=days[:2] + ["soon"] + days[3:], start="2025-03-05")
