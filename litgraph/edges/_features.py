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
