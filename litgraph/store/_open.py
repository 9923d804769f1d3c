"""Opening a store: read-only or writable, refusing a file that is not a litgraph store or is damaged."""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from ..exceptions import StoreError
from ._base import SCHEMA_VERSION

logger = logging.getLogger("litgraph")

#: Seconds the integrity check on opening a store for writing may take; a larger store is checked as far as
#: that goes (SQLite's own checks on every read still catch the rest).
CHECK_SECONDS = 2.0


def open_connection(path: str, timeout: float, readonly: bool) -> sqlite3.Connection:
    """A connection to ``path``; read-only ones use SQLite's ``mode=ro``, then ``immutable=1`` (read-only mounts)."""
    if not readonly or path == ":memory:":
        con = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
        return con
    uri = "file:" + quote(str(Path(path).absolute()))
    last: sqlite3.Error | None = None
    # mode=ro still needs to create the -shm file of a WAL database; on a read-only mount only immutable=1 opens it
    for mode in ("mode=ro", "immutable=1"):
        try:
            con = sqlite3.connect(f"{uri}?{mode}", uri=True, timeout=timeout, isolation_level=None,
                                  check_same_thread=False)
            con.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            con.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
            return con
        except sqlite3.OperationalError as exc:
            last = exc
    assert last is not None
    raise last


def check_owner(con: sqlite3.Connection, path: str) -> None:
    """StoreError when the file holds tables and none of them is litgraph's (another application's database)."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if not r[0].startswith("sqlite_")}
    if tables and "meta" not in tables:
        shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
        raise StoreError(f"{path}: not a litgraph store (a SQLite database with the tables {shown} and no 'meta' "
                         f"table: another application's, or a damaged store). Give another --db path.")


def check_schema_version(con: sqlite3.Connection, path: str) -> int | None:
    """The store's schema version (None in a new, empty store); StoreError when it is damaged or newer."""
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            raise StoreError(f"{path}: not a litgraph store (it has no 'meta' table). Give another --db path.") \
                from None
        raise
    if row is None:
        return None
    try:
        version = int(str(row[0]).strip())
    except ValueError:
        raise StoreError(f"{path}: the store is damaged (its schema version is {str(row[0])[:40]!r}, not a "
                         f"number). Restore it from a backup, or start a new store with another --db path.") from None
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: written by a newer litgraph (schema {version}, this one reads "
                         f"{SCHEMA_VERSION}); upgrade litgraph.")
    return version


def check_damage(con: sqlite3.Connection, path: str, seconds: float = CHECK_SECONDS) -> None:
    """StoreError when SQLite's ``quick_check`` finds damage (checked for at most ``seconds``)."""
    if path == ":memory:":
        return
    deadline = time.monotonic() + seconds
    con.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        rows = con.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.OperationalError as exc:
        if "interrupted" not in str(exc):
            raise
        logger.debug("%s: the integrity check stopped after %.0f s (a large store)", path, seconds)
        return
    finally:
        con.set_progress_handler(None, 0)
    problems = [" ".join(str(r[0]).split()) for r in rows if r[0] != "ok"]
    if problems:
        raise StoreError(f"{path}: the database file is damaged ({problems[0][:120]}); nothing was written. "
                         f"Restore it from a backup, or start a new store with another --db path (litgraph "
                         f"rebuilds it from your digests).")
