"""Rule specifications: what one body does with one kind of matter, with citations.

A rule file (TOML, see ``model/institutions/``) is read into an :class:`Institution`:
its bodies, its matter categories, and for each (body, matter) a :class:`RuleSet`.
A RuleSet holds one value per rule field, each with its clause citation, plus the
*open points*: fields where the source is silent, vague, or where two clauses
govern the same meeting.  Every open point lists named readings; choosing one
reading per point gives a fully concrete :class:`RuleSpec` that the semantics
(:mod:`model.semantics`) evaluates.

Examples
--------
>>> from model.loader import load_institution
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> rs = inst.ruleset("party_group", "ordinary")
>>> rs.default().quorum
Share(num=2, den=3, strict=False)
>>> rs.cite["quorum"]
'seed 001, 第二十一条(四)'
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from model.thresholds import Bound, Share

__all__ = [
    "Base",
    "Passing",
    "Deferral",
    "RuleSpec",
    "Reading",
    "OpenPoint",
    "RuleSet",
    "Matter",
    "Body",
    "Institution",
    "RULE_FIELDS",
    "FIELD_DOCS",
]


class Base(StrEnum):
    """What a passing threshold is a share of."""

    DUE = "due"  # 应到会: all voting members of the body
    PRESENT = "present"  # 到会: members present
    ELIGIBLE = "eligible"  # present and not recused
    DECISIVE = "decisive"  # yes + no votes ("少数服从多数" read as a simple majority)


@dataclass(frozen=True)
class Passing:
    """``yes`` votes meet ``share`` of ``base``.

    >>> Passing(Share(1, 2, True), Base.DUE).describe()
    'yes votes more than 1/2 of due'
    """

    share: Share
    base: Base

    def describe(self) -> str:
        return f"yes votes {self.share.describe()} of {self.base.value}"

    def describe_zh(self) -> str:
        base = {"due": "应到会成员", "present": "到会成员", "eligible": "有表决权的到会成员",
                "decisive": "赞成与反对票之和"}[self.base.value]
        return f"赞成票{self.share.describe_zh().replace('半数', base + '半数')}" \
            if "半数" in self.share.describe_zh() else f"赞成票达{base}{self.share.describe_zh()}"


@dataclass(frozen=True)
class Deferral:
    """When the item must be deferred (暂缓) instead of voted through.

    ``kind``: ``"none"`` (only the chair's discretion), ``"margin"`` (yes > 0, no > 0 and
    |yes - no| <= at_most: "双方人数接近" / "分歧较大"), ``"defer_votes"`` (deferral votes meet ``share`` of present).
    ``emergency_overrides``: in an emergency the majority view is executed instead.
    """

    kind: str = "none"
    at_most: int = 0
    share: Share | None = None
    emergency_overrides: bool = False

    def describe(self) -> str:
        if self.kind == "none":
            return "no forced deferral (chair's judgement)"
        text = (f"defer when yes and no are both cast and |yes - no| <= {self.at_most}" if self.kind == "margin"
                else f"defer when 'defer' votes are {self.share.describe() if self.share else '?'} "
                     "of present")
        return text + (", except in an emergency" if self.emergency_overrides else "")


# field name -> (allowed values or type, English doc)
FIELD_DOCS: dict[str, str] = {
    "decision_mode": "'vote' (members vote) or 'chief_decides' (行政首长负责制: the chair decides)",
    "quorum": "share of members due who must be present for the meeting to be held",
    "passing": "yes votes needed, as a share of a base (due/present/eligible/decisive)",
    "absentee_opinions": "'not_counted' or 'counted' (an absent member's written opinion as a vote)",
    "recusal": "'required' (involved members must leave the item) or 'none'",
    "recused_in_base": "true if recused members still count in the 'due' base",
    "last_speaker": "'chair', 'leader' (must state a position last, 末位表态), 'leader_not_first' "
    "(may not state it first) or 'none'",
    "owner_speaks_first": "true if the portfolio owner (分管领导) must speak first",
    "owner_absent": "'no_effect', 'defer' or 'violation' when the portfolio owner is absent",
    "chair_calls_vote": "true if the chair decides whether to put the item to a vote",
    "chair_delegation": "'allowed' (the leader may delegate the chair, 委托主持) or 'forbidden'",
    "deferral": "when the item must be deferred (see Deferral)",
    "ad_hoc": "'allowed', 'forbidden' or 'forbidden_except_emergency' (临时动议)",
    "leader_may_not_own": "portfolios the leader may not run directly (四个/五个不直接分管)",
}
RULE_FIELDS = tuple(FIELD_DOCS)
ENUMS: dict[str, tuple[str, ...]] = {
    "decision_mode": ("vote", "chief_decides"),
    "absentee_opinions": ("not_counted", "counted"),
    "recusal": ("required", "none"),
    "last_speaker": ("chair", "leader", "leader_not_first", "none"),
    "owner_absent": ("no_effect", "defer", "violation"),
    "ad_hoc": ("allowed", "forbidden", "forbidden_except_emergency"),
    "chair_delegation": ("allowed", "forbidden"),
}


@dataclass(frozen=True)
class RuleSpec:
    """One fully concrete reading of the rules for a (body, matter): what the semantics runs."""

    decision_mode: str = "vote"
    quorum: Share | None = None
    passing: Passing | None = None
    absentee_opinions: str = "not_counted"
    recusal: str = "none"
    recused_in_base: bool = True
    last_speaker: str = "none"
    owner_speaks_first: bool = False
    owner_absent: str = "no_effect"
    chair_calls_vote: bool = False
    chair_delegation: str = "allowed"
    deferral: Deferral = field(default_factory=Deferral)
    ad_hoc: str = "allowed"
    leader_may_not_own: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """One named reading of an open point: the value it gives the field, and why."""

    name: str
    value: Any
    cite: str
    note: str = ""


@dataclass(frozen=True)
class OpenPoint:
    """A rule field the source leaves open.

    ``kind`` is ``"unspecified"`` (the text is silent), ``"vague"`` (a phrase with
    several readings) or ``"clauses"`` (two clauses govern the same meeting).
    """

    field: str
    kind: str
    readings: tuple[Reading, ...]
    note: str = ""

    @property
    def key(self) -> str:
        return self.field


@dataclass(frozen=True)
class RuleSet:
    """The rules of one body for one matter category, with citations and open points."""

    institution: str
    body: str
    matter: str
    values: Mapping[str, Any]
    cite: Mapping[str, str]
    notes: Mapping[str, str]
    points: tuple[OpenPoint, ...] = ()
    info: Matter | None = None  # the matter category (portfolio, money limit)

    def spec(self, choice: Mapping[str, str] | None = None) -> RuleSpec:
        """The concrete spec for one choice of readings (default: each point's first)."""
        choice = dict(choice or {})
        values = dict(self.values)
        for p in self.points:
            name = choice.pop(p.field, p.readings[0].name)
            match = [r for r in p.readings if r.name == name]
            if not match:
                from model.errors import RuleFileError

                raise RuleFileError(
                    p.field, f"no reading named {name!r}",
                    fix=f"choose one of {[r.name for r in p.readings]}",
                )
            values[p.field] = match[0].value
        if choice:
            from model.errors import RuleFileError

            raise RuleFileError(next(iter(choice)), "this field has no alternative readings here",
                                fix=f"choose among {[p.field for p in self.points]}")
        return RuleSpec(**values)

    def default(self) -> RuleSpec:
        return self.spec()

    def choices(self) -> Iterator[dict[str, str]]:
        """Every combination of readings, the default first."""
        names = [[r.name for r in p.readings] for p in self.points]
        for combo in itertools.product(*names):
            yield {p.field: n for p, n in zip(self.points, combo, strict=True)}

    def citation(self, field_name: str, choice: Mapping[str, str] | None = None) -> str:
        """The clause behind ``field_name`` under ``choice`` (readings may cite their own)."""
        for p in self.points:
            if p.field == field_name:
                name = (choice or {}).get(p.field, p.readings[0].name)
                for r in p.readings:
                    if r.name == name:
                        return r.cite
        return self.cite.get(field_name, "")

    def with_values(self, **values: Any) -> RuleSet:
        return replace(self, values={**self.values, **values})


@dataclass(frozen=True)
class Matter:
    """A matter category: ordinary, 三重一大 kinds, cadre, money-limited."""

    id: str
    name: str
    name_zh: str
    cite: str
    portfolio: str | None = None
    collective: bool = False
    amount: Bound | None = None
    amount_cite: str = ""


@dataclass(frozen=True)
class Body:
    """A deliberating body (party group, director's office meeting, plenary...)."""

    id: str
    name: str
    name_zh: str
    cite: str
    matters: tuple[str, ...]


@dataclass(frozen=True)
class Institution:
    """One institution's whole rule file, loaded and validated."""

    id: str
    name: str
    name_zh: str
    seed: str
    source: str
    bodies: Mapping[str, Body]
    matters: Mapping[str, Matter]
    rulesets: Mapping[tuple[str, str], RuleSet]
    path: str = ""
    known_findings: Mapping[str, str] = field(default_factory=dict)

    def ruleset(self, body: str, matter: str) -> RuleSet:
        from model.errors import RuleFileError

        # the culprit is whoever asked (a meeting file, a CLI flag), not this rule file
        if body not in self.bodies:
            raise RuleFileError("body", f"institution {self.id!r} has no body {body!r}",
                                fix=f"use one of {sorted(self.bodies)}")
        if (body, matter) not in self.rulesets:
            raise RuleFileError(
                "matter.category", f"body {body!r} of {self.id!r} does not decide matter {matter!r}",
                fix=f"use one of {list(self.bodies[body].matters)}",
            )
        return self.rulesets[(body, matter)]

    def pairs(self) -> Iterator[tuple[str, str]]:
        """Every (body, matter) the file defines, in file order."""
        yield from self.rulesets
