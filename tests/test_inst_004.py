"""seed 004: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py).

Threshold arithmetic as in DOMAIN.md (n members due, k counted): 半数以上 2k >= n; 超过半数
2k > n; 达到 / 三分之二以上 3k >= 2n; 超过三分之二 3k > 2n; 超过2万元 x > 20000.  Party-group
三重一大 items: every quorum clause binds (议事规则 四(二), 三重一大 三(五), 三重一大 四(二)2) and
both passing clauses bind (议事规则 四(四), 三重一大 四(二)2, whose 超过…以上 and 表决人数 are
read four ways: point ``sanzhong_passing``).
"""

from __future__ import annotations

import pytest
from meeting_kit import (
    DO,
    LS,
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

SP = "sanzhong_passing"
STRICT_VOTERS, INCL_VOTERS = "two_thirds_strict_of_voters", "two_thirds_inclusive_of_voters"
STRICT_DUE, INCL_DUE = "two_thirds_strict_of_due", "two_thirds_inclusive_of_due"


def quorum_lines(d) -> dict[str, bool]:
    """Each quorum requirement's clause -> met?"""
    return {r.cite: "NOT met" not in r.en for r in d.reasons if r.rule == "quorum"}


# =====================================================================================
# 议事规则: the general rules of the party group
# =====================================================================================


def test_004_rules_4_2_quorum_half_inclusive(inst_city) -> None:
    """议事规则 四(二): 党组会必须有半数以上党组成员到会方能举行 -> 2*present >= n."""
    ok = mk(inst_city, PG, "ordinary", n=7, absent=ids(7)[4:], yes=4)
    assert run(inst_city, ok).outcome == P  # 8 >= 7; 8 > 7
    short = mk(inst_city, PG, "ordinary", n=7, absent=ids(7)[3:], yes=3)
    assert run(inst_city, short).outcome == NQ  # 6 < 7
    held = mk(inst_city, PG, "ordinary", n=8, absent=ids(8)[4:], yes=4)
    assert run(inst_city, held).outcome == R  # held (8 >= 8) but 8 is not > 8


def test_004_rules_4_4_written_opinions_not_counted(inst_city) -> None:
    """议事规则 四(四): 赞成数超过应到会党组成员半数为通过; 未到会党组成员的书面意见不计入票数."""
    absent = ["m4", "m5", "m6"]
    m = mk(inst_city, PG, "ordinary", n=7, absent=absent, yes=3, no=1,
           opinions={i: Vote.YES for i in absent})
    d = run(inst_city, m)
    assert d.tally.yes == 3
    assert d.outcome == R  # 6 <= 7 (3 : 1 is no close split at a one-vote margin)
    m = mk(inst_city, PG, "ordinary", n=7, absent=["m5", "m6"], yes=4, no=1,
           opinions={"m5": Vote.NO, "m6": Vote.NO})
    assert run(inst_city, m).outcome == P  # 8 > 7


def test_004_cadre_vs_ordinary_quorum(inst_city) -> None:
    """议事规则 四(二): 半数以上 in general, 讨论干部事项时 三分之二以上: 5 of 9 present."""
    kw = dict(n=9, absent=ids(9)[5:], yes=5)
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "ordinary", **kw))) == {P}  # 10 >= 9; 10 > 9
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "cadre", **kw))) == {NQ}  # 15 < 18


def test_004_rules_4_4_chair_sums_up_after_members(inst_city) -> None:
    """议事规则 四(四): 党组成员就议题发表意见; 主持人归纳讨论情况: the chair may not speak first."""
    m = mk(inst_city, PG, "ordinary", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_city, m)) == {PV}


def test_004_rules_4_4_close_split_needs_two_sides(inst_city) -> None:
    """议事规则 四(四): 双方人数接近 needs two sides; 1 yes and 8 abstentions of 9 is no split.
    2 <= 9 fails 超过应到会半数, so it is rejected in every reading."""
    d = run(inst_city, mk(inst_city, PG, "ordinary", n=9, yes=["m1"]))
    assert all_outcomes(d) == {R}


def test_004_rules_4_4_ordinary_close_split_is_vague(inst_city) -> None:
    """议事规则 四(四): 对重要问题…双方人数接近…应暂缓: whether an ordinary item is a 重要问题 is
    vague.  9 of 9, 5 : 4: a one-vote split defers it if it is a 重要问题; otherwise 10 > 9 passes."""
    d = run(inst_city, mk(inst_city, PG, "ordinary", n=9, yes=5, no=4))
    assert outcomes(d, deferral="important_margin_1") == {D}
    assert outcomes(d, deferral="important_margin_2") == {D}
    assert outcomes(d, deferral="not_important") == {P}
    assert d.outcome == D  # the default: the clause applies


