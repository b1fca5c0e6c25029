"""seed 003: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py)."""

from __future__ import annotations

import pytest
from meeting_kit import (
    NQ,
    PG,
    PV,
    D,
    P,
    R,
    all_outcomes,
    has_reason,
    ids,
    mk,
    outcomes,
    run,
)

from model.meeting import Vote

# =====================================================================================
# seed 003: Taobei District government (三重一大 实施办法, 四 决策程序)
# =====================================================================================


def test_003_s4_2_1_plenary_quorum_two_thirds(inst_taobei) -> None:
    """四(二)1: 区政府全体会议应当有三分之二以上的组成人员到会 -> 3*present >= 2*n."""
    ok = mk(inst_taobei, "plenary", "major_decision", n=15, absent=ids(15)[10:], yes=10)
    assert all_outcomes(run(inst_taobei, ok)) == {P}  # 30 >= 30; 20 > 15
    short = mk(inst_taobei, "plenary", "major_decision", n=15, absent=ids(15)[9:], yes=9)
    assert all_outcomes(run(inst_taobei, short)) == {NQ}  # 27 < 30


def test_003_s4_2_1_executive_quorum_half_inclusive(inst_taobei) -> None:
    """四(二)1: 常务会议应当有半数以上组成人员到会 -> 2*present >= n."""
    ok = mk(inst_taobei, "executive", "major_decision", n=9, absent=ids(9)[5:], yes=5)
    assert all_outcomes(run(inst_taobei, ok)) == {P}  # 10 >= 9; 10 > 9
    short = mk(inst_taobei, "executive", "major_decision", n=9, absent=ids(9)[4:], yes=4)
    assert all_outcomes(run(inst_taobei, short)) == {NQ}  # 8 < 9
    # n = 10, 5 present: the meeting is held (10 >= 10) but 5 unanimous yes is not > 5
    dead = mk(inst_taobei, "executive", "major_decision", n=10, absent=ids(10)[5:], yes=5)
    assert all_outcomes(run(inst_taobei, dead)) == {R}


def test_003_s4_2_1_cadre_needs_two_thirds_other_items_half(inst_taobei) -> None:
    """四(二)1: 党组会议 半数以上, but 党组推荐、提名、任免干部事项的会议 三分之二以上."""
    kw = dict(n=9, absent=ids(9)[5:], yes=5)
    assert all_outcomes(run(inst_taobei, mk(inst_taobei, PG, "major_decision", **kw))) == {P}
    assert all_outcomes(run(inst_taobei, mk(inst_taobei, PG, "cadre", **kw))) == {NQ}  # 15 < 18


def test_003_s4_2_3_passing_more_than_half_of_due(inst_taobei) -> None:
    """四(二)3: 赞成数超过应到会成员半数方为通过 -> 2*yes > n (base: all members).

    Plenary, n = 10, 7 present (21 >= 20); margins of 3 or more, so no 分歧较大 reading defers.
    """
    away = ["m7", "m8", "m9"]
    assert all_outcomes(run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=10,
                                            absent=away, yes=6, no=1))) == {P}  # 12 > 10
    assert all_outcomes(run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=10,
                                            absent=away, yes=5, no=2))) == {R}  # 10 > 10 fails


def test_003_s4_2_2_written_opinion_readings(inst_taobei) -> None:
    """四(二)2: 因故不能参加会议的班子成员可以通过书面形式表达本人意见 (counted or not?)."""
    absent = ["m5", "m6", "m7", "m8"]
    m = mk(inst_taobei, "executive", "major_decision", n=9, absent=absent, yes=4, no=1,
           opinions={i: Vote.YES for i in absent})
    d = run(inst_taobei, m)
    assert outcomes(d, absentee_opinions="not_counted") == {R}  # 8 <= 9
    assert outcomes(d, absentee_opinions="counted") == {P}  # 16 > 9, 8 : 1 no close split


def test_003_s4_2_3_large_split_deferral_readings(inst_taobei) -> None:
    """四(二)3: 对决策事项意见分歧较大的, 除紧急特殊情况外, 应暂缓决策 (default: margin_2, the
    strictest, as the text gives no lead)."""
    d = run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=8, yes=5, no=3))
    assert d.outcome == D
    assert outcomes(d, deferral="margin_1") == {P}  # 10 > 8
    assert outcomes(d, deferral="margin_2") == {D}
    d = run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=7, yes=4, no=3))
    assert all_outcomes(d) == {D}
    d = run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=7, yes=4, no=3,
                            emergency=True))
    assert all_outcomes(d) == {P}  # 8 > 7, no deferral in an emergency


