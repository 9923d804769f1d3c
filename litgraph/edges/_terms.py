"""Word and word-pair counts of a corpus, and their weighting: the vectors the similarity layer compares."""

from __future__ import annotations

import re

import numpy as np
import scipy.sparse as sp

from .._arrays import distinct
from .._lexicon import STOP_WORDS

_SEP = "\ue000"  # between texts: a token of its own, never inside a text
_WORD = re.compile(r"(?u)\b[a-z][a-z0-9\-]+\b|\ue000")
_CHUNK = 20_000
_PIECE = 1 << 24  # array entries handled at a time when a large matrix is rewritten in place


def _local_terms(texts: list[str]) -> tuple[list[str], np.ndarray, sp.csr_matrix]:
    """A chunk's words and term counts, by the chunk's own word ids: (words, term codes, counts).

    Words are runs of letters, digits and hyphens starting with a letter, in lower case;
    stop words are removed and word pairs formed from the words that remain, as
    scikit-learn's ``CountVectorizer(ngram_range=(1, 2))`` forms them. ``words`` lists the
    chunk's distinct words, first seen first (the separator between texts first, id 0);
    a word's code is its id there, a pair's ``-(id1 * 2**31 + id2)``; ``counts`` is texts x
    distinct codes (sorted). A chunk is counted anywhere (see :mod:`litgraph.engine`):
    :func:`_global_codes` then gives its codes in the ids of the whole corpus.
    """
    raw = _WORD.findall(_SEP + _SEP.join(t.replace(_SEP, " ").lower() for t in texts))
    local: dict[str, int] = {}
    for t in dict.fromkeys(raw):
        if t not in STOP_WORDS:
            local[t] = len(local)
    seq = np.fromiter(map(local.get, raw, [-1] * len(raw)), dtype=np.int64, count=len(raw))
    seq = seq[seq != -1]  # stop words out; pairs join the words around them
    doc = np.cumsum(seq == 0) - 1
    word = seq > 0
    pair = word[:-1] & word[1:]
    codes = np.concatenate([seq[word], -(seq[:-1][pair] * (1 << 31) + seq[1:][pair])])  # pairs: negative codes
    rows = np.concatenate([doc[word], doc[:-1][pair]])
    del seq, doc, word, pair
    terms, column = np.unique(codes, return_inverse=True)
    m = sp.csr_matrix((np.ones(len(codes), dtype=np.float32), (rows, column.ravel())), shape=(len(texts), len(terms)))
    m.sum_duplicates()
    return list(local), terms, m


def _global_codes(words: list[str], terms: np.ndarray, ids: dict[str, int], grow: bool = True,
                  extra: dict[str, int] | None = None) -> np.ndarray:
    """A chunk's term codes (:func:`_local_terms`) in the corpus's word ids ``ids``: a new word gets the next
    id (``grow``), or, with ``grow=False``, an id of its own in ``extra`` that matches no known term."""
    if grow:
        g = np.fromiter((ids.setdefault(t, len(ids)) for t in words), dtype=np.int64, count=len(words))
    else:
        extra = {} if extra is None else extra
        g = np.fromiter((ids[t] if t in ids else extra.setdefault(t, (1 << 30) + len(extra)) for t in words),
                        dtype=np.int64, count=len(words))
    out = np.empty(len(terms), dtype=np.int64)
    one = terms > 0
    out[one] = g[terms[one]]
    c = -terms[~one]
    out[~one] = -(g[c >> 31] * (1 << 31) + g[c & ((1 << 31) - 1)])
    return out


def _chunked(texts, size: int | None = None):
    """The texts a chunk at a time, as lists (a :class:`~litgraph._text.TextView` makes them when asked)."""
    size = size or _CHUNK
    return (list(texts[s:s + size]) for s in range(0, len(texts), size))


