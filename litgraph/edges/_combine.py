"""Combining the layers: one row per linked pair, with the layer mix and the evidence of every layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def combine_pairs(edges: pd.DataFrame, ids: Sequence[str], layer_weights: Mapping[str, float],
                  scales: Mapping[str, float]) -> pd.DataFrame:
    """The combined graph of an edge frame (see :meth:`litgraph.PaperGraph.pairs_frame`).

    ``weight`` is the sum over layers of the layer weight times the layer's edge weight
    divided by the layer's scale; pairs of zero combined weight are left out.
    """
    e = edges
    index = pd.Index(list(ids))
    cols = ["source", "target", "weight"] + [f"w_{k}" for k in layer_weights] + [
        "kinds", "direction", "concepts", "evidence"]
    if e.empty:
        return pd.DataFrame(columns=cols).astype({"weight": float})
    i = index.get_indexer(e["source"])
    j = index.get_indexer(e["target"])
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    kinds = list(layer_weights)
    kind_pos = {k: n for n, k in enumerate(kinds)}
    kc = e["kind"].map(kind_pos).to_numpy()
    order = np.lexsort((kc, hi, lo))
    lo, hi, kc, i = lo[order], hi[order], kc[order], i[order]
    w = e["weight"].to_numpy()[order]
    directed = e["directed"].to_numpy()[order]
    ev = e["evidence"].to_numpy()[order]
    con = e["concepts"].to_numpy()[order]
    n = len(lo)
    new_pair = np.ones(n, dtype=bool)
    new_pair[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    pair_id = np.cumsum(new_pair) - 1
    starts = np.flatnonzero(new_pair)
    n_pairs = len(starts)
    wide = np.zeros((n_pairs, len(kinds)))
    np.add.at(wide, (pair_id, kc), w)
    layer_w = np.array([layer_weights[k] / scales[k] for k in kinds])
    combined = wide @ layer_w
    mask = np.zeros(n_pairs, dtype=np.int64)
    np.bitwise_or.at(mask, pair_id, (1 << kc).astype(np.int64))
    names = {m: ",".join(k for b, k in enumerate(kinds) if m >> b & 1) for m in np.unique(mask).tolist()}
    fwd = np.zeros(n_pairs, dtype=bool)
    bwd = np.zeros(n_pairs, dtype=bool)
    d_idx = np.flatnonzero(directed)
    np.logical_or.at(fwd, pair_id[d_idx], i[d_idx] == lo[d_idx])
    np.logical_or.at(bwd, pair_id[d_idx], i[d_idx] != lo[d_idx])
    direction = np.where(fwd & bwd, "both", np.where(fwd, "source->target", np.where(bwd, "target->source", "")))
    concepts = [""] * n_pairs
    for r in np.flatnonzero(np.fromiter((bool(c) for c in con), dtype=bool, count=n)).tolist():
        pid = pair_id[r]
        concepts[pid] = "; ".join(dict.fromkeys((concepts[pid].split("; ") if concepts[pid] else []) + list(con[r])))
    kind_names = np.asarray(kinds, dtype=object)[kc]
    lines = [f"{k}: {x}" for k, x in zip(kind_names.tolist(), ev.tolist())]
    bounds = np.append(starts, n).tolist()
    evidence = [" | ".join(lines[bounds[r]:bounds[r + 1]]) for r in range(n_pairs)]
    id_array = np.asarray(ids, dtype=object)
    out = pd.DataFrame({"source": id_array[lo[starts]], "target": id_array[hi[starts]], "weight": combined})
    for c, k in enumerate(kinds):
        out[f"w_{k}"] = wide[:, c]
    out["kinds"] = [names[m] for m in mask.tolist()]
    out["direction"] = direction
    out["concepts"] = concepts
    out["evidence"] = evidence
    out = out[out["weight"] > 0].reset_index(drop=True)
    return out[cols]
