"""Telling witnesses: the irregular features of a meeting, defined once, and the polishing
that leaves a witness with as few of them as the finding allows.

A witness shows a finding best when nothing else in it is unusual: everyone present
unless absence is the point, nobody recused or involved unless that is the point, the
leader in the chair, a speaking order that keeps the rules, every speaker stating a
position, the vote called, no emergency, ad-hoc or unclear item.  :func:`features` names
each such irregular feature as a term over :class:`~model.meeting.MeetingTerms` and the
checks of :func:`model.semantics.evaluate`, for any backend: Z3 terms over a symbolic
meeting (what the solver minimises) or Python Booleans over a concrete meeting (what
:func:`irregularities` reads, for tests and reports).

:func:`polish` runs after a property's own query is sat: under the same assertions (and
assumptions) it minimises the irregular features lexicographically, exactly, by binary
search with :func:`proofs.solve.lower`, for at most :data:`POLISH_SECONDS`: first the
setting's (who attends, recuses, is involved, chairs; the item's flags), then, at that
fewest, the conduct's (silence, the vote withheld, a speaking rule broken).  Counting both
together would let a witness trade a conduct feature for a setting feature it does not
need (an absent member, so that nobody has to speak out of order).  It only ever replaces a model by another model of the same
query, so the finding is unchanged; a question it cannot answer in time keeps the best
model found so far (never a verdict change).

Examples
--------
>>> from model.loader import load_institution
>>> from model.meeting import Meeting
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset("party_group",
...                                                                          "ordinary")
>>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
...                    n=4, present=3, yes=3)
>>> irregularities(m, rs.spec(next(iter(rs.choices()))))
('m3 absent',)
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import z3

from model.backend import PY, Backend, Z3Backend
from model.meeting import Meeting, MeetingTerms, Vote
from model.rules import RuleSpec
from model.semantics import evaluate
from proofs.encode import Encoded
from proofs.oracle import SPEAKING
from proofs.solve import Answer, Budget, Query, SolverUnknown, exists_forall, lower
from proofs.symbolic import SymbolicMeeting

__all__ = ["features", "irregularities", "cost", "Irregular", "irregular", "polish",
           "polish_exists_forall", "polishing", "polishes", "POLISH_SECONDS", "POLISHING"]

_Z3 = Z3Backend()


def features(t: MeetingTerms[Any], checks: Mapping[str, Any], B: Backend,
             setting: bool = True, conduct: bool = True) -> list[tuple[str, Any]]:
    """Each irregular feature of the meeting ``t`` (with the semantic ``checks`` of it) as a
    named Boolean term of backend ``B``: the setting's (who attends, recuses, is involved,
    chairs; emergency, ad-hoc, unclear, an amount recorded) if ``setting``, the conduct's (silence, the vote not
    called, a speaking rule broken) if ``conduct``."""
    n = len(t.present)
    out: list[tuple[str, Any]] = []
    if setting:
        out += [(f"m{i} absent", B.not_(t.present[i])) for i in range(n)]
        out += [(f"m{i} recused", t.recused[i]) for i in range(n)]
        out += [(f"m{i} involved", t.interested[i]) for i in range(n)]
        out += [("the leader does not chair", B.not_(t.chair[t.leader])),
                ("emergency", t.emergency), ("ad-hoc item", t.ad_hoc),
                ("unclear matter", t.unclear), ("amount recorded", t.amount >= 0)]
    if conduct:
        out += [(f"m{i} silent", B.and_(t.present[i], B.not_(t.recused[i]),
                                        t.vote[i] == int(Vote.NONE))) for i in range(n)]
        out.append(("vote not called", B.not_(t.vote_called)))
        out += [(f"speaking order breaks {k}", checks[k]) for k in SPEAKING]
    return out


def irregularities(meeting: Meeting, spec: RuleSpec) -> tuple[str, ...]:
    """The irregular features a concrete meeting has, by the reference semantics."""
    t = meeting.terms()
    ev = evaluate(spec, t, PY)
    return tuple(name for name, x in features(t, ev.checks, PY) if x)


def cost(feats: Sequence[tuple[str, Any]]) -> Any:
    """The number of the ``feats`` that hold, as a Z3 integer term.

    >>> a, b = z3.Bools("a b")
    >>> cost([("x", a), ("y", True), ("z", False), ("w", b)])
    If(a, 1, 0) + If(b, 1, 0) + 1
    """
    c = _Z3.count([x for _, x in feats])
    return z3.IntVal(c) if isinstance(c, int) else c


@dataclass(frozen=True)
class Irregular:
    """The numbers of irregular features of a witness, as Z3 integer terms: the setting's
    and the conduct's, minimised in that order (the witnesses of one finding add up).

    >>> a, b = z3.Bools("a b")
    >>> Irregular(cost([("x", a)]), cost([])) + Irregular(cost([]), cost([("y", b)]))
    Irregular(setting=If(a, 1, 0) + 0, conduct=0 + If(b, 1, 0))
    """

    setting: Any
    conduct: Any

    def __add__(self, other: Irregular) -> Irregular:
        return Irregular(self.setting + other.setting, self.conduct + other.conduct)


def irregular(sm: SymbolicMeeting, enc: Encoded, setting: bool = True, conduct: bool = True
              ) -> Irregular:
    """The irregular features of the symbolic meeting ``sm`` (encoded as ``enc``), counted:
    the setting's if ``setting``, the conduct's if ``conduct`` (the other part is 0)."""
    t = sm.terms()
    return Irregular(cost(features(t, enc.checks, _Z3, setting=setting, conduct=False)),
                     cost(features(t, enc.checks, _Z3, setting=False, conduct=conduct)))


def _lexicographic(ask: Callable[[Any], Answer], model: Any, objective: Irregular) -> Any:
    """``model`` or a better one by :func:`~proofs.solve.lower`: the fewest setting
    features first, then the fewest conduct features among the models with that few (an
    unanswered step keeps the best model so far)."""
    best = lower(ask, model, objective.setting, keep=True)
    fewest = objective.setting <= best.eval(objective.setting, model_completion=True)
    return lower(lambda bound: ask(z3.And(fewest, bound)), best, objective.conduct, keep=True)


POLISH_SECONDS = 0.5
"""The most time polishing one witness may take (within the check's own deadline): past it,
the best witness found so far stands."""


POLISHING: ContextVar[bool] = ContextVar("polishing", default=False)
"""True while a witness is polished: what the solver answers then bears on no verdict."""

_POLISH: ContextVar[bool] = ContextVar("polish", default=True)


def polishes() -> bool:
    """Whether witnesses are polished here (see :func:`polishing`)."""
    return _POLISH.get()


@contextmanager
def polishing(on: bool) -> Iterator[None]:
    """Polish witnesses in the ``with`` block (``on``) or keep the first model found (off:
    the witness is still confirmed by the reference evaluator, only not the most regular).
    :func:`proofs.runner.run_suite` polishes in its first pass only at the smallest size,
    then checks again, polished, the other results a report shows
    (:class:`~proofs.options.CheckOptions` ``polish``).

    >>> with polishing(False):
    ...     polish(Query(1000), "the first model", lambda: Irregular(0, 0))
    'the first model'
    """
    token = _POLISH.set(on)
    try:
        yield
    finally:
        _POLISH.reset(token)


@contextmanager
def _capped(*queries: Query) -> Iterator[bool]:
    """Give ``queries`` a deadline of :data:`POLISH_SECONDS` (or the check's, if sooner) for
    the ``with`` block, marked :data:`POLISHING`; yields whether any time is left at all."""
    saved = [q.budget for q in queries]
    left = min([POLISH_SECONDS] + [b.deadline - time.monotonic() for b in saved if b is not None])
    if left <= 0:
        yield False
        return
    cap = Budget(left)
    for q in queries:
        q.budget = cap
    token = POLISHING.set(True)
    try:
        yield True
    finally:
        POLISHING.reset(token)
        for q, b in zip(queries, saved, strict=True):
            q.budget = b


def polish(q: Query, model: Any, objective: Callable[[], Irregular],
           assumptions: Sequence[Any] = ()) -> Any:
    """A model of ``q`` (under ``assumptions``) with the least ``objective()`` (setting first,
    then conduct), starting from ``model``: ``model`` itself or a better one if some question
    is unanswered in time.  ``objective`` is built only when polishing is on, and before
    its time starts."""
    if not polishes():
        return model
    goal = objective()
    with _capped(q) as ok:
        if not ok:
            return model
        return _lexicographic(lambda bound: q.check([*assumptions, bound]), model, goal)


def polish_exists_forall(outer: Query, inner: Query, ask: Callable[[Any], Answer],
                         refine: Callable[[Any], Iterable[tuple[str, Any]]], model: Any,
                         objective: Callable[[], Irregular]) -> Any:
    """The same for a witness of :func:`~proofs.solve.exists_forall` (``outer`` and
    ``inner`` the queries that ``ask`` and ``refine`` use): an outer model, for which ``ask``
    has no answer, with the least ``objective``, starting from ``model``."""
    def step(bound: Any) -> Answer:
        try:
            return exists_forall(outer, ask, refine, assumptions=[bound])
        except SolverUnknown as err:  # deadline, unanswered, or no convergence: keep
            return Answer("unknown", reason=err.reason)

    if not polishes():
        return model
    goal = objective()
    with _capped(outer, inner) as ok:
        return _lexicographic(step, model, goal) if ok else model
