"""The built-in property catalogue: one registered check per property class of DOMAIN.md.

Every check builds its question on a symbolic meeting (:mod:`proofs.symbolic`) whose
outcome comes from :func:`model.semantics.evaluate`; every meeting it returns has been
re-decided by the reference evaluator.  Members ``m1..m{n-1}`` are interchangeable in
the full scope (the semantics singles out only the leader, and the roles owner, chair,
deputy and involved person are variables), so "any non-leader member" is checked on
``m1``, and a question that names no other member sorts ``m2..m{n-1}``
(``setup(..., symmetric=True)``); the outer settings of the exists-forall questions sort
``m1..m{n-1}`` (:func:`~proofs.symbolic.setting_symmetry`).  A question that reads the
other members only through counts and roles asks ``ctx.meeting(counted=True)``: from
``count_from`` members on, a counted meeting (:func:`~proofs.symbolic.counted_meeting`)
whose size does not grow with n; the exists-forall questions count the setting apart from
the conduct (:class:`~proofs.conduct.Split`), and absentee_opinions_irrelevant gives its
second meeting a second split of the absent members over the written opinions.

Examples
--------
>>> from model.loader import load_institution
>>> from proofs.context import Context
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> v = get_property("min_yes_to_pass").check(Context.make(inst, "party_group", "ordinary", n=7))
>>> v.status, v.value
('holds', 4)
>>> v = get_property("no_chair_veto").check(Context.make(inst, "party_group", "ordinary", n=7))
>>> v.status, v.witnesses[1].outcome.label
('fails', 'deferred')
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import z3

from model.backend import Z3Backend
from model.errors import InternalDisagreement
from model.meeting import Outcome, Vote
from model.rules import CUMULATIVE
from proofs import oracle as O
from proofs.conduct import Conduct, Split
from proofs.context import Context
from proofs.encode import Encoded, encode, instantiate
from proofs.properties import Property, get_property, register
from proofs.requirements import field_report
from proofs.results import Verdict
from proofs.solve import Answer, Query, SolverUnknown, exists_forall, minimize, optimize
from proofs.symbolic import (
    CONDUCT,
    SPECIALS,
    SymbolicMeeting,
    conduct_ranges,
    setting_symmetry,
    symbolic_meeting,
    symmetry_breaking,
)
from proofs.witness import Irregular, irregular, polish, polish_exists_forall, polishes

__all__ = ["get_property"]

PASSED, REJECTED = int(Outcome.PASSED), int(Outcome.REJECTED)
Z3 = Z3Backend()


def _search(ctx: Context, premise: Callable[[SymbolicMeeting, Encoded], Any] | None,
            goal: Callable[[SymbolicMeeting, Encoded], Any]
            ) -> tuple[str, Answer, Query, SymbolicMeeting, Encoded]:
    """Is ``premise and goal`` satisfiable?  Returns ``sat``, ``unsat`` or ``vacuous`` (the
    premise alone is unsatisfiable); raises :exc:`SolverUnknown` when a query is unanswered."""
    q, sm = ctx.query(), ctx.meeting(counted=True)
    enc = ctx.setup(q, sm, symmetric=True)
    if premise is not None:
        q.track("premise", premise(sm, enc))
    st, a = _goal(q, goal(sm, enc), lambda: irregular(sm, enc))  # sat: the most regular such meeting
    return st, a, q, sm, enc


def _goal(q: Query, goal: Any, features: Callable[[], Irregular] | None = None
          ) -> tuple[str, Answer]:
    """Ask ``goal`` on top of the premise already in ``q``: ``sat``, ``unsat`` or
    ``vacuous`` (the premise alone is unsatisfiable); raises :exc:`SolverUnknown` when a
    query is unanswered, so an unanswered vacuity check is ``unknown``, never ``holds``.
    A ``sat`` model is polished to the fewest irregular ``features`` while the goal still
    holds (:func:`proofs.witness.polish`)."""
    q.push()
    q.track("goal", goal)
    a = q.solve()
    if a.status == "sat" and features is not None:
        a = replace(a, model=polish(q, a.model, features))
    q.pop()
    if a.status == "unsat" and q.solve().status == "unsat":
        return "vacuous", a
    return a.status, a


_VACUOUS_ZH = "前提无法满足: 没有合规的会议满足该性质的前提"


def _bool(x: Any) -> Any:
    return z3.BoolVal(x) if isinstance(x, bool) else x


def _speaks_yes(sm: SymbolicMeeting, i: int) -> Any:
    return z3.And(sm.present[i], z3.Not(sm.recused[i]), sm.vote[i] == int(Vote.YES))


# --------------------------------------------------------------------------- quorum ----------

def _quorum_reachable(ctx: Context) -> Verdict:
    st, a, _, sm, enc = _search(ctx, None, lambda sm, e: e.outcome != int(Outcome.NO_QUORUM))
    if st == "sat":
        w = ctx.witness(a.model, sm, enc, "example", "a meeting that meets the quorum")
        return Verdict("holds", witnesses=(w,), detail="the quorum can be met",
                       detail_zh="可以达到法定人数")
    return Verdict("fails", core=a.core, detail="no meeting of this board meets the quorum",
                   detail_zh="任何会议都达不到法定人数")


register(Property(
    "quorum_reachable", "The quorum can be met", "法定人数可以达到",
    "some meeting of the board meets the quorum", "exists", ("quorum",),
    _quorum_reachable, O.quorum_reachable))


class _ExistsForall:
    """One exists-forall question: is there a setting (the premise, tracked by the caller in
    :attr:`outer`) for which every conduct is ``broken``?  Per member, or counted from
    ``count_from`` members on (:class:`proofs.conduct.Split` says why that asks the same
    question and why its refinements are sound)."""

    def __init__(self, ctx: Context, tag: str) -> None:
        self.ctx, self.tag = ctx, tag
        self.outer, self.sm = ctx.query(), ctx.meeting(counted=True)
        self.enc = ctx.setup(self.outer, self.sm)
        self.split = Split.of(self.sm)
        self.outer.track_all(self.split.link())
        if ctx.symmetric:  # the question names no member: sort the settings of m1..
            self.outer.track_all(("symmetry", c) for _, c in setting_symmetry(self.sm))
        self.rounds = 0

    def obstacles(self) -> list[str]:
        """The violation and deferral checks that read the setting alone
        (:meth:`~proofs.context.Context.setting_only`).  Counted, they are named on a
        per-member meeting of ``SPECIALS + 2`` members: the semantics builds each check by
        the same expression over the members at every board size (it branches on the spec
        only), so a check reads conduct at one size iff at every size, while on a counted
        meeting a class's presence is its weight, which would look like conduct."""
        ctx = self.ctx
        if not self.split.counted:
            return ctx.setting_only(self.enc, self.sm)
        small = symbolic_meeting(SPECIALS + 2, ctx.portfolio, tag="_shape")
        return ctx.setting_only(encode(ctx.spec, small.terms(), track=False), small)

    def solve(self, broken: Callable[[Encoded], Any]) -> Answer:
        """Refine until no setting is left (unsat: every setting has a conduct that is not
        ``broken``) or a setting has none (sat); :exc:`SolverUnknown` otherwise."""
        ctx, sm, split, outer = self.ctx, self.sm, self.split, self.outer
        self.inner = inner = ctx.query(cores=False)
        self.ienc = ctx.setup(inner, sm)
        inner.track_all(split.link())
        goal = z3.Bool(f"goal!{id(inner)}")
        inner.add(z3.Implies(goal, z3.Not(broken(self.ienc))))

        def ask(model: Any) -> Answer:
            inner.push()
            inner.add(*split.fix(model))
            b = inner.check([goal])
            inner.pop()
            return b

        def instance(conduct: Conduct) -> list[tuple[str, Any]]:
            pairs, guard = conduct
            self.rounds += 1
            e = instantiate(self.enc, pairs, tag=f"{self.tag}{self.rounds}", track=outer.cores)
            return [*e.definitions, ("goal", z3.Implies(guard, broken(e)))]

        def refine(model: Any) -> list[tuple[str, Any]]:
            return instance(split.generalise(model))

        self.ask, self.refine = ask, refine
        for conduct in split.candidates(ctx.pinned):
            outer.track_all(instance(conduct))
        return exists_forall(outer, ask, refine)

    def witness(self, model: Any, note: str) -> Any:
        """The witness of a setting found (``model``), with the fewest irregular features
        of setting and conduct together (per member; counted: the setting's, then the
        conduct's).  If polishing runs out of time, the first witness stands."""
        ctx, sm, enc, ienc, inner, split = (self.ctx, self.sm, self.enc, self.ienc, self.inner,
                                            self.split)

        def show(setting: Any) -> Any:
            inner.push()
            inner.add(*split.fix(setting))
            b = inner.solve()
            if b.status == "sat":
                b = replace(b, model=polish(inner, b.model,
                                            lambda: irregular(sm, ienc, setting=False)))
            inner.pop()
            if b.status != "sat":
                raise SolverUnknown("the setting found has no conduct to show (solver "
                                    "inconsistency)")
            return ctx.witness(b.model, sm, ienc, "counterexample", note)

        w = show(model)
        if not polishes():
            return w
        outer = self.outer
        try:
            outer.push()
            try:  # the scope is closed however polishing ends
                if split.counted:
                    objective = split.setting_cost(enc)
                else:  # the setting and its best conduct (a copy of the conduct variables)
                    alt = symbolic_meeting(sm.n, sm.portfolio, tag="_regular")
                    copy = {k: getattr(alt, k) for k in CONDUCT}
                    smc = sm.with_conduct(copy)
                    e = instantiate(enc, _conduct_pairs(sm, copy), track=False)
                    outer.add(*[c for _, c in conduct_ranges(smc)])
                    objective = (irregular(sm, enc, conduct=False)
                                 + irregular(smc, e, setting=False))
                better = polish_exists_forall(outer, inner, self.ask, self.refine, model,
                                              lambda: objective)
            finally:
                outer.pop()
            return w if better is model else show(better)
        except SolverUnknown:
            return w


