"""Encode: a rule spec on a symbolic meeting, through the one semantics, with clause tracking.

:func:`encode` calls :func:`model.semantics.evaluate` with the Z3 backend (never a second
hand-written encoding of the rules), then names every non-constant check term by a fresh
Boolean and rewrites the outcome over those Booleans.  The definitions ``fresh == check``
are returned labelled by their rule field, so a solver can track them and an unsat core
names the clauses a proof depends on.

Examples
--------
>>> from model.loader import load_institution
>>> from proofs.symbolic import symbolic_meeting
>>> spec = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary").default()
>>> enc = encode(spec, symbolic_meeting(3, None).terms(), tag="a")
>>> {"quorum", "passing"} <= {field for field, _ in enc.definitions}
True
>>> from proofs.solve import Budget
>>> encode(spec, symbolic_meeting(3, None).terms(), budget=Budget(1e-9))
Traceback (most recent call last):
...
proofs.solve.DeadlineExceeded: encoding exceeded the time limit of 1e-09 s (encoding the rules)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

from model.backend import Z3Backend
from model.meeting import MeetingTerms
from model.rules import RuleSpec
from model.semantics import CHECK_FIELDS, evaluate
from proofs.solve import Budget

__all__ = ["Encoded", "encode", "instantiate", "free_constants"]

_Z3 = Z3Backend()


@dataclass(frozen=True)
class Encoded:
    """The outcome term over tracked check Booleans, and the raw evaluation.

    ``raw_outcome`` is the outcome term as the semantics built it; ``outcome`` is equal to
    it under ``definitions`` (pairs of rule field and ``fresh == check`` constraint).
    """

    outcome: Any
    raw_outcome: Any
    checks: dict[str, Any]
    tally: dict[str, Any]
    definitions: tuple[tuple[str, Any], ...]


class _TimedZ3(Z3Backend):
    """The Z3 backend, checking a deadline at each operation (an encoding is built by
    thousands of them on a large board)."""

    def __init__(self, budget: Budget) -> None:
        super().__init__()
        self.budget = budget

    def and_(self, *xs: Any) -> Any:
        self.budget.check("encoding the rules")
        return super().and_(*xs)

    def or_(self, *xs: Any) -> Any:
        self.budget.check("encoding the rules")
        return super().or_(*xs)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        self.budget.check("encoding the rules")
        return super().ite(c, a, b)

    def count(self, xs: Sequence[Any], weights: Sequence[Any] | None = None) -> Any:
        self.budget.check("encoding the rules")
        return super().count(xs, weights)


def encode(spec: RuleSpec, terms: MeetingTerms[Any], tag: str = "", track: bool = True,
           budget: Budget | None = None) -> Encoded:
    """Evaluate ``spec`` on ``terms`` symbolically; name each check by its rule field.

    With a ``budget``, building the terms raises :exc:`~proofs.solve.DeadlineExceeded` once
    its deadline has passed."""
    ev = evaluate(spec, terms, _Z3 if budget is None else _TimedZ3(budget))
    return _named(_z3val(ev.outcome), ev.checks, ev.tally, tag, track)


def instantiate(enc: Encoded, variables: Sequence[tuple[Any, Any]], tag: str = "",
                track: bool = True) -> Encoded:
    """``enc`` with some variables replaced (pairs of variable and value or term): what
    :func:`encode` gives on the meeting with those values, without running the semantics
    again (a substitution in Z3, linear in the size of the terms).

    >>> from model.loader import load_institution
    >>> from proofs.symbolic import symbolic_meeting
    >>> spec = load_institution("prefecture_medical_security_party_group").ruleset(
    ...     "party_group", "ordinary").default()
    >>> sm = symbolic_meeting(3, None)
    >>> e = instantiate(encode(spec, sm.terms()), [(v, 1) for v in sm.vote], tag="y")
    >>> again = encode(spec, sm.with_conduct({"vote": (1, 1, 1)}).terms(), track=False)
    >>> s = z3.Solver(); s.add(*[c for _, c in e.definitions])
    >>> s.add(e.outcome != again.outcome)   # the same outcome on every meeting
    >>> s.check()
    unsat
    """
    pairs = [(v, _z3val(x)) for v, x in variables if not (z3.is_expr(x) and x.eq(v))]

    def sub(t: Any) -> Any:
        return z3.substitute(t, *pairs) if pairs and z3.is_expr(t) else t

    return _named(sub(enc.raw_outcome), {k: sub(t) for k, t in enc.checks.items()},
                  {k: sub(t) for k, t in enc.tally.items()}, tag, track)


def _named(raw: Any, checks: dict[str, Any], tally: dict[str, Any], tag: str, track: bool
           ) -> Encoded:
    """The outcome ``raw`` rewritten over one fresh Boolean per non-constant check."""
    if not track:
        return Encoded(raw, raw, checks, tally, ())
    pairs: list[tuple[Any, Any]] = []
    defs: list[tuple[str, Any]] = []
    seen: dict[int, Any] = {}
    for name, term in checks.items():
        if isinstance(term, bool) or not z3.is_bool(term):
            continue
        key = term.get_id()
        if key in seen:
            defs.append((CHECK_FIELDS[name], seen[key] == term))
            continue
        fresh = z3.Bool(f"check{tag}!{name}")
        seen[key] = fresh
        pairs.append((term, fresh))
        defs.append((CHECK_FIELDS[name], fresh == term))
    outcome = z3.substitute(raw, *pairs) if pairs and z3.is_expr(raw) else raw
    return Encoded(outcome, raw, checks, tally, tuple(defs))


def _z3val(x: Any) -> Any:
    if isinstance(x, bool):
        return z3.BoolVal(x)
    if isinstance(x, int):
        return z3.IntVal(x)
    return x


def free_constants(*terms: Any) -> set[str]:
    """Names of the uninterpreted constants occurring in ``terms``.

    >>> x, y = z3.Ints("x y")
    >>> sorted(free_constants(z3.If(x > 1, y, 2), 3))
    ['x', 'y']
    """
    out: set[str] = set()
    seen: set[int] = set()
    stack = [t for t in terms if z3.is_expr(t)]
    while stack:
        t = stack.pop()
        if t.get_id() in seen:
            continue
        seen.add(t.get_id())
        if z3.is_const(t) and t.decl().kind() == z3.Z3_OP_UNINTERPRETED:
            out.add(t.decl().name())
        stack.extend(t.children())
    return out
