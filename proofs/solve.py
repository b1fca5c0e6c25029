"""Solve: a thin wrapper over Z3 where ``unknown`` is its own answer, never read as unsat.

:class:`Query` wraps one incremental :class:`z3.Solver` with a timeout, a shared deadline
(:class:`Budget`), tracked (labelled) assertions for unsat cores, and push/pop.
:func:`exists_forall` answers ``exists setting . forall conduct . psi`` by
counterexample-guided refinement; :func:`minimize` and :func:`optimize` find exact optima.

Answers and verdicts (the one route)
------------------------------------
Every call into a Z3 ``check`` goes through :func:`ask`, which turns ``sat``, ``unsat``,
``unknown``, a timeout and an exception raised by the solver into an :class:`Answer`
(the last three all answer ``unknown``, with the reason).  :meth:`Query.check` returns
that answer as it is; :meth:`Query.solve`, :func:`minimize`, :func:`optimize` and
:func:`exists_forall` return only ``sat`` or ``unsat`` and raise :exc:`SolverUnknown`
otherwise (:meth:`Answer.known`).  One check of one property shares one deadline
(:class:`Budget`): building the encoding checks it between steps (every asserted
constraint, every semantic operation of :func:`proofs.encode.encode`) and raises
:exc:`DeadlineExceeded`, a :exc:`SolverUnknown` ("encoding exceeded the time limit");
a query asked after the deadline answers ``unknown`` without running.  :func:`settled`
is the only place a :exc:`SolverUnknown` becomes a verdict: ``unknown``, with its
reason.  So ``unknown`` at any step below yields ``unknown``, never ``holds`` or
``vacuous``:

=========================================  ===================  ===================  ==========
query (property)                           sat                  unsat                unknown
=========================================  ===================  ===================  ==========
goal of a forall property (absentee,       fails (witnessed)    holds (core cited)   unknown
monotonic, no_chair_veto, separation)
goal of quorum_reachable; each rule step   holds; step reached  fails; a dead step   unknown
of complete
premise alone, after an unsat goal         go on                vacuous              unknown
(separation; dead zone; speaking order;    (power: next         (power: subject
absentee; no_chair_veto; power and         subject)             skipped; monotonic:
monotonic, per member until one is met)                         next member)
exists-forall rounds (no_dead_zone,        next round /         holds                unknown
recusal, speaking order), outer and inner  fails (witnessed)                         (also: no
queries and the witness's conduct                                                    convergence)
each minimisation step (min_yes, the       the optimum          vacuous (min_yes) /  unknown
min_*_block hitting set, no_split_evasion                       holds
(Optimize))
min_*_block: can an item pass while the    next coalition;      it blocks; the       unknown
coalition acts? then an illustration       witness              coalition cannot act
citations of a proved min_yes              internal error       core cited           unknown
readings (per pair), compare (per          fails (witnessed)    holds                unknown
direction)
all-n main query; each n in 1..30          fails; fails at n    holds; not at n      unknown
all-n premise, after an unsat main query   holds                vacuous              unknown
witness polishing (:mod:`proofs.witness`:  a more regular       the witness so far   the witness
fewer irregular features, after the        witness              is the most regular  so far
property's own query; capped in time)                                                stands
=========================================  ===================  ===================  ==========

Three queries only add to a failure already witnessed and confirmed, so their
``unknown`` leaves that ``fails`` standing: another pair of ``readings`` once one pair
fails, the meeting on one part of ``no_split_evasion``, and the all-n pattern proof
(reported as not proved).  Witness polishing never bears on a verdict: it only replaces
a confirmed witness by another model of the same query.  ``requirements_agree`` asks no
solver.
``tests/test_proofs_soundness.py`` answers ``unknown`` at each call of every property
in turn and checks this table.

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
>>> settled(lambda: Answer("unknown", reason="timeout").known())
Verdict(status='unknown', value=None, witnesses=(), core=(), reason='timeout', detail='', detail_zh='', facets=())
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import z3

from proofs.results import Verdict

__all__ = ["Answer", "Query", "Budget", "SolverUnknown", "DeadlineExceeded", "ask", "settled",
           "exists_forall", "minimize", "lower", "optimize", "Z3_MAX_TIMEOUT_MS"]

Z3_MAX_TIMEOUT_MS = 2**32 - 1
"""Z3 reads its ``timeout`` parameter as an unsigned 32-bit number of milliseconds."""

ON_UNSAT: ContextVar[Callable[[Any, Sequence[Any]], None] | None] = ContextVar("on_unsat",
                                                                               default=None)
"""Called by :func:`ask` with ``(solver, assumptions)`` after each ``unsat`` answer, if set
(:func:`proofs.crosscheck.cross_checked` sets it to keep the query for a second solver)."""


class SolverUnknown(Exception):
    """A question the solver did not answer (timeout, ``unknown``, a solver error)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeadlineExceeded(SolverUnknown):
    """The deadline of one check passed while its encoding was being built."""


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

    def known(self) -> Answer:
        """This answer if it is ``sat`` or ``unsat``; :exc:`SolverUnknown` otherwise."""
        if self.status not in ("sat", "unsat"):
            raise SolverUnknown(self.reason or "the solver answered unknown")
        return self