def _dead_zone(ctx: Context, recusal: bool) -> Verdict:
    """exists a setting (quorum met, no setting-level obstacle) where no conduct passes."""
    ef = _ExistsForall(ctx, "r")
    sm, enc, outer = ef.sm, ef.enc, ef.outer
    obstacles = [_bool(enc.checks[k]) for k in ef.obstacles()]
    premise = [_bool(enc.checks["quorum_met"]), *[z3.Not(t) for t in obstacles]]
    premise.append(z3.Or(*sm.recused) if recusal else z3.Not(z3.Or(*sm.recused)))
    outer.track("premise", z3.And(*premise))
    vacuity = outer.solve()
    if vacuity.status == "unsat":
        return Verdict("vacuous", core=vacuity.core, detail="no such setting exists",
                       detail_zh="不存在满足前提的会议")
    a = ef.solve(lambda e: e.outcome != PASSED)
    what = "recusals" if recusal else "attendance"
    if a.status == "unsat":
        return Verdict("holds", core=a.core,
                       detail=f"whenever the quorum is met ({what} as allowed), some votes pass "
                       "the item", detail_zh="只要达到法定人数, 总有表决结果可以通过")
    w = ef.witness(a.model, "the quorum is met, yet no way of voting passes the item")
    return Verdict("fails", witnesses=(w,), detail=f"a dead zone: quorum met, but with these "
                   f"{what} nothing can pass", detail_zh="法定人数已到, 但任何表决都无法通过")


def _conduct_pairs(sm: SymbolicMeeting, conduct: dict[str, Any]) -> list[tuple[Any, Any]]:
    """(raw variable, value) for each conduct variable ``conduct`` sets (for
    :func:`~proofs.encode.instantiate`: the same as encoding ``sm.with_conduct(conduct)``)."""
    out: list[tuple[Any, Any]] = []
    for k, value in conduct.items():
        var = getattr(sm, k)
        out += zip(var, value, strict=True) if isinstance(var, tuple) else [(var, value)]
    return out


