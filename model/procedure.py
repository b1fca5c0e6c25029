"""Procedure order: a meeting's steps and its speaking rules as one precedence problem.

A seed lists the steps of a meeting in order (seed 000 第三条(二): 事前沟通 → 议题表述 → 充分讨论
→ 决议形成 → 如实记录 → 备案存档) and says who speaks when (the portfolio owner first, the
一把手 last).  :func:`order_problem` turns both into named, cited :class:`Constraint` s over
*nodes*: the steps outside the speaking stage, and one statement per speaker inside it (the
stage, :attr:`Procedure.speaking`, is the run of steps in which members state positions; its
steps are replaced by the statements).  Every constraint but ``not_first`` is a set of
edges: :meth:`OrderProblem.graph` is the networkx DAG of those edges (when they admit an
order at all).  :func:`solve_order` asks Z3 for one valid order and counts them, or returns
the *minimal* set of constraints that clash (an unsat core, shrunk until every member is
needed).

The speaking rules come from the rule file (``owner_speaks_first``, ``last_speaker``), never
from a second list; an order Z3 returns is re-checked in plain Python (:meth:`Constraint.holds`)
and by the one semantics (:func:`model.semantics.evaluate` on a meeting in that order: its
``last_speaker`` and ``owner_first`` checks must not fire), and a disagreement is an
:class:`~model.errors.InternalDisagreement`.

Examples
--------
>>> from model.loader import load_institution
>>> from model.meeting import Member
>>> rs = load_institution("alxa_medical_security_bureau").ruleset("leadership", "finance")
>>> board = (Member("sec", "leader"), Member("dep", "deputy", ("finance",)), Member("m", "member"))
>>> p = order_problem(rs, board)
>>> a = solve_order(p)
>>> a.status, a.order, a.count
('sat', ('事前沟通', 'dep', 'm', 'sec', '如实记录', '备案存档'), 1)

When the 一把手 runs the portfolio himself, he must speak first and last: the clash is the
three named clauses, nothing else.

>>> board = (Member("sec", "leader", ("finance",)), Member("dep", "deputy"), Member("m", "member"))
>>> a = solve_order(order_problem(rs, board))
>>> a.status
'unsat'
>>> for c in a.core:
...     print(c)
last_speaker: sec (the leader) states his position after every other speaker [seed 000, 第三条(二)]
owner_speaks_first: sec (runs finance) states his position before every other speaker [seed 000, 第三条(二)]
sec runs finance [board]
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import networkx as nx
import z3

from model.backend import PY
from model.errors import InternalDisagreement, QuorumlabError
from model.limits import limit
from model.meeting import MatterFacts, Meeting, Member, Vote
from model.rules import RuleSet, RuleSpec
from model.semantics import evaluate

__all__ = ["Step", "Procedure", "PROCEDURES", "procedure_for", "Constraint", "OrderProblem",
           "OrderAnswer", "order_problem", "solve_order", "order_readings"]


@dataclass(frozen=True)
class Step:
    """One step of a meeting's procedure, with its clause."""

    name: str
    cite: str


@dataclass(frozen=True)
class Procedure:
    """The steps of an institution's meetings in the order the text gives them.

    ``speaking`` = (first, last): the steps (inclusive) in which the members state their
    positions; in an order they are replaced by the statements.
    """

    institution: str
    body: str
    steps: tuple[Step, ...]
    speaking: tuple[int, int]
    note: str = ""


def _steps(cite: str, names: str, per_step: bool = False) -> tuple[Step, ...]:
    return tuple(Step(name, f"{cite}{k + 1}" if per_step else cite)
                 for k, name in enumerate(names.split()))


PROCEDURES: dict[tuple[str, str], Procedure] = {(p.institution, p.body): p for p in (
    Procedure("alxa_medical_security_bureau", "leadership",
              _steps("seed 000, 第三条(二)", "事前沟通 议题表述 充分讨论 决议形成 如实记录 备案存档"),
              (1, 3), "议题表述: 分管领导…首先发表意见; 决议形成: '一把手'最后发表自己的意见"),
    Procedure("xiuzhou_district", "leadership",
              _steps("seed 002, 模本一 三、", "议题收集 议题初审 会议准备 讨论酝酿 会议表决 会议纪要",
                     per_step=True),
              (3, 3), "讨论酝酿: 会议先由分管领导介绍…每位领导必须发表自己的意见"),
    Procedure("city_medical_security_bureau", "party_group",
              _steps("seed 004, 议事规则 四(四)", "简要说明 汇报 发表意见 归纳讨论情况 表决 宣布表决结果"),
              (2, 3), "党组成员就议题发表意见; 主持人归纳讨论情况, 提出初步意见"),
)}
"""The step lists the seeds give, by (institution, body); other bodies order the
statements only."""


