"""How well each edge layer links papers a reader would call related, on the bundled sample.

Run: python benchmarks/eval_layers.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import litgraph as lg  # noqa: E402
from topics import sample_groups  # noqa: E402


def main() -> None:
    corpus = lg.load_sample()
    groups = sample_groups(corpus)
    print("groups:", ", ".join(f"{k} ({len(v)})" for k, v in groups.items()))
    g = lg.build_graph(corpus, seed=0)
    table = lg.evaluate_links(g, groups)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
