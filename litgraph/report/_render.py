"""The report's content: the facts as JSON-ready data, and their Markdown and HTML renderings."""


from __future__ import annotations

import html as _html
import json
import platform
import re
from datetime import date, timedelta
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pandas as pd

from .._text import safe_url, strip_control

_WS = re.compile(r"\s+")

REPORT_SCHEMA = json.loads((resources.files("litgraph") / "schemas" / "report.schema.json").read_text("utf-8"))

FILES = {"index": "index.html", "markdown": "report.md", "json": "report.json", "map": "map.png", "graph_html": "graph.html",
         "graphml": "graph.graphml", "nodes_csv": "nodes.csv", "edges_csv": "edges.csv"}  # names in a dated folder


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("litgraph", "networkx", "igraph", "pandas", "scikit-learn", "pyvis", "numpy", "scipy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            from .._version import __version__

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


#: The trend windows of a report: (name, days); "since the previous report" is added when there is one.
WINDOWS = (("last 7 days", 7), ("last 30 days", 30))


def _trend_windows(res, previous_date: str | None, n_rising: int, min_papers: int) -> tuple[list, str]:
    from ..analysis.rising import paper_days, split_rising, window_start, window_trends

    known = [d for d in paper_days(res.graph.corpus) if d is not None]
    if not known:
        return [], ("No digest carries a date, so there are no trends over time. Pass the capture date "
                    "(--captured) or name digest files by their date (YYYY-MM-DD).")
    end = max(known)
    spans = []
    if previous_date:
        prev = date.fromisoformat(previous_date)
        if prev < end:
            spans.append(("since the previous report", prev + timedelta(days=1)))
    spans += [(name, window_start(end, days)) for name, days in WINDOWS]
    out = []
    for name, start in spans:
        df = window_trends(res.graph, start=start, end=end, min_papers=min_papers, prior=0.1)
        base = df.attrs["baseline_papers"]
        rising, new = split_rising(df)

        def rows(frame):
            return [{"concept": t.concept, "papers": int(t.papers), "baseline_papers": int(t.baseline_papers),
                     "window_share": _num(t.window_share), "baseline_share": _num(t.baseline_share),
                     "z": _num(round(t.z, 6)), "weekly": list(t.weekly), "sparkline": t.sparkline}
                    for t in frame.head(n_rising).itertuples()]

        out.append({"window": name, "start": start.isoformat(), "end": end.isoformat(),
                    "papers": int(df.attrs["papers"]), "baseline_papers": int(base),
                    "rising": rows(rising), "new_concepts": rows(new)})
    note = "" if any(w["baseline_papers"] for w in out) else (
        "Every paper falls inside the trend windows, so there is no earlier baseline to rise against yet.")
    return out, note


def _topics(res, previous: dict | None) -> dict:
    from ..analysis.continuity import topic_changes
    from ..analysis.rising import paper_days

    ids = res.graph.corpus.ids
    prev = previous_membership(previous)
    ch = topic_changes(ids, res.membership, prev)
    days = paper_days(res.graph.corpus)
    known = [d for d in days if d is not None]
    end = max(known) if known else None
    prev_labels = (previous or {}).get("summary", {}).get("topic_labels", {})
    recent = {}
    for c, d in zip(res.membership.tolist(), days):
        if c != -1 and d is not None and end is not None:
            r = recent.setdefault(c, [0, 0])
            r[0] += (end - d).days < 7
            r[1] += (end - d).days < 30
    return {"changes": ch, "recent": recent, "previous_labels": prev_labels, "matched": bool(prev)}


def previous_membership(previous: dict | None) -> dict[str, int]:
    """Paper id -> community id of the report before, from its stored summary ({} if none)."""
    topics = (previous or {}).get("summary", {}).get("topics") or {}
    return {pid: int(t) for t, members in topics.items() for pid in members}


def topics_summary(res) -> dict:
    """What the next report needs to keep community ids: members and labels of every community."""
    ids = res.graph.corpus.ids
    topics: dict[str, list[str]] = {}
    for pid, c in zip(ids, res.membership.tolist()):
        if c != -1:
            topics.setdefault(str(c), []).append(pid)
    return {"topics": topics, "topic_labels": {t: res.label(int(t)) for t in topics}}


def report_data(model, *, day: date, previous: dict | None = None, params: dict | None = None,
                top_k: int = 15, n_bridges: int = 10, n_rising: int = 15, min_trend_papers: int = 5,
                files: dict | None = None, run: dict | None = None) -> dict:
    """The facts of a report as a JSON-ready dict (the shape of ``report.json``)."""
    res = model.analysis_ if hasattr(model, "analysis_") else model
    graph, corpus = res.graph, res.graph.corpus
    prev_ids = set(previous["summary"].get("paper_ids", [])) if previous else set()
    prev_digests = set(previous["summary"].get("digest_ids", [])) if previous else set()
    previous_date = previous["summary"].get("date") if previous else None
    new_ids = [pid for pid in corpus.ids if pid not in prev_ids]
    comms = res.communities_frame()
    subs = res.subtopics()
    kp = res.key_papers(top_k)
    br = res.bridges(n_bridges)
    windows, trends_note = _trend_windows(res, previous_date, n_rising, min_trend_papers)
    topics = _topics(res, previous)
    ch = topics["changes"]
    layers = graph.edge_table()["kind"].value_counts().to_dict()

    return {
        "schema": "litgraph-report/3",
        "date": day.isoformat(),
        "previous_report": previous_date,
        "run": dict(run or {"kind": "full", "reason": "", "new_papers": len(corpus)}),
        "versions": _versions(),
        "parameters": json.loads(json.dumps(params or {}, default=str)),
        "corpus": {"papers": len(corpus), "digests": len(corpus.digests),
                   "dated_digests": sum(1 for d in corpus.digests if (d.date or d.captured) is not None),
                   "new_papers": len(new_ids),
                   "new_digests": sum(1 for d in corpus.digests if d.id not in prev_digests)},
        "graph": {"linked_pairs": graph.n_edges, "layers": {k: int(layers.get(k, 0)) for k in graph.layer_weights},
                  "communities": res.n_communities, "modularity": _num(round(res.modularity, 6)),
                  "similarity": _similarity(graph)},
        "communities": [_community_row(c, subs, topics) for c in comms.itertuples()],
        "topic_changes": {"matched_to_previous": topics["matched"],
                          "kept_share": None if ch["kept_share"] is None else _num(round(ch["kept_share"], 6)),
                          "new": ch["new"],
                          "gone": [{"community": g, "label": topics["previous_labels"].get(str(g), ""),
                                    "previous_size": ch["previous_sizes"].get(g, 0)} for g in ch["gone"]],
                          "splits": ch["splits"], "merges": ch["merges"]},
        "key_papers": [_key_paper_row(p) for p in kp.itertuples()],
        "bridges": [{"id": b.id, "title": b.title, "community": int(b.community), "label": b.label,
                     "bridge_score": _num(round(b.bridge_score, 6)), "participation": _num(round(b.participation, 6)),
                     "links": b.links} for b in br.itertuples()],
        "trends": windows,
        "trends_note": trends_note,
        "new_papers": [{"id": pid, "title": corpus[pid].title,
                        "url": safe_url(corpus[pid].url) or corpus[pid].arxiv_url} for pid in new_ids],
        "files": dict(files if files is not None else FILES),
    }


def _community_row(c, subs: pd.DataFrame, topics: dict) -> dict:
    """One community of ``report.json``: its label, size, sub-topics, cohesion and how it changed."""
    ch = topics["changes"]
    com = int(c.community)
    before = ch["sizes"].get(com, [None, None])[0] if topics["matched"] else None
    status = "other" if com == -1 else ("first report" if not topics["matched"] else
                                        ("new" if com in ch["new"] else "continued"))
    recent = topics["recent"].get(com, [0, 0])
    mine = subs[subs["community"] == com]
    return {"community": com, "label": c.label, "size": int(c.size),
            "subtopics": [{"subtopic": int(s.subtopic), "label": s.label, "size": int(s.size),
                           "top_papers": [t for t in s.top_papers.split(" | ") if t]} for s in mine.itertuples()],
            "cohesion": _num(round(c.cohesion, 6)), "modularity_share": _num(round(c.modularity_share, 6)),
            "top_papers": [t for t in c.top_papers.split(" | ") if t], "status": status,
            "previous_size": before, "change": None if before is None else int(c.size) - int(before),
            "previous_label": topics["previous_labels"].get(str(com)) if status == "continued" else None,
            "new_last_7_days": int(recent[0]), "new_last_30_days": int(recent[1])}


def _key_paper_row(p) -> dict:
    """One key paper of ``report.json``."""
    return {"rank": int(p.rank), "id": p.id, "title": p.title, "community": int(p.community), "label": p.label,
            "score": _num(round(p.score, 6)), "pagerank": _num(p.pagerank), "betweenness": _num(p.betweenness),
            "degree": int(p.degree), "upvotes": None if pd.isna(p.upvotes) else int(p.upvotes),
            "n_digests": int(p.n_digests), "why": p.why}


# Backslash-escaped: emphasis, code, link and image brackets, table cells, strike-through. The text never starts a
# line (it follows "- ", "| " or "1. "), so heading and list markers need no escape.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_AUTOLINK_DOT = re.compile(r"(?<=[A-Za-z0-9])\.(?=[A-Za-z]{2})")


def _esc_md(text: str) -> str:
    """Text that Markdown renderers show as it is: no HTML, no links, images, emphasis or table breaks.

    HTML's ``& < >`` become entities (every renderer shows them as characters) and
    Markdown's punctuation is backslash-escaped; line breaks become spaces. Nothing
    becomes a link by itself: the dot of anything that looks like a domain name
    (``report.md``, ``www.example.org``, ``a@b.com``) and the colon of ``://`` are escaped,
    which GitHub's and linkify renderers show as the plain characters.
    """
    text = _WS.sub(" ", strip_control(str(text))).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _AUTOLINK_DOT.sub(r"\\.", _MD_SPECIAL.sub(r"\\\1", text)).replace("://", r"\://")


def _md_link(title: str, url: str | None) -> str:
    """``[title](url)`` for an http(s) URL (characters that could end the link percent-encoded), else the title."""
    safe = safe_url(url)
    if safe is None:
        return _esc_md(title)
    for ch, code in (("%", "%25"), ("(", "%28"), (")", "%29"), ("<", "%3C"), (">", "%3E"), ('"', "%22"),
                     ("\\", "%5C"), ("[", "%5B"), ("]", "%5D"), ("`", "%60"), (" ", "%20")):
        safe = safe.replace(ch, code) if ch != "%" else re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", safe)
    return f"[{_esc_md(title)}]({safe})"


def _similarity(graph) -> dict:
    """Which text similarity made the graph: its mode, the sentence encoder, and the papers it encoded."""
    from ..pipeline import similarity_mode

    mode = similarity_mode(graph.params.get("builders", {}).get("similarity"))
    sentences = graph.features.get("sentences")
    return {"mode": mode, "model": sentences.model if sentences is not None else None,
            "encoded": int(sentences.encoded) if sentences is not None else 0}


_SIMILARITY_WORDS = {"words": "word and word-pair vectors", "semantic": "sentence embeddings",
                     "fused": "word vectors and sentence embeddings together"}


def _run_line(run: dict, similarity: dict | None = None) -> str:
    """How the graph was made this time, in a sentence or two."""
    if run["kind"] == "incremental":
        text = (f"Incremental run: {run['new_papers']} new paper(s) joined to the saved graph "
                f"(a full rebuild follows every 7 days or after 10% growth).")
    else:
        text = f"Full build: {run['reason']}." if run.get("reason") else "Full build."
    if similarity:
        text += f" Text similarity: {similarity['mode']} ({_SIMILARITY_WORDS.get(similarity['mode'], '')}"
        if similarity.get("model"):
            parts = str(similarity["model"]).split(":")
            model = (f"{parts[1]} reading the first {parts[3]} word pieces" if parts[0] == "onnx" and len(parts) == 4
                     else similarity["model"])
            text += f"; {model}; {similarity['encoded']} paper(s) encoded this run, the others read from the store"
        text += ")."
    return text


def _change(m: dict) -> str:
    """A community's change since the previous report, in words."""
    if m["status"] == "new":
        return "new"
    if m["status"] != "continued" or m["change"] is None:
        return ""
    return "no change" if m["change"] == 0 else (f"grew by {m['change']}" if m["change"] > 0
                                                 else f"shrank by {-m['change']}")


def _topic_lines(t: dict, esc=None) -> list[str]:
    """Sentences on topics that appeared, went, split or merged since the previous report."""
    esc = esc or _esc_md
    if not t["matched_to_previous"]:
        return []
    out = [""]
    if t["kept_share"] is not None:
        out.append(f"{100 * t['kept_share']:.0f}% of the papers of the previous report kept their community.")
    if t["new"]:
        out.append("New communities: " + ", ".join(str(c) for c in t["new"]) + ".")
    for g in t["gone"]:
        out.append(f"Community {g['community']} ({esc(g['label'])}, {g['previous_size']} papers) is gone.")
    for sp_ in t["splits"]:
        out.append(f"Community {sp_['from']} split into " + ", ".join(str(c) for c in sp_["into"]) + ".")
    for mg in t["merges"]:
        out.append("Communities " + ", ".join(str(c) for c in mg["from"]) + f" merged into {mg['into']}.")
    return out if len(out) > 1 else []


def render_markdown(r: dict) -> str:
    """``report.md``: the report for e-mail or chat."""
    c = r["corpus"]
    lines = [f"# Literature graph report, {r['date']}", "",
             f"{c['papers']} papers from {c['digests']} digests; **{c['new_papers']} new** since "
             + (f"the report of {r['previous_report']}" if r["previous_report"] else "the start (first report)")
             + f". {r['graph']['communities']} communities, modularity {r['graph']['modularity']:.2f}.", "",
             _run_line(r["run"], r["graph"].get("similarity")), "",
             "## Communities", ""]
    if r["files"].get("map"):
        lines += [f"![Map of topics: one disc per community, its area by papers]({r['files']['map']})", ""]
    lines += ["| # | Label | Size | Change | Last 30 days | Top papers |", "|---:|---|---:|---|---:|---|"]
    for m in r["communities"]:
        lines.append(f"| {m['community']} | {_esc_md(m['label'])} | {m['size']} | {_change(m)} | "
                     f"{m['new_last_30_days']} | {_esc_md(' · '.join(m['top_papers']))} |")
    split = [m for m in r["communities"] if m["subtopics"]]
    if split:
        lines += ["", "Sub-topics of the largest communities:", ""]
        lines += [f"- **{_esc_md(m['label'])}**: " + " | ".join(
            f"{_esc_md(' · '.join(s['label'].split(' · ')[:2]))} ({s['size']})" for s in m["subtopics"]) for m in split]
    lines += _topic_lines(r["topic_changes"])
    lines += ["", "## Key papers", ""]
    for p in r["key_papers"]:
        lines.append(f"{p['rank']}. **{_esc_md(p['title'])}** ({_esc_md(p['label'])}) — {_esc_md(p['why'])}")
    lines += ["", "## Bridges", ""]
    lines += [f"- **{_esc_md(b['title'])}**: {_esc_md(b['links'])}" for b in r["bridges"]] or ["No bridges."]
    lines += ["", "## Rising concepts", ""]
    for w in r["trends"]:
        lines += [f"### {w['window'].capitalize()} ({w['start']} to {w['end']}: {w['papers']} papers, "
                  f"against {w['baseline_papers']} before)", ""]
        if w["rising"]:
            lines += ["| Concept | Papers | Share | Before | z | Weekly |", "|---|---:|---:|---:|---:|---|"]
            lines += [f"| {_esc_md(t['concept'])} | {t['papers']} | {100 * t['window_share']:.1f}% | "
                      f"{100 * t['baseline_share']:.1f}% | {t['z']:.1f} | `{t['sparkline']}` |" for t in w["rising"]]
        else:
            lines.append("No concept with at least the minimum number of papers rose in this window.")
        if w["new_concepts"]:
            lines += ["", "New concepts (no earlier paper carries them): " + ", ".join(
                f"{_esc_md(t['concept'])} ({t['papers']})" for t in w["new_concepts"])]
        lines.append("")
    if r["trends_note"]:
        lines += [f"_{_esc_md(r['trends_note'])}_"]
    lines += ["", f"## New papers ({len(r['new_papers'])})", ""]
    for p in r["new_papers"][:100]:
        lines.append(f"- {_md_link(p['title'], p['url'])}")
    if len(r["new_papers"]) > 100:
        lines.append(f"- … and {len(r['new_papers']) - 100} more (report.json)")
    lines += ["", f"Files: {', '.join(f for f in r['files'].values() if f)}. litgraph {r['versions']['litgraph']}.", ""]
    return "\n".join(lines)


def _chart(rising: list[dict]) -> str:
    """A small inline SVG bar chart of the rising concepts' share before and now."""
    rows = rising[:10]
    if not rows:
        return ""
    top = max(max(t["window_share"], t["baseline_share"]) for t in rows) or 1.0
    h = 22 * len(rows) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="{h}" role="img" '
             f'aria-label="Share of papers per concept, before and in the window">']
    for i, t in enumerate(rows):
        y = 10 + 22 * i
        w0 = 360 * t["baseline_share"] / top
        w1 = 360 * t["window_share"] / top
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{_html.escape(t["concept"][:32])}</text>')
        parts.append(f'<rect x="230" y="{y + 1}" width="{w0:.1f}" height="8" fill="#bbb"/>')
        parts.append(f'<rect x="230" y="{y + 10}" width="{w1:.1f}" height="8" fill="#e15759"/>')
    parts.append(f'<text x="230" y="{h - 4}" font-size="11" fill="#666">grey: share before the window · red: share in the window</text>')
    parts.append("</svg>")
    return "".join(parts)


def _main_window(r: dict) -> dict | None:
    """The window the HTML summary charts: the last 30 days if anything rose there, else the first that has."""
    ranked = sorted(r["trends"], key=lambda w: w["window"] != "last 30 days")
    return next((w for w in ranked if w["rising"]), None)


def render_html(r: dict) -> str:
    """``index.html``: the readable summary page (self-contained, links the interactive graph)."""
    import jinja2

    from ..export._common import community_color

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parents[1] / "templates")),
                             autoescape=True)
    colors = {m["community"]: community_color(m["community"]) for m in r["communities"]}
    params_json = json.dumps({"parameters": r["parameters"], "versions": r["versions"]}, indent=2, sort_keys=True)
    change = {m["community"]: _change(m) for m in r["communities"]}
    topic_lines = [line for line in _topic_lines(r["topic_changes"], esc=str) if line]
    return env.get_template("report.html.j2").render(r=r, colors=colors, change=change, topic_lines=topic_lines,
                                                     run_line=_run_line(r["run"], r["graph"].get("similarity")), chart=_chart(_main_window(r)["rising"]) if _main_window(r) else "",
                                                     params_json=params_json)

