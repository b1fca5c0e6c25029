"""Solve: a thin wrapper over Z3 where ``unknown`` is its own answer, never read as unsat.

:class:`Query` wraps one incremental :class:`z3.Solver` with a timeout, tracked
(labelled) assertions for unsat cores, and push/pop.  :func:`exists_forall` answers
``exists setting . forall conduct . psi`` by counterexample-guided refinement;
:func:`minimize` runs :class:`z3.Optimize`.

Examples
--------
>>> import z3
>>> x = z3.Int("x")
>>> q = Query(timeout_ms=1000)
>>> q.track("positive", x > 0)
>>> q.track("small", x < 1)
>>> a = q.check()
>>> a.status, sorted(a.core)
('unsat', ['positive', 'small'])
>>> q.check(assumptions=()).holds_claimable
True
>>> minimize([x > 3], x, timeout_ms=1000)[1], optimize([x > 3], x, timeout_ms=1000)[1]
(4, 4)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import z3

__all__ = ["Answer", "Query", "exists_forall", "minimize", "optimize", "Budget"]


@dataclass(frozen=True)
class Answer:
    """One solver answer: ``sat`` (with model), ``unsat`` (with core labels) or ``unknown``."""

    status: str
    model: Any = None
    core: tuple[str, ...] = ()
    reason: str = ""
    rounds: int = 0

    @property
    def holds_claimable(self) -> bool:
        """Only ``unsat`` may ever be reported as a proof."""
        return self.status == "unsat"


class Budget:
    """A wall-clock deadline shared by the queries of one property check."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds

    def ms(self, cap_ms: int) -> int:
        left = int((self.deadline - time.monotonic()) * 1000)
        return max(1, min(cap_ms, left))

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline


class Query:
    """An incremental solver with a timeout and labelled (tracked) assertions."""

    def __init__(self, timeout_ms: int, cores: bool = True, budget: Budget | None = None) -> None:
        self.solver = z3.Solver()
        self.timeout_ms = timeout_ms
        self.cores = cores
        self.budget = budget
        self._labels: dict[str, str] = {}
        self._k = 0

    def add(self, *constraints: Any) -> None:
        for c in constraints:
            self.solver.add(c)

    def track(self, label: str, constraint: Any) -> None:
        """Assert ``constraint``; name it ``label`` in unsat cores (if cores are on)."""
        if isinstance(constraint, bool):
            constraint = z3.BoolVal(constraint)
        if not self.cores:
            self.solver.add(constraint)
            return
        self._k += 1
        lit = z3.Bool(f"track!{self._k}")
        self._labels[str(lit)] = label
        self.solver.assert_and_track(constraint, lit)

    def track_all(self, pairs: Iterable[tuple[str, Any]]) -> None:
        for label, c in pairs:
            self.track(label, c)

    def push(self) -> None:
        self.solver.push()

    def pop(self) -> None:
        self.solver.pop()

    def check(self, assumptions: Sequence[Any] = ()) -> Answer:
        ms = self.budget.ms(self.timeout_ms) if self.budget else self.timeout_ms
        self.solver.set("timeout", ms)
        r = self.solver.check(*assumptions)
        if r == z3.sat:
            return Answer("sat", model=self.solver.model())
        if r == z3.unsat:
            core = tuple(sorted({self._labels.get(str(c), str(c)) for c in self.solver.unsat_core()
                                 if str(c) in self._labels}))
            return Answer("unsat", core=core)
        return Answer("unknown", reason=f"solver: {self.solver.reason_unknown()} "
                                        f"(timeout {ms} ms)")


def exists_forall(outer: Query, inner: Callable[[Any], Answer],
                  refine: Callable[[Any], Iterable[tuple[str, Any]]],
                  max_rounds: int = 500) -> Answer:
    """Find a model of ``outer`` for which ``inner(model)`` is unsat.

    ``inner(m)`` asks for a conduct that breaks the property for the setting of ``m``;
    when it finds one (sat), ``refine(inner_model)`` gives constraints that rule it out
    and the loop repeats.  Returns ``sat`` (the outer model is the witness), ``unsat``
    (no setting works; the core of ``outer``) or ``unknown``.
    """
    for rounds in range(1, max_rounds + 1):
        a = outer.check()
        if a.status != "sat":
            return Answer(a.status, a.model, a.core, a.reason, rounds)
        b = inner(a.model)
        if b.status == "unsat":
            return Answer("sat", a.model, (), "", rounds)
        if b.status == "unknown":
            return Answer("unknown", reason=b.reason, rounds=rounds)
        outer.track_all(refine(b.model))
    return Answer("unknown", reason=f"no convergence in {max_rounds} refinement rounds",
                  rounds=max_rounds)


def minimize(constraints: Sequence[Any], objective: Any, timeout_ms: int,
             upper: int | None = None) -> tuple[Answer, int | None]:
    """The least value of the integer ``objective`` under ``constraints``.

    Exact: an incremental search upward from the least value the first model suggests is
    bounded below by ``0``; each step asks ``objective <= k`` (unsat below the optimum, sat
    at it).  Much faster than :class:`z3.Optimize` on counting constraints; see
    :func:`optimize` for the Optimize route.
    """
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    s.add(*constraints)
    r = s.check()
    if r != z3.sat:
        return (Answer("unsat"), None) if r == z3.unsat else (
            Answer("unknown", reason=f"solver: {s.reason_unknown()} (timeout {timeout_ms} ms)"), None)
    best_model = s.model()
    hi = best_model.eval(objective, model_completion=True).as_long()
    lo = 0
    while lo < hi:  # invariant: optimum in [lo, hi], a model with value hi is known
        mid = (lo + hi) // 2
        r = s.check(objective <= mid)
        if r == z3.sat:
            best_model = s.model()
            hi = best_model.eval(objective, model_completion=True).as_long()
        elif r == z3.unsat:
            lo = mid + 1
        else:
            return Answer("unknown", reason=f"solver: {s.reason_unknown()} "
                                            f"(timeout {timeout_ms} ms)"), None
    return Answer("sat", model=best_model), hi


def optimize(constraints: Sequence[Any], objective: Any, timeout_ms: int
             ) -> tuple[Answer, int | None]:
    """Minimise ``objective`` under ``constraints`` with :class:`z3.Optimize`."""
    opt = z3.Optimize()
    opt.set("timeout", timeout_ms)
    for c in constraints:
        opt.add(c)
    h = opt.minimize(objective)
    r = opt.check()
    if r == z3.sat:
        value = opt.lower(h)
        return Answer("sat", model=opt.model()), int(value.as_long())
    if r == z3.unsat:
        return Answer("unsat"), None
    return Answer("unknown", reason=f"optimizer: {opt.reason_unknown()} (timeout {timeout_ms} ms)"), None