def test_004_rules_3_2_ordinary_ad_hoc_item_one_ban_is_vague(inst_city) -> None:
    """议事规则 三(二): 会议议题确定后一般不再变动, 不临时动议.  一般 admits exceptions: read with
    the emergency exception the compilation names (default) or as a flat ban."""
    plain = run(inst_city, mk(inst_city, PG, "ordinary", n=5, yes=5, ad_hoc=True))
    assert all_outcomes(plain) == {PV}  # no emergency: forbidden under both readings
    urgent = run(inst_city, mk(inst_city, PG, "ordinary", n=5, yes=5, ad_hoc=True, emergency=True))
    assert outcomes(urgent, ad_hoc="except_emergency") == {P}
    assert outcomes(urgent, ad_hoc="flat_ban") == {PV}
    assert urgent.outcome == P


def test_004_ad_hoc_items_sanzhong_and_office(inst_city) -> None:
    """三重一大 三(一): 除遇重大突发事件和紧急情况…外, 不得…讨论临时动议议题; 办公会 五: 除特殊情况或
    紧急议题外…一般不临时动议."""
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "major_decision", n=5, yes=5,
                                          ad_hoc=True))) == {PV}
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "major_decision", n=5, yes=5,
                                          ad_hoc=True, emergency=True))) == {P}
    assert all_outcomes(run(inst_city, mk(inst_city, DO, "administrative", n=5, yes=5,
                                          ad_hoc=True))) == {PV}
    assert all_outcomes(run(inst_city, mk(inst_city, DO, "administrative", n=5, yes=5,
                                          ad_hoc=True, emergency=True))) == {P}


def test_004_rules_4_1_delegation_only_when_secretary_absent(inst_city) -> None:
    """议事规则 四(一): 党组书记不能出席时, 可委托其他党组成员召集并主持."""
    present = mk(inst_city, PG, "ordinary", n=7, yes=7, chair="m1")
    assert all_outcomes(run(inst_city, present)) == {PV}  # the secretary sits in the room
    away = mk(inst_city, PG, "ordinary", n=7, absent=["L"], chair="m1", yes=6)
    assert all_outcomes(run(inst_city, away)) == {P}  # 12 >= 7; 12 > 7


# =====================================================================================
# 三重一大 items in the party group: every clause binds
# =====================================================================================


def test_004_sanzhong_5_of_9_no_quorum(inst_city) -> None:
    """议事规则 四(二) 半数以上 holds (10 >= 9), but 三重一大 三(五) 达到三分之二 (15 < 18) and
    三重一大 四(二)2 超过三分之二 (15 <= 18) fail: no quorum in every reading."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, absent=ids(9)[5:], yes=5))
    assert all_outcomes(d) == {NQ}
    assert quorum_lines(d) == {"seed 004, 议事规则 四(二)": True, "seed 004, 三重一大 三(五)": False,
                               "seed 004, 三重一大 四(二)2": False}


def test_004_sanzhong_6_of_9_reach_but_not_exceed(inst_city) -> None:
    """三重一大 三(五) 达到三分之二: 18 >= 18 met; 三重一大 四(二)2 超过三分之二: 18 > 18 not met.
    Both bind, so 6 of 9 is no quorum (they differ exactly when 3 divides n)."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, absent=ids(9)[6:], yes=6))
    assert all_outcomes(d) == {NQ}
    assert quorum_lines(d) == {"seed 004, 议事规则 四(二)": True, "seed 004, 三重一大 三(五)": True,
                               "seed 004, 三重一大 四(二)2": False}


