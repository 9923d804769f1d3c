"""ConceptExtractor: the step that turns a corpus into a ConceptSet."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from typing import ClassVar

import numpy as np
import scipy.sparse as sp

from .._lexicon import STOP_CONCEPTS
from .._step import Custom, Float, Int, Step
from ..exceptions import InvalidParameterError, NotFittedError
from ..model import Corpus
from ._candidates import _PARALLEL_MIN, _n_jobs, _scan_chunk, _subphrases
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
        Processes used to scan large corpora (4,000 papers or more); -1 uses every core.
        The result does not depend on it.

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
        "near_duplicate": Float(0.0, 1.0, low_open=True), "n_jobs": Int(allow_none=True),
        "vocabulary": Custom(_check_vocabulary), "stop_concepts": Custom(_check_stop_concepts)}

    def fit(self, corpus: Corpus) -> ConceptExtractor:
        self._validate_params()
        if not isinstance(corpus, Corpus):
            raise InvalidParameterError(f"ConceptExtractor.fit expects a Corpus. Got {type(corpus).__name__}.")
        papers = list(corpus)
        n = len(papers)
        synonyms: dict[str, str] = {}
        forced: set[str] = set()
        if isinstance(self.vocabulary, Mapping):
            for syn, canon in self.vocabulary.items():
                synonyms[concept_key(str(syn))] = concept_key(str(canon))
                forced.add(concept_key(str(canon)))
        elif self.vocabulary is not None:
            forced |= {concept_key(str(v)) for v in self.vocabulary}
        stops = {concept_key(s) for s in STOP_CONCEPTS} | {concept_key(str(s)) for s in (self.stop_concepts or ())}

        texts = [(p.title, p.abstract) for p in papers]
        jobs = _n_jobs(self.n_jobs)
        if jobs > 1 and n >= _PARALLEL_MIN:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            size = -(-n // jobs)
            chunks = [texts[i:i + size] for i in range(0, n, size)]
            with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
                results = list(pool.map(_scan_chunk, chunks, [self.max_words] * len(chunks)))
        else:
            results = [_scan_chunk(texts, self.max_words)]
        per_paper, title_grams = [], []
        surfaces: dict[str, Counter] = defaultdict(Counter)
        capitals: Counter = Counter()
        lowers: set[str] = set()
        for pp, tg, sf, cap, low in results:
            per_paper += pp
            title_grams += tg
            for k, cnt in sf.items():
                surfaces[k].update(cnt)
            capitals.update(cap)
            lowers |= low

        # acronyms: their dominant expansion across the corpus
        definitions: dict[str, Counter] = defaultdict(Counter)
        for pc in per_paper:
            for a, e in pc.defined.items():
                definitions[a][e] += 1
        dominant = {}
        for a, cnt in definitions.items():
            (e, c), total = cnt.most_common(1)[0], sum(cnt.values())
            if c / total >= 2 / 3:
                dominant[a] = e
        acr_key = {a: concept_key(a) for pc in per_paper for a in pc.acronyms}

        # resolve every paper's candidates to concept keys
        resolved: list[Counter] = []
        alias_forms: dict[str, Counter] = defaultdict(Counter)
        in_title: Counter = Counter()
        for pc, tg in zip(per_paper, title_grams):
            out: Counter = Counter()
            for k, c in pc.keys.items():
                if k.startswith("~"):
                    word = k[1:]
                    if word.lower() in lowers:
                        continue
                    k = word.lower()
                elif k.startswith("="):
                    k = concept_key(k[1:]) if not _is_acronym(k[1:]) else _singular(k[1:])
                out[synonyms.get(k, k)] += c
            for k in tg:
                if k[:1] not in "~=":
                    in_title[synonyms.get(k, k)] += 1
            for a, c in pc.acronyms.items():
                target = pc.defined.get(a) or dominant.get(a) or acr_key[a]
                target = synonyms.get(target, synonyms.get(a.lower(), target))
                out[target] += c
                if target != acr_key[a]:
                    alias_forms[target][a] += 1
            for e in pc.defined.values():
                out[synonyms.get(e, e)] += 1  # the definition itself counts as an occurrence
            resolved.append(out)

        df: Counter = Counter()
        occurrences: Counter = Counter()
        for pc in per_paper:
            occurrences.update(pc.keys)
        for out in resolved:
            df.update(out.keys())
        frequent = {k for k, c in df.items() if (c >= self.min_df or k in forced) and k not in stops}
        # nested-term filter: drop phrases that never stand outside a longer concept
        independent: Counter = Counter()
        for out in resolved:
            present = [k for k in out if k in frequent]
            covered = {s for k in present if " " in k for s in _subphrases(k)}
            independent.update(k for k in present if k not in covered)
        keep = sorted(k for k in frequent if (independent[k] >= self.min_df or k in forced))
        if self.max_df < 1.0:
            keep = [k for k in keep if df[k] <= self.max_df * n]
        col = {k: j for j, k in enumerate(keep)}
        rows, cols, vals = [], [], []
        for i, out in enumerate(resolved):
            for k, c in out.items():
                j = col.get(k)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
                    vals.append(c)
        matrix = sp.csr_matrix((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(n, len(keep)))
        matrix.sum_duplicates()
        dfs = np.asarray((matrix > 0).sum(axis=0)).ravel() if len(keep) else np.zeros(0)
        idf = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
        # near-duplicate papers (two parts or versions of one work) count once towards min_df
        support = _support_without_near_duplicates(matrix, idf, self.near_duplicate)
        cols_ok = [j for j, k in enumerate(keep) if support[j] >= self.min_df or k in forced]
        if len(cols_ok) < len(keep):
            matrix = sp.csr_matrix(matrix[:, cols_ok])
            keep = [keep[j] for j in cols_ok]
            dfs = dfs[cols_ok]
            idf = np.log((1.0 + n) / (1.0 + dfs)) + 1.0
        names, aliases = [], []
        for k in keep:
            forms = surfaces.get(k, Counter()) + surfaces.get("=" + k, Counter())
            forms_norm: Counter = Counter()
            for f, c in forms.items():
                words = f.split()
                words[-1] = _singular(words[-1])
                forms_norm[" ".join(w if _is_acronym(w) or _NAME_LIKE.match(w) else w.lower() for w in words)] += c
            if " " in k and not k.startswith("="):
                # occurrences written plainly (lower case, no hyphen) are not recorded one by one
                plain = occurrences[k] - sum(forms_norm.values())
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
            aliases.append(tuple(sorted(extra, key=str.lower)[:12]))
        self.concepts_ = ConceptSet(names=names, keys=keep, aliases=aliases, df=dfs, idf=idf, matrix=matrix,
                                    paper_ids=[p.id for p in papers],
                                    title_df=np.array([in_title.get(k, 0) for k in keep], dtype=np.int64))
        self.n_papers_ = n
        return self

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

    x = b @ sp.diags(idf)
    norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    x = sp.csr_matrix(sp.diags(1.0 / norms) @ x)
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

    class _Pairs:
        row, col = ci[ok], cj[ok]

    sim = _Pairs
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    merged = False
    for i, j in zip(sim.row, sim.col):
        if i != j:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
                merged = True
    if not merged:
        return np.asarray(b.sum(axis=0)).ravel()
    roots = np.array([find(i) for i in range(n)])
    groups = sp.csr_matrix((np.ones(n), (roots, np.arange(n))), shape=(n, n))
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