register(Property(
    "no_dead_zone", "Quorum met means something can pass", "达到法定人数即可能通过",
    "whenever the quorum is met, with nobody recused and no obstacle in the setting (ad-hoc "
    "item, absent owner...), some way of voting passes the item", "exists_forall",
    ("quorum", "passing"), lambda ctx: _dead_zone(ctx, recusal=False), O.no_dead_zone))


# ------------------------------------------------------------------------ thresholds --------

def _min_yes(ctx: Context) -> Verdict:
    q, sm = ctx.query(cores=False), ctx.meeting(counted=True)
    enc = ctx.setup(q, sm, symmetric=True)
    yes = enc.tally["yes"]
    cons = [*q.solver.assertions(), enc.outcome == PASSED]
    a, value = minimize(cons, yes, ctx.options.timeout_ms, ctx.budget)
    if a.status == "unsat":
        return Verdict("vacuous", detail="no meeting passes the item", detail_zh="没有可以通过的会议")
    n = ctx.n
    model = a.model
    try:  # the most regular meeting with this many yes votes
        pq = ctx.query(cores=False)
        pq.add(*cons, yes == value)
        model = polish(pq, model, lambda: irregular(sm, enc))
    except SolverUnknown:
        pass
    w = ctx.witness(model, sm, enc, "counterexample" if 2 * (value or 0) <= n else "example",
                    f"passes with {value} yes vote(s) out of {n} members")
    if value is not None and 2 * value > n:
        core: tuple[str, ...] = ()
        if ctx.options.cores:
            st, b, _, _, _ = _search(ctx, lambda sm, e: e.outcome == PASSED,
                                     lambda sm, e: 2 * e.tally["yes"] <= n)
            if st != "unsat":
                raise InternalDisagreement(f"min_yes_to_pass: the optimum {value} is a majority "
                                           f"of {n}, yet the citation query answers {st}")
            core = b.core
        return Verdict("holds", value=value, witnesses=(w,), core=core,
                       detail=f"every passed item has at least {value} yes votes, a majority of "
                       f"all {n} members", detail_zh=f"通过须至少{value}票赞成, 超过全体{n}人半数")
    return Verdict("fails", value=value, witnesses=(w,),
                   detail=f"an item passes with only {value} yes vote(s) of {n} members (a "
                   "minority of the body)", detail_zh=f"仅{value}票赞成即可通过 (少于全体成员半数)")


register(Property(
    "min_yes_to_pass", "Passing needs a majority of the whole body", "通过须全体成员过半数赞成",
    "the fewest yes votes of any passed item (exact, by optimisation) is more than half of "
    "all members", "measure", ("passing", "quorum", "absentee_opinions"), _min_yes, O.min_yes))


def _acts(sm: SymbolicMeeting, i: int, mode: str) -> Any:
    """Entry ``i`` stays away (``mode`` absent) or states no."""
    if mode == "absent":
        return z3.Not(sm.present[i])
    return z3.And(sm.present[i], z3.Not(sm.recused[i]), sm.vote[i] == int(Vote.NO))


def _block_verdict(ctx: Context, mode: str, k: int, names: str, core: tuple[str, ...],
                   w: Any) -> Verdict:
    verb = "staying away" if mode == "absent" else "voting no"
    verb_zh = "缺席" if mode == "absent" else "投反对票"
    return Verdict("fails" if k <= 1 else "holds", value=k, witnesses=(w,), core=core,
                   detail=f"the smallest coalition that blocks every meeting by {verb} has "
                   f"{k} member(s): {names}",
                   detail_zh=f"最少{k}人({names}){verb_zh}即可阻止任何决定通过")


def _min_block_counted(ctx: Context, sm: SymbolicMeeting, mode: str) -> Verdict:
    """The same on a counted meeting.  By symmetry a coalition is the leader or not (``c0``)
    and ``k`` other members; "the coalition acts" is "the leader acts (if in it) and at
    least ``k`` others act".  Whether a passing meeting lets it act is downward closed in
    ``k``, whether the coalition can act at all upward closed; so for each ``c0`` the
    smallest blocking ``k`` is one more than the most others acting in a passing meeting
    (exact, by :func:`~proofs.solve.minimize`), if that many can act; the answer is the
    smaller coalition of the two."""
    n = ctx.n
    base = ctx.query(cores=False)
    enc = ctx.setup(base, sm)
    wf = list(base.solver.assertions())
    others = Z3.count([_acts(sm, i, mode) for i in range(1, sm.n)], sm.weight[1:])
    best: tuple[int, bool, int] | None = None
    for c0 in (False, True):
        lead = [_acts(sm, 0, mode)] if c0 else []
        a, most = minimize([*wf, *lead, enc.outcome == PASSED], (n - 1) - others,
                           ctx.options.timeout_ms, ctx.budget)
        k = 0 if most is None else n - most  # (n - 1) - most others, plus one
        if k > n - 1:
            continue  # every other member acting still lets an item pass
        able = ctx.query(cores=False)
        able.add(*wf, *lead, others >= k)
        if able.solve().status == "unsat":
            continue  # the coalition cannot act at all (nobody present is no meeting)
        if best is None or int(c0) + k < best[0]:
            best = (int(c0) + k, c0, k)
    if best is None:
        return Verdict("holds", detail="no coalition can block every meeting this way",
                       detail_zh="任何联合都无法以此方式阻止通过")
    size, c0, k = best
    q = ctx.query()
    enc = ctx.setup(q, sm)
    q.track("coalition", z3.And(*([_acts(sm, 0, mode)] if c0 else []), others >= k))
    st, b = _goal(q, enc.outcome == PASSED)
    if st != "unsat":
        raise InternalDisagreement(f"{mode} block of {size}: the coalition's query answers {st}")
    if size == 0:
        return Verdict("vacuous", value=0, core=b.core, detail="no meeting passes the item at "
                       "all", detail_zh="没有可以通过的会议")
    illus = q.solve()
    illus = replace(illus, model=polish(q, illus.model, lambda: irregular(sm, enc)))
    w = ctx.witness(illus.model, sm, enc, "counterexample" if size <= 1 else "example",
                    "the coalition acts: the item cannot pass")
    acting = [m.id for m in w.meeting.members if (m.id not in w.meeting.present)
              == (mode == "absent") and (mode == "absent" or w.meeting.votes.get(m.id) == Vote.NO)]
    names = ", ".join((["m0"] if c0 else []) + [i for i in acting if i != "m0"][:k])
    return _block_verdict(ctx, mode, size, names, b.core, w)


