"""Communities, centralities, key papers, bridges and trends."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

import litgraph as lg
from litgraph.ingest._base import Source, make_digest
from litgraph.model import Corpus, Record

sys.path.insert(0, str(Path(__file__).parent))
from topics import sample_groups  # noqa: E402


@pytest.fixture(scope="module")
def graph(sample_graph):
    return sample_graph


@pytest.fixture(scope="module")
def res(sample_analysis):
    return sample_analysis


def _corpus(papers):
    recs = [Record(title=t, abstract=a, position=i + 1) for i, (t, a) in enumerate(papers)]
    return Corpus.from_records([(make_digest(Source(name="d", text="d"), "test"), recs)])


@pytest.mark.parametrize("topic", ["state space models", "concept bottleneck models", "probabilistic circuits",
                                   "inductive reasoning in LLMs", "in-context learning", "gaussian mixture models",
                                   "dense hebbian networks", "mathematical reasoning"])
@pytest.mark.parametrize("seed", [0, 1])
def test_papers_that_belong_together_share_a_community(graph, sample_corpus, topic, seed):
    res = lg.analyze(graph, seed=seed)
    ids = sample_groups(sample_corpus)[topic]
    counts = Counter(res.community_of(i) for i in ids)
    assert len(counts) == 1 and -1 not in counts, counts


@pytest.mark.parametrize("topic,words", [("probabilistic circuits", "probabilistic circuit"),
                                         ("state space models", "state space model"),
                                         ("inductive reasoning in LLMs", "reasoning"),
                                         ("in-context learning", "in-context learning")])
def test_labels_name_their_topic(res, sample_corpus, topic, words):
    com = res.community_of(sample_groups(sample_corpus)[topic][0])
    assert words in res.label(com)


def test_communities_frame(res):
    f = res.communities_frame()
    assert list(f.columns[:6]) == ["community", "label", "size", "top_papers", "cohesion", "modularity_share"]
    assert f["size"].sum() == 339
    assert f["label"].str.len().min() > 0 and not f.isna().any().any()
    assert 5 <= res.n_communities <= 30 and res.modularity > 0.4
    shares = f.loc[f["community"] >= 0, "modularity_share"].sum()
    if not (res.membership == -1).any():
        assert shares == pytest.approx(res.modularity, abs=1e-6)


def test_deterministic_for_a_seed(graph, res):
    again = lg.analyze(graph, seed=0)
    assert (again.membership == res.membership).all()
    assert again.key_papers(10).equals(res.key_papers(10))


def test_louvain_and_one_layer(graph):
    lv = lg.analyze(graph, method="louvain", seed=0)
    assert lv.n_communities >= 3 and lv.modularity > 0.3
    sim = lg.analyze(graph, weight="similarity", seed=0)
    assert sim.params["weight"] == "similarity" and sim.n_communities >= 3


def test_small_communities_become_other(graph):
    r = lg.analyze(graph, seed=0, min_community_size=30)
    f = r.communities_frame()
    assert f["community"].iloc[-1] == -1 and f["label"].iloc[-1] == "other"
    assert (f.loc[f["community"] >= 0, "size"] >= 30).all()


def test_igraph_centralities_agree_with_networkx(graph, res):
    g = graph.to_networkx()
    for _, _, d in g.edges(data=True):
        d["length"] = 1.0 / d["weight"]
    c = res.centrality
    # PageRank on the directed reading: undirected layers both ways, citations and mentions towards the cited paper
    d = nx.DiGraph()
    d.add_nodes_from(g.nodes)
    directed = {"citation", "mention"}
    for _, row in graph.pairs_frame().iterrows():
        u = sum(w / graph.layer_scales[k] * row[f"w_{k}"] for k, w in graph.layer_weights.items() if k not in directed)
        if u > 0:
            d.add_edge(row["source"], row["target"], weight=u)
            d.add_edge(row["target"], row["source"], weight=u)
    for _, e in graph.edges_frame().iterrows():
        if e["kind"] in directed:
            w = graph.layer_weights[e["kind"]] / graph.layer_scales[e["kind"]] * e["weight"]
            old = d.get_edge_data(e["source"], e["target"], {"weight": 0.0})["weight"]
            d.add_edge(e["source"], e["target"], weight=old + w)
    pr = nx.pagerank(d, weight="weight", alpha=0.85, tol=1e-12, max_iter=1000)
    assert np.allclose([pr[i] for i in c.index], c["pagerank"], atol=1e-6)
    bt = nx.betweenness_centrality(g, weight="length", normalized=True)
    assert np.allclose([bt[i] for i in c.index], c["betweenness"], atol=1e-9)
    hc = nx.harmonic_centrality(g, distance="length")
    assert np.allclose([hc[i] / (len(g) - 1) for i in c.index], c["closeness"], atol=1e-9)
    assert np.allclose([d for _, d in g.degree(c.index)], c["degree"])


def test_sampled_betweenness_is_reported(graph):
    r = lg.analyze(graph, seed=0, exact_betweenness_max=100, betweenness_samples=100)
    assert r.params["betweenness"] == "sampled" and r.params["betweenness_samples"] == 100
    exact = lg.analyze(graph, seed=0).centrality["betweenness"]
    top_exact = set(exact.nlargest(20).index)
    top_sampled = set(r.centrality["betweenness"].nlargest(20).index)
    assert len(top_exact & top_sampled) >= 10


def test_participation_coefficient_on_a_known_graph():
    # two triangles joined through papers C and D: C links both groups (two links home, one across)
    import scipy.sparse as sp

    edges = [(0, 1), (0, 2), (1, 2), (2, 3), (3, 4), (4, 5), (3, 5)]
    a = sp.coo_matrix((np.ones(7), ([i for i, _ in edges], [j for _, j in edges])), shape=(6, 6)).tocsr()
    p = lg.analysis.participation_coefficient(a + a.T, np.array([0, 0, 0, 1, 1, 1]))  # no graph patched
    assert p[2] == pytest.approx(1 - ((2 / 3) ** 2 + (1 / 3) ** 2))
    assert p[0] == pytest.approx(0.0)


def test_key_papers_have_reasons(res):
    k = res.key_papers(10)
    assert len(k) == 10 and k["rank"].tolist() == list(range(1, 11))
    assert k["score"].is_monotonic_decreasing
    assert k["why"].str.contains("most central of 339 papers, linked to").all()
    assert not k["why"].str.contains("PageRank|participation|%d" % 100).any()  # the figures are columns
    assert k["why"].str.contains("most strongly to").all() and k["why"].str.endswith(".").all()
    per = res.key_papers(2, per_community=True)
    assert per.groupby("community").size().max() <= 2
    assert set(per["community"]) == set(range(res.n_communities))


def test_bridges_connect_communities(res):
    b = res.bridges(5)
    assert len(b) == 5 and (b["participation"] > 0).all()
    assert b["links"].str.count(";").min() >= 1


def test_papers_frame_has_every_paper_and_no_nan(res):
    f = res.papers_frame()
    assert len(f) == 339 and f["id"].is_unique
    num = f[["score", "degree", "strength", "pagerank", "betweenness", "closeness", "participation"]]
    assert not num.isna().any().any()


def test_k_larger_than_graph_and_bad_k(res):
    assert len(res.key_papers(10_000)) == 339
    with pytest.raises(lg.InvalidParameterError, match="'k' parameter of key_papers"):
        res.key_papers(0)
    with pytest.raises(lg.InvalidParameterError, match="'k' parameter of bridges"):
        res.bridges(-1)


@pytest.mark.parametrize("kw,name", [({"resolution": 0}, "resolution"), ({"resolution": -1.0}, "resolution"),
                                     ({"method": "spectral"}, "method"), ({"weight": "friendship"}, "weight"),
                                     ({"seed": "x"}, "seed"), ({"min_community_size": 0}, "min_community_size")])
def test_bad_parameters(graph, kw, name):
    with pytest.raises(lg.InvalidParameterError, match=name):
        lg.analyze(graph, **kw)


def test_edgeless_graph_gives_an_honest_result():
    corpus = _corpus([("Alpha", "Zebra quokka."), ("Beta", "Walrus narwhal."), ("Gamma", "Okapi tapir.")])
    g = lg.build_graph(corpus, layers={"citation": 1.0})
    r = lg.analyze(g, min_community_size=1)
    assert r.n_communities == 3 and r.modularity == 0.0
    assert (r.centrality.to_numpy() == 0).all()
    assert not r.papers_frame().isna().drop(columns=["upvotes"]).any().any()
    assert r.bridges(3).empty
    assert len(r.key_papers(5)) == 3


def test_single_paper_and_disconnected_graphs():
    one = lg.build_graph(_corpus([("Only", "Alone here. Quite alone.")]))
    r = lg.analyze(one)
    assert r.papers_frame()["pagerank"].iloc[0] == 0.0 and r.communities_frame()["label"].iloc[0] == "other"
    two = _corpus([("Graph neural networks for molecules", "Graph neural networks predict molecule properties."),
                   ("Graph neural networks for proteins", "Graph neural networks predict protein structure."),
                   ("Diffusion models for images", "Diffusion models generate images from noise."),
                   ("Diffusion models for audio", "Diffusion models generate audio from noise.")])
    r = lg.analyze(lg.build_graph(two, layers={"similarity": 1.0},
                                  builders=[lg.edges.SimilarityEdges(threshold=0.05)]), min_community_size=2)
    assert r.n_communities == 2 and np.isfinite(r.centrality.to_numpy()).all()


def test_stability(graph, sample_corpus):
    r = lg.analyze(graph, seed=0, stability_runs=3)
    s = r.papers_frame().set_index("id")["stability"]
    assert s.between(0, 1).all() and s.mean() > 0.3
    tight = sample_groups(sample_corpus)["inductive reasoning in LLMs"]
    assert s[tight].mean() > s.mean()  # a tight topic stays together more than the average paper
    assert "stability" in r.communities_frame()


def test_trends_without_dates_say_so(res):
    t = res.trends()
    assert t.empty and "at least two dates" in t.attrs["note"]
    assert not res.trends(by="digest").empty


def test_trends_with_capture_dates(sample_paths):
    corpus = lg.read_digests(sample_paths, captured="2025-11-24")
    r = lg.analyze(lg.build_graph(corpus))
    t = r.trends()
    assert not t.empty and t["z"].is_monotonic_decreasing and t.attrs["note"] == ""
    assert {"concept", "latest_share", "earlier_share", "change", "bursting_now"} <= set(t.columns)
    tl = r.timeline()
    assert tl["period"].nunique() == 3
    new = r.new_papers("2025-11-01")
    assert len(new) == len({p for d in corpus.digests if d.date and d.date >= __import__("datetime").date(2025, 11, 1)
                            for p in d.paper_ids} - {p for d in corpus.digests
                                                     if d.date and d.date < __import__("datetime").date(2025, 11, 1)
                                                     for p in d.paper_ids})


def test_kleinberg_bursts_finds_a_burst():
    d = np.full(10, 100)
    r = np.array([2, 3, 2, 2, 30, 35, 28, 3, 2, 2])
    states = lg.analysis.kleinberg_bursts(r, d)
    assert states.tolist() == [0, 0, 0, 0, 1, 1, 1, 0, 0, 0]
    assert lg.analysis.kleinberg_bursts(np.zeros(4), d[:4]).tolist() == [0, 0, 0, 0]


def _graph_of(edges, n):
    """A PaperGraph over papers p0..p{n-1} with the given (source, target, kind, weight) edges."""
    from litgraph.edges._base import EDGE_COLUMNS
    from litgraph.graph import PaperGraph

    corpus = _corpus([(f"Paper {i}", f"Abstract {i}. It reads.") for i in range(n)])
    ids = corpus.ids
    rows = [{"source": ids[a], "target": ids[b], "kind": k, "weight": w, "directed": k in ("citation", "mention"),
             "score": w, "concepts": (), "digests": (), "evidence": k} for a, b, k, w in edges]
    import pandas as pd

    frame = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    kinds = sorted({k for _, _, k, _ in edges})
    return PaperGraph(corpus, frame, {k: 1.0 for k in kinds}, lg.extract_concepts(corpus), {"seed": 0}, {}), ids


def test_pagerank_flows_to_the_cited_paper():
    # paper 0 cites papers 1..5; 6 and 7 are linked by text only
    g, ids = _graph_of([(0, j, "citation", 1.0) for j in range(1, 6)] + [(6, 7, "similarity", 0.5)], 8)
    pr = lg.analyze(g, seed=0).centrality["pagerank"]
    assert all(pr[ids[0]] < pr[ids[j]] for j in range(1, 6))  # citing many papers earns no rank


def test_a_weakly_linked_outlier_is_no_bridge():
    # two tight groups (0-3, 4-7) joined by paper 8 with strong links to both; paper 9 has weak links to both
    # (and lies on the paths of paper 10, so its betweenness is not zero)
    strong = [(a, b, "similarity", 1.0) for grp in (range(0, 4), range(4, 8)) for a in grp for b in grp if a < b]
    edges = strong + [(8, 0, "similarity", 1.0), (8, 1, "similarity", 1.0), (8, 4, "similarity", 1.0),
                      (8, 5, "similarity", 1.0), (9, 2, "similarity", 0.05), (9, 6, "similarity", 0.05),
                      (10, 9, "similarity", 0.05)]  # a leaf behind the outlier: paths through it exist
    g, ids = _graph_of(edges, 11)
    res = lg.analyze(g, seed=0, min_community_size=2)
    assert res.community_of(ids[0]) != res.community_of(ids[4])
    bridges = res.bridges(k=5)["id"].tolist()
    assert bridges[:1] == [ids[8]] and ids[9] not in bridges


def test_consensus_keeps_communities_put_between_seeds(graph):
    from sklearn.metrics import adjusted_rand_score

    single = [lg.detect_communities(graph, seed=s) for s in (0, 1, 2)]
    agreed = [lg.detect_communities(graph, seed=s, consensus=5) for s in (0, 1, 2)]

    def mean_ari(parts):
        return np.mean([adjusted_rand_score(parts[a], parts[b]) for a in range(3) for b in range(a + 1, 3)])

    assert mean_ari(agreed) > 0.85 and mean_ari(agreed) > mean_ari(single)
    with pytest.raises(lg.InvalidParameterError, match="'consensus' parameter of detect_communities"):
        lg.detect_communities(graph, consensus=0)


def _kleinberg_reference(r, d, s=2.0, gamma=1.0):
    """Kleinberg's two-state Viterbi written out period by period, one series at a time (the oracle)."""
    import math

    r, d = np.asarray(r, float), np.asarray(d, float)
    n = len(r)
    if n == 0 or d.sum() == 0 or r.sum() == 0:
        return [0] * n
    p0 = r.sum() / d.sum()
    p = [p0, min(s * p0, 0.9999)]

    def cost(st, t):
        if d[t] == 0:
            return 0.0
        return -(math.lgamma(d[t] + 1) - math.lgamma(r[t] + 1) - math.lgamma(d[t] - r[t] + 1)
                 + r[t] * math.log(p[st]) + (d[t] - r[t]) * math.log(1 - p[st]))

    trans = gamma * math.log(max(n, 2))
    best, back = [cost(0, 0), cost(1, 0) + trans], []
    for t in range(1, n):
        b0 = 0 if best[0] <= best[1] else 1
        b1 = 0 if best[0] + trans < best[1] else 1
        back.append((b0, b1))
        best = [min(best) + cost(0, t), min(best[0] + trans, best[1]) + cost(1, t)]
    state = 0 if best[0] <= best[1] else 1
    states = [state]
    for b0, b1 in reversed(back):
        state = b0 if state == 0 else b1
        states.append(state)
    return states[::-1]


