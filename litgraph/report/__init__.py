"""Scheduled reports: a dated folder with an HTML summary, Markdown and JSON; the graph beside it.

:func:`run_report` is what ``litgraph report`` (and a cron job) runs: add new digests to
the store, fit a :class:`~litgraph.LitGraph` on the stored corpus (starting from the
previous report's communities, so they keep their ids), and write ``<out>/<date>/``
(``index.html``, ``report.md``, ``report.json``: what a reader opens, small enough to
keep for years), then point ``<out>/latest`` at it. The interactive graph of the newest
report goes to ``<out>/graph/graph.html`` (with ``exports="all"`` also ``graph.graphml``,
``nodes.csv``, ``edges.csv``; ``"dated"`` puts all of them in the dated folder instead).
Folders are built under a temporary name and renamed at the end, so a run that fails
half-way leaves the previous report and ``latest`` as they were. ``report.json``
follows the JSON Schema in ``litgraph/schemas/report.schema.json``.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable

from .._step import Int, Options, constrained
from .._validation import check_date
from ..exceptions import InvalidParameterError, LitgraphError

from ._folders import Publication, _latest_name, _recover
from ._render import (FILES, REPORT_SCHEMA, previous_membership, render_html, render_markdown, report_data,
                      topics_summary)

__all__ = ["run_report", "ReportResult", "report_data", "render_markdown", "render_html", "REPORT_SCHEMA"]

logger = logging.getLogger("litgraph")


@dataclass
class ReportResult:
    """What :func:`run_report` did."""

    folder: Path | None
    written: bool
    message: str
    data: dict | None = None



#: The graph files of a report (see ``exports`` in :func:`run_report`).
EXPORTS = ["view", "all", "dated", "none"]


@constrained("litgraph report", exports=Options(tuple(EXPORTS)), keep=Int(min_value=1, allow_none=True))
def run_report(digests: list | None, *, db: str | Path, out: str | Path, since: date | str | None = None,
               day: date | str | None = None, params: dict | None = None, captured: date | str | None = None,
               strict: bool = True, force: bool = False, exports: str = "view", keep: int | None = None,
               refit: bool = False, progress: Callable[[str], None] | None = None,
               client: Any = None) -> ReportResult:
    """Add new digests to the store, analyse, and write the dated report folder.

    Parameters
    ----------
    digests : list of paths, optional
        New digests to add first (files, folders, globs); none: report on the store as it is.
    db : path
        The SQLite store.
    out : path
        Where dated report folders go (created if missing).
    since : date or str, optional
        Only digests dated on or after this day enter the analysis.
    day : date or str, optional
        The report's date (its folder name); default: today (UTC).
    params : dict, optional
        :class:`~litgraph.LitGraph` parameters.
    force : bool, default False
        Write a report even when no digest is new since the previous one.
    exports : {"view", "all", "dated", "none"}, default "view"
        Which graph files are written and where: ``"view"`` the interactive graph in
        ``<out>/graph/``; ``"all"`` also GraphML and the CSV tables there; ``"dated"`` all of
        them inside the dated folder (a full snapshot per report); ``"none"`` only the summary.
    keep : int, optional
        Keep only this many dated report folders (the newest); older ones are deleted.
    refit : bool, default False
        Rebuild the graph from scratch. Without it a run extends the graph saved by the
        previous one with the new papers (see :mod:`litgraph.incremental`), unless a full
        rebuild is due (first run, changed parameters, 10% growth or 7 days since the last
        one); the report says which was done and why.
    progress : callable, optional
        Called with the name of each step as it starts.
    client : distributed.Client, optional
        Build the graph's per-paper stages on this Dask cluster (see :mod:`litgraph.engine`);
        the report is the same as in process. The store is read and written here only.
    """
    from ..engine import as_engine, using
    from ..ingest import read_digests
    from ..pipeline import LitGraph
    from ..store import Store

    client = as_engine(client)  # a closed client or a cluster without workers is refused before anything is written
    step = progress or (lambda name: None)
    day = check_date(day, "date", "litgraph report") if day is not None else datetime.now(timezone.utc).date()
    since = check_date(since, "since", "litgraph report", allow_none=True)
    params = dict(params or {})
    try:
        model = LitGraph(**params)
    except TypeError as exc:
        raise InvalidParameterError(f"Unknown LitGraph parameter in the configuration: {exc}.") from None
    out = Path(out)
    with Store(db) as store:
        store.check_writable()  # a read-only store is refused before anything is written
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LitgraphError(f"{out}: cannot create the report folder ({exc.strerror}).") from None
        _recover(out)
        added = None
        if digests:
            step("reading digests")
            corpus = read_digests(digests, captured=captured, strict=strict, known=store.content_hashes())
            _check_day(store, day, force, corpus)
            if len(corpus.digests):
                step("adding to the store")
                added = store.add(corpus)
                logger.info("%s", added)
        else:
            _check_day(store, day, force)
        try:
            with using(client):
                return _report(store, model, out=out, db=db, day=day, since=since, force=force, exports=exports,
                               keep=keep, refit=refit, step=step)
        except (LitgraphError, OSError) as exc:
            raise _not_published(exc, out, added) from None


def _report(store, model, *, out: Path, db, day: date, since: date | None, force: bool, exports: str,
            keep: int | None, refit: bool, step: Callable[[str], None]) -> ReportResult:
    """Analyse what the store holds and publish the report (run_report after the digests are added)."""
    previous = store.last_run("report")
    digest_ids = store.digests_frame()["id"].tolist()
    if not digest_ids:
        raise LitgraphError(f"{db}: the store holds no digests; pass digest files to `litgraph report`.")
    if previous and not force and set(previous["summary"].get("digest_ids", [])) == set(digest_ids):
        msg = (f"No new digest since the report of {previous['summary'].get('date')}; nothing written "
               f"(use --force to write one anyway).")
        return ReportResult(None, False, msg)
    corpus = store.corpus(since=since)
    if len(corpus) == 0:
        raise LitgraphError(f"No digest dated on or after {since} in {db}; choose an earlier --since.")
    step("building and analysing the graph")
    state, reason = _saved_state(store, corpus, model, day, refit)
    model.fit(corpus, previous=previous_membership(previous) or None, state=state, keep_state=True, store=store)
    run = {"kind": model.fit_kind_, "reason": reason if state is None else model.fit_reason_,
           "new_papers": len(corpus) - len(state.ids) if state is not None and model.fit_kind_ == "incremental"
           else len(corpus)}
    data = report_data(model, day=day, previous=previous, params=model.result_params(), files=_files(exports, model.analysis_.n_communities > 0), run=run)
    step("writing the report")
    final = out / day.isoformat()
    positions = None
    if exports != "none":
        from ..export import stable_positions

        positions = stable_positions(model.analysis_, _load_positions(store))
    # Everything is written aside first; the store's records and the folders then change together.
    pub = Publication(out)
    try:
        if exports in ("view", "all"):
            pub.stage(SHARED, lambda tmp: _write_exports(model.analysis_, tmp, day, exports, positions))
        pub.stage(final.name, lambda tmp: _write_summary(model.analysis_, tmp, data, day, exports, positions))
        with store.batch():
            if positions is not None:
                _save_positions(store, positions, model.analysis_)
            if getattr(model, "state_", None) is not None:
                if model.fit_kind_ == "full":
                    model.state_.full_fit_day = day.isoformat()
                model.state_.model_params = json.loads(json.dumps(model.result_params(), default=str))
                store.save_state(STATE_KEY, model.state_.to_bytes())
            store.record_run("report", model.result_params(),
                             {"date": day.isoformat(), "folder": str(final), "paper_ids": corpus.ids,
                              "digest_ids": digest_ids, **topics_summary(model.analysis_)})
            moved = pub.publish(final.name)
    except BaseException:
        pub.undo()
        raise
    pub.finish()
    pruned = _prune(out, keep, final.name) if keep is not None else []
    msg = (f"Report written to {final}: {data['corpus']['papers']} papers, {data['corpus']['new_papers']} new, "
           f"{data['graph']['communities']} communities.")
    if not moved:
        msg += f" {out / 'latest'} still points at the later report {_latest_name(out)}."
    if pruned:
        msg += f" Deleted {len(pruned)} old report folder(s) (keep={keep})."
    return ReportResult(final, True, msg, data)


def _not_published(exc: BaseException, out: Path, added) -> LitgraphError:
    """The error of a report that failed after the digests were added: what failed, and what was kept."""
    what = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, OSError) and not isinstance(exc, LitgraphError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        what = f"{where}{exc.strerror or exc}."
    kept = (f"; the store keeps the {len(added.new_digests)} digest(s) this run added ({len(added.new_papers)} new "
            f"paper(s)), so the next run reports on them" if added is not None and added.changed else "")
    text = f"{what} No report was published ({out} is as it was){kept}."
    try:
        return type(exc)(text) if isinstance(exc, LitgraphError) else LitgraphError(text)
    except TypeError:  # an error class that takes more than a message
        return LitgraphError(text)


def _check_day(store, day: date, force: bool, corpus=None) -> None:
    """Refuse a report date more than a day after both today and the newest digest (a mistyped year), unless forced.

    A report dated in the future would hold ``latest`` and keep every later report from moving it.
    ``corpus`` holds the digests about to be added.
    """
    if force:
        return
    days = [store.newest_digest_day()] + [d.date or d.captured for d in (corpus.digests if corpus else ())]
    newest = max((d for d in days if d is not None), default=None)
    limit = max(datetime.now(timezone.utc).date(), newest or date.min) + timedelta(days=1)
    if day > limit:
        raise InvalidParameterError(
            f"The 'date' of the report is {day}, after today and after the newest digest "
            f"({newest or 'none dated'}). Check the year, or pass --force to date a report in the future.")


#: Key of the saved graph state in the store.
STATE_KEY = "report-graph"
#: Key of the previous report's drawing (where each paper was drawn) in the store.
LAYOUT_KEY = "report-layout"


def _saved_state(store, corpus, model, day: date, refit: bool):
    """(the saved graph state to extend, or None; why a full build is done)."""
    from ..incremental import GraphState, RefitNeeded, needs_refit

    if refit:
        return None, "a full rebuild was asked for (--refit)"
    blob = store.load_state(STATE_KEY)
    if blob is None:
        return None, "no saved graph state (first run)"
    try:
        state = GraphState.from_bytes(blob)
    except RefitNeeded as exc:
        return None, str(exc)
    reason = needs_refit(state, corpus, json.loads(json.dumps(model.result_params(), default=str)), day.isoformat())
    return (None, reason) if reason else (state, "")


#: Folder (in ``out``) of the newest report's graph files.
SHARED = "graph"
_GRAPH_FILES = {"graph_html": "graph.html", "graphml": "graph.graphml", "nodes_csv": "nodes.csv",
                "edges_csv": "edges.csv"}


def _files(exports: str, has_map: bool = True) -> dict:
    """What ``report.json`` lists under ``files``: paths relative to the dated folder, None if not written (the map
    picture needs a community to draw)."""
    files = {k: FILES[k] for k in ("index", "markdown", "json")}
    files["map"] = FILES["map"] if has_map else None
    for key, name in _GRAPH_FILES.items():
        wanted = exports in ("all", "dated") or (exports == "view" and key == "graph_html")
        files[key] = None if not wanted else (name if exports == "dated" else f"../{SHARED}/{name}")
    return files


def _load_positions(store) -> dict | None:
    """The previous report's drawing: paper id -> (x, y, community), or None."""
    blob = store.load_state(LAYOUT_KEY)
    if blob is None:
        return None
    import io

    import numpy as np

    from .._arrays import BLOB_DAMAGE

    try:
        z = np.load(io.BytesIO(blob), allow_pickle=False)
        ids = json.loads(bytes(z["ids"]).decode("utf-8"))
        xy, c = z["xy"], z["c"]
        if not (isinstance(ids, list) and all(isinstance(i, str) for i in ids) and xy.shape == (len(ids), 2)
                and c.shape == (len(ids),) and np.isfinite(xy).all()):
            raise ValueError("the parts of the saved drawing do not fit together")
        return {pid: (float(x), float(y), int(k)) for pid, (x, y), k in zip(ids, xy.tolist(), c.tolist())}
    except BLOB_DAMAGE:
        logger.warning("the saved drawing of the previous report cannot be read; the graph is laid out afresh")
        return None


