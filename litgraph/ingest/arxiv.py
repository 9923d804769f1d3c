"""arXiv API responses (Atom XML): ``feed/entry`` with id, title, summary, published,
``author/name`` and ``arxiv:primary_category``."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .._text import extract_links, fold_whitespace, normalize_arxiv_id, parse_iso_date
from ..model import Digest, Record
from ._base import Problems, Source, make_digest

name = "arxiv-atom"
_A = "{http://www.w3.org/2005/Atom}"
_X = "{http://arxiv.org/schemas/atom}"


def sniff(text: str) -> bool:
    head = text.lstrip()[:2000]
    return head.startswith("<") and "<feed" in head


def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
    from ..exceptions import ParseError

    if "<!DOCTYPE" in src.text[:5000] or "<!ENTITY" in src.text[:5000]:
        raise ParseError(src.name, "XML with a DOCTYPE or entity declarations is not read.", line=1,
                         hint="arXiv feeds have none; save the feed as the API returns it.")
    try:
        root = ET.fromstring(src.text)
    except ET.ParseError as exc:
        raise ParseError(src.name, f"invalid XML: {exc}.", line=exc.position[0],
                         hint="Check the file is a complete arXiv API (Atom) response.") from None
    if root.tag != f"{_A}feed":
        raise ParseError(src.name, f"expected an Atom <feed> root element, found <{root.tag}>.", line=1,
                         hint="Save the arXiv API response as it is returned.")
    records: list[Record] = []
    for i, entry in enumerate(root.findall(f"{_A}entry"), start=1):
        where = f"feed/entry[{i}]"
        title = fold_whitespace(entry.findtext(f"{_A}title") or "")
        abstract = fold_whitespace(entry.findtext(f"{_A}summary") or "")
        if not title or not abstract:
            problems(f"entry has no {'title' if not title else 'summary'}.", path=where,
                     hint="Each entry needs a title and a summary (abstract).")
            continue
        raw_id = entry.findtext(f"{_A}id") or ""
        published_text = (entry.findtext(f"{_A}published") or "").strip() or None
        cat = entry.find(f"{_X}primary_category")
        cats = [cat.get("term")] if cat is not None and cat.get("term") else []
        cats += [c.get("term") for c in entry.findall(f"{_A}category") if c.get("term") and c.get("term") not in cats]
        records.append(Record(
            title=title, abstract=abstract, position=len(records) + 1, arxiv_id=normalize_arxiv_id(raw_id),
            authors=tuple(fold_whitespace(a.findtext(f"{_A}name") or "") for a in entry.findall(f"{_A}author")
                          if (a.findtext(f"{_A}name") or "").strip()),
            published=parse_iso_date(published_text or ""), published_text=published_text,
            url=raw_id.strip() or None, links=extract_links(abstract), categories=tuple(cats),
        ))
    if not records and not problems.skipped:
        raise ParseError(src.name, "the feed has no entries.", path="feed",
                         hint="An empty arXiv result holds no papers; check the query.")
    updated = parse_iso_date(root.findtext(f"{_A}updated") or "")
    digest_date = src.captured or updated
    return [(make_digest(src, name, digest_date=digest_date,
                         date_text=digest_date.isoformat() if digest_date else None,
                         skipped=problems.skipped), records)]
