"""What the store is made of: the SQLite schema, the result of an add, one-line error messages."""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from ..exceptions import StoreError
from ._vectors import VECTORS_TABLE

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS digests (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, source TEXT NOT NULL, format TEXT NOT NULL,
    name TEXT NOT NULL, content_hash TEXT NOT NULL, date TEXT, date_text TEXT, captured TEXT,
    skipped TEXT NOT NULL, added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY, title_key TEXT NOT NULL, arxiv_id TEXT, title TEXT NOT NULL, abstract TEXT NOT NULL,
    authors TEXT NOT NULL, n_authors INTEGER, organization TEXT, published TEXT, published_text TEXT,
    url TEXT, links TEXT NOT NULL, refs TEXT NOT NULL, categories TEXT NOT NULL,
    first_seen_digest TEXT NOT NULL REFERENCES digests(id), first_seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS papers_title_key ON papers(title_key);
CREATE INDEX IF NOT EXISTS papers_title_arxiv ON papers(title_key, arxiv_id);
CREATE INDEX IF NOT EXISTS papers_arxiv ON papers(arxiv_id);
CREATE TABLE IF NOT EXISTS appearances (
    digest_id TEXT NOT NULL REFERENCES digests(id),
    position INTEGER NOT NULL,
    paper_id TEXT NOT NULL REFERENCES papers(id) ON UPDATE CASCADE,
    title TEXT NOT NULL, upvotes INTEGER, published_text TEXT, n_authors INTEGER, organization TEXT,
    line INTEGER, matched_by TEXT,
    PRIMARY KEY (digest_id, position)
);
CREATE INDEX IF NOT EXISTS appearances_paper ON appearances(paper_id);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, started_at TEXT NOT NULL,
    params TEXT NOT NULL, summary TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, saved_at TEXT NOT NULL, value BLOB NOT NULL);
""" + VECTORS_TABLE + ";\n"


class _RollBack(Exception):
    """Raised inside a store transaction to end it without keeping its writes."""


@dataclass(frozen=True)
class AddResult:
    """What one :meth:`Store.add` changed.

    Examples
    --------
    >>> import litgraph as lg
    >>> result = lg.Store(":memory:").add(lg.load_sample())
    >>> len(result.new_digests), len(result.new_papers), result.changed
    (3, 339, True)
    """

    new_digests: tuple[str, ...] = ()
    known_digests: tuple[str, ...] = ()
    new_papers: tuple[str, ...] = ()
    reappeared: tuple[str, ...] = ()
    renamed: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.new_digests)

    def __str__(self) -> str:
        if not self.new_digests:
            return f"nothing new: {len(self.known_digests)} digest(s) already stored"
        return (f"added {len(self.new_digests)} digest(s): {len(self.new_papers)} new paper(s), "
                f"{len(self.reappeared)} reappearing; {len(self.known_digests)} digest(s) already stored")


#: A digest's day in SQL: its date, else its capture date, else the day it was stored.
_DIGEST_DAY = "COALESCE(d.date, d.captured, substr(d.added_at, 1, 10))"


def _guarded(method):
    """Turn SQLite failures of a reading method into a one-line :class:`StoreError`."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except StoreError:
            raise
        except (sqlite3.Error, pd.errors.DatabaseError) as exc:
            raise sqlite_error(self.path, exc) from None
        except (ValueError, TypeError, OverflowError) as exc:
            from ..exceptions import LitgraphError

            if isinstance(exc, LitgraphError):  # a caller's bad parameter, already named
                raise
            raise StoreError(f"{self.path}: the store is damaged: a stored value cannot be read ({_first_line(exc)}). "
                             f"Restore it "
                             f"from a backup, or start a new store with another --db path.") from None
    return wrapper


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _date(s: str | None) -> date | None:
    return date.fromisoformat(s) if s else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")



def _first_line(exc: BaseException, limit: int = 200) -> str:
    """The first line of an exception's text, shortened: a library's multi-line advice is not the message."""
    text = str(exc).strip().split("\n", 1)[0]
    return text if len(text) <= limit else text[:limit - 1] + "…"


def sqlite_error(path: str, exc: Exception) -> StoreError:
    """A one-line message for a failed SQLite call: the file, what happened, what to do."""
    text = _first_line(exc)
    low = text.lower()
    if "disk is full" in low or "database or disk is full" in low:
        what = ("the disk is full (or the database reached its size limit); nothing was written. "
                "Free some space and run again.")
    elif "readonly" in low or "read-only" in low:
        what = ("the database is read-only; nothing was written. Make the file and its folder writable, "
                "or give another --db path.")
    elif "malformed" in low or "not a database" in low or "corrupt" in low:
        what = (f"the database file is damaged ({text}). Restore it from a backup, or start a new store "
                f"with another --db path (litgraph rebuilds it from your digests).")
    elif "locked" in low or "busy" in low:
        what = (f"another process has held the store for longer than the timeout ({text}). Run again when "
                f"it has finished.")
    elif isinstance(exc, UnicodeError):
        what = f"a text could not be stored as UTF-8 ({text}); nothing was written."
    elif isinstance(exc, OverflowError):
        what = f"a number is too large to store ({text}); nothing was written."
    else:
        what = f"the store failed ({type(exc).__name__}: {text}); nothing was written."
    return StoreError(f"{path}: {what}")


def _since_text(since, owner: str = "Store.corpus") -> str:
    from .._validation import check_date

    return check_date(since, "since", owner).isoformat()



#: Bytes written at a time when a saved state goes into the store.
_BLOB_PIECE = 16 << 20


def write_state(con, key: str, saved_at: str, value) -> None:
    """Put ``value`` (bytes or a buffer) in the state table through incremental blob I/O, a piece at a time."""
    view = memoryview(value).cast("B")
    cur = con.execute("INSERT OR REPLACE INTO state (key, saved_at, value) VALUES (?,?,zeroblob(?))",
                      (key, saved_at, len(view)))
    if len(view):
        with con.blobopen("state", "value", cur.lastrowid) as blob:
            for start in range(0, len(view), _BLOB_PIECE):
                blob.write(view[start:start + _BLOB_PIECE])


def embedding_folder(db: str | Path) -> Path | None:
    """Where runs over the store ``db`` keep their embedding cache: ``<db>-embeddings/`` beside it.

    ``None`` for an in-memory store.
    """
    if str(db) == ":memory:":
        return None
    path = Path(db)
    return path.with_name(f"{path.stem}-embeddings")