def _save_positions(store, positions: dict, res) -> None:
    import io

    import numpy as np

    ids = list(positions)
    buf = io.BytesIO()
    np.savez(buf, ids=np.frombuffer(json.dumps(ids).encode("utf-8"), dtype=np.uint8),
             xy=np.array([positions[p] for p in ids], dtype=float).reshape(-1, 2),
             c=np.array([res.community_of(p) for p in ids], dtype=np.int64))
    store.save_state(LAYOUT_KEY, buf.getvalue())


def _write_exports(res, folder: Path, day: date, exports: str, positions=None) -> None:
    from ..export import write_csv, write_graphml, write_html

    write_html(res, folder / _GRAPH_FILES["graph_html"], title=f"litgraph {day.isoformat()}", positions=positions)
    if exports in ("all", "dated"):
        write_graphml(res, folder / _GRAPH_FILES["graphml"], positions=positions)  # the page's drawing, not another
        write_csv(res, folder / _GRAPH_FILES["nodes_csv"], positions=positions)


def _write_summary(res, folder: Path, data: dict, day: date, exports: str, positions=None) -> None:
    if exports == "dated":
        _write_exports(res, folder, day, exports, positions)
    from ..export._mapimage import write_map_image

    if data["files"].get("map"):
        write_map_image(res, folder / FILES["map"], positions=positions)
    (folder / FILES["json"]).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                        encoding="utf-8")
    (folder / FILES["markdown"]).write_text(render_markdown(data), encoding="utf-8")
    (folder / FILES["index"]).write_text(render_html(data), encoding="utf-8")


_DATED = re.compile(r"\d{4}-\d{2}-\d{2}")


def _prune(out: Path, keep: int, written: str) -> list[str]:
    """Delete all but the ``keep`` newest dated folders (never the one ``latest`` points at, nor ``written``)."""
    spared = {_latest_name(out), written}
    dated = sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink() and _DATED.fullmatch(p.name))
    doomed = [name for name in dated[:-keep] if name not in spared] if len(dated) > keep else []
    for name in doomed:
        shutil.rmtree(out / name, ignore_errors=True)
        logger.info("deleted the old report folder %s (keep=%d)", out / name, keep)
    return doomed

