"""Reading digests: every format is recognised by its content, not its file name.

=================  ==========================================================
format             what it is
=================  ==========================================================
hf-page-blocks     Daily Papers page capture with author/date/upvote lines
hf-page-plain      Daily Papers page capture, title / blank / abstract
hf-page-dense      Daily Papers page capture, alternating lines, no blanks
hf-api-json        the ``daily_papers`` API response (JSON list)
arxiv-atom         an arXiv API response (Atom XML)
bibtex             a BibTeX export
csv                a CSV export with ``title`` and ``abstract`` columns
jsonl              JSON Lines, one object per paper
json-records       a JSON list of objects with ``title`` and ``abstract``
=================  ==========================================================
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Union

from ..exceptions import InputNotFoundError, LitgraphError, ParseError, UnrecognizedFormatError
from ..model import Corpus, Digest, Record
from . import arxiv, bibtex, hf_api, hf_pages
from ._base import Problems, Source
from ._files import _HINT_FORMATS, DIGEST_SUFFIXES, _decode, _expand, display_name, read_bytes
from .tabular import CSV, JSONLines, JSONRecords

__all__ = ["read_digest", "read_digests", "parse_digest", "load_sample", "FORMATS", "DIGEST_SUFFIXES"]

logger = logging.getLogger("litgraph")

PathLike = Union[str, Path]

_PARSERS: dict[str, Callable] = {
    "hf-api-json": hf_api.parse, "json-records": JSONRecords.parse, "jsonl": JSONLines.parse,
    "arxiv-atom": arxiv.parse, "bibtex": bibtex.parse, "csv": CSV.parse, "hf-page": hf_pages.parse,
}
FORMATS = ("hf-page-blocks", "hf-page-plain", "hf-page-dense", "hf-api-json", "arxiv-atom", "bibtex",
           "csv", "jsonl", "json-records")
_FORMAT_ALIASES = {f: f for f in FORMATS} | {f: "hf-page" for f in FORMATS if f.startswith("hf-page")}
_FORMAT_ALIASES["hf-page"] = "hf-page"

def parse_digest(text: str | bytes, *, source: str = "<string>", captured: date | None = None,
                 strict: bool = True, format: str | None = None) -> Corpus:
    """Read one digest given as text (or bytes); see :func:`read_digest`.

    Examples
    --------
    >>> import litgraph as lg
    >>> c = lg.parse_digest("T1\\n\\nAbstract one. It reads.\\n\\nT2\\n\\nAbstract two. It reads.\\n")
    >>> c.digests[0].format, len(c)
    ('hf-page-plain', 2)
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    src = Source(name=source, text=_decode(data, source), captured=_check_date(captured, "captured"))
    return Corpus.from_records(_handed_over(_parse_source(src, strict=strict, format=format)))


def _handed_over(parts: list[tuple[Digest, list[Record]]]) -> Iterator[tuple[Digest, list[Record]]]:
    """The parsed digests, each let go of here as it is handed over, so records are freed as papers are built."""
    for i in range(len(parts)):
        part, parts[i] = parts[i], None  # type: ignore[call-overload]
        yield part


def _parse_source(src: Source, *, strict: bool, format: str | None) -> list[tuple[Digest, list[Record]]]:
    if format is not None:
        if format not in _FORMAT_ALIASES:
            from ..exceptions import InvalidParameterError
            raise InvalidParameterError(
                f"The 'format' parameter of read_digest must be None or one of {', '.join(map(repr, FORMATS))}. "
                f"Got {format!r} instead.")
        parser = _PARSERS[_FORMAT_ALIASES[format]]
    else:
        parser = _PARSERS[detect_format(src)]
    problems = Problems(src.name, strict)
    try:
        parts = parser(src, problems)
    except LitgraphError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OverflowError) as exc:
        # A safety net: every input problem a parser knows gets its own message; anything it did not foresee
        # still names the file instead of ending in a traceback.
        logger.debug("parser failure on %s", src.name, exc_info=True)
        raise ParseError(src.name, f"could not be read ({type(exc).__name__}: {str(exc)[:200]}).", line=1,
                         hint="Check the file is a complete digest; read it with strict=False to skip bad records, "
                              "and report the file if the problem persists.") from None
    problems.warn()
    return parts


