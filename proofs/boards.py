"""Catalogue properties of an institution's example board: duties, kinship, order, stalls.

Each built-in institution has an example organisation file in
:data:`model.organisation.BOARDS_DIR` (``[organisation] institution = ..., body = ...``;
:func:`~model.organisation.example_organisation`).  The properties here are decided on that
board, once per distinct rule set of its body (they do not depend on the catalogue's board
sizes: ``per_size=False``), and are ``n/a`` elsewhere:

* ``duties_separable``: some assignment of the matter's portfolio (one the leader may not
  run, ``leader_may_not_own``) keeps every separation rule on this board, under every
  reading of who must run it (Z3, :func:`proofs.assignment.exists`; value: the most of
  these portfolios one member may hold, :func:`proofs.assignment.most_concentrated`);
* ``duties_kept``: the board's own assignment breaks no separation rule on that portfolio
  (:func:`model.organisation.violations`);
* ``recusal_cannot_disable``: no set of the board's related outsiders, involved in an item,
  makes so many members recuse that the item cannot pass, under every kinship reading and
  both attendance readings (:func:`model.organisation.smallest_disabling`; value: the fewest
  outsiders that do it);
* ``order_exists``: a valid order of the meeting's steps and statements exists on this
  board, under every reading of the speaking rules (Z3, :func:`model.procedure.solve_order`);
* ``no_chair_stall`` / ``no_minority_stall``: a majority-backed item cannot be kept from
  passing for :data:`MEETINGS` meetings by the chair / by the largest minority staying
  away, on a board of the example's size, under every reading of how often an item may be
  deferred (bounded model checking, :func:`proofs.history.longest_stall`; value: the
  meetings, of the :data:`MEETINGS` followed, the item is kept from passing under the
  text's lead reading).

Every witness is a replayable meeting: a meeting on the board refers to the organisation
file (``organisation = ...``, with the outsiders in ``persons_involved`` and the kinship
reading), a stall is the history's meetings; each is re-decided by the reference
evaluator.  :func:`witness_files` writes them, with the organisation file, into a report's
``counterexamples/`` folder.

Examples
--------
>>> from model.loader import load_institution
>>> from proofs.context import Context
>>> from proofs.properties import get_property
>>> inst = load_institution("alxa_medical_security_bureau")
>>> v = get_property("order_exists").check(Context.make(inst, "leadership", "project", n=3))
>>> v.status, v.witnesses[0].meeting.organisation.endswith("alxa.toml")
('fails', True)
>>> get_property("order_exists").check(Context.make(inst, "leadership", "finance", n=3)).status
'holds'
"""

from __future__ import annotations

import os
import shutil
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import z3

import proofs.catalogue  # noqa: F401  (registered first: the catalogue's order must not
import proofs.parametric  # noqa: F401   depend on which module a caller imports first)
from model.errors import QuorumlabError
from model.kinship import RULES
from model.meeting import MatterFacts, Meeting, Outcome, Vote
from model.organisation import (
    ATTENDANCE,
    Organisation,
    example_organisation,
    separation_rule,
    smallest_disabling,
    violations,
)
from proofs.context import Context
from proofs.counterexample import Witness, confirm
from proofs.properties import Property, register
from proofs.results import Verdict
from proofs.solve import SolverUnknown

__all__ = ["MEETINGS", "BOARD_PROPERTIES", "board_for", "witness_files"]

MEETINGS = 3
"""How many meetings the stall properties follow an item for (bounded model checking)."""

BOARD_SCOPE = "the example board"
STALL_SCOPE = f"{MEETINGS} meetings, a board of the example's size"
BOARD_PROPERTIES = ("duties_separable", "duties_kept", "recusal_cannot_disable", "order_exists",
                    "no_chair_stall", "no_minority_stall")


@cache
def _example(institution: str) -> tuple[str, Organisation] | None:
    found = example_organisation(institution)
    return None if found is None else (str(found[0]), found[1])


def _register(pid: str, title: str, title_zh: str, statement: str, kind: str,
              about: tuple[str, ...], prove: Any, scope: str = BOARD_SCOPE) -> None:
    """Register one example-board property (size-free)."""
    register(Property(pid, title, title_zh, statement, kind, about, prove, per_size=False,
                      scope=scope))


