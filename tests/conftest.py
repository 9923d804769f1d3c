from __future__ import annotations

from pathlib import Path

import pytest

import litgraph as lg

DATA = Path(__file__).parent / "data"
SAMPLE = sorted(lg.sample_paths())


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace):
    doctest_namespace["lg"] = lg


@pytest.fixture(scope="session")
def sample_corpus() -> lg.Corpus:
    return lg.load_sample()


@pytest.fixture(scope="session")
def sample_paths() -> list[Path]:
    return SAMPLE


@pytest.fixture
def data_dir() -> Path:
    return DATA
