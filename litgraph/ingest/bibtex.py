"""BibTeX exports, read with bibtexparser (v2).

``title`` and ``abstract`` are required; ``eprint``/``arxiv``/``url``/``doi`` give the
id, ``year``/``month``/``date`` the date, ``author`` the authors; LaTeX is decoded.
"""

from __future__ import annotations

import re
from datetime import date

from .._text import MONTHS, extract_links, fold_whitespace, in_range, normalize_arxiv_id, parse_iso_date
from ..model import Digest, Record
from ._base import Problems, Source, make_digest

name = "bibtex"
_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)


def sniff(text: str) -> bool:
    for line in text.lstrip().split("\n", 50)[:50]:
        s = line.strip()
        if not s or s.startswith("%"):
            continue
        return bool(_ENTRY.match(s))
    return False


def _value(entry, key: str) -> str:
    f = entry.fields_dict.get(key) or entry.fields_dict.get(key.upper()) or entry.fields_dict.get(key.capitalize())
    if f is None:
        return ""
    v = f.value
    if isinstance(v, list):
        return "; ".join(str(x) for x in v)
    return fold_whitespace(str(v).replace("{", "").replace("}", ""))


def _authors(entry) -> tuple[str, ...]:
    f = entry.fields_dict.get("author")
    if f is None:
        return ()
    v = f.value if isinstance(f.value, list) else [f.value]
    return tuple(fold_whitespace(str(a).replace("{", "").replace("}", "")) for a in v if str(a).strip())


def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
    import bibtexparser
    from bibtexparser.middlewares import SeparateCoAuthors

    from ._latex import LinearLatexDecoding

    from ..exceptions import ParseError

    import logging

    quiet = logging.getLogger("bibtexparser")  # failed blocks are reported below, with file and line
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        lib = bibtexparser.parse_string(src.text, append_middleware=[LinearLatexDecoding(), SeparateCoAuthors()])
    except Exception as exc:  # bibtexparser raises a variety of errors on hostile input
        raise ParseError(src.name, f"BibTeX could not be read ({type(exc).__name__}: {exc}).", line=1,
                         hint="Check the file's braces and quotes.") from None
    finally:
        quiet.setLevel(level)
    blocks = sorted(
        [(b.start_line or 0, "entry", b) for b in lib.entries]
        + [(b.start_line or 0, "failed", b) for b in lib.failed_blocks],
        key=lambda t: (t[0], t[1]),
    )
    records: list[Record] = []
    for start, kind, block in blocks:
        line = start + 1
        if kind == "failed":
            err = getattr(block, "error", None)
            msg = (getattr(err, "abort_reason", None) or str(err or "") or "syntax error").split("\n")[0].strip()
            problems(f"BibTeX block could not be parsed ({msg.rstrip('.')}).", line=line,
                     hint="Check the braces and commas of this entry.")
            continue
        key = block.key
        title, abstract = _value(block, "title"), _value(block, "abstract")
        if not title or not abstract:
            missing = "title" if not title else "abstract"
            problems(f"entry {key!r} has no {missing}.", line=line, path=key,
                     hint="Every entry needs a title and an abstract; add it or read with strict=False.")
            continue
        arxiv = _arxiv_of(block)
        published, published_text = _published(block)
        refs = _value(block, "references")
        records.append(Record(
            title=title, abstract=abstract, position=len(records) + 1, line=line, arxiv_id=arxiv,
            authors=_authors(block), published=published, published_text=published_text,
            url=_value(block, "url") or None, links=extract_links(abstract),
            references=tuple(r.strip() for r in re.split(r"[;,]", refs) if r.strip()) if refs else (),
        ))
    if not records and not problems.skipped:
        raise ParseError(src.name, "no BibTeX entries found.", line=1)
    return [(make_digest(src, name, digest_date=src.captured, skipped=problems.skipped), records)]


def _arxiv_of(block) -> str | None:
    """The arXiv id an entry names (eprint, arxiv, arxivid, or an arXiv url or doi), if any."""
    for k in ("eprint", "arxiv", "arxivid", "url", "doi"):
        v = _value(block, k)
        if v and (k in ("eprint", "arxiv", "arxivid") or "arxiv" in v.lower()):
            arxiv = normalize_arxiv_id(v)
            if arxiv:
                return arxiv
    return None


def _published(block) -> tuple[date | None, str | None]:
    """(publication date, as written) from an entry's ``date``, else its ``year`` and ``month``."""
    if _value(block, "date"):
        return parse_iso_date(_value(block, "date")), _value(block, "date")
    if not _value(block, "year"):
        return None, None
    year = _value(block, "year")
    month = _value(block, "month").lower()[:3]
    published_text = f"{month.capitalize()} {year}".strip() if month else year
    ok_year = re.fullmatch(r"[0-9]{4}", year) is not None and int(year) >= 1
    if ok_year and month in MONTHS:
        return in_range(date(int(year), MONTHS[month], 1)), published_text
    if ok_year and re.fullmatch(r"[0-9]{1,2}", month) and 1 <= int(month) <= 12:
        return in_range(date(int(year), int(month), 1)), f"{year}-{int(month):02d}"
    return None, published_text