def procedure_for(institution: str, body: str) -> Procedure:
    """The procedure of ``body``: its step list, or no steps at all.

    >>> [s.name for s in procedure_for("xiuzhou_district", "leadership").steps][:2]
    ['议题收集', '议题初审']
    >>> procedure_for("city_medical_security_bureau", "director_office").steps
    ()
    """
    return PROCEDURES.get((institution, body), Procedure(institution, body, (), (0, -1)))


@dataclass(frozen=True)
class Constraint:
    """A named, cited constraint on an order.

    ``edges``: pairs (a, b), "a before b"; all must hold, or (``any_of``) at least one.
    ``given`` is a board fact the constraint rests on (its label), or empty.

    >>> c = Constraint("x", "a first", "c", (("a", "b"), ("a", "c")))
    >>> c.holds(("a", "c", "b")), c.holds(("c", "a", "b"))
    (True, False)
    """

    field: str
    text: str
    cite: str
    edges: tuple[tuple[str, str], ...]
    any_of: bool = False
    given: str = ""

    def holds(self, order: Sequence[str]) -> bool:
        at = {x: k for k, x in enumerate(order)}
        ok = [at[a] < at[b] for a, b in self.edges]
        return any(ok) if self.any_of else all(ok)

    def __str__(self) -> str:
        return f"{self.field}: {self.text} [{self.cite}]" if self.field else \
            f"{self.text} [{self.cite}]"


@dataclass(frozen=True)
class OrderProblem:
    """The nodes of an order (steps and speakers) and every constraint on them."""

    ruleset: RuleSet
    spec: RuleSpec
    choice: Mapping[str, str]
    members: tuple[Member, ...]
    speakers: tuple[str, ...]
    chair: str
    portfolio: str | None
    nodes: tuple[str, ...]
    constraints: tuple[Constraint, ...]
    facts: tuple[Constraint, ...]

    def graph(self) -> nx.DiGraph:
        """The precedence graph: every edge of a constraint that is not an ``any_of``,
        labelled with its constraint (a DAG exactly when those edges admit an order).

        >>> from model.loader import load_institution
        >>> rs = load_institution("alxa_medical_security_bureau").ruleset("leadership", "finance")
        >>> g = order_problem(rs, (Member("a", "leader"), Member("b"))).graph()
        >>> nx.is_directed_acyclic_graph(g), list(nx.topological_sort(g))
        (True, ['事前沟通', 'b', 'a', '如实记录', '备案存档'])
        """
        g = nx.DiGraph()
        g.add_nodes_from(self.nodes)
        for c in self.constraints:
            if not c.any_of:
                for a, b in c.edges:
                    g.add_edge(a, b, field=c.field, cite=c.cite)
        return g

    def valid(self, order: Sequence[str]) -> bool:
        """Every constraint holds (plain Python, the reference for Z3's orders)."""
        return sorted(order) == sorted(self.nodes) and all(c.holds(order)
                                                            for c in self.constraints)


def order_readings(rs: RuleSet) -> list[dict[str, str]]:
    """One choice of readings per distinct speaking rule (``last_speaker``,
    ``owner_speaks_first``) the rule set's open points allow, the default first.

    >>> from model.loader import load_institution
    >>> rs = load_institution("xiuzhou_district").ruleset("leadership", "ordinary")
    >>> [rs.spec(c).last_speaker for c in order_readings(rs)]
    ['leader', 'leader_not_first']
    """
    seen: dict[tuple[str, bool], dict[str, str]] = {}
    for c in rs.choices():
        s = rs.spec(c)
        seen.setdefault((s.last_speaker, s.owner_speaks_first), c)
    return list(seen.values())