def _min_block(ctx: Context, mode: str) -> Verdict:
    """Implicit hitting set: the smallest coalition that blocks every passing meeting."""
    inner, sm = ctx.query(), ctx.meeting(counted=True)
    if sm.weight:
        return _min_block_counted(ctx, sm, mode)
    enc = ctx.setup(inner, sm)
    n = ctx.n
    c = [z3.Bool(f"coalition_{i}") for i in range(n)]
    hitting: list[Any] = []
    if ctx.symmetric:  # m1..m{n-1} are interchangeable: look only at canonical coalitions
        hitting += [z3.Implies(c[i + 1], c[i]) for i in range(1, n - 1)]

    def acts(i: int) -> Any:
        return _acts(sm, i, mode)

    while True:
        a, _ = minimize(hitting, z3.Sum([z3.If(x, 1, 0) for x in c]), ctx.options.timeout_ms,
                        ctx.budget)
        if a.status == "unsat":  # no coalition blocks at all
            return Verdict("holds", detail="no coalition can block every meeting this way",
                           detail_zh="任何联合都无法以此方式阻止通过")
        members = [i for i in range(n) if z3.is_true(a.model.eval(c[i], model_completion=True))]
        inner.push()
        inner.track("coalition", z3.And(*[acts(i) for i in members]) if members else True)
        if ctx.symmetric:  # the coalition m1..mk and the others m{k+1}.. are sorted apart
            k = len([i for i in members if i > 0])
            inner.track_all(("symmetry", t) for _, t in symmetry_breaking(
                sm, [range(1, k + 1), range(k + 1, n)]))
        inner.push()
        inner.track("goal", enc.outcome == PASSED)
        b = inner.solve()
        inner.pop()
        if b.status == "sat":
            acting = [z3.is_true(b.model.eval(acts(i), model_completion=True)) for i in range(n)]
            inner.pop()
            if not ctx.symmetric:
                hit = [i for i in range(n) if not acting[i]]
                hitting.append(z3.Or(*[c[i] for i in hit]) if hit else z3.BoolVal(False))
            else:  # by symmetry no coalition "like" the acting set blocks (count cut)
                k_rest = sum(acting[1:])
                hitting.append(z3.Or(z3.And(c[0], z3.BoolVal(not acting[0])),
                                     z3.Sum([z3.If(x, 1, 0) for x in c[1:]]) > k_rest))
            continue
        core = b.core
        others = [_speaks_yes(sm, i) for i in range(n) if i not in members]
        illus = inner.solve(others)  # the others all say yes, if they can
        if illus.status != "sat" and others:
            others = []
            illus = inner.solve()
        if illus.status == "sat":
            illus = replace(illus, model=polish(inner, illus.model, lambda: irregular(sm, enc), others))
        inner.pop()
        if illus.status == "unsat":  # the coalition cannot act at all (everybody absent is
            # no meeting): it blocks nothing; rule it and its supersets out
            hitting.append(z3.Not(z3.And(*[c[i] for i in members])))
            continue
        k = len(members)
        names = ", ".join(f"m{i}" for i in members) or "nobody"
        verb = "staying away" if mode == "absent" else "voting no"
        if k == 0:
            return Verdict("vacuous", value=0, core=core, detail="no meeting passes the item at all",
                           detail_zh="没有可以通过的会议")
        w = ctx.witness(illus.model, sm, enc, "counterexample" if k <= 1 else "example",
                        f"{names} {verb}: the item cannot pass")
        return _block_verdict(ctx, mode, k, names, core, w)


register(Property(
    "min_stay_away_block", "No single member blocks by staying away", "单人缺席不能阻止决定",
    "the smallest set of members whose absence blocks every passing meeting (exact, by "
    "optimisation) has at least two members", "measure", ("quorum", "owner_absent"),
    lambda ctx: _min_block(ctx, "absent"), O.min_stay_away_block))

register(Property(
    "min_no_vote_block", "No single member blocks by voting no", "单人反对不能阻止决定",
    "the smallest set of members whose no votes block every passing meeting (exact, by "
    "optimisation) has at least two members", "measure", ("passing",),
    lambda ctx: _min_block(ctx, "no"), O.min_no_vote_block))


# ------------------------------------------------------------------ opinions, monotony ------

def _absentee(ctx: Context) -> Verdict:
    """Two meetings that differ only in absent members' written opinions.  Counted (from
    ``count_from`` members), the second meeting has the single members' opinions of its
    own and its own weights on the classes of absent members (one per written opinion),
    as many members in all: the semantics reads absent members' opinions only through
    the tally, so two meetings of the same absent members differ only in how many of them
    write each opinion, and any two such splits of the same number are one pair of
    per-member meetings (the same absent members, each writing the first split's opinion
    in the first meeting and the second's in the second)."""
    q, sm = ctx.query(), ctx.meeting(counted=True)
    enc = ctx.setup(q, sm, symmetric=True)
    k = sm.specials
    o2 = tuple(z3.Int(f"opinion2_{i}") for i in range(k))
    absent = [i for i, (att, _, _, _) in enumerate(sm.classes, k) if att == "absent"]
    w2 = {i: z3.Int(f"weight2_{i}") for i in absent}
    sm2 = sm.with_conduct({"opinion": o2 + sm.opinion[k:],
                           "weight": tuple(w2.get(i, w) for i, w in enumerate(sm.weight))})
    q.track("well-formedness", z3.And(*[z3.And(x >= 0, x <= int(Vote.DEFER)) for x in o2]))
    if absent:
        q.track("well-formedness", z3.And(*[w2[i] >= 0 for i in absent], z3.Sum(
            [w2[i] for i in absent]) == z3.Sum([sm.weight[i] for i in absent])))
    enc2 = ctx.setup(q, sm2, tag="2", wf=False)
    q.track("premise", z3.Or(*[z3.Not(p) for p in sm.present[:k]],
                             *[sm.weight[i] > 0 for i in absent]))
    st, a = _goal(q, enc.outcome != enc2.outcome, lambda: irregular(sm, enc))
    if st == "vacuous":
        return Verdict("vacuous", core=a.core, detail="no meeting has an absent member",
                       detail_zh=_VACUOUS_ZH)
    if a.status == "unsat":
        return Verdict("holds", core=a.core, detail="absent members' written opinions never change "
                       "the outcome", detail_zh="未到会成员的书面意见从不改变结果")
    w1 = ctx.witness(a.model, sm, enc, "counterexample", "with these written opinions")
    w2 = ctx.witness(a.model, sm2, enc2, "counterexample", "the same meeting, other written opinions")
    return Verdict("fails", witnesses=(w1, w2), detail="an absent member's written opinion changes "
                   "the outcome", detail_zh="未到会成员的书面意见改变了结果")