def test_003_s4_2_5_recusal_only_for_cadre_items(inst_taobei) -> None:
    """四(二)5: 会议讨论和决定干部任免事项, 涉及参会人员本人及其近亲属的, 本人应当回避."""
    cadre = mk(inst_taobei, PG, "cadre", n=6, yes=6, persons_involved=("m2",))
    assert all_outcomes(run(inst_taobei, cadre)) == {PV}
    other = mk(inst_taobei, PG, "major_decision", n=6, yes=6, persons_involved=("m2",))
    assert all_outcomes(run(inst_taobei, other)) == {P}


def test_003_s4_2_5_recused_in_base_readings(inst_taobei) -> None:
    """四(二)5 回避 + 四(二)3 应到会成员: n = 8, m6 and m7 absent, m3 present and recused
    (6 到会: 18 >= 16), 4 yes : 1 no (margin 3: never deferred) -> 2*4 = 8 vs due 8 or 7."""
    m = mk(inst_taobei, PG, "cadre", n=8, absent=["m6", "m7"], recused=["m3"],
           yes=["L", "m1", "m2", "m4"], no=["m5"], persons_involved=("m3",))
    d = run(inst_taobei, m)
    assert outcomes(d, recused_in_base="recused_counted") == {R}
    assert outcomes(d, recused_in_base="recused_excluded") == {P}


def test_003_s4_2_2_chair_states_position_last(inst_taobei) -> None:
    """四(二)2: 会议主持人应当最后发表意见; 四: 区长不能参加的, 可以委托相关副区长主持."""
    others = ["m2", "m3", "m4", "m5", "m6"]
    deputy = {"m1": "deputy"}
    ok = mk(inst_taobei, "executive", "major_decision", n=7, absent=["L"], chair="m1", yes=6,
            order=[*others, "m1"], roles=deputy)
    assert all_outcomes(run(inst_taobei, ok)) == {P}
    bad = mk(inst_taobei, "executive", "major_decision", n=7, absent=["L"], chair="m1", yes=6,
             order=["m1", *others], roles=deputy)
    assert all_outcomes(run(inst_taobei, bad)) == {PV}


def test_003_s4_2_3_every_item_is_voted(inst_taobei) -> None:
    """四(二)3: 会议决定多个事项时, 应逐项进行表决: no clause lets the chair withhold the vote."""
    m = mk(inst_taobei, "plenary", "major_decision", n=5, yes=5, vote_called=False)
    assert all_outcomes(run(inst_taobei, m)) == {P}


@pytest.mark.parametrize(
    ("category", "amount", "meets"),
    [("off_budget_funds", 10_000_000, False), ("off_budget_funds", 10_000_001, True),
     ("investment_funds", 9_999_999, False), ("investment_funds", 10_000_000, True)],
)
def test_003_s3_4_money_limits(inst_taobei, category, amount, meets) -> None:
    """三(四): 年度预算以外超过1000万元 (> 1e7); 1000万元以上的政府投资基金 (>= 1e7).

    An item below the limit is not of the category (the limit is its route): misrouted.
    """
    d = run(inst_taobei, mk(inst_taobei, "plenary", category, n=5, yes=5, amount=amount))
    assert all_outcomes(d) == {P if meets else PV}
    assert has_reason(d, "routes", "seed 003, 三(四)")


# ---- v2 (issue 7): conditions on powers, the speaking record, deferral triggers, scope ----

EX = "executive"


def test_003_s4_delegation_with_the_district_head_present_is_a_violation(inst_taobei) -> None:
    """四: 会议由区长召集和主持. 区长不能参加会议的, 可以委托相关副区长: a present 区长 may not
    hand over the chair, even to a 副区长.  n = 7, all 同意, m1 (deputy) chairs and speaks last."""
    m = mk(inst_taobei, EX, "major_decision", n=7, yes=7, chair="m1", roles={"m1": "deputy"})
    d = run(inst_taobei, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "chair_delegation", "seed 003, 四")


@pytest.mark.parametrize(("role", "expected"), [("member", PV), ("deputy", P)])
def test_003_s4_delegation_only_to_a_deputy(inst_taobei, role, expected) -> None:
    """四: 区长不能参加 -> 可以委托相关副区长: the 区长 absent, m2 chairs.  As a plain member:
    violation; as a 副区长: 6 到会 of 7 (12 >= 7), 6 同意 (12 > 7) -> passed."""
    m = mk(inst_taobei, EX, "major_decision", n=7, absent=["L"], yes=6, chair="m2",
           roles={"m2": role})
    assert all_outcomes(run(inst_taobei, m)) == {expected}


