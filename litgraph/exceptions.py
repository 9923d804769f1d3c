"""Exceptions raised by litgraph.

Every error a user can cause derives from :class:`LitgraphError`, so one
``except lg.LitgraphError`` catches them all::

    LitgraphError
    ├── InputNotFoundError (also FileNotFoundError)   a path that does not exist or holds no input
    ├── ParseError (also ValueError)                  a file that does not parse; names file and line
    │   └── UnrecognizedFormatError                   a file that is not a digest in any known format
    ├── InvalidParameterError (also ValueError, TypeError)
    ├── EmptyGraphError (also ValueError)             an operation that needs papers or edges got none
    ├── NotFittedError (also AttributeError)          a result asked of a model before ``fit``
    ├── StoreError                                    the SQLite store cannot be used as asked
    ├── EngineError                                   the Dask cluster cannot be used as asked
    └── RefitNeeded                                   a daily (incremental) build cannot go on: build in full

Warnings derive from :class:`LitgraphWarning`; :class:`SkippedRecordsWarning` is
issued by lenient (``strict=False``) reading for every file with skipped records.
"""

from __future__ import annotations

__all__ = [
    "LitgraphError",
    "InputNotFoundError",
    "ParseError",
    "UnrecognizedFormatError",
    "InvalidParameterError",
    "EmptyGraphError",
    "NotFittedError",
    "StoreError",
    "EngineError",
    "RefitNeeded",
    "LitgraphWarning",
    "SkippedRecordsWarning",
]


class LitgraphError(Exception):
    """Base class of every error litgraph raises for a user's input or parameters."""


class InputNotFoundError(LitgraphError, FileNotFoundError):
    """A path given as input does not exist, or a folder or glob holds no input files."""


class ParseError(LitgraphError, ValueError):
    """A file's content does not match what its format requires.

    Parameters
    ----------
    source : str
        The file (or ``"<string>"``) being read.
    message : str
        What was expected and what was found.
    line : int, optional
        1-based line number, when the format is line-oriented.
    path : str, optional
        Location inside a structured document (a JSON path such as ``$[3].paper.title``,
        a BibTeX entry key, an XML element).
    hint : str, optional
        What the user can do about it.
    """

    def __init__(
        self,
        source: str,
        message: str,
        *,
        line: int | None = None,
        path: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.path = path
        self.message = message
        self.hint = hint
        super().__init__(self._format())

    def location(self) -> str:
        """``file:line`` or ``file at path``: where the problem is."""
        loc = str(self.source)
        if self.line is not None:
            loc += f":{self.line}"
        if self.path:
            loc += f" at {self.path}"
        return loc

    def _format(self) -> str:
        text = f"{self.location()}: {self.message}"
        if self.hint:
            text += f" {self.hint}"
        # one line whatever the input held (an entry key or a title with a line break or an escape sequence)
        return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)

    def __reduce__(self):  # keep picklable across processes
        return (_rebuild_parse_error, (type(self), self.source, self.message, self.line, self.path, self.hint))


def _rebuild_parse_error(cls, source, message, line, path, hint):
    return cls(source, message, line=line, path=path, hint=hint)


class UnrecognizedFormatError(ParseError):
    """A file is not a digest in any format litgraph reads (a shopping list, a README, a JSON of another shape).

    Reading a folder skips such files with a warning that names them; naming the file
    itself raises.
    """


class InvalidParameterError(LitgraphError, ValueError, TypeError):
    """A parameter has a value or type outside what its owner accepts."""


class EmptyGraphError(LitgraphError, ValueError):
    """An operation that needs papers or edges was given none."""


class NotFittedError(LitgraphError, AttributeError):
    """A result was asked of a model before it was fitted."""


class StoreError(LitgraphError):
    """The store cannot be opened or used as asked (wrong file, newer schema, ...)."""


class EngineError(LitgraphError):
    """The Dask cluster a build was asked to run on cannot be used: not reachable, no worker, a closed client,
    workers without this version of litgraph, or a task that keeps ending its worker."""


class RefitNeeded(LitgraphError):
    """A graph cannot be extended incrementally (the saved state, a layer or the corpus does not allow it); the
    message says why, and a full build is the way on."""


class LitgraphWarning(UserWarning):
    """Base class of litgraph's warnings."""


class SkippedRecordsWarning(LitgraphWarning):
    """Lenient reading skipped records; the message counts and locates them."""
