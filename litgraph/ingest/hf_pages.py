"""Captures of Hugging Face "Daily Papers" pages, in their three layouts.

* ``hf-page-blocks``: title, blank, abstract, then optional metadata lines
  (``  • 10 authors`` or an organisation line, ``·``, a date such as ``Aug 3, 2023``
  or ``Mar 29``, optionally followed by an upvote count: ``Oct 28 1``);
* ``hf-page-plain``: title, blank, abstract, with no metadata;
* ``hf-page-dense``: title and abstract on alternating lines with no blank lines,
  the first title glued to the page's ``Subscribe`` button text.

Page chrome ("new", "Get trending papers…", "Subscribe", "Daily Papers", "byAK…")
is dropped; a date line before the first paper is the digest's own date.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .._text import complete_date, extract_links, fold_whitespace, parse_shown_date, strip_control
from ..model import Digest, Record
from ._base import Problems, Source, make_digest

name = "hf-page"

_CHROME = re.compile(
    r"^(new|subscribe|daily papers|get trending papers in your email inbox.*|byak(\s.*)?)$",
    re.IGNORECASE,
)
# The chrome lines that only a Daily Papers page has ("new" and "Subscribe" alone prove nothing).
_PAGE_MARK = re.compile(r"^(daily papers|get trending papers in your email inbox.*|byak(\s.*)?)$", re.IGNORECASE)
_AUTHORS = re.compile(r"^[•·*\-]?\s*(\d{1,6})\s+authors?$", re.IGNORECASE)
_DOT = "·"
_SENTENCE = re.compile(r"[.!?]\s+[A-Z(]")
_FULL_STOP = re.compile(r"\.\s+[A-Z]")


@dataclass(slots=True)
class _Tok:
    line: int
    kind: str  # text | authors | dot | date
    text: str


def _looks_like_abstract(text: str) -> bool:
    """Strong signal, used where a title is expected: a long paragraph of sentences."""
    return len(text) > 300 or (len(_SENTENCE.findall(text)) >= 2 and text.endswith("."))


def _abstractish(text: str) -> bool:
    """Weaker signal, used to look ahead: prose that ends a sentence."""
    return _looks_like_abstract(text) or (len(text) >= 40 and (text.endswith(".") or bool(_SENTENCE.search(text))))


def _looks_like_title(text: str) -> bool:
    return len(text) <= 300 and not text.endswith(".") and not _FULL_STOP.search(text)


def _lines(text: str, limit: int | None = None) -> Iterator[str]:
    """The lines of ``text`` one at a time (at most ``limit``), so a large capture is not split all at once."""
    start, count = 0, 0
    while limit is None or count < limit:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start, count = end + 1, count + 1


def _content_lines(text: str, limit: int | None = None) -> tuple[list[_Tok], str | None, int | None, bool, bool]:
    """Non-blank, non-chrome lines as tokens; the digest's date line; whether blank lines separate them; chrome seen."""
    out: list[_Tok] = []
    digest_date: str | None = None
    date_line: int | None = None
    blank_between = False
    pending_blank = False
    chrome = False
    for no, raw in enumerate(_lines(text, limit), start=1):
        line = strip_control(raw).replace("\u00a0", " ").strip()
        if not line:
            pending_blank = True
            continue
        if _CHROME.match(line):
            chrome = chrome or bool(_PAGE_MARK.match(line))
            continue
        if not out:
            low = line.lower()
            if low.startswith("subscribe") and len(line) > 9 and not line[9].isspace() and not line[9].islower():
                line = line[9:].strip()  # the dense layout glues the first title to "Subscribe"
                chrome = True
            shown = parse_shown_date(line)
            if shown and shown[3] is None and digest_date is None:
                digest_date, date_line = line, no
                continue
        elif pending_blank:
            blank_between = True
        pending_blank = False
        if line == _DOT:
            out.append(_Tok(no, "dot", line))
        elif _AUTHORS.match(line):
            out.append(_Tok(no, "authors", line))
        elif out and out[-1].kind == "dot" and parse_shown_date(line):
            out.append(_Tok(no, "date", line))
        else:
            out.append(_Tok(no, "text", line))
    return out, digest_date, date_line, blank_between, chrome


# Lines that start a Markdown heading, list, quote, table or code block, or a shell prompt: a README or notes.
_NOT_A_PAPER = re.compile(r"^(?:#|```|[-*+>|$] |\d{1,3}[.)] )")


#: Lines a capture is recognised from (the rest is read by the parser, once).
SNIFF_LINES = 4000


