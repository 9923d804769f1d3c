"""The shape of the code base: imports flow one way, modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "litgraph"

#: Each module's layer; a module may import its own layer and the layers below, never one above.
LAYERS = {
    0: {"exceptions", "_validation", "_text", "_lexicon", "_version", "_igraph", "_parallel", "_step", "_memory", "_arrays", "engine"},
    1: {"model", "_records"},
    2: {"ingest", "concepts", "edges"},
    3: {"graph", "build", "_networkx", "incremental"},
    4: {"analysis", "evaluation"},
    5: {"export", "store", "report", "pipeline"},
    6: {"cli", "_cli_session", "__main__", "__init__"},
}
LAYER_OF = {name: level for level, names in LAYERS.items() for name in names}


def _top(module: str) -> str:
    """The first part below ``litgraph`` of a dotted module name (``litgraph.edges._base`` -> ``edges``)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported litgraph module) for every import of the package in one file, lazy ones included."""
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    here = list(rel.parts)
    if here[-1] == "__init__":
        here = here[:-1]
    package = here if path.name == "__init__.py" else here[:-1]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                if not node.module:  # from . import x: each name may be a module
                    out += [(node.lineno, f"{target}.{a.name}") for a in node.names]
                    continue
            else:
                target = node.module or ""
            if target == "litgraph" or target.startswith("litgraph."):
                out.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.split(".")[0] == "litgraph"]
    return out


FILES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_flow_from_higher_layers_to_lower_ones(path):
    own = _top(".".join(("litgraph",) + path.relative_to(PACKAGE).with_suffix("").parts))
    assert own in LAYER_OF, f"{path.name}: give its module a layer in tests/test_architecture.py"
    bad = []
    for line, target in _imports(path):
        other = _top(target)
        if other == "__init__" and own != "__init__" and target == "litgraph":
            bad.append(f"line {line}: imports the package root")
        elif LAYER_OF.get(other, -1) > LAYER_OF[own]:
            bad.append(f"line {line}: {own} (layer {LAYER_OF[own]}) imports {target} (layer {LAYER_OF[other]})")
    assert bad == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_400_lines(path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 400


def test_igraph_is_built_once_per_fit_and_page(tmp_path):
    import litgraph as lg
    from litgraph import _igraph

    before = _igraph.BUILDS["count"]
    model = lg.LitGraph(seed=0).fit(lg.parse_digest(
        "title,abstract\n" + "\n".join(f"State space model {i},State space models (SSMs) and selective scans {i}. "
                                       f"Mamba variant {i % 3} reads long context." for i in range(12))))
    model.communities_frame(), model.key_papers(), model.bridges(), model.papers_frame()
    model.export(tmp_path / "g.html")
    assert _igraph.BUILDS["count"] - before == 1


def _long_functions(path: Path, limit: int) -> list[str]:
    """Functions of a file whose code (the docstring aside) runs over ``limit`` lines."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0]
            has_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                and isinstance(first.value.value, str)
            start = node.body[1].lineno if has_doc and len(node.body) > 1 else first.lineno
            if node.end_lineno - start + 1 > limit:
                out.append(f"{node.name} (line {node.lineno}): {node.end_lineno - start + 1} lines of code")
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_over_60_lines_of_code(path):
    assert _long_functions(path, 60) == []
