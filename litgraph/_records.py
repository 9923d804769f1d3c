"""The records of the corpus model: a paper, its appearances in digests, the digests themselves.

Everything here is immutable and does no I/O; :mod:`litgraph.model` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ._text import title_key

__all__ = ["Appearance", "Paper", "Digest", "Record", "Merge"]


@dataclass(frozen=True, slots=True)
class Appearance:
    """One paper as one digest showed it.

    Metadata that can differ between captures (the title as printed, the upvote
    count, the date as shown, the author count) is kept here rather than
    overwritten, so upvotes form a time series across digests.

    Examples
    --------
    >>> import litgraph as lg
    >>> paper = next(p for p in lg.load_sample() if p.upvotes)
    >>> [(a.upvotes, a.published_text) for a in paper.appearances][:1]
    [(2, 'Mar 29')]
    """

    digest: str
    position: int
    title: str
    upvotes: int | None = None
    published_text: str | None = None
    n_authors: int | None = None
    organization: str | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper: the merged view over all of its appearances.

    ``id`` is the arXiv id when any input gave one, else ``"t"`` followed by a hash
    of the normalised title (see :func:`litgraph.title_key`), so it is stable across runs.

    Examples
    --------
    >>> import litgraph as lg
    >>> p = next(iter(lg.load_sample()))
    >>> p.title[:7], p.id.startswith("t"), p.n_authors
    ('VQGraph', True, 10)
    """

    id: str
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    n_authors: int | None = None
    organization: str | None = None
    published: date | None = None
    published_text: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    links: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    appearances: tuple[Appearance, ...] = ()

    @property
    def digests(self) -> tuple[str, ...]:
        """Ids of the digests this paper appeared in, in order of first appearance."""
        return tuple(dict.fromkeys(a.digest for a in self.appearances))

    @property
    def upvotes(self) -> int | None:
        """The highest upvote count any capture showed, or None if none showed one."""
        votes = [a.upvotes for a in self.appearances if a.upvotes is not None]
        return max(votes) if votes else None

    @property
    def title_key(self) -> str:
        return title_key(self.title)

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None


@dataclass(frozen=True, slots=True)
class Digest:
    """One input digest: a page capture, an API response, or one digest of an export.

    ``id`` is derived from the content, so reading the same file twice, or from
    another path, gives the same digest.

    Examples
    --------
    >>> import litgraph as lg
    >>> d = lg.load_sample().digests[0]
    >>> d.format, d.date_text, len(d.paper_ids)
    ('hf-page-blocks', 'Nov 4', 72)
    """

    id: str
    source: str
    format: str
    name: str
    content_hash: str
    date: date | None = None
    date_text: str | None = None
    captured: date | None = None
    paper_ids: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Record:
    """One paper as a parser read it from one digest (before merging)."""

    title: str
    abstract: str
    position: int
    line: int | None = None
    authors: tuple[str, ...] = ()
    n_authors: int | None = None
    organization: str | None = None
    published: date | None = None
    published_text: str | None = None
    upvotes: int | None = None
    arxiv_id: str | None = None
    url: str | None = None
    links: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Merge:
    """Why a record was merged into a paper that was already known."""

    paper_id: str
    digest: str
    position: int
    title: str
    matched_by: str
    first_digest: str
    first_position: int
