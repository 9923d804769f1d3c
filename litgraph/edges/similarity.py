"""Text-similarity edges: TF-IDF cosine (or sentence embeddings) between titles and abstracts."""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import scipy.sparse as sp

from .._arrays import distinct
from ..exceptions import InvalidParameterError, LitgraphError, RefitNeeded
from .._step import Custom, Float, Int
from ._features import SentenceVectors, WordVectors, paper_text, sentence_text  # noqa: F401 (paper_text: public here)
from ._embeddings import PACKAGED_MODEL, Embedder, EmbeddingCache, make_embedder
from ._terms import _PIECE, _counts, count_terms, normalize, term_weights, weigh, weigh_with  # noqa: F401 (count_terms, weigh: public here)
from ._contract import LayerEdges
from ._base import (EdgeStep, best_of_pairs, best_per_row, BuildContext, kth_link, link_scores,
                    new_pairs, pair_dots, topk_pairs, topn_block, BLOCK_ROWS, RowsAndColumns)

logger = logging.getLogger("litgraph")


#: The share of the word cosine in a similarity fused with sentence embeddings (the rest: the embedding cosine).
TEXT_WEIGHT = 0.3


def similarity_mode(embedder, text_weight: float = TEXT_WEIGHT) -> str:
    """What a similarity layer compares: "words" (no embedder), "semantic" (embeddings alone) or "fused"."""
    if embedder is None:
        return "words"
    return "semantic" if text_weight == 0 else "fused"


#: How the links' evidence names each mode.
_EVIDENCE = {"words": "text", "semantic": "meaning", "fused": "text and meaning"}


def _check_embedder(value, name: str, owner: str) -> None:
    if value is not None and not isinstance(value, (Embedder, str, Path)):
        raise InvalidParameterError(f"The {name!r} parameter of {owner} must be {PACKAGED_MODEL!r}, the folder of a "
                                    f"sentence-transformers model, or an object with a 'name' and an encode(texts) "
                                    f"method. Got {value!r} instead.")


