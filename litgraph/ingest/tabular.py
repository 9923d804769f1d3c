"""Tabular exports: CSV, JSON Lines, and a JSON list of records.

Columns (or keys): ``title`` and ``abstract`` are required; ``id``, ``arxiv_id``,
``date``, ``authors`` (``;``-separated in CSV), ``url``, ``digest``, ``references``
(ids or titles, ``;``-separated in CSV), ``upvotes`` and ``organization`` are optional.
Rows with a ``digest`` value form one digest per distinct value, in order of first
appearance; an ISO date as the digest's name becomes the digest's date.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from .._text import parse_iso_date
from ..model import Digest, Record
from ._base import Problems, Source, make_digest, record_from_mapping, to_text


def _group(src: Source, fmt: str, rows: Iterable[tuple[Mapping[str, Any], int | None, str | None]],
           problems: Problems) -> list[tuple[Digest, list[Record]]]:
    groups: dict[str, list[Record]] = {}
    for row, line, where in rows:
        try:
            key = to_text(next((v for k, v in row.items() if str(k).strip().lower() == "digest"), "")) or ""
        except TypeError:
            problems("the 'digest' value must be text.", line=line, path=where)
            continue
        recs = groups.setdefault(key, [])
        rec = record_from_mapping(row, position=len(recs) + 1, line=line, where=where,
                                  captured=src.captured, problems=problems)
        if rec is not None:
            recs.append(rec)
    groups = {k: v for k, v in groups.items() if v} or {"": []}
    from ..exceptions import ParseError

    if all(not v for v in groups.values()) and not problems.skipped:
        raise ParseError(src.name, "no records found.", line=1, hint="The file holds a header only, or nothing.")
    out = []
    single = list(groups) == [""]
    for key, recs in groups.items():
        d = make_digest(src, fmt, name=None if single else key,
                        digest_date=parse_iso_date(key) or src.captured, date_text=key or None,
                        skipped=problems.skipped)
        out.append((d, recs))
    return out


class CSV:
    name = "csv"

    @staticmethod
    def sniff(text: str) -> bool:
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        try:
            header = next(csv.reader([first]))
        except (csv.Error, StopIteration):
            return False
        cols = {h.strip().lower() for h in header}
        return len(header) >= 2 and "title" in cols and ({"abstract", "summary"} & cols != set())

    @staticmethod
    def header_if_table(text: str) -> list[str] | None:
        """The header of a comma-, semicolon- or tab-separated table (same field count on its first
        lines, two or more fields), or None when ``text`` is no table."""
        lines = [ln for ln in text.lstrip("\ufeff").split("\n")[:20] if ln.strip()]
        if len(lines) < 2:
            return None
        for sep in (",", ";", "\t"):
            try:
                rows = list(csv.reader(lines, delimiter=sep))
            except csv.Error:
                continue
            widths = {len(r) for r in rows}
            if len(widths) == 1 and widths.pop() >= 2:
                return [h.strip() for h in rows[0]]
        return None

    @staticmethod
    def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
        from ..exceptions import ParseError

        reader = csv.DictReader(io.StringIO(src.text.lstrip("\ufeff"), newline=""))
        # the csv module refuses a cell over 128 KiB (a long abstract or author list is larger): allow up to the
        # whole file while this file is read, then put the process-wide limit back
        limit = csv.field_size_limit(max(csv.field_size_limit(), len(src.text) + 1))

        def rows():
            prev = 1
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise ParseError(src.name, f"CSV syntax error: {exc}.", line=reader.line_num,
                                     hint="Check the quoting on this line.") from None
                start = prev + 1
                prev = reader.line_num
                if None in row:
                    problems(f"row has {len(row) - 1 + len(row[None])} fields, the header has {len(reader.fieldnames or [])}.",
                             line=start, hint="Quote fields that contain commas.")
                    continue
                yield row, start, None

        try:
            return _group(src, "csv", rows(), problems)
        finally:
            csv.field_size_limit(limit)


class JSONLines:
    name = "jsonl"

    @staticmethod
    def sniff(text: str) -> bool:
        lines = [ln for ln in text.split("\n") if ln.strip()]
        if not lines or not lines[0].lstrip().startswith("{"):
            return False
        try:
            return isinstance(json.loads(lines[0]), dict)
        except (ValueError, RecursionError):  # not JSON, or a number of more than 4,300 digits
            return False

    @staticmethod
    def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
        def rows():
            for no, line in enumerate(src.text.split("\n"), start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except (ValueError, RecursionError) as exc:
                    why = getattr(exc, "msg", None) or ("too deeply nested" if isinstance(exc, RecursionError)
                                                        else "a number of more than 4,300 digits")
                    problems(f"invalid JSON ({why}); each line must be one JSON object.", line=no)
                    continue
                if not isinstance(obj, dict):
                    problems(f"expected a JSON object, found {type(obj).__name__}.", line=no)
                    continue
                yield obj, no, None

        return _group(src, "jsonl", rows(), problems)


class JSONRecords:
    name = "json-records"

    @staticmethod
    def sniff(text: str) -> bool:
        head = text.lstrip()[:4000]
        return head.startswith("[") and '"title"' in head

    @staticmethod
    def parse(src: Source, problems: Problems) -> list[tuple[Digest, list[Record]]]:
        from ..exceptions import ParseError

        data = src.json()
        if not isinstance(data, list):
            raise ParseError(src.name, f"expected a JSON list of records at $, found {type(data).__name__}.", path="$")

        def rows():
            for i, obj in enumerate(data):
                if not isinstance(obj, dict):
                    problems(f"expected an object with 'title' and 'abstract', found {type(obj).__name__}.", path=f"$[{i}]")
                    continue
                yield obj, None, f"$[{i}]"

        return _group(src, "json-records", rows(), problems)
