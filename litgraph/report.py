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

import html as _html
import json
import logging
import os
import platform
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ._text import safe_url, strip_control
from ._validation import check_date
from .exceptions import InvalidParameterError, LitgraphError

_WS = re.compile(r"\s+")

__all__ = ["run_report", "ReportResult", "report_data", "render_markdown", "render_html", "REPORT_SCHEMA"]

logger = logging.getLogger("litgraph")

#: The JSON Schema of ``report.json``.
REPORT_SCHEMA = json.loads((resources.files("litgraph") / "schemas" / "report.schema.json").read_text("utf-8"))

FILES = {"index": "index.html", "markdown": "report.md", "json": "report.json", "graph_html": "graph.html",
         "graphml": "graph.graphml", "nodes_csv": "nodes.csv", "edges_csv": "edges.csv"}


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("litgraph", "networkx", "igraph", "pandas", "scikit-learn", "pyvis", "numpy", "scipy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            from . import __version__

            out[name] = __version__ if name == "litgraph" else "unknown"
    return out


def _num(x: Any) -> Any:
    """Plain JSON numbers (no numpy types, no NaN)."""
    import math

    if hasattr(x, "item"):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return 0.0
    return x


def report_data(model, *, day: date, previous: dict | None = None, params: dict | None = None,
                top_k: int = 15, n_bridges: int = 10, n_rising: int = 15) -> dict:
    """The facts of a report as a JSON-ready dict (the shape of ``report.json``); computes nothing new."""
    res = model.analysis_ if hasattr(model, "analysis_") else model
    graph, corpus = res.graph, res.graph.corpus
    prev_ids = set(previous["summary"].get("paper_ids", [])) if previous else set()
    prev_digests = set(previous["summary"].get("digest_ids", [])) if previous else set()
    new_ids = [pid for pid in corpus.ids if pid not in prev_ids]
    comms = res.communities_frame()
    kp = res.key_papers(top_k)
    br = res.bridges(n_bridges)
    tr = res.trends()
    layers = graph.edges_frame()["kind"].value_counts().to_dict()
    return {
        "schema": "litgraph-report/1",
        "date": day.isoformat(),
        "previous_report": previous["summary"].get("date") if previous else None,
        "versions": _versions(),
        "parameters": json.loads(json.dumps(params or {}, default=str)),
        "corpus": {"papers": len(corpus), "digests": len(corpus.digests),
                   "dated_digests": sum(1 for d in corpus.digests if d.date is not None),
                   "new_papers": len(new_ids),
                   "new_digests": sum(1 for d in corpus.digests if d.id not in prev_digests)},
        "graph": {"linked_pairs": graph.n_edges, "layers": {k: int(layers.get(k, 0)) for k in graph.layer_weights},
                  "communities": res.n_communities, "modularity": _num(round(res.modularity, 6))},
        "communities": [{"community": int(c.community), "label": c.label, "size": int(c.size),
                         "cohesion": _num(round(c.cohesion, 6)), "modularity_share": _num(round(c.modularity_share, 6)),
                         "top_papers": [t for t in c.top_papers.split(" | ") if t]} for c in comms.itertuples()],
        "key_papers": [{"rank": int(p.rank), "id": p.id, "title": p.title, "community": int(p.community),
                        "label": p.label, "score": _num(round(p.score, 6)), "pagerank": _num(p.pagerank),
                        "betweenness": _num(p.betweenness), "degree": int(p.degree),
                        "upvotes": None if pd.isna(p.upvotes) else int(p.upvotes),
                        "n_digests": int(p.n_digests), "why": p.why} for p in kp.itertuples()],
        "bridges": [{"id": b.id, "title": b.title, "community": int(b.community), "label": b.label,
                     "bridge_score": _num(round(b.bridge_score, 6)), "participation": _num(round(b.participation, 6)),
                     "links": b.links} for b in br.itertuples()],
        "rising_concepts": [{"concept": t.concept, "papers": int(t.papers), "latest_share": _num(t.latest_share),
                             "earlier_share": _num(t.earlier_share), "change": _num(t.change), "z": _num(t.z),
                             "bursting_now": bool(t.bursting_now)} for t in tr.head(n_rising).itertuples()],
        "trends_note": tr.attrs.get("note", ""),
        "new_papers": [{"id": pid, "title": corpus[pid].title,
                        "url": safe_url(corpus[pid].url) or corpus[pid].arxiv_url} for pid in new_ids],
        "files": dict(FILES),
    }


# Backslash-escaped: emphasis, code, link and image brackets, table cells, strike-through. The text never starts a
# line (it follows "- ", "| " or "1. "), so heading and list markers need no escape.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _esc_md(text: str) -> str:
    """Text that Markdown renderers show as it is: no HTML, no links, images, emphasis or table breaks.

    HTML's ``& < >`` become entities (every renderer shows them as characters) and
    Markdown's punctuation is backslash-escaped; line breaks become spaces.
    """
    text = _WS.sub(" ", strip_control(str(text))).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_link(title: str, url: str | None) -> str:
    """``[title](url)`` for an http(s) URL (characters that could end the link percent-encoded), else the title."""
    safe = safe_url(url)
    if safe is None:
        return _esc_md(title)
    for ch, code in (("%", "%25"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ('"', "%22"),
                     ("\\", "%5C"), ("[", "%5B"), ("]", "%5D"), ("`", "%60"), (" ", "%20")):
        safe = safe.replace(ch, code) if ch != "%" else re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", safe)
    return f"[{_esc_md(title)}]({safe})"


def render_markdown(r: dict) -> str:
    """``report.md``: the report for e-mail or chat."""
    c = r["corpus"]
    lines = [f"# Literature graph report, {r['date']}", "",
             f"{c['papers']} papers from {c['digests']} digests; **{c['new_papers']} new** since "
             + (f"the report of {r['previous_report']}" if r["previous_report"] else "the start (first report)")
             + f". {r['graph']['communities']} communities, modularity {r['graph']['modularity']:.2f}.", "",
             "## Communities", "", "| # | Label | Size | Top papers |", "|---:|---|---:|---|"]
    for m in r["communities"]:
        lines.append(f"| {m['community']} | {_esc_md(m['label'])} | {m['size']} | "
                     f"{_esc_md(' · '.join(m['top_papers']))} |")
    lines += ["", "## Key papers", ""]
    for p in r["key_papers"]:
        lines.append(f"{p['rank']}. **{_esc_md(p['title'])}** ({_esc_md(p['label'])}) — {_esc_md(p['why'])}")
    lines += ["", "## Bridges", ""]
    lines += [f"- **{_esc_md(b['title'])}**: {_esc_md(b['links'])}" for b in r["bridges"]] or ["No bridges."]
    lines += ["", "## Rising concepts", ""]
    if r["rising_concepts"]:
        lines += ["| Concept | Papers | Latest | Before | z |", "|---|---:|---:|---:|---:|"]
        lines += [f"| {_esc_md(t['concept'])}{' (burst)' if t['bursting_now'] else ''} | {t['papers']} | "
                  f"{100 * t['latest_share']:.1f}% | {100 * t['earlier_share']:.1f}% | {t['z']:.1f} |"
                  for t in r["rising_concepts"]]
    if r["trends_note"]:
        lines += ["", f"_{_esc_md(r['trends_note'])}_"]
    lines += ["", f"## New papers ({len(r['new_papers'])})", ""]
    for p in r["new_papers"][:100]:
        lines.append(f"- {_md_link(p['title'], p['url'])}")
    if len(r["new_papers"]) > 100:
        lines.append(f"- … and {len(r['new_papers']) - 100} more (report.json)")
    lines += ["", f"Files: {', '.join(r['files'].values())}. litgraph {r['versions']['litgraph']}.", ""]
    return "\n".join(lines)


def _chart(rising: list[dict]) -> str:
    """A small inline SVG bar chart of the rising concepts' share before and now."""
    rows = rising[:10]
    if not rows:
        return ""
    top = max(max(t["latest_share"], t["earlier_share"]) for t in rows) or 1.0
    h = 22 * len(rows) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{h}" role="img" '
             f'aria-label="Share of papers per concept, before and in the latest digest">']
    for i, t in enumerate(rows):
        y = 10 + 22 * i
        w0 = 360 * t["earlier_share"] / top
        w1 = 360 * t["latest_share"] / top
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{_html.escape(t["concept"][:32])}</text>')
        parts.append(f'<rect x="230" y="{y + 1}" width="{w0:.1f}" height="8" fill="#bbb"/>')
        parts.append(f'<rect x="230" y="{y + 10}" width="{w1:.1f}" height="8" fill="#e15759"/>')
    parts.append(f'<text x="230" y="{h - 4}" font-size="11" fill="#666">grey: before · red: latest period</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_html(r: dict) -> str:
    """``index.html``: the readable summary page (self-contained, links the interactive graph)."""
    import jinja2

    from .export._common import community_color

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
                             autoescape=True)
    colors = {m["community"]: community_color(m["community"]) for m in r["communities"]}
    params_json = json.dumps({"parameters": r["parameters"], "versions": r["versions"]}, indent=2, sort_keys=True)
    return env.get_template("report.html.j2").render(r=r, colors=colors, chart=_chart(r["rising_concepts"]),
                                                     params_json=params_json)


@dataclass
class ReportResult:
    """What :func:`run_report` did."""

    folder: Path | None
    written: bool
    message: str
    data: dict | None = None


_LEFTOVER = re.compile(r"\.(\d{4}-\d{2}-\d{2})\.(old|tmp)-(\d+)(?:-.*)?")


def _swap_in(tmp: Path, final: Path) -> None:
    """Move the finished folder ``tmp`` to ``final``.

    A same-day rerun first moves the previous folder aside (``.<date>.old-<pid>``) and
    deletes it once the new one is in place; if the second rename fails the previous
    folder is put back, and if the process is killed between the two renames the next
    run puts it back (:func:`_recover`).
    """
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        os.replace(final, old)
    try:
        os.replace(tmp, final)
    except BaseException:
        if old is not None and not final.exists():
            os.replace(old, final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid < 2**31  # someone else's live process
    return True


def _recover(out: Path) -> list[str]:
    """Repair what killed runs left in ``out``: put back a dated folder moved aside, delete their temporaries.

    Temporaries of a run that is still going (its process is alive) are left alone.
    Returns what was done, one line each.
    """
    done = []
    try:
        entries = list(out.iterdir())
    except OSError:
        return done
    for entry in entries:
        if entry.name.startswith(".latest.tmp-"):
            pid = entry.name.rsplit("-", 1)[-1]
            if pid.isdigit() and not _alive(int(pid)):
                entry.unlink(missing_ok=True)
            continue
        m = _LEFTOVER.fullmatch(entry.name)
        if not m or _alive(int(m.group(3))):
            continue
        final = out / m.group(1)
        if m.group(2) == "old" and not final.exists():
            os.replace(entry, final)
            done.append(f"restored {final} from an interrupted run")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            done.append(f"removed {entry.name}, left by an interrupted run")
    for line in done:
        logger.warning("%s", line)
    return done


def _latest_name(out: Path) -> str | None:
    """The dated folder ``latest`` points at, if any."""
    latest = out / "latest"
    if latest.is_symlink():
        return Path(os.readlink(latest)).name
    marker = out / "LATEST"
    if marker.is_file():
        return marker.read_text(encoding="utf-8").strip() or None
    return None


def _point_latest(out: Path, name: str) -> bool:
    """Point ``latest`` at ``name`` unless it already points at a later report; True if it moved."""
    current = _latest_name(out)
    if current and current != name and (out / current).is_dir() and current > name:
        return False
    latest = out / "latest"
    if latest.exists() and not latest.is_symlink():
        raise LitgraphError(f"{latest} exists and is not a link; move it away so litgraph can point it at the "
                            f"newest report.")
    tmp = out / f".latest.tmp-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    try:
        os.symlink(name, tmp, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:  # no symlinks on this file system: name the folder in a text file
        tmp.unlink(missing_ok=True)
        (out / "LATEST").write_text(name + "\n", encoding="utf-8")
    return True


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
    from .ingest import read_digests
    from .pipeline import LitGraph
    from .store import Store

    step = progress or (lambda name: None)
    day = check_date(day, "date", "litgraph report") if day is not None else datetime.now(timezone.utc).date()
    since = check_date(since, "since", "litgraph report", allow_none=True)
    params = dict(params or {})
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
            from .export import write_csv, write_graphml, write_html

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