def test_004_sanzhong_7_of_9_meets_every_quorum(inst_city) -> None:
    """7 of 9: 14 >= 9, 21 >= 18, 21 > 18.  7 yes: 14 > 9 (议事规则 四(四)); 21 > 14 of the
    voters and 21 > 18 of the due (三重一大 四(二)2): passed in every reading."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, absent=ids(9)[7:], yes=7))
    assert all_outcomes(d) == {P}
    assert all(quorum_lines(d).values())


def test_004_cadre_quorum_four_clauses(inst_city) -> None:
    """Cadre items add 议事规则 四(二) 讨论干部事项时 三分之二以上 to the three 三重一大 quorum
    clauses.  n = 9: 6 present meets 三分之二以上 and 达到三分之二 (18 >= 18) but not 超过 (18 > 18);
    7 present meets all four."""
    d = run(inst_city, mk(inst_city, PG, "cadre", n=9, absent=ids(9)[6:], yes=6))
    assert all_outcomes(d) == {NQ}
    assert quorum_lines(d)["seed 004, 三重一大 四(二)2"] is False
    assert [r.cite for r in d.reasons if r.rule == "quorum"].count("seed 004, 议事规则 四(二)") == 2
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "cadre", n=9, absent=ids(9)[7:],
                                          yes=7))) == {P}


@pytest.mark.parametrize("category", ["major_decision", "cadre"])
def test_004_sanzhong_4_2_2_two_thirds_is_ambiguous(inst_city, category) -> None:
    """三重一大 四(二)2 表决人数超过三分之二以上同意: 9 of 9 present, 6 yes : 3 no.  议事规则 四(四):
    12 > 9 met.  Two-thirds of 9 (voters or due alike): 18 > 18 fails strict, 18 >= 18 meets
    inclusive.  6 : 3 is no close split (a margin of 3)."""
    d = run(inst_city, mk(inst_city, PG, category, n=9, yes=6, no=3))
    assert outcomes(d, **{SP: STRICT_VOTERS}) == {R}
    assert outcomes(d, **{SP: INCL_VOTERS}) == {P}
    assert outcomes(d, **{SP: STRICT_DUE}) == {R}
    assert outcomes(d, **{SP: INCL_DUE}) == {P}
    assert d.outcome == R  # the default: strict, of the members voting


def test_004_sanzhong_voters_vs_due_base(inst_city) -> None:
    """三重一大 四(二)2 表决人数: 9 members, 7 present, 5 yes : 2 no.  Of the 7 voting: 15 > 14
    (strict and inclusive) passes; of the 9 due: 15 < 18 fails.  议事规则 四(四): 10 > 9 met."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, absent=ids(9)[7:], yes=5, no=2))
    assert outcomes(d, **{SP: STRICT_VOTERS}) == {P}
    assert outcomes(d, **{SP: INCL_VOTERS}) == {P}
    assert outcomes(d, **{SP: STRICT_DUE}) == {R}
    assert outcomes(d, **{SP: INCL_DUE}) == {R}


def test_004_sanzhong_passing_needs_both_clauses(inst_city) -> None:
    """议事规则 四(四) and 三重一大 四(二)2 bind together.  n = 10, 7 present (21 > 20), 5 yes : 2 no:
    three-quarters of the voters (15 > 14) but 10 > 10 fails 超过应到会党组成员半数 -> rejected in
    every reading; the reasons name the failed clause."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=10, absent=ids(10)[7:], yes=5, no=2))
    assert all_outcomes(d) == {R}
    lines = {r.cite: "NOT" not in r.en for r in d.reasons if r.rule == "passing"}
    assert lines == {"seed 004, 议事规则 四(四)": False, "seed 004, 三重一大 四(二)2": True}


@pytest.mark.parametrize("category", ["major_project", "large_funds"])
def test_004_sanzhong_quorum_applies_to_all_sanzhong_items(inst_city, category) -> None:
    """三重一大 三(五) / 四(二)2 govern every 三重一大 item (重要项目安排, 大额资金使用 too).
    6 members: 4 present, 12 > 12 fails 超过三分之二; 5 present, 15 > 12 meets it, and 5
    unanimous yes pass (10 > 6; 15 > 10 of the voters; 15 > 12 of the due)."""
    four = mk(inst_city, PG, category, n=6, absent=["m4", "m5"], yes=4, amount=30000)
    assert all_outcomes(run(inst_city, four)) == {NQ}
    five = mk(inst_city, PG, category, n=6, absent=["m5"], yes=5, amount=30000)
    assert all_outcomes(run(inst_city, five)) == {P}


def test_004_sanzhong_close_split_deferred_except_emergency(inst_city) -> None:
    """议事规则 四(四) 双方人数接近 and 三重一大 四(二)3 意见分歧较大: 暂缓, 除紧急情况.  5 : 4 of 9
    is close in both margin readings; in an emergency it is not deferred (5 yes then fall short
    of two-thirds of 9: 15 < 18, so the 三重一大 threshold still rejects it)."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, yes=5, no=4))
    assert all_outcomes(d) == {D}
    urgent = run(inst_city, mk(inst_city, PG, "major_decision", n=9, yes=5, no=4, emergency=True))
    assert all_outcomes(urgent) == {R}


