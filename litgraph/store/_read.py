"""Reading stored rows back, each value checked: damage SQLite cannot see is named, never a traceback."""

from __future__ import annotations

import json
import logging
import sqlite3
from datetime import date

from .._text import MAX_DAY, MIN_DAY
from ..exceptions import StoreError
from ..model import Appearance, Corpus, Digest, Merge, Paper

logger = logging.getLogger("litgraph")

_RESTORE = "Restore it from a backup, or start a new store with another --db path (litgraph rebuilds it from " \
           "your digests)."


def damaged(path: str, where: str, value, expected: str) -> StoreError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return StoreError(f"{path}: the store is damaged: {where} holds {shown}, not {expected}. {_RESTORE}")


class Checked:
    """Converters of stored values that name the table, row and column of a damaged one."""

    def __init__(self, path: str) -> None:
        self.path = path

    def texts(self, value, where: str) -> tuple[str, ...]:
        """A JSON list of texts (authors, links, references, categories, skipped records)."""
        try:
            items = json.loads(value)
        except (TypeError, ValueError, RecursionError):
            raise damaged(self.path, where, value, "a JSON list") from None
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise damaged(self.path, where, value, "a JSON list of texts")
        return tuple(items)

    def day(self, value, where: str) -> date | None:
        if value is None or value == "":
            return None
        try:
            d = date.fromisoformat(value)
        except (TypeError, ValueError):
            raise damaged(self.path, where, value, "a date such as '2025-01-31'") from None
        if not MIN_DAY <= d <= MAX_DAY:
            raise damaged(self.path, where, value, f"a date between {MIN_DAY} and {MAX_DAY}")
        return d

    def count(self, value, where: str) -> int | None:
        if value is None or (type(value) is int and value >= 0):
            return value
        raise damaged(self.path, where, value, "a whole number >= 0 or empty")

    def text(self, value, where: str, *, empty: bool = True) -> str | None:
        if (value is None and empty) or isinstance(value, str):
            return value
        raise damaged(self.path, where, value, "a text")


def read_corpus(con: sqlite3.Connection, path: str, drows: list[tuple]) -> Corpus:
    """The stored digests ``drows`` (rows of the digests table) with their papers, as a Corpus."""
    ck = Checked(path)
    ids = [r[0] for r in drows]
    marks = ",".join("?" * len(ids))
    apps = con.execute(
        f"SELECT a.digest_id, a.position, a.paper_id, a.title, a.upvotes, a.published_text, a.n_authors, "
        f"a.organization, a.line, a.matched_by FROM appearances a JOIN digests d ON d.id = a.digest_id "
        f"WHERE a.digest_id IN ({marks}) ORDER BY d.seq, a.position", ids).fetchall()
    by_paper: dict[str, list[Appearance]] = {}
    merges: list[Merge] = []
    first: dict[str, tuple[str, int]] = {}
    per_digest: dict[str, list[str]] = {i: [] for i in ids}
    for did, pos, pid, title, up, ptext, na, org, line, how in apps:
        if type(up) is not int or type(na) is not int or not isinstance(title, str) or not isinstance(pid, str):
            where = f"appearances row (digest {did!r}, position {pos!r})"
            ck.count(up, f"{where}, column 'upvotes'")
            ck.count(na, f"{where}, column 'n_authors'")
            ck.text(title, f"{where}, column 'title'", empty=False)
            ck.text(pid, f"{where}, column 'paper_id'", empty=False)
        if did not in per_digest:  # the table and its index disagree on a digest's id
            raise StoreError(f"{path}: the store is damaged: an appearance names digest {did!r}, which is not stored "
                             f"under that id. {_RESTORE}")
        by_paper.setdefault(pid, []).append(Appearance(did, pos, title, up, ptext, na, org, line))
        per_digest[did].append(pid)
        if pid in first:
            merges.append(Merge(pid, did, pos, title, how or "", first[pid][0], first[pid][1]))
        else:
            first[pid] = (did, pos)
    pids = list(by_paper)
    rows = {}
    for chunk in range(0, len(pids), 500):
        part = pids[chunk:chunk + 500]
        for r in con.execute(
            f"SELECT id, arxiv_id, title, abstract, authors, n_authors, organization, published, published_text, "
            f"url, links, refs, categories FROM papers WHERE id IN ({','.join('?' * len(part))})", part):
            rows[r[0]] = r
    papers = {}
    for pid in pids:
        if pid not in rows:
            raise StoreError(f"{path}: the store is damaged: paper {pid!r} appears in a digest but is not stored. "
                             f"{_RESTORE}")
        (_, arxiv, _title, abstract, authors, n_auth, org, pub, pub_text, url, links, refs, cats) = rows[pid]
        row = f"papers row {pid!r}, column"
        papers[pid] = Paper(
            id=pid, title=by_paper[pid][0].title, abstract=ck.text(abstract, f"{row} 'abstract'", empty=False),
            authors=ck.texts(authors, f"{row} 'authors'"), n_authors=ck.count(n_auth, f"{row} 'n_authors'"),
            organization=ck.text(org, f"{row} 'organization'"), published=ck.day(pub, f"{row} 'published'"),
            published_text=ck.text(pub_text, f"{row} 'published_text'"), arxiv_id=ck.text(arxiv, f"{row} 'arxiv_id'"),
            url=ck.text(url, f"{row} 'url'"), links=ck.texts(links, f"{row} 'links'"),
            references=ck.texts(refs, f"{row} 'refs'"), categories=ck.texts(cats, f"{row} 'categories'"),
            appearances=tuple(by_paper[pid]))
    dlist = tuple(
        Digest(id=r[0], source=r[1], format=r[2], name=r[3], content_hash=r[4],
               date=ck.day(r[5], f"digests row {r[0]!r}, column 'date'"), date_text=r[6],
               captured=ck.day(r[7], f"digests row {r[0]!r}, column 'captured'"), paper_ids=tuple(per_digest[r[0]]),
               skipped=ck.texts(r[8], f"digests row {r[0]!r}, column 'skipped'"))
        for r in drows)
    return Corpus(papers=papers, digests=dlist, merges=tuple(merges))


def _texts(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_summary(path: str, run_id, params, summary):
    """A run's stored parameters and summary read back, or None (with a warning) when either is damaged."""
    try:
        params, summary = json.loads(params), json.loads(summary)
        ok = isinstance(params, dict) and isinstance(summary, dict) and all(
            _texts(summary.get(key, [])) for key in ("paper_ids", "digest_ids"))
        topics = summary.get("topics", {}) if ok else None
        ok = ok and isinstance(topics, dict) and all(k.lstrip("-").isdigit() and _texts(v) for k, v in topics.items())
        ok = ok and isinstance(summary.get("date", ""), str) and isinstance(summary.get("topic_labels", {}), dict)
    except (TypeError, ValueError, RecursionError, AttributeError):
        ok = False
    if not ok:
        logger.warning("%s: the record of the previous report (run %s) is damaged; this report is made as a first "
                       "one (no comparison with it, topic numbers start afresh)", path, run_id)
        return None
    return params, summary
