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
"""

from ._base import EDGE_COLUMNS, BuildContext, topk_pairs
from .citations import CitationEdges, CocitationEdges, CouplingEdges, MentionEdges, short_name
from .concepts import SharedConceptEdges
from .cooccurrence import CooccurrenceEdges
from ._embeddings import Embedder, EmbeddingCache, SentenceTransformerEmbedder
from .similarity import SimilarityEdges

__all__ = ["EDGE_COLUMNS", "BuildContext", "topk_pairs", "SharedConceptEdges", "SimilarityEdges",
           "CooccurrenceEdges", "CitationEdges", "MentionEdges", "CocitationEdges", "CouplingEdges", "Embedder",
           "EmbeddingCache", "SentenceTransformerEmbedder", "short_name", "LAYERS", "LAYER_ORDER"]

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
#: The order in which layers are built and listed, declared once for full and incremental builds; the digest
#: layer comes last because it reads the pairs the other layers link.
LAYER_ORDER = ["concepts", "similarity", "citation", "mention", "cocitation", "coupling", "digest"]
