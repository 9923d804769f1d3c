"""Edge layers: each turns a corpus into typed, weighted, explained edges.

=============  =========================================  ==========
kind           what links two papers                      directed
=============  =========================================  ==========
concepts       shared specific concepts (idf cosine)      no
similarity     TF-IDF (or embedding) cosine, top-k        no
digest         featured in the same digest (fractional)   no
citation       one cites the other (``references``)       yes
mention        one's abstract names the other             yes
cocitation     cited together by other corpus papers      no
coupling       they share references                      no
=============  =========================================  ==========

A user's own layer joins them with :func:`register_layer` (see :mod:`litgraph.edges._contract` for the
contract: a ``kind`` and ``build(ctx)`` returning :class:`LayerEdges` of paper positions).
"""

from collections.abc import Callable

from ..exceptions import InvalidParameterError
from ._base import EDGE_COLUMNS, BuildContext, topk_pairs
from ._contract import LayerEdges, check_layer, check_weight
from ._features import WordVectors
from .citations import CitationEdges, CocitationEdges, CouplingEdges, MentionEdges, short_name
from .concepts import SharedConceptEdges
from .cooccurrence import CooccurrenceEdges
from ._embeddings import Embedder, EmbeddingCache, SentenceTransformerEmbedder
from ._encoder import OnnxEncoder
from .similarity import SimilarityEdges

__all__ = ["EDGE_COLUMNS", "BuildContext", "topk_pairs", "SharedConceptEdges", "SimilarityEdges",
           "CooccurrenceEdges", "CitationEdges", "MentionEdges", "CocitationEdges", "CouplingEdges", "Embedder",
           "OnnxEncoder", "EmbeddingCache", "SentenceTransformerEmbedder", "short_name", "LAYERS", "LAYER_ORDER", "LayerEdges",
           "WordVectors", "DEFAULT_LAYER_WEIGHTS", "register_layer", "unregister_layer", "default_weights"]

#: Default builder of every layer kind.
LAYERS = {
    "concepts": SharedConceptEdges,
    "similarity": SimilarityEdges,
    "digest": CooccurrenceEdges,
    "citation": CitationEdges,
    "mention": MentionEdges,
    "cocitation": CocitationEdges,
    "coupling": CouplingEdges,
}
BUILTIN = tuple(LAYERS)
#: The order in which layers are built and listed, declared once for full and incremental builds; the digest
#: layer comes last because it reads the pairs the other layers link (registered layers go before it).
LAYER_ORDER = ["concepts", "similarity", "citation", "mention", "cocitation", "coupling", "digest"]

#: Weight of each built-in layer in the combined ``weight`` when none are given.
#: Each layer's edges are first divided by the layer's median edge weight (see PaperGraph.layer_scales), so these
#: say how much a typical link of each kind counts. Text similarity leads: on 22,393 real arXiv papers it ranks
#: neighbours best (benchmarks/eval_neighbours.py); concepts, citations and co-occurrence add evidence.
DEFAULT_LAYER_WEIGHTS: dict[str, float] = {
    "concepts": 0.3, "similarity": 1.0, "digest": 0.05, "citation": 0.5, "mention": 0.1,
    "cocitation": 0.2, "coupling": 0.2,
}
_REGISTERED: dict[str, float] = {}  # registered layers and their default weight


def default_weights() -> dict[str, float]:
    """The layers a build uses when none are named: the built-in ones and every registered one, with their weight."""
    return {**DEFAULT_LAYER_WEIGHTS, **_REGISTERED}


def register_layer(make: Callable, *, weight: float = 1.0) -> Callable:
    """Make a layer of one's own part of every build (and known by name in ``layers=``).

    ``make`` is a layer class (or a function) that makes the layer with no arguments; the
    layer has a ``kind`` and ``build(ctx)`` returning :class:`LayerEdges` (see
    :mod:`litgraph.edges._contract`). It is built after the built-in layers that do not
    read other layers' links, in full and daily builds; ``weight`` is its weight in the
    combined graph. Registering a kind again replaces it. Returns ``make``, so it can
    decorate the class.

    Examples
    --------
    >>> import numpy as np, litgraph as lg
    >>> class SameFirstAuthor:
    ...     kind, incremental = "first_author", "rebuild"
    ...     def build(self, ctx):
    ...         first = [p.authors[0] if p.authors else None for p in ctx.corpus]
    ...         pairs = [(i, j) for i in range(len(first)) for j in range(i + 1, len(first))
    ...                  if first[i] is not None and first[i] == first[j]]
    ...         src, dst = (np.array(x, dtype=int) for x in zip(*pairs)) if pairs else (np.zeros(0, int),) * 2
    ...         return lg.edges.LayerEdges(src, dst, np.ones(len(src)), evidence=["same first author"] * len(src))
    >>> _ = lg.register_layer(SameFirstAuthor, weight=0.5)
    >>> "first_author" in lg.build_graph(lg.load_sample()).layer_weights
    True
    >>> lg.unregister_layer("first_author")
    """
    try:
        kind = check_layer(make(), "register_layer")
    except TypeError as exc:
        raise InvalidParameterError(f"register_layer takes a layer class (or function) that makes the layer with "
                                    f"no arguments; calling {make!r} failed: {exc}.") from None
    if kind in BUILTIN:
        raise InvalidParameterError(f"{kind!r} is a built-in layer; pass build_graph(builders=[...]) to change its "
                                    f"parameters, or give your layer another kind.")
    _REGISTERED[kind] = check_weight(kind, weight)
    LAYERS[kind] = make
    if kind not in LAYER_ORDER:
        LAYER_ORDER.insert(LAYER_ORDER.index("digest"), kind)
    return make


def unregister_layer(kind: str) -> None:
    """Forget a layer made known by :func:`register_layer` (later builds leave it out).

    Examples
    --------
    >>> import litgraph as lg
    >>> class Empty:
    ...     kind, incremental = "empty", "rebuild"
    ...     def build(self, ctx):
    ...         return lg.edges.LayerEdges(src=[], dst=[], weight=[])
    >>> _ = lg.register_layer(Empty)
    >>> lg.unregister_layer("empty")
    >>> "empty" in lg.edges.LAYERS
    False
    """
    if kind not in _REGISTERED:
        raise InvalidParameterError(f"No registered layer {kind!r}; registered: {', '.join(_REGISTERED) or 'none'}.")
    del _REGISTERED[kind], LAYERS[kind]
    LAYER_ORDER.remove(kind)
