"""Token classes for the candidate scan (RAKE-style runs, Rose et al. 2010) and sub-phrases of a key."""

from __future__ import annotations

import re
from functools import lru_cache

from .._lexicon import STOP_WORDS
from ._tokens import (
    _ADJECTIVE,
    _NAME_LIKE,
    _NUMBER,
    _PUNCT_BREAK,
    _ROMAN,
    _SENT_END,
    _breaks_run,
    _is_acronym,
    _singular,
)


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
