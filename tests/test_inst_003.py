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
    """四(二)3: 赞成数超过应到会成员半数方为通过."""
    assert all_outcomes(run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=9,
                                            yes=5))) == {P}
    assert all_outcomes(run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=9,
                                            yes=4))) == {R}  # 8 <= 9; |4 - 0| > 2


def test_003_s4_2_2_written_opinion_readings(inst_taobei) -> None:
    """四(二)2: 因故不能参加会议的班子成员可以通过书面形式表达本人意见 (counted or not?)."""
    absent = ["m5", "m6", "m7", "m8"]
    m = mk(inst_taobei, "executive", "major_decision", n=9, absent=absent, yes=4, no=1,
           opinions={i: Vote.YES for i in absent})
    d = run(inst_taobei, m)
    assert outcomes(d, absentee_opinions="not_counted") == {R}  # 8 <= 9
    assert outcomes(d, absentee_opinions="counted") == {P}  # 16 > 9, 8 : 1 no close split


def test_003_s4_2_3_large_split_deferral_readings(inst_taobei) -> None:
    """四(二)3: 对决策事项意见分歧较大的, 除紧急特殊情况外, 应暂缓决策."""
    d = run(inst_taobei, mk(inst_taobei, "plenary", "major_decision", n=8, yes=5, no=3))
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
    """四(二)5 回避 + 四(二)3 应到会成员: n = 8, m3 recused, 4 yes -> 8 vs due 8 or 7."""
    m = mk(inst_taobei, PG, "cadre", n=8, recused=["m3"], yes=["L", "m1", "m2", "m4"],
           persons_involved=("m3",))
    d = run(inst_taobei, m)
    assert outcomes(d, recused_in_base="recused_counted") == {R}
    assert outcomes(d, recused_in_base="recused_excluded") == {P}


def test_003_s4_2_2_chair_states_position_last(inst_taobei) -> None:
    """四(二)2: 会议主持人应当最后发表意见; 四: 区长不能参加的, 可以委托相关副区长主持."""
    others = ["m2", "m3", "m4", "m5", "m6"]
    ok = mk(inst_taobei, "executive", "major_decision", n=7, absent=["L"], chair="m1", yes=6,
            order=[*others, "m1"])
    assert all_outcomes(run(inst_taobei, ok)) == {P}
    bad = mk(inst_taobei, "executive", "major_decision", n=7, absent=["L"], chair="m1", yes=6,
             order=["m1", *others])
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
    """三(四): 年度预算以外超过1000万元 (> 1e7); 1000万元以上的政府投资基金 (>= 1e7)."""
    d = run(inst_taobei, mk(inst_taobei, "plenary", category, n=5, yes=5, amount=amount))
    assert d.outcome == P
    line = next(r for r in d.reasons if r.rule == "amount")
    assert "seed 003, 三(四)" in line.cite
    assert ("does NOT meet" in line.en) is (not meets)
