"""Scheduled reports: a dated folder with an HTML summary, Markdown, JSON and the graph exports.

:func:`run_report` is what ``litgraph report`` (and a cron job) runs: add new digests to
the store, fit a :class:`~litgraph.LitGraph` on the stored corpus, and write
``<out>/<date>/`` (``index.html``, ``report.md``, ``report.json``, ``graph.html``,
``graph.graphml``, ``nodes.csv``, ``edges.csv``), then point ``<out>/latest`` at it. The
folder is built under a temporary name and renamed at the end, so a run that fails
half-way leaves the previous report and ``latest`` as they were. ``report.json``
follows the JSON Schema in ``litgraph/schemas/report.schema.json``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

from .._validation import check_date
from ..exceptions import InvalidParameterError, LitgraphError

from ._folders import _latest_name, _point_latest, _recover, _swap_in
from ._render import FILES, REPORT_SCHEMA, render_html, render_markdown, report_data

__all__ = ["run_report", "ReportResult", "report_data", "render_markdown", "render_html", "REPORT_SCHEMA"]

logger = logging.getLogger("litgraph")


@dataclass
class ReportResult:
    """What :func:`run_report` did."""

    folder: Path | None
    written: bool
    message: str
    data: dict | None = None



def run_report(digests: list | None, *, db: str | Path, out: str | Path, since: date | str | None = None,
               day: date | str | None = None, params: dict | None = None, captured: date | str | None = None,
               strict: bool = True, force: bool = False,
               progress: Callable[[str], None] | None = None) -> ReportResult:
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
    progress : callable, optional
        Called with the name of each step as it starts.
    """
    from ..ingest import read_digests
    from ..pipeline import LitGraph
    from ..store import Store, embedding_folder

    step = progress or (lambda name: None)
    day = check_date(day, "date", "litgraph report") if day is not None else datetime.now(timezone.utc).date()
    since = check_date(since, "since", "litgraph report", allow_none=True)
    params = dict(params or {})
    if params.get("embedder") is not None and params.get("embedding_cache") is None and embedding_folder(db):
        params["embedding_cache"] = str(embedding_folder(db))
    try:
        model = LitGraph(**params)
    except TypeError as exc:
        raise InvalidParameterError(f"Unknown LitGraph parameter in the configuration: {exc}.") from None
    out = Path(out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LitgraphError(f"{out}: cannot create the report folder ({exc.strerror}).") from None
    _recover(out)
    with Store(db) as store:
        if digests:
            step("reading digests")
            corpus = read_digests(digests, captured=captured, strict=strict)
            step("adding to the store")
            added = store.add(corpus)
            logger.info("%s", added)
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
        model.fit(corpus)
        data = report_data(model, day=day, previous=previous, params=model.get_params())
        step("writing the report")
        tmp = Path(tempfile.mkdtemp(prefix=f".{day.isoformat()}.tmp-{os.getpid()}-", dir=out))
        try:
            os.chmod(tmp, 0o755)
            from ..export import write_csv, write_graphml, write_html

            write_html(model.analysis_, tmp / FILES["graph_html"], title=f"litgraph {day.isoformat()}")
            write_graphml(model.analysis_, tmp / FILES["graphml"])
            write_csv(model.analysis_, tmp / FILES["nodes_csv"])
            (tmp / FILES["json"]).write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                             encoding="utf-8")
            (tmp / FILES["markdown"]).write_text(render_markdown(data), encoding="utf-8")
            (tmp / FILES["index"]).write_text(render_html(data), encoding="utf-8")
            final = out / day.isoformat()
            _swap_in(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        moved = _point_latest(out, final.name)
        store.record_run("report", model.get_params(),
                         {"date": day.isoformat(), "folder": str(final), "paper_ids": corpus.ids,
                          "digest_ids": digest_ids})
    msg = (f"Report written to {final}: {data['corpus']['papers']} papers, {data['corpus']['new_papers']} new, "
           f"{data['graph']['communities']} communities.")
    if not moved:
        msg += f" {out / 'latest'} still points at the later report {_latest_name(out)}."
    return ReportResult(final, True, msg, data)