def board_for(ctx: Context) -> tuple[str, Organisation] | None:
    """The example board (path, organisation) that sits on ``ctx``'s rule set: the board's
    own body, or a rule set that body shares (the runner checks identical rule sets once)."""
    found = _example(ctx.institution.id)
    if found is None:
        return None
    body = found[1].body
    if ctx.ruleset.body == body:
        return found
    from proofs.runner import _share_key

    key = _share_key(ctx.institution, ctx.ruleset)
    same = any(b == body and _share_key(ctx.institution, ctx.institution.ruleset(b, m)) == key
               for b, m in ctx.institution.pairs())
    return found if same else None


def _no_board(ctx: Context) -> Verdict:
    return Verdict("n/a", detail=f"no example board sits as {ctx.ruleset.body!r} here",
                   detail_zh="该机构无此议事机构的示例班子")


def _ms(ctx: Context) -> int:
    return ctx.budget.ms(ctx.options.timeout_ms) if ctx.budget else ctx.options.timeout_ms


def _meeting(ctx: Context, path: str, org: Organisation, *, involved: tuple[str, ...] = (),
             gone: frozenset[str] = frozenset(), recused: frozenset[str] = frozenset(),
             kin: tuple[Any, ...] = (), kin_reading: str | None = None,
             order: tuple[str, ...] | None = None) -> Meeting:
    """A meeting of the board on ``ctx``'s matter that refers to its organisation file:
    everyone but ``gone`` present, every present member who has not recused votes yes, the
    leader chairs when present (else the first deputy present)."""
    present = [m.id for m in org.members if m.id not in gone]
    chair = org.leader if org.leader in present else next(
        (m.id for m in org.members if m.role == "deputy" and m.id in present), present[0])
    return Meeting(ctx.label.institution, ctx.ruleset.body,
                   MatterFacts(ctx.ruleset.matter, portfolio=ctx.portfolio,
                               persons_involved=involved),
                   org.members, frozenset(present), recused=recused,
                   votes={m: Vote.YES for m in present if m not in recused},
                   speaking_order=order, chair=chair, organisation=path,
                   people=frozenset(org.outsiders), kin=kin, kin_reading=kin_reading)


def _shown(ctx: Context, meeting: Meeting, note: str) -> Witness:
    """``meeting`` with the outcome the reference evaluator gives it under ``ctx``'s reading."""
    from model.evaluator import decide

    outcome = decide(meeting, ctx.ruleset, dict(ctx.choice)).outcome
    return confirm(meeting, ctx.ruleset, ctx.choice, outcome, "counterexample", note)


# ------------------------------------------------------------------ separation of duties
def _separation(ctx: Context) -> tuple[str, Organisation, Any] | Verdict:
    found = board_for(ctx)
    if found is None:
        return _no_board(ctx)
    try:
        rule = separation_rule(ctx.institution)
    except QuorumlabError:
        return Verdict("n/a", detail="the rules list no portfolio the leader may not run",
                       detail_zh="无不直接分管的规定")
    if ctx.portfolio not in rule.forbidden:
        return Verdict("n/a", detail=f"the leader may run the matter's portfolio "
                       f"({ctx.portfolio or 'none'})", detail_zh="该事项的分管领域不在不直接分管之列")
    return (*found, rule)


def _duties_separable(ctx: Context) -> Verdict:
    from proofs.assignment import exists, most_concentrated

    got = _separation(ctx)
    if isinstance(got, Verdict):
        return got
    path, org, rule = got
    failing, most = [], None
    for reading in rule.readings():
        a = exists(org.members, reading, _ms(ctx))
        if a.status == "unknown":
            raise SolverUnknown(a.reason)
        if a.status == "unsat":
            failing.append((reading.name, a.core))
        elif most is None:
            c = most_concentrated(org.members, reading, _ms(ctx))
            if c.status != "sat":
                raise SolverUnknown(c.reason or "no optimum")
            most = (c.count, c.holder, reading.name)
    if not failing:
        assert most is not None
        return Verdict("holds", value=most[0], core=("leader_may_not_own",),
                       detail=f"on {org.id}, the {len(rule.forbidden)} portfolios the leader may not "
                       f"run can be assigned validly under every reading; one member ({most[1]}) "
                       f"may still hold {most[0]} of them ({most[2]})",
                       detail_zh=f"示例班子可以合规分配不直接分管的工作; 但一人最多可分管其中{most[0]}项")
    text = "; ".join(f"{name}: no valid assignment [{'; '.join(core)}]" for name, core in failing)
    w = _shown(ctx, _meeting(ctx, path, org), f"{failing[0][0]}: the board {org.id} "
               f"({len(org.members)} members) has no valid assignment of "
               f"{', '.join(rule.forbidden)}")
    return Verdict("fails", value=most[0] if most else None, witnesses=(w,),
                   core=("leader_may_not_own",), facets=tuple(n for n, _ in failing),
                   detail=f"on {org.id}, {text}",
                   detail_zh="示例班子无法合规分配不直接分管的工作 (" + "; ".join(
                       n for n, _ in failing) + ")")


