"""The catalogue under the v2 semantics: silence, pairwise readings, unknown stays unknown."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from model.loader import load_institution
from model.rules import OpenPoint, Reading
from proofs.context import Context
from proofs.properties import get_property
from proofs.solve import Answer, Query

PREF = "prefecture_medical_security_party_group"


def _ctx(n: int, **values: Any) -> Context:
    inst = load_institution(PREF)
    rs = inst.ruleset("party_group", "ordinary").with_values(**values)
    return Context(inst, rs, {p.field: p.readings[0].name for p in rs.points}, n)


def test_silence_is_no_dead_zone() -> None:
    """seed 001 第二十一条(四) (每位党组成员逐个明确表达同意、不同意或缓议): a silent member breaks
    the rule, but silence is conduct: with 4 of 5 present (3*4 >= 2*5, quorum met) all four
    may state yes (4 > 5/2, no split to defer), so some conduct always passes."""
    v = get_property("no_dead_zone").check(_ctx(5, positions_required="yes_no_defer",
                                                unclear_matter="no_effect"))
    assert v.status == "holds", v.detail


def test_silent_member_is_decoded_without_vote() -> None:
    """Design section 4: a decoded witness lists exactly the members who stated a position in
    its speaking order (a silent member has neither a vote nor a place), and it replays."""
    v = get_property("min_yes_to_pass").check(_ctx(5, positions_required="none"))
    assert v.status in ("holds", "fails")
    for w in v.witnesses:
        assert set(w.meeting.speakers) == set(w.meeting.votes)


def test_readings_are_compared_pairwise() -> None:
    """Three readings of who may chair (unspecified): leader_absent, forbidden, allowed.  Each
    pair differs (by hand: leader absent and m1 chairs separates the first two; leader
    present and m1 chairs separates the first and third; any delegation the last two), so
    all three pairs are reported, not only the two against the default."""
    inst = load_institution(PREF)
    base = inst.ruleset("party_group", "ordinary")
    point = OpenPoint("chair_delegation", "unspecified", tuple(
        Reading(name, {"chair_delegation": name}, "seed 001, 第十九条")
        for name in ("leader_absent", "forbidden", "allowed")), fields=("chair_delegation",))
    rs = replace(base, points=(point,))
    v = get_property("vague_readings_agree").check(Context(inst, rs, {"chair_delegation":
                                                                      "leader_absent"}, 4))
    assert v.status == "fails"
    assert v.detail.count("chair_delegation:") == 3
    assert "forbidden gives" in v.detail and "allowed gives" in v.detail


def test_min_block_illustration_unknown_stays_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once a coalition is proved to block, the illustration query answers unknown (forced):
    the verdict is unknown, never vacuous or holds."""

    class Flaky(Query):
        def check(self, assumptions: Any = ()) -> Answer:
            if getattr(self, "blocked", False):
                return Answer("unknown", reason="forced for the test")
            a = super().check(assumptions)
            self.blocked = a.status == "unsat"
            return a

    def query(self: Context, cores: bool | None = None) -> Query:
        return Flaky(self.options.timeout_ms, self.options.cores if cores is None else cores)

    monkeypatch.setattr(Context, "query", query)
    for pid in ("min_stay_away_block", "min_no_vote_block"):
        v = get_property(pid).check(_ctx(4))
        assert v.status == "unknown", (pid, v.status)


def test_everybody_absent_is_no_block() -> None:
    """Design section 7: a meeting needs someone present, so 'all members stay away' is no
    meeting and blocks nothing.  With chair delegation allowed and no quorum needed
    (quorum = at least 0), any single present member can hold the meeting: no coalition
    of stay-aways blocks, and the property holds with no value."""
    from model.rules import Requirement
    from model.thresholds import Share

    v = get_property("min_stay_away_block").check(_ctx(
        3, quorum=(Requirement(Share(0, 1, False), "test"),), chair_delegation="allowed",
        passing=(), decision_mode="chief_decides", last_speaker="none",
        positions_required="none", chair_calls_vote=False))
    assert v.status == "holds" and v.value is None, (v.status, v.value, v.detail)


def test_each_pair_of_readings_gets_its_exact_pattern_of_sizes() -> None:
    """seed 004 三重一大 四(二)2: 超过三分之二 (strict) and 三分之二以上 (inclusive) of the members
    due need different yes counts exactly when 2n/3 is whole, i.e. when 3 divides n: at
    n = 3 and 6 of 3..6, not "every n".  Each pair that differs has a meeting at the first
    size of its pattern, on which the two readings decide differently."""
    from model.evaluator import decide
    from proofs.options import CheckOptions
    from proofs.runner import facet_witnesses, run_suite

    rep = run_suite(["city_medical_security_bureau"], CheckOptions(sizes=(3, 4, 5, 6)),
                    ["vague_readings_agree"])
    s = next(s for s in rep.summaries if (s.body, s.matter) == ("party_group", "cadre"))
    facets = dict(s.facets)
    assert facets["sanzhong_passing: two_thirds_strict_of_due vs two_thirds_inclusive_of_due"] \
        == (3, 6)
    assert set(s.failing_sizes) == {n for ns in facets.values() for n in ns}
    for ns, names, ws in facet_witnesses(rep, s):
        assert ws and all(len(w.meeting.members) == ns[0] for w in ws)
        a, b = ws
        assert decide(a.meeting, choice=dict(a.reading)).outcome == a.outcome
        assert decide(b.meeting, choice=dict(b.reading)).outcome == b.outcome
        assert a.outcome != b.outcome and names[0].split(": ")[0] in a.note


def test_a_premise_no_meeting_meets_is_vacuous_never_holds(tmp_path: Path) -> None:
    """With unanimity of the members due (num = den = 1), no item passes while a member states
    no, abstention or deferral: "one more yes never undoes a pass" has no premise."""
    from model.loader import INSTITUTIONS_DIR

    src = (INSTITUTIONS_DIR / f"{PREF}.toml").read_text(encoding="utf-8")
    old = 'passing = { phrase = "超过半数", base = "due"'
    assert src.count(old) == 1
    f = tmp_path / "unanimity.toml"
    f.write_text(src.replace(old, 'passing = { num = 1, den = 1, strict = false, base = "due"'),
                 encoding="utf-8")
    inst = load_institution(str(f))
    v = get_property("monotonic").check(Context.make(inst, "party_group", "ordinary", n=4))
    assert v.status == "vacuous"
    v = get_property("no_chair_veto").check(Context.make(inst, "party_group", "ordinary", n=4))
    assert v.status != "vacuous"  # a unanimous yes passes when the vote is called
    v = get_property("monotonic_all_n").check(Context.make(inst, "party_group", "ordinary", n=3))
    assert v.status == "vacuous"  # no size has such a pass either
    v = get_property("min_yes_to_pass_all_n").check(
        Context.make(inst, "party_group", "ordinary", n=3))
    assert v.status == "holds"  # unanimous passes exist, and each has every member's yes
