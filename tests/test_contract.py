"""One contract over every step: clone, get_params/set_params, fit returns self, a bad parameter is named."""

from __future__ import annotations

import pytest
from sklearn.base import clone

import litgraph as lg
from litgraph.edges import LAYERS, BuildContext

# (step, a parameter, a bad value for it); steps without parameters have None
STEPS = [
    (lambda: lg.ConceptExtractor(), "min_df", 0),
    (lambda: lg.edges.SharedConceptEdges(), "top_k", 0),
    (lambda: lg.edges.SimilarityEdges(), "threshold", 1.5),
    (lambda: lg.edges.CooccurrenceEdges(), "max_digest_size", 1),
    (lambda: lg.edges.CitationEdges(), None, None),
    (lambda: lg.edges.MentionEdges(), None, None),
    (lambda: lg.edges.CocitationEdges(), None, None),
    (lambda: lg.edges.CouplingEdges(), None, None),
]


def test_every_layer_is_covered():
    assert {type(make()).__name__ for make, *_ in STEPS} >= {cls.__name__ for cls in LAYERS.values()}


@pytest.fixture(scope="module")
def tiny():
    corpus = lg.parse_digest(
        '[{"title": "State space models for language", "abstract": "We study state space models (SSMs). '
        'State space models scale linearly.", "id": "2401.00001", "digest": "d1"},'
        ' {"title": "Selective state space models", "abstract": "Selective state space models (SSMs) read '
        'long context. We cite Mamba.", "references": ["2401.00001"], "digest": "d1"},'
        ' {"title": "Diffusion models for images", "abstract": "Diffusion models denoise images. They are '
        'slow.", "digest": "d2"}]')
    concepts = lg.ConceptExtractor().fit(corpus).concepts_
    return corpus, BuildContext(corpus=corpus, concepts=concepts)


@pytest.mark.parametrize("make,param,bad", STEPS, ids=lambda x: type(x()).__name__ if callable(x) else str(x))
def test_step_contract(make, param, bad, tiny):
    corpus, ctx = tiny
    step = make()
    params = step.get_params()
    twin = clone(step)
    assert type(twin) is type(step) and twin.get_params() == params
    assert step.set_params(**params) is step
    fitted = step.fit(corpus if isinstance(step, lg.ConceptExtractor) else ctx)
    assert fitted is step
    learned = [k for k in vars(step) if k.endswith("_") and not k.startswith("_")]
    assert learned, "fit must leave its result in an attribute ending in _"
    assert not any(k.endswith("_") for k in vars(clone(step)) if not k.startswith("_"))  # clone forgets it
    if param is not None:
        broken = clone(step).set_params(**{param: bad})
        with pytest.raises(lg.InvalidParameterError, match=rf"The '{param}' parameter of {type(step).__name__} "):
            broken.fit(corpus if isinstance(step, lg.ConceptExtractor) else ctx)


def test_params_repr_nested_and_unknown_names():
    model = lg.LitGraph(seed=3, similarity={"top_k": 5})
    assert repr(model) == "LitGraph(seed=3, similarity={'top_k': 5})"
    assert repr(lg.edges.SimilarityEdges()) == "SimilarityEdges()"
    with pytest.raises(lg.InvalidParameterError, match="SimilarityEdges has no parameter 'topk'; its parameters are"):
        lg.edges.SimilarityEdges().set_params(topk=3)

    from litgraph._step import Params

    class Holder(Params):  # parameters with a step inside
        def __init__(self, inner=None):
            self.inner = inner

    h = Holder(inner=lg.edges.SimilarityEdges())
    assert h.get_params()["inner__top_k"] == 10
    assert h.set_params(inner__top_k=4).inner.top_k == 4


def test_the_stop_words_are_scikit_learns():
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from litgraph._lexicon import ENGLISH_STOP_WORDS as ours

    assert ours == ENGLISH_STOP_WORDS


# -- parameters shared by several entry points are declared once --------------------------------------------------
ENTRY_POINTS = [
    ("analyze", lambda g, **kw: lg.analyze(g, **kw)),
    ("detect_communities", lambda g, **kw: lg.detect_communities(g, **kw)),
    ("LitGraph", lambda g, **kw: lg.LitGraph(**kw).fit(g.corpus)),
]


@pytest.mark.parametrize("owner, call", ENTRY_POINTS, ids=[o for o, _ in ENTRY_POINTS])
@pytest.mark.parametrize("param, bad, expected", [
    ("method", "kmeans", "one of 'leiden', 'louvain'"),
    ("resolution", 0, r"a float in \(0, 1000\]"),
    ("resolution", 5000, r"a float in \(0, 1000\]"),
    ("seed", "7", "an int( or None)?"),
])
def test_shared_parameters_give_one_message_wherever_they_are_given(sample_graph, owner, call, param, bad, expected):
    with pytest.raises(lg.InvalidParameterError, match=rf"The '{param}' parameter of {owner} must be {expected}\. "):
        call(sample_graph, **{param: bad})


def test_the_shared_declarations_are_the_same_objects():
    from litgraph import _step
    from litgraph.analysis import analyze, detect_communities

    for name, shared in (("method", _step.METHOD), ("resolution", _step.RESOLUTION)):
        assert analyze._parameter_constraints[name] is shared
        assert detect_communities._parameter_constraints[name] is shared
        assert lg.LitGraph._parameter_constraints[name] is shared
