"""Acronym definitions ("state space models (SSMs)"), found with Schwartz & Hearst (2003)."""

from __future__ import annotations

from .._lexicon import STOP_WORDS
from ._tokens import _PUNCT_BREAK, _ROMAN, _TOKEN, _is_acronym, _singular


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