register(Property(
    "absentee_opinions_irrelevant", "Absent members' notes never decide", "书面意见不决定结果",
    "two meetings that differ only in absent members' written opinions have the same outcome",
    "forall", ("absentee_opinions",), _absentee, O.absentee_opinions_irrelevant))


def _monotonic(ctx: Context) -> Verdict:
    """For each member who might switch his stated position to yes (in the full scope: the
    leader and m1, who stand for every member by symmetry), search a pass the switch undoes."""
    q, sm = ctx.query(), ctx.meeting(counted=True)  # m0, m1 and the roles: single members
    enc = ctx.setup(q, sm, symmetric=True)
    n = ctx.n
    core: set[str] = set()
    met = False  # some member's premise (a pass while he states other than yes) can hold
    for who in (range(min(n, 2)) if ctx.symmetric else range(n)):
        v2 = tuple(int(Vote.YES) if i == who else sm.vote[i] for i in range(sm.n))
        sm2 = sm.with_conduct({"vote": v2})
        q.push()
        q.track("premise", z3.And(sm.present[who], z3.Not(sm.recused[who]),
                                  sm.vote[who] != int(Vote.YES), sm.vote[who] != int(Vote.NONE),
                                  enc.outcome == PASSED))
        enc2 = ctx.setup(q, sm2, tag=f"2_{who}", wf=False)
        q.push()
        q.track("goal", enc2.outcome != PASSED)
        a = q.solve()
        if a.status == "sat":
            a = replace(a, model=polish(q, a.model, lambda sm2=sm2, enc2=enc2: irregular(sm, enc)
                                        + irregular(sm2, enc2, setting=False)))
        q.pop()
        st = a.status
        if not met:  # the premise alone: unanswered raises, so it is never read as vacuous
            met = st == "sat" or q.solve().status == "sat"
        q.pop()
        if st != "sat":
            core.update(a.core)
            continue
        w1 = ctx.witness(a.model, sm, enc, "counterexample", "this meeting passes the item")
        w2 = ctx.witness(a.model, sm2, enc2, "counterexample",
                         f"m{who} now votes yes: it no longer passes")
        return Verdict("fails", witnesses=(w1, w2), detail=f"one more yes (m{who}) turns a pass "
                       f"into {w2.outcome.label}", detail_zh=f"多一票赞成反而变为{w2.outcome.zh}")
    if not met:
        return Verdict("vacuous", core=tuple(sorted(core)), detail="no meeting passes the item "
                       "while a member states no, abstention or deferral", detail_zh=_VACUOUS_ZH)
    return Verdict("holds", core=tuple(sorted(core)), detail="one more yes vote never undoes a "
                   "pass", detail_zh="多一票赞成不会使已通过的事项不通过")


register(Property(
    "monotonic", "One more yes never turns a pass into a fail", "多一票赞成不会使通过变为不通过",
    "if a meeting passes the item, it still passes when a member who stated no, abstention or "
    "deferral states yes instead (in the same place of the speaking order; a silent member "
    "who starts to speak would also change the order)", "forall",
    ("passing", "deferral"), _monotonic, O.monotonic))


# ----------------------------------------------------------------------- power ---------------

def _subjects(ctx: Context) -> list[tuple[str, Callable[[SymbolicMeeting], Any],
                                          Callable[[SymbolicMeeting], Any], Any]]:
    """(name, says-yes term, premise, index-or-role) for the leader, members and roles."""
    n = ctx.n
    idx = list(range(min(n, 2))) if ctx.symmetric else list(range(n))
    out: list[tuple[str, Any, Any, Any]] = []
    for i in idx:
        out.append((f"m{i}" + (" (leader)" if i == 0 else ""),
                    lambda sm, i=i: _speaks_yes(sm, i), lambda sm: True, i))
    out.append(("the chair", lambda sm: z3.Or(*[z3.And(sm.chair[i], _speaks_yes(sm, i))
                                                for i in range(sm.n)]), lambda sm: True, "chair"))
    if ctx.portfolio is not None:
        out.append(("the portfolio owner",
                    lambda sm: z3.Or(*[z3.And(sm.owner[i], _speaks_yes(sm, i))
                                       for i in range(sm.n)]),
                    lambda sm: z3.Or(*sm.owner), "owner"))
    return out


def _flip_to_no(ctx: Context, model: Any, sm: SymbolicMeeting, who: Any) -> SymbolicMeeting:
    n = sm.n  # entries

    def is_it(i: int) -> bool:
        if isinstance(who, int):
            return i == who
        return z3.is_true(model.eval(sm.chair[i] if who == "chair" else sm.owner[i],
                                     model_completion=True))

    return sm.with_conduct({"vote": tuple(int(Vote.NO) if is_it(i) else sm.vote[i]
                                          for i in range(n))})


