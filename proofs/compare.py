"""Compare two rule sets on the same symbolic meeting: implication, equivalence, difference.

A side is a (rule file, body, matter, reading).  For each board size, ``A implies B``
holds when every meeting that A passes, B passes too (A is at least as strict); a
failing direction comes with a distinguishing meeting, decoded for both sides and
re-decided by the reference evaluator.  The two sides may be two institutions, two
readings of one open point, or two versions of one rule file (an amendment).

Examples
--------
>>> from model.loader import load_institution
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> a = Side.make(inst, "party_group", "ordinary")
>>> b = Side.make(inst, "party_group", "ordinary", {"deferral": "chair_judgement"})
>>> c = compare(a, b, sizes=(5,))   # A also defers a close split: A is the stricter
>>> c.rows[0].relation, c.rows[0].b_implies_a
('A implies B', 'fails')
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import z3

from model.meeting import Outcome
from model.rules import Institution, RuleSet
from proofs.context import institution_ref
from proofs.counterexample import Witness, confirm
from proofs.decode import MeetingLabel, decode
from proofs.encode import Encoded, encode
from proofs.options import CheckOptions, check_sizes
from proofs.results import Verdict
from proofs.solve import Budget, Query, settled
from proofs.symbolic import SymbolicMeeting, symbolic_meeting, well_formed

PASSED = int(Outcome.PASSED)

__all__ = ["Side", "ComparisonRow", "Comparison", "compare", "default_pair", "CHANGES",
           "OutcomeChange", "outcome_changes"]


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a rule set under one reading."""

    institution: Institution
    ruleset: RuleSet
    choice: dict[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, inst: Institution, body: str, matter: str,
             choice: Mapping[str, str] | None = None) -> Side:
        rs = inst.ruleset(body, matter)
        full = next(iter(rs.choices()))
        full.update(choice or {})
        rs.spec(full)  # validates the reading names
        return cls(inst, rs, full)

    @property
    def label(self) -> str:
        reading = ",".join(f"{k}={v}" for k, v in self.choice.items())
        return (f"{institution_ref(self.institution)} {self.ruleset.body}/{self.ruleset.matter}"
                + (f" [{reading}]" if reading else ""))

    @property
    def portfolio(self) -> str | None:
        return self.institution.matters[self.ruleset.matter].portfolio


@dataclass(frozen=True)
class ComparisonRow:
    """One board size: each direction ``holds``/``fails``/``unknown``, and the relation."""

    n: int
    a_implies_b: str
    b_implies_a: str
    witnesses: tuple[Witness, ...] = ()
    reason: str = ""

    @property
    def relation(self) -> str:
        d = (self.a_implies_b, self.b_implies_a)
        if "unknown" in d:
            return "unknown"
        return {("holds", "holds"): "equivalent", ("holds", "fails"): "A implies B",
                ("fails", "holds"): "B implies A", ("fails", "fails"): "neither"}[d]


@dataclass(frozen=True)
class Comparison:
    a_label: str
    b_label: str
    rows: tuple[ComparisonRow, ...]


def default_pair(a: Institution, b: Institution) -> tuple[str, str, str, str]:
    """First body of each; the first matter both decide (by id), else each body's first."""
    ba, bb = next(iter(a.bodies)), next(iter(b.bodies))
    common = [m for m in a.bodies[ba].matters if m in b.bodies[bb].matters]
    ma = common[0] if common else a.bodies[ba].matters[0]
    mb = common[0] if common else b.bodies[bb].matters[0]
    return ba, ma, bb, mb


def compare(a: Side, b: Side, sizes: Sequence[int], options: CheckOptions | None = None
            ) -> Comparison:
    """For each size: does A imply B, does B imply A (with distinguishing meetings).

    Each size has one deadline (``options.timeout_s``) for its encoding and both queries;
    a direction left unanswered is ``unknown`` (:func:`~proofs.solve.settled`)."""
    check_sizes(sizes)
    opts = options or CheckOptions(sizes=tuple(sizes))
    rows = []
    for n in sizes:
        budget = Budget(opts.timeout_s)
        build = functools.cache(functools.partial(_encode_both, a, b, n, opts, budget))
        verdicts = [settled(functools.partial(_direction, build, (a, b), CHANGES[k]))
                    for k in (0, 1)]
        rows.append(ComparisonRow(n, verdicts[0].status, verdicts[1].status,
                                  tuple(w for v in verdicts for w in v.witnesses),
                                  "; ".join(v.reason for v in verdicts if v.reason)))
    return Comparison(a.label, b.label, tuple(rows))


