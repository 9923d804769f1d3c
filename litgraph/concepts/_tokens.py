"""Words and phrases: the tokenizer, case and plural folding, the concept key."""

from __future__ import annotations

import re
from functools import lru_cache

_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*|[^\sA-Za-z0-9]")
_PUNCT_BREAK = set(".,;:!?()[]{}\"“”«»/|=<>+*&%$#@~^`")
_SENT_END = set(".!?")
_CONTRACTION = re.compile(r"(?:n['’]t|['’](?:re|ve|ll|d|m))$")
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
    """Words that end a candidate run like stop words do: adverbs, single letters (variables),
    contractions ("don't", "it's", "we've": speech, never the name of a concept)."""
    if len(tok) == 1 or _CONTRACTION.search(low):
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
