"""The context of one property check: rules, reading, board size, options, and helpers.

The helpers keep encode, solve and decode apart: :meth:`Context.setup` loads a query
with the well-formedness constraints and the tracked encoding; :meth:`Context.witness`
decodes a model and confirms it with the reference evaluator; :meth:`Context.citations`
maps an unsat core to the clauses it names.

Examples
--------
>>> from model.loader import load_institution
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> ctx = Context.make(inst, "party_group", "ordinary", n=5)
>>> q = ctx.query()
>>> sm = ctx.meeting()
>>> enc = ctx.setup(q, sm)
>>> q.track("goal", enc.outcome == 1)
>>> a = q.check()
>>> ctx.witness(a.model, sm, enc, "example").outcome.label
'passed'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from model.loader import INSTITUTIONS_DIR
from model.meeting import Meeting, Outcome
from model.rules import RULE_FIELDS, Institution, Matter, RuleSet, RuleSpec
from model.semantics import DEFERRALS, VIOLATIONS
from proofs.counterexample import Witness, confirm
from proofs.decode import MeetingLabel, decode
from proofs.encode import Encoded, encode, free_constants
from proofs.options import CheckOptions, check_sizes
from proofs.solve import Budget, Query
from proofs.symbolic import (
    SymbolicMeeting,
    counted_meeting,
    symbolic_meeting,
    symmetry_breaking,
    well_formed,
)

__all__ = ["Context", "institution_ref"]


def institution_ref(inst: Institution) -> str:
    """What a meeting file names: the built-in id, or the rule file's path."""
    if inst.path and Path(inst.path).resolve().parent == INSTITUTIONS_DIR.resolve():
        return inst.id
    return inst.path or inst.id


@dataclass
class Context:
    """Everything one check of one property needs (mutable only in its lazy caches)."""

    institution: Institution
    ruleset: RuleSet
    choice: dict[str, str]
    n: int
    options: CheckOptions = field(default_factory=CheckOptions)
    budget: Budget | None = None
    """The deadline of the running check (set by :meth:`proofs.properties.Property.check`)."""
    memo: dict[Any, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, inst: Institution, body: str, matter: str, n: int,
             options: CheckOptions | None = None, choice: Mapping[str, str] | None = None
             ) -> Context:
        """The context of board size ``n`` (at most the ``check_size`` limit)."""
        check_sizes((n,))
        rs = inst.ruleset(body, matter)
        full = next(iter(rs.choices()))
        full.update(choice or {})
        return cls(inst, rs, full, n, options or CheckOptions())

    @cached_property
    def spec(self) -> RuleSpec:
        return self.ruleset.spec(self.choice)

    @property
    def matter(self) -> Matter:
        return self.institution.matters[self.ruleset.matter]

    @property
    def portfolio(self) -> str | None:
        return self.matter.portfolio

    @property
    def label(self) -> MeetingLabel:
        return MeetingLabel(institution_ref(self.institution), self.ruleset.body,
                            self.ruleset.matter)

    @property
    def pinned(self) -> bool:
        return self.options.scope.pinned

    @property
    def symmetric(self) -> bool:
        """Members m1..m{n-1} are interchangeable (full scope, no attendance patterns)."""
        return not self.options.scope.pinned and self.options.scope.patterns is None

    def meeting(self, tag: str = "", counted: bool = False) -> SymbolicMeeting:
        """The symbolic meeting named ``tag`` (shared by the checks that share ``memo``).

        ``counted``: the question reads the members other than the leader only through
        counts and roles (no member named, no per-member coalition), so from
        ``options.count_from`` members on, in the full scope, it may be asked of a counted
        meeting (:func:`~proofs.symbolic.counted_meeting`), whose size does not grow with n."""
        counted = (counted and self.symmetric and 0 < self.options.count_from <= self.n)
        key = ("meeting", self.n, self.portfolio, tag, counted)
        if key not in self.memo:
            self.memo[key] = counted_meeting(
                self.n, self.portfolio, [self.ruleset.spec(c) for c in self.ruleset.choices()],
                tag) if counted else symbolic_meeting(self.n, self.portfolio, tag)
        return self.memo[key]  # type: ignore[no-any-return]

    def query(self, cores: bool | None = None) -> Query:
        return Query(self.options.timeout_ms, self.options.cores if cores is None else cores,
                     self.budget)

    def setup(self, q: Query, sm: SymbolicMeeting, spec: RuleSpec | None = None, tag: str = "",
              wf: bool = True, symmetric: bool = False) -> Encoded:
        """Add well-formedness (if ``wf``) and the tracked encoding of ``spec`` to ``q``.

        ``symmetric``: the question names no member but ``m0`` and ``m1``, so in the full
        scope the other members may be sorted (:func:`~proofs.symbolic.symmetry_breaking`)."""
        if wf:
            key = ("wf", id(sm), self.options.scope)
            if key not in self.memo:
                self.memo[key] = (sm, [c for _, c in well_formed(sm, self.options.scope)])
            q.track_all(("well-formedness", c) for c in self.memo[key][1])
            if symmetric and self.symmetric:
                q.track_all(("symmetry", c) for _, c in symmetry_breaking(sm))
        spec = spec or self.spec
        # one encoding per (meeting, spec): every property and every pair of readings that
        # asks about the same spec shares it; ``tag`` names the first one's check Booleans
        # (callers give different specs different tags, so names never clash)
        ekey = ("enc", id(sm), spec, q.cores)
        if ekey not in self.memo:  # sm is kept alive in the key's value, so id() stays unique
            self.memo[ekey] = (sm, encode(spec, sm.terms(), tag=tag, track=q.cores,
                                          budget=self.budget))
        enc: Encoded = self.memo[ekey][1]
        q.track_all(enc.definitions)
        return enc

    def setting_only(self, enc: Encoded, sm: SymbolicMeeting) -> list[str]:
        """Names of the violation and deferral checks that depend on the setting alone (who
        attends, recuses, is involved, owns, chairs; emergency; ad-hoc), not on conduct."""
        setting = {str(v) for v in sm.setting_vars()}
        out = []
        for name in (*VIOLATIONS, *DEFERRALS):
            term = enc.checks[name]
            if isinstance(term, bool):
                if term:
                    out.append(name)
            elif free_constants(term) <= setting:
                out.append(name)
        return out

    def witness(self, model: Any, sm: SymbolicMeeting, enc: Encoded, label: str, note: str = "",
                choice: Mapping[str, str] | None = None) -> Witness:
        """Decode ``model``, and confirm the claimed outcome with the reference evaluator."""
        meeting = decode(model, sm, self.label)
        claimed = model.eval(enc.raw_outcome, model_completion=True).as_long()
        return confirm(meeting, self.ruleset, choice if choice is not None else self.choice,
                       claimed, label, note)

    def replay(self, meeting: Meeting, claimed: Outcome | int, label: str, note: str = "",
               choice: Mapping[str, str] | None = None) -> Witness:
        return confirm(meeting, self.ruleset, choice if choice is not None else self.choice,
                       claimed, label, note)

    def citations(self, core: tuple[str, ...]) -> tuple[str, ...]:
        """The clauses named by an unsat core (labels that are rule fields)."""
        out = []
        for f in sorted({c for c in core if c in RULE_FIELDS}):
            out.append(f"{f}: {self.ruleset.citation(f, self.choice)}")
        return tuple(out)
