"""Cost of hostile but ordinary inputs, each as a separate `litgraph` process (CPU seconds and peak memory).

    python benchmarks/bench_hostile.py [--quick]

Rows: one 20,000-paper CSV without a digest column reported (papers from the arXiv bench when present, else
synthetic); 50,000 papers sharing one title stored; a 4 MB BibTeX abstract parsed; a 40 MB page capture of short
lines ingested. Targets from the issue are printed beside each figure.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "shared" / "bench" / "arxiv-cs-2025.jsonl.gz"


def run(args: list[str], cwd: Path) -> tuple[float, float, int]:
    """CPU seconds and peak memory (GiB) of one ``litgraph`` process, and its exit code."""
    proc = subprocess.Popen([sys.executable, "-m", "litgraph", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    err = proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own resource use, not the largest so far
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(err.strip()[-300:], file=sys.stderr)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 2**20, proc.returncode


def main() -> None:
    quick = "--quick" in sys.argv
    scale = 10 if quick else 1
    work = Path(tempfile.mkdtemp(prefix="lg-hostile-"))
    rows = []
    # 1. one digest of 20,000 papers
    n = 20_000 // scale
    papers = []
    if BENCH.exists():
        with gzip.open(BENCH, "rt", encoding="utf-8") as fh:
            for line in fh:
                o = json.loads(line)
                papers.append((o["title"], o["abstract"], o["id"]))
                if len(papers) == n:
                    break
    else:
        papers = [(f"Paper {i} on topic {i % 50}", f"An abstract on topic {i % 50} and method {i % 70}.", "")
                  for i in range(n)]
    with open(work / "export.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "abstract", "arxiv_id"])
        w.writerows(papers)
    cpu, peak, code = run(["report", "export.csv", "--db", "a.db", "--out", "out-a", "--date", "2025-06-30",
                           "--exports", "none"], work)
    rows.append((f"{n:,}-paper CSV, no digest column: report", cpu, peak, code, "< 60 CPU-s, < 2 GB"))
    # 2. papers sharing one title
    n = 50_000 // scale
    with open(work / "same.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["title", "abstract", "arxiv_id", "digest"])
        w.writerows([("The Same Title", f"Abstract number {i}.", f"2401.{i:05d}", f"d{i // 100}") for i in range(n)])
    cpu, peak, code = run(["ingest", "same.csv", "--db", "b.db"], work)
    rows.append((f"{n:,} papers sharing one title: ingest", cpu, peak, code, "< 30 s"))
    # 3. a 4 MB BibTeX abstract
    size = 4_000_000 // scale
    abstract = (r"We study \emph{graphs} with $\alpha$ and caf\'e -- ``fun''. " * (size // 55))[:size]
    (work / "big.bib").write_text("@article{a,\n title={T},\n abstract={%s}\n}\n" % abstract, encoding="utf-8")
    cpu, peak, code = run(["ingest", "big.bib", "--db", "c.db"], work)
    rows.append((f"{size / 1e6:.1f} MB BibTeX abstract: ingest", cpu, peak, code, "< 2 s (parse)"))
    # 4. a 40 MB page capture of short lines
    size = 40_000_000 // scale
    lines, total, i = [], 0, 0
    while total < size:
        line = f"Title number {i}\nAn abstract sentence {i}. It reads well.\n"
        lines.append(line)
        total += len(line)
        i += 1
    (work / "page.txt").write_text("".join(lines), encoding="utf-8")
    cpu, peak, code = run(["ingest", "page.txt", "--db", "d.db"], work)
    rows.append((f"{size / 1e6:.0f} MB page capture: ingest", cpu, peak, code, "peak < 1 GB"))
    print(f"{'input':<44} {'CPU s':>8} {'peak GiB':>9} {'exit':>5}  target")
    for name, cpu, peak, code, target in rows:
        print(f"{name:<44} {cpu:>8.1f} {peak:>9.2f} {code:>5}  {target}")


if __name__ == "__main__":
    main()
