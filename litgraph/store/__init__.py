"""The SQLite store: papers, digests and appearances kept across runs.

The store is what makes a daily job incremental: adding a digest that is already
stored changes nothing, and adding a new one records which papers are new (first
seen) and which reappear. Every :meth:`Store.add` is one transaction, and the
database runs in WAL mode with a busy timeout so that two processes can add at once.
"""


from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from datetime import date
from pathlib import Path

import pandas as pd


from ..exceptions import StoreError
from ..model import Corpus

from ._base import (_DIGEST_DAY, _SCHEMA, SCHEMA_VERSION, AddResult, _guarded, _iso, _now, _RollBack,
                    _since_text, sqlite_error, write_state)
from ._read import Checked, check_summary, read_corpus
from ._write import insert_paper, match_paper, update_paper
from ._open import check_damage, check_owner, check_schema_version, open_connection
from ._base import embedding_folder
from ._vectors import read_vectors, write_vectors

__all__ = ["Store", "AddResult", "SCHEMA_VERSION", "embedding_folder"]


class Store:
    """A litgraph database in one SQLite file.

    Parameters
    ----------
    path : str or Path
        The database file; created (with its folder) if missing. ``":memory:"`` gives
        a private in-memory store.
    timeout : float, default 30
        Seconds to wait for another process's write to finish.

    Examples
    --------
    >>> import litgraph as lg
    >>> store = lg.Store(":memory:")
    >>> result = store.add(lg.load_sample())
    >>> print(result)
    added 3 digest(s): 339 new paper(s), 0 reappearing; 0 digest(s) already stored
    >>> print(store.add(lg.load_sample()))
    nothing new: 3 digest(s) already stored
    >>> store.corpus() == lg.load_sample()
    True
    """

    def __init__(self, path: str | Path = "litgraph.db", *, timeout: float = 30.0, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        self._batch = False
        if self.path != ":memory:":
            p = Path(self.path)
            if p.is_dir():
                raise StoreError(f"{p}: is a folder; give the path of a database file such as {p / 'litgraph.db'}.")
            if readonly and not p.is_file():
                raise StoreError(f"{p}: no such store; create it with `litgraph ingest DIGESTS --db {p}`.")
            if not readonly:
                try:
                    p.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise StoreError(f"{p}: cannot create its folder ({exc.strerror}).") from None
        try:
            self._con = open_connection(self.path, timeout, readonly)
            if self.path != ":memory:" and not readonly:
                self._con.execute("PRAGMA journal_mode = WAL")
            self._con.execute("PRAGMA foreign_keys = ON")
            check_owner(self._con, self.path)
            if readonly:
                check_schema_version(self._con, self.path)
                return
            check_damage(self._con, self.path)
            with self._transaction():
                for stmt in _SCHEMA.strip().split(";\n"):
                    if stmt.strip():
                        self._con.execute(stmt)
                if check_schema_version(self._con, self.path) is None:
                    self._con.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        except StoreError as exc:
            self._close_quietly()
            if "not a database" in str(exc):
                raise StoreError(f"{self.path}: not a litgraph store (file is not a database). Give another --db "
                                 f"path.") from None
            raise
        except sqlite3.Error as exc:
            self._close_quietly()
            if "not a database" in str(exc):
                raise StoreError(f"{self.path}: not a litgraph store ({exc}). Give another --db path.") from None
            raise sqlite_error(self.path, exc) from None
        except UnicodeDecodeError:  # SQLite's own message about the file holds bytes that are not text
            self._close_quietly()
            raise StoreError(f"{self.path}: the database file is damaged (its schema cannot be read). Restore it "
                             f"from a backup, or start a new store with another --db path.") from None

    def check_writable(self) -> None:
        """Raise :class:`StoreError` unless the store can be written (a write is tried and rolled back).

        A run that will write calls it first, so that a read-only file, folder or mount
        is refused before anything else is written.
        """
        if self.readonly:
            raise StoreError(f"{self.path}: opened read-only; nothing was written.")
        with self._transaction() as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('write_check', ?)", (_now(),))
            raise _RollBack
        
    def _close_quietly(self) -> None:
        con = getattr(self, "_con", None)
        if con is not None:
            try:
                con.close()
            except sqlite3.Error:
                pass

    # -- plumbing -------------------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; an error anywhere (the commit included) leaves the database as it was.

        SQLite errors become one-line :class:`StoreError` messages that name the file.
        """
        con = self._con
        if self._batch:  # inside batch(): its one transaction holds this write too
            yield con
            return
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
                    try:
                        con.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                raise
        except _RollBack:
            pass
        except (sqlite3.Error, UnicodeError, OverflowError) as exc:
            raise sqlite_error(self.path, exc) from None

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Make every write inside the ``with`` block one transaction: all of them are kept, or none.

        The commit is made when the block ends; an error inside it (or in the commit)
        leaves the store as it was before the block.

        Examples
        --------
        >>> import litgraph as lg
        >>> store = lg.Store(":memory:")
        >>> with store.batch():
        ...     _ = store.record_run("report", {}, {"date": "2025-01-01"})
        ...     store.save_state("example", b"saved work")
        >>> store.load_state("example")
        b'saved work'
        """
        with self._transaction():
            self._batch = True
            try:
                yield self
            finally:
                self._batch = False


    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        try:
            n_p, n_d = self.counts()
        except StoreError:  # closed or damaged: the repr still names the file
            return f"<Store {self.path}: cannot be read>"
        return f"<Store {self.path}: {n_p} papers, {n_d} digests>"

    @_guarded
    def counts(self) -> tuple[int, int]:
        """(number of papers, number of digests)."""
        con = self._con
        return (con.execute("SELECT COUNT(*) FROM papers").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM digests").fetchone()[0])

    # -- writing --------------------------------------------------------------------------
    @_guarded
    def add(self, corpus: Corpus) -> AddResult:
        """Add a corpus's digests and papers in one transaction.

        Digests already stored (same content) are left as they are. A paper of a new
        digest matches a stored one by arXiv id, else by normalised title; a stored
        paper known only by title takes the arXiv id when a new input brings one.
        An error part-way leaves the database as it was.
        """
        if not isinstance(corpus, Corpus):
            from ..exceptions import InvalidParameterError
            raise InvalidParameterError(f"Store.add expects a Corpus (from lg.read_digests). Got {type(corpus).__name__}.")
        merged_by = {(m.digest, m.position): m.matched_by for m in corpus.merges}
        new_d: list[str] = []
        known_d: list[str] = []
        new_p: dict[str, None] = {}
        again: dict[str, None] = {}
        renamed: dict[str, str] = {}
        now = _now()
        with self._transaction() as con:
            seq = con.execute("SELECT COALESCE(MAX(seq), 0) FROM digests").fetchone()[0]
            for d in corpus.digests:
                if con.execute("SELECT 1 FROM digests WHERE id = ?", (d.id,)).fetchone():
                    known_d.append(d.id)
                    continue
                seq += 1
                con.execute(
                    "INSERT INTO digests VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (d.id, seq, d.source, d.format, d.name, d.content_hash, _iso(d.date), d.date_text,
                     _iso(d.captured), json.dumps(list(d.skipped)), now))
                new_d.append(d.id)
                for pid in dict.fromkeys(d.paper_ids):
                    p = corpus.papers[pid]
                    stored = match_paper(con, p)
                    if stored is None:
                        insert_paper(con, p, d.id, now)
                        stored = p.id
                        new_p[stored] = None
                    else:
                        stored = update_paper(con, stored, p, renamed)
                        if stored not in new_p:
                            again[stored] = None
                    for a in p.appearances:
                        if a.digest != d.id:
                            continue
                        how = merged_by.get((a.digest, a.position))
                        if how is None and stored not in new_p:
                            how = "arxiv id" if p.arxiv_id else "normalised title"
                        con.execute(
                            "INSERT OR IGNORE INTO appearances VALUES (?,?,?,?,?,?,?,?,?,?)",
                            (d.id, a.position, stored, a.title, a.upvotes, a.published_text, a.n_authors,
                             a.organization, a.line, how))
        return AddResult(tuple(new_d), tuple(known_d), tuple(new_p), tuple(p for p in again if p not in new_p),
                         renamed)

    # -- reading --------------------------------------------------------------------------
    def _digest_rows(self, since: date | str | None, digests: Iterable[str] | None) -> list[tuple]:
        q = ("SELECT id, source, format, name, content_hash, date, date_text, captured, skipped, added_at "
             "FROM digests")
        cond, args = [], []
        if since is not None:
            cond.append(_DIGEST_DAY.replace("d.", "") + " >= ?")
            args.append(_since_text(since))
        if digests is not None:
            wanted = [str(x) for x in ([digests] if isinstance(digests, str) else digests)]
            marks = ",".join("?" * len(wanted))
            cond.append(f"(id IN ({marks}) OR name IN ({marks}))")
            args += wanted + wanted
        if cond:
            q += " WHERE " + " AND ".join(cond)
        return self._con.execute(q + " ORDER BY seq", args).fetchall()

    @_guarded
    def corpus(self, *, since: date | str | None = None, digests: Iterable[str] | None = None) -> Corpus:
        """Read stored digests back as a :class:`~litgraph.Corpus`.

        Parameters
        ----------
        since : date or ISO date string, optional
            Keep digests whose day is on or after this one. A digest's day is its own
            date, else its capture date (``captured=``, or a date in its file name), else
            the day it was added to the store.
        digests : list of str, optional
            Keep only these digests (ids or names).
        """
        drows = self._digest_rows(since, digests)
        return read_corpus(self._con, self.path, drows) if drows else Corpus()

    @_guarded
    def papers_frame(self, *, since: date | str | None = None) -> pd.DataFrame:
        """Every stored paper with when it was first featured and how often it appeared.

        ``first_featured`` is the day of the earliest digest the paper appeared in (see
        :meth:`corpus` for a digest's day); ``since`` keeps papers first featured on or
        after that day, the meaning ``since`` has everywhere in litgraph.
        """
        q = ("SELECT p.id, p.title, p.arxiv_id, p.published, p.first_seen_digest, d.name AS first_seen_digest_name, "
             "p.first_seen_at, MIN(" + _DIGEST_DAY.replace("d.", "ad.") + ") AS first_featured, "
             "COUNT(a.position) AS n_appearances, MAX(a.upvotes) AS upvotes "
             "FROM papers p JOIN digests d ON d.id = p.first_seen_digest "
             "LEFT JOIN appearances a ON a.paper_id = p.id LEFT JOIN digests ad ON ad.id = a.digest_id "
             "GROUP BY p.id")
        args: list = []
        if since is not None:
            q += " HAVING first_featured >= ?"
            args.append(_since_text(since, "Store.papers_frame"))
        q += " ORDER BY d.seq, MIN(a.position)"
        df = pd.read_sql_query(q, self._con, params=args)
        df["published"] = pd.to_datetime(df["published"])
        df["first_seen_at"] = pd.to_datetime(df["first_seen_at"])
        df["first_featured"] = pd.to_datetime(df["first_featured"])
        df["upvotes"] = df["upvotes"].astype("Int64")
        return df

    @_guarded
    def digests_frame(self) -> pd.DataFrame:
        """Every stored digest, in the order it was added."""
        df = pd.read_sql_query(
            "SELECT d.id, d.name, d.source, d.format, d.date, d.date_text, d.captured, d.added_at, "
            "(SELECT COUNT(*) FROM appearances a WHERE a.digest_id = d.id) AS n_papers FROM digests d ORDER BY seq",
            self._con)
        for c in ("date", "captured", "added_at"):
            df[c] = pd.to_datetime(df[c])
        return df

    # -- runs (used by reports) -----------------------------------------------------------
    def record_run(self, kind: str, params: dict, summary: dict) -> int:
        """Remember a run (its parameters and summary) and return its id."""
        with self._transaction() as con:
            cur = con.execute("INSERT INTO runs (kind, started_at, params, summary) VALUES (?,?,?,?)",
                              (kind, _now(), json.dumps(params, default=str, sort_keys=True),
                               json.dumps(summary, default=str, sort_keys=True)))
            return int(cur.lastrowid)

    @_guarded
    def last_run(self, kind: str) -> dict | None:
        row = self._con.execute("SELECT id, started_at, params, summary FROM runs WHERE kind = ? ORDER BY id DESC "
                                "LIMIT 1", (kind,)).fetchone()
        if row is None:
            return None
        read = check_summary(self.path, row[0], row[2], row[3])
        return None if read is None else {"id": row[0], "started_at": row[1], "params": read[0], "summary": read[1]}

    # -- saved work (incremental reports) ---------------------------------------------------
    def save_state(self, key: str, value: bytes | memoryview) -> None:
        """Keep a blob of saved work (e.g. a graph's state for the next incremental run) under ``key``.

        The blob is written in pieces through SQLite's incremental blob I/O, so a large
        state is never held twice in memory.
        """
        if not isinstance(value, (bytes, bytearray, memoryview)):
            from ..exceptions import InvalidParameterError
            raise InvalidParameterError(f"Store.save_state keeps bytes (e.g. GraphState.to_bytes()). Got "
                                        f"{type(value).__name__} for key {key!r}.")
        with self._transaction() as con:
            write_state(con, key, _now(), value)

    @_guarded
    def load_state(self, key: str) -> bytes | None:
        row = self._con.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    @_guarded
    def vectors(self, model: str, ids, hashes) -> tuple:
        """(vectors, found) of papers under ``model``: see :func:`~litgraph.store._vectors.read_vectors`."""
        return read_vectors(self._con, model, list(ids), list(hashes))

    def save_vectors(self, model: str, ids, hashes, vectors) -> None:
        """Keep papers' vectors under ``model`` (one row per paper, replacing an older one)."""
        with self._transaction() as con:
            write_vectors(con, model, list(ids), list(hashes), vectors)

    @_guarded
    def newest_digest_day(self) -> date | None:
        """The day of the newest stored digest (see :meth:`corpus` for a digest's day), or None."""
        row = self._con.execute("SELECT MAX(" + _DIGEST_DAY.replace("d.", "") + ") FROM digests").fetchone()
        return Checked(self.path).day(row[0] if row else None, "the digests table, column 'date' or 'captured'")

    @_guarded
    def content_hashes(self) -> set[str]:
        """Content hashes of the stored digests (files with these are not parsed again)."""
        return {r[0] for r in self._con.execute("SELECT content_hash FROM digests")}