_register(
    "duties_separable", "The example board can separate duties", "示例班子可以落实不直接分管",
    "on the institution's example board, the portfolios the leader may not run (四个/五个不直接"
    "分管) can be assigned so that every separation rule holds, under every reading of who must "
    "run them (Z3; fails with the clauses that clash; value: the most of them one member may "
    "still hold)", "exists", ("leader_may_not_own",), _duties_separable)


def _duties_kept(ctx: Context) -> Verdict:
    got = _separation(ctx)
    if isinstance(got, Verdict):
        return got
    path, org, rule = got
    bad = [(reading.name, v) for reading in rule.readings() for v in violations(org.members, reading)
           if ctx.portfolio in v.portfolios]
    if not bad:
        return Verdict("holds", core=("leader_may_not_own",),
                       detail=f"on {org.id}, {ctx.portfolio} is run as every reading requires",
                       detail_zh=f"示例班子对{ctx.portfolio}的分工符合规定")
    facets = tuple(dict.fromkeys(name for name, _ in bad))
    text = "; ".join(dict.fromkeys(v.describe() for _, v in bad))
    w = _shown(ctx, _meeting(ctx, path, org), f"{facets[0]}: on {org.id}, {bad[0][1].describe()}")
    return Verdict("fails", witnesses=(w,), core=("leader_may_not_own",), facets=facets,
                   detail=f"on {org.id}: {text} (readings: {', '.join(facets)})",
                   detail_zh=f"示例班子对{ctx.portfolio}的分工违反不直接分管的规定")


_register(
    "duties_kept", "The example board keeps its duties separate", "示例班子的分工符合不直接分管",
    "the institution's example board assigns the matter's portfolio as the separation rules "
    "require under every reading (the leader does not run it; someone who may run it does; two "
    "portfolios that need two hands are not one member's); fails names each breach and its "
    "clause", "forall", ("leader_may_not_own",), _duties_kept)


# --------------------------------------------------------------------------- kinship
def _recusal_cannot_disable(ctx: Context) -> Verdict:
    found = board_for(ctx)
    if found is None:
        return _no_board(ctx)
    path, org = found
    rule = RULES.get(ctx.institution.id)
    if rule is None or ctx.spec.recusal != "required":
        return Verdict("n/a", detail="no recusal over relatives on this matter",
                       detail_zh="该事项无亲属回避规定")
    if not org.outsiders:
        return Verdict("n/a", detail=f"{org.id} records no related outsiders",
                       detail_zh="示例班子未记录亲属")
    hits = []
    for kr in rule.readings:
        for attendance in ATTENDANCE:
            if ctx.budget is not None:
                ctx.budget.check("recusal search")
            d = smallest_disabling(org, ctx.institution, ctx.ruleset.body, ctx.ruleset.matter,
                                   rule, kr.name, attendance, ctx.choice)
            if d is not None:
                hits.append(d)
    if not hits:
        return Verdict("holds", core=("recusal",),
                       detail=f"on {org.id}, no set of its {len(org.outsiders)} related outsiders "
                       "disables the body, under every kinship and attendance reading",
                       detail_zh="示例班子的任何亲属涉及议题, 都不会使该机构无法通过议题")
    best = min(hits, key=lambda d: len(d.outsiders))
    leave = best.attendance == "recused_leave"
    members = frozenset(r.member for r in best.recusals)
    kin = tuple(best.recusals)
    m = _meeting(ctx, path, org, involved=best.outsiders, gone=members if leave else frozenset(),
                 recused=frozenset() if leave else members, kin=kin,
                 kin_reading=best.kin_reading)
    facet = f"{best.kin_reading}/{best.attendance}"
    w = _shown(ctx, m, f"{facet}: {', '.join(best.outsiders)} involved, so "
               f"{', '.join(sorted(members))} must recuse ({'leaving the meeting' if leave else 'staying'})"
               f"; the item cannot pass ({best.outcome})")
    if w.outcome == Outcome.PASSED:
        raise SolverUnknown("the disabling meeting passes under the meeting's reading")
    facets = tuple(f"{d.kin_reading}/{d.attendance}" for d in hits)
    return Verdict("fails", value=len(best.outsiders), witnesses=(w,), core=("recusal",),
                   facets=facets, detail=f"on {org.id}, {len(best.outsiders)} related outsider(s) "
                   f"({', '.join(best.outsiders)}) make {', '.join(sorted(members))} recuse and "
                   f"the item cannot pass: {best.outcome} [{rule.cite}; readings: "
                   f"{', '.join(facets)}]",
                   detail_zh=f"{len(best.outsiders)}名亲属涉及议题即可使{'、'.join(sorted(members))}"
                   "回避, 议题无法通过")


