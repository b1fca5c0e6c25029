"""seed 000: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py).

Default readings of the rule file (each open point's first): positions_required =
every_member_states, chair_delegation = leader_absent, quorum = half (半数以上), passing =
majority_of_due (超过应到半数), absentee_opinions = not_counted, recusal = required.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from meeting_kit import (
    LS,
    NQ,
    PV,
    P,
    R,
    all_outcomes,
    has_reason,
    leader_positions,
    mk,
    outcomes,
    run,
)

from model.io import load_meeting
from model.meeting import Vote

EXAMPLES = Path(__file__).resolve().parents[1] / "model" / "examples"

# =====================================================================================
# seed 000: Alxa League Medical Security Bureau (末位发言)
# =====================================================================================


def test_000_s3_leader_may_not_speak_first_or_mid(inst_alxa) -> None:
    """第三条: 末位表态, 不得首先表态; 第三条(二) 决议形成: '一把手'最后发表自己的意见."""
    assert leader_positions(inst_alxa, LS, "incident") == [{PV}, {PV}, {P}]


def test_000_s3_2_portfolio_owner_speaks_first(inst_alxa) -> None:
    """第三条(二) 议题表述: 分管领导在会议研究时首先发表意见."""
    kw = dict(n=5, yes=5, portfolios={"m2": ("finance",)}, portfolio="finance")
    late = mk(inst_alxa, LS, "finance", order=["m1", "m2", "m3", "m4", "L"], **kw)
    assert all_outcomes(run(inst_alxa, late)) == {PV}
    first = mk(inst_alxa, LS, "finance", order=["m2", "m1", "m3", "m4", "L"], **kw)
    assert all_outcomes(run(inst_alxa, first)) == {P}


def test_000_s3_2_owner_absent_no_attendance_rule(inst_alxa) -> None:
    """第三条(二) has the owner speak first but no clause makes his attendance a condition.

    5 members, m2 (finance) away, 4 yes: half quorum 2*4 >= 5; due 2*4 > 5; present 2*4 > 4;
    yes 4 > no 0: passed under every reading.
    """
    m = mk(inst_alxa, LS, "finance", n=5, absent=["m2"], yes=4, portfolios={"m2": ("finance",)},
           portfolio="finance")
    assert all_outcomes(run(inst_alxa, m)) == {P}


@pytest.mark.parametrize("order", [["L", "m1", "m2"], ["m1", "m2", "L"], ["m1", "L", "m2"]])
def test_000_s3_leader_owning_the_portfolio_cannot_comply(inst_alxa, order) -> None:
    """第三条 (leader last) vs 第三条(二) (owner first): if the leader owns the portfolio,
    every order with another speaker breaks one of them (seed 000 has no 不直接分管 list).
    The rule file keeps both rules and records the collision in [known_findings]."""
    m = mk(inst_alxa, LS, "cadre", n=3, yes=3, order=order, portfolios={"L": ("personnel",)},
           portfolio="personnel")
    assert all_outcomes(run(inst_alxa, m)) == {PV}


def test_000_leader_portfolio_collision_is_a_known_finding(inst_alxa) -> None:
    """第三条 vs 第三条(二): the rule file flags the collision for the matters with a portfolio."""
    for matter in ("cadre", "finance", "project"):
        assert inst_alxa.known_findings[f"speaking_order_exists@leadership/{matter}"] == "fails"


@pytest.mark.parametrize("category", ["incident", "cadre"])
@pytest.mark.parametrize("emergency", [True, False])
def test_000_s3_2_no_ad_hoc_items_even_in_emergency(inst_alxa, category, emergency) -> None:
    """第三条(二) 事前沟通: 不得临时动议, with no emergency exception, even for a 第四条(四)
    重大事故 item (the known finding: such items arise without notice)."""
    m = mk(inst_alxa, LS, category, n=5, yes=5, ad_hoc=True, emergency=emergency)
    d = run(inst_alxa, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "ad_hoc", "第三条(二)")


def test_000_s5_majority_readings(inst_alxa) -> None:
    """第五条 少数服从多数: majority of what?

    7 members, 4 present: L, m1 yes; m2 no; m3 abstains (speaks, no clear position).
    Half quorum: 2*4 >= 7.  Due: 2*2 = 4 is not > 7; present: 4 is not > 4; yes > no: 2 > 1.
    """
    m = mk(inst_alxa, LS, "incident", n=7, absent=["m4", "m5", "m6"], yes=["L", "m1"], no=["m2"])
    d = run(inst_alxa, m)
    assert d.outcome == R
    assert outcomes(d, passing="majority_of_due") == {R}
    assert outcomes(d, passing="majority_of_present") == {R}
    assert outcomes(d, passing="more_yes_than_no") == {P}


@pytest.mark.parametrize(("yes", "no", "due", "present"), [
    (["L", "m1", "m2"], ["m3", "m4"], R, P),   # 3 of 7 due: 6 > 7 no; 3 of 5 present: 6 > 5
    (["L", "m1", "m2", "m3"], ["m4"], P, P),   # 4 of 7 due: 8 > 7
])
def test_000_s5_due_base_boundary(inst_alxa, yes, no, due, present) -> None:
    """第五条 少数服从多数 on the due base (the default: the 班子 as one body) vs present.

    7 members, 5 present (half quorum 10 >= 7); yes > no holds in both meetings.
    """
    m = mk(inst_alxa, LS, "incident", n=7, absent=["m5", "m6"], yes=yes, no=no)
    d = run(inst_alxa, m)
    assert d.outcome == due
    assert outcomes(d, passing="majority_of_due") == {due}
    assert outcomes(d, passing="majority_of_present") == {present}
    assert outcomes(d, passing="more_yes_than_no") == {P}


def test_000_s3_quorum_unspecified_readings(inst_alxa) -> None:
    """第三条 requires a 班子会议 but states no quorum: 3 of 7 present (all yes).

    Half (default): 2*3 = 6 < 7, no quorum.  No rule: held; due 6 > 7 fails (rejected),
    present 6 > 3 passes.
    """
    m = mk(inst_alxa, LS, "incident", n=7, absent=["m3", "m4", "m5", "m6"], yes=3)
    d = run(inst_alxa, m)
    assert d.outcome == NQ
    assert outcomes(d, quorum="half") == {NQ}
    assert outcomes(d, quorum="no_quorum_rule", passing="majority_of_due") == {R}
    assert outcomes(d, quorum="no_quorum_rule", passing="majority_of_present") == {P}


def test_000_s3_half_quorum_meets_but_due_majority_cannot(inst_alxa) -> None:
    """第三条 (quorum, default 半数以上) with 第五条 (default majority of due): 3 of 6 present
    hold the meeting (2*3 >= 6) but 3 yes are not more than half of 6 due."""
    m = mk(inst_alxa, LS, "incident", n=6, absent=["m3", "m4", "m5"], yes=3)
    d = run(inst_alxa, m)
    assert d.outcome == R
    assert outcomes(d, quorum="half", passing="majority_of_present") == {P}


def test_000_s3_absentee_opinion_readings(inst_alxa) -> None:
    """The seed is silent on absentees (default: not counted, 第三条(一) 会议决定).

    5 members, 3 present: L yes, m1, m2 no; m3, m4 write 'yes'.  Not counted: 1 yes fails
    every base.  Counted: 3 yes : 2 no, due 6 > 5, present 6 > 3, 3 > 2: passed.
    """
    m = mk(inst_alxa, LS, "incident", n=5, absent=["m3", "m4"], yes=["L"], no=["m1", "m2"],
           opinions={"m3": Vote.YES, "m4": Vote.YES})
    d = run(inst_alxa, m)
    assert d.outcome == R
    assert outcomes(d, absentee_opinions="not_counted") == {R}
    assert outcomes(d, absentee_opinions="counted") == {P}


def test_000_s3_recusal_unspecified_readings(inst_alxa) -> None:
    """No recusal clause (default 'required', by 第一条 防止决策腐败): an involved member who
    stays is a violation only under that reading."""
    m = mk(inst_alxa, LS, "cadre", n=5, yes=5, persons_involved=("m2",))
    d = run(inst_alxa, m)
    assert d.outcome == PV
    assert outcomes(d, recusal="none") == {P}
    assert outcomes(d, recusal="required") == {PV}


def test_000_s3_no_reading_lets_the_leader_decide_alone(inst_alxa) -> None:
    """第三条 不得…个人拍板; 第五条 少数服从多数: the leader is one vote under every reading.

    5 members all present.  L yes, four no: 1 yes fails every base.  L no, four yes:
    due 8 > 5, present 8 > 5, 4 > 1: passed.
    """
    alone = mk(inst_alxa, LS, "incident", n=5, yes=["L"], no=["m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_alxa, alone)) == {R}
    outvoted = mk(inst_alxa, LS, "incident", n=5, yes=["m1", "m2", "m3", "m4"], no=["L"])
    assert all_outcomes(run(inst_alxa, outvoted)) == {P}


def test_000_s3_2_silent_leader_breaks_speak_last(inst_alxa) -> None:
    """第三条 末位表态; 决议形成 '一把手'最后发表自己的意见: a present 一把手 who states nothing
    has not spoken last.  m1..m4 yes, L silent."""
    m = mk(inst_alxa, LS, "incident", n=5, yes=["m1", "m2", "m3", "m4"],
           order=["m1", "m2", "m3", "m4"])
    d = run(inst_alxa, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "last_speaker", "第三条(二)")


def test_000_s3_2_silent_owner_breaks_owner_first(inst_alxa) -> None:
    """第三条(二) 议题表述: 分管领导…首先发表意见.  The finance owner m2 is present and says
    nothing, so he did not speak first, under every reading (positions duty or not)."""
    m = mk(inst_alxa, LS, "finance", n=5, yes=["m1", "m3", "m4", "L"],
           order=["m1", "m3", "m4", "L"], portfolios={"m2": ("finance",)}, portfolio="finance")
    d = run(inst_alxa, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "owner_speaks_first", "第三条(二)")
    assert outcomes(d, positions_required="exhortation") == {PV}


def test_000_s3_2_silent_other_member(inst_alxa) -> None:
    """第三条(二) 充分讨论 各抒己见 (default: every member states a position) vs the
    exhortation reading (第五条 充分发表个人意见).  The owner m2 speaks first; m3 is silent.

    Every member states: violation.  Exhortation: nothing is broken (the silent m3 is not
    counted as an earlier speaker than the owner); 4 yes of 5 due: 8 > 5 passed.
    """
    m = mk(inst_alxa, LS, "finance", n=5, yes=["m2", "m1", "m4", "L"],
           order=["m2", "m1", "m4", "L"], portfolios={"m2": ("finance",)}, portfolio="finance")
    d = run(inst_alxa, m)
    assert d.outcome == PV
    assert has_reason(d, "positions_required", "第三条(二)")
    assert not has_reason(d, "owner_speaks_first", "")
    assert outcomes(d, positions_required="every_member_states") == {PV}
    assert outcomes(d, positions_required="exhortation") == {P}


def test_000_s3_2_abstention_is_a_position(inst_alxa) -> None:
    """第三条(二) 各抒己见: a member who speaks without a clear position (弃权) has stated
    one.  5 present; m3 abstains; 4 yes: due 8 > 5, present 8 > 5, 4 > 0: passed."""
    m = mk(inst_alxa, LS, "incident", n=5, yes=["m1", "m2", "m4", "L"])
    assert all_outcomes(run(inst_alxa, m)) == {P}


def test_000_s3_2_absent_member_is_not_an_earlier_speaker(inst_alxa) -> None:
    """第三条(二) 议题表述: m1 is away, so he is not in the speaking record; the owner m2 still
    speaks first among those present.  4 of 5 present, 4 yes: 8 >= 5, 8 > 5: passed."""
    m = mk(inst_alxa, LS, "finance", n=5, absent=["m1"], yes=4, order=["m2", "m3", "m4", "L"],
           portfolios={"m2": ("finance",)}, portfolio="finance")
    assert all_outcomes(run(inst_alxa, m)) == {P}


def test_000_s3_chair_delegated_while_leader_present(inst_alxa) -> None:
    """No delegation clause (default: another member chairs only when the 一把手 is absent,
    第三条).  L present and speaking last, m1 chairs: violation unless 'allowed'."""
    m = mk(inst_alxa, LS, "incident", n=5, yes=5, chair="m1", order=["m1", "m2", "m3", "m4", "L"])
    d = run(inst_alxa, m)
    assert d.outcome == PV
    assert outcomes(d, chair_delegation="leader_absent") == {PV}
    assert outcomes(d, chair_delegation="forbidden") == {PV}
    assert outcomes(d, chair_delegation="allowed") == {P}


def test_000_s3_chair_when_leader_absent(inst_alxa) -> None:
    """第三条: L away, m1 chairs; 4 of 5 present, 4 yes (2*4 >= 5; 8 > 5).  The speak-last rule
    binds a present 一把手 only.  Passed unless only the 一把手 may chair."""
    m = mk(inst_alxa, LS, "incident", n=5, absent=["L"], yes=4, chair="m1")
    d = run(inst_alxa, m)
    assert d.outcome == P
    assert outcomes(d, chair_delegation="leader_absent") == {P}
    assert outcomes(d, chair_delegation="forbidden") == {PV}
    assert outcomes(d, chair_delegation="allowed") == {P}


def test_000_example_meeting_leader_absent(inst_alxa) -> None:
    """model/examples/alxa_incident_leader_absent.json, by hand (第三条, 第五条): the 一把手
    is away and his deputy chairs; 4 of 5 present (8 >= 5); zhao abstains; 3 yes of 5 due
    (6 > 5): passed, except under the reading that only the 一把手 may chair."""
    d = run(inst_alxa, load_meeting(EXAMPLES / "alxa_incident_leader_absent.json"))
    assert d.outcome == P
    assert outcomes(d, chair_delegation="forbidden") == {PV}
