"""How many calls a digest goes through to become a node of the page: the litgraph call stacks, measured.

Runs ``litgraph report --sample`` in this process with a profiler hook and prints, for each stage a paper
passes through (its record read from the digest text, the paper made of its records, the concept rows,
the edges, the graph's communities, the page's node), the chain of litgraph functions that leads there from
the command, and its length. The sum over stages is the digest's path to a node of the page.

Run: python benchmarks/call_path.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

#: Stage -> the function whose call marks it (module, name).
STAGES = {
    "record read from the digest": ("litgraph.ingest.hf_pages", "_read"),
    "paper made of its records": ("litgraph.model", "_paper"),
    "concept rows": ("litgraph.concepts._extractor", "fit"),
    "edges of a layer": ("litgraph.edges._base", "edge_frame"),
    "communities": ("litgraph.analysis.communities", "detect_communities"),
    "node of the page": ("litgraph.export._page", "page_data"),
}


def main() -> None:
    from litgraph.cli import run

    found: dict[str, list[str]] = {}
    wanted = {v: k for k, v in STAGES.items()}

    def hook(frame, event, arg):
        if event != "call":
            return
        key = (frame.f_globals.get("__name__", ""), frame.f_code.co_name)
        stage = wanted.get(key)
        if stage is None or stage in found:
            return
        chain, f = [], frame
        while f is not None:
            module = f.f_globals.get("__name__", "")
            if module.startswith("litgraph") and f.f_code.co_name not in ("<lambda>", "<genexpr>", "<listcomp>"):
                chain.append(f"{module.removeprefix('litgraph.')}.{f.f_code.co_name}")
            f = f.f_back
        found[stage] = chain[::-1]

    with tempfile.TemporaryDirectory() as tmp:
        sys.argv = ["litgraph", "report", "--sample", "--db", str(Path(tmp) / "lg.db"), "--out", tmp, "-q"]
        sys.setprofile(hook)
        try:
            run()
        except SystemExit:
            pass
        finally:
            sys.setprofile(None)
    total = 0
    print(f"{'stage':<30} {'calls':>5}  chain from the command")
    for stage in STAGES:
        chain = found.get(stage, [])
        total += len(chain)
        print(f"{stage:<30} {len(chain):>5}  {' > '.join(chain)}")
    deepest = max(len(c) for c in found.values())
    print(f"\ndeepest chain: {deepest} calls; stages seen: {len(found)} of {len(STAGES)}")


if __name__ == "__main__":
    main()
