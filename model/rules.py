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
>>> [r.rule for r in rs.default().quorum]
[Share(num=2, den=3, strict=False)]
>>> rs.cite["quorum"]
'seed 001, 第二十一条(四)'

A field such as ``quorum`` is *cumulative*: every clause that governs the meeting is its own
cited :class:`Requirement`, and a meeting must meet all of them.

>>> city = load_institution("city_medical_security_bureau").ruleset("party_group", "cadre")
>>> sorted((r.cite, r.rule.describe()) for r in city.default().quorum)  # doctest: +NORMALIZE_WHITESPACE
[('seed 004, 三重一大 三(五)', 'at least 2/3'), ('seed 004, 三重一大 四(二)2', 'more than 2/3'),
 ('seed 004, 议事规则 四(二)', 'at least 1/2'), ('seed 004, 议事规则 四(二)', 'at least 2/3')]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from model.thresholds import Bound, Share

__all__ = [
    "Runners",
    "FourEyes",
    "Base",
    "Requirement",
    "Route",
    "route_tiers",
    "CUMULATIVE",
    "Passing",
    "Deferral",
    "RuleSpec",
    "Reading",
    "OpenPoint",
    "Slot",
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
class Requirement:
    """One clause's requirement on a cumulative field (a quorum :class:`Share` or a
    :class:`Passing` rule), with its citation.  Every requirement of a field binds.

    >>> Requirement(Share(1, 2, False), "seed 004, 议事规则 四(二)").describe()
    'at least 1/2 (seed 004, 议事规则 四(二))'
    """

    rule: Any
    cite: str
    note: str = ""

    def describe(self) -> str:
        return f"{self.rule.describe()} ({self.cite})"


@dataclass(frozen=True)
class Runners:
    """A reading of who must run each portfolio the leader may not run: a member of one of
    ``roles`` (None: the text requires nobody to run it).  From a rule file's
    ``[separation] runners``."""

    name: str
    roles: tuple[str, ...] | None
    cite: str
    note: str


@dataclass(frozen=True)
class FourEyes:
    """A reading of which pairs of those portfolios two different members must run.  From a
    rule file's ``[separation] four_eyes``."""

    name: str
    pairs: tuple[tuple[str, str], ...]
    cite: str
    note: str


@dataclass(frozen=True)
class Route:
    """Who must decide an item of a matter category (and, with ``amount``, of what size).

    ``body`` is the deliberating body that must decide; ``decider`` (when ``body`` is None)
    names an individual approval that is not a meeting (分管局长审批).

    >>> from model.thresholds import Bound
    >>> Route("large_funds", "party_group", Bound(20000, ">", "yuan"), "seed 004, 三重一大 一(五)1"
    ...       ).applies(20000)
    False
    """

    category: str
    body: str | None
    amount: Bound | None
    cite: str
    decider: str = ""
    note: str = ""

    def applies(self, amount: Any) -> Any:
        return True if self.amount is None else self.amount.holds(amount)

    def describe(self) -> str:
        who = f"body {self.body!r}" if self.body else f"{self.decider} (not a meeting)"
        when = f" when the amount is {self.amount.describe()}" if self.amount else ""
        return f"{self.category}{when} -> {who} ({self.cite})"


def route_tiers(routes: tuple[Route, ...]) -> list[tuple[Bound | None, tuple[Route, ...]]]:
    """The body routes grouped by amount condition (a tier), in file order: the first tier
    whose condition holds names the bodies that may decide; several may share a tier.

    >>> from model.thresholds import Bound
    >>> big = Bound(20000, ">", "yuan")
    >>> tiers = route_tiers((Route("x", "board", big, "c1"), Route("x", "office", None, "c2"),
    ...                      Route("x", "panel", big, "c3"), Route("x", None, None, "c4", "分管局长")))
    >>> [(a is None, [r.body for r in rs]) for a, rs in tiers]
    [(False, ['board', 'panel']), (True, ['office'])]
    """
    tiers: dict[Bound | None, list[Route]] = {}
    for r in routes:
        if r.body is not None:
            tiers.setdefault(r.amount, []).append(r)
    return [(amount, tuple(rs)) for amount, rs in tiers.items()]


@dataclass(frozen=True)
class Deferral:
    """When the item must be deferred (暂缓) instead of voted through.

    ``kind``: ``"none"`` (only the chair's discretion), ``"margin"`` (the two sides, yes
    against no + defer, both exist and differ by at most ``at_most``: "双方人数接近" /
    "分歧较大"), ``"defer_votes"`` (deferral votes meet ``share`` of present).
    ``emergency_overrides``: in an emergency the majority view is executed instead.

    >>> Deferral("margin", 1, emergency_overrides=True).describe()
    'defer when yes and (no + defer) are both stated and differ by at most 1, except in an emergency'
    """

    kind: str = "none"
    at_most: int = 0
    share: Share | None = None
    emergency_overrides: bool = False

    def describe(self) -> str:
        if self.kind == "none":
            return "no forced deferral (chair's judgement)"
        text = (f"defer when yes and (no + defer) are both stated and differ by at most {self.at_most}"
                if self.kind == "margin"
                else f"defer when 'defer' votes are {self.share.describe() if self.share else '?'} "
                     "of present")
        return text + (", except in an emergency" if self.emergency_overrides else "")


# field name -> English doc
FIELD_DOCS: dict[str, str] = {
    "decision_mode": "'vote' (members vote) or 'chief_decides' (行政首长负责制: the chair decides)",
    "quorum": "shares of members due who must be present; every listed clause binds",
    "passing": "yes votes needed, as shares of a base (due/present/eligible/decisive); every "
    "listed clause binds",
    "absentee_opinions": "'not_counted' or 'counted' (an absent member's written opinion as a vote)",
    "recusal": "'required' (involved members must leave the item) or 'none'",
    "recused_in_base": "true if recused members still count in the 'due' base",
    "last_speaker": "'chair', 'leader' (must state a position last, 末位表态), 'leader_not_first' "
    "(may not state it first) or 'none'",
    "owner_speaks_first": "true if the portfolio owner (分管领导) must state a position first",
    "owner_absent": "'no_effect', 'defer' or 'violation' when the portfolio owner is absent",
    "positions_required": "'none', 'any' (every present member states a position, 每位领导必须发表"
    "意见) or 'yes_no_defer' (each states 同意, 不同意 or 暂缓/缓议)",
    "chair_calls_vote": "true if the chair decides whether to put the item to a vote (or the "
    "chief to decide), 'when_split' if only when the stated positions are split (意见分歧较大: "
    "yes and no/defer both stated; withholding otherwise is a violation), false if he may not",
    "chair_delegation": "'allowed', 'forbidden', 'leader_absent' (委托 only when the leader cannot "
    "attend), 'to_deputy' (only to a deputy) or 'leader_absent_to_deputy' (only when absent, and "
    "only to a deputy)",
    "deferral": "when a split vote must be deferred (see Deferral)",
    "unclear_matter": "'no_effect', 'defer' or 'defer_except_emergency' when a major question is "
    "still unclear (重大问题尚不清楚)",
    "ad_hoc": "'allowed', 'forbidden' or 'forbidden_except_emergency' (临时动议)",
    "leader_may_not_own": "portfolios the leader may not run directly (四个/五个不直接分管)",
}
RULE_FIELDS = tuple(FIELD_DOCS)
CUMULATIVE = ("quorum", "passing")
ENUMS: dict[str, tuple[str, ...]] = {
    "decision_mode": ("vote", "chief_decides"),
    "absentee_opinions": ("not_counted", "counted"),
    "recusal": ("required", "none"),
    "last_speaker": ("chair", "leader", "leader_not_first", "none"),
    "owner_absent": ("no_effect", "defer", "violation"),
    "positions_required": ("none", "any", "yes_no_defer"),
    "ad_hoc": ("allowed", "forbidden", "forbidden_except_emergency"),
    "chair_delegation": ("allowed", "forbidden", "leader_absent", "to_deputy",
                         "leader_absent_to_deputy"),
    "unclear_matter": ("no_effect", "defer", "defer_except_emergency"),
}


@dataclass(frozen=True)
class RuleSpec:
    """One fully concrete reading of the rules for a (body, matter): what the semantics runs.

    ``quorum`` and ``passing`` hold every binding :class:`Requirement`; ``body`` and
    ``routes`` (the routes of this matter category) decide whether the body may decide an
    item of a given amount.
    """

    decision_mode: str = "vote"
    quorum: tuple[Requirement, ...] = ()
    passing: tuple[Requirement, ...] = ()
    absentee_opinions: str = "not_counted"
    recusal: str = "none"
    recused_in_base: bool = True
    last_speaker: str = "none"
    owner_speaks_first: bool = False
    owner_absent: str = "no_effect"
    positions_required: str = "none"
    chair_calls_vote: bool | str = False
    chair_delegation: str = "allowed"
    deferral: Deferral = field(default_factory=Deferral)
    unclear_matter: str = "no_effect"
    ad_hoc: str = "allowed"
    leader_may_not_own: tuple[str, ...] = ()
    body: str = ""
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class Reading:
    """One named reading of an open point: the values it gives its fields, and why.

    ``values`` maps each field the point sets to its value; for a cumulative field the value
    is a tuple of :class:`Requirement` s put in the point's place (empty: none).
    """

    name: str
    values: Mapping[str, Any]
    cite: str
    note: str = ""

    @property
    def value(self) -> Any:
        """The value of a single-field reading."""
        return next(iter(self.values.values()))


@dataclass(frozen=True)
class OpenPoint:
    """What the source leaves open, with named readings; ``field`` is the point's id.

    ``kind`` is ``"unspecified"`` (the text is silent), ``"vague"`` (a phrase with several
    readings) or ``"clauses"`` (two clauses contradict, or lex specialis against lex
    generalis).  One point may set several fields at once (a named regime): readings that
    the text ties together are never crossed with each other.
    """

    field: str
    kind: str
    readings: tuple[Reading, ...]
    note: str = ""
    fields: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return self.field


@dataclass(frozen=True)
class Slot:
    """The place of an open point inside a cumulative field's list of requirements."""

    point: str


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
    routes: tuple[Route, ...] = ()

    def spec(self, choice: Mapping[str, str] | None = None) -> RuleSpec:
        """The concrete spec for one choice of readings (default: each point's first)."""
        from model.errors import RuleFileError

        choice = dict(choice or {})
        values = dict(self.values)
        chosen: dict[str, Reading] = {}
        for p in self.points:
            name = choice.pop(p.field, p.readings[0].name)
            match = [r for r in p.readings if r.name == name]
            if not match:
                raise RuleFileError(
                    p.field, f"no reading named {name!r}",
                    fix=f"choose one of {[r.name for r in p.readings]}",
                )
            chosen[p.field] = match[0]
        if choice:
            raise RuleFileError(next(iter(choice)), "this point has no alternative readings here",
                                fix=f"choose among {[p.field for p in self.points]}")
        for reading in chosen.values():
            for f, v in reading.values.items():
                if f not in CUMULATIVE:
                    values[f] = v
        for f in CUMULATIVE:
            items: list[Requirement] = []
            for item in values.get(f, ()):
                if isinstance(item, Slot):
                    items.extend(chosen[item.point].values.get(f, ()))
                else:
                    items.append(item)
            values[f] = tuple(items)
        return RuleSpec(**values, body=self.body, routes=self.routes)

    def default(self) -> RuleSpec:
        return self.spec()

    def choices(self) -> Iterator[dict[str, str]]:
        """Every combination of readings, the default first."""
        names = [[r.name for r in p.readings] for p in self.points]
        for combo in itertools.product(*names):
            yield {p.field: n for p, n in zip(self.points, combo, strict=True)}

    def citation(self, field_name: str, choice: Mapping[str, str] | None = None) -> str:
        """The clause(s) behind ``field_name`` under ``choice`` (readings may cite their own)."""
        if field_name == "routes":
            return "; ".join(dict.fromkeys(r.cite for r in self.routes if r.body is not None))
        if field_name in CUMULATIVE:
            return "; ".join(dict.fromkeys(r.cite for r in getattr(self.spec(choice), field_name)))
        for p in self.points:
            if field_name in p.fields or p.field == field_name:
                name = (choice or {}).get(p.field, p.readings[0].name)
                for r in p.readings:
                    if r.name == name and field_name in r.values:
                        return r.cite
        return self.cite.get(field_name, "")

    def point_of(self, field_name: str) -> OpenPoint | None:
        """The open point that sets ``field_name``, if any."""
        return next((p for p in self.points if field_name in p.fields), None)

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
    routes: tuple[Route, ...] = ()
    separation: tuple[tuple[Runners, ...], tuple[FourEyes, ...]] | None = None
    """Who must run the portfolios of ``leader_may_not_own`` (``[separation]``: readings,
    the first the default), or None where the rule file does not say."""

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

    def route(self, category: str, amount: int | None = None) -> tuple[Route, ...]:
        """Every route of ``category`` that applies to an item of ``amount`` yuan, in file
        order (the first route naming a body is the one a meeting must follow).  An unknown
        amount matches only the routes without an amount condition."""
        from model.errors import RuleFileError

        if category not in self.matters:
            raise RuleFileError("category", f"institution {self.id!r} has no matter {category!r}",
                                fix=f"use one of {sorted(self.matters)}")
        return tuple(r for r in self.routes if r.category == category
                     and (r.amount is None or (amount is not None and r.applies(amount))))
