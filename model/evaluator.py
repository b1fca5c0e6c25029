"""The reference evaluator: ``decide(rules, meeting) -> Decision``.

Pure Python, the oracle every other backend is tested against.  It runs the one
semantics (:mod:`model.semantics`) with the Python backend under every choice of
readings of the rule set's open points, and explains the outcome with reasons that
cite their clause in English and Chinese.

Examples
--------
>>> from model.meeting import Meeting
>>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
...                    n=7, present=5, yes=4, no=1)
>>> d = decide(m)
>>> d.outcome.label, d.tally.yes, d.tally.due
('passed', 4, 7)
>>> print(d.reasons[-1].en)
yes votes 4 meet more than 1/2 of due (7): at least 4 needed
>>> decide(Meeting.simple("prefecture_medical_security_party_group", "party_group",
...                       "ordinary", n=7, present=7, yes=2, no=5)).outcome.label
'rejected'

Silence is not an abstention: seed 001 第二十一条(四) asks every member to state 同意、不同意
or 暂缓, so one abstention (or one silent member) is a procedure violation.

>>> decide(Meeting.simple("prefecture_medical_security_party_group", "party_group",
...                       "ordinary", n=7, present=5, yes=4)).outcome.label
'procedure_violation'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from model.backend import PY
from model.loader import load_institution
from model.meeting import Meeting, Outcome
from model.rules import Institution, RuleSet, RuleSpec, route_tiers
from model.semantics import CHECK_FIELDS, DEFERRALS, VIOLATIONS, Evaluation, evaluate

__all__ = ["Reason", "Tally", "Decision", "decide", "ruleset_for"]


@dataclass(frozen=True)
class Reason:
    """One step of the decision: the rule field, its clause, and a line in English and Chinese."""

    rule: str
    cite: str
    en: str
    zh: str


@dataclass(frozen=True)
class Tally:
    due: int
    present: int
    eligible: int
    yes: int
    no: int
    abstain: int
    defer: int


@dataclass(frozen=True)
class Decision:
    """The outcome of one meeting under its rules, with tally, reasons and readings."""

    institution: str
    body: str
    matter: str
    outcome: Outcome
    tally: Tally
    reasons: tuple[Reason, ...]
    reading: Mapping[str, str]
    by_reading: tuple[tuple[Mapping[str, str], Outcome], ...]

    @property
    def readings_agree(self) -> bool:
        return len({o for _, o in self.by_reading}) <= 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "institution": self.institution, "body": self.body, "matter": self.matter,
            "outcome": self.outcome.label, "outcome_zh": self.outcome.zh,
            "tally": self.tally.__dict__,
            "reasons": [r.__dict__ for r in self.reasons],
            "reading": dict(self.reading),
            "readings_agree": self.readings_agree,
            "by_reading": [{"reading": dict(c), "outcome": o.label} for c, o in self.by_reading],
        }


def _with_order(meeting: Meeting, spec: RuleSpec) -> Meeting:
    """A meeting whose speaking order was not recorded is given one that complies with the
    speaking rules where any does: portfolio owners first, the last speaker last."""
    if meeting.speaking_order is not None:
        return meeting
    speakers = list(meeting.stated)
    last = {"chair": meeting.chair_id, "leader": meeting.leader_id,
            "leader_not_first": meeting.leader_id}.get(spec.last_speaker)
    owners = [i for i in speakers if spec.owner_speaks_first and meeting.owns(i)]
    tail = [last] if last in speakers and last not in owners else []
    rest = [i for i in speakers if i not in owners and i not in tail]
    return replace(meeting, speaking_order=tuple(owners + rest + tail))


def ruleset_for(meeting: Meeting, rules: Institution | RuleSet | None = None) -> RuleSet:
    """The rule set that governs ``meeting`` (loads the institution it names if needed)."""
    if isinstance(rules, RuleSet):
        return rules
    inst = rules if rules is not None else load_institution(meeting.institution)
    return inst.ruleset(meeting.body, meeting.matter.category)


def decide(meeting: Meeting, rules: Institution | RuleSet | None = None,
           choice: Mapping[str, str] | None = None) -> Decision:
    """Decide ``meeting``.  With ``choice`` only that reading; else every reading, the
    default one giving :attr:`Decision.outcome`."""
    rs = ruleset_for(meeting, rules)
    if meeting.matter.portfolio is None and rs.info is not None and rs.info.portfolio is not None:
        # the matter belongs to its category's portfolio unless the meeting says otherwise
        meeting = replace(meeting, matter=replace(meeting.matter, portfolio=rs.info.portfolio))
    choices = [dict(choice)] if choice is not None else list(rs.choices())
    results = [(c, evaluate(rs.spec(c), _with_order(meeting, rs.spec(c)).terms(), PY))
               for c in choices]
    first_choice, first = results[0]
    spec = rs.spec(first_choice)
    by_reading = tuple((c, Outcome(e.outcome)) for c, e in results)
    reasons = _reasons(rs, spec, first_choice, first, meeting)
    reasons.extend(_disagreements(rs, by_reading))
    return Decision(meeting.institution, meeting.body, meeting.matter.category,
                    Outcome(first.outcome), Tally(**first.tally), tuple(reasons), first_choice,
                    by_reading)


def _disagreements(rs: RuleSet, by_reading: tuple[tuple[Mapping[str, str], Outcome], ...]
                   ) -> list[Reason]:
    """One reason per open point whose readings alone change the outcome (others at default)."""
    if len({o for _, o in by_reading}) <= 1:
        return []
    default = dict(by_reading[0][0])
    out = []
    for p in rs.points:
        per: dict[Outcome, list[str]] = {}
        for choice, outcome in by_reading:
            if all(choice[k] == v for k, v in default.items() if k != p.field):
                per.setdefault(outcome, []).append(choice[p.field])
        if len(per) > 1:
            en = "; ".join(f"{', '.join(names)} -> {o.label}" for o, names in per.items())
            zh = "; ".join(f"{'、'.join(names)} -> {o.zh}" for o, names in per.items())
            out.append(Reason(p.field, rs.citation(p.field, default),
                              f"the readings of this {p.kind} point disagree here: {en}",
                              f"此处不同解读结论不一致: {zh}"))
    if not out:
        out.append(Reason("readings", "", "the readings disagree here only in combination "
                          "(see by_reading)", "不同解读的组合结论不一致"))
    return out


_TEXT: dict[str, tuple[str, str]] = {
    "ad_hoc": ("an ad-hoc item (临时动议) is not allowed here", "不得临时动议"),
    "misrouted": ("the item's amount routes it to another body, or out of this matter category",
                  "按金额该事项应由其他机构决策或不属于该类事项"),
    "positions": ("a present member did not state a position as required", "有到会成员未按要求明确表态"),
    "unclear": ("a major question of the item is still unclear, so it must be deferred",
                "重大问题尚不清楚, 应暂缓决策"),
    "recusal": ("a member involved in the item did not recuse", "涉及本人或亲属的成员未回避"),
    "last_speaker": ("the speaking order breaks the speak-last rule (末位表态)",
                     "未执行末位表态"),
    "owner_first": ("the portfolio owner did not speak first", "分管领导未首先发表意见"),
    "owner_absent_violation": ("the portfolio owner is absent but must attend", "分管领导必须到会而未到会"),
    "separation_of_duties": ("the leader runs a portfolio he may not run directly",
                             "一把手直接分管了不得直接分管的工作"),
    "vote_not_called": ("the chair did not put the item to a vote", "主持人未决定进入表决程序"),
    "chair_withheld": ("the chair withheld the decision although the positions were not split "
                       "(his power to postpone needs 意见分歧较大)", "意见并无分歧, 主持人不得另行议定"),
    "deferral": ("the split is close enough that the item must be deferred", "意见分歧, 应暂缓决定"),
    "owner_absent_defer": ("the portfolio owner is absent, so the item is not decided",
                           "分管成员未出席, 一般不研究决定其分管的重大事项"),
    "chief_undecided": ("the chair stated no decision", "主持人未作出决定"),
    "delegated_chair": ("the chair was delegated outside the conditions of the text (the leader "
                        "present, or to a member it does not allow)", "不符合委托主持的条件"),
}


def _reasons(rs: RuleSet, spec: RuleSpec, choice: Mapping[str, str], ev: Evaluation,
             meeting: Meeting) -> list[Reason]:
    t, c = ev.tally, ev.checks
    out: list[Reason] = []

    def add(check: str, en: str, zh: str) -> None:
        field = CHECK_FIELDS[check]
        out.append(Reason(field, rs.citation(field, choice), en, zh))

    n = meeting.terms().n
    if not spec.quorum:
        add("quorum_met", f"no quorum rule; {t['present']} of {n} present",
            f"无法定人数规定; 到会{t['present']}人")
    for r in spec.quorum:
        need = r.rule.min_count(n)
        ok = r.rule.holds(t["present"], n)
        out.append(Reason("quorum", r.cite,
                          f"quorum {'met' if ok else 'NOT met'}: {t['present']} present of {n} due, "
                          f"{r.rule.describe()} needs {need}",
                          f"到会{t['present']}人, 应到{n}人, {r.rule.describe_zh()}须{need}人: "
                          f"{'达到' if ok else '未达到'}法定人数"))
    out.extend(_kin_reasons(meeting, spec))
    if not c["quorum_met"]:
        return out
    if meeting.speaking_order is None and (spec.last_speaker != "none" or spec.owner_speaks_first):
        out.append(Reason("last_speaker", rs.citation("last_speaker", choice),
                          "speaking order not recorded: an order that follows the speaking rules "
                          "where possible was assumed", "未记录发言顺序: 按发言规则推定"))
    if meeting.written_opinions:
        counted = spec.absentee_opinions == "counted"
        out.append(Reason(
            "absentee_opinions", rs.citation("absentee_opinions", choice),
            f"{len(meeting.written_opinions)} written opinion(s) of absent members "
            f"{'counted as votes' if counted else 'heard but NOT counted as votes'}",
            f"未到会成员书面意见{len(meeting.written_opinions)}份{'计入票数' if counted else '不计入票数'}"))
    if meeting.recused:
        out.append(Reason(
            "recusal", rs.citation("recusal", choice),
            f"{', '.join(sorted(meeting.recused))} recused: no vote; "
            f"{'still' if spec.recused_in_base else 'not'} counted in the 'due' base ({t['due']})",
            f"{'、'.join(sorted(meeting.recused))}回避, 不参加表决; 应到会基数{t['due']}"))
    for k in (*VIOLATIONS, *DEFERRALS):
        if c[k]:
            add(k, *_TEXT[k])
    if meeting.matter.amount is not None and spec.routes:
        out.append(_route_reason(spec, meeting.matter.amount))
    if any(c[k] for k in VIOLATIONS) or any(c[k] for k in DEFERRALS):
        return out
    if spec.decision_mode == "chief_decides":
        add("chief_undecided", "the chair decides after discussion (行政首长负责制): "
            + ("yes" if c["passes"] else "no"), "行政首长负责制: 主持人" +
            ("同意" if c["passes"] else "不同意"))
    else:
        bases = {"due": t["due"], "present": t["present"], "eligible": t["eligible"],
                 "decisive": t["yes"] + t["no"]}
        if not spec.passing:
            add("passes", "no passing rule: nothing passes by vote", "无表决通过规则")
        for r in spec.passing:
            p, base = r.rule, bases[r.rule.base.value]
            need = max(p.share.min_count(base), 1)
            ok = t["yes"] > 0 and p.share.holds(t["yes"], base)
            out.append(Reason("passing", r.cite,
                              f"yes votes {t['yes']} {'meet' if ok else 'do NOT meet'} "
                              f"{p.share.describe()} of {p.base.value} ({base}): at least {need} needed",
                              f"赞成{t['yes']}票, 基数{base}, {p.share.describe_zh()}须{need}票: "
                              f"{'达到' if ok else '未达到'}"))
    return out


def _kin_reasons(meeting: Meeting, spec: RuleSpec) -> list[Reason]:
    """Who must recuse through a family tie (a meeting that refers to an organisation file),
    with the relation path, the clause and the kinship reading; only where the rule file
    requires recusal on this matter."""
    if spec.recusal != "required":
        return []
    out = []
    for r in meeting.kin:
        chain = r.path[0] + "".join(f" -{s}-> {p}" for s, p in zip(r.steps, r.path[1:], strict=True))
        done = ("recused" if r.member in meeting.recused else "absent"
                if r.member not in meeting.present else "did NOT recuse")
        out.append(Reason("recusal", r.cite, f"{r.member} must recuse: {r.person} is his "
                          f"{r.relation} ({r.category}; {chain}); {done} [reading {r.reading}]",
                          f"{r.member}须回避: {r.person}与其为{r.category}关系 ({chain}); "
                          f"{'已回避' if r.member in meeting.recused else '缺席' if r.member not in meeting.present else '未回避'} [解读 {r.reading}]"))
    return out


def _route_reason(spec: RuleSpec, amount: int) -> Reason:
    """Where the item's amount sends it: the first tier of routes whose condition holds."""
    tiers = route_tiers(spec.routes)
    tier = next(((a, rs) for a, rs in tiers if a is None or a.holds(amount)), None)
    if tier is None:
        limits = "; ".join(a.describe() for a, _ in tiers if a is not None)
        return Reason("routes", "; ".join(dict.fromkeys(r.cite for _, rs in tiers for r in rs)),
                      f"amount {amount} yuan fits no route of this matter category ({limits}): "
                      "the item does not belong to it",
                      f"金额{amount}元不符合该类事项的标准, 不属于该类事项")
    first = tier[1][0]
    bodies = sorted({r.body for r in tier[1] if r.body})
    ok = spec.body in bodies
    limit = f" ({first.amount.describe()})" if first.amount else ""
    return Reason("routes", first.cite,
                  f"amount {amount} yuan{limit}: decided by {' or '.join(bodies)}"
                  + ("" if ok else f", NOT by {spec.body!r}"),
                  f"金额{amount}元: 应由{'或'.join(bodies)}决策" + ("" if ok else f", 而非{spec.body}"))
