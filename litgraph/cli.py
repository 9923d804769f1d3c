"""The ``litgraph`` command line. The only module that reads argv or prints.

Exit codes: 0 success; 1 bad input, a failed write or another litgraph error (one
line on stderr); 2 bad arguments (argparse's usage message).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Sequence

from ._cli_session import _cluster, _Progress, _session
from ._text import printable
from ._version import __version__
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

    p = sub.add_parser("build", help="build, analyse and export the graph in one go", description=(
        "Read digests, build and analyse the paper graph, and write it in the format the --out ending names "
        "(.html, .graphml, .gexf, .json, .csv, .png, .svg). With --db the digests are added to the store and "
        "the graph covers everything stored."))
    _add_digest_args(p)
    p.add_argument("--out", required=True, help="output file; its ending chooses the format")
    p.add_argument("--db", help="also add the digests to this store and build from all it holds")
    _add_model_options(p)
    p.add_argument("--size-by", default="pagerank", help="HTML: what sets node size (default: %(default)s)")
    p.add_argument("--max-nodes", type=int, default=400,
                   help="HTML: most papers drawn at once in a community view (default: %(default)s)")
    _add_read_options(p)
    _add_common(p)

    p = sub.add_parser("report", help="write the dated report (for cron)", description=(
        "Add new digests to the store, analyse everything stored, and write OUT/<date>/ with index.html, "
        "report.md and report.json; OUT/latest points at it, and OUT/graph/graph.html holds the newest "
        "interactive graph. Communities keep their ids from the previous report. With no new digest since the "
        "previous report nothing is written."))
    p.add_argument("digests", nargs="*", metavar="DIGEST", help="new digest files, folders or globs")
    p.add_argument("--sample", action="store_true", help="also read the bundled sample digests")
    p.add_argument("--db", default="litgraph.db", help="SQLite store (default: %(default)s)")
    p.add_argument("--out", default="outputs", help="folder of dated reports (default: %(default)s)")
    p.add_argument("--since", metavar="DATE", help="only digests of DATE (YYYY-MM-DD) or later enter the analysis")
    p.add_argument("--date", metavar="DATE", help="the report's date and folder name (default: today, UTC)")
    p.add_argument("--force", action="store_true", help="write a report even if no digest is new")
    p.add_argument("--exports", choices=["view", "all", "dated", "none"], default="view",
                   help="graph files: 'view' OUT/graph/graph.html (default); 'all' also GraphML and CSV there; "
                        "'dated' all of them in the dated folder; 'none' only the summary")
    p.add_argument("--keep", type=int, metavar="N", help="keep only the N newest dated report folders")
    p.add_argument("--refit", action="store_true", help="rebuild the graph from scratch instead of extending the "
                                                       "saved one (done anyway every 7 days or after 10%% growth)")
    _add_model_options(p)
    _add_read_options(p)
    _add_common(p)

    p = sub.add_parser("papers", help="list the papers in the store", description=(
        "List stored papers with when they were first seen."))
    p.add_argument("--db", default="litgraph.db", help="SQLite store (default: %(default)s)")
    p.add_argument("--since", metavar="DATE", help="only papers first featured in a digest of DATE (YYYY-MM-DD) "
                   "or later")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="output format")
    _add_common(p)
    return parser


def _add_model_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("graph and analysis (LitGraph parameters; also settable in --config)")
    g.add_argument("--config", metavar="TOML", help="TOML file whose keys are LitGraph parameters")
    g.add_argument("--layers", metavar="SPEC", help="layer weights, e.g. concepts=1,similarity=1,digest=0.2")
    g.add_argument("--seed", type=int, help="random seed (default 0)")
    g.add_argument("--method", choices=["leiden", "louvain"], help="community detection (default leiden)")
    g.add_argument("--resolution", type=float, help="community resolution, > 0 (default 1.0)")
    g.add_argument("--min-community-size", type=int, dest="min_community_size",
                   help="smaller communities are grouped as 'other' (default 3)")
    g.add_argument("--weight", help="analyse the layer mix ('weight', default) or one layer")
    g.add_argument("--similarity", choices=["words", "semantic", "fused"],
                   help="how alike two papers' texts are: word vectors (default), sentence embeddings of the "
                   "packaged all-MiniLM-L6-v2 (extra 'semantic'), or both; vectors are kept in the store")
    g.add_argument("--embedder", metavar="MODEL", help="the sentence-embedding model of 'semantic' and 'fused': "
                   "'all-MiniLM-L6-v2' (extra 'semantic') or a model folder")
    g = p.add_argument_group("where it runs")
    g.add_argument("--scheduler", metavar="ADDRESS",
                   help="run the per-paper stages on the Dask cluster of this scheduler, e.g. tcp://10.0.0.5:8786 "
                        "(extra 'distributed'; default: $LITGRAPH_SCHEDULER, else in this process)")


def _model_params(args: argparse.Namespace) -> dict:
    """LitGraph parameters from --config, overridden by the command-line flags."""
    import inspect

    from .pipeline import LitGraph

    known = [k for k in inspect.signature(LitGraph.__init__).parameters if k != "self"]
    params: dict = {}
    if args.config:
        import tomllib

        from pathlib import Path

        from .exceptions import InputNotFoundError, InvalidParameterError
        from .ingest._files import display_name, read_bytes

        name = display_name(args.config)
        try:
            params = tomllib.loads(read_bytes(Path(args.config)).decode("utf-8-sig"))
        except InputNotFoundError as exc:
            raise LitgraphError(str(exc).replace("no such file.", "no such config file.")) from None
        except UnicodeDecodeError as exc:
            raise LitgraphError(f"{name}: the config is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
                                f"{exc.start}); save it as UTF-8.") from None
        except tomllib.TOMLDecodeError as exc:
            raise LitgraphError(f"{name}: not valid TOML ({exc}).") from None
        except RecursionError:
            raise LitgraphError(f"{name}: not a usable config (tables or arrays nested too deeply); the keys are "
                                f"LitGraph parameters, one level of tables at most.") from None
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise LitgraphError(f"{name}: unknown key {unknown[0]!r}; the keys are LitGraph parameters: "
                                f"{', '.join(known)}.")
        try:
            LitGraph(**params).check_params()
        except InvalidParameterError as exc:
            raise InvalidParameterError(f"{name}: {exc}") from None
    if args.layers:
        layers = {}
        for part in args.layers.split(","):
            name, _, value = part.partition("=")
            try:
                layers[name.strip()] = float(value) if value else 1.0
            except ValueError:
                raise LitgraphError(f"--layers: {part!r} is not NAME=WEIGHT (e.g. concepts=1,similarity=0.5).") from None
        params["layers"] = layers
    for key in ("seed", "method", "resolution", "min_community_size", "weight", "similarity", "embedder"):
        value = getattr(args, key, None)
        if value is not None:
            params[key] = value
    return params


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingest import read_digests
    from .store import Store

    corpus = read_digests(_digest_paths(args, "ingest"), captured=args.captured, strict=not args.lenient)
    with Store(args.db) as store:
        result = store.add(corpus)
        n_papers, n_digests = store.counts()
    if not args.quiet:
        print(printable(f"{result}. Store {args.db}: {n_papers} papers, {n_digests} digests."))
    return EXIT_OK


def _cmd_papers(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .store import Store

    if args.db != ":memory:" and not Path(args.db).exists():
        raise LitgraphError(f"{args.db}: no such store; create it with `litgraph ingest DIGESTS --db {args.db}`.")
    from ._text import strip_control
    from .export._common import csv_safe

    with Store(args.db, readonly=True) as store:  # listing works on a read-only file or mount
        df = store.papers_frame(since=args.since)
    for col in ("title", "first_seen_digest_name"):  # no escape sequence from a digest reaches the terminal
        df[col] = df[col].map(lambda s: strip_control(s).replace("\n", " ") if isinstance(s, str) else s)
    if args.format == "csv":
        csv_safe(df).to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(df.to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        view = df[["id", "title", "first_featured", "n_appearances", "upvotes"]].copy()
        view["title"] = view["title"].str.slice(0, 70)
        view["first_featured"] = view["first_featured"].dt.strftime("%Y-%m-%d")
        print(view.to_string(index=False) if len(view) else "no papers")
    return EXIT_OK


def _cmd_build(args: argparse.Namespace) -> int:
    from pathlib import Path

    from .export import WRITERS

    out = Path(args.out)
    if out.suffix.lower() not in WRITERS:
        raise LitgraphError(f"--out {args.out}: the ending must be one of {', '.join(WRITERS)}.")
    params = _model_params(args)
    with _cluster(args):
        return _build(args, out, params)


def _build(args: argparse.Namespace, out, params: dict) -> int:
    from .ingest import read_digests
    from .pipeline import LitGraph
    from .store import Store

    progress = _Progress(4, args.quiet)
    try:
        progress("reading digests")
        corpus = read_digests(_digest_paths(args, "build"), captured=args.captured, strict=not args.lenient)
        try:
            model = LitGraph(**params)
        except TypeError as exc:  # a key LitGraph does not take
            raise LitgraphError(f"bad parameter: {exc}") from None
        with Store(args.db) if args.db else contextlib.nullcontext() as store:
            if store is not None:
                store.add(corpus)
                corpus = store.corpus()
            progress("building and analysing the graph")
            model.fit(corpus, store=store)  # the store keeps sentence vectors between runs
        progress("writing")
        kwargs = {"size_by": args.size_by, "max_nodes": args.max_nodes} if out.suffix.lower() == ".html" else {}
        written = model.export(out, **kwargs)
        progress("done")
    finally:
        progress.close()
    if not args.quiet:
        names = ", ".join(str(p) for p in (written if isinstance(written, tuple) else (written,)))
        res = model.analysis_
        print(printable(f"{len(corpus)} papers, {model.graph_.n_edges} linked pairs, {res.n_communities} "
                        f"communities (modularity {res.modularity:.2f}); wrote {names}."))
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from .ingest import sample_paths
    from .report import run_report

    digests = list(args.digests) + ([str(p) for p in sample_paths()] if args.sample else [])
    params = _model_params(args)
    with _cluster(args):
        return _report(args, digests, params, run_report)


def _report(args: argparse.Namespace, digests: list, params: dict, run_report) -> int:
    progress = _Progress(4, args.quiet)
    try:
        result = run_report(digests, db=args.db, out=args.out, since=args.since, day=args.date,
                            params=params, captured=args.captured, strict=not args.lenient,
                            force=args.force, exports=args.exports, keep=args.keep, refit=args.refit,
                            progress=progress)
    finally:
        progress.close()
    if not args.quiet:
        print(printable(result.message))
    return EXIT_OK


_COMMANDS = {"ingest": _cmd_ingest, "papers": _cmd_papers, "build": _cmd_build, "report": _cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (argparse exits with 2 on bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _session(args):
            return _COMMANDS[args.command](args)
    except BrokenPipeError:  # the reader went away (`litgraph papers | head`): not an error
        _silence_stdout()
        return EXIT_OK
    except LitgraphError as exc:
        print(f"litgraph: error: {printable(str(exc).splitlines()[0]) if str(exc) else type(exc).__name__}",
              file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a failed write or read the code did not name more precisely
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(printable(f"litgraph: error: {where}{exc.strerror or exc}"), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("litgraph: interrupted", file=sys.stderr)
        return 130


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush does not fail on the closed pipe."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def run() -> None:  # console-script entry point
    import gc

    # A run builds hundreds of thousands of small containers (papers, links, frames) that live to the end; the
    # cyclic collector's default thresholds walk them again and again (about a tenth of a daily run's CPU time).
    # The process ends after one command, so collections are made rarer (cycles are still collected).
    gc.set_threshold(100_000, 50, 100)
    sys.exit(main())


if __name__ == "__main__":
    run()