class Budget:
    """A wall-clock deadline shared by the encoding and the queries of one property check.

    >>> b = Budget(60)
    >>> b.ms(1000), b.expired
    (1000, False)
    >>> Budget(1e-9).check("asserting goal")
    Traceback (most recent call last):
    ...
    proofs.solve.DeadlineExceeded: encoding exceeded the time limit of 1e-09 s (asserting goal)
    """

    def __init__(self, seconds: float) -> None:
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"a budget needs a positive finite number of seconds, not {seconds!r}")
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def ms(self, cap_ms: int) -> int:
        """Milliseconds a query may take: ``cap_ms``, or what is left if that is less."""
        left = int((self.deadline - time.monotonic()) * 1000)
        return max(1, min(cap_ms, left))

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.deadline

    def check(self, step: str) -> None:
        """Raise :exc:`DeadlineExceeded` naming ``step`` if the deadline has passed."""
        if self.expired:
            raise DeadlineExceeded(f"encoding exceeded the time limit of {self.seconds:g} s "
                                   f"({step})")


def _timeout(cap_ms: int, budget: Budget | None) -> int | None:
    """The timeout of the next query, or ``None`` once the deadline has passed."""
    if budget is None:
        return min(cap_ms, Z3_MAX_TIMEOUT_MS)
    if budget.expired:
        return None
    return min(budget.ms(cap_ms), Z3_MAX_TIMEOUT_MS)


def _late(budget: Budget | None) -> Answer:
    seconds = f"{budget.seconds:g}" if budget else "?"
    return Answer("unknown", reason=f"the time limit of {seconds} s passed before this query")


def ask(solver: Any, assumptions: Sequence[Any], timeout_ms: int,
        labels: Mapping[str, str] | None = None) -> Answer:
    """Run ``solver.check(*assumptions)`` (a :class:`z3.Solver` or :class:`z3.Optimize`).

    The one call into Z3's ``check``.  ``labels`` maps tracking literals to the labels an
    unsat core reports.  A timeout, ``unknown`` and a :class:`z3.Z3Exception` all answer
    ``unknown`` with the reason.

    >>> s = z3.Solver()
    >>> s.add(z3.Int("y") > 2)
    >>> ask(s, [z3.Int("y") < 1], 1000).status
    'unsat'
    """
    try:
        solver.set("timeout", timeout_ms)
        r = solver.check(*assumptions)
        if r == z3.sat:
            return Answer("sat", model=solver.model())
        if r == z3.unsat:
            # tracking literals are constants; an assumed formula (a bound) is no label, and
            # printing it would cost seconds
            core = {labels[name] for c in solver.unsat_core() if z3.is_const(c)
                    for name in [c.decl().name()] if name in labels} if labels else set()
            if (keep := ON_UNSAT.get()) is not None:
                keep(solver, assumptions)
            return Answer("unsat", core=tuple(sorted(core)))
        return Answer("unknown", reason=f"solver: {solver.reason_unknown()} "
                                        f"(timeout {timeout_ms} ms)")
    except z3.Z3Exception as err:
        msg = err.value.decode(errors="replace") if isinstance(err.value, bytes) else err.value
        return Answer("unknown", reason=f"solver error: {msg}")


def settled(run: Callable[[], Verdict]) -> Verdict:
    """Run one check; a :exc:`SolverUnknown` raised anywhere in it becomes ``unknown``.

    The only place where an unanswered question turns into a verdict (see the table above).
    """
    try:
        return run()
    except SolverUnknown as err:
        return Verdict("unknown", reason=err.reason)


class Query:
    """An incremental solver with a timeout, a deadline and labelled (tracked) assertions.

    Each label has one tracking literal (``Implies(literal, constraint)`` per constraint,
    the literals passed as assumptions), so an unsat core names labels.  One literal per
    label, not per constraint: thousands of tracked per-member constraints made Z3's first
    ``push`` take seconds and gigabytes on large boards.
    """

    def __init__(self, timeout_ms: int, cores: bool = True, budget: Budget | None = None) -> None:
        self.solver = z3.Solver()
        self.timeout_ms = timeout_ms
        self.cores = cores
        self.budget = budget
        self._lits: dict[str, Any] = {}       # label -> its tracking literal (current scope)
        self._labels: dict[str, str] = {}     # literal name -> label
        self._scopes: list[dict[str, Any]] = []

    def _step(self, what: str) -> None:
        if self.budget is not None:
            self.budget.check(what)

    def add(self, *constraints: Any) -> None:
        for c in constraints:
            self._step("asserting a constraint")
            self.solver.add(c)

    def track(self, label: str, constraint: Any) -> None:
        """Assert ``constraint``; name it ``label`` in unsat cores (if cores are on)."""
        self._step(f"asserting {label}")
        if isinstance(constraint, bool):
            constraint = z3.BoolVal(constraint)
        if not self.cores:
            self.solver.add(constraint)
            return
        lit = self._lits.get(label)
        if lit is None:
            lit = z3.Bool(f"track!{len(self._labels) + 1}")
            self._lits[label] = lit
            self._labels[str(lit)] = label
        self.solver.add(z3.Implies(lit, constraint))

    def track_all(self, pairs: Iterable[tuple[str, Any]]) -> None:
        for label, c in pairs:
            self.track(label, c)

    def push(self) -> None:
        self._step("opening a scope")
        self.solver.push()
        self._scopes.append(dict(self._lits))

    def pop(self) -> None:
        self.solver.pop()
        self._lits = self._scopes.pop()

    def check(self, assumptions: Sequence[Any] = ()) -> Answer:
        """The answer as it is: ``sat``, ``unsat`` or ``unknown`` (with the reason)."""
        ms = _timeout(self.timeout_ms, self.budget)
        if ms is None:
            return _late(self.budget)
        return ask(self.solver, [*self._lits.values(), *assumptions], ms, self._labels)

    def solve(self, assumptions: Sequence[Any] = ()) -> Answer:
        """``sat`` or ``unsat``; :exc:`SolverUnknown` otherwise."""
        return self.check(assumptions).known()


