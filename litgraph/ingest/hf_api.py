"""The Hugging Face ``daily_papers`` API response (JSON).

A list of objects, each with ``paper`` {``id`` (arXiv id), ``title``, ``summary``,
``authors`` [{``name``}], ``publishedAt``, ``upvotes``}, an optional ``organization``,
and ``title``/``summary``/``publishedAt`` repeated at the top level. Hard line breaks
in titles and abstracts are folded.

Archives of the API keep two other shapes, read as well: the list wrapped in an object
``{"status", "date", "count", "data": [...]}`` (``date`` is the digest's date), and
entries saved as the Python ``repr`` of the object (single quotes, ``True``/``None``),
which are read as Python literals (never executed).
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

from .._text import extract_links, normalize_arxiv_id, parse_iso_date
from ..model import Digest, Record
from ._base import MAX_COUNT, Problems, Source, make_digest, organization_name, split_list, text_field, to_text

name = "hf-api-json"

_REPR_START = ("{'paper'", '{"paper"')


def is_entry(item: Any) -> bool:
    """Whether a list item looks like one daily-papers entry (an object, or its repr, with ``paper``)."""
    if isinstance(item, Mapping):
        return isinstance(item.get("paper"), Mapping)
    return isinstance(item, str) and item.lstrip().startswith(_REPR_START)


def entries_of(data: Any) -> tuple[list, str | None] | None:
    """(the entries, the wrapper's date text) when ``data`` is a daily_papers response, else None.

    An empty list (a day without papers, as archives hold) is an empty response.
    """
    date_text = None
    if isinstance(data, Mapping) and isinstance(data.get("data"), list):
        date_text = data.get("date") if isinstance(data.get("date"), str) else None
        data = data["data"]
    if isinstance(data, list) and (not data or any(is_entry(x) for x in data[:20])):
        return data, date_text
    return None


def _entry(item: Any) -> Any:
    """An entry as a dict: JSON objects as they are, repr strings read as Python literals."""
    if not isinstance(item, str):
        return item
    if len(item) > 1_000_000:
        raise ValueError("the entry is over a million characters long")
    try:
        return ast.literal_eval(item.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
        raise ValueError(f"a text entry that is not a Python literal ({type(exc).__name__})") from None


def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
    from ..exceptions import ParseError

    found = entries_of(src.json())
    if found is None:
        raise ParseError(src.name, "expected a daily_papers response: a list of objects with a 'paper' object, "
                         "or an object whose 'data' holds that list.", path="$",
                         hint="Save the API response as it is returned.")
    data, wrapper_date = found
    prefix = "$.data" if isinstance(src.json(), Mapping) else "$"
    records: list[Record] = []
    featured = []
    for i, raw in enumerate(data):
        where = f"{prefix}[{i}]"
        try:
            item = _entry(raw)
        except ValueError as exc:
            problems(f"{exc}; expected a daily-paper object.", path=where,
                     hint="Each item of a daily_papers response is an object with a 'paper' field.")
            continue
        try:
            record, skip = _record(item, where, len(records) + 1), None
        except _Skip as exc:
            record, skip = None, exc
        if skip is not None:  # reported outside the handler: a strict read's error carries no chained one
            problems(skip.message, path=skip.path, hint=skip.hint)
            continue
        if isinstance(item.get("publishedAt"), str):
            d = parse_iso_date(item["publishedAt"])
            if d:
                featured.append(d)
        records.append(record)
    digest_date = parse_iso_date(wrapper_date or "") or src.captured or (max(featured) if featured else None)
    return [(make_digest(src, name, digest_date=digest_date,
                         date_text=digest_date.isoformat() if digest_date else None,
                         skipped=problems.skipped), records)]


class _Skip(Exception):
    """An entry that cannot be read: what is wrong, where (a JSON path), and what to do."""

    def __init__(self, message: str, path: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message, self.path, self.hint = message, path, hint


def _record(item, where: str, position: int) -> Record:
    """The record of one daily-paper entry at JSON path ``where``; :class:`_Skip` saying why it cannot be read."""
    if not isinstance(item, dict) or not isinstance(item.get("paper"), dict):
        raise _Skip("expected an object with a 'paper' object.", where,
                    "Each item of a daily_papers response has a 'paper' field.")
    paper: dict[str, Any] = item["paper"]
    try:
        title = text_field(paper.get("title") or item.get("title"))
        abstract = text_field(paper.get("summary") or item.get("summary"))
    except TypeError as exc:
        raise _Skip(f"'title' and 'summary' must be strings, got {exc}.", f"{where}.paper") from None
    if not title:
        raise _Skip("missing 'title'.", f"{where}.paper.title", "Each paper needs a title.")
    if not abstract:
        raise _Skip(f"missing 'summary' for {title[:60]!r}.", f"{where}.paper.summary",
                    "Each paper needs an abstract ('summary').")
    raw_id = paper.get("id")
    if isinstance(raw_id, float) and not math.isfinite(raw_id):
        raise _Skip(f"'id' must be an arXiv id such as \"2401.12345\", got {raw_id!r}.", f"{where}.paper.id",
                    "Give the id as text, or leave it out.")
    arxiv = normalize_arxiv_id(str(raw_id)) if isinstance(raw_id, (str, int, float)) and raw_id else None
    authors_raw = paper.get("authors") or []
    if not isinstance(authors_raw, list):
        raise _Skip("'authors' must be a list of {'name': ...} objects.", f"{where}.paper.authors")
    try:
        authors = split_list([a for a in authors_raw if isinstance(a, (dict, str))])
        organization = organization_name(item.get("organization") or paper.get("organization"))
    except TypeError as exc:
        raise _Skip(f"author and organisation names must be text, got {exc}.", f"{where}.paper") from None
    pub_text = to_text(paper["publishedAt"]) or None if isinstance(paper.get("publishedAt"), str) else None
    votes = paper.get("upvotes", item.get("upvotes"))
    if votes is not None and (isinstance(votes, bool) or not isinstance(votes, int) or not 0 <= votes <= MAX_COUNT):
        shown = repr(votes) if len(repr(votes)) < 40 else f"a number of {len(str(votes))} digits"
        raise _Skip(f"'upvotes' must be a whole number from 0 to 10^15, got {shown}.", f"{where}.paper.upvotes",
                    "Give the count as it was shown, or leave it out.")
    return Record(title=title, abstract=abstract, position=position, arxiv_id=arxiv, authors=authors,
                  published=parse_iso_date(pub_text or ""), published_text=pub_text, upvotes=votes,
                  organization=organization, links=extract_links(abstract),
                  url=f"https://huggingface.co/papers/{arxiv}" if arxiv else None)
