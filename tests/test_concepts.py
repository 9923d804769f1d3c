"""Concept extraction on the sample digests and on tiny hand-made corpora."""

from __future__ import annotations

import re

import numpy as np
import pytest

import litgraph as lg
from litgraph._lexicon import GENERIC_EDGE, STOP_WORDS


@pytest.fixture(scope="module")
def concepts(sample_corpus):
    return lg.extract_concepts(sample_corpus)


def tiny(*texts: tuple[str, str]) -> lg.Corpus:
    body = "\n".join(f"{t}\n{a}" for t, a in texts) + "\n"
    return lg.parse_digest(body, source="tiny.txt")


@pytest.mark.parametrize("phrase", [
    "state space model", "in-context learning", "concept bottleneck model", "mechanistic interpretability",
    "knowledge distillation", "large language model", "probabilistic circuit", "catastrophic forgetting",
    "inductive reasoning", "gaussian process", "chain of thought",
])
def test_required_concepts_are_found(concepts, phrase):
    i = concepts.index(phrase)
    assert concepts.df[i] >= 2


@pytest.mark.parametrize("phrase", [
    "this paper", "we propose", "results show", "state-of-the-art", "state of the art", "extensive experiments",
    "novel framework", "paper", "results",
])
def test_generic_phrases_are_not_concepts(concepts, phrase):
    with pytest.raises(KeyError):
        concepts.index(phrase)


def test_acronyms_are_aliases_of_their_expansions(concepts):
    assert "SSM" in concepts.aliases[concepts.index("state space model")]
    llm = concepts.index("large language model")
    assert concepts.index("LLMs") == concepts.index("LLM") == llm == concepts.index("large language models")
    assert "ICL" in concepts.aliases[concepts.index("in-context learning")]


def test_no_bare_numbers_and_no_single_paper_concepts(concepts):
    assert not any(re.fullmatch(r"[\d.,%\s-]+", n) for n in concepts.names)
    assert concepts.df.min() >= 2


def test_common_concepts_weigh_less(concepts):
    common, rare = concepts.index("neural network"), concepts.index("concept bottleneck model")
    assert concepts.df[common] > 50 and concepts.idf[common] < concepts.idf[rare]


def test_top_30_are_topics_not_fragments(concepts):
    top = concepts.to_frame().head(30)
    for name in top["concept"]:
        words = name.lower().split()
        assert words[0] not in STOP_WORDS | GENERIC_EDGE and words[-1] not in STOP_WORDS | GENERIC_EDGE, name
        assert not words[-1].endswith("ly"), name
    expected = {"large language model", "probabilistic circuit", "gaussian process", "in-context learning",
                "concept bottleneck model", "continual learning", "inductive reasoning"}
    assert expected <= set(top["concept"])


def test_frame_columns_and_order(concepts):
    f = concepts.to_frame()
    assert list(f.columns) == ["concept", "key", "aliases", "df", "title_df", "idf", "coherence", "score", "papers"]
    assert f["score"].is_monotonic_decreasing
    row = f[f["concept"] == "concept bottleneck model"].iloc[0]
    assert len(row["papers"]) == row["df"]


def test_folding_case_hyphen_plural():
    assert lg.concepts.concept_key("State-Space Models") == lg.concepts.concept_key("state space model")
    assert lg.concepts.concept_key("Probabilistic Circuits") == "probabilistic circuit"
    assert lg.concepts.concept_key("precision matrices") == "precision matrix"
    assert lg.concepts.concept_key("LLMs") == "LLM"


def test_vocabulary_synonyms_and_stop_concepts():
    corpus = tiny(
        ("Graph Learning One", "We train graph neural networks on molecules. The message passing is fast."),
        ("Graph Learning Two", "GNNs on citation graphs with message passing. It is a good method."),
        ("Graph Learning Three", "Message passing networks for proteins. They work with graph neural networks."),
    )
    plain = lg.extract_concepts(corpus)
    assert "message passing" in plain.keys
    cs = lg.extract_concepts(corpus, vocabulary={"GNN": "graph neural network"}, stop_concepts=["message passing"])
    i = cs.index("graph neural network")
    assert cs.df[i] == 3 and "GNN" in cs.aliases[i]
    assert "message passing" not in cs.keys


