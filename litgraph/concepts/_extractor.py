"""ConceptExtractor: the step that turns a corpus into a ConceptSet."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from .._lexicon import STOP_CONCEPTS
from .._memory import release_memory
from .._text import TextView
from .._step import Custom, Float, Int, Jobs, Step
from ..exceptions import InvalidParameterError, NotFittedError
from ..model import Corpus
from ._candidates import _subphrases
from ._scan import scan
from ._set import ConceptSet
from ._tokens import _NAME_LIKE, _is_acronym, _singular, concept_key


def _check_vocabulary(value, name: str, owner: str) -> None:
    if value is not None and (isinstance(value, str) or not isinstance(value, (Mapping, Iterable))):
        raise InvalidParameterError(f"The {name!r} parameter of {owner} must be a mapping of synonym to concept or "
                                    f"a list of phrases. Got {value!r} instead.")


def _check_stop_concepts(value, name: str, owner: str) -> None:
    if value is not None and (isinstance(value, str) or not isinstance(value, Iterable)):
        raise InvalidParameterError(f"The {name!r} parameter of {owner} must be a list of phrases. "
                                    f"Got {value!r} instead.")


class ConceptExtractor(Step):
    """Extract concepts from a corpus (see the module docs for the method).

    Parameters
    ----------
    min_df : int, default 2
        A concept must occur in at least this many papers (one found in one paper links nothing).
    max_df : float, default 1.0
        Drop concepts found in more than this share of papers.
    max_words : int, default 4
        Longest phrase, in words.
    vocabulary : mapping or iterable of str, optional
        Phrases to always recognise; a mapping sends synonyms (keys) to a canonical
        concept (values), e.g. ``{"SSM": "state space model", "S4": "state space model"}``.
    stop_concepts : iterable of str, optional
        Phrases that are never concepts, on top of the built-in generic ones.
    near_duplicate : float, default 0.85
        Papers whose concept profiles have at least this cosine similarity (two parts or
        versions of one work) count as one paper towards ``min_df``; 1.0 turns this off.
    n_jobs : int, default -1
        Accepted so that configurations of earlier versions keep working: the scan is
        vectorised over the whole corpus and runs in one process.

    Examples
    --------
    >>> import litgraph as lg
    >>> cs = lg.ConceptExtractor().fit(lg.load_sample()).concepts_
    >>> "state space model" in cs.keys
    True
    """

    def __init__(self, *, min_df: int = 2, max_df: float = 1.0, max_words: int = 4,
                 vocabulary: Mapping[str, str] | Iterable[str] | None = None,
                 stop_concepts: Iterable[str] | None = None, near_duplicate: float = 0.85,
                 n_jobs: int | None = -1) -> None:
        self.near_duplicate = near_duplicate
        self.n_jobs = n_jobs
        self.min_df = min_df
        self.max_df = max_df
        self.max_words = max_words
        self.vocabulary = vocabulary
        self.stop_concepts = stop_concepts

    _parameter_constraints: ClassVar[dict] = {
        "min_df": Int(min_value=1), "max_df": Float(0.0, 1.0, low_open=True), "max_words": Int(1, 8),
        "near_duplicate": Float(0.0, 1.0, low_open=True), "n_jobs": Jobs(allow_none=True),
        "vocabulary": Custom(_check_vocabulary), "stop_concepts": Custom(_check_stop_concepts)}

    def fit(self, corpus: Corpus) -> ConceptExtractor:
        self._validate_params()
        if not isinstance(corpus, Corpus):
            raise InvalidParameterError(f"ConceptExtractor.fit expects a Corpus. Got {type(corpus).__name__}.")
        papers = list(corpus)
        n = len(papers)
        synonyms, forced, stops = self._user_vocabulary()
        full = scan(TextView(papers, lambda p: f"{p.title}. {p.abstract}"), self.max_words)
        titles = scan(TextView(papers, lambda p: p.title), self.max_words)
        release_memory()  # the chunks' token arrays were freed: their pages go back
        syn = synonyms.get
        col: dict[str, int] = {}  # resolved concept keys

        # scan keys -> concept keys: names folded, a capitalised word only if never written in lower case
        mapped = np.full(len(full.keys), -1, dtype=np.int64)
        for j, raw in enumerate(full.keys):
            k = full.resolved_key(raw)
            if k is not None:
                mapped[j] = col.setdefault(syn(k, k), len(col))
        acronyms, alias_forms = _acronym_occurrences(full, syn, col)
        resolved = _concept_counts(full, mapped, acronyms, syn, col, n)
        names_all = list(col)
        present = (resolved > 0).astype(np.float64).tocsr()
        df = np.asarray(present.sum(axis=0)).ravel()

        # title mentions of phrase keys
        t_map = np.array([col.get(syn(k, k), -1) if k[:1] not in "~=" else -1 for k in titles.keys], dtype=np.int64)
        t = titles.counts.tocoo()
        in_title = np.bincount(t_map[t.col[t_map[t.col] >= 0]], minlength=len(col))
        occurrences = dict(zip(full.keys, np.asarray(full.counts.sum(axis=0)).ravel().astype(np.int64).tolist()))
        full.counts = full.acronyms = None  # the scan's counts live on in ``resolved``: a large corpus's biggest part
        del acronyms, t

        keep_cols = self._independent(present, df, names_all, col, forced, stops, n)
        keep_cols.sort(key=lambda j: names_all[j])
        keep = [names_all[j] for j in keep_cols]
        matrix = sp.csr_matrix(resolved[:, keep_cols]) if keep_cols else sp.csr_matrix((n, 0))
        del resolved, present
        title_df = in_title[keep_cols] if keep_cols else np.zeros(0, dtype=np.int64)
        dfs = np.asarray((matrix > 0).sum(axis=0)).ravel() if len(keep) else np.zeros(0)
        idf = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
        # near-duplicate papers (two parts or versions of one work) count once towards min_df
        support = _support_without_near_duplicates(matrix, idf, self.near_duplicate)
        cols_ok = [j for j, k in enumerate(keep) if support[j] >= self.min_df or k in forced]
        if len(cols_ok) < len(keep):
            matrix = sp.csr_matrix(matrix[:, cols_ok])
            keep = [keep[j] for j in cols_ok]
            title_df = title_df[cols_ok]
            dfs = dfs[cols_ok]
            idf = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
        names, aliases = _display_names(keep, full, occurrences, alias_forms, synonyms)
        self.concepts_ = ConceptSet(names=names, keys=keep, aliases=aliases, df=dfs, idf=idf, matrix=matrix,
                                    paper_ids=[p.id for p in papers],
                                    title_df=np.asarray(title_df, dtype=np.int64))
        self.n_papers_ = n
        return self

    def _user_vocabulary(self) -> tuple[dict[str, str], set[str], set[str]]:
        """(synonym key -> concept key, keys always kept, stop keys) from ``vocabulary`` and ``stop_concepts``."""
        synonyms: dict[str, str] = {}
        forced: set[str] = set()
        if isinstance(self.vocabulary, Mapping):
            for syn, canon in self.vocabulary.items():
                synonyms[concept_key(str(syn))] = concept_key(str(canon))
                forced.add(concept_key(str(canon)))
        elif self.vocabulary is not None:
            forced |= {concept_key(str(v)) for v in self.vocabulary}
        stops = {concept_key(s) for s in STOP_CONCEPTS} | {concept_key(str(s)) for s in (self.stop_concepts or ())}
        return synonyms, forced, stops

    def _independent(self, present, df, names_all, col, forced, stops, n) -> list[int]:
        """Columns of the concepts kept: frequent enough (``min_df``, ``max_df``), no stop concept, and found
        outside the longer concepts that contain them (the nested-term filter), or forced by the vocabulary."""
        frequent = sorted(set(np.flatnonzero(df >= self.min_df).tolist()) | {col[k] for k in forced if k in col})
        frequent = np.array([j for j in frequent if names_all[j] not in stops], dtype=np.int64)
        position = {names_all[j]: f for f, j in enumerate(frequent.tolist())}
        s_rows, s_cols = [], []
        for f, j in enumerate(frequent.tolist()):
            if " " in names_all[j]:
                for sub in _subphrases(names_all[j]):
                    if sub in position:
                        s_rows.append(f)
                        s_cols.append(position[sub])
        pf = sp.csr_matrix(present[:, frequent])
        nested = sp.csr_matrix((np.ones(len(s_rows)), (s_rows, s_cols)), shape=(len(frequent), len(frequent)))
        covered = (pf @ nested) > 0
        independent = np.asarray((pf - pf.multiply(covered)).sum(axis=0)).ravel()
        keep_cols = [j for f, j in enumerate(frequent.tolist())
                     if independent[f] >= self.min_df or names_all[j] in forced]
        if self.max_df < 1.0:
            keep_cols = [j for j in keep_cols if df[j] <= self.max_df * n]
        return keep_cols

    @property
    def matrix_(self) -> sp.csr_matrix:
        self._fitted()
        return self.concepts_.matrix

    @property
    def vocabulary_(self) -> dict[str, int]:
        self._fitted()
        return {k: j for j, k in enumerate(self.concepts_.keys)}

    def _fitted(self) -> None:
        if not hasattr(self, "concepts_"):
            raise NotFittedError("This ConceptExtractor is not fitted yet; call fit(corpus) first.")


def _support_without_near_duplicates(matrix: sp.csr_matrix, idf: np.ndarray, threshold: float) -> np.ndarray:
    """Per concept, the number of its papers once near-duplicate papers are merged into one."""
    n, m = matrix.shape
    b = (matrix > 0).astype(np.float64).tocsr()
    if n < 2 or m == 0 or threshold >= 1.0:
        return np.asarray(b.sum(axis=0)).ravel()
    from sparse_dot_topn import sp_matmul_topn

    x = b.copy()  # idf-weighted, rows L2-normalised, in place
    x.data *= idf[x.indices]
    lengths = np.diff(x.indptr)
    filled = np.flatnonzero(lengths)
    norms = np.ones(n)
    if len(filled):
        norms[filled] = np.sqrt(np.add.reduceat(np.square(x.data), x.indptr[filled]))
    norms[norms == 0] = 1.0
    x.data /= np.repeat(norms, lengths)
    # near-duplicates share their rare concepts: find candidates through those alone (cheap),
    # then check the full cosine
    df = np.asarray(b.sum(axis=0)).ravel()
    rare = np.flatnonzero(df <= max(20, int(0.002 * n)))
    xr = sp.csr_matrix(x[:, rare])
    cand = sp_matmul_topn(xr, sp.csr_matrix(xr.T), top_n=3, threshold=0.05).tocoo()
    off = cand.row != cand.col
    ci, cj = cand.row[off], cand.col[off]
    full = np.asarray(x[ci].multiply(x[cj]).sum(axis=1)).ravel() if len(ci) else np.zeros(0)
    ok = full >= threshold
    if not ok.any():
        return np.asarray(b.sum(axis=0)).ravel()
    # papers joined by near-duplicate pairs, directly or through others, are one work: each paper takes the
    # smallest position of its component (labels propagated along the pairs, with pointer jumping)
    ci, cj = ci[ok], cj[ok]
    work = np.arange(n)
    while True:
        step = work.copy()
        low = np.minimum(work[ci], work[cj])
        np.minimum.at(step, ci, low)
        np.minimum.at(step, cj, low)
        step = step[step]
        if np.array_equal(step, work):
            break
        work = step
    groups = sp.csr_matrix((np.ones(n), (work, np.arange(n))), shape=(n, n))
    return np.asarray(((groups @ b) > 0).sum(axis=0)).ravel()


def extract_concepts(corpus: Corpus, **params) -> ConceptSet:
    """Extract the concepts of a corpus; parameters as in :class:`ConceptExtractor`.

    Examples
    --------
    >>> import litgraph as lg
    >>> frame = lg.extract_concepts(lg.load_sample()).to_frame()
    >>> bool((frame["df"] >= 2).all())
    True
    """
    return ConceptExtractor(**params).fit(corpus).concepts_


def _acronym_occurrences(full, syn, col: dict[str, int]):
    """Each acronym occurrence's concept: the expansion its paper defines, else the corpus's dominant one (at
    least 2/3 of the definitions), else the acronym itself. Returns ((rows, concept columns, counts),
    concept key -> Counter of the acronyms written for it); new concept keys join ``col``."""
    definitions: dict[str, Counter] = defaultdict(Counter)
    for found in full.defined.values():
        for a, e in found.items():
            definitions[a][e] += 1
    dominant = {}
    for a, cnt in definitions.items():
        (e, n_e), total = cnt.most_common(1)[0], sum(cnt.values())
        if n_e / total >= 2 / 3:
            dominant[a] = e
    acr_key = [concept_key(a) for a in full.acronym_names]
    acr_of = {a: j for j, a in enumerate(full.acronym_names)}

    def target_of(a: str, expansion: str) -> str:
        return syn(expansion, syn(a.lower(), expansion))

    a_csr = full.acronyms.tocsr()
    a_row = np.repeat(np.arange(a_csr.shape[0]), np.diff(a_csr.indptr))
    a_col, a_val = a_csr.indices.astype(np.int64), a_csr.data
    targets = np.array([target_of(a, dominant.get(a) or acr_key[j]) for j, a in enumerate(full.acronym_names)],
                       dtype=object)[a_col] if len(a_col) else np.zeros(0, dtype=object)
    own = [(i * len(acr_of) + acr_of[a], target_of(a, e)) for i, found in full.defined.items()
           for a, e in found.items() if a in acr_of]
    if own and len(a_col):
        entry = a_row * len(acr_of) + a_col
        order = np.argsort(entry, kind="stable")
        wanted = np.array([k for k, _ in own], dtype=np.int64)
        at = np.searchsorted(entry[order], wanted)
        hit = (at < len(entry)) & (entry[order][np.minimum(at, len(entry) - 1)] == wanted)
        own_t = np.array([t for _, t in own], dtype=object)
        targets[order[at[hit]]] = own_t[hit]
    for t in dict.fromkeys(targets.tolist()):  # new concept keys in the order the papers name them
        col.setdefault(t, len(col))
    a_target = np.fromiter(map(col.__getitem__, targets), dtype=np.int64, count=len(targets))
    alias_forms: dict[str, Counter] = defaultdict(Counter)
    renamed = np.flatnonzero(targets != np.asarray(acr_key, dtype=object)[a_col]) if len(a_col) else []
    if len(renamed):
        pairs, times = np.unique(np.stack([a_target[renamed], a_col[renamed]]), axis=1, return_counts=True)
        names_now = list(col)
        for t, j, k in zip(pairs[0].tolist(), pairs[1].tolist(), times.tolist()):
            alias_forms[names_now[t]][full.acronym_names[j]] += k
    return (a_row, a_target, a_val), alias_forms


def _concept_counts(full, mapped: np.ndarray, acronyms, syn, col: dict[str, int], n: int) -> sp.csr_matrix:
    """Papers x concepts occurrence counts: the scan's counts moved to concept columns (a sparse product sums
    keys that meet in one concept), plus acronym occurrences and definitions (a definition is an occurrence)."""
    a_row, a_target, a_val = acronyms
    d_rows, d_cols = [], []
    for i, found in full.defined.items():
        for e in found.values():
            d_rows.append(i)
            d_cols.append(col.setdefault(syn(e, e), len(col)))
    ok = np.flatnonzero(mapped >= 0)
    to_concept = sp.csr_matrix((np.ones(len(ok)), (ok, mapped[ok])), shape=(len(full.keys), len(col)))
    extra = sp.csr_matrix((np.concatenate([a_val, np.ones(len(d_rows))]).astype(np.float64),
                           (np.concatenate([a_row, np.asarray(d_rows, dtype=np.int64)]),
                            np.concatenate([a_target, np.asarray(d_cols, dtype=np.int64)]))), shape=(n, len(col)))
    resolved = sp.csr_matrix(sp.csr_matrix(full.counts, dtype=np.float64) @ to_concept + extra)
    resolved.sort_indices()
    return resolved


def _display_names(keep: list[str], full, occurrences: dict, alias_forms: dict, synonyms: dict):
    """Each kept concept's display name (its most common written form) and its other forms and acronyms."""
    names, aliases = [], []
    surfaces, capitals = full.surface_forms(keep), full.capitals
    for k in keep:
        forms = surfaces.get(k, Counter()) + surfaces.get("=" + k, Counter())
        forms_norm: Counter = Counter()
        for f, c in forms.items():
            words = f.split()
            words[-1] = _singular(words[-1])
            forms_norm[" ".join(w if _is_acronym(w) or _NAME_LIKE.match(w) else w.lower() for w in words)] += c
        if " " in k and not k.startswith("="):
            # occurrences written plainly (lower case, no hyphen) are not recorded one by one
            plain = int(occurrences.get(k, 0)) - sum(forms_norm.values())
            if plain > 0 and k not in forms_norm:
                forms_norm[k] = plain
        if forms_norm:
            name = sorted(forms_norm.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        elif k in capitals or k.capitalize() in capitals:
            name = k.capitalize()
        else:
            name = k
        names.append(name)
        extra = set(forms_norm) | set(alias_forms.get(k, ())) | {s for s, t in synonyms.items() if t == k}
        extra.discard(name)
        aliases.append(tuple(sorted(extra, key=lambda a: (a.lower(), a))[:12]))
    return names, aliases
