"""Whether a reader can read the graph page, how large it is and how fast it draws.

For each input (the bundled sample; the real 580-day archive from ``../shared/bench/`` when it is there, never
bundled; a synthetic corpus ``synth:N``) the graph is built and analysed as ``litgraph report`` does, the page
is written, and in headless Chromium at 1600 x 1000 (when Chromium and Playwright are installed):

* labels read back: the map of topics is screenshot and read by OCR (``tesseract``, Debian's ``tesseract-ocr``);
  a community with 1% of the papers or more counts as read when every word of its label's first phrase is in the
  OCR text (the issue measured 0 of 19 on the page before the map);
* page size (MB), first draw (seconds from opening the file until the map is drawn), the all-papers view (seconds
  to draw it, and how many papers it drew);
* the largest community: how many sub-topics it opens into and how many papers its view draws;
* community separation of the layout (the share of each paper's 10 nearest papers on the page that are in its
  own community) beside a plain Fruchterman-Reingold layout of the same papers, measured in the same run.

Screenshots go to ``benchmarks/out/view-<input>-<view>.png``.

Run: python benchmarks/bench_view.py [sample] [archive] [synth:100000]
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "hf-daily-papers-2024-2026.tar.gz"
OUT = Path(__file__).resolve().parent / "out"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def separation(coords: np.ndarray, membership: np.ndarray, k: int = 10) -> float:
    from scipy.spatial import cKDTree

    keep = membership >= 0
    pts, mem = coords[keep], membership[keep]
    if len(pts) <= k:
        return float("nan")
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    return float((mem[idx[:, 1:]] == mem[:, None]).mean())


def ocr_words(png: Path) -> set[str] | None:
    if shutil.which("tesseract") is None:
        return None
    text = subprocess.run(["tesseract", str(png), "-", "--psm", "11"], capture_output=True, text=True).stdout
    return {w for w in re.findall(r"[a-z0-9]+", text.lower())}


def visit(html: Path, name: str, res) -> dict | None:
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    OUT.mkdir(exist_ok=True)
    out: dict = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = b.new_page(viewport={"width": 1600, "height": 1000})
        t0 = time.perf_counter()
        page.goto(html.as_uri())
        page.locator("body[data-ready='1']").wait_for(timeout=300_000)
        page.evaluate("new Promise(function (ok) { requestAnimationFrame(function () { ok(); }); })")
        out["first_draw"] = time.perf_counter() - t0
        shot = OUT / f"view-{name}-map.png"
        page.screenshot(path=str(shot), clip={"x": 300, "y": 0, "width": 1300, "height": 1000})
        words = ocr_words(shot)
        sizes = np.bincount(res.membership[res.membership >= 0])
        big = [c for c in range(len(sizes)) if sizes[c] >= 0.01 * len(res.membership)]
        if words is not None:
            first = {c: re.findall(r"[a-z0-9]+", res.label(c).split(" · ")[0].lower()) for c in big}
            out["read"] = (sum(all(w in words for w in first[c]) for c in big), len(big))
        out["drawn_labels"] = page.evaluate("window.litgraph.map.labels().length")
        out["papers_view"] = page.evaluate("""new Promise(function (ok) {
            var t0 = performance.now();
            window.litgraph.show("papers");
            requestAnimationFrame(function () { requestAnimationFrame(function () {
              ok([(performance.now() - t0) / 1000, window.litgraph.map.state.drawn]); }); }); })""")
        page.screenshot(path=str(OUT / f"view-{name}-papers.png"))
        c = int(np.argmax(sizes)) if len(sizes) else 0
        page.evaluate(f"window.litgraph.show({c})")
        page.wait_for_timeout(500)
        out["community"] = (int(sizes[c]) if len(sizes) else 0, len(page.evaluate("window.litgraph.regions()")),
                            page.evaluate("window.litgraph.nodes.length"))
        page.screenshot(path=str(OUT / f"view-{name}-community.png"))
        pid = res.key_papers(1)["id"].iloc[0]
        page.evaluate(f"window.litgraph.show('paper:' + {pid!r})")
        page.wait_for_timeout(1500)
        out["neighbourhood"] = page.evaluate("window.litgraph.nodes.length")
        page.screenshot(path=str(OUT / f"view-{name}-paper.png"))
        b.close()
    return out


def main(names: list[str]) -> None:
    import litgraph as lg
    from litgraph.export._common import layout

    names = names or ["sample", "archive"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in names:
            if name == "sample":
                corpus, label = lg.load_sample(), "bundled sample"
            elif name == "archive":
                if not BENCH.exists():
                    print(f"skip archive: {BENCH} is not here")
                    continue
                with tarfile.open(BENCH) as t:
                    t.extractall(tmp, filter="data")
                corpus, label = lg.read_digests(tmp / "hf-daily-papers", strict=False), "real daily-papers archive"
            elif name.startswith("synth:"):
                sys.path.insert(0, str(Path(__file__).resolve().parent))
                from synth import synth_corpus

                corpus, label = synth_corpus(int(name.split(":")[1])), f"synthetic {int(name.split(':')[1]):,}"
            else:
                raise SystemExit(f"unknown input {name!r}")
            t = time.process_time()
            res = lg.LitGraph(seed=0).fit(corpus).analysis_
            fit_s = time.process_time() - t
            t = time.process_time()
            html = lg.write_html(res, tmp / f"{name}.html")
            write_s = time.process_time() - t
            ours = separation(layout(res.graph, 0, membership=res.membership, subtopics=res.subtopic_membership),
                              res.membership) if len(corpus) <= 20_000 else float("nan")
            plain = separation(layout(res.graph, 0), res.membership) if len(corpus) <= 20_000 else float("nan")
            v = visit(html, name, res) or {}
            rows.append((label, len(corpus), res.n_communities, html.stat().st_size / 1e6, fit_s, write_s, ours, plain,
                         v))
    print(f"{'input':<26} {'papers':>7} {'comms':>5} {'page MB':>7} {'fit s':>6} {'page s':>6} {'sep':>5} "
          f"{'plainFR':>7} {'labels read':>11} {'1st draw s':>10} {'papers view':>15} {'largest community':>22} "
          f"{'nbhd':>4}")
    for label, n, k, mb, fit_s, write_s, ours, plain, v in rows:
        read = f"{v['read'][0]}/{v['read'][1]}" if "read" in v else "-"
        pv = f"{v['papers_view'][0]:.2f}s {v['papers_view'][1]:,}" if "papers_view" in v else "-"
        com = (f"{v['community'][0]}: {v['community'][1]} sub, {v['community'][2]} drawn" if "community" in v
               else "-")
        print(f"{label:<26} {n:>7,} {k:>5} {mb:>7.2f} {fit_s:>6.1f} {write_s:>6.1f} {ours:>5.3f} {plain:>7.3f} "
              f"{read:>11} {v.get('first_draw', float('nan')):>10.2f} {pv:>15} {com:>22} {v.get('neighbourhood', '-'):>4}")
    print("targets: labels read >= 80% of communities with 1% of the papers (0 of 19 before the map); page <= 6 MB at "
          "9.5k papers, <= 40 MB at 100k; first draw < 2 s at 9.5k, < 5 s at 100k; a community of 800 papers opens "
          "into sub-topics with <= 400 papers drawn")


if __name__ == "__main__":
    main(sys.argv[1:])