@pytest.mark.parametrize("category", ["major_decision", "cadre"])
def test_004_sanzhong_close_split_is_vague(inst_city, category) -> None:
    """接近 / 分歧较大 are vague: 6 : 4 of 10 is close only at a two-vote margin; otherwise 6 yes
    meet 议事规则 四(四) (12 > 10) but not two-thirds of 10 (18 < 20) -> rejected."""
    d = run(inst_city, mk(inst_city, PG, category, n=10, yes=6, no=4))
    assert outcomes(d, deferral="margin_2") == {D}
    assert outcomes(d, deferral="margin_1") == {R}


def test_004_sanzhong_deferral_counts_defer_positions(inst_city) -> None:
    """三重一大 四(二)1 缓议 is a position; the split weighs yes against no + 缓议 (四(二)3).
    7 of 7: 4 yes, 2 no, 1 缓议 -> 4 : 3, a one-vote split: deferred in both readings."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=7, yes=4, no=2, defer=["m6"]))
    assert all_outcomes(d) == {D}


def test_004_sanzhong_4_2_1_silent_member_breaks_positions(inst_city) -> None:
    """三重一大 四(二)1: 党组成员应对决策议题逐个明确表示同意、不同意或缓议的意见.  m3 says nothing
    (not in the speaking order): a violation on a 三重一大 item, none on an ordinary one."""
    order = ["m1", "m2", "m4", "m5", "m6", "L"]
    kw = dict(n=7, yes=order, order=order)
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "major_decision", **kw))) == {PV}
    d = run(inst_city, mk(inst_city, PG, "major_decision", **kw))
    assert has_reason(d, "positions_required", "三重一大 四(二)1")
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "ordinary", **kw))) == {P}  # 12 > 7


def test_004_sanzhong_4_2_1_abstention_breaks_but_defer_does_not(inst_city) -> None:
    """三重一大 四(二)1 同意、不同意或缓议: an abstention (spoke without a clear position) breaks it;
    a 缓议 position does not.  7 of 7, six yes: 12 > 7, 18 > 14 and 18 > 14 of the due; 6 : 1 is
    no close split."""
    six = ["L", "m1", "m2", "m4", "m5", "m6"]
    abstain = mk(inst_city, PG, "major_decision", n=7, yes=six)  # m3 speaks, no position
    assert all_outcomes(run(inst_city, abstain)) == {PV}
    defer = mk(inst_city, PG, "major_decision", n=7, yes=six, defer=["m3"])
    assert all_outcomes(run(inst_city, defer)) == {P}


def test_004_sanzhong_4_2_1_secretary_must_chair(inst_city) -> None:
    """三重一大 四(二)1 会议决策时, 由党组书记主持 against 议事规则 四(一) (委托 when he cannot
    attend).  Secretary absent, m1 chairs and sums up last, 6 yes of 7 (18 > 14 present):
    a violation under the specific clause (default), passed under the general one."""
    others = ["m2", "m3", "m4", "m5", "m6"]
    m = mk(inst_city, PG, "major_decision", n=7, absent=["L"], chair="m1", yes=6,
           order=[*others, "m1"])
    d = run(inst_city, m)
    assert outcomes(d, chair_delegation="sanzhong_secretary_presides") == {PV}
    assert outcomes(d, chair_delegation="rules_delegation_when_absent") == {P}
    assert d.outcome == PV


def test_004_sanzhong_delegation_with_secretary_present(inst_city) -> None:
    """议事规则 四(一) allows 委托 only when the secretary cannot attend; 三重一大 四(二)1 not at all.
    Secretary present, m1 chairs: a violation under both readings."""
    order = ["m2", "m3", "m4", "m5", "m6", "L", "m1"]
    m = mk(inst_city, PG, "major_decision", n=7, yes=7, chair="m1", order=order)
    assert all_outcomes(run(inst_city, m)) == {PV}


def test_004_sanzhong_delegated_chair_still_sums_up_last(inst_city) -> None:
    """议事规则 四(四) 主持人归纳 binds 三重一大 items too: with the secretary away and m1 in the
    chair (议事规则 四(一) reading), m1 stating his view first is a violation."""
    m = mk(inst_city, PG, "major_decision", n=7, absent=["L"], chair="m1", yes=6,
           order=["m1", "m2", "m3", "m4", "m5", "m6"])
    assert outcomes(run(inst_city, m), chair_delegation="rules_delegation_when_absent") == {PV}


@pytest.mark.parametrize("category", ["major_decision", "cadre", "major_project", "large_funds",
                                      "durable_goods_purchase"])
def test_004_five_rule_2_2_leader_speaks_last_on_sanzhong_items(inst_city, category) -> None:
    """五个不直接分管 二、2 / 三重一大 三(二): '一把手'不能先表态…最后提出自己的意见."""
    amount = 30000 if category == "large_funds" else None
    first = mk(inst_city, PG, category, n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"],
               amount=amount)
    assert all_outcomes(run(inst_city, first)) == {PV}
    last = mk(inst_city, PG, category, n=5, yes=5, order=["m1", "m2", "m3", "m4", "L"],
              amount=amount)
    assert all_outcomes(run(inst_city, last)) == {P}


def test_004_sanzhong_4_2_3_unclear_matter_deferred_except_emergency(inst_city) -> None:
    """三重一大 四(二)3: 有重大问题尚不清楚时, 除在紧急情况下按多数意见执行外, 应暂缓决策.
    5 of 5 unanimous: deferred while unclear; in an emergency it passes; an ordinary item has
    no such trigger in 议事规则."""
    unclear = mk(inst_city, PG, "major_decision", n=5, yes=5, unclear=True)
    assert all_outcomes(run(inst_city, unclear)) == {D}
    assert has_reason(run(inst_city, unclear), "unclear_matter", "三重一大 四(二)3")
    urgent = mk(inst_city, PG, "major_decision", n=5, yes=5, unclear=True, emergency=True)
    assert all_outcomes(run(inst_city, urgent)) == {P}
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "ordinary", n=5, yes=5,
                                          unclear=True))) == {P}


# =====================================================================================
# 五个不直接分管
# =====================================================================================


@pytest.mark.parametrize(
    ("body", "category", "portfolio"),
    [(PG, "cadre", "personnel"), (PG, "large_funds", "finance"),
     (PG, "major_project", "construction"), (DO, "bulk_purchase", "procurement"),
     (DO, "administrative", "administrative_approval")],
)
def test_004_five_rule_2_1_five_not_directly_in_charge(inst_city, body, category, portfolio) -> None:
    """五个不直接分管 二、1(1)-(5): 人事, 财务, 物资采购/资产处置, 工程建设, 行政审批."""
    m = mk(inst_city, body, category, n=5, yes=5, portfolios={"L": (portfolio,)},
           portfolio=portfolio)
    d = run(inst_city, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "leader_may_not_own", "seed 004, 五个不直接分管")


# =====================================================================================
# money and routes
# =====================================================================================


@pytest.mark.parametrize(("amount", "expected"), [(1, PV), (19999, PV), (20000, PV), (20001, P)])
def test_004_sanzhong_1_5_1_large_funds_over_20000(inst_city, amount, expected) -> None:
    """三重一大 一(五)1: 局内办公经费支出超过2万元, 需提交党组会决策 -> x > 20000.  A 'large funds'
    item of 2万元 or less (1 yuan included) fits no route of its category: misrouted."""
    d = run(inst_city, mk(inst_city, PG, "large_funds", n=5, yes=5, amount=amount))
    assert all_outcomes(d) == {expected}
    assert has_reason(d, "routes", "三重一大 一(五)1")


@pytest.mark.parametrize(("body", "amount", "expected"), [
    (DO, 20000, P), (DO, 20001, PV), (DO, 30000, PV),
    (PG, 20000, PV), (PG, 20001, P), (PG, 30000, P),
])
def test_004_office_spending_routed_by_amount(inst_city, body, amount, expected) -> None:
    """三重一大 一(五)1 超过2万元 -> 党组会 (x > 20000, strict); 办公会 一(五) 财务等事项 -> the
    director's office meeting for the rest.  5 of 5, unanimous yes (the director yes)."""
    d = run(inst_city, mk(inst_city, body, "office_spending", n=5, yes=5, amount=amount))
    assert all_outcomes(d) == {expected}
    if expected == PV:
        assert has_reason(d, "routes", "seed 004")


