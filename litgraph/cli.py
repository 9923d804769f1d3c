"""The ``litgraph`` command line. The only module that reads argv or prints.

Exit codes: 0 success; 1 bad input, a failed write or another litgraph error (one
line on stderr); 2 bad arguments (argparse's usage message).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from . import __version__
from .exceptions import LitgraphError

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    p.add_argument("-q", "--quiet", action="store_true", help="only errors")


def _add_digest_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("digests", nargs="*", metavar="DIGEST", help="digest files, folders or glob patterns")
    p.add_argument("--sample", action="store_true", help="also read the bundled sample digests")


def _digest_paths(args: argparse.Namespace, parser_name: str) -> list:
    from .ingest import sample_paths

    paths = list(args.digests) + (sample_paths() if args.sample else [])
    if not paths:
        raise LitgraphError(f"no digests given: name files, folders or globs, or pass --sample "
                            f"(see `litgraph {parser_name} --help`).")
    return paths


def _add_read_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--captured", metavar="DATE", help="capture date of the digests (YYYY-MM-DD), to complete "
                   "dates shown without a year")
    p.add_argument("--lenient", action="store_true", help="skip bad records with a warning instead of failing")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="litgraph", description="See the papers of your daily digests as a graph.")
    parser.add_argument("--version", action="version", version=f"litgraph {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("ingest", help="add digests to the store", description=(
        "Read digests (files, folders or globs; format recognised by content) and add them to the store. "
        "Digests already stored are left as they are."))
    _add_digest_args(p)
    p.add_argument("--db", default="litgraph.db", help="SQLite store (default: %(default)s)")
    _add_read_options(p)
    _add_common(p)

    p = sub.add_parser("papers", help="list the papers in the store", description=(
        "List stored papers with when they were first seen."))
    p.add_argument("--db", default="litgraph.db", help="SQLite store (default: %(default)s)")
    p.add_argument("--since", metavar="DATE", help="only papers first seen on or after DATE (YYYY-MM-DD)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    _add_common(p)
    return parser


def _setup_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="litgraph: %(message)s", stream=sys.stderr)
    logging.getLogger("litgraph").setLevel(level)


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import read_digests
    from .store import Store

    corpus = read_digests(_digest_paths(args, "ingest"), captured=args.captured, strict=not args.lenient)
    with Store(args.db) as store:
        result = store.add(corpus)
        n_papers, n_digests = store.counts()
    if not args.quiet:
        print(f"{result}. Store {args.db}: {n_papers} papers, {n_digests} digests.")
    return EXIT_OK


def _cmd_papers(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .store import Store

    if args.db != ":memory:" and not Path(args.db).exists():
        raise LitgraphError(f"{args.db}: no such store; create it with `litgraph ingest DIGESTS --db {args.db}`.")
    with Store(args.db) as store:
        df = store.papers_frame(since=args.since)
    if args.format == "csv":
        df.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(df.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        view = df[["id", "title", "first_seen_digest_name", "n_appearances", "upvotes"]].copy()
        view["title"] = view["title"].str.slice(0, 70)
        print(view.to_string(index=False) if len(view) else "no papers")
    return EXIT_OK


_COMMANDS = {"ingest": _cmd_ingest, "papers": _cmd_papers}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_logging(args)
    import warnings

    from .exceptions import LitgraphWarning

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"litgraph: warning: {message}", file=sys.stderr)

    warnings.showwarning = show
    warnings.simplefilter("always", LitgraphWarning)
    try:
        return _COMMANDS[args.command](args)
    except LitgraphError as exc:
        print(f"litgraph: error: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("litgraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


def run() -> None:  # console-script entry point
    sys.exit(main())


if __name__ == "__main__":
    run()