def _encode_both(a: Side, b: Side, n: int, opts: CheckOptions, budget: Budget
                 ) -> tuple[Query, SymbolicMeeting, Encoded, Encoded]:
    """One query with the well-formed meetings of size ``n`` and both sides encoded."""
    sm = symbolic_meeting(n, a.portfolio if a.portfolio is not None else b.portfolio)
    q = Query(opts.timeout_ms, cores=False, budget=budget)
    q.add(*[c for _, c in well_formed(sm)])
    ea = encode(a.ruleset.spec(a.choice), sm.terms(portfolio=a.portfolio), track=False,
                budget=budget)
    eb = encode(b.ruleset.spec(b.choice), sm.terms(portfolio=b.portfolio), track=False,
                budget=budget)
    return q, sm, ea, eb


_Goal = Callable[[Any, Any], Any]

CHANGES: tuple[tuple[str, _Goal], ...] = (
    ("A passes, B does not", lambda oa, ob: z3.And(oa == PASSED, ob != PASSED)),
    ("B passes, A does not", lambda oa, ob: z3.And(ob == PASSED, oa != PASSED)),
    ("neither passes, the outcomes differ",
     lambda oa, ob: z3.And(oa != PASSED, ob != PASSED, oa != ob)),
)
"""The kinds of outcome change: (name, goal on the outcomes of A and B).  Together they
cover every meeting whose outcome differs, each exactly once."""


def _direction(build: Callable[[], tuple[Query, SymbolicMeeting, Encoded, Encoded]],
               sides: tuple[Side, Side], change: tuple[str, _Goal]) -> Verdict:
    """Is no meeting of the kind ``change``?  ``holds``, or ``fails`` with the meeting decoded
    for both sides and confirmed by the reference evaluator."""
    q, sm, ea, eb = build()
    name, goal = change
    ans = q.solve([goal(ea.outcome, eb.outcome)])
    if ans.status == "unsat":
        return Verdict("holds")
    witnesses = []
    for tag, side, enc in (("A", sides[0], ea), ("B", sides[1], eb)):
        meeting = decode(ans.model, sm, MeetingLabel(institution_ref(side.institution),
                                                     side.ruleset.body, side.ruleset.matter),
                         portfolio=side.portfolio)
        claimed = ans.model.eval(enc.outcome, model_completion=True).as_long()
        witnesses.append(confirm(meeting, side.ruleset, side.choice, claimed,
                                 "distinguishing meeting", f"{name}: under {tag}"))
    return Verdict("fails", witnesses=tuple(witnesses))


@dataclass(frozen=True)
class OutcomeChange:
    """One kind of outcome change (:data:`CHANGES`): the sizes at which some meeting of that
    kind exists (exact over ``checked``), the sizes left unanswered, and one meeting at the
    first size, as decided under A and under B."""

    kind: str
    sizes: tuple[int, ...]
    checked: tuple[int, ...]
    unknown: tuple[int, ...]
    witnesses: tuple[Witness, ...]


def outcome_changes(a: Side, b: Side, sizes: Sequence[int],
                    options: CheckOptions | None = None) -> tuple[OutcomeChange, ...]:
    """Every kind of meeting whose outcome differs between A and B, with its pattern of
    sizes and one distinguishing meeting; kinds that occur at no size are left out.

    >>> from model.loader import load_institution
    >>> inst = load_institution("prefecture_medical_security_party_group")
    >>> a = Side.make(inst, "party_group", "ordinary")
    >>> b = Side.make(inst, "party_group", "ordinary", {"deferral": "chair_judgement"})
    >>> [(c.kind, c.sizes) for c in outcome_changes(a, b, (4, 5))]
    [('B passes, A does not', (5,)), ('neither passes, the outcomes differ', (4, 5))]

    (Passing needs more than half of the members due: 3 yes at n = 4 and 5.  A defers a
    split of at most one: 3 yes against 2 at n = 5, which B passes; at n = 4 a passing
    3 against 1 is no close split, but 2 against 1 is, deferred by A and rejected by B.)
    """
    check_sizes(sizes)
    opts = options or CheckOptions(sizes=tuple(sizes))
    found: dict[str, list[tuple[int, Verdict]]] = {name: [] for name, _ in CHANGES}
    for n in sizes:
        budget = Budget(opts.timeout_s)
        build = functools.cache(functools.partial(_encode_both, a, b, n, opts, budget))
        for change in CHANGES:
            found[change[0]].append((n, settled(functools.partial(_direction, build, (a, b),
                                                                  change))))
    out = []
    for name, rows in found.items():
        fails = [(n, v) for n, v in rows if v.status == "fails"]
        unknown = tuple(n for n, v in rows if v.status == "unknown")
        if fails or unknown:
            out.append(OutcomeChange(name, tuple(n for n, _ in fails), tuple(sizes), unknown,
                                     fails[0][1].witnesses if fails else ()))
    return tuple(out)