def detect_format(src: Source) -> str:
    """The parser that reads ``src``, recognised from the content; :class:`UnrecognizedFormatError` otherwise.

    JSON is read as JSON only (a daily_papers response, a list of records, or JSON
    Lines), XML only as an arXiv Atom feed, a table only as CSV with ``title`` and
    ``abstract`` columns; page captures are recognised positively (see
    :func:`litgraph.ingest.hf_pages.sniff`).
    """
    text = src.text.lstrip()
    first = text[:1]
    if first in "[{":
        if JSONLines.sniff(text) and "\n" in text.strip() and not _whole_json(src):
            return "jsonl"
        data = src.json()
        if hf_api.entries_of(data) is not None:
            return "hf-api-json"
        if isinstance(data, list) and data and all(isinstance(x, dict) for x in data[:20]) \
                and any("title" in {str(k).lower() for k in x} for x in data[:20]):
            return "json-records"
        if isinstance(data, dict) and "title" in {str(k).lower() for k in data}:
            return "jsonl"
        shape = (f"an object with keys {', '.join(map(repr, list(data)[:6]))}" if isinstance(data, dict)
                 else f"a list of {len(data)} item(s)" if isinstance(data, list) else f"a JSON {type(data).__name__}")
        raise UnrecognizedFormatError(
            src.name, f"JSON of an unknown shape ({shape}): expected a daily_papers response (a list of objects with "
            "'paper', or {'data': [...]}), a list of records with 'title' and 'abstract', or JSON Lines.",
            path="$", hint="Convert the file to one of these shapes.")
    if first == "<":
        if arxiv.sniff(text):
            return "arxiv-atom"
        raise UnrecognizedFormatError(src.name, "XML that is not an arXiv Atom feed (expected <feed> with <entry>).",
                                      line=1, hint=_HINT_FORMATS)
    if bibtex.sniff(text):
        return "bibtex"
    if CSV.sniff(text):
        return "csv"
    columns = CSV.header_if_table(text)
    if columns is not None:
        raise UnrecognizedFormatError(
            src.name, f"a table with columns {', '.join(map(repr, columns[:8]))}, but no 'title' and 'abstract' "
            "columns.", line=1, hint="Name the columns 'title' and 'abstract' (other columns: id, arxiv_id, date, "
            "authors, url, digest, references, upvotes, organization).")
    if hf_pages.sniff(src.text):
        return "hf-page"
    raise UnrecognizedFormatError(src.name, "not a digest: the content matches no known digest format.", line=1,
                                  hint=_HINT_FORMATS)


def _whole_json(src: Source) -> bool:
    try:
        src.json()
    except ParseError:
        return False
    return True


def _check_date(value, name: str) -> date | None:
    from .._validation import check_date

    return check_date(value, name, "read_digest", allow_none=True)


def _read_file(path: Path, *, captured: date | None, strict: bool, format: str | None,
               known: Collection[str] = ()):
    name = display_name(path)
    src = Source(name=name, text=_decode(read_bytes(path), name), captured=captured)
    if src.content_hash in known:
        return None
    return _parse_source(src, strict=strict, format=format)


def read_digest(path: PathLike, *, captured: date | str | None = None, strict: bool = True,
                format: str | None = None) -> Corpus:
    """Read one digest file into a :class:`~litgraph.Corpus`.

    Parameters
    ----------
    path : str or Path
        The file. Its format is recognised from its content.
    captured : date or str, optional
        When the digest was captured. Dates the digest shows without a year
        (``Mar 29``) are completed with the latest year that does not put them after
        this date; without it they keep their text and no date.
    strict : bool, default True
        If True, the first bad record raises :class:`~litgraph.ParseError`. If False, bad
        records are skipped and one :class:`~litgraph.SkippedRecordsWarning` per file
        counts and locates them (they are also listed in ``Digest.skipped``).
    format : str, optional
        Force a format (one of :data:`FORMATS`) instead of recognising it.

    Raises
    ------
    InputNotFoundError
        The file does not exist or cannot be read.
    ParseError
        The file is empty, binary, not UTF-8, in no known format, or has a bad record
        (with ``strict=True``). The message names the file and line (or JSON path).

    Examples
    --------
    >>> import litgraph as lg
    >>> corpus = lg.parse_digest("A Paper Title\\nAn abstract. It has sentences.\\n"
    ...                          "Second Title\\nAnother abstract, long enough.\\n")
    >>> [p.title for p in corpus]
    ['A Paper Title', 'Second Title']
    """
    return Corpus.from_records(_handed_over(_read_file(Path(path), captured=_check_date(captured, "captured"),
                                                       strict=strict, format=format)))