def _power(ctx: Context, dictator: bool) -> Verdict:
    q, sm = ctx.query(), ctx.meeting(counted=True)  # m0, m1 and the roles: single members
    enc = ctx.setup(q, sm, symmetric=True)
    decided = z3.Or(enc.outcome == PASSED, enc.outcome == REJECTED)
    found, examples = [], []
    premise_ok = False
    for name, says_yes, premise, who in _subjects(ctx):
        q.push()
        q.track("premise", z3.And(premise(sm), decided if dictator else enc.outcome == PASSED))
        if dictator:
            goal = z3.Xor(enc.outcome == PASSED, says_yes(sm))
        else:
            goal = z3.Not(says_yes(sm))
        q.push()
        q.track("goal", goal)
        a = q.solve()
        q.pop()
        if a.status == "sat":
            premise_ok = True
            q.pop()
            continue
        shown = [says_yes(sm), enc.outcome == PASSED]
        p = q.solve(shown)
        if p.status == "sat":
            p = replace(p, model=polish(q, p.model, lambda: irregular(sm, enc), shown))
        q.pop()
        if p.status == "unsat":
            continue
        premise_ok = True
        found.append((name, a.core))
        w1 = ctx.witness(p.model, sm, enc, "counterexample", f"{name} votes yes: the item passes")
        sm2 = _flip_to_no(ctx, p.model, sm, who)
        enc2 = encode(ctx.spec, sm2.terms(), track=False, budget=ctx.budget)
        w2 = ctx.witness(p.model, sm2, enc2, "counterexample",
                         f"{name} votes no instead: {'rejected' if dictator else 'not passed'}")
        if w2.outcome == Outcome.PASSED:
            from model.errors import InternalDisagreement

            raise InternalDisagreement(f"{name} was proved decisive but the flipped meeting passes")
        examples += [w1, w2]
    if not premise_ok and not found:
        return Verdict("vacuous", detail="no meeting passes the item", detail_zh="没有可以通过的会议")
    role, role_zh = ("dictator", "独断者") if dictator else ("veto player", "否决者")
    if found:
        names = ", ".join(f for f, _ in found)
        core = tuple(sorted({c for _, cs in found for c in cs}))
        return Verdict("fails", witnesses=tuple(examples[:2]), core=core,
                       detail=f"{names}: a {role} (the outcome follows this vote)"
                       if dictator else f"{names}: a {role} (nothing passes without this yes vote)",
                       detail_zh=f"{names} 是{role_zh}")
    return Verdict("holds", detail=f"no member and no role is a {role}",
                   detail_zh=f"没有成员或角色是{role_zh}")


register(Property(
    "no_dictator", "No dictator", "无独断者",
    "for the leader, any other member, the chair and the portfolio owner: some decided "
    "meeting's outcome goes against that person's vote", "forall", ("decision_mode", "passing"),
    lambda ctx: _power(ctx, dictator=True), O.no_dictator))

register(Property(
    "no_veto_player", "No veto player", "无否决者",
    "for the leader, any other member, the chair and the portfolio owner: some meeting passes "
    "the item without that person's yes vote", "forall", ("passing", "owner_absent"),
    lambda ctx: _power(ctx, dictator=False), O.no_veto_player))


def _chair_veto(ctx: Context) -> Verdict:
    q, sm = ctx.query(), ctx.meeting(counted=True)
    enc = ctx.setup(q, sm, symmetric=True)
    sm2 = sm.with_conduct({"vote_called": False})
    enc2 = ctx.setup(q, sm2, tag="2", wf=False)
    # a lawful block: the item passes when called, and withholding it defers it or rejects it
    # (withholding outside the power's trigger is itself a violation, no lawful veto)
    q.track("premise", z3.And(sm.vote_called, enc.outcome == PASSED))
    st, a = _goal(q, z3.And(enc2.outcome != PASSED,
                            enc2.outcome != int(Outcome.PROCEDURE_VIOLATION)),
                  lambda: irregular(sm, enc) + irregular(sm2, enc2, setting=False))
    if st == "vacuous":
        return Verdict("vacuous", core=a.core, detail="no meeting passes the item when the vote "
                       "is called", detail_zh=_VACUOUS_ZH)
    if a.status == "unsat":
        return Verdict("holds", core=a.core, detail="the chair cannot stop a passing majority by "
                       "not calling the vote", detail_zh="主持人不能以不付表决阻止多数意见")
    w1 = ctx.witness(a.model, sm, enc, "counterexample", "the chair calls the vote: it passes")
    w2 = ctx.witness(a.model, sm2, enc2, "counterexample", "the chair does not call the vote")
    return Verdict("fails", witnesses=(w1, w2), core=(),
                   detail=f"the chair's discretion is a veto in effect: not calling the vote "
                   f"turns a pass into {w2.outcome.label}",
                   detail_zh=f"主持人的裁量相当于否决权: 不付表决使结果变为{w2.outcome.zh}")


register(Property(
    "no_chair_veto", "The chair's discretion is no veto", "主持人裁量不构成否决",
    "no meeting that passes when the chair calls the vote is lawfully deferred or rejected when "
    "he does not (withholding outside the power's trigger is a violation, not a veto)",
    "forall", ("chair_calls_vote",), _chair_veto, O.no_chair_veto))


# --------------------------------------------------------------------- recusal, order --------

def _recusal(ctx: Context) -> Verdict:
    if ctx.spec.recusal != "required":
        return Verdict("n/a", detail="the rules require no recusal", detail_zh="无回避规定")
    return _dead_zone(ctx, recusal=True)


register(Property(
    "recusal_keeps_decidable", "Recusal never makes a decision impossible",
    "回避不会使决定无法作出",
    "whenever the quorum is met and some members have recused, some way of voting still "
    "passes the item", "exists_forall", ("recusal", "recused_in_base", "passing"),
    _recusal, O.recusal_keeps_decidable))


def _speaking_order(ctx: Context) -> Verdict:
    ef = _ExistsForall(ctx, "o")
    enc, outer = ef.enc, ef.outer
    names = [k for k in O.SPEAKING if not isinstance(enc.checks[k], bool)]
    if not names:
        return Verdict("holds", detail="no speaking-order rule applies", detail_zh="无发言顺序规定")
    outer.track("premise", _bool(enc.checks["quorum_met"]))
    vacuity = outer.solve()
    if vacuity.status == "unsat":
        return Verdict("vacuous", core=vacuity.core, detail="no meeting meets the quorum",
                       detail_zh=_VACUOUS_ZH)
    a = ef.solve(lambda e: z3.Or(*[_bool(e.checks[k]) for k in names]))
    if a.status == "unsat":
        return Verdict("holds", core=a.core, detail="every meeting has a speaking order that "
                       "keeps the speaking rules", detail_zh="任何会议都存在符合规定的发言顺序")
    w = ef.witness(a.model, "no order of speakers keeps every speaking rule")
    return Verdict("fails", witnesses=(w,), detail="in this meeting no speaking order keeps "
                   "every speaking rule", detail_zh="此会议不存在符合全部规定的发言顺序")


