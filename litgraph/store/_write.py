"""Writing papers: matching a paper to a stored one, inserting it, filling in what the stored one lacks."""

from __future__ import annotations

import json
import sqlite3

from .._text import title_key
from ..model import Paper
from ._base import _iso


def match_paper(con: sqlite3.Connection, p: Paper) -> str | None:
    """The id of the stored paper ``p`` is: same arXiv id, else same normalised title (see Store.add)."""
    if p.arxiv_id:
        row = con.execute("SELECT id FROM papers WHERE arxiv_id = ?", (p.arxiv_id,)).fetchone()
        if row:
            return row[0]
    # by title: any paper of that title, or (for a paper with an arXiv id) one stored without an id; both one
    # index lookup, however many papers share the title
    row = con.execute("SELECT id FROM papers WHERE title_key = ? AND arxiv_id IS NULL LIMIT 1" if p.arxiv_id
                      else "SELECT id FROM papers INDEXED BY papers_title_key WHERE title_key = ? LIMIT 1",
                      (title_key(p.title),)).fetchone()
    if row:
        return row[0]
    row = con.execute("SELECT id FROM papers WHERE id = ?", (p.id,)).fetchone()
    return row[0] if row else None


def insert_paper(con: sqlite3.Connection, p: Paper, digest_id: str, now: str) -> None:
    con.execute(
        "INSERT INTO papers VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (p.id, title_key(p.title), p.arxiv_id, p.title, p.abstract, json.dumps(list(p.authors)), p.n_authors,
         p.organization, _iso(p.published), p.published_text, p.url, json.dumps(list(p.links)),
         json.dumps(list(p.references)), json.dumps(list(p.categories)), digest_id, now))


def update_paper(con: sqlite3.Connection, pid: str, p: Paper, renamed: dict[str, str]) -> str:
    """Fill what the stored paper lacks from ``p``; returns the (possibly new) id."""
    row = con.execute("SELECT arxiv_id, abstract, authors, n_authors, organization, published, published_text, "
                      "url, links, refs, categories FROM papers WHERE id = ?", (pid,)).fetchone()
    arxiv, abstract, authors, n_auth, org, pub, pub_text, url, links, refs, cats = row

    def union(stored: str, new: tuple[str, ...]) -> str:
        return json.dumps(list(dict.fromkeys(json.loads(stored) + list(new))))

    con.execute(
        "UPDATE papers SET abstract = ?, authors = ?, n_authors = ?, organization = ?, published = ?, "
        "published_text = ?, url = ?, links = ?, refs = ?, categories = ?, arxiv_id = ? WHERE id = ?",
        (p.abstract if len(p.abstract) > len(abstract) else abstract,
         authors if json.loads(authors) else json.dumps(list(p.authors)),
         n_auth if n_auth is not None else p.n_authors, org or p.organization, pub or _iso(p.published),
         pub_text or p.published_text, url or p.url, union(links, p.links), union(refs, p.references),
         union(cats, p.categories), arxiv or p.arxiv_id, pid))
    if not arxiv and p.arxiv_id and pid != p.arxiv_id:
        con.execute("UPDATE papers SET id = ? WHERE id = ?", (p.arxiv_id, pid))
        renamed[pid] = p.arxiv_id
        return p.arxiv_id
    return pid
