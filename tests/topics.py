"""Groups of sample papers that a reader would call related, picked by their titles.

Used by the quality tests and by ``benchmarks/eval_layers.py``.
"""

from __future__ import annotations

import re

SAMPLE_TOPICS = {
    "state space models": r"State Space Models",
    "concept bottleneck models": r"Concept Bottleneck Models",
    "probabilistic circuits": r"Probabilistic (Integral )?Circuits|Tractable Probabilistic Circuits",
    "inductive reasoning in LLMs": r"Inductive Reason|Inductive or Deductive|Hypothesis Search|Logical Reasoners",
    "mechanistic interpretability": r"Mechanistic|Transcoders|Circuit Component Reuse|induction head",
    "gaussian mixture models": r"Gaussian Mixture Model",
    "dense hebbian networks": r"Dense Hebbian|Recurrent Hebbian",
    "in-context learning": r"^(?!MIR-Bench).*In-Context Learning",
    "inductive bias": r"Inductive Bias",
    "mathematical reasoning": r"Mathematical (Reasoning|Expert)",
}


def sample_groups(corpus) -> dict[str, list[str]]:
    """Paper ids of each topic; a paper goes to the first topic whose pattern its title matches."""
    groups: dict[str, list[str]] = {k: [] for k in SAMPLE_TOPICS}
    for p in corpus:
        for name, pat in SAMPLE_TOPICS.items():
            if re.search(pat, p.title):
                groups[name].append(p.id)
                break
    return groups