register(Property(
    "speaking_order_exists", "A valid speaking order always exists", "总存在合规的发言顺序",
    "for every held meeting (who attends, recuses, chairs, owns) the members can state their "
    "positions keeping every speaking rule: each states what is required (silence breaks it) "
    "in an order that keeps the order rules", "exists_forall",
    ("positions_required", "last_speaker", "owner_speaks_first"),
    _speaking_order, O.speaking_order_exists))


# ------------------------------------------------------------------- readings, clauses -------

def _readings(ctx: Context, kinds: tuple[str, ...]) -> Verdict:
    """Compare the readings of each open point of ``kinds`` pairwise (each with each), the
    other points at the checked choice.  Each pair that differs is a facet
    ("field: r1 vs r2") with its own meeting, so the runner gives each pair its exact
    pattern of board sizes."""
    points = [p for p in ctx.ruleset.points if p.kind in kinds]
    if not points:
        return Verdict("n/a", detail="no such open point", detail_zh="无此类待定条款")
    q, sm = ctx.query(), ctx.meeting(counted=True)
    ctx.setup(q, sm, symmetric=True)
    witnesses, lines, lines_zh, facets, core = [], [], [], [], set()
    unanswered: SolverUnknown | None = None
    for p in points:
        for r1, r2 in itertools.combinations([r.name for r in p.readings], 2):
            c1, c2 = {**ctx.choice, p.field: r1}, {**ctx.choice, p.field: r2}
            q.push()
            e1 = ctx.setup(q, sm, spec=ctx.ruleset.spec(c1), tag=f"_{p.field}_{r1}", wf=False)
            e2 = ctx.setup(q, sm, spec=ctx.ruleset.spec(c2), tag=f"_{p.field}_{r2}", wf=False)
            q.track("goal", e1.outcome != e2.outcome)
            try:
                a = q.solve()
                if a.status == "sat":
                    a = replace(a, model=polish(q, a.model, lambda e1=e1, e2=e2: irregular(sm, e1)
                                                + irregular(sm, e2, setting=False)))
            except SolverUnknown as err:  # another pair may still fail, with a witness
                unanswered = err
                continue
            finally:
                q.pop()
            if a.status == "unsat":
                core.update(a.core)
                continue
            facet = f"{p.field}: {r1} vs {r2}"
            w1 = ctx.witness(a.model, sm, e1, "counterexample", f"{facet}: read as {r1}",
                             choice=c1)
            w2 = ctx.witness(a.model, sm, e2, "counterexample", f"{facet}: read as {r2}",
                             choice=c2)
            witnesses += [w1, w2]
            facets.append(facet)
            lines.append(f"{p.field}: {r1} gives {w1.outcome.label}, {r2} gives "
                         f"{w2.outcome.label}")
            lines_zh.append(f"{p.field}: {r1} 为{w1.outcome.zh}, {r2} 为{w2.outcome.zh}")
    if witnesses:
        return Verdict("fails", witnesses=tuple(witnesses), detail="; ".join(lines),
                       detail_zh="; ".join(lines_zh), facets=tuple(facets))
    if unanswered is not None:
        raise unanswered
    return Verdict("holds", core=tuple(sorted(core)),
                   detail=f"the readings of {', '.join(p.field for p in points)} agree on every "
                   "meeting", detail_zh="各种解读在任何会议上结论一致")


register(Property(
    "clauses_agree", "Clauses of one document agree", "同一文件的条款相互一致",
    "wherever two clauses govern the same meeting (open points of kind 'clauses'), they give "
    "the same outcome", "readings", (), lambda ctx: _readings(ctx, ("clauses",)),
    O.clauses_agree))

register(Property(
    "vague_readings_agree", "Vague or silent phrases do not matter", "含糊或未规定之处不影响结论",
    "every named reading of a vague or unspecified phrase gives the same outcome on every "
    "meeting (fails: the readings differ, and here is a meeting where they do)", "readings",
    (), lambda ctx: _readings(ctx, ("vague", "unspecified")), O.vague_readings_agree))


def _requirements(ctx: Context) -> Verdict:
    """Compare the requirements of each cumulative field by their thresholds (no solver)."""
    reports = [field_report(f, reqs, ctx.n, ctx.spec.recused_in_base)
               for f in CUMULATIVE for reqs in [getattr(ctx.spec, f)] if len(reqs) > 1]
    if not reports:
        return Verdict("n/a", detail="no field has more than one requirement",
                       detail_zh="无多项并存的要求")
    differ = [r for r in reports if not r.agree]
    if not differ:
        return Verdict("holds", detail="; ".join(f"{r.field}: the requirements agree at n={ctx.n}"
                                                 for r in reports),
                       detail_zh="各项并存要求在此人数下结论一致")
    return Verdict("fails", detail=" | ".join(r.describe() for r in differ),
                   detail_zh=" | ".join(
                       f"{r.field}: 起决定作用的是 {', '.join(x.cite for x in r.decisive)}; 多余的是 "
                       f"{', '.join(x.cite for x in r.redundant) or '无'}" for r in differ))


register(Property(
    "requirements_agree", "Requirements that bind together agree", "并存的要求相互一致",
    "the requirements of each cumulative field (quorum, passing: every cited clause binds) need "
    "the same at this board size; fails names the decisive and the redundant requirements and "
    "the board sizes at which they differ", "requirements", CUMULATIVE, _requirements))


# ------------------------------------------------------------------- completeness ------------

