"""Parameter checks shared by every public entry point, with one message format.

"The 'threshold' parameter of SimilarityEdges must be a float in [0, 1]. Got 1.5 instead."
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable
from typing import Any

from .exceptions import InvalidParameterError


def _fail(name: str, owner: str, expected: str, value: Any) -> InvalidParameterError:
    return InvalidParameterError(
        f"The {name!r} parameter of {owner} must be {expected}. Got {value!r} instead."
    )


def check_int(value: Any, name: str, owner: str, *, min_value: int | None = None,
              max_value: int | None = None, allow_none: bool = False) -> int | None:
    """Return ``value`` as an int, or raise naming the parameter."""
    if value is None and allow_none:
        return None
    bounds = _bounds_text(min_value, max_value)
    expected = f"an int{bounds}" + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise _fail(name, owner, expected, value)
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise _fail(name, owner, expected, value)
    return int(value)


def check_float(value: Any, name: str, owner: str, *, low: float | None = None,
                high: float | None = None, low_open: bool = False, high_open: bool = False,
                allow_none: bool = False) -> float | None:
    """Return ``value`` as a float inside the interval, or raise naming the parameter."""
    if value is None and allow_none:
        return None
    lo = "(" if low_open else "["
    hi = ")" if high_open else "]"
    interval = f" in {lo}{'-inf' if low is None else _num(low)}, {'inf' if high is None else _num(high)}{hi}"
    expected = f"a float{interval}" + (" or None" if allow_none else "")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _fail(name, owner, expected, value)
    v = float(value)
    if v != v:  # NaN
        raise _fail(name, owner, expected, value)
    if low is not None and (v < low or (low_open and v == low)):
        raise _fail(name, owner, expected, value)
    if high is not None and (v > high or (high_open and v == high)):
        raise _fail(name, owner, expected, value)
    return v


def check_option(value: Any, name: str, owner: str, options: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``options``, else raise listing them."""
    opts = list(options)
    if not isinstance(value, str) or value not in opts:
        raise _fail(name, owner, "one of " + ", ".join(repr(o) for o in opts), value)
    return value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def check_date(value: Any, name: str, owner: str, *, allow_none: bool = False):
    """Return ``value`` as a :class:`datetime.date` (from a date, a datetime or ``YYYY-MM-DD``), or raise.

    >>> check_date("2025-11-01", "since", "Store.corpus")
    datetime.date(2025, 11, 1)
    >>> check_date("yesterday", "date", "litgraph report")
    Traceback (most recent call last):
    ...
    litgraph.exceptions.InvalidParameterError: The 'date' parameter of litgraph report must be a date such as \
'2025-11-01' (YYYY-MM-DD) between 1700-01-01 and 2199-12-31. Got 'yesterday' instead.
    """
    from datetime import date, datetime

    from ._text import MAX_DAY, MIN_DAY

    if value is None and allow_none:
        return None
    day = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str) and _ISO_DAY.match(value.strip()):
        try:
            day = date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    if day is not None and MIN_DAY <= day <= MAX_DAY:
        return day
    raise _fail(name, owner, f"a date such as '2025-11-01' (YYYY-MM-DD) between {MIN_DAY} and {MAX_DAY}"
                + (" or None" if allow_none else ""), value)


def check_bool(value: Any, name: str, owner: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(name, owner, "a bool", value)
    return value


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _bounds_text(min_value: int | None, max_value: int | None) -> str:
    if min_value is not None and max_value is not None:
        return f" in [{min_value}, {max_value}]"
    if min_value is not None:
        return f" >= {min_value}"
    if max_value is not None:
        return f" <= {max_value}"
    return ""