def _counts(texts: list[str], n_jobs: int = 1, *, vocabulary: bool = False):
    """Word and word-pair counts of every text (terms in one paper only are dropped).

    See :func:`_local_terms` for the terms. Each chunk of texts is counted on its own (on
    the build's engine: in this process, or on a Dask cluster's workers), its words get
    integer ids of the whole corpus in one dict, chunk after chunk, and its counts are
    moved into the whole vocabulary's columns, so memory stays O(chunk) beside the counts.
    With ``vocabulary=True`` the result is ``(counts, (word ids, term codes))``, what
    :func:`count_terms` needs to count new texts in the same columns. ``n_jobs`` is
    accepted for symmetry with the other layers.
    """
    from ..engine import current

    engine = current()
    size = _CHUNK
    if engine.distributed:  # four chunks per worker or more, so that the last ones keep every worker busy
        size = min(_CHUNK, max(2_000, -(-len(texts) // (4 * engine.workers))))
    ids: dict[str, int] = {_SEP: 0}
    parts = []  # per chunk: its distinct terms (corpus codes) and its counts in their columns
    for words, terms, m in engine.map(_local_terms, _chunked(texts, size), stage="word counts"):
        parts.append((_global_codes(words, terms, ids), m))
        del words, terms, m
    if not parts or not any(len(local) for local, _ in parts):
        x = sp.csr_matrix((len(texts), 0), dtype=np.float32)
        return (x, (ids, np.zeros(0, dtype=np.int64))) if vocabulary else x
    terms = distinct(np.concatenate([local for local, _ in parts]))
    df = np.zeros(len(terms), dtype=np.int64)
    for local, m in parts:
        df[np.searchsorted(terms, local)] += np.bincount(m.indices, minlength=len(local))
    keep = np.flatnonzero(df >= (2 if len(texts) >= 3 else 1))
    column = np.full(len(terms), -1, dtype=np.int64)
    column[keep] = np.arange(len(keep))
    nnz = sum(int((column[np.searchsorted(terms, local)][m.indices] >= 0).sum()) for local, m in parts)
    data, indices = np.empty(nnz, dtype=np.float32), np.empty(nnz, dtype=np.int32)
    indptr, at, row0 = np.zeros(len(texts) + 1, dtype=np.int64), 0, 0
    while parts:  # each chunk's kept entries moved into the whole vocabulary's columns, then let go
        local, m = parts.pop(0)
        cols = column[np.searchsorted(terms, local)][m.indices]
        ok = cols >= 0
        k = int(ok.sum())
        data[at:at + k], indices[at:at + k] = m.data[ok], cols[ok]
        rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))[ok]
        indptr[row0 + 1:row0 + m.shape[0] + 1] = at + np.cumsum(np.bincount(rows, minlength=m.shape[0]))
        at, row0 = at + k, row0 + m.shape[0]
        del local, m, cols, ok, rows
    x = sp.csr_matrix((data, indices, indptr), shape=(len(texts), len(keep)))
    x.sort_indices()
    return (x, (ids, terms[keep])) if vocabulary else x


def count_terms(texts: list[str], vocabulary: tuple[dict[str, int], np.ndarray]) -> sp.csr_matrix:
    """Counts of new texts in the columns of an earlier :func:`_counts` (terms it did not keep are left out)."""
    ids, terms = vocabulary
    words, local, m = _local_terms(list(texts))
    code = _global_codes(words, local, ids, grow=False)
    pos = np.minimum(np.searchsorted(terms, code), max(len(terms) - 1, 0))
    hit = (terms[pos] == code) if len(terms) else np.zeros(len(code), dtype=bool)
    column = np.where(hit, pos, -1)[m.indices]
    ok = column >= 0
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))[ok]
    x = sp.csr_matrix((m.data[ok], (rows, column[ok])), shape=(len(texts), len(terms)))
    x.sum_duplicates()
    return x


def term_weights(counts: sp.csr_matrix, idf_power: float) -> np.ndarray:
    """The per-term multiplier of :func:`weigh`: idf ** ``idf_power`` (ones for 0)."""
    if idf_power <= 0 or counts.shape[1] == 0:
        return np.ones(counts.shape[1], dtype=np.float32)
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return ((np.log((1.0 + n) / (1.0 + df)) + 1.0) ** idf_power).astype(np.float32)


def weigh_with(counts: sp.csr_matrix, weights: np.ndarray, *, copy: bool = True) -> sp.csr_matrix:
    """Sublinear term frequency times the given per-term weights, rows L2-normalised.

    With ``copy=False`` a float32 CSR ``counts`` is weighed in place (its memory becomes
    the vectors'), which halves the peak memory of a large corpus.
    """
    x = sp.csr_matrix(counts, dtype=np.float32, copy=copy)
    if x.shape[1] == 0 or x.nnz == 0:
        return x
    for a in range(0, x.nnz, _PIECE):  # in pieces: no temporary as long as the data
        piece = x.data[a:a + _PIECE]
        np.log(piece, out=piece)
        piece += 1.0
        piece *= weights[x.indices[a:a + _PIECE]]
    _normalize_rows(x)
    return x


def _normalize_rows(x: sp.csr_matrix) -> None:
    """Scale the rows of a CSR matrix to unit L2 norm in place (rows of zeros stay zero)."""
    lengths = np.diff(x.indptr)
    norms = np.ones(x.shape[0], dtype=np.float64)
    for start in range(0, x.shape[0], _CHUNK):  # row blocks: no array as long as the data beside it
        stop = min(start + _CHUNK, x.shape[0])
        a, b = x.indptr[start], x.indptr[stop]
        full = np.flatnonzero(lengths[start:stop])
        if len(full):
            sq = np.add.reduceat(np.square(x.data[a:b], dtype=np.float64), x.indptr[start:stop][full] - a)
            norms[start + full] = np.where(sq > 0, np.sqrt(sq), 1.0)
        x.data[a:b] /= np.repeat(norms[start:stop], lengths[start:stop]).astype(x.dtype)


def normalize(x):
    """Rows scaled to unit L2 norm (rows of zeros stay zero); sparse or dense."""
    if sp.issparse(x):
        x = sp.csr_matrix(x, copy=True)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        x.data /= np.repeat(norms, np.diff(x.indptr)).astype(x.dtype)
        return x
    x = np.asarray(x)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return x / norms


def weigh(counts: sp.csr_matrix, idf_power: float) -> sp.csr_matrix:
    """Sublinear term frequency (1 + ln tf) times idf ** ``idf_power``, rows L2-normalised.

    ``idf_power=1`` is classic TF-IDF (smooth idf, ``ln((1 + N) / (1 + df)) + 1``);
    ``0`` keeps term frequency alone, which ranks neighbours better on real abstracts:
    full idf lets a rare term shared by two papers outweigh everything else they share.
    """
    return weigh_with(counts, term_weights(counts, idf_power))