def order_problem(rs: RuleSet, members: Sequence[Member], choice: Mapping[str, str] | None = None,
                  *, speakers: Sequence[str] | None = None, chair: str | None = None,
                  portfolio: str | None = None, source: str = "board") -> OrderProblem:
    """The order problem of ``members`` (those in ``speakers``, default all, state a position)
    under ``rs`` with readings ``choice``; ``portfolio`` defaults to the matter's; ``source``
    is cited for who runs the portfolio (the board file).

    >>> from model.loader import load_institution
    >>> rs = load_institution("alxa_medical_security_bureau").ruleset("leadership", "finance")
    >>> order_problem(rs, (Member("a", "leader"),), speakers=("b",))
    Traceback (most recent call last):
    ...
    model.errors.QuorumlabError: field 'speakers': unknown member 'b' (fix: use one of a)
    """
    choice = dict(choice or {})
    spec = rs.spec(choice)
    ids = [m.id for m in members]
    leaders = [m.id for m in members if m.role == "leader"]
    if len(leaders) != 1:
        raise QuorumlabError("members", f"{len(leaders)} members have role 'leader'",
                             fix="mark exactly one member as role = 'leader' (一把手)")
    leader = leaders[0]
    speaking = tuple(speakers) if speakers is not None else tuple(ids)
    if len(set(speaking)) != len(speaking):
        raise QuorumlabError("speakers", "a member speaks twice", fix="list each speaker once")
    for who, field in [*((s, "speakers") for s in speaking), *(((chair, "chair"),) if chair else ())]:
        if who not in ids:
            raise QuorumlabError(field, f"unknown member {who!r}", fix=f"use one of {', '.join(ids)}")
    seat = chair or leader
    if seat not in speaking:
        raise QuorumlabError("chair", f"the chair {seat!r} is absent",
                             fix="name a present member as chair (委托主持)")
    proc = procedure_for(rs.institution, rs.body)
    first, last = proc.speaking
    before = proc.steps[:first] if proc.steps else ()
    after = proc.steps[last + 1:] if proc.steps else ()
    clash = {s.name for s in (*before, *after)} & set(ids)
    if clash:
        raise QuorumlabError("members", f"member id {sorted(clash)[0]!r} is the name of a step",
                             fix="rename the member")
    nodes = (*(s.name for s in before), *speaking, *(s.name for s in after))
    cons: list[Constraint] = []
    for run in (before, after):  # the chair speaks: the statements are never empty
        cons.extend(Constraint("", f"{a.name} before {b.name}", b.cite, ((a.name, b.name),))
                    for a, b in itertools.pairwise(run))
    if before:
        stage = proc.steps[first]
        cons.append(Constraint("", f"{before[-1].name} before the statements ({stage.name})",
                               stage.cite, tuple((before[-1].name, s) for s in speaking)))
    if after:
        cons.append(Constraint("", f"the statements before {after[0].name}", after[0].cite,
                               tuple((s, after[0].name) for s in speaking)))
    pf = portfolio if portfolio is not None else (rs.info.portfolio if rs.info else None)
    owners = [m.id for m in members if pf is not None and pf in m.portfolios and m.id in speaking]
    barred = ""
    if pf is not None and pf in spec.leader_may_not_own:
        barred = f" (the leader may not run it: {rs.citation('leader_may_not_own', choice)})"
    facts = tuple(Constraint("", f"{o} runs {pf}{barred if o == leader else ''}", source, ())
                  for o in owners)

    def others(who: Sequence[str]) -> list[str]:
        return [s for s in speaking if s not in who]

    field_cite = rs.citation("owner_speaks_first", choice)
    if spec.owner_speaks_first:
        for o, fact in zip(owners, facts, strict=True):
            cons.append(Constraint("owner_speaks_first", f"{o} (runs {pf}) states his position "
                                   "before every other speaker", field_cite,
                                   tuple((o, s) for s in others(owners)), given=fact.text))
    last_cite = rs.citation("last_speaker", choice)
    role = {"leader": (leader, "the leader"), "chair": (seat, "the chair"),
            "leader_not_first": (leader, "the leader")}.get(spec.last_speaker)
    if role is not None and role[0] in speaking:
        who, what = role
        if spec.last_speaker == "leader_not_first":
            if others([who]):
                cons.append(Constraint("last_speaker", f"{who} ({what}) does not state his "
                                       "position first", last_cite,
                                       tuple((s, who) for s in others([who])), any_of=True))
        else:
            cons.append(Constraint("last_speaker", f"{who} ({what}) states his position after "
                                   "every other speaker", last_cite,
                                   tuple((s, who) for s in others([who]))))
    return OrderProblem(rs, spec, choice, tuple(members), speaking, seat, pf, nodes, tuple(cons),
                        facts)


