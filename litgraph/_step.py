"""The step contract: every pipeline step is a scikit-learn style estimator.

``__init__`` only stores keyword arguments; the parameters are declared once, in
``_parameter_constraints`` (a parameter name -> :class:`Constraint`), and checked by
:meth:`Step._validate_params` with litgraph's one message format ("The 'top_k' parameter
of SimilarityEdges must be an int >= 1. Got 0 instead."); ``fit`` returns ``self`` and
what it learns ends in ``_``. :class:`Params` gives ``get_params``, ``set_params``
and the repr with scikit-learn's conventions (so ``sklearn.base.clone`` and grid
searches work on every step) without importing scikit-learn.
"""

from __future__ import annotations

import functools
import inspect
import numbers
from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from ._validation import check_bool, check_date, check_float, check_int, check_option
from .exceptions import InvalidParameterError

__all__ = ["Params", "Step", "Constraint", "Int", "Float", "Options", "Bool", "Custom", "Date", "constrained",
           "METHOD", "RESOLUTION", "MIN_COMMUNITY_SIZE", "SEED", "CONSENSUS", "STABILITY_RUNS", "N_JOBS"]


class Params:
    """Keyword parameters stored as given: ``get_params``, ``set_params``, repr.

    The parameters are the keyword arguments of ``__init__``; ``get_params(deep=True)``
    adds ``name__sub`` entries for parameters that have parameters of their own, and
    ``set_params`` accepts them. The repr lists the parameters that differ from their
    defaults.
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p.name for p in sig.parameters.values()
                      if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update((f"{name}__{k}", v) for k, v in value.get_params().items())
            out[name] = value
        return out

    def set_params(self, **params) -> Params:
        valid = self._param_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise InvalidParameterError(f"{type(self).__name__} has no parameter {name!r}; its parameters are "
                                            f"{', '.join(valid)}.")
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        sig = inspect.signature(type(self).__init__)
        shown = []
        for name in self._param_names():
            value, default = getattr(self, name), sig.parameters[name].default
            try:
                same = value is default or bool(value == default)
            except Exception:  # noqa: BLE001 - arrays and other values without a plain truth value
                same = False
            if not same:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"


class Constraint:
    """What one parameter accepts; calling it checks a value and raises InvalidParameterError."""

    def __call__(self, value: Any, name: str, owner: str) -> None:  # pragma: no cover - interface
        raise NotImplementedError


@dataclass(frozen=True)
class Int(Constraint):
    min_value: int | None = None
    max_value: int | None = None
    allow_none: bool = False

    def __call__(self, value, name, owner):
        check_int(value, name, owner, min_value=self.min_value, max_value=self.max_value, allow_none=self.allow_none)


@dataclass(frozen=True)
class Float(Constraint):
    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False
    allow_none: bool = False

    def __call__(self, value, name, owner):
        check_float(value, name, owner, low=self.low, high=self.high, low_open=self.low_open,
                    high_open=self.high_open, allow_none=self.allow_none)


@dataclass(frozen=True)
class Options(Constraint):
    options: tuple[str, ...]

    def __call__(self, value, name, owner):
        check_option(value, name, owner, self.options)


@dataclass(frozen=True)
class Bool(Constraint):
    def __call__(self, value, name, owner):
        check_bool(value, name, owner)


@dataclass(frozen=True)
class Custom(Constraint):
    """A check of its own: ``check(value, name, owner)`` raises InvalidParameterError."""

    check: Callable[[Any, str, str], None]

    def __call__(self, value, name, owner):
        self.check(value, name, owner)


@dataclass(frozen=True)
class Date(Constraint):
    """A day: a date, a datetime or ``YYYY-MM-DD`` text (see :func:`litgraph._validation.check_date`)."""

    allow_none: bool = False

    def __call__(self, value, name, owner):
        check_date(value, name, owner, allow_none=self.allow_none)


def constrained(owner: str | None = None, **constraints: Constraint):
    """Declare what a function's parameters accept; every call checks them first (litgraph's one message format,
    naming ``owner``, by default the function's name). The declarations stay readable as
    ``fn._parameter_constraints``, as a Step's do.

    >>> @constrained(top_k=Int(min_value=1))
    ... def nearest(*, top_k=10):
    ...     return top_k
    >>> nearest(top_k=0)
    Traceback (most recent call last):
    ...
    litgraph.exceptions.InvalidParameterError: The 'top_k' parameter of nearest must be an int >= 1. Got 0 instead.
    """
    def wrap(fn):
        sig = inspect.signature(fn)
        unknown = set(constraints) - set(sig.parameters)
        if unknown:
            raise TypeError(f"{fn.__name__} has no parameter {', '.join(sorted(unknown))}")
        name = owner or fn.__name__

        @functools.wraps(fn)
        def checked(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            for param, constraint in constraints.items():
                value = bound.arguments.get(param, sig.parameters[param].default)
                constraint(value, param, name)
            return fn(*args, **kwargs)

        checked._parameter_constraints = dict(constraints)  # type: ignore[attr-defined]
        return checked
    return wrap


#: The largest community resolution accepted (far above any useful one: at 100 nearly every paper is alone).
MAX_RESOLUTION = 1000.0
#: The most re-runs the stability measure takes (each is one community detection).
MAX_STABILITY_RUNS = 100
# Parameters that several entry points take, each declared once.
METHOD = Options(("leiden", "louvain"))
RESOLUTION = Float(0.0, MAX_RESOLUTION, low_open=True)
MIN_COMMUNITY_SIZE = Int(min_value=1)
SEED = Int()
CONSENSUS = Int(min_value=1)
STABILITY_RUNS = Int(0, MAX_STABILITY_RUNS)


@dataclass(frozen=True)
class Jobs(Constraint):
    """Threads: a positive number, or -1 for every core (None too where ``allow_none``)."""

    allow_none: bool = False

    def __call__(self, value, name, owner):
        if value is None and self.allow_none:
            return
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not (value == -1 or 1 <= value <= 4096):
            raise InvalidParameterError(f"The {name!r} parameter of {owner} must be a positive number of threads "
                                        f"(at most 4096), or -1 for every core. Got {value!r} instead.")


N_JOBS = Jobs()


class Step(Params):
    """Base class of litgraph's steps (concept extraction, each edge layer)."""

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}

    def _validate_params(self) -> None:
        """Check every declared parameter; raises InvalidParameterError naming the first bad one."""
        owner = type(self).__name__
        for name, constraint in self._parameter_constraints.items():
            constraint(getattr(self, name), name, owner)
