"""What each command runs inside: one-line log messages and warnings, the progress of its steps, and the Dask
cluster it builds on (``--scheduler``)."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Iterator

from ._text import printable


class _Progress:
    """Step messages: a progress bar on a terminal, log lines otherwise (quiet under cron)."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.bar = None
        if not quiet and sys.stderr.isatty():
            import shutil

            from tqdm import tqdm

            # a terminal that reports a size of 0 x 0 (some pseudo-terminals) would hide the bar
            size = shutil.get_terminal_size()
            self.bar = tqdm(total=total, file=sys.stderr, bar_format="{desc:<34} {bar} {n_fmt}/{total_fmt}",
                            leave=False, ncols=min(size.columns, 100), nrows=size.lines)

    def __call__(self, name: str) -> None:
        logging.getLogger("litgraph").info("%s", name)
        if self.bar is not None:
            self.bar.set_description_str(name)
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class _OneLine(logging.Formatter):
    """Log lines with control characters, line breaks and undecodable bytes escaped (file names are data)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


@contextlib.contextmanager
def _session(args: argparse.Namespace) -> Iterator[None]:
    """Log lines and warnings on this invocation's stderr, as one line each; everything is put back after.

    Nothing global outlives the call, so ``main`` can run many times in one process (tests, notebooks).
    """
    import warnings

    from .exceptions import LitgraphWarning

    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    log = logging.getLogger("litgraph")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine("litgraph: %(message)s"))
    saved = (log.level, log.propagate)
    log.addHandler(handler)
    log.setLevel(level)
    log.propagate = False

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"litgraph: warning: {printable(str(message))}", file=sys.stderr)

    try:
        with warnings.catch_warnings():  # restores the filters and showwarning on the way out
            warnings.showwarning = show
            warnings.simplefilter("always", LitgraphWarning)
            yield
    finally:
        log.removeHandler(handler)
        log.setLevel(saved[0])
        log.propagate = saved[1]


@contextlib.contextmanager
def _cluster(args: argparse.Namespace) -> Iterator[None]:
    """The build on the Dask cluster of --scheduler (or $LITGRAPH_SCHEDULER) inside the block, connected
    before anything is read or written; in this process without either."""
    import os

    from .engine import connect, using

    address = args.scheduler or os.environ.get("LITGRAPH_SCHEDULER") or None
    if address is None:
        yield
        return
    where = "--scheduler" if args.scheduler else "LITGRAPH_SCHEDULER"
    client = connect(address, where=where)
    try:
        with using(client) as engine:
            logging.getLogger("litgraph").info("building on the Dask cluster at %s (%d workers)", address,
                                              engine.workers)
            yield
    finally:
        client.close()
