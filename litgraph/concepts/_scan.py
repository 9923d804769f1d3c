"""The candidate scan of a whole corpus at array speed.

Every text is split into tokens by one regular expression; each distinct token is
classified once (stop word, sentence end, acronym, ...); candidate runs (RAKE, Rose et
al. 2010), their word n-grams and the per-paper counts are then numpy operations over
the token array. Python runs per distinct token and per distinct n-gram only, never per
occurrence, so the scan grows with the vocabulary rather than the text.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import scipy.sparse as sp

from .._arrays import distinct
from .._lexicon import GENERIC_EDGE
from ._acronyms import _acronyms_in
from ._candidates import _notable_surface, _token_class, _unigram_kind
from ._tokens import _PUNCT_BREAK, _TOKEN, _ends_adjective, _is_acronym, _singular, concept_key

_SEP = "\ue000"  # a private-use character between texts: a token of its own, never in a text
_NEUTRAL = set(_PUNCT_BREAK) | set("()\"“”")


@dataclass
class Scan:
    """Candidates of ``n`` texts.

    ``counts`` (texts x ``keys``) counts the candidate keys of each text: phrase keys,
    ``"=Name"`` for name-like words and ``"~Word"`` for capitalised words not opening a
    sentence; ``acronyms`` (texts x ``acronym_names``) counts the acronyms, unresolved;
    ``defined`` maps each text that defines acronyms to {acronym: expansion key}.
    ``surfaces`` holds the written forms of names; :meth:`surface_forms` gives, for chosen
    keys, every written form that says more than the key (hyphens, inner capitals, digits)
    with its count; ``capitals`` counts capitalised words
    and ``lowers`` is every word seen inside a candidate run.
    """

    keys: list[str]
    counts: sp.csr_matrix
    acronym_names: list[str]
    acronyms: sp.csr_matrix
    defined: dict[int, dict[str, str]]
    surfaces: dict[str, Counter]
    capitals: Counter
    lowers: set[str]
    _forms: list = field(default_factory=list, repr=False)
    _vocab: list = field(default_factory=list, repr=False)

    def resolved_key(self, key: str) -> str | None:
        """The concept key of a scan key: names folded, a capitalised word only if these texts never write it
        in lower case (None then)."""
        if key.startswith("~"):
            return None if key[1:].lower() in self.lowers else key[1:].lower()
        if key.startswith("="):
            return concept_key(key[1:]) if not _is_acronym(key[1:]) else _singular(key[1:])
        return key

    def surface_forms(self, wanted: list[str]) -> dict[str, Counter]:
        """``surfaces`` of the keys ``wanted`` (also as ``"=" + key``), n-gram forms included."""
        want = set(wanted) | {"=" + k for k in wanted}
        out: dict[str, Counter] = {k: Counter(c) for k, c in self.surfaces.items() if k in want}
        position = {k: i for i, k in enumerate(self.keys) if k in want}
        if not position:
            return out
        wanted_ids = np.fromiter(position.values(), dtype=np.int64, count=len(position))
        for key_ids, rows, counts, vocab in self._forms:
            hit = np.flatnonzero(np.isin(key_ids, wanted_ids))
            for g in hit.tolist():
                form = " ".join([vocab[t] for t in rows[g].tolist()])
                out.setdefault(self.keys[key_ids[g]], Counter())[form] += int(counts[g])
        return out


def _bad_first(low: str) -> bool:
    return low in GENERIC_EDGE or low == "of"


def _bad_last(low: str) -> bool:
    return (low in GENERIC_EDGE or low == "of" or (low.endswith("ed") and not low.endswith("eed"))
            or _ends_adjective(low))


def _possessive(tok: str) -> str:
    return tok[:-2] if tok.endswith(("'s", "’s")) and len(tok) > 3 else tok


def _tokens(texts: list[str]) -> tuple[np.ndarray, list[str]]:
    """Token ids of all texts in a row, each text preceded by the separator (id 0); the token strings."""
    joined = _SEP + _SEP.join(t.replace(_SEP, " ") for t in texts)
    raw = _TOKEN.findall(joined)  # the first token is the separator: id 0
    ids = {t: i for i, t in enumerate(dict.fromkeys(raw))}
    seq = np.fromiter(map(ids.__getitem__, raw), dtype=np.int64, count=len(raw))
    # possessives folded ("model's" -> "model"), per distinct token
    fixed: dict[str, int] = {}
    remap = np.empty(len(ids), dtype=np.int64)
    for tok, i in ids.items():
        remap[i] = fixed.setdefault(_possessive(tok) if i else tok, len(fixed))
    return remap[seq], list(fixed)


def _unique_rows(rows: np.ndarray, base: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct rows of a small-integer matrix (values < ``base``): (rows, inverse, counts)."""
    if float(base) ** rows.shape[1] < 2.0 ** 62:
        code = np.zeros(len(rows), dtype=np.int64)
        for k in range(rows.shape[1]):
            code = code * base + rows[:, k]
        _, first, inverse, n = np.unique(code, return_index=True, return_inverse=True, return_counts=True)
        return rows[first], inverse.ravel(), n
    uniq, inverse, n = np.unique(rows, axis=0, return_inverse=True, return_counts=True)
    return uniq, inverse.ravel(), n