def test_004_purchase_routes_disagree(inst_city) -> None:
    """办公用品 一、3 (保值性物品由主管局长审批) vs 一、5 (经党组研究同意); 三重一大 一(五)2 (达到2万元
    分管局长; 1000元以上 局办公室) vs 一(三)4 (办公设备购置 a 三重一大 item)."""
    durable = inst_city.route("durable_goods_purchase", 5000)
    assert {(r.body, r.decider) for r in durable} == {(None, "主管局长"), ("party_group", "")}
    assert {r.decider for r in inst_city.route("unit_equipment_purchase", 19999)} == {"局办公室", ""}
    assert {r.decider for r in inst_city.route("unit_equipment_purchase", 20000)} == {
        "分管局长", "局办公室", ""}
    assert {r.decider for r in inst_city.route("unit_equipment_purchase", 999)} == {""}


# =====================================================================================
# 局长办公会议
# =====================================================================================


def test_004_office_meeting_chief_decides(inst_city) -> None:
    """办公会 六: 遵循行政首长负责制的原则; 办公会 三: 须有半数以上班子成员到会."""
    kw = dict(n=5, absent=["m3", "m4"])  # 3 of 5: 6 >= 5
    d = run(inst_city, mk(inst_city, DO, "administrative", yes=["L"], no=["m1", "m2"], **kw))
    assert d.outcome == P
    d = run(inst_city, mk(inst_city, DO, "administrative", yes=["m1", "m2"], no=["L"], **kw))
    assert d.outcome == R
    d = run(inst_city, mk(inst_city, DO, "administrative", yes=["m1", "m2"], **kw))
    assert d.outcome == D  # the director stated no decision
    short = mk(inst_city, DO, "administrative", n=5, absent=["m2", "m3", "m4"], yes=["L", "m1"])
    assert run(inst_city, short).outcome == NQ  # 4 < 5


