from __future__ import annotations

from pathlib import Path

import pytest

import litgraph as lg

DATA = Path(__file__).parent / "data"
SAMPLE = sorted(lg.sample_paths())


class CliResult:
    """What one in-process run of the command line gave: exit code, stdout, stderr."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def run_cli(*args, cwd=None) -> CliResult:
    """``litgraph ARGS`` run in this process through ``litgraph.cli.main`` (as the console script does)."""
    import contextlib
    import io
    import os

    from litgraph.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as exc:  # argparse: --help, --version, bad arguments
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    finally:
        os.chdir(here)
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["lg"] = lg


@pytest.fixture(scope="session")
def sample_corpus() -> lg.Corpus:
    return lg.load_sample()


@pytest.fixture(scope="session")
def sample_graph(sample_corpus) -> lg.PaperGraph:
    """The sample's graph with the default layers, seed 0: built once for the whole run (read only)."""
    return lg.build_graph(sample_corpus, seed=0)


@pytest.fixture(scope="session")
def sample_analysis(sample_graph) -> lg.Analysis:
    """The analysis of :func:`sample_graph`, seed 0 (read only)."""
    return lg.analyze(sample_graph, seed=0)


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return SAMPLE


@pytest.fixture
def data_dir() -> Path:
    return DATA


class WordHashEmbedder:
    """A test double of a sentence encoder: fixed vectors counted from a text's words."""

    name = "word-hash-test-embedder"

    def encode(self, texts):
        import numpy as np

        out = np.zeros((len(texts), 8))
        for r, t in enumerate(texts):
            for w in t.lower().split():
                out[r, sum(map(ord, w)) % 8] += 1.0
        return out