_register(
    "recusal_cannot_disable", "Related outsiders cannot disable the body",
    "亲属回避不会使机构瘫痪",
    "on the institution's example board, no set of related people who are not members, "
    "involved in an item, makes so many members recuse (本人或亲属 / 近亲属, each kinship reading; "
    "recused members staying or leaving) that the item cannot pass; value: the fewest such "
    "outsiders", "forall", ("recusal",), _recusal_cannot_disable)


# ------------------------------------------------------------------- procedure order
def _order_exists(ctx: Context) -> Verdict:
    from model.procedure import order_problem, order_readings, solve_order

    found = board_for(ctx)
    if found is None:
        return _no_board(ctx)
    path, org = found
    clashes = []
    for choice in order_readings(ctx.ruleset):
        problem = order_problem(ctx.ruleset, org.members, choice, source=Path(path).name)
        try:  # model.procedure calls Z3 itself (model/ does not import proofs.solve.ask)
            a = solve_order(problem, _ms(ctx), count=False)
        except z3.Z3Exception as err:
            msg = err.value.decode(errors="replace") if isinstance(err.value, bytes) else err.value
            raise SolverUnknown(f"solver error: {msg}") from None
        if a.status == "unknown":
            raise SolverUnknown(a.reason)
        if a.status == "unsat":
            clashes.append((choice, a.core))
    if not clashes:
        return Verdict("holds", core=("last_speaker", "owner_speaks_first"),
                       detail=f"on {org.id}, a valid order of the steps and statements exists "
                       "under every reading of the speaking rules",
                       detail_zh="示例班子存在符合规定的议事和发言顺序")
    names = [", ".join(f"{k}={v}" for k, v in c.items()) or "default" for c, _ in clashes]
    choice, core = clashes[0]
    fields = tuple(sorted({c.field for c in core if c.field}))
    m = _meeting(ctx, path, org)
    w = confirm(m, ctx.ruleset, choice, Outcome.PROCEDURE_VIOLATION, "counterexample",
                f"{names[0]}: no order of {org.id}'s statements keeps every rule: "
                + "; ".join(map(str, core)))
    return Verdict("fails", witnesses=(w,), core=fields, facets=tuple(names),
                   detail=f"on {org.id}, no valid order: " + "; ".join(map(str, core)),
                   detail_zh="示例班子不存在符合规定的发言顺序: 规定相互冲突")


_register(
    "order_exists", "A valid speaking order exists", "存在合规的议事发言顺序",
    "on the institution's example board, the steps the text lists and the speaking rules (the "
    "portfolio owner first, the leader last) admit an order, under every reading (Z3; fails with "
    "the minimal set of clauses that clash)", "exists", ("owner_speaks_first", "last_speaker"),
    _order_exists)


