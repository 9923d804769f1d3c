"""The report's content: the facts as JSON-ready data, and their Markdown and HTML renderings."""


from __future__ import annotations

import html as _html
import json
import platform
import re
from datetime import date
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pandas as pd

from .._text import safe_url, strip_control

_WS = re.compile(r"\s+")

REPORT_SCHEMA = json.loads((resources.files("litgraph") / "schemas" / "report.schema.json").read_text("utf-8"))

FILES = {"index": "index.html", "markdown": "report.md", "json": "report.json", "graph_html": "graph.html",
         "graphml": "graph.graphml", "nodes_csv": "nodes.csv", "edges_csv": "edges.csv"}


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

    from ..export._common import community_color

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parents[1] / "templates")),
                             autoescape=True)
    colors = {m["community"]: community_color(m["community"]) for m in r["communities"]}
    params_json = json.dumps({"parameters": r["parameters"], "versions": r["versions"]}, indent=2, sort_keys=True)
    return env.get_template("report.html.j2").render(r=r, colors=colors, chart=_chart(r["rising_concepts"]),
                                                     params_json=params_json)