@dataclass(frozen=True)
class OrderAnswer:
    """``sat`` with one valid ``order`` and ``count`` orders (``capped``: at least that many),
    ``unsat`` with the minimal clashing constraints ``core``, or ``unknown`` with ``reason``."""

    status: str
    order: tuple[str, ...] = ()
    count: int = 0
    capped: bool = False
    core: tuple[Constraint, ...] = ()
    reason: str = ""


def _encode(p: OrderProblem) -> tuple[dict[str, z3.ArithRef], list[z3.BoolRef],
                                      list[tuple[Constraint, z3.BoolRef]]]:
    pos = {x: z3.Int(f"pos[{x}]") for x in p.nodes}
    base = [z3.And(v >= 0, v < len(pos)) for v in pos.values()]
    if len(pos) > 1:
        base.append(z3.Distinct(*pos.values()))
    facts = {f.text: z3.Bool(f"fact[{f.text}]") for f in p.facts}
    tracked: list[tuple[Constraint, z3.BoolRef]] = [(f, facts[f.text]) for f in p.facts]
    for c in p.constraints:
        terms = [pos[a] < pos[b] for a, b in c.edges]
        body = z3.Or(*terms) if c.any_of else z3.And(*terms)
        tracked.append((c, z3.Implies(facts[c.given], body) if c.given else body))
    return pos, base, tracked


def solve_order(p: OrderProblem, timeout_ms: int = 10_000, count: bool = True) -> OrderAnswer:
    """One valid order and (``count``) how many there are, or the minimal clash."""
    pos, base, tracked = _encode(p)
    s = z3.Solver()
    s.set("timeout", timeout_ms)
    s.add(*base)
    lits = [z3.Bool(f"track[{k}]") for k in range(len(tracked))]
    for lit, (_, term) in zip(lits, tracked, strict=True):
        s.add(z3.Implies(lit, term))
    r = s.check(*lits)
    if r == z3.unknown:
        return OrderAnswer("unknown", reason=f"solver: {s.reason_unknown()} ({timeout_ms} ms)")
    if r == z3.unsat:
        core = [lit for lit in lits if any(lit.eq(c) for c in s.unsat_core())]
        for lit in list(core):  # deletion: keep only what the clash needs
            trial = [c for c in core if not c.eq(lit)]
            r2 = s.check(*trial)
            if r2 == z3.unknown:
                return OrderAnswer("unknown", reason=f"solver: {s.reason_unknown()} while "
                                   "minimising the clash")
            if r2 == z3.unsat:
                core = trial
        picked = [tracked[lits.index(lit)][0] for lit in lits if any(lit.eq(c) for c in core)]
        return OrderAnswer("unsat", core=tuple(sorted(picked, key=str)))
    orders = [_order(p, pos, s.model())]
    cap = limit("order_count") if count else 1
    s.add(*lits)
    exact = False  # every order found (the count is exact), or stopped at the cap / unknown
    while count:
        s.add(z3.Or(*[pos[x] != k for k, x in enumerate(orders[-1])]))
        r = s.check()
        if r != z3.sat or len(orders) == cap:
            exact = r == z3.unsat
            break
        orders.append(_order(p, pos, s.model()))
    return OrderAnswer("sat", orders[0], len(orders) if count else 0, count and not exact)


def _order(p: OrderProblem, pos: Mapping[str, z3.ArithRef], model: z3.ModelRef) -> tuple[str, ...]:
    order = tuple(sorted(p.nodes, key=lambda x: model.eval(pos[x]).as_long()))
    _recheck(p, order)
    return order


def _recheck(p: OrderProblem, order: tuple[str, ...]) -> None:
    """Z3's order against the plain constraints and against the one semantics."""
    if not p.valid(order):
        raise InternalDisagreement(f"Z3's order {order} breaks a constraint")
    meeting = Meeting(p.ruleset.institution, p.ruleset.body,
                      MatterFacts(p.ruleset.matter, portfolio=p.portfolio), p.members,
                      frozenset(p.speakers), votes={s: Vote.YES for s in p.speakers},
                      speaking_order=tuple(x for x in order if x in p.speakers), chair=p.chair)
    checks = evaluate(p.spec, meeting.terms(), PY).checks
    broken = [k for k in ("last_speaker", "owner_first") if checks[k]]
    if broken:
        raise InternalDisagreement(f"Z3's order {order} breaks {broken[0]} in the semantics")