def sniff(text: str) -> bool:
    """Whether ``text`` is a Daily Papers capture, recognised positively.

    The page's own lines (``Daily Papers``, ``Get trending papers…``, ``byAK…``, the
    title glued to ``Subscribe``) or paper metadata (``• 10 authors``, ``·``, a date) are
    enough. Without either, the text must read as papers: no line looks like Markdown, a
    list or a shell prompt; titles and abstracts take at least 60% of the lines; and at
    least 80% of the abstracts are prose (three words or more, ending a sentence). A
    shopping list, a README or a log is not a digest. The decision is made on the first
    ``SNIFF_LINES`` lines, so recognising a large capture costs no more than a small one.
    """
    toks, _, _, _, chrome = _content_lines(text, SNIFF_LINES)
    if len(toks) < 2:
        return False
    if chrome or any(t.kind != "text" for t in toks):
        return True
    if any(_NOT_A_PAPER.match(t.text) for t in toks):
        return False
    records, _ = _read(toks, None, Problems("<sniff>", strict=False))
    if not records or 2 * len(records) < 0.6 * len(toks):
        return False
    prose = sum(1 for r in records if len(r.abstract.split()) >= 3 and _PROSE_END.search(r.abstract))
    return prose >= 0.8 * len(records)


_PROSE_END = re.compile(r"[.!?][)\"'’”]?$")


def _read(toks: list[_Tok], captured, problems: Problems) -> tuple[list[Record], bool]:
    """The papers in the content lines, and whether metadata lines were seen."""
    has_meta = any(t.kind != "text" for t in toks)
    records: list[Record] = []
    i, n = 0, len(toks)

    def skip_meta(j: int) -> int:
        """Index of the next title after metadata (an organisation line is text before a dot)."""
        while j < n:
            if toks[j].kind != "text":
                j += 1
            elif j + 1 < n and toks[j + 1].kind == "dot":
                j += 1
            else:
                break
        return j

    while i < n:
        tok = toks[i]
        if tok.kind != "text":
            problems(f"metadata line {tok.text!r} does not follow a paper's abstract; expected a paper title.",
                     line=tok.line, hint="Check that the capture is complete around this line.")
            i = skip_meta(i)
            continue
        if _looks_like_abstract(tok.text):
            problems("expected a paper title, found a paragraph: an abstract without its title?",
                     line=tok.line, hint="Add the missing title, or read with strict=False to skip this record.")
            i = skip_meta(i + 1)
            continue
        nxt = toks[i + 1] if i + 1 < n else None
        title_is_next = (
            nxt is not None and nxt.kind == "text" and _looks_like_title(nxt.text)
            and i + 2 < n and toks[i + 2].kind == "text" and _abstractish(toks[i + 2].text)
        )
        if nxt is None or nxt.kind != "text" or title_is_next:
            problems(f"the title {tok.text[:80]!r} has no abstract after it.", line=tok.line,
                     hint="Every paper needs a title line followed by its abstract; add the abstract "
                          "or read with strict=False to skip this record.")
            i = i + 1 if title_is_next else skip_meta(i + 1)
            continue
        title, abstract = fold_whitespace(tok.text), fold_whitespace(nxt.text)
        j, meta = _metadata(toks, i + 2, captured)
        if meta is None:
            problems(f"expected a date such as 'Aug 3, 2023' after '·' for {title[:60]!r}.",
                     line=toks[j - 1].line, hint="Check the metadata lines of this paper.")
            i = skip_meta(j)
            continue
        records.append(Record(title=title, abstract=abstract, position=len(records) + 1, line=tok.line,
                              links=extract_links(abstract), **meta))
        i = j
    return records, has_meta


def _metadata(toks: list[_Tok], j: int, captured) -> tuple[int, dict | None]:
    """The metadata lines from ``toks[j]`` on (an author count or an organisation line, then '·' and a date
    with an optional upvote count): (index after them, the Record fields they give), or None for the fields when
    a '·' is not followed by a date."""
    n = len(toks)
    meta: dict = {}
    if j < n and toks[j].kind == "authors":
        meta["n_authors"] = int(_AUTHORS.match(toks[j].text).group(1))  # type: ignore[union-attr]
        j += 1
    elif j + 1 < n and toks[j].kind == "text" and toks[j + 1].kind == "dot":
        meta["organization"] = toks[j].text
        j += 1
    if j < n and toks[j].kind == "dot":
        j += 1
        if j >= n or toks[j].kind != "date":
            return j, None
        month, day, year, upvotes = parse_shown_date(toks[j].text)  # type: ignore[misc]
        meta.update(published=complete_date(month, day, year, captured), upvotes=upvotes,
                    published_text=re.sub(r"\s+\d+$", "", toks[j].text) if upvotes is not None else toks[j].text)
        j += 1
    return j, meta


def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
    toks, date_text, _, blank_between, _ = _content_lines(src.text)
    records, has_meta = _read(toks, src.captured, problems)
    del toks
    fmt = "hf-page-blocks" if has_meta else ("hf-page-plain" if blank_between else "hf-page-dense")
    if not records and not problems.skipped:
        problems("no papers found: expected title and abstract lines.", line=1,
                 hint="Check that this is a Daily Papers capture with at least one paper.")
    digest_date = None
    if date_text:
        month, day, year, _ = parse_shown_date(date_text)  # type: ignore[misc]
        digest_date = complete_date(month, day, year, src.captured)
    digest_date = digest_date or (src.captured if date_text is None else None)
    return [(make_digest(src, fmt, digest_date=digest_date, date_text=date_text,
                         skipped=problems.skipped), records)]