def test_vectorised_bursts_equal_the_period_by_period_viterbi():
    from litgraph.analysis.trends import burst_states

    rng = np.random.default_rng(0)
    totals = rng.integers(0, 60, size=40)
    counts = np.minimum(rng.poisson(2.0, size=(300, 40)) * (rng.random((300, 40)) < 0.4), totals)
    counts[:20, 25:30] = np.minimum(totals[25:30], 30)  # some real bursts
    got = burst_states(counts, totals)
    want = np.array([_kleinberg_reference(c, totals) for c in counts])
    assert (got == want).all() and got[:20, 25:30].any()


def test_ranks_ignore_last_bit_noise():
    from litgraph.analysis.ranking import percentile

    x = np.array([0.1, 0.2, 0.2, 0.3])
    noisy = x + np.array([0.0, 3e-16, -5e-16, 0.0])  # what another run of PageRank may give
    assert (percentile(noisy) == percentile(x)).all() and percentile(noisy)[1] == percentile(noisy)[2]


def test_communities_frame_counts_match_a_direct_count(res, graph):
    f = res.communities_frame().set_index("community")
    ends = graph.pairs_frame()
    a, b = graph.corpus.positions(ends["source"]), graph.corpus.positions(ends["target"])
    w = ends["weight"].to_numpy()
    m = res.membership
    for com in f.index:
        members = m == com
        strength = w[members[a]].sum() + w[members[b]].sum()
        inside = w[members[a] & members[b]].sum()
        assert f.loc[com, "size"] == members.sum()
        assert f.loc[com, "cohesion"] == pytest.approx(2 * inside / strength if strength else 0.0)
        best = res.papers_frame().sort_values("score", ascending=False, kind="stable")  # ties: corpus order
        titles = best.loc[best["community"] == com, "title"].head(3).tolist()
        assert f.loc[com, "top_papers"] == " | ".join(titles)


