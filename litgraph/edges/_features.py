"""Features: per-paper arrays fitted once, kept with the graph's state and extended to new papers.

A feature is a value with rows in corpus order. ``fit`` makes it for a corpus;
``partial_fit`` makes the feature of the same papers plus new ones, with what was fitted
kept as it is (the vocabulary and term weights of the words; the concepts and their
weights follow :func:`litgraph.concepts.extend_concepts`). ``partial_fit`` returns a new
value and leaves the one it is called on unchanged: earlier graphs share it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .._memory import release_memory
from .._text import TextView
from ._terms import _counts, count_terms, term_weights, weigh_with


def paper_text(title: str, abstract: str) -> str:
    """The text compared: the title counts twice, as it names the topic."""
    return f"{title}. {title}. {abstract}"


def sentence_text(title: str, abstract: str) -> str:
    """The text a sentence encoder reads: the title, then the abstract (the title alone when there is none)."""
    return f"{title}. {abstract}" if abstract and abstract.strip() else title


@dataclass(frozen=True)
class WordVectors:
    """Word and word-pair vectors of the papers (sublinear tf times idf ** ``idf``, rows L2-normalised).

    Attributes
    ----------
    vocabulary : (dict of str to int, numpy.ndarray)
        Word ids and the term codes of the columns (see :func:`litgraph.edges._terms._counts`).
    term_weights : numpy.ndarray
        Each column's multiplier, fitted on the papers of :meth:`fit` and kept by :meth:`partial_fit`.
    vectors : scipy.sparse.csr_matrix
        Papers x terms, corpus order.
    """

    vocabulary: tuple[dict[str, int], np.ndarray]
    term_weights: np.ndarray
    vectors: sp.csr_matrix

    @property
    def n_papers(self) -> int:
        return self.vectors.shape[0]

    @classmethod
    def fit(cls, papers, idf: float, n_jobs: int = 1) -> WordVectors:
        """The vectors of ``papers`` (objects with ``title`` and ``abstract``), vocabulary and weights fitted on them."""
        counts, vocabulary = _counts(TextView(list(papers), lambda p: paper_text(p.title, p.abstract)), n_jobs,
                                     vocabulary=True)
        release_memory()  # the chunks' counts were freed: their pages go back before the product
        weights = term_weights(counts, idf)
        return cls(vocabulary, weights, weigh_with(counts, weights, copy=False))

    def partial_fit(self, papers) -> WordVectors:
        """These vectors with rows for ``papers`` added (the same vocabulary and term weights)."""
        papers = list(papers)
        if not papers:
            return self
        new = weigh_with(count_terms([paper_text(p.title, p.abstract) for p in papers], self.vocabulary),
                         self.term_weights)
        return WordVectors(self.vocabulary, self.term_weights, sp.csr_matrix(sp.vstack([self.vectors, new])))


def text_hash(p) -> str:
    """A short hash of a paper's title and abstract: a stored feature of the paper is reused while it is the same."""
    import hashlib

    return hashlib.blake2b(f"{p.title}\0{p.abstract}".encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


@dataclass(frozen=True)
class SentenceVectors:
    """Sentence embeddings of the papers (unit rows, float32, corpus order) and the model that made them.

    ``fit`` and ``partial_fit`` take the vectors a store keeps for a paper whose text is
    unchanged (:meth:`litgraph.Store.vectors`), encode the others and keep them there: a
    daily run encodes only its new papers.

    Attributes
    ----------
    model : str
        The encoder's ``name`` (its weights and how texts are cut).
    vectors : numpy.ndarray
        Papers x dimensions.
    encoded : int
        How many papers the last ``fit`` or ``partial_fit`` encoded (the rest were stored).
    """

    model: str
    vectors: np.ndarray
    encoded: int = 0

    @property
    def n_papers(self) -> int:
        return self.vectors.shape[0]

    @classmethod
    def fit(cls, papers, encoder, store=None) -> SentenceVectors:
        """The vectors of ``papers`` by ``encoder`` (an :class:`~litgraph.edges.Embedder`), from ``store`` where
        it has them."""
        vectors, encoded = _encoded(list(papers), encoder, store)
        return cls(encoder.name, vectors, encoded)

    def partial_fit(self, papers, encoder, store=None) -> SentenceVectors:
        """These vectors with rows for ``papers`` added; LitgraphError if ``encoder`` is another model."""
        from ..exceptions import LitgraphError

        if encoder.name != self.model:
            raise LitgraphError(f"The sentence vectors were made by {self.model!r}, not {encoder.name!r}: vectors of "
                                f"two models are never mixed (a full build encodes every paper again).")
        papers = list(papers)
        if not papers:
            return SentenceVectors(self.model, self.vectors, 0)
        new, encoded = _encoded(papers, encoder, store)
        if new.shape[1] != self.vectors.shape[1]:
            raise LitgraphError(f"{encoder.name!r} returned vectors of {new.shape[1]} dimensions for the new papers, "
                                f"{self.vectors.shape[1]} before; check the model.")
        return SentenceVectors(self.model, np.vstack([self.vectors, new]), encoded)


def _encoded(papers: list, encoder, store) -> tuple[np.ndarray, int]:
    """(unit vectors of the papers, how many were encoded): stored ones read, the others encoded and stored."""
    from ..exceptions import LitgraphError

    ids, hashes = [p.id for p in papers], [text_hash(p) for p in papers]
    if store is not None:
        out, found = store.vectors(encoder.name, ids, hashes)
    else:
        out, found = np.zeros((len(papers), 0), dtype=np.float32), np.zeros(len(papers), dtype=bool)
    todo = np.flatnonzero(~found)
    if len(todo):
        made = encode_texts(encoder, [sentence_text(papers[i].title, papers[i].abstract) for i in todo.tolist()])
        if made.ndim != 2 or made.shape[0] != len(todo):
            raise LitgraphError(f"The embedder {encoder.name!r} returned an array of shape {made.shape} for "
                                f"{len(todo)} texts; expected ({len(todo)}, dimensions).")
        if out.shape[1] and made.shape[1] != out.shape[1]:
            raise LitgraphError(f"The embedder {encoder.name!r} returned {made.shape[1]} dimensions, but the store "
                                f"keeps vectors of {out.shape[1]} under that name; give a changed model another "
                                f"name, so that the vectors of the two are never mixed.")
        bad = ~np.isfinite(made).all(axis=1)
        if bad.any():
            raise LitgraphError(f"The embedder {encoder.name!r} returned NaN or infinite values for {int(bad.sum())} "
                                f"paper(s) (the first: {ids[int(todo[np.argmax(bad)])]!r}); check the model.")
        made /= np.maximum(np.linalg.norm(made, axis=1, keepdims=True), 1e-12)
        if out.shape[1] == 0:
            out = np.zeros((len(papers), made.shape[1]), dtype=np.float32)
        out[todo] = made
        if store is not None:
            store.save_vectors(encoder.name, [ids[i] for i in todo], [hashes[i] for i in todo], made)
    return out, len(todo)


#: Texts encoded in one task on a cluster: the in-process encoder's own chunk, so that the batches (and their
#: padding) are the same and the vectors equal the in-process ones.
ENCODE_CHUNK = 2048


def encode_texts(encoder, texts: list[str]) -> np.ndarray:
    """``encoder.encode(texts)`` as float32, on the build's engine (:mod:`litgraph.engine`): a chunk of texts
    per task on a cluster, the encoder sent to each worker once."""
    from ..engine import current

    engine = current()
    if not engine.distributed or len(texts) <= ENCODE_CHUNK // 4:
        with engine.timed("sentence embeddings"):
            return np.asarray(encoder.encode(texts), dtype=np.float32)
    pieces = (texts[s:s + ENCODE_CHUNK] for s in range(0, len(texts), ENCODE_CHUNK))
    parts = list(engine.map(_encode_piece, pieces, stage="sentence embeddings", shared=(encoder,)))
    return np.vstack(parts) if parts else np.zeros((0, 0), dtype=np.float32)


def _encode_piece(texts: list[str], encoder) -> np.ndarray:
    return np.asarray(encoder.encode(texts), dtype=np.float32)
