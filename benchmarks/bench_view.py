"""How well the drawn graph shows its communities, and how fast the page first draws.

For each input (the bundled sample, and the real 580-day archive from ``../shared/bench/`` when it
is there; never bundled) the graph is built and analysed as ``litgraph report`` does, laid out as
the HTML view lays it out, and measured:

* community separation: for every drawn paper, the share of its 10 nearest papers on screen that
  are in its own community (1.0: every community is a region of its own), beside the same figure
  for a plain force-directed layout of the same papers (the baseline, measured in the same run);
* first draw: seconds from opening ``graph.html`` in headless Chromium until the network has drawn
  its first view (the overview above 2,000 papers), and seconds to switch to the whole-graph view
  (2,000 papers) and draw it (when Chromium and Playwright are installed).

Run: python benchmarks/bench_view.py [sample] [archive] [synth:2000]
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "hf-daily-papers-2024-2026.tar.gz"


def separation(coords: np.ndarray, membership: np.ndarray, k: int = 10) -> float:
    from scipy.spatial import cKDTree

    keep = membership >= 0
    pts, mem = coords[keep], membership[keep]
    if len(pts) <= k:
        return float("nan")
    _, idx = cKDTree(pts).query(pts, k=k + 1)
    return float((mem[idx[:, 1:]] == mem[:, None]).mean())


def first_draw(html: Path) -> tuple[float, float] | None:
    """(seconds until the page has drawn its first view, seconds to switch to and draw the whole-graph view)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu",
                                                              "--disable-background-networking",
                                                              "--disable-component-update", "--no-first-run"])
        page = b.new_page()
        t0 = time.perf_counter()
        page.goto(html.as_uri())
        page.locator("body[data-ready='1']").wait_for(timeout=120_000)
        page.evaluate("new Promise(function (ok) { requestAnimationFrame(function () { ok(); }); })")
        took = time.perf_counter() - t0
        whole = page.evaluate("""new Promise(function (ok) {
            var t0 = performance.now();
            window.litgraph.show("all");
            requestAnimationFrame(function () { requestAnimationFrame(function () {
              ok((performance.now() - t0) / 1000); }); }); })""")
        b.close()
    return took, whole


def main(names: list[str]) -> None:
    import litgraph as lg
    from litgraph.export._common import layout

    names = names or ["sample", "archive"]
    print(f"{'input':<28} {'papers':>7} {'drawn':>6} {'communities':>11} {'separation':>10} "
          f"{'plain FR':>9} {'first draw s':>12} {'whole view s':>12}")
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
                corpus, label = lg.read_digests(tmp / "hf-daily-papers"), "real daily-papers archive"
            elif name.startswith("synth:"):
                sys.path.insert(0, str(Path(__file__).resolve().parent))
                from synth import synth_corpus

                corpus, label = synth_corpus(int(name.split(":")[1])), f"synthetic {name.split(':')[1]}"
            else:
                raise SystemExit(f"unknown input {name!r}")
            model = lg.LitGraph(seed=0).fit(corpus)
            res = model.analysis_
            drawn = min(len(corpus), 2000)
            order = np.lexsort((np.arange(len(corpus)), -res.centrality["pagerank"].to_numpy()))
            ids = [corpus.ids[i] for i in sorted(order[:drawn].tolist())]
            view = res.graph.subgraph(ids) if drawn < len(corpus) else res.graph
            mem = np.array([res.membership[corpus.ids.index(p)] for p in view.corpus.ids]) if drawn < len(
                corpus) else res.membership
            ours = separation(layout(view, 0, membership=mem), mem)
            plain = separation(layout(view, 0), mem)
            html = lg.write_html(res, tmp / f"{name}.html")
            fd = first_draw(html)
            print(f"{label:<28} {len(corpus):>7,} {drawn:>6,} {res.n_communities:>11} {ours:>10.3f} {plain:>9.3f} "
                  f"{'' if fd is None else f'{fd[0]:.2f}':>12} {'' if fd is None else f'{fd[1]:.2f}':>12}")


if __name__ == "__main__":
    main(sys.argv[1:])
