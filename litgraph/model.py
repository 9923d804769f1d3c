"""The corpus model: papers, their appearances in digests, and the digests themselves.

Everything here is immutable and does no I/O. Parsers produce :class:`Record` objects
(one per paper as one digest shows it); :meth:`Corpus.from_records` merges records of
the same paper into one :class:`Paper`, keeping what each digest showed in an
:class:`Appearance`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from ._records import Appearance, Digest, Merge, Paper, Record
from ._text import title_hash_id, title_key

__all__ = ["Appearance", "Paper", "Digest", "Record", "Merge", "Corpus"]


def _first(values: Iterable):
    for v in values:
        if v not in (None, "", ()):
            return v
    return None


def _paper(pid: str, recs: list[Record], members: list[tuple[Digest, Record]], arxiv_id: str | None) -> Paper:
    """The merged view of one paper's records, in the order they were read."""
    return Paper(
        id=pid,
        title=recs[0].title,
        abstract=max((r.abstract for r in recs), key=len),
        authors=_first(r.authors for r in recs) or (),
        n_authors=_first(r.n_authors or (len(r.authors) or None) for r in recs),
        organization=_first(r.organization for r in recs),
        published=_first(r.published for r in recs),
        published_text=_first(r.published_text for r in recs),
        arxiv_id=arxiv_id,
        url=_first(r.url for r in recs),
        links=tuple(dict.fromkeys(link for r in recs for link in r.links)),
        references=tuple(dict.fromkeys(ref for r in recs for ref in r.references)),
        categories=tuple(dict.fromkeys(c for r in recs for c in r.categories)),
        appearances=tuple(
            Appearance(
                digest=d.id, position=r.position, title=r.title, upvotes=r.upvotes,
                published_text=r.published_text, n_authors=r.n_authors or (len(r.authors) or None),
                organization=r.organization, line=r.line,
            )
            for d, r in members
        ),
    )


def _group_records(parts: Iterable[tuple[Digest, list[Record]]]):
    """The records of every digest grouped by paper (see :meth:`Corpus.from_records`): (groups of (digest, record),
    each group's arXiv id, merges as (group, digest, record, matched by), the digests read once each)."""
    groups: list[list[tuple[Digest, Record]]] = []
    by_arxiv: dict[str, int] = {}
    by_title: dict[str, int] = {}
    group_arxiv: list[str | None] = []
    merges_raw: list[tuple[int, Digest, Record, str]] = []
    digests: list[Digest] = []
    seen_digests: set[str] = set()
    for digest, records in parts:
        if digest.id in seen_digests:
            continue
        seen_digests.add(digest.id)
        digests.append(digest)
        for rec in records:
            key = title_key(rec.title)
            gi: int | None = None
            how = ""
            if rec.arxiv_id and rec.arxiv_id in by_arxiv:
                gi, how = by_arxiv[rec.arxiv_id], "arxiv id"
            elif key in by_title:
                cand = by_title[key]
                if not (rec.arxiv_id and group_arxiv[cand] and group_arxiv[cand] != rec.arxiv_id):
                    gi, how = cand, "normalised title"
            if gi is None:
                gi = len(groups)
                groups.append([])
                group_arxiv.append(None)
                by_title.setdefault(key, gi)
            else:
                merges_raw.append((gi, digest, rec, how))
            groups[gi].append((digest, rec))
            if rec.arxiv_id:
                by_arxiv.setdefault(rec.arxiv_id, gi)
                if group_arxiv[gi] is None:
                    group_arxiv[gi] = rec.arxiv_id
            by_title.setdefault(key, gi)
    return groups, group_arxiv, merges_raw, digests