def exists_forall(outer: Query, inner: Callable[[Any], Answer],
                  refine: Callable[[Any], Iterable[tuple[str, Any]]],
                  max_rounds: int = 500, assumptions: Sequence[Any] = ()) -> Answer:
    """Find a model of ``outer`` for which ``inner(model)`` is unsat.

    ``inner(m)`` asks for a conduct that breaks the property for the setting of ``m``;
    when it finds one (sat), ``refine(inner_model)`` gives constraints that rule it out
    and the loop repeats.  Returns ``sat`` (the outer model is the witness) or ``unsat``
    (no setting works; the core of ``outer``); raises :exc:`SolverUnknown` when a query
    is not answered or the loop does not converge.  ``assumptions`` restrict the outer
    model for this call only (the refinements stay: each holds of every setting).
    """
    for rounds in range(1, max_rounds + 1):
        a = outer.solve(assumptions)
        if a.status == "unsat":
            return Answer("unsat", core=a.core, rounds=rounds)
        b = inner(a.model).known()
        if b.status == "unsat":
            return Answer("sat", a.model, (), "", rounds)
        outer.track_all(refine(b.model))
    raise SolverUnknown(f"no convergence in {max_rounds} refinement rounds")


def minimize(constraints: Sequence[Any], objective: Any, timeout_ms: int,
             budget: Budget | None = None) -> tuple[Answer, int | None]:
    """The least value of the integer ``objective`` under ``constraints``.

    Exact: a binary search between ``0`` and the value of the first model; each step asks
    ``objective <= k`` (unsat below the optimum, sat at it).  Much faster than
    :class:`z3.Optimize` on counting constraints; see :func:`optimize` for the Optimize
    route.  ``(unsat, None)`` when nothing satisfies ``constraints``; raises
    :exc:`SolverUnknown` when any step is not answered.
    """
    q = Query(timeout_ms, cores=False, budget=budget)
    q.add(*constraints)
    a = q.solve()
    if a.status == "unsat":
        return a, None
    best = lower(lambda bound: q.check([bound]), a.model, objective)
    return Answer("sat", model=best), best.eval(objective, model_completion=True).as_long()


def lower(ask: Callable[[Any], Answer], model: Any, objective: Any, keep: bool = False) -> Any:
    """A model with the least non-negative ``objective``, starting from ``model`` (one).

    ``ask(bound)`` answers the question at hand with the extra constraint ``bound`` (an
    assumption: nothing is asserted).  Binary search between ``0`` and the value of
    ``model``; each step asks ``objective <= k`` (unsat below the optimum, sat at it).  A
    step not answered raises :exc:`SolverUnknown`, or with ``keep`` ends the search with the
    best model so far (witness polishing: never a verdict).

    >>> x = z3.Int("x")
    >>> q = Query(1000, cores=False)
    >>> q.add(x >= 3)
    >>> lower(lambda b: q.check([b]), q.solve().model, x).eval(x)
    3
    """
    best = model
    hi = best.eval(objective, model_completion=True).as_long()
    lo = 0
    while lo < hi:  # invariant: optimum in [lo, hi], a model with value hi is known
        mid = (lo + hi) // 2
        a = ask(objective <= mid)
        if a.status == "sat":
            best = a.model
            hi = best.eval(objective, model_completion=True).as_long()
        elif a.status == "unsat":
            lo = mid + 1
        elif keep:
            break
        else:
            a.known()
    return best


def optimize(constraints: Sequence[Any], objective: Any, timeout_ms: int,
             budget: Budget | None = None) -> tuple[Answer, int | None]:
    """Minimise ``objective`` under ``constraints`` with :class:`z3.Optimize`; raises
    :exc:`SolverUnknown` when it is not answered."""
    ms = _timeout(timeout_ms, budget)
    if ms is None:
        raise SolverUnknown(_late(budget).reason)
    opt = z3.Optimize()
    for c in constraints:
        opt.add(c)
    h = opt.minimize(objective)
    a = ask(opt, (), ms).known()
    if a.status == "unsat":
        return a, None
    return a, int(opt.lower(h).as_long())