def test_betweenness_sample_shrinks_only_on_large_graphs():
    from litgraph.analysis.centrality import SAMPLE_BUDGET_PAPERS, default_samples

    assert default_samples(3_000) == default_samples(SAMPLE_BUDGET_PAPERS) == 256
    assert default_samples(100_000) == 128 and default_samples(10_000_000) == 64


def test_large_communities_open_into_labelled_subtopics(graph):
    res = lg.analyze(graph, seed=0, subtopic_min_papers=40)
    again = lg.analyze(graph, seed=0, subtopic_min_papers=40)
    assert np.array_equal(res.subtopic_membership, again.subtopic_membership)  # seeded
    sizes = Counter(res.membership.tolist())
    sub = res.subtopics()
    split = set(sub["community"])
    assert split and all(sizes[c] >= 40 for c in split)
    assert (res.subtopic_membership[~np.isin(res.membership, list(split))] == -1).all()
    assert sub["size"].min() >= 5 and sub.groupby("community").size().min() >= 2
    for c in split:
        mine = sub[sub["community"] == c]
        assert mine["size"].is_monotonic_decreasing and mine["size"].sum() <= sizes[c]
        parent = res.label(c).split(" · ")
        words = " · ".join(mine["label"]).split(" · ")
        assert not set(words) & set(parent)  # each sub-topic says what sets it apart, not its community's label
        assert mine["label"].is_unique
    with pytest.raises(KeyError, match="No community 999"):
        res.subtopics(999)
    assert lg.analyze(graph, seed=0).subtopics().empty  # no community of the sample reaches 150 papers


