"""The step contract: every pipeline step is a scikit-learn style estimator.

``__init__`` only stores keyword arguments; the parameters are declared once, in
``_parameter_constraints`` (a parameter name -> :class:`Constraint`), and checked by
:meth:`Step._validate_params` with litgraph's one message format ("The 'top_k' parameter
of SimilarityEdges must be an int >= 1. Got 0 instead."); ``fit`` returns ``self`` and
what it learns ends in ``_``. :class:`BaseEstimator` gives ``get_params``,
``set_params``, ``clone`` and the repr.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, ClassVar

from sklearn.base import BaseEstimator

from ._validation import check_bool, check_float, check_int, check_option

__all__ = ["Step", "Constraint", "Int", "Float", "Options", "Bool", "Custom"]


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


class Step(BaseEstimator):
    """Base class of litgraph's steps (concept extraction, each edge layer)."""

    _parameter_constraints: ClassVar[dict[str, Constraint]] = {}

    def _validate_params(self) -> None:
        """Check every declared parameter; raises InvalidParameterError naming the first bad one."""
        owner = type(self).__name__
        for name, constraint in self._parameter_constraints.items():
            constraint(getattr(self, name), name, owner)
