"""The layer contract: what a layer returns, how it is checked, and the registry of layers by name.

A layer is an object with a ``kind`` (its name) and ``build(ctx)``, which returns the layer's
edges as :class:`LayerEdges`: paper *positions* in ``ctx.corpus`` (``ctx.index`` maps an id to
its position), never ids. Optional: ``directed`` (default False); ``incremental = "rebuild"``
when a daily build may simply build it again; or an ``extend(ctx, old, new)`` method that
returns the edges the new papers (positions ``new``) add to the last build's ``old`` ones.
A layer with neither forces a full build on the days it is in the graph, with its name as the
reason. :class:`~litgraph.edges._base.EdgeStep` subclasses follow the same contract.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..exceptions import InvalidParameterError, LitgraphError

#: The largest layer weight (weights are relative; larger ones could overflow their sums).
MAX_WEIGHT = 1e6


@dataclass
class LayerEdges:
    """A layer's edges by paper position.

    Parameters
    ----------
    src, dst : array of int
        Positions of the two papers of each edge in ``ctx.corpus`` (for a directed layer,
        ``src`` points at ``dst``).
    weight : array of float
        Each edge's weight, finite and >= 0 (the layer's own scale: the graph divides by the
        layer's median weight before mixing layers).
    score : array of float, optional
        The raw score shown to readers (defaults to ``weight``).
    evidence : sequence of str, optional
        One sentence per edge saying why the papers are linked.
    concepts : sequence of tuple of str, optional
        Concepts behind each edge, if the layer has any.
    digests : sequence of tuple of str, optional
        The digests behind each edge, if the layer has any (ids of :attr:`Corpus.digests`).

    Examples
    --------
    >>> import numpy as np
    >>> e = LayerEdges(src=np.array([0, 1]), dst=np.array([2, 2]), weight=np.array([1.0, 0.5]))
    >>> len(e)
    2
    """

    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    score: np.ndarray | None = None
    evidence: Sequence[str] | None = None
    concepts: Sequence[tuple] | None = None
    digests: Sequence[tuple] | None = None

    def __len__(self) -> int:
        return len(self.src)

    @classmethod
    def empty(cls) -> LayerEdges:
        """No edges."""
        none = np.zeros(0, dtype=np.int64)
        return cls(none, none, np.zeros(0))


def _positions(values, name: str, kind: str, n: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise LitgraphError(f"The {kind!r} layer returned {name} of shape {arr.shape}; a layer returns one "
                            f"position per edge (a 1-D array of int).")
    if len(arr) and arr.dtype.kind not in "iu":
        first = arr[:1].tolist()[0]  # a plain value, shown as the user wrote it
        what = "paper ids" if isinstance(first, str) else f"values of type {arr.dtype}"
        raise LitgraphError(f"The {kind!r} layer returned {what} as {name} (e.g. {first!r}); a layer returns "
                            f"integer positions into ctx.corpus (ctx.index maps a paper id to its position).")
    arr = arr.astype(np.int64, copy=False)
    bad = np.flatnonzero((arr < 0) | (arr >= n))
    if len(bad):
        raise LitgraphError(f"The {kind!r} layer returned position {int(arr[bad[0]])} in {name} (edge {int(bad[0])}); "
                            f"positions run from 0 to {n - 1}, the corpus has {n} papers.")
    return arr


def _numbers(values, name: str, kind: str, m: int) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise LitgraphError(f"The {kind!r} layer returned {name} that are not numbers; a layer returns one float "
                            f"per edge.") from None
    if arr.shape != (m,):
        raise LitgraphError(f"The {kind!r} layer returned {arr.size} {name} value(s) for {m} edges; a layer "
                            f"returns one per edge.")
    bad = np.flatnonzero(~np.isfinite(arr) | (arr < 0))
    if len(bad):
        raise LitgraphError(f"The {kind!r} layer returned {len(bad)} {name} value(s) that are NaN, infinite or "
                            f"negative (the first at edge {int(bad[0])}: {float(arr[bad[0]])!r}); {name} must be finite "
                            f"numbers >= 0.")
    return arr


def checked(kind: str, out, n: int, *, own: bool = False) -> LayerEdges:
    """A layer's output checked against the contract (positions in range, one finite weight per edge, ...);
    LitgraphError naming the layer and what was expected otherwise. ``own``: a layer of the package, whose
    texts are already one ``str`` and one tuple of ``str`` per edge (they are not copied)."""
    if not isinstance(out, LayerEdges):
        raise LitgraphError(f"The {kind!r} layer's build() returned {type(out).__name__}; a layer returns "
                            f"litgraph.edges.LayerEdges(src, dst, weight, ...) with paper positions.")
    src, dst = _positions(out.src, "src", kind, n), _positions(out.dst, "dst", kind, n)
    if len(src) != len(dst):
        raise LitgraphError(f"The {kind!r} layer returned {len(src)} src and {len(dst)} dst positions; each edge "
                            f"needs one of each.")
    loops = np.flatnonzero(src == dst)
    if len(loops):
        raise LitgraphError(f"The {kind!r} layer links paper {int(src[loops[0]])} to itself (edge {int(loops[0])}); "
                            f"a layer links two different papers.")
    m = len(src)
    weight = _numbers(out.weight, "weight", kind, m)
    score = weight if out.score is None else _numbers(out.score, "score", kind, m)
    for name in ("evidence", "concepts", "digests"):
        value = getattr(out, name)
        if isinstance(value, (str, bytes)):
            raise LitgraphError(f"The {kind!r} layer returned one text as {name}; a layer returns a list with one "
                                f"{'sentence' if name == 'evidence' else 'tuple of names'} per edge.")
        if value is not None and len(value) != m:
            raise LitgraphError(f"The {kind!r} layer returned {len(value)} {name} for {m} edges; a layer returns "
                                f"one per edge (or none).")
    if own:
        return LayerEdges(src, dst, weight, score, out.evidence, out.concepts, out.digests)
    evidence = None if out.evidence is None else [str(t) for t in out.evidence]
    concepts, digests = ([tuple(map(str, c)) for c in v] if v is not None else None
                         for v in (out.concepts, out.digests))
    return LayerEdges(src, dst, weight, score, evidence, concepts, digests)


# -- the registry -------------------------------------------------------------------------
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")


def check_layer(layer, where: str) -> str:
    """The kind of a layer object, or InvalidParameterError saying what a layer needs."""
    kind = getattr(layer, "kind", None)
    if not isinstance(kind, str) or not _NAME.fullmatch(kind) or not callable(getattr(layer, "build", None)):
        raise InvalidParameterError(
            f"{where} takes edge layers: objects with a 'kind' (a lower-case name such as 'mylinks') and a "
            f"build(ctx) method returning litgraph.edges.LayerEdges. Got {layer!r} instead.")
    mode = getattr(layer, "incremental", "")
    if mode not in ("", "rebuild", "extend") or (mode == "extend" and not callable(getattr(layer, "extend", None))):
        raise InvalidParameterError(f"The 'incremental' attribute of the {kind!r} layer must be 'rebuild', 'extend' "
                                    f"(with an extend(ctx, old, new) method) or ''. Got {mode!r} instead.")
    return kind


def check_weight(kind: str, w) -> float:
    if isinstance(w, bool) or not isinstance(w, numbers.Real) or not np.isfinite(w) or not 0 <= w <= MAX_WEIGHT:
        raise InvalidParameterError(f"The weight of layer {kind!r} must be a number from 0 to {MAX_WEIGHT:g} "
                                    f"(weights are relative). Got {w!r}.")
    return float(w)