def test_004_office_meeting_may_postpone_only_when_split(inst_city) -> None:
    """办公会 六: 如意见分歧较大, 一时难以决策, 可待进一步调查研究后, 另行议定: the director's
    power to postpone has a trigger.  3 yes : 2 no is a split -> deferred; 5 yes : 0 is no split,
    so postponing is outside the power -> procedure violation."""
    split = mk(inst_city, DO, "administrative", n=5, yes=3, no=2, vote_called=False)
    assert run(inst_city, split).outcome == D
    undivided = mk(inst_city, DO, "administrative", n=5, yes=5, vote_called=False)
    assert run(inst_city, undivided).outcome == PV


def test_004_office_meeting_chair_delegation_clauses(inst_city) -> None:
    """办公会 二 (受局长委托的副局长) vs 办公会 四 (委托一名班子成员).  m1 is a 副局长, m2 is not.
    The chair decides (办公会 六) and says yes."""
    deputy = {"m1": "deputy"}
    # the director present, his deputy in the chair
    d = run(inst_city, mk(inst_city, DO, "administrative", n=5, chair="m1", yes=["m1"],
                          roles=deputy))
    assert outcomes(d, chair_delegation="rule_4_any_member") == {P}
    assert outcomes(d, chair_delegation="rule_2_deputy") == {P}  # 办公会 二 states no absence condition
    # the director away: a member who is not a deputy in the chair
    d = run(inst_city, mk(inst_city, DO, "administrative", n=5, absent=["L"], chair="m2",
                          yes=["m2"], roles=deputy))
    assert outcomes(d, chair_delegation="rule_4_any_member") == {P}
    assert outcomes(d, chair_delegation="rule_2_deputy") == {PV}
    # the director away, his deputy in the chair: allowed by both clauses
    d = run(inst_city, mk(inst_city, DO, "administrative", n=5, absent=["L"], chair="m1",
                          yes=["m1"], roles=deputy))
    assert all_outcomes(d) == {P}


def test_004_office_meeting_reasons_cite_clauses(inst_city) -> None:
    """办公会 三 (半数以上 到会) and 办公会 六 (行政首长负责制)."""
    short = run(inst_city, mk(inst_city, DO, "administrative", n=5, absent=["m2", "m3", "m4"],
                              yes=2))
    assert short.outcome == NQ and short.reasons[0].cite == "seed 004, 办公会 三"
    d = run(inst_city, mk(inst_city, DO, "administrative", n=5, yes=["m1"], no=["L"]))
    assert d.outcome == R
    assert any(r.cite == "seed 004, 办公会 六" for r in d.reasons)


