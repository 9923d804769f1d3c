"""Text helpers shared by the parsers and the model: folding, keys, links, dates."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from datetime import date

_WS = re.compile(r"\s+")
_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
# A hyphen at the end of a line joins a word broken across lines ("repre-\nsentation"). The part
# before the line break cannot hold a line break itself, so the pattern stays linear on long blank runs.
_BROKEN_WORD = re.compile(r"(?<=[a-z])-[^\S\n]*\n\s*(?=[a-z])")
# C0 and C1 control characters (tab and line breaks excepted) and the two XML non-characters: nothing a title
# or abstract means, and each breaks a terminal or an XML file. A lone surrogate (valid in a JSON escape, not
# in UTF-8) becomes U+FFFD, the replacement character, as a UTF-8 decoder shows a broken byte.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")

MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)}


def fold_whitespace(text: str) -> str:
    r"""Collapse runs of whitespace (including hard line breaks) into single spaces.

    Control characters (escape sequences, NUL, ...) are dropped.

    >>> fold_whitespace("Repre-\n sentation \x1b[31mlearning\n")
    'Representation [31mlearning'
    """
    text = strip_control(text)
    if "\n" in text:
        text = _BROKEN_WORD.sub("", text)
    return " ".join(text.split())  # str.split's whitespace is the regex's \s


def strip_control(text: str) -> str:
    r"""``text`` without control characters or XML non-characters; lone surrogates become U+FFFD.

    Tabs and line breaks stay. Used on everything litgraph reads and on every text it
    writes to a terminal or an XML file.

    >>> strip_control("a\x00b\x1b[2Jc\td")
    'ab[2Jc\td'
    >>> strip_control("bad \ud800 char")
    'bad \ufffd char'
    """
    if text.isprintable():  # no control character, non-character or surrogate: the common case
        return text
    return _SURROGATE.sub("\ufffd", _CONTROL.sub("", text))


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _escape_char(m: re.Match) -> str:
    code = ord(m.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode keeps it in a file name
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    r"""``text`` safe to print on a terminal, on one line: control characters, line breaks and bytes that
    are not UTF-8 (in file names) are shown as escapes, so none of them acts.

    >>> printable("evil\x1b[2J\nname.txt")
    'evil\\x1b[2J\\x0aname.txt'
    >>> printable("caf\udce9.txt")
    'caf\\xe9.txt'
    """
    return text if text.isprintable() else _UNPRINTABLE.sub(_escape_char, text)


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link, else None: the only links litgraph writes into pages.

    >>> safe_url("https://arxiv.org/abs/2312.00752")
    'https://arxiv.org/abs/2312.00752'
    >>> safe_url("javascript:alert(1)") is None, safe_url(" JaVaScRiPt:x") is None, safe_url("data:text/html,x") is None
    (True, True, True)
    """
    if not url or not isinstance(url, str):
        return None
    url = strip_control(url).strip()
    if _SAFE_URL.match(url) and not _WS.search(url):
        return url
    return None


_SAFE_URL = re.compile(r"https?://[^/\\\s]", re.IGNORECASE)


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
    if title.isascii():  # no accents to fold: the common case, at C speed
        return _NON_ALNUM.sub("", title.lower())
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", text.casefold())


def title_hash_id(title: str) -> str:
    """Stable paper id for a paper with no arXiv id: a hash of its normalised title."""
    return "t" + hashlib.sha1(title_key(title).encode("utf-8")).hexdigest()[:12]


# Archive names are bounded ("hep-th", "cond-mat", "q-bio"): with an unbounded run the scan of a long
# run of hyphens or letters is quadratic.
_ARXIV_NEW = re.compile(r"(?<![\w.])(\d{4}\.\d{4,5})(?:v\d{1,4})?(?!\w)")
_ARXIV_OLD = re.compile(r"(?<![\w.\-])([a-z][a-z\-]{0,15}(?:\.[A-Z]{2})?/\d{7})(?:v\d{1,4})?(?!\w)")


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
    r"(?:,\s*(?P<year>\d{4}))?(?:\s+(?P<votes>\d{1,12}))?$",
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


#: The days litgraph works with: a date outside them in a digest is unknown (its text is kept), and a date
#: parameter outside them is refused: analyses step weeks and years back from a day, and pandas keeps dates
#: between 1677 and 2262.
MIN_DAY, MAX_DAY = date(1700, 1, 1), date(2199, 12, 31)


def in_range(d: date | None) -> date | None:
    """``d`` if it lies between :data:`MIN_DAY` and :data:`MAX_DAY`, else None."""
    return d if d is not None and MIN_DAY <= d <= MAX_DAY else None


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
            return in_range(date(year, month, day))
        except ValueError:
            return None
    if captured is None:
        return None
    for y in range(captured.year, max(captured.year - 9, MIN_DAY.year - 1), -1):
        try:
            d = date(y, month, day)
        except ValueError:
            continue  # Feb 29 in a common year
        if d <= captured:
            return in_range(d)
    return None


def parse_iso_date(text: str) -> date | None:
    """The date at the start of an ISO 8601 string (``2024-05-01T12:00:00Z``), or None."""
    m = _ISO_DATE.match(text or "")
    if not m:
        return None
    try:
        return in_range(date(int(m.group(1)), int(m.group(2)), int(m.group(3))))
    except ValueError:
        return None


_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")


def date_in_name(name: str) -> date | None:
    """The ``YYYY-MM-DD`` date in a file name (``2025-01-10.json``, ``hf-2025-01-10.txt``), or None.

    >>> date_in_name("digests/2025-01-10.json")
    datetime.date(2025, 1, 10)
    >>> date_in_name("notes-2025-13-40.txt") is None
    True
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    found = [m for m in _NAME_DATE.finditer(base)]
    if len(found) != 1:
        return None
    y, mo, d = (int(x) for x in found[0].groups())
    try:
        return in_range(date(y, mo, d))
    except ValueError:
        return None


class TextView:
    """The texts of a list of papers, made on demand: ``view[a:b]`` builds that slice's texts only.

    The corpus-wide scans read their texts a chunk at a time, so with a view the texts of
    a large corpus are never all in memory at once.
    """

    def __init__(self, items: list, make) -> None:
        self._items = items
        self._make = make

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return [self._make(p) for p in self._items[key]]
        return self._make(self._items[key])

    def __iter__(self):
        return map(self._make, self._items)