class SimilarityEdges(EdgeStep):
    """Link each paper to its most similar papers by text.

    TF-IDF (sublinear term frequency, words and word pairs, English stop words removed)
    over title and abstract, cosine similarity, and for each paper its ``top_k``
    neighbours with similarity at least ``threshold``. The product is sparse and
    selects the top k per row as it goes: memory is O(N * top_k), never N x N.
    Candidates are found with the terms in at most ``max_papers`` papers (and at most
    ``max_df`` of them), as the cost of the exact product grows with the square of the
    number of papers per term; every candidate pair is then scored with all its terms,
    so no paper loses its neighbours to the cap and scores are exact cosines. The cap
    applies only where the exact product would exceed :data:`EXACT_MAX_PRODUCT`
    multiply-adds: below, every paper's neighbours are the exact top k (on the 22,393
    arXiv papers the cap would keep 96% of them; ``benchmarks/bench_similarity.py``
    measures it). Terms are counted exactly at every corpus size (see :func:`_counts`).

    Parameters
    ----------
    top_k : int, default 10
    threshold : float, default 0.0
    idf : float, default 0.5
        The power of the inverse document frequency in the word weights (1: classic
        TF-IDF; 0: term frequency alone).
    max_df : float, default 1.0
    max_papers : int, default 2000
    embedder : Embedder or str, optional
        A semantic backend (see :class:`Embedder`), fused with the word vectors; a string
        names a model for :class:`SentenceTransformerEmbedder` (``"all-MiniLM-L6-v2"`` or a
        folder).
    text_weight : float, default 0.3
        With an embedder: the share of the word cosine in the similarity, the rest being
        the embedding cosine; 0 uses the embedding alone.
    cache : str or Path, optional
        Folder where the embedder's vectors are cached between runs.

    Examples
    --------
    >>> import litgraph as lg
    >>> g = lg.build_graph(lg.read_digest(lg.sample_paths()[1]), layers={"similarity": 1.0},
    ...                    builders=[lg.edges.SimilarityEdges(top_k=3, threshold=0.2)])
    >>> bool(g.edges_frame()["score"].min() >= 0.2)
    True
    """

    kind = "similarity"
    directed = False
    incremental = "extend"

    def __init__(self, *, top_k: int = 10, threshold: float = 0.0, idf: float = 0.5, max_df: float = 1.0,
                 max_papers: int = 2000, embedder: Embedder | str | None = None, text_weight: float = TEXT_WEIGHT,
                 cache: str | Path | None = None) -> None:
        self.idf = idf
        self.text_weight = text_weight
        self.max_papers = max_papers
        self.top_k = top_k
        self.threshold = threshold
        self.max_df = max_df
        self.embedder = embedder
        self.cache = cache

    _parameter_constraints: ClassVar[dict] = {
        "top_k": Int(min_value=1), "threshold": Float(0.0, 1.0), "idf": Float(0.0, 1.0),
        "max_df": Float(0.0, 1.0, low_open=True), "max_papers": Int(min_value=2), "embedder": Custom(_check_embedder),
        "text_weight": Float(0.0, 1.0)}

    def vectors(self, ctx: BuildContext) -> sp.csr_matrix:
        """The word vectors compared (rows L2-normalised, corpus order)."""
        words = ctx.features["words"] = WordVectors.fit(ctx.corpus, self.idf, ctx.n_jobs)
        self.vocabulary_, self.term_weights_, self.vectors_ = words.vocabulary, words.term_weights, words.vectors
        return self.vectors_

    def extend(self, ctx: BuildContext, old: pd.DataFrame, new: np.ndarray) -> LayerEdges:
        """The links the new papers (positions ``new``) add, by the exact similarity of each new paper to all
        papers, with the last build's features (``ctx.features``: word vectors, sentence vectors) extended to
        them: each new paper's top k, and an older paper's link to a new one that beats its k-th best
        (``old``: the layer's links so far)."""
        self._validate_params()
        first, papers = int(new[0]), list(ctx.corpus)
        x = e = None
        if self.embedder is None or self.text_weight > 0:
            words = ctx.features.get("words")
            if words is None or words.n_papers != first:
                raise RefitNeeded("the last build's word vectors are not at hand")
            words = ctx.features["words"] = words.partial_fit(papers[first:])
            x = words.vectors
        if self.embedder is not None:
            e = self._sentences(ctx, papers, first).vectors
        links = link_scores(old, len(papers))
        kth = kth_link(links, self.top_k)
        parts = []
        step = max(1, _BLOCK_ENTRIES // len(papers))
        for s in range(0, len(new), step):  # a block of new papers against every paper
            rows = new[s:s + step]
            if e is None:  # words alone: the sparse product's entries
                coo = sp.csr_matrix(x[rows] @ x.T).tocoo()
                parts.append(_new_candidates(rows[coo.row], coo.col, coo.data, kth, 2 * self.top_k))
                continue
            score = (1.0 - self.text_weight) * (e[rows] @ e.T).astype(np.float64)
            if x is not None and self.text_weight > 0:
                score += self.text_weight * (x[rows] @ x.T).toarray()
            r, c = np.nonzero(score > -1.0)
            parts.append(_new_candidates(rows[r], c, score[r, c], kth, 2 * self.top_k))
        i, j, v = (np.concatenate([p[q] for p in parts]) for q in range(3))
        lo, hi, v = new_pairs(i, j, v, links, self.top_k, self.threshold)
        return LayerEdges(lo, hi, v, score=v, evidence=similarity_evidence(v, self._what()))

    def _what(self) -> str:
        return _EVIDENCE[similarity_mode(self.embedder, self.text_weight)]

    def _sentences(self, ctx: BuildContext, papers: list, first: int):
        """The sentence vectors of every paper: the last build's (``ctx.features``, else the store's) extended
        to the papers from position ``first`` on."""
        encoder = make_embedder(self.embedder, type(self).__name__)
        before = ctx.features.get("sentences")
        if before is None or before.n_papers != first or before.model != encoder.name:
            now = SentenceVectors.fit(papers, encoder, ctx.store)  # one read of the store, the missing encoded
        else:
            now = before.partial_fit(papers[first:], encoder, ctx.store)
        ctx.features["sentences"] = now
        logger.info("sentence embeddings: %d new paper(s) encoded", now.encoded)
        return now

    def embeddings(self, ctx: BuildContext) -> np.ndarray:
        """The embedder's vectors of every paper (unit rows): from the build's store where it has them
        (:meth:`litgraph.Store.vectors`), else from the ``cache`` folder; the others are encoded."""
        texts = [sentence_text(p.title, p.abstract) for p in ctx.corpus]
        embedder = make_embedder(self.embedder, type(self).__name__)
        if self.cache is not None and ctx.store is None:
            dense, computed = EmbeddingCache(self.cache).encode(embedder, texts)
            logger.info("embedded %d new paper(s), %d from cache", computed, len(texts) - computed)
            return _unit(dense, embedder.name, len(texts))
        sv = ctx.features["sentences"] = SentenceVectors.fit(ctx.corpus, embedder, ctx.store)
        logger.info("sentence embeddings: %d paper(s) encoded, %d from the store", sv.encoded, len(texts) - sv.encoded)
        return sv.vectors

    def build(self, ctx: BuildContext) -> LayerEdges:
        self._validate_params()
        if len(ctx.index) < 2:
            return LayerEdges.empty()
        if self.embedder is not None and self.text_weight == 0:  # meaning alone: exact, in dense blocks
            e = self.embeddings(ctx)
            i, j = _dense_topk(e, self.top_k)
            v = np.einsum("ij,ij->i", e[i], e[j]).astype(np.float64)
            keep = v >= max(self.threshold, 1e-12)
            rows, cols, score = best_per_row(i[keep], j[keep], v[keep], self.top_k, len(e))
            return LayerEdges(rows, cols, score, score=score, evidence=similarity_evidence(score, self._what()))
        x = self.vectors(ctx)
        n = x.shape[0]
        cap = int(min(self.max_df * n, float(self.max_papers)))
        df = np.bincount(x.indices, minlength=x.shape[1])
        if self.embedder is not None:
            rows, cols, score = _fused_topk(x, df <= cap, self.embeddings(ctx), self.text_weight, self.top_k,
                                            self.threshold, ctx.n_jobs)
        elif cap >= n or (df <= cap).all() or exact_fits(df):
            rows, cols, score = topk_pairs(x, self.top_k, self.threshold, ctx.n_jobs)
        else:
            rows, cols, score = _rescored_topk(x, df <= cap, self.top_k, self.threshold, ctx.n_jobs)
        return LayerEdges(rows, cols, score, score=score, evidence=similarity_evidence(score, self._what()))


#: The exact product (every term, no cap) is used while it costs at most this many multiply-adds (the sum over
#: terms of the square of the papers holding them): about 10 CPU-seconds here, e.g. every real corpus of 20,000
#: papers; above, candidates come from the rarer terms (see :class:`SimilarityEdges`).
EXACT_MAX_PRODUCT = 4e9


def exact_fits(df: np.ndarray) -> bool:
    """Whether the exact top-k product over terms with these document frequencies is within budget."""
    return float(np.square(df, dtype=np.float64).sum()) <= EXACT_MAX_PRODUCT


def similarity_evidence(scores, what: str = "text") -> list[str]:
    """``"<what> similarity 0.123"`` for each score; equal sentences are one string object (a million links
    hold a thousand distinct sentences, not a million)."""
    shared: dict[str, str] = {}
    prefix = f"{what} similarity "
    return [shared.get(t) or shared.setdefault(t, prefix + t) for t in map("{:.3f}".format, np.asarray(scores).tolist())]


#: Scores of new papers against every paper held at a time in a daily build (dense blocks: 8 bytes each).
_BLOCK_ENTRIES = 1 << 24


def _new_candidates(i: np.ndarray, j: np.ndarray, v: np.ndarray, kth: np.ndarray, keep: int):
    """The pairs (new paper i, paper j) that may be linked: each new paper's best ``keep`` (twice k, so that ties
    are decided later) and what beats a paper's k-th best link so far (``kth``); new_pairs then chooses as a full
    build would."""
    ok = i != j
    i, j, v = i[ok], j[ok], v[ok]
    order = np.lexsort((j, -v, i))
    i, j, v = i[order], j[order], v[order]
    rank = np.arange(len(i)) - np.searchsorted(i, i, side="left")
    pick = (rank < keep) | (v > kth[j])
    return i[pick], j[pick], v[pick]


def _unit(dense, name: str, n: int) -> np.ndarray:
    """An embedder's output checked (one finite row per text) and scaled to unit rows."""
    dense = np.asarray(dense, dtype=np.float32)
    if dense.ndim != 2 or dense.shape[0] != n:
        raise LitgraphError(f"The embedder {name!r} returned an array of shape {dense.shape}; expected ({n}, "
                            f"dimensions).")
    if not np.isfinite(dense).all():
        bad = int((~np.isfinite(dense)).any(axis=1).sum())
        raise LitgraphError(f"The embedder {name!r} returned NaN or infinite values for {bad} paper(s); check the "
                            f"model (and clear its cache folder).")
    return normalize(dense).astype(np.float32)


def _dense_topk(e: np.ndarray, k: int, block: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` most similar other rows of a dense, row-normalised matrix (blocked, exact; the blocks
    run on the build's engine, see :mod:`litgraph.engine`)."""
    from ..engine import current

    n = e.shape[0]
    k = min(k, n - 1)
    found = current().map(partial(_dense_block, k=k, block=block), range(0, n, block), stage="neighbour search",
                          shared=(e,))
    rows, cols = zip(*found)
    return np.concatenate(rows), np.concatenate(cols)


def _dense_block(start: int, e: np.ndarray, *, k: int, block: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of the ``k`` nearest other rows of the rows ``start`` to ``start + block``."""
    sim = e[start:start + block] @ e.T
    sim[np.arange(sim.shape[0]), np.arange(start, start + sim.shape[0])] = -np.inf
    top = np.argpartition(-sim, k - 1, axis=1)[:, :k]
    return np.repeat(np.arange(start, start + sim.shape[0]), k), top.ravel()


def _fused_topk(x: sp.csr_matrix, rare: np.ndarray, e: np.ndarray, text_weight: float, top_k: int,
                threshold: float, n_jobs: int):
    """Top-k by ``text_weight * word cosine + (1 - text_weight) * embedding cosine``.

    Candidates are each paper's nearest by words (as in :func:`_rescored_topk`) and by
    embedding (exact, blocked), 2 x top_k each; every candidate pair is scored with both.
    """
    ti, tj, _ = topk_pairs(sp.csr_matrix(x[:, np.flatnonzero(rare)]), 2 * top_k, 0.0, n_jobs)
    ei, ej = _dense_topk(e, 2 * top_k)
    i = np.concatenate([ti, tj, ei])
    j = np.concatenate([tj, ti, ej])
    key = distinct(i.astype(np.int64) * x.shape[0] + j)
    i, j = key // x.shape[0], key % x.shape[0]
    text = pair_dots(x, i, j)
    meaning = np.einsum("ij,ij->i", e[i], e[j]).astype(np.float64)
    score = text_weight * text + (1.0 - text_weight) * meaning
    keep = score >= max(threshold, 1e-12)
    return best_per_row(i[keep], j[keep], score[keep], top_k, x.shape[0])


def _rescored_topk(x: sp.csr_matrix, rare: np.ndarray, top_k: int, threshold: float, n_jobs: int):
    """Top-k by the full vectors, among candidates found with the rarer terms only.

    The exact product over common terms is what costs (it grows with the square of the
    number of papers per term), so candidates (4 x top_k per paper) come from the terms
    in at most ``max_papers`` papers, with their cosine over those terms; each candidate
    pair then adds its product over the common terms (few per paper, a block of pairs at
    a time): no paper loses its neighbours to the cap, and the scores are exact cosines.
    """
    n = x.shape[0]
    lo, hi, score = _candidates(_columns(x, rare), 4 * top_k, n_jobs)
    common = _columns(x, ~rare)
    score += pair_dots(common, lo, hi)
    del common
    keep = score >= max(threshold, 1e-12)
    if not keep.all():
        lo, hi, score = lo[keep], hi[keep], score[keep]
    del keep
    return best_of_pairs(lo, hi, score, top_k, n)


def _columns(x: sp.csr_matrix, chosen: np.ndarray) -> sp.csr_matrix:
    """The columns of ``x`` where ``chosen`` (a mask) is true, renumbered, in single precision; read straight
    from the CSR arrays a block of entries at a time, with no copy of the whole matrix on the way."""
    column = np.cumsum(chosen, dtype=np.int64) - 1
    counts = np.zeros(x.shape[0], dtype=np.int64)
    data, indices = [], []
    for a in range(0, x.nnz, _PIECE):
        ok = chosen[x.indices[a:a + _PIECE]]
        data.append(x.data[a:a + _PIECE][ok].astype(np.float32))
        indices.append(column[x.indices[a:a + _PIECE][ok]].astype(np.int32))
        rows = np.searchsorted(x.indptr, np.flatnonzero(ok) + a, side="right") - 1
        counts += np.bincount(rows, minlength=x.shape[0])
    indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix((np.concatenate(data) if data else np.zeros(0, np.float32),
                          np.concatenate(indices) if indices else np.zeros(0, np.int32), indptr),
                         shape=(x.shape[0], int(chosen.sum())))


def _candidates(r: sp.csr_matrix, n_top: int, n_jobs: int, block: int = 100_000) -> tuple[np.ndarray, np.ndarray,
                                                                                        np.ndarray]:
    """Each paper's ``n_top`` best matches by the product of ``r`` with itself, as unique undirected pairs
    (lo, hi as sorted int32 positions, and the score over ``r``'s terms; a pair both ends found keeps the score
    of its lower end's row).

    The product runs in single precision (half the memory of a large corpus's product;
    its cosine over the rarer terms is exact to about 1e-7, and the caller adds the rest
    of each score in double precision) and a block of rows at a time, so memory holds one
    block's product beside the pairs kept.
    """

    from ..engine import current

    n = r.shape[0]
    m = RowsAndColumns(sp.csr_matrix(r, dtype=np.float32))
    del r
    codes, scores = [], []
    engine = current()
    # blocks of rows against the whole matrix: here, with n_jobs threads; on a cluster's workers, which get
    # the matrix once
    far = engine.distributed
    rows = BLOCK_ROWS if far else block
    found = engine.map(partial(topn_block, rows=rows, top_n=min(n_top + 1, n), threshold=0.0, sort=False,
                               n_jobs=1 if far else n_jobs), m.blocks(rows), stage="neighbour search", shared=(m,))
    for i, j, v in found:
        ok = (i != j) & (v > 0)
        # a pair's code: its key (lo * n + hi) twice, plus 1 when found from its higher end
        codes.append(2 * (np.minimum(i[ok], j[ok]) * n + np.maximum(i[ok], j[ok])) + (i[ok] > j[ok]))
        scores.append(v[ok])
        del i, j, v, ok
    del m
    code = np.concatenate(codes) if codes else np.zeros(0, dtype=np.int64)
    score = np.concatenate(scores) if scores else np.zeros(0, dtype=np.float32)
    del codes, scores
    order = np.argsort(code)
    code = code[order]
    score = score[order]
    del order
    key = code >> 1
    first = np.r_[True, key[1:] != key[:-1]] if len(key) else np.zeros(0, dtype=bool)
    key, score = key[first], score[first].astype(np.float64)
    return (key // n).astype(np.int32), (key % n).astype(np.int32), score
