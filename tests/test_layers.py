"""Layers of one's own: the layer contract, the registry, and the one build path for full and daily builds."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import litgraph as lg
from litgraph.edges import BUILTIN, LAYER_ORDER, LAYERS, LayerEdges
from litgraph.incremental import EXTENDED, REBUILT, GraphState, update_graph


def _first_word_pairs(papers, rows=None):
    """Consecutive papers (in corpus order) whose titles start with the same word, as position pairs."""
    last: dict[str, int] = {}
    src, dst = [], []
    for i, p in enumerate(papers):
        word = p.title.split()[0].lower().strip(":,") if p.title.split() else ""
        if len(word) > 3 and word in last and (rows is None or i in rows):
            src.append(last[word])
            dst.append(i)
        last[word] = i
    return np.array(src, dtype=np.int64), np.array(dst, dtype=np.int64)


class FirstWord:
    """Links a paper to the last earlier paper whose title starts with the same word (rebuilt every day)."""

    kind = "first_word"
    incremental = "rebuild"

    def build(self, ctx):
        src, dst = _first_word_pairs(list(ctx.corpus))
        return LayerEdges(src, dst, np.ones(len(src)), evidence=["titles start alike"] * len(src))


class FirstWordExtending(FirstWord):
    """The same links; a daily build adds those that end at a new paper."""

    kind = "first_word_ext"
    incremental = "extend"

    def extend(self, ctx, old, new):
        src, dst = _first_word_pairs(list(ctx.corpus), rows=set(new.tolist()))
        return LayerEdges(src, dst, np.ones(len(src)), evidence=["titles start alike"] * len(src))


class FullOnly(FirstWord):
    kind = "full_only"
    incremental = ""


@pytest.fixture
def registered():
    made = []

    def register(cls, weight=1.0):
        lg.register_layer(cls, weight=weight)
        made.append(cls.kind)
        return cls

    yield register
    for kind in made:
        lg.unregister_layer(kind)
    assert tuple(LAYERS) == BUILTIN and "first_word" not in LAYER_ORDER


def _expected(corpus):
    src, dst = _first_word_pairs(list(corpus))
    ids = np.asarray(corpus.ids, dtype=object)
    return sorted(zip(ids[np.minimum(src, dst)], ids[np.maximum(src, dst)]))


def _links(graph, kind):
    e = graph.edges_frame(kind)
    return sorted(zip(e["source"], e["target"]))


def test_every_built_in_layer_says_how_a_daily_build_updates_it():
    assert set(EXTENDED + REBUILT) == set(LAYERS) == set(LAYER_ORDER)
    for kind, cls in LAYERS.items():
        assert cls.incremental == ("extend" if kind in EXTENDED else "rebuild"), kind
    assert LAYER_ORDER[-1] == "digest" and LAYERS["digest"].reads_links


@pytest.mark.parametrize("cls", [FirstWord, FirstWordExtending])
def test_a_registered_layer_runs_in_full_and_daily_builds(registered, sample_corpus, cls):
    registered(cls, weight=0.5)
    assert LAYER_ORDER.index(cls.kind) == LAYER_ORDER.index("digest") - 1  # before the layer that reads links
    ids = sample_corpus.ids
    old = sample_corpus.subset(ids[:300])
    g = lg.build_graph(old, keep_state=True)
    assert g.layer_weights[cls.kind] == 0.5 and _links(g, cls.kind) == _expected(old) != []
    assert set(g.edges_frame(cls.kind)["evidence"]) == {"titles start alike"}
    state = GraphState.from_bytes(GraphState.from_graph(g).to_bytes())  # as a daily run reads it back
    daily, nxt = update_graph(state, sample_corpus)
    assert _links(daily, cls.kind) == _expected(sample_corpus)  # the new papers' links are there too
    assert len(_expected(sample_corpus)) > len(_expected(old))
    assert "first_word" in daily.pairs_frame()["kinds"].str.cat(sep=",")
    again, _ = update_graph(GraphState.from_bytes(nxt.to_bytes()), sample_corpus)  # nothing new: the same
    assert _links(again, cls.kind) == _links(daily, cls.kind)


def test_a_layer_given_as_an_object_runs_without_being_registered(sample_corpus):
    ids = sample_corpus.ids
    g = lg.build_graph(sample_corpus.subset(ids[:300]), {"similarity": 1.0, "concepts": 0.3, "first_word": 0.2},
                       builders=[FirstWord()], keep_state=True)
    state = GraphState.from_graph(g)
    with pytest.raises(lg.RefitNeeded, match="'first_word' layer of the last build is neither registered"):
        update_graph(state, sample_corpus)
    daily, _ = update_graph(state, sample_corpus, builders=[FirstWord()])
    assert _links(daily, "first_word") == _expected(sample_corpus)


def test_a_layer_that_cannot_update_forces_a_full_build_that_names_it(registered, sample_corpus):
    registered(FullOnly)
    ids = sample_corpus.ids
    model = lg.LitGraph(seed=0).fit(sample_corpus.subset(ids[:300]), keep_state=True)
    with pytest.raises(lg.RefitNeeded, match="the full_only layer cannot be updated incrementally"):
        update_graph(model.state_, sample_corpus)
    model2 = lg.LitGraph(seed=0).fit(sample_corpus, state=model.state_)
    assert model2.fit_kind_ == "full" and "full_only" in model2.fit_reason_
    assert _links(model2.graph_, "full_only") == _expected(sample_corpus)


def test_an_unknown_layer_of_the_last_build_forces_a_full_build_with_its_name(sample_corpus):
    ids = sample_corpus.ids
    model = lg.LitGraph(seed=0).fit(sample_corpus.subset(ids[:300]), keep_state=True)
    state = model.state_
    state.layer_weights["gone"] = 1.0
    with pytest.raises(lg.RefitNeeded, match="'gone' layer of the last build is neither registered"):
        update_graph(state, sample_corpus)


class Bad:
    kind = "bad"

    def __init__(self, out):
        self.out = out

    def build(self, ctx):
        return self.out(len(ctx.corpus), ctx.corpus.ids)


def _e(src, dst, w, **kw):
    return LayerEdges(np.asarray(src), np.asarray(dst), np.asarray(w), **kw)


@pytest.mark.parametrize("out, expected", [
    (lambda n, ids: _e([ids[0]], [ids[1]], [1.0]),
     r"'bad' layer returned paper ids as src \(e.g. '.+'\); a layer returns integer positions into ctx.corpus"),
    (lambda n, ids: _e([0], [n], [1.0]), rf"position {339} in dst \(edge 0\); positions run from 0 to 338"),
    (lambda n, ids: _e([0], [-1], [1.0]), r"position -1 in dst"),
    (lambda n, ids: _e([0, 1], [2, 3], [1.0, np.nan]),
     r"1 weight value\(s\) that are NaN, infinite or negative \(the first at edge 1: nan\)"),
    (lambda n, ids: _e([0], [2], [-1.0]), r"weight value\(s\) that are NaN, infinite or negative"),
    (lambda n, ids: _e([0, 1], [2, 3], [1.0]), r"returned 1 weight value\(s\) for 2 edges"),
    (lambda n, ids: _e([0, 1], [2], [1.0]), r"returned 2 src and 1 dst positions"),
    (lambda n, ids: _e([0], [0], [1.0]), r"links paper 0 to itself \(edge 0\)"),
    (lambda n, ids: _e([0], [1], [1.0], evidence=["a", "b"]), r"returned 2 evidence for 1 edges"),
    (lambda n, ids: _e([0, 1, 2], [3, 4, 5], [1.0] * 3, evidence="abc"), r"returned one text as evidence; a layer "
                                                                          r"returns a list with one sentence per edge"),
    (lambda n, ids: _e([0], [1], ["heavy"]), r"returned weight that are not numbers"),
    (lambda n, ids: pd.DataFrame({"source": [ids[0]], "target": [ids[1]]}),
     r"'bad' layer's build\(\) returned DataFrame; a layer returns litgraph.edges.LayerEdges"),
    (lambda n, ids: [(0, 1)], r"'bad' layer's build\(\) returned list"),
])
def test_a_layer_outside_the_contract_gets_an_error_naming_it(sample_corpus, out, expected):
    with pytest.raises(lg.LitgraphError, match=expected):
        lg.build_graph(sample_corpus, {"similarity": 1.0, "bad": 1.0}, builders=[Bad(out)])


@pytest.mark.parametrize("make, kw, expected", [
    (lambda: FirstWord, {"weight": -1}, r"The weight of layer 'first_word' must be a number from 0"),
    (lambda: FirstWord, {"weight": float("nan")}, r"The weight of layer 'first_word'"),
    (lambda: type("S", (FirstWord,), {"kind": "similarity"}), {}, r"'similarity' is a built-in layer"),
    (lambda: type("N", (), {"build": lambda self, ctx: None}), {}, r"register_layer takes edge layers: objects "
                                                                   r"with a 'kind'"),
    (lambda: type("U", (FirstWord,), {"kind": "Upper Case"}), {}, r"objects with a 'kind' \(a lower-case name"),
    (lambda: type("I", (FirstWord,), {"incremental": "sometimes"}), {},
     r"The 'incremental' attribute of the 'first_word' layer must be 'rebuild', 'extend'"),
    (lambda: type("E", (FirstWord,), {"incremental": "extend"}), {}, r"\(with an extend\(ctx, old, new\) method\)"),
    (lambda: (lambda x: FirstWord()), {}, r"makes the layer with no arguments"),
])
def test_registering_a_layer_checks_it(make, kw, expected):
    with pytest.raises(lg.InvalidParameterError, match=expected):
        lg.register_layer(make(), **kw)
    assert "first_word" not in LAYERS and "similarity" in LAYERS


def test_unregistering_an_unknown_layer_says_which_are_registered():
    with pytest.raises(lg.InvalidParameterError, match=r"No registered layer 'nope'; registered: none"):
        lg.unregister_layer("nope")


# -- whatever a layer returns, the build either takes it or says what is wrong -------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(st.integers(-3, 12), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3),
                    st.none(), st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(src=st.lists(_VALUES, max_size=6), dst=st.lists(_VALUES, max_size=6), weight=st.lists(_VALUES, max_size=6),
       evidence=st.one_of(st.none(), st.lists(st.text(max_size=5), max_size=6)), as_arrays=st.booleans())
def test_any_layer_output_is_taken_or_refused_with_the_layers_name(src, dst, weight, evidence, as_arrays):
    corpus = _tiny_corpus()
    wrap = (lambda v: np.asarray(v, dtype=object)) if as_arrays else (lambda v: v)
    out = LayerEdges(wrap(src), wrap(dst), wrap(weight), evidence=evidence)
    try:
        g = lg.build_graph(corpus, {"bad": 1.0}, builders=[Bad(lambda n, ids: out)])
    except lg.LitgraphError as exc:
        assert "'bad' layer" in str(exc)
        return
    e = g.edges_frame("bad")
    assert len(e) == len(src) and (e["weight"] >= 0).all()


_TINY = []


def _tiny_corpus():
    if not _TINY:
        _TINY.append(lg.parse_digest("\n".join(
            '{"title": "Paper %d about graphs", "abstract": "Graphs and more graphs, part %d."}' % (i, i)
            for i in range(10)), source="tiny.jsonl"))
    return _TINY[0]
