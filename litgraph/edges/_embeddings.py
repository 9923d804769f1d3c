"""Semantic backends for the similarity layer: the embedder protocol, a sentence-transformers model found on
disk (any architecture, with torch; BERT models run without it on :class:`~litgraph.edges.OnnxEncoder`), and a
folder cache of vectors per text for builds without a store."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from ..exceptions import InvalidParameterError, LitgraphError
from ._encoder import PACKAGED_MODEL, OnnxEncoder, packaged_model_folder

__all__ = ["Embedder", "EmbeddingCache", "SentenceTransformerEmbedder", "PACKAGED_MODEL", "make_embedder"]


@runtime_checkable
class Embedder(Protocol):
    """A semantic backend: ``encode(texts)`` returns one vector per text (2-D array).

    ``name`` identifies the model, so cached vectors of another model are never reused.

    Examples
    --------
    >>> import numpy as np
    >>> import litgraph as lg
    >>> class Letters:
    ...     name = "letter-counts"
    ...     def encode(self, texts):
    ...         return np.array([[t.lower().count(c) for c in "abcdefghij"] for t in texts], dtype=float)
    >>> isinstance(Letters(), lg.edges.Embedder)
    True
    """

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbeddingCache:
    """Vectors already computed, kept in one ``.npz`` file per model, keyed by a hash of the text.

    A daily run embeds only the papers it has not seen before.

    Examples
    --------
    >>> import tempfile, numpy as np, litgraph as lg
    >>> class Length:
    ...     name = "length"
    ...     def encode(self, texts):
    ...         return np.array([[len(t), 1.0] for t in texts])
    >>> cache = lg.edges.EmbeddingCache(tempfile.mkdtemp())
    >>> _, computed = cache.encode(Length(), ["a", "bb"])
    >>> _, again = cache.encode(Length(), ["a", "bb", "ccc"])
    >>> computed, again
    (2, 1)
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def _file(self, model: str) -> Path:
        return self.folder / f"embeddings-{hashlib.sha1(model.encode()).hexdigest()[:12]}.npz"

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def load(self, model: str) -> dict[str, np.ndarray]:
        """The cached vectors of ``model``; a :class:`LitgraphError` names a cache file that cannot be used."""
        f = self._file(model)
        if not f.exists():
            return {}
        try:
            with np.load(f, allow_pickle=False) as data:
                stored = str(data["model"]) if "model" in data.files else model
                if stored != model:
                    raise LitgraphError(f"{f}: the embedding cache holds vectors of the model {stored!r}, not "
                                        f"{model!r}; delete the file or give another cache folder.")
                return dict(zip(data["keys"].tolist(), data["vectors"]))
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise LitgraphError(f"{f}: the embedding cache cannot be read ({exc}); delete the file and run again "
                                f"(its vectors are recomputed).") from None

    def save(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        f = self._file(model)
        tmp = f.with_suffix(".tmp.npz")
        keys = sorted(vectors)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, keys=np.asarray(keys), model=np.asarray(model),
                     vectors=np.stack([vectors[k] for k in keys]) if keys else np.zeros((0, 0)))
            tmp.replace(f)
        except OSError as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise LitgraphError(f"{self.folder}: the embedding cache cannot be written ({exc.strerror or exc}); "
                                f"give a writable cache folder.") from None

    def encode(self, embedder: Embedder, texts: Sequence[str]) -> tuple[np.ndarray, int]:
        """Vectors for ``texts``, computing only the missing ones; returns (vectors, number computed)."""
        known = self.load(embedder.name)
        keys = [self.key(t) for t in texts]
        missing = [i for i, k in enumerate(keys) if k not in known]
        if missing:
            new = np.asarray(embedder.encode([texts[i] for i in missing]), dtype=np.float32)
            for i, v in zip(missing, new):
                known[keys[i]] = v
            self.save(embedder.name, known)
        return np.stack([known[k] for k in keys]), len(missing)


def _packaged_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 model that the ``semantic`` extra installs."""
    return packaged_model_folder()


class SentenceTransformerEmbedder:
    """Sentence embeddings from a sentence-transformers model found on disk (never downloaded).

    Parameters
    ----------
    model : str or Path, default "all-MiniLM-L6-v2"
        A folder holding the model, or ``"all-MiniLM-L6-v2"``: the packaged copy of that model
        (Reimers & Gurevych 2019 sentence embeddings, 384 dimensions). Needs the ``torch`` extra
        (``pip install 'litgraph[torch]'``); the same model runs without torch on
        :class:`OnnxEncoder`, which ``"all-MiniLM-L6-v2"`` as an ``embedder`` selects.
    batch_size : int, default 64

    Examples
    --------
    >>> import litgraph as lg
    >>> lg.edges.SentenceTransformerEmbedder("no/such/model")
    Traceback (most recent call last):
    ...
    litgraph.exceptions.InvalidParameterError: The 'model' parameter of SentenceTransformerEmbedder must be 'all-MiniLM-L6-v2' or a folder holding a model. Got 'no/such/model', which does not exist.
    """

    def __init__(self, model: str | Path = PACKAGED_MODEL, *, batch_size: int = 64) -> None:
        if str(model) == PACKAGED_MODEL:
            path = _packaged_model_path()
            self.name = f"sentence-transformers:{PACKAGED_MODEL}"
        else:
            path = Path(model)
            if not path.is_dir():
                raise InvalidParameterError(
                    f"The 'model' parameter of SentenceTransformerEmbedder must be {PACKAGED_MODEL!r} or a folder "
                    f"holding a model. Got {str(model)!r}, which "
                    f"{'is not a folder' if path.exists() else 'does not exist'}.")
            self.name = f"sentence-transformers:{path.name}"
        self.model_path = path
        self.batch_size = batch_size
        self._model = None

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({str(self.model_path)!r})"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self._model is None:
            import os

            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError:
                raise LitgraphError("SentenceTransformerEmbedder needs sentence-transformers (pip install "
                                    "sentence-transformers, which brings torch); OnnxEncoder runs BERT models "
                                    "without it.") from None
            self._model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
        return np.asarray(self._model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True))


@functools.lru_cache(maxsize=4)
def _onnx_encoder(model: str) -> OnnxEncoder:
    return OnnxEncoder(model)  # made once per process: checking and loading the model takes a second or two


def make_embedder(value: str | Path | Embedder | None, owner: str) -> Embedder | None:
    """An embedder from a plain value (a model name or folder, as a config file holds it) or as given:
    the packaged model and BERT folders (with ``model.safetensors``) run on :class:`OnnxEncoder`, other
    folders on :class:`SentenceTransformerEmbedder`."""
    if value is None or isinstance(value, Embedder):
        return value
    if isinstance(value, (str, Path)):
        if str(value) == PACKAGED_MODEL or (Path(value) / "model.safetensors").is_file():
            return _onnx_encoder(str(value))
        return SentenceTransformerEmbedder(value)
    raise InvalidParameterError(f"The 'embedder' parameter of {owner} must be {PACKAGED_MODEL!r}, the folder of a "
                                f"sentence-transformers model, or an object with 'name' and encode(texts). "
                                f"Got {value!r} instead.")
