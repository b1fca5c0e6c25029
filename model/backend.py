"""The backend seam: the few operations on which Python, numpy and Z3 differ.

The rule semantics (:mod:`model.semantics`) is written once.  Arithmetic and
comparisons (``+``, ``*``, ``<``, ``<=``, ``==``) are shared by Python ints, numpy
arrays and Z3 terms, so the semantics uses them directly; the boolean connectives,
if-then-else and counting go through a :class:`Backend`.

``count(xs, weights)`` counts members; with ``weights`` each entry ``xs[i]`` stands for
``weights[i]`` identical members (a class of members in the same state, as the exact
mode of :mod:`simulations.exact` evaluates on counts), so the count is one integer per
class: ``sum(weights[i] for i where xs[i])``.  Without weights every entry is one member.

* :data:`PY` -- concrete values, the reference evaluator;
* :data:`NP` -- numpy arrays, one meeting per element (simulations);
* :class:`Z3Backend` -- Z3 terms (proofs); imported lazily so the model does not need Z3.

Examples
--------
>>> PY.ite(PY.and_(True, 3 > 2), "a", "b"), PY.count([True, False, True])
('a', 2)
>>> PY.count([True, False, True], [4, 1, 2])  # an entry may stand for a class of members
6
>>> import numpy as np
>>> NP.count([np.array([True, False]), np.array([True, True])]).tolist()
[2, 1]
>>> NP.count([True, np.array([True, False])], [np.array([3, 0]), 5]).tolist()
[8, 0]
>>> z = Z3Backend()
>>> import z3
>>> x = z3.Int("x")
>>> z3.simplify(z.ite(z.and_(x > 1, True), x, 0)).sexpr()
'(ite (<= x 1) 0 x)'
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

__all__ = ["Backend", "PythonBackend", "NumpyBackend", "Z3Backend", "PY", "NP"]


class Backend(Protocol):
    """What the semantics needs besides the operators all three share."""

    def and_(self, *xs: Any) -> Any: ...
    def or_(self, *xs: Any) -> Any: ...
    def not_(self, x: Any) -> Any: ...
    def ite(self, c: Any, a: Any, b: Any) -> Any: ...
    def count(self, xs: Sequence[Any], weights: Sequence[Any] | None = None) -> Any: ...
    def max_(self, xs: Sequence[Any]) -> Any: ...
    def is_false(self, x: Any) -> bool: ...


class PythonBackend:
    """Concrete Python values: the reference evaluator."""

    def and_(self, *xs: Any) -> bool:
        return all(xs)

    def or_(self, *xs: Any) -> bool:
        return any(xs)

    def not_(self, x: Any) -> bool:
        return not x

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return a if c else b

    def count(self, xs: Sequence[Any], weights: Sequence[Any] | None = None) -> int:
        if weights is not None:
            return sum(w for x, w in zip(xs, weights, strict=True) if x)
        return sum(1 for x in xs if x)

    def max_(self, xs: Sequence[Any]) -> Any:
        return max(xs)

    def is_false(self, x: Any) -> bool:
        return x is False or x == 0


class NumpyBackend:
    """Vectorised: every term is an array over a batch of meetings (or a broadcast scalar)."""

    def and_(self, *xs: Any) -> Any:
        if any(x is False for x in xs):
            return False
        return functools.reduce(np.logical_and, [x for x in xs if x is not True], True)

    def or_(self, *xs: Any) -> Any:
        if any(x is True for x in xs):
            return True
        return functools.reduce(np.logical_or, [x for x in xs if x is not False], False)

    def not_(self, x: Any) -> Any:
        return np.logical_not(x)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        return np.where(c, a, b)

    def count(self, xs: Sequence[Any], weights: Sequence[Any] | None = None) -> Any:
        if weights is not None:
            total: Any = 0
            for x, w in zip(xs, weights, strict=True):
                if isinstance(x, bool | np.bool_):
                    total = total + w if x else total
                else:
                    total = total + np.asarray(x) * w
            return total
        consts, acc = 0, None
        for x in xs:
            if isinstance(x, bool | np.bool_):
                consts += bool(x)
            elif acc is None:
                acc = np.asarray(x).astype(np.int32)  # a fresh array, safe to add into
            else:
                acc += x
        if acc is None:
            return consts
        return acc + consts if consts else acc

    def max_(self, xs: Sequence[Any]) -> Any:
        return functools.reduce(np.maximum, xs)

    def is_false(self, x: Any) -> bool:
        return isinstance(x, bool | np.bool_) and not x


class Z3Backend:
    """Symbolic: Z3 terms.  Python constants mix in freely and are folded early."""

    def __init__(self) -> None:
        import z3

        self._z3 = z3

    def and_(self, *xs: Any) -> Any:
        if any(x is False for x in xs):
            return False
        rest = [x for x in xs if x is not True]
        if not rest:
            return True
        return rest[0] if len(rest) == 1 else self._z3.And(*rest)

    def or_(self, *xs: Any) -> Any:
        if any(x is True for x in xs):
            return True
        rest = [x for x in xs if x is not False]
        if not rest:
            return False
        return rest[0] if len(rest) == 1 else self._z3.Or(*rest)

    def not_(self, x: Any) -> Any:
        if isinstance(x, bool):
            return not x
        return self._z3.Not(x)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        if isinstance(c, bool):
            return a if c else b
        return self._z3.If(c, a, b)

    def count(self, xs: Sequence[Any], weights: Sequence[Any] | None = None) -> Any:
        ws = [1] * len(xs) if weights is None else list(weights)
        consts = sum(w for x, w in zip(xs, ws, strict=True) if x is True)
        terms = [self._z3.If(x, w, 0) for x, w in zip(xs, ws, strict=True)
                 if not isinstance(x, bool)]
        if not terms:
            return consts
        return self._z3.Sum(terms) + consts if consts else self._z3.Sum(terms)

    def max_(self, xs: Sequence[Any]) -> Any:
        return functools.reduce(lambda a, b: self._z3.If(a >= b, a, b), xs)

    def is_false(self, x: Any) -> bool:
        return x is False


PY = PythonBackend()
NP = NumpyBackend()
