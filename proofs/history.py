"""Meetings over time: one item across ``k`` meetings, by bounded model checking with Z3.

An item is tabled at meeting 1.  A meeting that passes or rejects it closes it; a meeting
that defers it (暂缓), lacks a quorum, or breaks the procedure (its decision is void) leaves
it pending, and it is brought back at the next meeting.  Each meeting is the one symbolic
meeting of :mod:`proofs.symbolic` (well formed, in the pinned scope of
:class:`~proofs.options.Scope`: nobody involved, no ad-hoc item, nothing unclear, ``m1`` owns
the portfolio, the leader chairs when present, owner first and leader last), decided by the
one semantics through :func:`proofs.encode.encode`; the ``k`` copies are linked only by the
item's status (and whether it was deferred before).

**Two questions.**  ``chair``: the backers (``m1..mb``, a majority) attend every meeting and
vote yes; can the chair (the leader: whether he puts the item to the vote, his own 同意 /
不同意 / 暂缓) with the members who do not back it (absent, or present voting no) keep it from
passing for ``k`` meetings?  ``minority``: the last ``s`` members (fewer than half) stay
away or attend and vote no, every other member attends and votes yes and the chair calls the
vote; for how many meetings can they stall it?  Killing the item (a rejection) counts as
keeping it from passing.

**How often may an item be deferred?**  The texts barely say.  Each question is answered
under every named reading of :func:`defer_limits` (never silently the most permissive):
``unbounded`` (an item may be deferred at every meeting) and ``once`` (after one deferral
it is put to the vote: the split rule and the chair's call no longer defer it; seed 004
议事规则 四(四): 应暂缓作出决定…下次再表决).  What ``once`` cannot remove stays: a quorum
failure, a void meeting, and a chief who decides alone (行政首长负责制) and states no
decision (``chief_undecided``) still hold the item back.

**A rule file amended between meetings** (:class:`Amendment`): which version governs a
pending item is itself open (compare OpenZeppelin's CVE-2022-31198, where a quorum lowered
after the vote revived defeated proposals): ``meeting_day`` (the rules in force at each
meeting) or ``tabling_day`` (the rules in force when the item was tabled).  A closed item
stays closed under both: no meeting is re-decided under later rules.

Every Z3 answer is decoded to its meetings and each is re-decided by
:func:`model.evaluator.decide` under the rules that govern it
(:func:`proofs.counterexample.confirm`); ``unknown`` is its own answer.

Examples
--------
>>> from model.loader import load_institution
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary")
>>> q = StallQuestion(rs, n=5, who="chair")
>>> a = stall(q, meetings=3, limit=defer_limits(rs)[0])
>>> a.status, [w.outcome.label for w in a.meetings], a.forever
('stalled', ['deferred', 'deferred', 'deferred'], True)
>>> a = stall(q, meetings=2, limit=DeferLimit("once", "", ""))
>>> a.status
'passes'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import z3

from model.errors import QuorumlabError
from model.limits import enforce
from model.meeting import Outcome, Vote
from model.rules import RULE_FIELDS, Deferral, RuleSet
from proofs.counterexample import Witness, confirm
from proofs.decode import MeetingLabel, decode
from proofs.encode import encode
from proofs.options import Scope
from proofs.solve import ask
from proofs.symbolic import SymbolicMeeting, symbolic_meeting, well_formed

__all__ = ["DeferLimit", "DEFER_LIMITS", "defer_limits", "Amendment", "GOVERNS",
           "StallQuestion", "StallAnswer", "stall", "longest_stall", "LongestStall",
           "voting_rules", "PENDING"]

PENDING = (Outcome.DEFERRED, Outcome.NO_QUORUM, Outcome.PROCEDURE_VIOLATION)
"""Outcomes after which the item is brought back (a void decision is no decision)."""
GOVERNS = ("meeting_day", "tabling_day")


@dataclass(frozen=True)
class DeferLimit:
    """A reading of how often an item may be deferred: ``unbounded`` or ``once``."""

    name: str
    cite: str
    note: str


_SILENT = "the text is silent on how often an item may be deferred"
DEFER_LIMITS: dict[tuple[str, str], tuple[DeferLimit, ...]] = {
    ("city_medical_security_bureau", "party_group"): (
        DeferLimit("once", "seed 004, 议事规则 四(四)",
                   "应暂缓作出决定, 进一步调查研究、交换意见, 下次再表决: the next meeting votes"),
        DeferLimit("unbounded", "seed 004, 议事规则 四(四)",
                   "下次再表决 read as 'brought back', not 'voted': a split defers it again")),
    ("city_medical_security_bureau", "director_office"): (
        DeferLimit("unbounded", "seed 004, 办公会 六", "可待进一步调查研究后, 另行议定: no limit"),
        DeferLimit("once", "seed 004, 办公会 六", "另行议定 read as: decided at the next meeting")),
    ("taobei_district_government", "*"): (
        DeferLimit("unbounded", "seed 003, 四(二)3",
                   "待进一步酝酿成熟后再提交会议讨论决策: brought back when ripe, no limit"),
        DeferLimit("once", "seed 003, 四(二)3", "再提交会议讨论决策 read as: decided when next "
                   "brought back")),
}
"""The readings where a seed speaks of bringing a deferred item back (the first is the
text's lead); every other body gets :func:`defer_limits`' two readings of its silence."""


def defer_limits(rs: RuleSet) -> tuple[DeferLimit, ...]:
    """The readings of how often ``rs``'s body may defer an item, the text's lead first.

    >>> from model.loader import load_institution
    >>> rs = load_institution("xiuzhou_district").ruleset("leadership", "ordinary")
    >>> [(d.name, d.cite) for d in defer_limits(rs)]
    [('unbounded', 'seed 002, 模本一 三、5'), ('once', 'seed 002, 模本一 三、5')]
    """
    for key in ((rs.institution, rs.body), (rs.institution, "*")):
        if key in DEFER_LIMITS:
            return DEFER_LIMITS[key]
    cite = rs.citation("deferral") or rs.citation("chair_calls_vote")
    return (DeferLimit("unbounded", cite, f"{_SILENT}: no limit read in"),
            DeferLimit("once", cite, f"{_SILENT}: read as one deferral, then a vote"))


def voting_rules(rs: RuleSet, choice: Mapping[str, str]) -> RuleSet:
    """``rs`` under ``choice``, as a rule set without open points, in which neither the split
    rule nor the chair's call defers (the rules of an item's meeting after a deferral under
    the ``once`` reading).

    >>> from model.loader import load_institution
    >>> rs = load_institution("taobei_district_government").ruleset("plenary", "budget")
    >>> s = voting_rules(rs, {}).spec()
    >>> s.deferral.kind, s.chair_calls_vote, s.quorum == rs.spec().quorum
    ('none', False, True)
    """
    spec = rs.spec(dict(choice))
    values = {f: getattr(spec, f) for f in RULE_FIELDS}
    values.update(deferral=Deferral(), chair_calls_vote=False)
    return replace(rs, values=values, points=())


@dataclass(frozen=True)
class Amendment:
    """The rule set as amended, in force from meeting ``start`` (1-based) on."""

    ruleset: RuleSet
    start: int
    choice: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StallQuestion:
    """Who tries to keep the item from passing, on a board of ``n`` (see the module doc).

    ``backers`` (``chair`` only): how many members, ``m1..m{backers}``, back the item
    (default ``n - 1``); ``minority`` (``minority`` only): how many, the last ones, stay
    away (default the largest minority, ``(n - 1) // 2``).
    """

    ruleset: RuleSet
    n: int
    who: str = "chair"
    backers: int | None = None
    minority: int | None = None
    choice: Mapping[str, str] = field(default_factory=dict)
    amendment: Amendment | None = None
    governs: str = "meeting_day"

    def __post_init__(self) -> None:
        n = self.n
        if self.who not in ("chair", "minority"):
            raise QuorumlabError("who", f"unknown question {self.who!r}", fix="use chair or minority")
        if n < 3:  # two members: no majority without the chair, no minority
            raise QuorumlabError("--n", f"a board of {n} has no majority to stall",
                                 fix="use --n 3 or more")
        if self.governs not in GOVERNS:
            raise QuorumlabError("governs", f"unknown reading {self.governs!r}",
                                 fix=f"use one of {', '.join(GOVERNS)}")
        for flag, value, wants in (("--backers", self.backers, "chair"),
                                   ("--minority", self.minority, "minority")):
            if value is not None and self.who != wants:
                raise QuorumlabError(flag, f"{flag} is for --who {wants}",
                                     fix=f"drop {flag}, or ask --who {wants}")
        b = self.n_backers
        if self.who == "chair" and not (2 * b > n and b <= n - 1):
            raise QuorumlabError("--backers", f"{b} of {n} members is not a majority without "
                                 "the chair", fix=f"use {n // 2 + 1} to {n - 1}")
        s = self.n_minority
        if self.who == "minority" and not (1 <= s and 2 * s < n):
            raise QuorumlabError("--minority", f"{s} of {n} members is not a minority",
                                 fix=f"use 1 to {(n - 1) // 2}")
        if self.amendment is not None:
            a = self.amendment.ruleset
            if (a.body, a.matter) != (self.ruleset.body, self.ruleset.matter):
                raise QuorumlabError("--amended", f"the amended rules are for {a.body}/{a.matter}, "
                                     f"not {self.ruleset.body}/{self.ruleset.matter}",
                                     fix="amend the same body and matter")
            if self.amendment.start < 2:
                raise QuorumlabError("--from", f"meeting {self.amendment.start} is not after the "
                                     "tabling", fix="amend from meeting 2 on")

    @property
    def n_backers(self) -> int:
        return self.n - 1 if self.backers is None else self.backers

    @property
    def n_minority(self) -> int:
        return (self.n - 1) // 2 if self.minority is None else self.minority

    def stallers(self) -> tuple[int, ...]:
        """The members (indices) who may stay away or vote no."""
        if self.who == "chair":
            return tuple(range(self.n_backers + 1, self.n))
        return tuple(range(self.n - self.n_minority, self.n))

    def rules(self, meeting: int) -> tuple[RuleSet, Mapping[str, str]]:
        """The rules that govern the item at ``meeting`` (0-based)."""
        a = self.amendment
        if a is not None and self.governs == "meeting_day" and meeting + 1 >= a.start:
            return a.ruleset, a.choice
        return self.ruleset, self.choice


def _conduct(q: StallQuestion, sm: SymbolicMeeting) -> list[Any]:
    """Backers attend and vote yes; stallers stay away or vote no; the chair's levers."""
    out: list[Any] = [z3.Not(z3.Or(*sm.recused))]
    stallers = q.stallers()
    for i in range(q.n):
        if i in stallers:
            out.append(z3.Implies(sm.present[i], sm.vote[i] == int(Vote.NO)))
            out.append(z3.Or(sm.opinion[i] == int(Vote.NONE), sm.opinion[i] == int(Vote.NO)))
        elif i == 0 and q.who == "chair":  # the chair stalls: present, states a position
            out.append(sm.present[0])
            out.append(z3.Or(*[sm.vote[0] == int(v) for v in (Vote.YES, Vote.NO, Vote.DEFER)]))
        else:
            out += [sm.present[i], sm.vote[i] == int(Vote.YES)]
    if q.who == "minority":
        out.append(sm.vote_called)
    return out


@dataclass(frozen=True)
class StallAnswer:
    """``stalled`` (a history of ``k`` meetings, or fewer if the item is rejected, in which it
    does not pass), ``passes`` (it passes within ``k`` meetings whatever the stallers do) or
    ``unknown``.  ``forever``: some meeting of the history leaves the item as it found it, so
    repeating it stalls the item for ever (or the item was rejected)."""

    status: str
    k: int
    limit: DeferLimit
    meetings: tuple[Witness, ...] = ()
    forever: bool = False
    reason: str = ""


def stall(q: StallQuestion, meetings: int, limit: DeferLimit, timeout_ms: int = 20_000
          ) -> StallAnswer:
    """Can ``q``'s stallers keep the item from passing for ``meetings`` meetings?"""
    enforce("history_meetings", meetings, QuorumlabError, "--meetings")
    if meetings < 1:
        raise QuorumlabError("--meetings", f"{meetings} meetings", fix="ask about 1 or more")
    s = z3.Solver()
    pf = q.ruleset.info.portfolio if q.ruleset.info else None
    sms = [symbolic_meeting(q.n, pf, tag=f"@{j}") for j in range(meetings)]
    outcomes: list[Any] = []
    active: list[Any] = [z3.BoolVal(True)]
    for j, sm in enumerate(sms):
        s.add(*[c for _, c in well_formed(sm, Scope(pinned=True))], *_conduct(q, sm))
        if j:
            s.add(sm.emergency == sms[0].emergency)  # the same item
        rs, choice = q.rules(j)
        plain = encode(rs.spec(dict(choice)), sm.terms(), track=False).outcome
        if limit.name == "once" and j:
            voted = encode(voting_rules(rs, choice).spec(), sm.terms(), track=False).outcome
            before = z3.Or(*[o == int(Outcome.DEFERRED) for o in outcomes])
            outcome = z3.If(before, voted, plain)
        else:
            outcome = plain
        outcomes.append(outcome)
        s.add(z3.Implies(active[j], outcome != int(Outcome.PASSED)))
        active.append(z3.And(active[j], outcome != int(Outcome.REJECTED)))
    a = ask(s, [], timeout_ms)
    if a.status == "unknown":
        return StallAnswer("unknown", meetings, limit, reason=a.reason)
    if a.status == "unsat":
        return StallAnswer("passes", meetings, limit)
    return _decode(q, a.model, sms, outcomes, meetings, limit)


def _decode(q: StallQuestion, model: Any, sms: Sequence[SymbolicMeeting], outcomes: list[Any],
            k: int, limit: DeferLimit) -> StallAnswer:
    """The history in the model, each meeting re-decided under the rules that govern it."""
    out: list[Witness] = []
    deferred = False
    states = []
    for j, sm in enumerate(sms):
        rs, choice = q.rules(j)
        voted = limit.name == "once" and deferred
        if voted:
            rs, choice = voting_rules(rs, choice), {}
        label = MeetingLabel(q.ruleset.institution, q.ruleset.body, q.ruleset.matter)
        meeting = decode(model, sm, label)
        claimed = model.eval(outcomes[j], model_completion=True).as_long()
        w = confirm(meeting, rs, choice, claimed, f"meeting {j + 1} of {k}",
                    note="deferred before: the split rule and the chair's call no longer defer"
                    if voted else "")
        out.append(w)
        before = (voted, q.rules(j)[0] is q.ruleset)
        deferred = deferred or w.outcome == Outcome.DEFERRED
        after = (limit.name == "once" and deferred, q.rules(j + 1)[0] is q.ruleset)
        states.append((before, after, w.outcome))
        if w.outcome == Outcome.REJECTED:
            break
        if w.outcome == Outcome.PASSED:
            raise AssertionError("a stalled history cannot pass")  # pragma: no cover
    forever = any(o == Outcome.REJECTED or (b == a and o in PENDING) for b, a, o in states)
    return StallAnswer("stalled", k, limit, tuple(out), forever)


@dataclass(frozen=True)
class LongestStall:
    """The longest stall up to ``bound`` meetings: ``answers[k-1]`` for ``k`` meetings (the
    search stops at the first ``passes``, ``unknown`` or ``forever``)."""

    limit: DeferLimit
    bound: int
    answers: tuple[StallAnswer, ...]

    @property
    def verdict(self) -> str:
        """``forever``, ``at_least`` (stalled at the bound), ``unknown``, or ``passes_by``."""
        last = self.answers[-1]
        if last.status == "stalled":
            return "forever" if last.forever else "at_least"
        return "passes_by" if last.status == "passes" else "unknown"

    @property
    def meetings(self) -> int:
        """Meetings stalled: the last stalled ``k`` (0 if the item passes at once)."""
        return max((a.k for a in self.answers if a.status == "stalled"), default=0)

    @property
    def witness(self) -> StallAnswer | None:
        return next((a for a in reversed(self.answers) if a.status == "stalled"), None)


def longest_stall(q: StallQuestion, bound: int, limit: DeferLimit, timeout_ms: int = 20_000
                  ) -> LongestStall:
    """Ask :func:`stall` for ``k = 1, 2, ...`` up to ``bound`` meetings.

    >>> from model.loader import load_institution
    >>> rs = load_institution("prefecture_medical_security_party_group").ruleset(
    ...     "party_group", "ordinary")
    >>> r = longest_stall(StallQuestion(rs, n=5, who="chair"), 4, DeferLimit("once", "", ""))
    >>> r.verdict, r.meetings
    ('passes_by', 1)
    """
    enforce("history_meetings", bound, QuorumlabError, "--meetings")
    answers: list[StallAnswer] = []
    for k in range(1, bound + 1):
        a = stall(q, k, limit, timeout_ms)
        answers.append(a)
        if a.status != "stalled" or a.forever:
            break
    return LongestStall(limit, bound, tuple(answers))
