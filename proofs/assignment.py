"""Separation of duties with Z3: does any valid portfolio assignment exist, and how much can
one member hold?

The board's members and roles are fixed; the unknowns are who runs each portfolio the
leader may not run (:func:`model.organisation.separation_rule`).  Encode (one integer per
portfolio: the index of the member who runs it, ``-1`` for nobody where the text lets the
work go unassigned) → solve (:mod:`proofs.solve`: ``unknown`` is its own answer) → decode
(a portfolio → member mapping) → re-check in plain Python with
:func:`model.organisation.violations` and :func:`model.organisation.find_valid`; a
disagreement raises :class:`~model.errors.InternalDisagreement`.

* :func:`exists` — is there any valid assignment?  ``unsat`` names the clauses in its core
  (e.g. 由分管副职具体负责 on a board without deputies).
* :func:`most_concentrated` — among valid assignments, the one that puts the most of these
  portfolios in one member's hands (:class:`z3.Optimize` through :func:`proofs.solve.optimize`):
  the separation keeps them from the leader, not from any one deputy.

Examples
--------
>>> from model.loader import load_institution
>>> from model.meeting import Member
>>> from model.organisation import separation_rule
>>> reading = separation_rule(load_institution("city_medical_security_bureau")).readings()[0]
>>> reading.name
'runners=deputy, four_eyes=distinct'
>>> board = [Member("dir", "leader"), Member("m1", "member"), Member("m2", "member")]
>>> a = exists(board, reading)
>>> a.status, a.core
('unsat', ('seed 004, 五个不直接分管 二、1(1)-(5)',))
>>> board = [Member("dir", "leader"), Member("d1", "deputy"), Member("m1", "member")]
>>> exists(board, reading).status   # one deputy cannot sign twice (二、1(4), 'distinct')
'unsat'
>>> board.append(Member("d2", "deputy"))
>>> a = most_concentrated(board, reading)
>>> a.status, a.count, a.holder in ("d1", "d2"), a.owner["construction"] != a.owner["finance"]
('sat', 4, True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

from model.errors import InternalDisagreement
from model.meeting import Member
from model.organisation import SeparationReading, find_valid, violations, with_assignment
from proofs.solve import Query, optimize

__all__ = ["AssignmentAnswer", "encode", "exists", "most_concentrated"]


@dataclass(frozen=True)
class AssignmentAnswer:
    """A checked answer: ``sat`` with ``owner`` (portfolio → member id, None for nobody),
    ``unsat`` with the clauses of the core, or ``unknown`` with the solver's reason.

    For :func:`most_concentrated`, ``holder`` runs ``count`` of the portfolios, the most
    any valid assignment gives one member."""

    status: str
    reading: str
    owner: dict[str, str | None] = field(default_factory=dict)
    core: tuple[str, ...] = ()
    reason: str = ""
    holder: str | None = None
    count: int | None = None

    def to_dict(self) -> dict[str, object]:
        return {"status": self.status, "reading": self.reading, "owner": self.owner,
                "core": list(self.core), "reason": self.reason, "holder": self.holder,
                "count": self.count}


@dataclass(frozen=True)
class Encoding:
    """The Z3 terms of one problem: ``owner[p]`` is the index of the member who runs ``p``
    (-1: nobody); ``constraints`` are labelled by the clause they come from."""

    owner: dict[str, z3.ArithRef]
    constraints: tuple[tuple[str, z3.BoolRef], ...]


def encode(members: Sequence[Member], reading: SeparationReading) -> Encoding:
    """The constraints of a valid assignment, each labelled with its clause."""
    owner = {p: z3.Int(f"owner[{p}]") for p in reading.forbidden}
    n = len(members)
    out: list[tuple[str, z3.BoolRef]] = []
    lo = -1 if reading.runners.roles is None else 0
    for x in owner.values():
        out.append(("domain", z3.And(x >= lo, x < n)))
        out.extend((reading.forbidden_cite, x != i) for i, m in enumerate(members)
                   if m.role == reading.leader_role)
        if reading.runners.roles is not None:
            out.append((reading.runners.cite, z3.Or(*[x == i for i, m in enumerate(members)
                                                      if reading.may_run(m)], z3.BoolVal(False))))
    for a, b in reading.four_eyes.pairs:
        if a in owner and b in owner:
            out.append((reading.four_eyes.cite, z3.Or(owner[a] != owner[b], owner[a] == -1)))
    return Encoding(owner, tuple(out))


def _decode(model: z3.ModelRef, enc: Encoding, members: Sequence[Member]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for p, x in enc.owner.items():
        i = model.eval(x, model_completion=True).as_long()
        out[p] = members[i].id if i >= 0 else None
    return out


def _recheck(members: Sequence[Member], reading: SeparationReading,
             owner: dict[str, str | None]) -> None:
    bad = violations(with_assignment(members, reading, owner), reading)
    if bad:
        raise InternalDisagreement(f"Z3's assignment {owner} breaks {bad[0].describe()}")


def exists(members: Sequence[Member], reading: SeparationReading,
           timeout_ms: int = 10_000) -> AssignmentAnswer:
    """Whether any valid assignment exists for this board (checked in plain Python)."""
    enc = encode(members, reading)
    q = Query(timeout_ms)
    q.track_all(enc.constraints)
    a = q.check()
    if a.status == "sat":
        owner = _decode(a.model, enc, members)
        _recheck(members, reading, owner)
        return AssignmentAnswer("sat", reading.name, owner)
    if a.status == "unsat":
        found = find_valid(members, reading)
        if found is not None:
            raise InternalDisagreement(f"Z3 says no valid assignment; Python found {found}")
        return AssignmentAnswer("unsat", reading.name,
                                core=tuple(c for c in a.core if c != "domain"))
    return AssignmentAnswer("unknown", reading.name, reason=a.reason)


def most_concentrated(members: Sequence[Member], reading: SeparationReading,
                      timeout_ms: int = 10_000) -> AssignmentAnswer:
    """The valid assignment that gives one member the most of the forbidden portfolios
    (Z3 Optimize); ``unsat`` when there is no valid assignment at all."""
    first = exists(members, reading, timeout_ms)
    if first.status != "sat":
        return first
    enc = encode(members, reading)
    holder = z3.Int("holder")
    count = z3.Sum([z3.If(x == holder, 1, 0) for x in enc.owner.values()])
    constraints = [c for _, c in enc.constraints] + [holder >= 0, holder < len(members)]
    a, value = optimize(constraints, -count, timeout_ms)
    if a.status == "unknown":
        return AssignmentAnswer("unknown", reading.name, reason=a.reason)
    if a.status != "sat" or value is None:
        raise InternalDisagreement("a valid assignment exists, but the optimizer found none")
    owner = _decode(a.model, enc, members)
    _recheck(members, reading, owner)
    who = members[a.model.eval(holder, model_completion=True).as_long()].id
    held = sum(1 for o in owner.values() if o == who)
    if held != -value:
        raise InternalDisagreement(f"Z3's optimum is {-value} portfolios, but {who} runs {held}")
    return AssignmentAnswer("sat", reading.name, owner, holder=who, count=held)
