"""Concept extraction: the technical phrases, names and acronyms each paper is about.

The method, in plain words:

1. **Candidate phrases.** Title and abstract are cut into runs of words at punctuation,
   stop words and reporting verbs ("we propose", "results show"), in the manner of RAKE
   (Rose et al., 2010). Every 2- to ``max_words``-word sequence inside a run is a
   candidate, unless it starts or ends with a generic word ("novel", "framework",
   "experiments", ...) or holds a bare number. "of" may join two words ("chain of
   thought", "mixture of experts"). Single words are candidates only when they look like
   names: acronyms (``GNN``), mixed case (``iTransformer``, ``VQGraph``), or capitalised
   words whose lower-case form never occurs in the corpus (``Mamba``).
2. **Folding.** Case, hyphens and the plural of the last word are folded: "State-Space
   Models" and "state space model" are one concept.
3. **Acronyms.** Definitions such as "state space models (SSMs)" are found with the
   Schwartz–Hearst algorithm (Schwartz & Hearst, 2003); the acronym becomes an alias of
   its expansion, in the defining paper and, when the corpus gives it one dominant
   expansion, everywhere.
4. **Termhood.** A phrase that occurs only inside longer concepts ("space model" inside
   "state space model") is dropped, following the nested-term idea of C-value
   (Frantzi, Ananiadou & Mima, 2000). A concept must occur in at least ``min_df`` papers.
5. **Specificity.** Each concept gets an inverse document frequency,
   ``idf = ln((1 + N) / (1 + df)) + 1``, so a concept found in a large share of the corpus
   ("neural network") weighs little.

Users add their own vocabulary and synonyms (``vocabulary={"SSM": "state space model"}``
or a list of phrases to always keep) and their own ``stop_concepts``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from ._lexicon import GENERIC_EDGE, STOP_CONCEPTS, STOP_WORDS
from ._validation import check_float, check_int
from .exceptions import InvalidParameterError, NotFittedError
from .model import Corpus

__all__ = ["ConceptExtractor", "ConceptSet", "extract_concepts", "find_acronyms", "concept_key"]

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_PUNCT_BREAK = set(".,;:!?()[]{}\"“”«»/|=<>+*&%$#@~^`")
_SENT_END = set(".!?")
_NUMBER = re.compile(r"^[\d.,%x×-]+$|^\d")
_ROMAN = re.compile(r"^(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)$", re.I)
_NAME_LIKE = re.compile(r"^(?:[A-Z][A-Za-z0-9]*[A-Z0-9][A-Za-z0-9\-]*|[a-z]+[A-Z][A-Za-z0-9\-]*|[A-Za-z]+[-]?\d+[A-Za-z0-9\-]*)$")
_ADJECTIVE = re.compile(r"(?:ian|ean|ic|al|ive|ous|ary|ed|ing|ly|ful|less|able|ible|ist|ism|wise)$")
_KEEP_S = ("ss", "us", "is", "ics", "sis", "ous", "ias")
_KEEP_WORDS = frozenset("""series species physics mathematics dynamics news data gaussian bias lens
analysis basis axis hypothesis thesis diagnosis synthesis process class loss mass gas corpus status
focus consensus plus minus always perhaps various""".split())


_IRREGULAR = {"matrices": "matrix", "vertices": "vertex", "indices": "index", "simplices": "simplex",
              "appendices": "appendix", "hypotheses": "hypothesis", "analyses": "analysis", "bases": "basis",
              "criteria": "criterion", "phenomena": "phenomenon", "mice": "mouse", "children": "child",
              "people": "people", "axes": "axis", "theses": "thesis"}
_NOT_ADVERB = frozenset("family anomaly assembly early supply apply reply rely multiply july poly monopoly "
                        "italy ally belly jelly bully holy only".split())


def _match_case(original: str, new: str) -> str:
    return new.upper() if original.isupper() else (new.capitalize() if original[:1].isupper() else new)


_ADJ_END = re.compile(r"(?:istic|ical|ous|able|ible|ian|ean|ive|al|ic|ary)$")
_NOUNS_LIKE_ADJ = frozenset("""objective derivative alternative incentive initiative perspective primitive narrative
directive representative positive negative signal interval retrieval potential tutorial manual material terminal trial
removal proposal principal individual arrival approval journal animal rival capital survival reversal denial disposal
logic topic music graphic heuristic metric traffic mechanic arithmetic rhetoric clinic summary dictionary vocabulary
boundary library memory inventory trajectory category theory history factory territory glossary commentary
adversary salary anniversary itinerary secretary sanctuary legendary diary binary primary auxiliary mean european
bayesian gaussian hessian jacobian laplacian lagrangian hamiltonian boolean euclidean criterion""".split())


@lru_cache(maxsize=1 << 18)
def _ends_adjective(low: str) -> bool:
    return bool(_ADJ_END.search(low)) and low not in _NOUNS_LIKE_ADJ and "-" not in low


def _breaks_run(tok: str, low: str) -> bool:
    """Words that end a candidate run like stop words do: adverbs, single letters (variables)."""
    if len(tok) == 1:
        return True
    return low.endswith("ly") and len(low) > 4 and low not in _NOT_ADVERB


@lru_cache(maxsize=1 << 18)
def _singular(word: str) -> str:
    w = word
    low = w.lower()
    if len(w) <= 3 or low in _KEEP_WORDS or low.endswith(_KEEP_S):
        return w
    if re.match(r"^[A-Z0-9\-]+s$", w) or re.match(r"^[A-Z][A-Za-z0-9\-]*[A-Z0-9]s$", w):
        return w[:-1]  # LLMs -> LLM, CBMs -> CBM
    if low in _IRREGULAR:
        return _match_case(w, _IRREGULAR[low])
    if low.endswith("ies") and len(w) > 4:
        return w[:-3] + ("Y" if w[-3].isupper() else "y")
    if low.endswith(("sses", "ches", "shes", "xes")):
        return w[:-2]
    if low.endswith("s") and not low.endswith("'s"):
        return w[:-1]
    return w


@lru_cache(maxsize=1 << 18)
def concept_key(phrase: str) -> str:
    """The folded form that identifies a concept: lower case, hyphens as spaces, last word singular.

    Acronyms keep their case so that ``SSM`` and the word "ssm" stay apart.

    >>> concept_key("State-Space Models")
    'state space model'
    >>> concept_key("LLMs")
    'LLM'
    """
    words = phrase.replace("’", "'").split()
    if not words:
        return ""
    if len(words) == 1 and _is_acronym(words[0]):
        return _singular(words[0])
    words[-1] = _singular(words[-1])
    return " ".join(words).lower().replace("-", " ")


@lru_cache(maxsize=1 << 18)
def _is_acronym(tok: str) -> bool:
    core = tok[:-1] if tok.endswith("s") and len(tok) > 2 else tok
    upp = sum(ch.isupper() for ch in core)
    return 2 <= len(core) <= 10 and upp >= 2 and upp >= len(core) / 2 and core[0].isalnum()


def _sh_long_form(short: str, words: list[str]) -> list[str] | None:
    """Schwartz & Hearst (2003): the shortest run of ``words`` ending before the short form that spells it."""
    sf = short.lower()
    text = " ".join(words)
    lf = text.lower()
    s_i, l_i = len(sf) - 1, len(lf) - 1
    while s_i >= 0:
        ch = sf[s_i]
        if not ch.isalnum():
            s_i -= 1
            continue
        while l_i >= 0 and (lf[l_i] != ch or (s_i == 0 and l_i > 0 and lf[l_i - 1].isalnum())):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    start = lf.rfind(" ", 0, l_i + 1) + 1
    found = text[start:].split()
    while found and found[0].lower() in STOP_WORDS:
        found = found[1:]
    return found or None


def find_acronyms(text: str) -> dict[str, str]:
    """Acronym definitions in a text, as ``{acronym: expansion}`` (both as written, acronym singular).

    Examples
    --------
    >>> find_acronyms("We study state space models (SSMs) and large language models (LLMs).")
    {'SSM': 'state space models', 'LLM': 'large language models'}
    """
    return _acronyms_in(_TOKEN.findall(text))


def _acronyms_in(toks: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i, tok in enumerate(toks):
        if tok != "(" or i + 2 >= len(toks) or toks[i + 2] != ")":
            continue
        short = toks[i + 1]
        if not _is_acronym(short) or _ROMAN.match(short):
            continue
        core = _singular(short)
        window: list[str] = []
        j = i - 1
        limit = min(len(core) + 5, len(core) * 2)
        while j >= 0 and len(window) < limit and toks[j] not in _PUNCT_BREAK:
            window.insert(0, toks[j])
            j -= 1
        lf = _sh_long_form(core, window)
        if lf and len(" ".join(lf)) > len(core) and not (len(lf) == 1 and lf[0].lower() == core.lower()):
            out[core] = " ".join(lf)
    return out


@dataclass
class _PaperCandidates:
    keys: Counter
    acronyms: Counter          # acronym -> occurrences (unresolved)
    defined: dict[str, str]    # acronym -> expansion key, defined in this paper


@lru_cache(maxsize=1 << 18)
def _token_class(tok: str) -> int:
    """0: word for runs, 1: breaks a run, 2: sentence end (breaks too)."""
    if tok in _SENT_END:
        return 2
    low = tok.lower()
    if tok in _PUNCT_BREAK or (len(tok) == 1 and not tok.isalnum()) or low in STOP_WORDS or _breaks_run(tok, low):
        return 1
    if _NUMBER.match(tok):
        return 1  # bare numbers are never part of a concept
    return 0


@lru_cache(maxsize=1 << 18)
def _gram_ok(first: str, last: str) -> bool:
    f, la = first.lower(), last.lower()
    if f in GENERIC_EDGE or la in GENERIC_EDGE or f == "of" or la == "of":
        return False
    if (la.endswith("ed") and not la.endswith("eed")) or _ends_adjective(la):
        return False
    return True


def _runs(toks: list[str]) -> Iterable[tuple[list[str], bool]]:
    """Runs of candidate words; the flag says whether the run starts a sentence."""
    run: list[str] = []
    sentence_start = True
    run_starts_sentence = True
    for tok in toks:
        cls = _token_class(tok)
        if cls:
            if run:
                yield run, run_starts_sentence
                run = []
            if cls == 2:
                sentence_start = True
            elif tok not in "()\"“”" and tok not in _PUNCT_BREAK:
                sentence_start = False
            continue
        if not run:
            run_starts_sentence = sentence_start
        run.append(tok)
        sentence_start = False
    if run:
        yield run, run_starts_sentence


_NOTABLE = re.compile(r"[-'’]|[A-Za-z][A-Z]|\d")


@lru_cache(maxsize=1 << 18)
def _notable_surface(surface: str) -> bool:
    """Whether a written form says more than its key: hyphens, inner capitals, digits."""
    return _NOTABLE.search(surface) is not None


@lru_cache(maxsize=1 << 18)
def _unigram_kind(tok: str) -> str:
    """'acronym', 'name', 'capital' (a capitalised plain word), 'lower' or ''."""
    if _is_acronym(tok) and not _ROMAN.match(tok):
        return "acronym"
    if _NAME_LIKE.match(tok) and not _NUMBER.match(tok):
        return "name"
    low = tok.lower()
    if tok[:1].isupper() and tok[1:].islower() and len(tok) > 3 and not _ADJECTIVE.search(low):
        return "capital"
    return "lower" if tok == low else ""


def _candidates(text: str, max_words: int, surfaces: dict[str, Counter], capitals: Counter,
                lowers: set[str]) -> _PaperCandidates:
    keys: Counter = Counter()
    acr: Counter = Counter()
    toks = [t[:-2] if t.endswith(("'s", "’s")) and len(t) > 3 else t for t in _TOKEN.findall(text)]
    defined = {a: concept_key(e) for a, e in _acronyms_in(toks).items()} if "(" in toks else {}
    for run, starts_sentence in _runs(toks):
        n = len(run)
        for i, tok in enumerate(run):
            kind = _unigram_kind(tok)
            if kind == "lower":
                continue
            elif kind == "acronym":
                acr[_singular(tok)] += 1
            elif kind == "name":
                keys["=" + tok] += 1
                surfaces["=" + tok][tok] += 1
            elif kind == "capital" and not (i == 0 and starts_sentence):
                capitals[tok] += 1
                keys["~" + tok] += 1
        has_of = "of" in run
        for size in range(2, min(max_words, n) + 1):
            for i in range(0, n - size + 1):
                if not _gram_ok(run[i], run[i + size - 1]):
                    continue
                gram = run[i:i + size]
                if has_of and size != 3 and "of" in gram:
                    continue
                surface = " ".join(gram)
                key = concept_key(surface)
                keys[key] += 1
                if _notable_surface(surface):
                    surfaces[key][surface] += 1  # only forms that differ from the key in more than case
        lowers.update(run)  # every word seen; only lower-case ones are looked up later
    return _PaperCandidates(keys, acr, defined)


@lru_cache(maxsize=1 << 18)
def _subphrases(key: str) -> tuple[str, ...]:
    words = key.split()
    n = len(words)
    out = []
    for size in range(1, n):
        for i in range(0, n - size + 1):
            sub = words[i:i + size]
            sub[-1] = _singular(sub[-1])
            out.append(" ".join(sub))
    return tuple(out)


_PARALLEL_MIN = 4000


def _n_jobs(n_jobs: int | None) -> int:
    import os

    if n_jobs is None or n_jobs == 0:
        return 1
    if n_jobs < 0:
        return max(1, (os.cpu_count() or 1) + 1 + n_jobs)
    return n_jobs


def _scan_chunk(texts: list[tuple[str, str]], max_words: int):
    """Candidates of a chunk of (title, abstract) pairs; run in a worker process for large corpora."""
    surfaces: dict[str, Counter] = defaultdict(Counter)
    capitals: Counter = Counter()
    lowers: set[str] = set()
    per_paper = [_candidates(f"{t}. {a}", max_words, surfaces, capitals, lowers) for t, a in texts]
    titles = [set(_candidates(t, max_words, defaultdict(Counter), Counter(), set()).keys) for t, _ in texts]
    return per_paper, titles, dict(surfaces), capitals, lowers


@dataclass
class ConceptSet:
    """The concepts of a corpus and which papers carry them.

    Attributes
    ----------
    names : list of str
        Display name of each concept (its most common written form).
    keys : list of str
        Folded keys (see :func:`concept_key`).
    aliases : list of tuple of str
        Other written forms and acronyms of each concept.
    df : numpy.ndarray
        Number of papers carrying each concept.
    idf : numpy.ndarray
        ``ln((1 + N) / (1 + df)) + 1``.
    matrix : scipy.sparse.csr_matrix
        Papers x concepts, occurrence counts; rows follow ``paper_ids``.
    paper_ids : list of str

    Examples
    --------
    >>> import litgraph as lg
    >>> cs = lg.extract_concepts(lg.load_sample())
    >>> cs.names[cs.index("SSMs")], "SSM" in cs.aliases[cs.index("SSMs")]
    ('state space model', True)
    """

    names: list[str]
    keys: list[str]
    aliases: list[tuple[str, ...]]
    df: np.ndarray
    idf: np.ndarray
    matrix: sp.csr_matrix
    paper_ids: list[str]
    title_df: np.ndarray | None = None
    _coherence: np.ndarray | None = field(default=None, repr=False, compare=False)
    _lookup: dict[str, int] | None = field(default=None, repr=False, compare=False)
    _rows: dict[str, int] | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.names)

    def index(self, concept: str) -> int:
        """Position of a concept given its name, key or an alias."""
        if getattr(self, "_lookup", None) is None:
            lookup: dict[str, int] = {}
            for i, (name, key, al) in enumerate(zip(self.names, self.keys, self.aliases)):
                for form in (key, name, *al):
                    lookup.setdefault(form, i)
                    lookup.setdefault(concept_key(form), i)
            self._lookup = lookup
        for form in (concept, concept_key(concept)):
            if form in self._lookup:
                return self._lookup[form]
        raise KeyError(f"No concept {concept!r}; see extract_concepts(corpus).to_frame()['concept'].")

    def papers_of(self, concept: str) -> list[str]:
        j = self.index(concept)
        rows = self.matrix[:, j].nonzero()[0]
        return [self.paper_ids[i] for i in sorted(rows)]

    def concepts_of(self, paper_id: str, top_k: int | None = None) -> list[str]:
        """A paper's concepts, most specific (highest idf) first."""
        if getattr(self, "_rows", None) is None:
            self._rows = {pid: i for i, pid in enumerate(self.paper_ids)}
        try:
            i = self._rows[paper_id]
        except KeyError:
            raise KeyError(f"No paper {paper_id!r} in this concept set.") from None
        m = self.matrix
        cols = m.indices[m.indptr[i]:m.indptr[i + 1]].tolist()
        order = sorted(cols, key=lambda j: (-self.idf[j], self.names[j]))
        return [self.names[j] for j in order[:top_k]]

    def coherence(self) -> np.ndarray:
        """How topical each concept is: the mean similarity of its papers beyond chance.

        Papers are compared on their *other* concepts (idf-weighted cosine), so a concept
        whose papers also share further concepts ("state space model": Mamba, selective
        scan, ...) scores high, and one spread over unrelated papers ("training data")
        scores near zero. Returns the average pairwise similarity of the concept's papers
        minus the corpus's average pairwise similarity; 0 for concepts in fewer than 2 papers.
        """
        if getattr(self, "_coherence", None) is not None:
            return self._coherence
        x = self.weighted()
        n = x.shape[0]
        b = (self.matrix > 0).astype(np.float64).tocsc()
        sums = (b.T @ x).tocsr()                       # concept -> sum of its papers' vectors
        sq = np.asarray(sums.multiply(sums).sum(axis=1)).ravel()
        own = np.asarray(x.multiply(b).sum(axis=0)).ravel()          # sum of x_ic over papers of c
        own_sq = np.asarray(x.multiply(x).multiply(b).sum(axis=0)).ravel()
        d = np.asarray(b.sum(axis=0)).ravel()
        norms = np.asarray(x.multiply(x).sum(axis=1)).ravel()
        self_sq = np.asarray(b.T @ norms).ravel()                   # sum of ||x_i||^2 over papers of c
        # ||sum x_i||^2 without concept c's own coordinate, minus the diagonal terms
        pair = (sq - own ** 2) - (self_sq - own_sq)
        with np.errstate(divide="ignore", invalid="ignore"):
            avg = np.where(d > 1, pair / (d * (d - 1)), 0.0)
        total = np.asarray(x.sum(axis=0)).ravel()
        base = (float(total @ total) - float(norms.sum())) / (n * (n - 1)) if n > 1 else 0.0
        self._coherence = np.where(d > 1, avg - base, 0.0)
        return self._coherence

    def scores(self) -> np.ndarray:
        """Ranking score: topical, well-attested concepts that authors name in titles first.

        ``max(coherence, 0) * sqrt(df * (df - 1) / 2) * (1 + title_df)``: the excess
        similarity of the concept's papers, times the square root of the number of paper
        pairs it rests on (how far above chance the papers sit), times one plus the number
        of titles that name the concept (authors name their topic in the title).
        """
        d = self.df.astype(np.float64)
        t = self.title_df if self.title_df is not None else np.zeros_like(d)
        return np.maximum(self.coherence(), 0.0) * np.sqrt(d * (d - 1.0) / 2.0) * (1.0 + t)

    def to_frame(self) -> pd.DataFrame:
        """One row per concept, best-ranked first.

        Columns: ``concept, key, aliases, df`` (number of papers), ``idf, coherence,
        score`` (see :meth:`scores`) and ``papers`` (their ids).
        """
        csc = self.matrix.tocsc()
        coh, score = self.coherence(), self.scores()
        rows = []
        for j in range(len(self)):
            rows.append({"concept": self.names[j], "key": self.keys[j], "aliases": ", ".join(self.aliases[j]),
                         "df": int(self.df[j]), "title_df": int(self.title_df[j]) if self.title_df is not None else 0,
                         "idf": float(self.idf[j]), "coherence": float(coh[j]),
                         "score": float(score[j]),
                         "papers": [self.paper_ids[i] for i in sorted(csc.indices[csc.indptr[j]:csc.indptr[j + 1]])]})
        df = pd.DataFrame(rows, columns=["concept", "key", "aliases", "df", "title_df", "idf", "coherence", "score",
                                         "papers"])
        return df.sort_values(["score", "df", "concept"], ascending=[False, False, True],
                              kind="mergesort").reset_index(drop=True)

    def weighted(self) -> sp.csr_matrix:
        """Binary occurrence times idf, rows L2-normalised (for cosine between papers)."""
        x = self.matrix.copy().astype(np.float64)
        x.data[:] = 1.0
        x = x @ sp.diags(self.idf)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ x)


class ConceptExtractor(BaseEstimator):
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

    def _check(self) -> None:
        owner = type(self).__name__
        check_int(self.min_df, "min_df", owner, min_value=1)
        check_float(self.max_df, "max_df", owner, low=0.0, high=1.0, low_open=True)
        check_int(self.max_words, "max_words", owner, min_value=1, max_value=8)
        check_float(self.near_duplicate, "near_duplicate", owner, low=0.0, high=1.0, low_open=True)
        check_int(self.n_jobs, "n_jobs", owner, allow_none=True)
        if self.vocabulary is not None and (isinstance(self.vocabulary, str)
                                            or not isinstance(self.vocabulary, (Mapping, Iterable))):
            raise InvalidParameterError(f"The 'vocabulary' parameter of {owner} must be a mapping of synonym to "
                                        f"concept or a list of phrases. Got {self.vocabulary!r} instead.")
        if self.stop_concepts is not None and isinstance(self.stop_concepts, str):
            raise InvalidParameterError(f"The 'stop_concepts' parameter of {owner} must be a list of phrases. "
                                        f"Got {self.stop_concepts!r} instead.")

    def fit(self, corpus: Corpus) -> ConceptExtractor:
        self._check()
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
