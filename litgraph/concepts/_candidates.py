"""Candidate phrases of one text, RAKE-style runs (Rose et al., 2010), and the parallel scan."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from .._lexicon import GENERIC_EDGE, STOP_WORDS
from ._acronyms import _acronyms_in
from ._tokens import (
    _ADJECTIVE,
    _NAME_LIKE,
    _NUMBER,
    _PUNCT_BREAK,
    _ROMAN,
    _SENT_END,
    _TOKEN,
    _breaks_run,
    _ends_adjective,
    _is_acronym,
    _singular,
    concept_key,
)


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
