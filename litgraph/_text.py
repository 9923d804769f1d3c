"""Text helpers shared by the parsers and the model: folding, keys, links, dates."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

_WS = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
# A hyphen at the end of a line joins a word broken across lines ("repre-\nsentation").
_BROKEN_WORD = re.compile(r"(?<=[a-z])-\s*\n\s*(?=[a-z])")

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def fold_whitespace(text: str) -> str:
    """Collapse runs of whitespace (including hard line breaks) into single spaces."""
    return _WS.sub(" ", _BROKEN_WORD.sub("", text)).strip()


def title_key(title: str) -> str:
    """Normalised title used to recognise one paper across digests and formats.

    Case, accents, punctuation, whitespace and hyphenation are ignored, so
    ``"In-Context Learning"``, ``"In Context  learning"`` and ``"Incontext learning"``
    share one key.

    Examples
    --------
    >>> title_key("Self-Explainable  Neural Networks!")
    'selfexplainableneuralnetworks'
    """
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", text.casefold())


def title_hash_id(title: str) -> str:
    """Stable paper id for a paper with no arXiv id: a hash of its normalised title."""
    return "t" + hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:12]


_ARXIV_NEW = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\w])")
_ARXIV_OLD = re.compile(r"(?<![\w.])([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![\w])")


def normalize_arxiv_id(value: str) -> str | None:
    """The bare arXiv id (no version, no URL) in ``value``, or None.

    >>> normalize_arxiv_id("http://arxiv.org/abs/2308.02117v2")
    '2308.02117'
    >>> normalize_arxiv_id("hep-th/9901001v1")
    'hep-th/9901001'
    >>> normalize_arxiv_id("not an id") is None
    True
    """
    value = value.strip()
    m = _ARXIV_NEW.search(value) or _ARXIV_OLD.search(value)
    return m.group(1) if m else None


_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?'\"”’»"


def extract_links(text: str) -> tuple[str, ...]:
    """URLs in ``text`` without trailing punctuation, in order, each once.

    A closing bracket is kept only when the URL itself opened it.

    >>> extract_links("Code: https://github.com/x/y. Data (https://z.org/a_(b)).")
    ('https://github.com/x/y', 'https://z.org/a_(b)')
    """
    found: list[str] = []
    for m in _URL.finditer(text):
        url = m.group(0)
        while url:
            if url[-1] in _TRAILING:
                url = url[:-1]
            elif url[-1] in ")]}" and url.count(url[-1]) > url.count({")": "(", "]": "[", "}": "{"}[url[-1]]):
                url = url[:-1]
            else:
                break
        if url and url not in found and len(url) > len("https://"):
            found.append(url)
    return tuple(found)


_DATE = re.compile(
    r"^(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})"
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<votes>\d+))?$",
    re.IGNORECASE,
)


def parse_shown_date(text: str) -> tuple[int, int, int | None, int | None] | None:
    """Split a date as a digest shows it into (month, day, year or None, upvotes or None).

    >>> parse_shown_date("Oct 28 1")
    (10, 28, None, 1)
    >>> parse_shown_date("Sep 21, 2024 4")
    (9, 21, 2024, 4)
    >>> parse_shown_date("Mar 29")
    (3, 29, None, None)
    """
    m = _DATE.match(text.strip())
    if not m:
        return None
    month = MONTHS[m.group("mon")[:3].lower()]
    day = int(m.group("day"))
    year = int(m.group("year")) if m.group("year") else None
    if not 1 <= day <= 31:
        return None
    try:  # the day must exist in that month (any leap year accepts Feb 29)
        date(year or 2000, month, day)
    except ValueError:
        return None
    votes = int(m.group("votes")) if m.group("votes") else None
    return month, day, year, votes


def complete_date(month: int, day: int, year: int | None, captured: date | None) -> date | None:
    """A full date, using ``captured`` to supply a missing year; None if it cannot be known.

    A year that the digest does not show is the latest one that puts the date on or
    before the capture date: ``Mar 29`` captured on 2025-11-24 is 2025-03-29, ``Dec 30``
    captured on 2025-01-02 is 2024-12-30.

    >>> complete_date(3, 29, None, date(2025, 11, 24))
    datetime.date(2025, 3, 29)
    >>> complete_date(12, 30, None, date(2025, 1, 2))
    datetime.date(2024, 12, 30)
    >>> complete_date(3, 29, None, None) is None
    True
    """
    if year is not None:
        try:
            return date(year, month, day)
        except ValueError:
            return None
    if captured is None:
        return None
    for y in range(captured.year, captured.year - 9, -1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue  # Feb 29 in a common year
        if d <= captured:
            return d
    return None


def parse_iso_date(text: str) -> date | None:
    """The date at the start of an ISO 8601 string (``2024-05-01T12:00:00Z``), or None."""
    m = re.match(r"^\s*(\d{4})-(\d{2})-(\d{2})", text or "")
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
