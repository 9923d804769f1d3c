"""The Hugging Face ``daily_papers`` API response (JSON).

A list of objects, each with ``paper`` {``id`` (arXiv id), ``title``, ``summary``,
``authors`` [{``name``}], ``publishedAt``, ``upvotes``}, an optional ``organization``,
and ``title``/``summary``/``publishedAt`` repeated at the top level. Hard line breaks
in titles and abstracts are folded.
"""

from __future__ import annotations

import json
from typing import Any

from .._text import extract_links, normalize_arxiv_id, parse_iso_date
from ..model import Digest, Record
from ._base import Problems, Source, make_digest, split_list, to_text

name = "hf-api-json"


def load_json(src: Source) -> Any:
    from ..exceptions import ParseError

    try:
        return json.loads(src.text)
    except json.JSONDecodeError as exc:
        raise ParseError(src.name, f"invalid JSON: {exc.msg}.", line=exc.lineno,
                         hint="Check the file is complete (not cut off) and valid JSON.") from None
    except RecursionError:
        raise ParseError(src.name, "JSON nested too deeply to read.", line=1) from None


def sniff(text: str) -> bool:
    head = text.lstrip()[:4000]
    return head.startswith("[") and '"paper"' in head


def _org_name(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("fullname") or value.get("name")
    return to_text(value) or None if isinstance(value, str) else None


def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
    from ..exceptions import ParseError

    data = load_json(src)
    if not isinstance(data, list):
        raise ParseError(src.name, f"expected a JSON list of daily-paper objects at $, found {type(data).__name__}.",
                         path="$", hint="Save the API response as it is returned (a list).")
    records: list[Record] = []
    featured = []
    for i, item in enumerate(data):
        where = f"$[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("paper"), dict):
            problems("expected an object with a 'paper' object.", path=where,
                     hint="Each item of a daily_papers response has a 'paper' field.")
            continue
        paper: dict[str, Any] = item["paper"]
        try:
            title = to_text(paper.get("title") or item.get("title"))
            abstract = to_text(paper.get("summary") or item.get("summary"))
        except TypeError as exc:
            problems(f"'title' and 'summary' must be strings, got {exc}.", path=f"{where}.paper")
            continue
        if not title:
            problems("missing 'title'.", path=f"{where}.paper.title", hint="Each paper needs a title.")
            continue
        if not abstract:
            problems(f"missing 'summary' for {title[:60]!r}.", path=f"{where}.paper.summary",
                     hint="Each paper needs an abstract ('summary').")
            continue
        raw_id = paper.get("id")
        arxiv = normalize_arxiv_id(str(raw_id)) if raw_id else None
        authors_raw = paper.get("authors") or []
        if not isinstance(authors_raw, list):
            problems("'authors' must be a list of {'name': ...} objects.", path=f"{where}.paper.authors")
            continue
        authors = split_list([a for a in authors_raw if isinstance(a, (dict, str))])
        pub_text = paper.get("publishedAt") if isinstance(paper.get("publishedAt"), str) else None
        votes = paper.get("upvotes", item.get("upvotes"))
        if votes is not None and (isinstance(votes, bool) or not isinstance(votes, int) or votes < 0):
            problems(f"'upvotes' must be a whole number >= 0, got {votes!r}.", path=f"{where}.paper.upvotes")
            continue
        if isinstance(item.get("publishedAt"), str):
            d = parse_iso_date(item["publishedAt"])
            if d:
                featured.append(d)
        records.append(Record(
            title=title, abstract=abstract, position=len(records) + 1, arxiv_id=arxiv,
            authors=authors, published=parse_iso_date(pub_text or ""), published_text=pub_text,
            upvotes=votes, organization=_org_name(item.get("organization") or paper.get("organization")),
            links=extract_links(abstract),
            url=f"https://huggingface.co/papers/{arxiv}" if arxiv else None,
        ))
    digest_date = src.captured or (max(featured) if featured else None)
    return [(make_digest(src, name, digest_date=digest_date,
                         date_text=digest_date.isoformat() if digest_date else None,
                         skipped=problems.skipped), records)]
