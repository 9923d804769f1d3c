"""What every parser shares: decoded input, problem reporting, digest identity."""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .._text import (
    complete_date,
    date_in_name,
    extract_links,
    fold_whitespace,
    normalize_arxiv_id,
    parse_iso_date,
    parse_shown_date,
)
from ..exceptions import ParseError, SkippedRecordsWarning
from ..model import Digest, Record


@dataclass
class Source:
    """A decoded input: its display name, text (``\\n`` line ends) and content hash."""

    name: str
    text: str
    captured: date | None = None
    content_hash: str = ""

    def __post_init__(self) -> None:
        if not self.content_hash:
            self.content_hash = hashlib.sha256(self.text.encode("utf-8", "surrogatepass")).hexdigest()
        if self.captured is None:  # a capture tool that names its files by day: 2025-01-10.json
            self.captured = date_in_name(self.name)

    def json(self) -> Any:
        """The text read as JSON (once); a :class:`ParseError` names the line when it is not JSON."""
        if not hasattr(self, "_json"):
            try:
                self._json = json.loads(self.text)
            except json.JSONDecodeError as exc:
                raise ParseError(self.name, f"invalid JSON: {exc.msg}.", line=exc.lineno,
                                 hint="Check the file is complete (not cut off) and valid JSON.") from None
            except RecursionError:
                raise ParseError(self.name, "JSON nested too deeply to read.", line=1,
                                 hint="Save the digest as a flat list of papers.") from None
            except ValueError as exc:  # a number of more than 4,300 digits
                raise ParseError(self.name, f"JSON holds a value Python will not read ({exc}).".split(";")[0] + ".",
                                 line=1, hint="Check the numbers in the file; upvotes and ids are short.") from None
        return self._json

    @property
    def stem(self) -> str:
        base = self.name.replace("\\", "/").rsplit("/", 1)[-1]
        return base.rsplit(".", 1)[0] if "." in base else base


@dataclass
class Problems:
    """Collects bad records: raises at once when strict, else remembers them for a warning."""

    source: str
    strict: bool
    skipped: list[str] = field(default_factory=list)

    def __call__(self, message: str, *, line: int | None = None, path: str | None = None,
                 hint: str | None = None) -> None:
        err = ParseError(self.source, message, line=line, path=path, hint=hint)
        if self.strict:
            raise err
        self.skipped.append(f"{err.location()}: {message}")

    def warn(self) -> None:
        if self.skipped:
            shown = "; ".join(self.skipped[:5])
            more = f" (and {len(self.skipped) - 5} more)" if len(self.skipped) > 5 else ""
            warnings.warn(
                f"{self.source}: skipped {len(self.skipped)} bad record(s): {shown}{more}",
                SkippedRecordsWarning, stacklevel=4,
            )


def make_digest(src: Source, fmt: str, *, name: str | None = None, digest_date: date | None = None,
                date_text: str | None = None, skipped: list[str] | None = None) -> Digest:
    """A digest whose id comes from the content (and the digest's name, for multi-digest files)."""
    if name is None:
        did = src.content_hash[:16]
        name = src.stem
    else:
        did = hashlib.sha256(f"{src.content_hash}\0{name}".encode()).hexdigest()[:16]
    return Digest(id=did, source=src.name, format=fmt, name=name, content_hash=src.content_hash,
                  date=digest_date, date_text=date_text, captured=src.captured,
                  skipped=tuple(skipped or ()))


def to_text(value: Any) -> str:
    """A text field's value, whitespace folded; TypeError names the type of anything else."""
    if value is None:
        return ""
    if isinstance(value, str):
        return fold_whitespace(value)
    if isinstance(value, bool):
        raise TypeError("a boolean")
    if isinstance(value, float) and not math.isfinite(value):
        raise TypeError(f"{value!r}, which is not a finite number")
    if isinstance(value, (int, float)):
        return str(value)
    raise TypeError(f"a {type(value).__name__}")


