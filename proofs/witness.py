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
assumptions) it minimises the number of irregular features, exactly, by binary search with
:func:`proofs.solve.lower`, for at most :data:`POLISH_SECONDS`.  It only ever replaces a model by another model of the same
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

__all__ = ["features", "irregularities", "cost", "irregular", "polish", "polish_exists_forall",
           "POLISH_SECONDS", "POLISHING"]

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


def irregular(sm: SymbolicMeeting, enc: Encoded, setting: bool = True, conduct: bool = True
              ) -> Any:
    """The number of irregular features of the symbolic meeting ``sm`` (encoded as ``enc``)."""
    return cost(features(sm.terms(), enc.checks, _Z3, setting, conduct))


POLISH_SECONDS = 0.5
"""The most time polishing one witness may take (within the check's own deadline): past it,
the best witness found so far stands."""


POLISHING: ContextVar[bool] = ContextVar("polishing", default=False)
"""True while a witness is polished: what the solver answers then bears on no verdict."""


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


def polish(q: Query, model: Any, objective: Any, assumptions: Sequence[Any] = ()) -> Any:
    """A model of ``q`` (under ``assumptions``) with the least ``objective``, starting from
    ``model``: ``model`` itself or a better one if some question is unanswered in time."""
    with _capped(q) as ok:
        if not ok:
            return model
        return lower(lambda bound: q.check([*assumptions, bound]), model, objective, keep=True)


def polish_exists_forall(outer: Query, inner: Query, ask: Callable[[Any], Answer],
                         refine: Callable[[Any], Iterable[tuple[str, Any]]], model: Any,
                         objective: Any) -> Any:
    """The same for a witness of :func:`~proofs.solve.exists_forall` (``outer`` and
    ``inner`` the queries that ``ask`` and ``refine`` use): an outer model, for which ``ask``
    has no answer, with the least ``objective``, starting from ``model``."""
    def step(bound: Any) -> Answer:
        try:
            return exists_forall(outer, ask, refine, assumptions=[bound])
        except SolverUnknown as err:  # deadline, unanswered, or no convergence: keep
            return Answer("unknown", reason=err.reason)

    with _capped(outer, inner) as ok:
        return lower(step, model, objective, keep=True) if ok else model