#: Texts scanned at once: the token arrays of a chunk are the scan's working memory.
CHUNK = 20_000
#: The smallest chunk sent to a worker of a cluster (smaller ones cost more to send than to scan).
MIN_CHUNK = 2_000


def scan(texts, max_words: int, chunk: int | None = None) -> Scan:
    """The candidates of every text (a list, or a :class:`~litgraph._text.TextView`; see :class:`Scan`), read
    ``chunk`` texts at a time.

    The token arrays take some 100 bytes per token; scanning a large corpus in chunks and
    merging their candidates keeps that at one chunk's worth (the result is the same). On a
    cluster (:mod:`litgraph.engine`) the chunks are scanned by its workers and merged here.
    """
    from ..engine import current

    engine = current()
    chunk = chunk or CHUNK
    if engine.distributed:  # four chunks per worker or more, so that the last ones keep every worker busy
        chunk = min(chunk, max(MIN_CHUNK, -(-len(texts) // (4 * engine.workers))))
    if len(texts) <= chunk:
        with engine.timed("concept scan"):
            return _scan(list(texts), max_words)
    key_of: dict[str, int] = {}
    acr_of: dict[str, int] = {}
    counts, acronyms, forms = [], [], []
    defined: dict[int, dict[str, str]] = {}
    surfaces: dict[str, Counter] = defaultdict(Counter)
    capitals: Counter = Counter()
    lowers: set[str] = set()
    offset = 0
    pieces = (list(texts[start:start + chunk]) for start in range(0, len(texts), chunk))
    for part in engine.map(partial(_scan, max_words=max_words), pieces, stage="concept scan"):
        # one chunk's scan alive at a time here; its counts kept compact
        kmap = np.array([key_of.setdefault(k, len(key_of)) for k in part.keys], dtype=np.int32)
        amap = np.array([acr_of.setdefault(a, len(acr_of)) for a in part.acronym_names], dtype=np.int32)
        counts.append(_moved(part.counts, kmap))
        acronyms.append(_moved(part.acronyms, amap))
        defined.update({i + offset: d for i, d in part.defined.items()})
        for k, cnt in part.surfaces.items():
            surfaces[k].update(cnt)
        capitals.update(part.capitals)
        lowers |= part.lowers
        forms += [(kmap[ids], rows, n, vocab) for ids, rows, n, vocab in part._forms]
        offset += part.counts.shape[0]
        del part

    return Scan(list(key_of), _stacked(counts, offset, len(key_of)), list(acr_of),
                _stacked(acronyms, offset, len(acr_of)), defined, dict(surfaces), capitals, lowers, forms, [])


def _moved(m: sp.csr_matrix, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A chunk's CSR arrays (indptr, indices, data) with its columns renumbered by ``columns``."""
    m = sp.csr_matrix(m)
    return m.indptr.astype(np.int64), columns[m.indices] if len(columns) else m.indices.astype(np.int32), m.data


def _stacked(blocks: list, rows: int, width: int) -> sp.csr_matrix:
    """The chunks' rows one under the other, as one CSR matrix (indices sorted within rows)."""
    nnz = [len(b[1]) for b in blocks]
    base = np.cumsum([0, *nnz[:-1]])
    indptr = np.concatenate([[0], *[b[0][1:] + o for b, o in zip(blocks, base)]])
    indices = np.concatenate([b[1] for b in blocks]) if blocks else np.zeros(0, dtype=np.int32)
    data = np.concatenate([b[2] for b in blocks]) if blocks else np.zeros(0)
    blocks.clear()
    m = sp.csr_matrix((data, indices, indptr), shape=(rows, width))
    m.sort_indices()
    return m


def _scan(texts: list[str], max_words: int) -> Scan:
    seq, vocab = _tokens(texts)
    v = len(vocab)
    cls = np.fromiter((_token_class(t) if i else 1 for i, t in enumerate(vocab)), dtype=np.int8, count=v)
    doc = np.cumsum(seq == 0) - 1                  # text of each token
    word = cls[seq] == 0
    run_start, opens_sentence = _run_starts(seq, cls, vocab, word)
    key_of: dict[str, int] = {}
    entries: tuple[list, list, list] = ([], [], [])  # per kind of key: texts, key ids, counts
    surfaces: dict[str, Counter] = defaultdict(Counter)

    # single words: acronyms, names, capitalised words
    kind_code = {"acronym": 1, "name": 2, "capital": 3}
    kcode = np.array([kind_code.get(_unigram_kind(t), 0) if i and cls[i] == 0 else 0 for i, t in enumerate(vocab)],
                     dtype=np.int8)
    pos = np.flatnonzero(word & (kcode[seq] > 0))
    kc = kcode[seq[pos]]
    cap_pos = pos[(kc == 3) & ~(run_start[pos] & opens_sentence[pos])]
    capitals = _single_words(seq, doc, vocab, pos[kc == 2], cap_pos, key_of, entries, surfaces)
    acr_names, acronyms = _acronym_counts(seq, doc, vocab, pos[kc == 1], len(texts))
    forms = _ngrams(seq, doc, vocab, cls, word, max_words, key_of, entries)
    keys = list(key_of)
    docs, kids, ns = entries
    counts = sp.csr_matrix((np.concatenate(ns).astype(np.float64) if ns else np.zeros(0),
                            (np.concatenate(docs) if docs else np.zeros(0, dtype=np.int64),
                             np.concatenate(kids) if kids else np.zeros(0, dtype=np.int64))),
                           shape=(len(texts), len(keys)))
    counts.sum_duplicates()
    defined = _definitions(texts, seq, vocab)
    lowers = {vocab[t] for t in distinct(seq[word]).tolist()}
    return Scan(keys, counts, acr_names, acronyms, defined, dict(surfaces), capitals, lowers, forms, vocab)


def _run_starts(seq: np.ndarray, cls: np.ndarray, vocab: list[str], word: np.ndarray):
    """(tokens that start a run of words, those of them that open a sentence)."""
    n_tok = len(seq)
    c = cls[seq]
    neutral = np.fromiter((t in _NEUTRAL for t in vocab), dtype=bool, count=len(vocab))
    # sentence start: set by a sentence end or a text start (True), a word or a non-punctuation break (False)
    setter = (seq == 0) | (c == 2) | word | ((c == 1) & ~neutral[seq])
    value = (seq == 0) | (c == 2)
    last = np.maximum.accumulate(np.where(setter, np.arange(n_tok), 0))
    run_start = word & np.concatenate([[False], ~word[:-1]])
    opens_sentence = np.zeros(n_tok, dtype=bool)
    starts = np.flatnonzero(run_start)
    opens_sentence[starts] = value[last[starts - 1]]
    return run_start, opens_sentence


def _single_words(seq, doc, vocab, name_pos, cap_pos, key_of, entries, surfaces) -> Counter:
    """Names ("=" keys) and capitalised words ("~" keys) counted per text into ``entries``; returns how often
    each capitalised word is written."""
    v = len(vocab)
    capitals: Counter = Counter()
    for prefix, where in (("=", name_pos), ("~", cap_pos)):
        if not len(where):
            continue
        pairs, n = np.unique(np.stack([doc[where], seq[where]]), axis=1, return_counts=True)
        toks = distinct(pairs[1])
        kid = np.zeros(v, dtype=np.int64)
        for t in toks.tolist():
            kid[t] = key_of.setdefault(prefix + vocab[t], len(key_of))
        for part, values in zip(entries, (pairs[0], kid[pairs[1]], n)):
            part.append(values)
        totals = np.bincount(pairs[1], weights=n, minlength=v)
        for t in toks.tolist():
            if prefix == "=":
                surfaces["=" + vocab[t]][vocab[t]] += int(totals[t])
            else:
                capitals[vocab[t]] += int(totals[t])
    return capitals


def _acronym_counts(seq, doc, vocab, acr_pos, n_texts: int):
    """(acronym names by their singular form, texts x acronyms occurrence counts)."""
    acr_names: dict[str, int] = {}
    acr_id = np.zeros(len(vocab), dtype=np.int64)
    for t in distinct(seq[acr_pos]).tolist():
        acr_id[t] = acr_names.setdefault(_singular(vocab[t]), len(acr_names))
    acronyms = sp.csr_matrix((np.ones(len(acr_pos)), (doc[acr_pos], acr_id[seq[acr_pos]])),
                             shape=(n_texts, len(acr_names)))
    acronyms.sum_duplicates()
    return list(acr_names), acronyms


def _ngrams(seq, doc, vocab, cls, word, max_words: int, key_of, entries) -> list:
    """Word n-grams inside runs counted per text into ``entries`` (a key is the words in lower case, hyphens as
    spaces, the last one singular); returns the notable ones' written forms."""
    v, n_tok = len(vocab), len(seq)
    run = np.cumsum(~word)                         # equal for the tokens of one run
    bad_first = np.fromiter((_bad_first(t.lower()) for t in vocab), dtype=bool, count=v)
    bad_last = np.fromiter((_bad_last(t.lower()) for t in vocab), dtype=bool, count=v)
    is_of = np.fromiter((t == "of" for t in vocab), dtype=bool, count=v)
    piece = [t.lower().replace("-", " ").replace("’", "'") for t in vocab]
    last_piece = [_singular(t.replace("’", "'")).lower().replace("-", " ") if cls[i] == 0 else ""
                  for i, t in enumerate(vocab)]
    notable_tok = np.fromiter((_notable_surface(t) for t in vocab), dtype=bool, count=v)
    of_count = np.concatenate([[0], np.cumsum(is_of[seq])])
    forms = []
    for size in range(2, max_words + 1):
        if n_tok < size:
            break
        p = np.flatnonzero(word[:n_tok - size + 1])
        end = p + size - 1
        ok = (run[p] == run[end]) & ~bad_first[seq[p]] & ~bad_last[seq[end]]
        if size != 3:
            ok &= of_count[end + 1] == of_count[p]
        p = p[ok]
        if not len(p):
            continue
        uniq, inverse, _ = _unique_rows(np.stack([seq[p + k] for k in range(size)], axis=1), v)
        gram_key = np.fromiter((key_of.setdefault(" ".join([piece[t] for t in row[:-1]]) + " " + last_piece[row[-1]],
                                                  len(key_of)) for row in uniq.tolist()),
                               dtype=np.int64, count=len(uniq))
        _, first, n = np.unique(doc[p] * len(uniq) + inverse, return_index=True, return_counts=True)
        for part, values in zip(entries, (doc[p][first], gram_key[inverse[first]], n)):
            part.append(values)
        notable = np.flatnonzero(notable_tok[uniq].any(axis=1))
        forms.append((gram_key[notable], uniq[notable], np.bincount(inverse, minlength=len(uniq))[notable], vocab))
    return forms


def _definitions(texts: list[str], seq: np.ndarray, vocab: list[str]) -> dict[int, dict[str, str]]:
    """Acronym definitions, "long form (SF)", text by text where a parenthesis opens: text -> acronym -> key."""
    defined: dict[int, dict[str, str]] = {}
    bounds = np.flatnonzero(seq == 0).tolist() + [len(seq)]
    words = np.array(vocab, dtype=object)
    for i, text in enumerate(texts):
        if "(" in text:
            found = _acronyms_in(words[seq[bounds[i] + 1:bounds[i + 1]]].tolist())
            if found:
                defined[i] = {a: concept_key(e) for a, e in found.items()}
    return defined