# --------------------------------------------------------------------- meetings over time
def _stall(ctx: Context, who: str) -> Verdict:
    from proofs.history import StallQuestion, defer_limits, longest_stall

    found = board_for(ctx)
    if found is None:
        return _no_board(ctx)
    org = found[1]
    n = len(org.members)
    if n < 3:
        return Verdict("n/a", detail=f"a board of {n} has no majority to stall",
                       detail_zh="班子人数过少")
    q = StallQuestion(ctx.ruleset, n, who, choice=ctx.choice)
    runs = []
    for limit in defer_limits(ctx.ruleset):
        r = longest_stall(q, MEETINGS, limit, _ms(ctx))
        if r.verdict == "unknown":
            raise SolverUnknown(r.answers[-1].reason)
        runs.append(r)
    lead = MEETINGS if runs[0].verdict in ("forever", "at_least") else runs[0].meetings
    stalled = [r for r in runs if r.verdict in ("forever", "at_least")]
    whom = ("the chair" if who == "chair" else
            f"a minority of {q.n_minority} staying away or voting no")
    if not stalled:
        return Verdict("holds", value=lead, core=("deferral",),
                       detail=f"on a board of {n}, {whom} cannot keep a majority-backed item from "
                       f"passing: it passes by meeting {max(r.meetings for r in runs) + 1} under "
                       "every reading of how often it may be deferred",
                       detail_zh=f"{'主持人' if who == 'chair' else '少数成员'}无法长期搁置多数支持的议题")
    # a history whose meetings replay as they are under the rule file (a meeting decided
    # under 'once' after a deferral is decided by other rules than its file says) is shown
    replayable = [(x, ws) for x in stalled for ws in [_replayed(ctx, x)] if ws is not None]
    r, ws = replayable[0] if replayable else (stalled[0], ())
    how = "for ever" if r.verdict == "forever" else f"for at least {MEETINGS} meetings"
    facets = tuple(x.limit.name for x in stalled)
    why = {Outcome.NO_QUORUM: "quorum", Outcome.REJECTED: "passing"}
    core = tuple(sorted({why.get(w.outcome, "deferral") for w in ws})) or ("deferral",)
    return Verdict("fails", value=lead, witnesses=ws, core=core, facets=facets,
                   detail=f"on a board of {n}, {whom} keeps a majority-backed item from passing "
                   f"{how} (reading {r.limit.name}: {r.limit.note} [{r.limit.cite}]); stalled under "
                   f"{', '.join(facets)}",
                   detail_zh=f"{'主持人' if who == 'chair' else '少数成员'}可以搁置多数支持的议题"
                   f"{'(无限期)' if r.verdict == 'forever' else ''}")


def _replayed(ctx: Context, run: Any) -> tuple[Witness, ...] | None:
    """The meetings of ``run``'s stalled history, each confirmed under the rule file and
    ``ctx``'s reading, or None if one of them is decided otherwise there."""
    from model.evaluator import decide

    history = run.witness
    out = []
    for w in history.meetings if history else ():
        if decide(w.meeting, ctx.ruleset, dict(ctx.choice)).outcome != w.outcome:
            return None
        out.append(confirm(w.meeting, ctx.ruleset, ctx.choice, w.outcome, w.label,
                           f"{run.limit.name}: {w.label}" + (f"; {w.note}" if w.note else "")))
    return tuple(out) or None


_register(
    "no_chair_stall", "The chair cannot stall a majority-backed item",
    "主持人不能搁置多数支持的议题",
    f"on a board of the example's size, a majority (every member but the chair) backs the item at "
    f"every meeting; the chair (his call of the vote, his own position) cannot keep it from "
    f"passing for {MEETINGS} meetings, under every reading of how often an item may be deferred "
    "(bounded model checking; value: meetings stalled under the text's lead reading)",
    "forall", ("deferral", "chair_calls_vote"), lambda ctx: _stall(ctx, "chair"), STALL_SCOPE)

_register(
    "no_minority_stall", "A minority cannot stall an item by staying away",
    "少数成员不能以缺席搁置议题",
    f"on a board of the example's size, the largest minority (staying away or voting no) cannot "
    f"keep an item the others back from passing for {MEETINGS} meetings, under every reading "
    "of how often an item may be deferred (bounded model checking; value: meetings stalled under "
    "the text's lead reading)", "forall", ("quorum", "deferral"),
    lambda ctx: _stall(ctx, "minority"), STALL_SCOPE)


# ------------------------------------------------------------------------- report files
def witness_files(folder: Path, wid: str, witnesses: tuple[Witness, ...]) -> list[tuple[str, Meeting]]:
    """The counterexample files of a board property's finding: the organisation file copied
    to ``<wid>.board.toml`` (the meetings refer to it) and, for a history of several
    meetings, ``<wid>.meeting-<k>.json`` for each but the last; returns (file name, meeting
    to write) for each meeting, the last as ``<wid>.json``."""
    out = []
    for k, w in enumerate(witnesses):
        m = w.meeting
        if m.organisation is not None:
            board = f"{wid}.board{Path(m.organisation).suffix}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(m.organisation, folder / board)
            m = replace(m, organisation=board)
        if m.institution.endswith(".toml"):
            m = replace(m, institution=os.path.relpath(Path(m.institution).resolve(),
                                                       folder.resolve()))
        last = k == len(witnesses) - 1
        out.append((f"{wid}.json" if last else f"{wid}.meeting-{k + 1}.json", m))
    return out

