"""Array helpers the layers share."""

from __future__ import annotations

import zipfile
import zlib

import numpy as np

#: What reading a damaged ``.npz`` blob can raise (a flipped byte: a bad CRC or deflate stream, a header field
#: zipfile does not support, cut-off data, parts that do not fit together).
BLOB_DAMAGE = (ValueError, KeyError, OSError, TypeError, IndexError, AttributeError, OverflowError, EOFError,
               NotImplementedError, zipfile.BadZipFile, zlib.error)


def distinct(a) -> np.ndarray:
    """The sorted distinct values of an integer array, as ``np.unique(a)`` gives them.

    By a sort: ``np.unique`` of recent numpy versions goes through a hash table, which
    is 10 to 80 times slower on millions of keys (16 million int64: 18 s against 0.2 s).
    """
    a = np.sort(np.asarray(a).ravel())
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def object_array(items) -> np.ndarray:
    """A 1-D object array holding ``items`` as they are (tuples stay tuples, whatever their lengths).

    ``np.array`` of equal-length tuples would make a 2-D array instead.
    """
    items = list(items)
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out