def _completeness(ctx: Context) -> Verdict:
    from model.semantics import CHECK_FIELDS, DEFERRALS, VIOLATIONS

    q, sm = ctx.query(), ctx.meeting(counted=True)
    enc = ctx.setup(q, sm, symmetric=True)
    c = enc.checks

    def t(x: Any) -> Any:
        return z3.BoolVal(x) if isinstance(x, bool) else x

    quorum = t(c["quorum_met"])
    no_viol = z3.Not(z3.Or(*[t(c[k]) for k in VIOLATIONS]))
    no_def = z3.Not(z3.Or(*[t(c[k]) for k in DEFERRALS]))
    steps: list[tuple[str, Any]] = []
    if not isinstance(c["quorum_met"], bool):
        steps.append(("quorum_met", z3.Not(quorum)))
    for k in VIOLATIONS:
        if not isinstance(c[k], bool):
            steps.append((k, z3.And(quorum, t(c[k]))))
    for k in DEFERRALS:
        if not isinstance(c[k], bool):
            steps.append((k, z3.And(quorum, no_viol, t(c[k]))))
    steps.append(("passes", z3.And(quorum, no_viol, no_def, t(c["passes"]))))
    steps.append(("rejects", z3.And(quorum, no_viol, no_def, z3.Not(t(c["passes"])))))
    dead, core = [], set()
    for name, cond in steps:
        q.push()
        q.track("goal", cond)
        a = q.solve()
        q.pop()
        if a.status == "unsat":
            dead.append(name)
            core.update(a.core)
    live = len(steps) - len(dead)  # the value: rule steps that decide some meeting
    if dead:
        fields = sorted({CHECK_FIELDS.get(d, "passing") for d in dead})
        return Verdict("fails", value=live, core=tuple(sorted(core)),
                       detail=f"dead rule step(s) {', '.join(dead)} (fields {', '.join(fields)}): "
                       "no meeting ever reaches them", detail_zh=f"规则步骤{', '.join(dead)}永远不起作用")
    return Verdict("holds", value=live, detail=f"every meeting gets exactly one outcome, and "
                   f"each of the {live} rule steps decides some meeting (both passing and "
                   "rejecting are possible)",
                   detail_zh="每次会议恰有一个结论, 且每个规则步骤都会起作用")


register(Property(
    "complete", "Rules are complete and have no dead step", "规则完备且无失效条款",
    "every meeting gets exactly one outcome (true of the semantics by construction) and every "
    "rule step is reached by some meeting: the quorum can fail, each violation and deferral "
    "rule can fire, items can pass and can be rejected (value: the number of rule steps that "
    "decide some meeting, so adding or removing a rule changes it)", "forall", (), _completeness,
    O.complete))


# ------------------------------------------------------------- separation, money -------------

def _separation(ctx: Context) -> Verdict:
    if ctx.portfolio is None:
        return Verdict("n/a", detail="the matter has no portfolio", detail_zh="该事项无分管领域")
    st, a, _, sm, enc = _search(ctx, lambda sm, e: sm.owner[0],
                                lambda sm, e: e.outcome == PASSED)
    if st == "vacuous":
        return Verdict("vacuous", detail="the leader never owns the portfolio here",
                       detail_zh="一把手不分管此领域")
    if st == "unsat":
        return Verdict("holds", core=a.core, detail=f"no item of the {ctx.portfolio!r} portfolio "
                       "passes while the leader runs it directly",
                       detail_zh="一把手直接分管时该事项不能通过")
    w = ctx.witness(a.model, sm, enc, "counterexample",
                    f"the leader m0 runs {ctx.portfolio!r} and the item passes")
    return Verdict("fails", witnesses=(w,), detail=f"the leader may directly run the "
                   f"{ctx.portfolio!r} portfolio and pass its items",
                   detail_zh="一把手可直接分管该领域并通过其事项")


register(Property(
    "separation_of_duties", "The leader does not run this portfolio directly",
    "一把手不直接分管此项工作",
    "no item of the matter's portfolio passes while the leader himself runs that portfolio "
    "(四个/五个不直接分管)", "forall", ("leader_may_not_own",), _separation,
    O.separation_of_duties))


def _split(ctx: Context) -> Verdict:
    bound = ctx.matter.amount
    if bound is None:
        return Verdict("n/a", detail="the matter has no money limit", detail_zh="该事项无金额标准")
    x1, x2 = z3.Ints("part_1 part_2")
    cons = [x1 >= 1, x2 >= 1, bound.holds(x1 + x2), z3.Not(bound.holds(x1)),
            z3.Not(bound.holds(x2))]
    a, total = optimize(cons, x1 + x2, ctx.options.timeout_ms, ctx.budget)
    if a.status == "unsat":
        return Verdict("holds", detail=f"no split of an amount {bound.describe()} brings every part "
                       "outside the limit", detail_zh=f"拆分无法规避{bound.describe_zh()}的标准")
    p1 = a.model.eval(x1).as_long()
    p2 = a.model.eval(x2).as_long()
    witnesses = _split_meetings(ctx, p1) if ctx.n else ()
    return Verdict("fails", value=total, witnesses=witnesses,
                   detail=f"{total} meets the limit {bound.describe()} ({ctx.matter.amount_cite}) but "
                   f"split as {p1} + {p2} no part does: splitting avoids the collective decision",
                   detail_zh=f"{total}元达到{bound.describe_zh()}, 拆分为{p1}+{p2}后均未达到: "
                   "拆分可规避集体决策")


def _split_meetings(ctx: Context, part: int) -> tuple[Any, ...]:
    """A meeting of this body on one part: its record shows the part below the limit (the
    routes send such an item elsewhere, so here it is misrouted).  It only illustrates a
    failure already shown: unanswered, there is no meeting and the failure stands."""
    try:
        st, a, _, sm, enc = _search(ctx, None, lambda sm, e: sm.amount == part)
    except SolverUnknown:
        return ()
    if st != "sat":
        return ()
    return (ctx.witness(a.model, sm, enc, "counterexample",
                        f"one part: {part} (below the limit)"),)


register(Property(
    "no_split_evasion", "Splitting an amount never avoids its limit", "拆分金额不能规避标准",
    "no amount that meets the matter's money limit splits into two parts that each miss it "
    "(fails with the smallest such amount, by optimisation)", "matter", (), _split,
    O.no_split_evasion, per_size=False))
