"""Per-paper vectors of a model (sentence embeddings) kept in the store, keyed by model, paper and text.

A vector is reused while its paper's title and abstract are unchanged (``text_hash``) and the
model is the same (``model`` names the weights and how texts are cut, see
:attr:`litgraph.edges.OnnxEncoder.name`): vectors of two models never mix, and a paper whose text
changed is encoded again.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence

import numpy as np

logger = logging.getLogger("litgraph")

VECTORS_TABLE = """CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL, paper_id TEXT NOT NULL, text_hash TEXT NOT NULL, dim INTEGER NOT NULL,
    vector BLOB NOT NULL, PRIMARY KEY (model, paper_id)
)"""


def read_vectors(con: sqlite3.Connection, model: str, ids: Sequence[str],
                 hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(vectors, found): the stored float32 vector of each paper whose text hash matches, rows in ``ids``
    order (zeros where not found). A row of another length than the model's others is not used (it is
    encoded again and replaced), and the log says so."""
    index = {pid: i for i, pid in enumerate(ids)}
    try:
        rows = con.execute("SELECT paper_id, text_hash, dim, vector FROM vectors WHERE model = ?", (model,)).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a read-only store of an earlier litgraph: nothing kept yet
            return np.zeros((len(ids), 0), dtype=np.float32), np.zeros(len(ids), dtype=bool)
        raise
    dims = [r[2] for r in rows if r[0] in index]
    dim = max(set(dims), key=dims.count) if dims else 0
    out = np.zeros((len(ids), dim), dtype=np.float32)
    found = np.zeros(len(ids), dtype=bool)
    odd = 0
    for pid, text_hash, d, blob in rows:
        i = index.get(pid)
        if i is None or text_hash != hashes[i]:
            continue
        if d != dim or len(blob) != 4 * dim:
            odd += 1
            continue
        out[i] = np.frombuffer(blob, dtype="<f4")
        found[i] = True
    if odd:
        logger.warning("%d stored vector(s) of %s have another length than the others; they are encoded again",
                       odd, model)
    return out, found


def write_vectors(con: sqlite3.Connection, model: str, ids: Sequence[str], hashes: Sequence[str],
                  vectors: np.ndarray) -> None:
    """Keep the vectors of some papers (replacing what the store held for them under ``model``)."""
    v = np.ascontiguousarray(vectors, dtype="<f4")
    con.executemany("INSERT OR REPLACE INTO vectors (model, paper_id, text_hash, dim, vector) VALUES (?,?,?,?,?)",
                    ((model, pid, h, v.shape[1], v[i].tobytes()) for i, (pid, h) in enumerate(zip(ids, hashes))))
