"""Combining the layers: one row per linked pair, with the layer mix and the evidence of every layer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd


def _ordered(edges: pd.DataFrame, ends: tuple[np.ndarray, np.ndarray], kinds: list[str]):
    """The edges sorted by pair (lo, hi) then layer: (order, lo, hi, layer code, source position, pair id, starts);
    ``ends``: the edges' source and target positions."""
    i, j = ends
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    kind_code = np.zeros(len(edges), dtype=np.int64)
    kind_col = edges["kind"].to_numpy()
    for n, k in enumerate(kinds):
        kind_code[kind_col == k] = n
    order = np.lexsort((kind_code, hi, lo))
    lo, hi, kc, i = lo[order], hi[order], kind_code[order], i[order]
    new_pair = np.ones(len(lo), dtype=bool)
    new_pair[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    return order, lo, hi, kc, i, np.cumsum(new_pair) - 1, np.flatnonzero(new_pair)


def _layer_sums(edges, order, kc, pair_id, n_pairs: int, kinds, layer_weights, scales):
    """Each pair's weight per layer (pairs x layers) and its combined weight."""
    wide = np.zeros((n_pairs, len(kinds)))
    np.add.at(wide, (pair_id, kc), edges["weight"].to_numpy()[order])
    return wide, wide @ np.array([layer_weights[k] / scales[k] for k in kinds])


def combine_pairs(edges: pd.DataFrame, ends: tuple[np.ndarray, np.ndarray], ids: Sequence[str],
                  layer_weights: Mapping[str, float],
                  scales: Mapping[str, float]) -> tuple[pd.DataFrame, tuple[np.ndarray, np.ndarray]]:
    """The combined graph of an edge frame (see :meth:`litgraph.PaperGraph.pairs_frame`), without its text.

    ``weight`` is the sum over layers of the layer weight times the layer's edge weight
    divided by the layer's scale; pairs of zero combined weight are left out. The
    ``concepts`` and ``evidence`` columns (a string per pair: the slow and large part of a
    big graph) are not made here; :func:`pair_text` gives them for chosen rows. Returns the frame and the
    positions (lo, hi) of each row's papers.
    """
    e = edges
    kinds = list(layer_weights)
    cols = ["source", "target", "weight"] + [f"w_{k}" for k in kinds] + ["kinds", "direction"]
    if e.empty:
        none = np.zeros(0, dtype=np.int64)
        return pd.DataFrame(columns=cols).astype({"weight": float}), (none, none)
    order, lo, hi, kc, i, pair_id, starts = _ordered(e, ends, kinds)
    directed = e["directed"].to_numpy()[order]
    n_pairs = len(starts)
    wide, combined = _layer_sums(e, order, kc, pair_id, n_pairs, kinds, layer_weights, scales)
    mask = np.zeros(n_pairs, dtype=np.int64)
    np.bitwise_or.at(mask, pair_id, (1 << kc).astype(np.int64))
    fwd = np.zeros(n_pairs, dtype=bool)
    bwd = np.zeros(n_pairs, dtype=bool)
    d_idx = np.flatnonzero(directed)
    np.logical_or.at(fwd, pair_id[d_idx], i[d_idx] == lo[d_idx])
    np.logical_or.at(bwd, pair_id[d_idx], i[d_idx] != lo[d_idx])
    kept = np.flatnonzero(combined > 0)
    at = starts[kept]
    id_array = np.asarray(ids, dtype=object)
    out = {"source": id_array[lo[at]], "target": id_array[hi[at]], "weight": combined[kept]}
    for c, k in enumerate(kinds):
        out[f"w_{k}"] = wide[kept, c]
    del wide
    codes, names = np.unique(mask[kept], return_inverse=True)  # one string object per combination of layers
    out["kinds"] = np.array([",".join(k for b, k in enumerate(kinds) if m >> b & 1) for m in codes.tolist()],
                            dtype=object)[names.ravel()]
    out["direction"] = _DIRECTIONS[fwd[kept].astype(np.int8) + 2 * bwd[kept].astype(np.int8)]
    return pd.DataFrame(out)[cols], (lo[at], hi[at])


#: ``direction`` of a pair by (points forward) + 2 * (points backward).
_DIRECTIONS = np.array(["", "source->target", "target->source", "both"], dtype=object)


def text_plan(edges: pd.DataFrame, ends: tuple[np.ndarray, np.ndarray], layer_weights: Mapping[str, float],
              scales: Mapping[str, float]) -> tuple:
    """What :func:`pair_text` needs to find the edges of any row of the combined graph (computed once)."""
    kinds = list(layer_weights)
    order, lo, hi, kc, i, pair_id, starts = _ordered(edges, ends, kinds)
    _, combined = _layer_sums(edges, order, kc, pair_id, len(starts), kinds, layer_weights, scales)
    return kinds, order, kc, pair_id, starts, np.flatnonzero(combined > 0)


def pair_text(plan: tuple, rows: np.ndarray, text_of) -> tuple[list[str], list[str]]:
    """``concepts`` and ``evidence`` of the rows ``rows`` of the combined graph (as :func:`combine_pairs` has them);
    ``text_of(edge rows)`` gives the concepts and evidence of rows of the edge frame."""
    kinds, order, kc, pair_id, starts, kept = plan
    if len(order) == 0 or len(rows) == 0:
        return [], []
    return _texts(text_of, kinds, order, kc, starts, kept[np.asarray(rows, dtype=np.int64)])


def _texts(text_of, kinds, order, kc, starts, pairs: np.ndarray) -> tuple[list[str], list[str]]:
    """The shared concepts (every layer's, in layer order, once) and the evidence lines of some pairs."""
    pairs = np.asarray(pairs, dtype=np.int64)
    ends = np.append(starts, len(order))
    first, lens = ends[pairs], ends[pairs + 1] - ends[pairs]
    at = np.cumsum(lens) - lens  # where each chosen pair's rows begin among the chosen rows
    rows = np.repeat(first - at, lens) + np.arange(int(lens.sum()))  # the chosen pairs' sorted-edge rows
    src = order[rows]
    con, ev = text_of(src)
    kind_names = np.asarray(kinds, dtype=object)[kc[rows]]
    lines = [f"{k}: {x}" for k, x in zip(kind_names.tolist(), ev.tolist())]
    bounds = np.append(at, len(rows)).tolist()
    evidence = [" | ".join(lines[bounds[r]:bounds[r + 1]]) for r in range(len(pairs))]
    owner = np.repeat(np.arange(len(pairs)), lens)
    concepts = [""] * len(pairs)
    for r in np.flatnonzero(np.fromiter(map(bool, con), dtype=bool, count=len(con))).tolist():
        q = owner[r]
        concepts[q] = "; ".join(dict.fromkeys((concepts[q].split("; ") if concepts[q] else []) + list(con[r])))
    return concepts, evidence


def edge_texts(edges: pd.DataFrame, ends: tuple[np.ndarray, np.ndarray], deferred: Mapping, concepts,
               rows) -> tuple[np.ndarray, np.ndarray]:
    """``concepts`` and ``evidence`` of rows of an edge frame, made by their layer (``deferred``: kind -> layer with
    ``edge_texts``) for the kinds that left them empty; ``concepts`` is the concept set the layers read, its rows
    in the order of the positions ``ends`` (the edges' source and target)."""
    rows = np.asarray(rows, dtype=np.int64)
    con, ev = edges["concepts"].to_numpy()[rows], edges["evidence"].to_numpy()[rows]
    if deferred and len(rows):
        kind = edges["kind"].to_numpy()[rows]
        for k, layer in deferred.items():
            sel = np.flatnonzero(kind == k)
            if len(sel):
                a, b = ends[0][rows[sel]], ends[1][rows[sel]]
                made_con, made_ev = layer.edge_texts(concepts, a, b)
                con[sel] = np.fromiter(made_con, dtype=object, count=len(sel))  # tuples kept whole
                ev[sel] = made_ev
    return con, ev
