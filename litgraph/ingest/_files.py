"""Files into text: which files a path, folder or glob names, reading them safely, and their encodings."""

from __future__ import annotations

import fnmatch
import glob as _glob
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import Union

from .._text import printable
from ..exceptions import InputNotFoundError, ParseError, UnrecognizedFormatError

PathLike = Union[str, Path]

#: The largest file litgraph reads (a digest is some megabytes; an archive of 100,000 papers about 200 MB).
MAX_FILE_BYTES = 1 << 30


def display_name(path: PathLike) -> str:
    """A file's name as litgraph shows and stores it: bytes that are not UTF-8 and control characters escaped."""
    return printable(os.fspath(path))


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; a folder, FIFO, device, missing or oversized file gets a one-line error."""
    name = display_name(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputNotFoundError(f"{name}: no such file. Check the path.") from None
    except OSError as exc:
        raise InputNotFoundError(f"{name}: cannot be read ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputNotFoundError(f"{name}: is a folder; use read_digests for folders.")
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else \
            "a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "not a regular file"
        raise InputNotFoundError(f"{name}: is {kind}, not a file litgraph can read; save its content to a file "
                                 f"and give that file's path.")
    if info.st_size > MAX_FILE_BYTES:
        raise InputNotFoundError(f"{name}: is {info.st_size / 2**20:,.0f} MiB, more than the "
                                 f"{MAX_FILE_BYTES >> 20:,} MiB a digest file may be; split it into smaller files.")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise InputNotFoundError(f"{name}: cannot be read ({exc.strerror}).") from None
    if len(data) > MAX_FILE_BYTES:  # grew while being read
        raise InputNotFoundError(f"{name}: more than {MAX_FILE_BYTES >> 20:,} MiB; split it into smaller files.")
    return data


#: File endings read when a folder is given (globs and explicit paths take any file).
DIGEST_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson", ".xml", ".atom", ".bib", ".bibtex", ".csv")

_HINT_FORMATS = ("Expected a Daily Papers capture, a daily_papers API JSON, an arXiv Atom feed, "
                 "BibTeX, CSV or JSON Lines with 'title' and 'abstract'.")


#: Byte-order marks, longest first (a UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def text_encoding(data: bytes) -> tuple[str, int]:
    """(the encoding of a text file's bytes, the length of its byte-order mark).

    A byte-order mark decides (UTF-8, UTF-16 and UTF-32, either byte order: what Windows
    Notepad's "Unicode" and PowerShell's ``>`` write); without one, UTF-16 is recognised
    by its zero bytes (every other byte of Latin text), else the text is UTF-8.

    >>> text_encoding("Title".encode("utf-16"))
    ('utf-16-le', 2)
    >>> text_encoding("Title, abstract".encode("utf-16-be"))
    ('utf-16-be', 0)
    >>> text_encoding(b"Title")
    ('utf-8', 0)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    head = data[:8192]
    half = len(head) // 2
    if half >= 2:
        odd, even = head[1::2].count(0), head[0::2].count(0)
        if odd >= 0.4 * half and even <= 0.02 * half:
            return "utf-16-le", 0
        if even >= 0.4 * half and odd <= 0.02 * half:
            return "utf-16-be", 0
    return "utf-8", 0


def _decode(data: bytes, name: str) -> str:
    """The text of a file's bytes in its encoding (:func:`text_encoding`), ``\\n`` line ends; ParseError if binary."""
    if not data.strip():
        raise ParseError(name, "the file is empty.", line=1, hint="Point litgraph at a digest with papers in it.")
    encoding, skip = text_encoding(data)
    if encoding == "utf-8" and b"\x00" in data[:8192]:
        raise UnrecognizedFormatError(name, "this is a binary file, not a text digest.", line=1, hint=_HINT_FORMATS)
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        at = skip + exc.start
        if encoding == "utf-8":
            line = data[:at].count(b"\n") + 1
            raise ParseError(name, f"not valid UTF-8 (byte 0x{data[at]:02x} at offset {at}).", line=line,
                             hint="Save the file as UTF-8 (e.g. `iconv -f latin1 -t utf-8`).") from None
        line = data[skip:at].decode(encoding, "replace").count("\n") + 1
        raise ParseError(name, f"not valid {encoding.upper()} (at byte offset {at}), though it begins as that "
                         f"encoding.", line=line, hint="Save the file again as UTF-8.") from None
    if "\x00" in text[:8192]:
        raise UnrecognizedFormatError(name, "this is a binary file, not a text digest.", line=1, hint=_HINT_FORMATS)
    if not text.strip():
        raise ParseError(name, "the file is empty.", line=1, hint="Point litgraph at a digest with papers in it.")
    return text.replace("\r\n", "\n").replace("\r", "\n")



def _real(path: Path) -> tuple[int, int] | Path:
    try:
        info = os.stat(path)
        return (info.st_dev, info.st_ino)
    except OSError:
        return path


def _matches(parts: list[str], pats: list[str]) -> bool:
    """Whether path segments ``parts`` match glob segments ``pats`` (``**``: any number of folders)."""
    if not pats:
        return not parts
    if pats[0] == "**":
        return any(_matches(parts[i:], pats[1:]) for i in range(len(parts) + 1)
                   if not any(p.startswith(".") for p in parts[:i]))
    return bool(parts) and (not parts[0].startswith(".") or pats[0].startswith(".")) \
        and fnmatch.fnmatchcase(parts[0], pats[0]) and _matches(parts[1:], pats[1:])


def recursive_glob(pattern: str) -> list[Path]:
    """The files a pattern with ``**`` matches, each real folder visited once (a folder linked into itself
    is not walked again and again)."""
    parts = Path(pattern).parts
    first = next(i for i, part in enumerate(parts) if _glob.has_magic(part))
    root = Path(*parts[:first]) if first else Path(".")
    pats = list(parts[first:])
    seen: set = set()
    found = []
    for folder, dirs, files in os.walk(root, followlinks=True):
        key = _real(Path(folder))
        if key in seen:
            dirs[:] = []
            continue
        seen.add(key)
        dirs.sort()
        rel = Path(folder).relative_to(root).parts
        found += [Path(folder) / f for f in sorted(files) if _matches([*rel, f], pats)]
    return found


def _expand(paths: PathLike | Iterable[PathLike]) -> list[tuple[Path, bool]]:
    """Every file to read, with whether it was named explicitly (False: found in a folder or by a glob)."""
    items = [paths] if isinstance(paths, (str, Path)) else list(paths)
    if not items:
        raise InputNotFoundError("No input paths were given. Pass a file, a folder, a glob or a list of paths.")
    out: list[tuple[Path, bool]] = []
    for item in items:
        p = Path(item)
        if any(ch in str(item) for ch in "*?[") and not p.exists():
            matches = sorted(recursive_glob(str(item)) if "**" in str(item) else
                             (Path(m) for m in _glob.glob(str(item)) if Path(m).is_file()))
            if not matches:
                raise InputNotFoundError(f"{display_name(item)}: the pattern matches no file.")
            out.extend((m, False) for m in matches)
        elif p.is_dir():
            files = sorted(f for f in p.iterdir()
                           if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in DIGEST_SUFFIXES)
            if not files:
                raise InputNotFoundError(
                    f"{display_name(p)}: the folder holds no digest files (looked for {', '.join(DIGEST_SUFFIXES)}).")
            out.extend((f, False) for f in files)
        elif p.exists():
            out.append((p, True))
        else:
            raise InputNotFoundError(f"{display_name(p)}: no such file or folder. Check the path.")
    return _first_mention(out)


def _first_mention(files: list[tuple[Path, bool]]) -> list[tuple[Path, bool]]:
    """Each file once (one real file reached by several paths or links is read once), explicit if named so."""
    named: dict[object, tuple[Path, bool]] = {}
    for f, explicit in files:
        key = _real(f)
        first, was = named.get(key, (f, False))
        named[key] = (first, was or explicit)
    return list(named.values())
