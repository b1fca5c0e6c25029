"""The rule semantics, written once for every backend.

:func:`evaluate` maps a :class:`~model.rules.RuleSpec` and a
:class:`~model.meeting.MeetingTerms` to an :class:`Evaluation`: the outcome code,
the tally, and every intermediate check by name.  It uses ``+ - * < <= ==`` directly
(shared by ints, numpy arrays and Z3 terms) and :class:`~model.backend.Backend` for
and/or/not/if-then-else/count/max.  Every check is linear in the board size.  No ``if`` here ever branches on a term; ``if``
branches only on the (static) spec.

Order of decision (each step cites its rule field):

0. nobody present: not a meeting                    -> ``not_held`` (a well-formed meeting,
   as :class:`~model.meeting.Meeting` validates and the proofs assume, never is; a
   simulation that draws attendance can draw one)
1. some quorum requirement not met (every cited clause binds)  -> ``no_quorum``
2. any procedure violation (ad-hoc item, an item whose amount routes it to another body,
   an involved member who did not recuse, a member who did not state a required position,
   speaking order, absent portfolio owner where attendance is required, a chair delegated
   outside the conditions of the text, the leader running a portfolio he may not run)
                                                     -> ``procedure_violation``
3. the chair does not put it to a vote, a major question is unclear, a deferral condition
   holds, the portfolio owner is absent where that defers, or (chief decides) the chief
   does not decide                                   -> ``deferred``
4. every passing requirement is met (or the chief says yes) -> ``passed``, else ``rejected``

An entry of :class:`~model.meeting.MeetingTerms` may stand for a class of identical members
(``weight``, as the exact mode evaluates count cells): the counts weigh it, every other
check reads it as the members it stands for (any of them, all alike, contiguous in order).

Silence is not a vote: a present member whose ``vote`` is ``NONE`` stated no position, is
not in the speaking order, and breaks any rule that requires him to state one.

Examples
--------
>>> from model.backend import PY
>>> from model.loader import load_institution
>>> from model.meeting import Meeting, Outcome
>>> spec = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary").default()
>>> m = Meeting.simple("x", "party_group", "ordinary", n=7, present=5, yes=4, no=1)
>>> Outcome(evaluate(spec, m.terms(), PY).outcome).label
'passed'
>>> m = Meeting.simple("x", "party_group", "ordinary", n=7, present=4, yes=4)
>>> Outcome(evaluate(spec, m.terms(), PY).outcome).label   # 3*4 < 2*7: no quorum
'no_quorum'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from model.backend import Backend
from model.meeting import MeetingTerms, Outcome, Vote
from model.rules import Base, RuleSpec, route_tiers

__all__ = ["Evaluation", "evaluate", "CHECK_FIELDS", "VIOLATIONS", "DEFERRALS"]

# Each named check and the rule field (hence clause) it comes from.
CHECK_FIELDS: dict[str, str] = {
    "quorum_met": "quorum",
    "ad_hoc": "ad_hoc",
    "misrouted": "routes",
    "recusal": "recusal",
    "positions": "positions_required",
    "last_speaker": "last_speaker",
    "owner_first": "owner_speaks_first",
    "owner_absent_violation": "owner_absent",
    "delegated_chair": "chair_delegation",
    "separation_of_duties": "leader_may_not_own",
    "vote_not_called": "chair_calls_vote",
    "chair_withheld": "chair_calls_vote",
    "unclear": "unclear_matter",
    "deferral": "deferral",
    "owner_absent_defer": "owner_absent",
    "chief_undecided": "decision_mode",
    "passes": "passing",
}
VIOLATIONS = ("ad_hoc", "misrouted", "recusal", "positions", "last_speaker", "owner_first",
              "owner_absent_violation", "delegated_chair", "chair_withheld", "separation_of_duties")
DEFERRALS = ("vote_not_called", "unclear", "deferral", "owner_absent_defer", "chief_undecided")


@dataclass(frozen=True)
class Evaluation:
    """The outcome term, the tally terms and every named check term."""

    outcome: Any
    tally: dict[str, Any]
    checks: dict[str, Any]


def _misrouted(spec: RuleSpec, m: MeetingTerms[Any], B: Backend) -> Any:
    """The item's recorded amount sends it elsewhere.  Routes are tried in file order, one
    amount condition (tier) at a time; the first tier whose condition holds names the bodies
    that may decide (several bodies may share a tier).  Misrouted: that tier does not name
    this body, or no tier fits the amount (it puts the item outside its category)."""
    tiers = route_tiers(spec.routes)
    if not tiers:
        return False
    here: Any = False
    for amount, routes in reversed(tiers):
        holds = True if amount is None else amount.holds(m.amount)
        here = B.ite(holds, any(r.body == spec.body for r in routes), here)
    return B.and_(m.amount >= 0, B.not_(here))


def evaluate(spec: RuleSpec, m: MeetingTerms[Any], B: Backend) -> Evaluation:
    """Evaluate one rule spec on one (concrete, vectorised or symbolic) meeting."""
    n = m.n
    members = range(len(m.present))  # n, unless an entry stands for a class (m.weight)
    weights = m.weight or None

    def count(xs: Sequence[Any]) -> Any:
        return B.count(xs, weights)

    speaker = [B.and_(m.present[i], B.not_(m.recused[i])) for i in members]

    def tally(code: Vote) -> Any:
        cast = count([B.and_(speaker[i], m.vote[i] == int(code)) for i in members])
        if spec.absentee_opinions == "counted":
            cast = cast + count([B.and_(B.not_(m.present[i]), m.opinion[i] == int(code))
                                 for i in members])
        return cast

    yes, no, abstain, defer = (tally(v) for v in (Vote.YES, Vote.NO, Vote.ABSTAIN, Vote.DEFER))
    present = count(m.present)
    eligible = count(speaker)
    recused = count(m.recused)
    due = n if spec.recused_in_base else n - recused
    t = {"due": due, "present": present, "eligible": eligible, "yes": yes, "no": no,
         "abstain": abstain, "defer": defer}

    c: dict[str, Any] = {}
    c["quorum_met"] = B.and_(*[r.rule.holds(present, n) for r in spec.quorum])

    # -- procedure violations ------------------------------------------------------
    c["ad_hoc"] = {"allowed": False, "forbidden": m.ad_hoc,
                   "forbidden_except_emergency": B.and_(m.ad_hoc, B.not_(m.emergency))}[spec.ad_hoc]
    c["misrouted"] = _misrouted(spec, m, B)
    c["recusal"] = (B.or_(*[B.and_(m.present[i], m.interested[i], B.not_(m.recused[i]))
                            for i in members]) if spec.recusal == "required" else False)
    # a member states a position or stays silent (vote NONE); only statements are ordered
    stated = [B.and_(speaker[i], B.not_(m.vote[i] == int(Vote.NONE))) for i in members]
    allowed = {"none": None, "any": (Vote.YES, Vote.NO, Vote.ABSTAIN, Vote.DEFER),
               "yes_no_defer": (Vote.YES, Vote.NO, Vote.DEFER)}[spec.positions_required]
    c["positions"] = False if allowed is None else B.or_(*[
        B.and_(speaker[i], B.not_(B.or_(*[m.vote[i] == int(v) for v in allowed])))
        for i in members])

    def order_broken(who: Sequence[Any], after: bool) -> Any:
        """``who`` (one member) is eligible, and is silent or is not the last (``after``) or
        first (not ``after``) to state a position."""
        top = B.max_([B.ite(B.and_(who[i], stated[i]), m.pos[i], -1) for i in members])
        beats = [B.and_(stated[j], B.not_(who[j]), m.pos[j] > top if after else m.pos[j] < top)
                 for j in members]
        return B.and_(B.or_(*[B.and_(who[i], speaker[i]) for i in members]),
                      B.or_(*[B.and_(who[i], speaker[i], B.not_(stated[i])) for i in members],
                            *beats))

    is_leader = [i == m.leader for i in members]
    if spec.last_speaker == "none":
        c["last_speaker"] = False
    elif spec.last_speaker == "leader_not_first":  # may not state his position before all others
        others = B.or_(*[stated[j] for j in members if j != m.leader])
        before = B.or_(*[B.and_(stated[j], m.pos[j] < m.pos[m.leader]) for j in members
                         if j != m.leader])
        c["last_speaker"] = B.and_(stated[m.leader], others, B.not_(before))
    else:
        c["last_speaker"] = order_broken(m.chair if spec.last_speaker == "chair" else is_leader, after=True)
    c["owner_first"] = order_broken(m.owner, after=False) if spec.owner_speaks_first else False
    owner_absent = B.or_(*[B.and_(m.owner[i], B.not_(m.present[i])) for i in members])
    c["owner_absent_violation"] = owner_absent if spec.owner_absent == "violation" else False
    delegated = B.not_(m.chair[m.leader])
    not_deputy = (B.or_(*[B.and_(m.chair[i], B.not_(m.deputy[i])) for i in members
                          if i != m.leader]) if spec.chair_delegation.endswith("to_deputy")
                  else False)
    c["delegated_chair"] = {
        "allowed": False,
        "forbidden": delegated,
        "leader_absent": B.and_(delegated, m.present[m.leader]),
        "to_deputy": not_deputy,
        "leader_absent_to_deputy": B.or_(B.and_(delegated, m.present[m.leader]), not_deputy),
    }[spec.chair_delegation]
    c["separation_of_duties"] = (m.owner[m.leader]
                                 if m.portfolio is not None and m.portfolio in spec.leader_may_not_own
                                 else False)

    # -- deferral --------------------------------------------------------------------
    withheld = B.not_(m.vote_called)
    if spec.chair_calls_vote == "when_split":  # the power has a trigger: 意见分歧较大
        split = B.and_(yes > 0, no + defer > 0)
        c["vote_not_called"] = B.and_(withheld, split)
        c["chair_withheld"] = B.and_(withheld, B.not_(split))
    else:
        c["vote_not_called"] = withheld if spec.chair_calls_vote else False
        c["chair_withheld"] = False
    c["unclear"] = {"no_effect": False, "defer": m.unclear,
                    "defer_except_emergency": B.and_(m.unclear, B.not_(m.emergency))
                    }[spec.unclear_matter]
    d = spec.deferral
    if d.kind == "margin":  # "双方人数接近" / "分歧较大": yes against no + defer, both stated
        other = no + defer
        cond = B.and_(yes > 0, other > 0, yes - other <= d.at_most, other - yes <= d.at_most)
    elif d.kind == "defer_votes" and d.share is not None:
        cond = d.share.holds(defer, present)
    else:
        cond = False
    c["deferral"] = B.and_(cond, B.not_(m.emergency)) if d.emergency_overrides else cond
    c["owner_absent_defer"] = owner_absent if spec.owner_absent == "defer" else False

    # -- decision --------------------------------------------------------------------
    if spec.decision_mode == "chief_decides":
        chief = [B.and_(m.chair[i], speaker[i]) for i in members]
        says_yes = B.or_(*[B.and_(chief[i], m.vote[i] == int(Vote.YES)) for i in members])
        says_no = B.or_(*[B.and_(chief[i], m.vote[i] == int(Vote.NO)) for i in members])
        c["chief_undecided"] = B.not_(B.or_(says_yes, says_no))
        c["passes"] = says_yes
    else:
        c["chief_undecided"] = False
        bases = {Base.DUE: due, Base.PRESENT: present, Base.ELIGIBLE: eligible,
                 Base.DECISIVE: yes + no}
        c["passes"] = (B.and_(*[r.rule.share.holds(yes, bases[r.rule.base]) for r in spec.passing],
                              yes > 0) if spec.passing else False)

    violation = B.or_(*[c[k] for k in VIOLATIONS])
    deferred = B.or_(*[c[k] for k in DEFERRALS])
    outcome = B.ite(present == 0, int(Outcome.NOT_HELD), B.ite(
        B.not_(c["quorum_met"]), int(Outcome.NO_QUORUM),
        B.ite(violation, int(Outcome.PROCEDURE_VIOLATION),
              B.ite(deferred, int(Outcome.DEFERRED),
                    B.ite(c["passes"], int(Outcome.PASSED), int(Outcome.REJECTED))))))
    return Evaluation(outcome, t, c)