def text_field(value: Any) -> str:
    """A title or an abstract: text only (a number there is a broken export, never a title); see :func:`to_text`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise TypeError(f"the number {value!r}")
    return to_text(value)


def split_list(value: Any) -> tuple[str, ...]:
    """Authors or references given as a list, or as one string separated by ';', '|' or ' and '."""
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        items = [to_text(v.get("name") if isinstance(v, dict) else v) for v in value]
    else:
        s = to_text(value)
        for sep in (";", "|", " and "):
            if sep in s:
                items = s.split(sep)
                break
        else:
            items = [s]
    return tuple(i.strip() for i in items if i and i.strip())


def whole_number(value: Any) -> int | None:
    """An upvote count: a whole number >= 0 (``12``, ``"12"``, ``"12.0"``), or None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not re.fullmatch(r"\d{1,30}(\.0*)?", text):
            raise ValueError(f"expected a whole number such as 12, got {value!r}")
        number = int(text.split(".")[0])
    if number < 0:
        raise ValueError(f"expected a whole number >= 0, got {value!r}")
    if number > MAX_COUNT:
        raise ValueError(f"expected a whole number below 10^15, got one with {len(str(number))} digits")
    return number


#: The largest upvote or author count litgraph accepts (far above any real one, far below SQLite's limit).
MAX_COUNT = 10**15 - 1


def parse_any_date(text: str, captured: date | None) -> tuple[date | None, str | None]:
    """A date from ISO (``2024-05-01``) or shown (``May 1, 2024``) text; None when unknown."""
    text = to_text(text)
    if not text:
        return None, None
    iso = parse_iso_date(text)
    if iso:
        return iso, text
    if len(text) == 4 and text.isdigit():
        return None, text
    shown = parse_shown_date(text)
    if shown:
        month, day, year, _ = shown
        return complete_date(month, day, year, captured), text
    return None, text


_MAPPING_FIELDS = ("title", "abstract", "id", "arxiv_id", "date", "authors", "url", "digest",
                   "references", "upvotes", "organization", "summary")


def record_from_mapping(row: Mapping[str, Any], *, position: int, line: int | None, where: str | None,
                        captured: date | None, problems: Problems) -> Record | None:
    """A record from a CSV row or a JSON object (``title`` and ``abstract`` required)."""
    keys = {str(k).strip().lower(): k for k in row.keys() if k is not None}

    def get(name: str) -> Any:
        k = keys.get(name)
        return row.get(k) if k is not None else None

    try:
        title = text_field(get("title"))
        abstract = text_field(get("abstract") if get("abstract") not in (None, "") else get("summary"))
    except TypeError as exc:
        problems(f"field 'title'/'abstract' must be text, got {exc}", line=line, path=where)
        return None
    if not title:
        problems("record has no 'title'; every record needs a title and an abstract.", line=line,
                 path=where, hint="Fill in the title, or read with strict=False to skip such records.")
        return None
    if not abstract:
        problems(f"record {title[:60]!r} has no 'abstract'; every record needs a title and an abstract.",
                 line=line, path=where, hint="Fill in the abstract, or read with strict=False to skip such records.")
        return None
    name = "id"
    try:
        raw_id = to_text(get("arxiv_id")) or to_text(get("id"))
        name = "url"
        url = to_text(get("url")) or None
        arxiv = normalize_arxiv_id(raw_id) if raw_id else None
        if arxiv is None and url and "arxiv.org" in url:
            arxiv = normalize_arxiv_id(url)
        name = "date"
        published, published_text = parse_any_date(get("date") or get("published") or "", captured)
        name = "references"
        refs = split_list(get("references"))
        name = "authors"
        authors = split_list(get("authors"))
        name = "organization"
        organization = organization_name(get("organization"))
    except (TypeError, ValueError) as exc:
        problems(f"field {name!r} has an unusable value ({exc}).", line=line, path=where,
                 hint=f"Give the {name} as text (or a list of texts), or leave it empty.")
        return None
    try:
        upvotes = whole_number(get("upvotes"))
    except ValueError as exc:
        problems(f"field 'upvotes': {exc}.", line=line, path=where,
                 hint="Give the upvote count as a whole number, or leave it empty.")
        return None
    return Record(
        title=title, abstract=abstract, position=position, line=line, authors=authors,
        published=published, published_text=published_text, upvotes=upvotes, arxiv_id=arxiv,
        url=url, links=extract_links(abstract), references=refs,
        organization=organization,
    )


def organization_name(value: Any) -> str | None:
    """An organisation given as text, as ``{"fullname"|"name": ...}``, or as a list of those (joined)."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        value = value.get("fullname") or value.get("name")
    if isinstance(value, (list, tuple)):
        names = [organization_name(v) for v in value]
        return "; ".join(n for n in names if n) or None
    return to_text(value) or None