def test_the_corpus_scan_equals_text_by_text_scans(sample_corpus):
    """Runs, sentence starts and counts never leak from one text into the next."""
    from litgraph.concepts._scan import scan

    texts = [f"{p.title}. {p.abstract}" for p in list(sample_corpus)[:60]]
    texts += ["Transformers (TFs) of the Model's Layers", "Layers of Transformers. Spiking Networks rule",
              "spiking networks", ""]
    whole = scan(texts, 4)
    for i, text in enumerate(texts):
        alone = scan([text], 4)
        row = whole.counts.getrow(i)
        assert dict(zip([whole.keys[j] for j in row.indices], row.data)) == dict(
            zip(alone.keys, alone.counts.toarray().ravel())), text
        assert whole.defined.get(i) == alone.defined.get(0)


def test_scan_rules_on_a_crafted_text():
    from litgraph.concepts._scan import scan

    s = scan(["Spiking Networks of the brain. We use Spiking Networks and the model's state-space layers. "
              "Later Mamba beats Mamba."], 4)
    keys = dict(zip(s.keys, s.counts.toarray().ravel()))
    assert keys["spiking network"] == 2 and keys["state space layer"] == 1  # plural folded, hyphen as space
    assert keys["~Mamba"] == 2 and "~Later" not in keys  # a capital opening a sentence is not counted
    assert "model's" not in s.lowers and "model" in s.lowers
    assert s.surface_forms(["state space layer"]) == {"state space layer": {"state-space layers": 1}}


@pytest.mark.parametrize("params,name", [({"min_df": 0}, "min_df"), ({"max_df": 1.5}, "max_df"),
                                         ({"max_words": 0}, "max_words"), ({"vocabulary": "SSM"}, "vocabulary"),
                                         ({"stop_concepts": "x"}, "stop_concepts"),
                                         ({"near_duplicate": 0}, "near_duplicate")])
def test_bad_parameters(sample_corpus, params, name):
    with pytest.raises(lg.InvalidParameterError, match=f"'{name}' parameter of ConceptExtractor"):
        lg.extract_concepts(sample_corpus, **params)


def test_not_fitted():
    with pytest.raises(lg.NotFittedError):
        _ = lg.ConceptExtractor().matrix_


def test_concepts_of_a_paper(concepts, sample_corpus):
    pid = next(p.id for p in sample_corpus if p.title.startswith("Probabilistic Concept Bottleneck"))
    assert "concept bottleneck model" in concepts.concepts_of(pid)
    idf = [concepts.idf[concepts.index(c)] for c in concepts.concepts_of(pid)]
    assert idf == sorted(idf, reverse=True)
    assert np.isfinite(concepts.coherence()).all()


def test_scanning_in_chunks_changes_nothing(sample_corpus, monkeypatch):
    """A large corpus is scanned a chunk at a time (bounded memory); the concepts must be the same."""
    from litgraph.concepts import _scan

    whole = lg.extract_concepts(sample_corpus)
    monkeypatch.setattr(_scan, "CHUNK", 40)
    parts = lg.extract_concepts(sample_corpus)
    assert parts.names == whole.names and parts.keys == whole.keys and parts.aliases == whole.aliases
    assert (parts.matrix != whole.matrix).nnz == 0 and (parts.title_df == whole.title_df).all()


def test_near_duplicate_papers_count_once_towards_min_df_through_chains():
    import scipy.sparse as sp

    from litgraph.concepts._extractor import _support_without_near_duplicates

    # papers 0-1-2 are versions of one work (0~1 and 1~2 share their concepts), 3 and 4 stand apart
    rows = [[1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 0], [0, 1, 1, 1, 1, 0], [1, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 1]]
    m = sp.csr_matrix(np.array(rows, dtype=float))
    idf = np.ones(6)
    support = _support_without_near_duplicates(m, idf, 0.85)
    assert support.tolist() == [2, 1, 1, 1, 2, 2]  # column 0: the work {0,1,2} and paper 3
    assert _support_without_near_duplicates(m, idf, 1.0).tolist() == m.sum(axis=0).A1.tolist()