@dataclass(frozen=True)
class Corpus:
    """An immutable, ordered collection of papers and the digests they came from.

    Index it by paper id (``corpus["2308.02117"]``), iterate over its papers, and get
    pandas views with :meth:`to_frame`, :meth:`digests_frame`,
    :meth:`appearances_frame` and :meth:`duplicates`.

    Examples
    --------
    >>> import litgraph as lg
    >>> corpus = lg.load_sample()
    >>> len(corpus), len(corpus.digests)
    (339, 3)
    """

    papers: Mapping[str, Paper] = field(default_factory=dict)
    digests: tuple[Digest, ...] = ()
    merges: tuple[Merge, ...] = ()

    # -- construction -------------------------------------------------------------------
    @classmethod
    def from_records(cls, parts: Iterable[tuple[Digest, list[Record]]]) -> Corpus:
        """Merge records of several digests into a corpus.

        Records match an existing paper by arXiv id, else by normalised title. Two
        records with different arXiv ids are never merged, even with equal titles.
        A digest whose content was already read (same ``id``) is read once.
        """
        groups, group_arxiv, merges_raw, digests = _group_records(parts)  # only the groups hold the records now
        merged = {gi for gi, *_ in merges_raw}
        first_seen: dict[int, tuple[str, int]] = {}
        order: dict[str, list[tuple[int, str]]] = {d.id: [] for d in digests}
        papers: dict[str, Paper] = {}
        gid: list[str] = []
        for gi in range(len(groups)):
            members = groups[gi]
            groups[gi] = []  # a record is released once its paper is built (when the caller holds no other reference)
            recs = [r for _, r in members]
            pid = group_arxiv[gi] or title_hash_id(recs[0].title)
            if pid in papers:  # equal title hash with distinct arXiv ids elsewhere
                pid = f"{pid}~{gi}"
            gid.append(pid)
            if gi in merged:
                first_seen[gi] = (members[0][0].id, members[0][1].position)
            # paper_ids follow digest positions; a paper shown twice in a digest is listed at its first position
            first_position: dict[str, int] = {}
            for d, r in members:
                order[d.id].append((first_position.setdefault(d.id, r.position), pid))
            papers[pid] = _paper(pid, recs, members, group_arxiv[gi])
        digests = [replace(d, paper_ids=tuple(pid for _, pid in sorted(order[d.id], key=lambda item: item[0])))
                   for d in digests]
        merges = []
        for gi, d, rec, how in merges_raw:
            first_digest, first_pos = first_seen[gi]
            merges.append(Merge(paper_id=gid[gi], digest=d.id, position=rec.position, title=rec.title,
                                matched_by=how, first_digest=first_digest, first_position=first_pos))
        return cls(papers=papers, digests=tuple(digests), merges=tuple(merges))

    def __add__(self, other: Corpus) -> Corpus:
        """The union of two corpora, merged as if all their digests were read together."""
        if not isinstance(other, Corpus):
            return NotImplemented
        return Corpus.from_records(list(self._parts()) + list(other._parts()))

    def _parts(self) -> Iterator[tuple[Digest, list[Record]]]:
        """Re-create the records behind this corpus (used to merge corpora)."""
        for d in self.digests:
            recs = []
            for pid in dict.fromkeys(d.paper_ids):
                p = self.papers[pid]
                for a in p.appearances:
                    if a.digest != d.id:
                        continue
                    recs.append(Record(
                        title=a.title, abstract=p.abstract, position=a.position, line=a.line,
                        authors=p.authors, n_authors=a.n_authors, organization=a.organization,
                        published=p.published, published_text=a.published_text, upvotes=a.upvotes,
                        arxiv_id=p.arxiv_id, url=p.url, links=p.links, references=p.references,
                        categories=p.categories))
            recs.sort(key=lambda r: r.position)
            yield d, recs

    # -- mapping protocol ---------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.papers)

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers.values())

    def __contains__(self, paper_id: object) -> bool:
        return paper_id in self.papers

    def __getitem__(self, paper_id: str) -> Paper:
        try:
            return self.papers[paper_id]
        except KeyError:
            raise KeyError(
                f"No paper with id {paper_id!r} in this corpus of {len(self)} papers; "
                "ids are listed by corpus.ids or corpus.to_frame()['id']."
            ) from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Corpus):
            return NotImplemented
        return (list(self.papers.items()) == list(other.papers.items())
                and self.digests == other.digests)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Corpus: {len(self)} papers from {len(self.digests)} digests>"

    @property
    def ids(self) -> list[str]:
        return list(self.papers)

    @property
    def index_of(self) -> Mapping[str, int]:
        """The corpus's one paper index: paper id -> position (corpus order); made once and shared, not to be changed."""
        index = self.__dict__.get("_index_of")
        if index is None:
            index = {pid: i for i, pid in enumerate(self.papers)}
            object.__setattr__(self, "_index_of", index)
        return index

    def positions(self, paper_ids) -> np.ndarray:
        """Positions (corpus order) of paper ids, as an integer array; -1 for an id not in the corpus."""
        index = self.__dict__.get("_positions")
        if index is None:
            index = pd.Index(list(self.papers))
            object.__setattr__(self, "_positions", index)
        return index.get_indexer(pd.Index(paper_ids) if not isinstance(paper_ids, pd.Series) else paper_ids)

    def digest(self, digest_id: str) -> Digest:
        for d in self.digests:
            if d.id == digest_id or d.name == digest_id:
                return d
        raise KeyError(f"No digest {digest_id!r}; known: {', '.join(d.id for d in self.digests)}")

    def subset(self, paper_ids: Iterable[str]) -> Corpus:
        """A corpus of only these papers (digests keep only their papers)."""
        keep = [p for p in paper_ids if p in self.papers]
        keep_set = set(keep)
        papers = {pid: self.papers[pid] for pid in self.papers if pid in keep_set}
        digests = tuple(replace(d, paper_ids=tuple(p for p in d.paper_ids if p in keep_set))
                        for d in self.digests)
        merges = tuple(m for m in self.merges if m.paper_id in keep_set)
        return Corpus(papers=papers, digests=digests, merges=merges)

    # -- pandas views -------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per paper.

        Columns: ``id, title, abstract, authors`` (``"; "``-joined), ``n_authors,
        organization, published`` (a date or NaT), ``published_text, arxiv_id, url,
        links, n_digests, digests, first_digest, upvotes`` (the highest shown) and
        ``n_references``.
        """
        rows = []
        for p in self:
            rows.append({
                "id": p.id, "title": p.title, "abstract": p.abstract,
                "authors": "; ".join(p.authors), "n_authors": p.n_authors,
                "organization": p.organization, "published": p.published,
                "published_text": p.published_text, "arxiv_id": p.arxiv_id,
                "url": p.url or p.arxiv_url, "links": " ".join(p.links),
                "n_digests": len(p.digests), "digests": " ".join(p.digests),
                "first_digest": p.digests[0] if p.digests else None,
                "upvotes": p.upvotes, "n_references": len(p.references),
            })
        cols = ["id", "title", "abstract", "authors", "n_authors", "organization", "published",
                "published_text", "arxiv_id", "url", "links", "n_digests", "digests",
                "first_digest", "upvotes", "n_references"]
        df = pd.DataFrame(rows, columns=cols)
        df["n_authors"] = df["n_authors"].astype("Int64")
        df["upvotes"] = df["upvotes"].astype("Int64")
        df["published"] = pd.to_datetime(df["published"])
        return df

    def digests_frame(self) -> pd.DataFrame:
        """One row per digest: id, name, source, format, date, date_text, captured, n_papers, n_skipped."""
        rows = [{
            "id": d.id, "name": d.name, "source": d.source, "format": d.format,
            "date": d.date, "date_text": d.date_text, "captured": d.captured,
            "n_papers": len(d.paper_ids), "n_skipped": len(d.skipped),
        } for d in self.digests]
        df = pd.DataFrame(rows, columns=["id", "name", "source", "format", "date", "date_text",
                                         "captured", "n_papers", "n_skipped"])
        df["date"] = pd.to_datetime(df["date"])
        df["captured"] = pd.to_datetime(df["captured"])
        return df

    def appearances_frame(self) -> pd.DataFrame:
        """One row per (paper, digest appearance): the per-capture metadata, upvotes included."""
        dates = {d.id: d.date for d in self.digests}
        rows = [{"paper_id": p.id, **asdict(a), "digest_date": dates.get(a.digest)}
                for p in self for a in p.appearances]
        cols = ["paper_id", "digest", "position", "title", "upvotes", "published_text",
                "n_authors", "organization", "line", "digest_date"]
        df = pd.DataFrame(rows, columns=cols)
        for c in ("upvotes", "n_authors", "line"):
            df[c] = df[c].astype("Int64")
        df["digest_date"] = pd.to_datetime(df["digest_date"])
        return df

    def duplicates(self) -> pd.DataFrame:
        """Which inputs were merged into which paper, and why.

        One row per merged record: ``paper_id, title`` (as that digest showed it),
        ``digest, position, matched_by`` (``"arxiv id"`` or ``"normalised title"``),
        and where the paper was first seen (``first_digest, first_position``).
        """
        cols = ["paper_id", "title", "digest", "position", "matched_by", "first_digest", "first_position"]
        return pd.DataFrame([{c: getattr(m, c) for c in cols} for m in self.merges], columns=cols)