def test_subtopics_reach_report_json_and_markdown(tmp_path, sample_paths, monkeypatch):
    import functools
    import json

    from litgraph import pipeline
    from litgraph.report import run_report

    monkeypatch.setattr(pipeline, "analyze", functools.partial(lg.analyze, subtopic_min_papers=40))
    r = run_report([str(p) for p in sample_paths], db=tmp_path / "lg.db", out=tmp_path / "out", day="2025-11-05")
    data = json.loads((r.folder / "report.json").read_text(encoding="utf-8"))
    split = [c for c in data["communities"] if c["subtopics"]]
    assert split and all(s["size"] >= 5 and s["top_papers"] for c in split for s in c["subtopics"])
    md = (r.folder / "report.md").read_text(encoding="utf-8")
    assert "Sub-topics of the largest communities:" in md and split[0]["subtopics"][0]["label"].split(" · ")[0] in md
    assert "Sub-topics: " in (r.folder / "index.html").read_text(encoding="utf-8")


def test_labels_of_a_subgraph_come_from_its_own_papers():
    g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    sub = g.subgraph(g.corpus.ids[20:60])
    assert sub.concepts.paper_ids == sub.corpus.ids
    res = lg.analyze(sub, seed=0)
    for c in range(res.n_communities):
        members = [pid for pid in sub.corpus.ids if res.community_of(pid) == c]
        carried = [set(g.concepts.concepts_of(pid)) for pid in members]  # looked up by id in the whole graph
        for word in res.label(c).split(" · "):
            assert sum(word in have for have in carried) >= 2, (c, word)  # a label names what its members share
    assert "adversarial input" in " · ".join(res.label(c) for c in range(res.n_communities))
    checked = 0
    for row in sub.edges_frame("concepts").head(30).itertuples():  # a link's evidence is its own papers' concepts
        shared = set(g.concepts.concepts_of(row.source)) & set(g.concepts.concepts_of(row.target))
        names = set(row.concepts) if isinstance(row.concepts, tuple) else set(filter(None, str(row.concepts).split("; ")))
        assert names <= shared
        checked += bool(names)
    assert checked


def test_a_subgraph_renumbers_its_papers_and_keeps_their_links():
    g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), seed=0)
    keep = g.corpus.ids[5:60:3] + g.corpus.ids[:4]  # papers from the middle: every position changes
    sub = g.subgraph(keep)
    whole = g.edges_frame()
    inside = whole[whole["source"].isin(keep) & whole["target"].isin(keep)].reset_index(drop=True)
    assert len(inside) and sub.edges_frame().equals(inside)  # the same links, by id
    table = sub.edge_table()
    assert table["src"].max() < sub.n_papers and table["dst"].max() < sub.n_papers
    ids = np.asarray(sub.corpus.ids, dtype=object)
    assert ids[table["src"]].tolist() == inside["source"].tolist()  # positions are the subgraph's own
    lo, hi = sub.pair_ends()
    pairs = sub.pairs_frame(text=False)
    assert ids[lo].tolist() == pairs["source"].tolist() and ids[hi].tolist() == pairs["target"].tolist()