def test_004_bulk_purchase_is_sanzhong_leader_last(inst_city) -> None:
    """五个不直接分管 二、2: 大宗办公物资采购 (三重一大 一(三)4) - the 一把手 states his view last."""
    m = mk(inst_city, DO, "bulk_purchase", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_city, m)) == {PV}


def test_004_bulk_purchase_tied_point(inst_city) -> None:
    """办公用品 一、2 (局长办公会研究决定, 办公会 六 行政首长负责制) vs the 三重一大 collective vote
    (三重一大 四(二)2).  6 of 6, the director and 3 yes, 2 no: of 6 voting or due, 12 > 12 fails
    strict, 12 >= 12 meets inclusive; the director alone decides yes."""
    d = run(inst_city, mk(inst_city, DO, "bulk_purchase", n=6, yes=["L", "m1", "m2", "m3"],
                          no=["m4", "m5"]))
    point = "bulk_purchase_decider"
    assert outcomes(d, **{point: "sanzhong_collective_vote"}) == {R}
    assert outcomes(d, **{point: "sanzhong_collective_vote_inclusive"}) == {P}
    assert outcomes(d, **{point: "sanzhong_collective_vote_due"}) == {R}
    assert outcomes(d, **{point: "sanzhong_collective_vote_due_inclusive"}) == {P}
    assert outcomes(d, **{point: "office_meeting_chief_decides"}) == {P}
    # no reading rejects everything: a unanimous meeting passes in every reading
    assert all_outcomes(run(inst_city, mk(inst_city, DO, "bulk_purchase", n=6, yes=6))) == {P}


def test_004_bulk_purchase_quorum_by_reading(inst_city) -> None:
    """4 of 6 present, all yes: 办公会 三 半数以上 (8 >= 6) holds in every reading; the collective
    reading adds 三重一大 四(二)2 超过三分之二 (12 > 12 fails)."""
    d = run(inst_city, mk(inst_city, DO, "bulk_purchase", n=6, absent=["m4", "m5"], yes=4))
    assert outcomes(d, bulk_purchase_decider="sanzhong_collective_vote") == {NQ}
    assert outcomes(d, bulk_purchase_decider="office_meeting_chief_decides") == {P}


# =====================================================================================
# the deciding reason cites the clause the seed gives for it
# =====================================================================================
@pytest.mark.parametrize(
    ("iid", "body", "category", "quorum_clause", "passing_clause"),
    [
        ("prefecture_medical_security_party_group", PG, "ordinary", "seed 001, 第二十一条(四)",
         "seed 001, 第二十一条(四)"),
        ("xiuzhou_district", LS, "personnel", "seed 002, 模本一 三、3", "seed 002, 模本一 三、5"),
        ("taobei_district_government", "plenary", "major_decision", "seed 003, 四(二)1",
         "seed 003, 四(二)3"),
        ("taobei_district_government", "executive", "major_decision", "seed 003, 四(二)1",
         "seed 003, 四(二)3"),
        ("city_medical_security_bureau", PG, "ordinary", "seed 004, 议事规则 四(二)",
         "seed 004, 议事规则 四(四)"),
    ],
)
def test_deciding_reasons_cite_their_clause(request, iid, body, category, quorum_clause,
                                            passing_clause) -> None:
    """Quorum and passing reasons name the clause that fixes them (DOMAIN: every rule cites)."""
    fixture = {"prefecture_medical_security_party_group": "inst_prefecture",
               "xiuzhou_district": "inst_xiuzhou", "taobei_district_government": "inst_taobei",
               "city_medical_security_bureau": "inst_city"}[iid]
    inst = request.getfixturevalue(fixture)
    # 2 of 9 present misses every quorum of these bodies (半数以上 or 三分之二以上)
    short = run(inst, mk(inst, body, category, n=9, absent=ids(9)[2:], yes=2))
    assert short.outcome == NQ
    assert short.reasons[0].rule == "quorum" and short.reasons[0].cite == quorum_clause
    # 9 of 9 present, 3 yes, 6 no (every member states a position; a margin of 3 is no close
    # split in any reading): 6 <= 9 fails 超过应到会半数
    failed = run(inst, mk(inst, body, category, n=9, yes=3, no=6))
    assert failed.outcome == R
    line = next(r for r in failed.reasons if r.rule == "passing")
    assert line.cite == passing_clause
    assert line.en and line.zh