def read_digests(paths: PathLike | Iterable[PathLike], *, captured: date | str | Mapping[str, date] | None = None,
                 strict: bool = True, format: str | None = None, known: Collection[str] = ()) -> Corpus:
    """Read digests from a folder, a glob, a list of paths, or one file into one corpus.

    A folder contributes its files ending in one of :data:`DIGEST_SUFFIXES`, in name
    order. Papers are merged across digests by arXiv id, else by normalised title;
    :meth:`Corpus.duplicates` tells which records were merged and why.

    Parameters
    ----------
    paths : str, Path, or a list of them
        Files, folders or glob patterns.
    captured : date, str, or mapping, optional
        Capture date of every digest, or a mapping from file name (or path) to its
        capture date. See :func:`read_digest`.
    strict, format
        As in :func:`read_digest`. Files found in a folder or by a glob that are not
        digests (binary files included) or cannot be opened (permissions, FIFOs) are
        skipped with a warning that names each; a file named explicitly must be a
        readable digest, and a digest with a bad record fails the read, unless
        ``strict=False``, which skips the record (or the file) with a warning.
    known : collection of str, optional
        Content hashes of digests already read (e.g. :meth:`Store.content_hashes`): such
        files are not parsed again. If every file is known the corpus is empty.

    Examples
    --------
    >>> import litgraph as lg
    >>> corpus = lg.read_digests(lg.sample_paths())
    >>> len(corpus), sum(len(d.paper_ids) for d in corpus.digests)
    (339, 353)
    """
    import warnings

    from ..exceptions import SkippedRecordsWarning

    files = _expand(paths)
    parts: list[tuple[Digest, list[Record]]] = []
    failed: list[str] = []
    not_digests: list[str] = []
    n_known = 0
    for f, explicit in files:
        cap = captured
        if isinstance(captured, Mapping):
            cap = captured.get(str(f), captured.get(f.name))
        try:
            got = _read_file(f, captured=_check_date(cap, "captured"), strict=strict, format=format, known=known)
            if got is None:
                n_known += 1
                continue
            parts.extend(got)
        except UnrecognizedFormatError as exc:
            if explicit and strict:
                raise
            if explicit:
                failed.append(str(exc))
            else:
                not_digests.append(f"{display_name(f)} ({exc.message})")
        except InputNotFoundError as exc:  # found in a folder or by a glob, and not readable: skipped, named
            if explicit and strict:
                raise
            failed.append(str(exc))
        except ParseError as exc:
            if strict:
                raise
            failed.append(str(exc))
    if not_digests:
        warnings.warn(f"skipped {len(not_digests)} file(s) that are not digests: " + "; ".join(not_digests),
                      SkippedRecordsWarning, stacklevel=2)
    if failed:
        warnings.warn(f"skipped {len(failed)} unreadable file(s): " + "; ".join(failed), SkippedRecordsWarning,
                      stacklevel=2)
    if not parts and n_known and not failed:
        logger.info("all %d digest file(s) are known; nothing new to read", n_known)
        return Corpus.from_records([])
    if not parts:
        if not_digests and not failed:
            raise UnrecognizedFormatError(str(files[0][0]) if len(files) == 1 else "the given paths",
                                          "no digest among the files read.", hint=_HINT_FORMATS)
        raise LitgraphError("No digest could be read from the given paths.") if failed else InputNotFoundError(
            "No digest files found.")
    logger.info("read %d digest(s) from %d file(s)", len(parts), len(files))
    return Corpus.from_records(_handed_over(parts))


def sample_paths() -> list[Path]:
    """Paths of the bundled sample digests (three Hugging Face Daily Papers captures).

    Examples
    --------
    >>> import litgraph as lg
    >>> [p.name[:3] for p in lg.sample_paths()]
    ['001', '002', '003']
    """
    root = resources.files("litgraph") / "data" / "digests"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))


def load_sample(*, captured: date | str | None = None) -> Corpus:
    """The bundled sample: three captures of Hugging Face "Daily Papers" pages.

    339 distinct papers in 353 appearances, one capture in each page layout.
    The captures were supplied by litgraph's users as example digests.

    Examples
    --------
    >>> import litgraph as lg
    >>> corpus = lg.load_sample()
    >>> [d.format for d in corpus.digests]
    ['hf-page-blocks', 'hf-page-plain', 'hf-page-dense']
    """
    return read_digests(sample_paths(), captured=captured)