def test_003_s4_2_2_a_silent_member(inst_taobei) -> None:
    """四(二)2: 参会人员要对决策事项逐一发表意见, 明确表示同意、不同意或缓议.

    Plenary, n = 6, all present, L and m1-m4 同意, m5 silent: violation.  With m5 absent
    instead: 5 到会 (15 >= 12), 5 同意 (10 > 6) -> passed.
    """
    silent = mk(inst_taobei, "plenary", "major_decision", n=6, yes=["L", "m1", "m2", "m3", "m4"],
                order=["m1", "m2", "m3", "m4", "L"])
    d = run(inst_taobei, silent)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "positions_required", "seed 003, 四(二)2")
    away = mk(inst_taobei, "plenary", "major_decision", n=6, absent=["m5"], yes=5)
    assert all_outcomes(run(inst_taobei, away)) == {P}


def test_003_s4_2_2_an_abstention_is_not_a_position(inst_taobei) -> None:
    """四(二)2: 同意、不同意或缓议 -- 弃权 is none of them.  Executive, n = 5, four 同意, m4
    speaks without a position: violation."""
    m = mk(inst_taobei, EX, "major_decision", n=5, yes=["L", "m1", "m2", "m3"])
    assert all_outcomes(run(inst_taobei, m)) == {PV}


def test_003_s4_2_3_deferral_positions_in_a_large_split(inst_taobei) -> None:
    """四(二)3 分歧较大 -> 暂缓 (除紧急特殊情况外): 缓议 positions side against the item.

    Plenary, n = 9: 5 同意 : 4 缓议 -> margin 1: deferred under both readings; in an emergency
    10 > 9 passes.  n = 8: 5 同意 : 3 缓议 -> margin 2: margin_2 defers, margin_1 passes
    (10 > 8).  n = 9: 6 同意 : 1 不同意 + 2 缓议 -> margin 3: passed (12 > 9).
    """
    m = mk(inst_taobei, "plenary", "major_decision", n=9, yes=5, defer=["m5", "m6", "m7", "m8"])
    assert all_outcomes(run(inst_taobei, m)) == {D}
    m = mk(inst_taobei, "plenary", "major_decision", n=9, yes=5, defer=["m5", "m6", "m7", "m8"],
           emergency=True)
    assert all_outcomes(run(inst_taobei, m)) == {P}
    d = run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=8, yes=5,
                            defer=["m5", "m6", "m7"]))
    assert d.outcome == D
    assert outcomes(d, deferral="margin_2") == {D}
    assert outcomes(d, deferral="margin_1") == {P}
    m = mk(inst_taobei, "plenary", "major_decision", n=9, yes=6, no=["m6"], defer=["m7", "m8"])
    assert all_outcomes(run(inst_taobei, m)) == {P}


def test_003_s4_2_3_an_unclear_major_question_defers_even_in_an_emergency(inst_taobei) -> None:
    """四(二)3: 对讨论中发现重大问题尚不清楚的, 应暂缓决策 -- the 除紧急特殊情况外 of the next
    sentence (分歧较大) does not reach it.  Plenary, n = 5, unanimous."""
    for emergency in (False, True):
        d = run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=5, yes=5,
                                unclear=True, emergency=emergency))
        assert all_outcomes(d) == {D}
        assert has_reason(d, "unclear_matter", "seed 003, 四(二)3")
    clear = mk(inst_taobei, "plenary", "major_decision", n=5, yes=5, emergency=True)
    assert all_outcomes(run(inst_taobei, clear)) == {P}


def test_003_s3_4_budget_items(inst_taobei) -> None:
    """三(四) 年度财政收支预决算的安排和调整, decided by an executive meeting (四(二)1 半数以上,
    四(二)3 超过应到会半数).  n = 10, 5 到会: held (10 >= 10), 5 同意 is not > 5 -> rejected;
    6 到会 and 同意 -> passed.  No amount limit: a 1 yuan budget item is no routing matter."""
    d = run(inst_taobei, mk(inst_taobei, EX, "budget", n=10, absent=ids(10)[5:], yes=5))
    assert all_outcomes(d) == {R}
    d = run(inst_taobei, mk(inst_taobei, EX, "budget", n=10, absent=ids(10)[6:], yes=6, amount=1))
    assert all_outcomes(d) == {P}
    assert not any(r.rule == "routes" for r in d.reasons)


def test_003_s4_2_1_nomination_needs_two_thirds_but_no_recusal(inst_taobei) -> None:
    """四(二)1: 党组推荐、提名…干部事项的会议, 三分之二以上到会; 四(二)5 回避 names 任免 only.

    n = 9: 5 到会 -> 15 < 18, no quorum; 6 到会 -> 18 >= 18, 6 同意 (12 > 9) -> passed, even
    with an involved member voting.
    """
    d = run(inst_taobei, mk(inst_taobei, PG, "cadre_nomination", n=9, absent=ids(9)[5:], yes=5))
    assert all_outcomes(d) == {NQ}
    m = mk(inst_taobei, PG, "cadre_nomination", n=9, absent=ids(9)[6:], yes=6,
           persons_involved=("m2",))
    assert all_outcomes(run(inst_taobei, m)) == {P}
    # the same meeting on an appointment (任免): m2 must recuse
    m = mk(inst_taobei, PG, "cadre", n=9, absent=ids(9)[6:], yes=6, persons_involved=("m2",))
    assert all_outcomes(run(inst_taobei, m)) == {PV}


def test_003_s3_2_hiring_and_discipline_take_the_party_group_rules(inst_taobei) -> None:
    """三(二) 录用、奖惩: neither the 2/3 quorum (四(二)1: 推荐、提名、任免) nor recusal (四(二)5:
    任免) names them.  n = 9, 5 到会: 10 >= 9 held; 5 同意 (10 > 9), an involved member votes."""
    m = mk(inst_taobei, PG, "cadre_hiring_discipline", n=9, absent=ids(9)[5:], yes=5,
           persons_involved=("m1",))
    assert all_outcomes(run(inst_taobei, m)) == {P}


def test_003_s4_topical_meeting_quorum_readings(inst_taobei) -> None:
    """四: 专题会议 decides 三重一大 items; 四(二)1 gives it no quorum (open point).

    n = 9, 5 到会, unanimous: two_thirds (default) 15 < 18 -> no quorum; half 10 >= 9 and
    10 > 9 -> passed; none -> passed.  4 到会: two_thirds and half (8 < 9) no quorum; none
    held, but 8 > 9 fails -> rejected.
    """
    d = run(inst_taobei, mk(inst_taobei, "topical", "major_project", n=9, absent=ids(9)[5:], yes=5))
    assert d.outcome == NQ
    assert outcomes(d, quorum="two_thirds") == {NQ}
    assert outcomes(d, quorum="half") == {P}
    assert outcomes(d, quorum="none") == {P}
    d = run(inst_taobei, mk(inst_taobei, "topical", "major_project", n=9, absent=ids(9)[4:], yes=4))
    assert outcomes(d, quorum="two_thirds") == {NQ}
    assert outcomes(d, quorum="half") == {NQ}
    assert outcomes(d, quorum="none") == {R}


def test_003_s4_2_1_plenary_quorum_at_exactly_two_thirds(inst_taobei) -> None:
    """四(二)1: 三分之二以上 is inclusive.  Plenary, n = 12: 8 到会 -> 24 >= 24 held, 8 同意
    (16 > 12) -> passed; 7 到会 -> 21 < 24 -> no quorum."""
    d = run(inst_taobei, mk(inst_taobei, "plenary", "budget", n=12, absent=ids(12)[8:], yes=8))
    assert all_outcomes(d) == {P}
    d = run(inst_taobei, mk(inst_taobei, "plenary", "budget", n=12, absent=ids(12)[7:], yes=7))
    assert all_outcomes(d) == {NQ}


def test_003_s4_2_5_a_recused_member_counts_toward_the_quorum(inst_taobei) -> None:
    """四(二)1 三分之二以上组成人员到会 + 四(二)5: the member who recuses is a 参会人员 (到会).

    任免, n = 9, 6 到会 with m5 recused: 18 >= 18 held; 5 同意: 10 > 9 (counted) and 10 > 8
    (excluded) -> passed.  5 到会 with m4 recused: 15 < 18 -> no quorum.
    """
    m = mk(inst_taobei, PG, "cadre", n=9, absent=ids(9)[6:], recused=["m5"], yes=5,
           persons_involved=("m5",))
    assert all_outcomes(run(inst_taobei, m)) == {P}
    m = mk(inst_taobei, PG, "cadre", n=9, absent=ids(9)[5:], recused=["m4"], yes=4,
           persons_involved=("m4",))
    assert all_outcomes(run(inst_taobei, m)) == {NQ}


def test_003_s4_large_funds_in_any_form(inst_taobei) -> None:
    """四: 三重一大 items are decided by 常务会议、党组会议、专题会议 (全体会议 when needed); 三(四)'s
    limit puts an item in its category, not in one form.  Executive, 2e7 yuan off-budget funds,
    n = 5, unanimous -> passed."""
    m = mk(inst_taobei, EX, "off_budget_funds", n=5, yes=5, amount=20_000_000)
    assert all_outcomes(run(inst_taobei, m)) == {P}
