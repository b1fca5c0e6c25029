"""seed 004: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py)."""

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

# =====================================================================================
# seed 004: city Medical Security Bureau rule compilation
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
    assert d.outcome == R  # 6 <= 7
    m = mk(inst_city, PG, "ordinary", n=7, absent=["m5", "m6"], yes=4, no=1,
           opinions={"m5": Vote.NO, "m6": Vote.NO})
    assert run(inst_city, m).outcome == P  # 8 > 7


def test_004_cadre_quorum_three_clauses(inst_city) -> None:
    """议事规则 四(二) 三分之二以上 / 三重一大 三(五) 达到三分之二 / 三重一大 四(二)2 超过三分之二.

    n = 9, 6 present: 18 >= 18 (held under the first two), 18 > 18 fails (third).
    """
    m = mk(inst_city, PG, "cadre", n=9, absent=ids(9)[6:], yes=6)
    d = run(inst_city, m)
    assert outcomes(d, quorum="rules_two_thirds") == {P}
    assert outcomes(d, quorum="sanzhong_reach_two_thirds") == {P}
    assert outcomes(d, quorum="sanzhong_over_two_thirds") == {NQ}


def test_004_cadre_vs_ordinary_quorum(inst_city) -> None:
    """议事规则 四(二): 半数以上 in general, 讨论干部事项时 三分之二以上: 5 of 9 present."""
    kw = dict(n=9, absent=ids(9)[5:], yes=5)
    assert run(inst_city, mk(inst_city, PG, "ordinary", **kw)).outcome == P  # 10 >= 9; 10 > 9
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "cadre", **kw))) == {NQ}  # 15 < 18


def test_004_major_decision_quorum_three_clauses(inst_city) -> None:
    """议事规则 四(二) 半数以上 vs 三重一大 三(五) / 四(二)2 for a 重大议题: 5 of 9 present."""
    m = mk(inst_city, PG, "major_decision", n=9, absent=ids(9)[5:], yes=5)
    d = run(inst_city, m)
    assert outcomes(d, quorum="rules_half") == {P}
    assert outcomes(d, quorum="sanzhong_reach_two_thirds") == {NQ}
    assert outcomes(d, quorum="sanzhong_over_two_thirds") == {NQ}


def test_004_major_decision_passing_three_clauses(inst_city) -> None:
    """议事规则 四(四) 超过应到会半数 vs 三重一大 四(二)2 表决人数超过三分之二以上同意.

    9 present, 6 yes : 3 no (no close split).  12 > 9 passes; 18 >= 18 passes; 18 > 18 fails.
    """
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, yes=6, no=3))
    assert outcomes(d, passing="rules_majority_of_due") == {P}
    assert outcomes(d, passing="sanzhong_two_thirds_inclusive") == {P}
    assert outcomes(d, passing="sanzhong_two_thirds_strict") == {R}


def test_004_major_decision_two_thirds_of_voters_vs_majority_of_due(inst_city) -> None:
    """9 members, 6 present, 4 yes : 2 no.  Majority of due: 8 <= 9.  Two-thirds of the 6
    voting: 12 >= 12 inclusive, not strict.  A 4:2 split is 'close' only under margin_2."""
    m = mk(inst_city, PG, "major_decision", n=9, absent=ids(9)[6:], yes=4, no=2)
    d = run(inst_city, m)
    base = dict(quorum="rules_half", deferral="margin_1")
    assert outcomes(d, passing="rules_majority_of_due", **base) == {R}
    assert outcomes(d, passing="sanzhong_two_thirds_inclusive", **base) == {P}
    assert outcomes(d, passing="sanzhong_two_thirds_strict", **base) == {R}
    assert outcomes(d, quorum="rules_half", deferral="margin_2") == {D}
    assert outcomes(d, quorum="sanzhong_over_two_thirds") == {NQ}  # 18 > 18 fails


def test_004_rules_4_4_close_split_deferred_except_emergency(inst_city) -> None:
    """议事规则 四(四): 双方人数接近, 除紧急情况下必须按多数意见执行外, 应暂缓作出决定."""
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, yes=5, no=4))
    assert all_outcomes(d) == {D}
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, yes=5, no=4, emergency=True))
    assert D not in all_outcomes(d)
    assert outcomes(d, passing="rules_majority_of_due") == {P}  # 10 > 9: the majority view
    # 6 : 4 of 10 is close only under the wider reading
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=10, yes=6, no=4))
    assert outcomes(d, deferral="margin_1", passing="rules_majority_of_due") == {P}
    assert outcomes(d, deferral="margin_2") == {D}


def test_004_cadre_close_split_deferred(inst_city) -> None:
    """议事规则 四(四) for cadre items: 4 : 3 of 7 is a close split -> deferred in every reading."""
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "cadre", n=7, yes=4, no=3))) == {D}


@pytest.mark.parametrize("category", ["major_decision", "cadre", "major_project", "large_funds"])
def test_004_five_rule_2_2_leader_speaks_last_on_sanzhong_items(inst_city, category) -> None:
    """五个不直接分管 二、2 / 三重一大 三(二): '一把手'不能先表态...最后提出自己的意见."""
    first = mk(inst_city, PG, category, n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"],
               amount=30000 if category == "large_funds" else None)
    assert all_outcomes(run(inst_city, first)) == {PV}
    last = mk(inst_city, PG, category, n=5, yes=5, order=["m1", "m2", "m3", "m4", "L"],
              amount=30000 if category == "large_funds" else None)
    assert P in all_outcomes(run(inst_city, last))
    assert PV not in all_outcomes(run(inst_city, last))


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


@pytest.mark.parametrize(("amount", "meets"), [(19999, False), (20000, False), (20001, True)])
def test_004_sanzhong_1_5_1_money_over_20000(inst_city, amount, meets) -> None:
    """三重一大 一(五)1: 局内办公经费支出超过2万元, 需提交党组会决策 -> amount > 20000."""
    d = run(inst_city, mk(inst_city, PG, "large_funds", n=5, yes=5, amount=amount))
    assert d.outcome == P
    line = next(r for r in d.reasons if r.rule == "amount")
    assert "三重一大 一(五)1" in line.cite
    assert ("does NOT meet" in line.en) is (not meets)


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


def test_004_office_meeting_may_postpone(inst_city) -> None:
    """办公会 六: 如意见分歧较大, 一时难以决策, 可待进一步调查研究后, 另行议定."""
    m = mk(inst_city, DO, "administrative", n=5, yes=5, vote_called=False)
    assert run(inst_city, m).outcome == D


def test_004_ad_hoc_items(inst_city) -> None:
    """议事规则 三(二) 不临时动议 (no exception); 三重一大 三(一) and 办公会 五: except emergencies."""
    assert run(inst_city, mk(inst_city, PG, "ordinary", n=5, yes=5, ad_hoc=True,
                             emergency=True)).outcome == PV
    assert all_outcomes(run(inst_city, mk(inst_city, PG, "major_decision", n=5, yes=5,
                                          ad_hoc=True))) == {PV}
    assert PV not in all_outcomes(run(inst_city, mk(inst_city, PG, "major_decision", n=5, yes=5,
                                                    ad_hoc=True, emergency=True)))
    assert run(inst_city, mk(inst_city, DO, "administrative", n=5, yes=5,
                             ad_hoc=True)).outcome == PV
    assert run(inst_city, mk(inst_city, DO, "administrative", n=5, yes=5, ad_hoc=True,
                             emergency=True)).outcome == P


def test_004_cadre_passing_phrase_is_ambiguous(inst_city) -> None:
    """三重一大 四(二)2 '表决人数超过三分之二以上同意' mixes 超过 and 以上: both readings for cadre.

    9 members, 6 present (18 >= 18), 4 yes : 2 no (not a 1-vote split).  Majority of due:
    8 <= 9; two-thirds of the 6 voting: 12 >= 12 inclusive, 12 > 12 strict fails.
    """
    m = mk(inst_city, PG, "cadre", n=9, absent=ids(9)[6:], yes=4, no=2)
    d = run(inst_city, m)
    base = dict(quorum="rules_two_thirds", deferral="margin_1")
    assert outcomes(d, passing="rules_majority_of_due", **base) == {R}
    assert outcomes(d, passing="sanzhong_two_thirds_inclusive", **base) == {P}
    assert outcomes(d, passing="sanzhong_two_thirds_strict", **base) == {R}


def test_004_cadre_close_split_is_vague(inst_city) -> None:
    """议事规则 四(四) 双方人数接近 is vague for cadre items too: 6 : 4 of 10 is close only
    under the wider reading; otherwise 12 > 10 passes on the majority-of-due reading."""
    d = run(inst_city, mk(inst_city, PG, "cadre", n=10, yes=6, no=4))
    assert outcomes(d, deferral="margin_2") == {D}
    assert outcomes(d, deferral="margin_1", passing="rules_majority_of_due") == {P}


@pytest.mark.parametrize("category", ["major_project", "large_funds"])
def test_004_sanzhong_quorum_applies_to_all_sanzhong_items(inst_city, category) -> None:
    """三重一大 三(五) / 四(二)2 govern every 三重一大 item (重要项目安排, 大额资金使用 too).

    6 members, 4 present: 8 >= 6 (半数以上) and 12 >= 12 (达到三分之二) hold the meeting,
    12 > 12 (超过三分之二) does not.  4 unanimous yes: 8 > 6, 12 >= 12 and 12 > 8 all pass.
    """
    m = mk(inst_city, PG, category, n=6, absent=["m4", "m5"], yes=4, amount=30000)
    d = run(inst_city, m)
    assert outcomes(d, quorum="rules_half") == {P}
    assert outcomes(d, quorum="sanzhong_reach_two_thirds") == {P}
    assert outcomes(d, quorum="sanzhong_over_two_thirds") == {NQ}


def test_004_rules_4_4_chair_sums_up_after_members(inst_city) -> None:
    m = mk(inst_city, PG, "ordinary", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert PV in all_outcomes(run(inst_city, m))


def test_004_bulk_purchase_is_sanzhong_leader_last(inst_city) -> None:
    m = mk(inst_city, DO, "bulk_purchase", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert run(inst_city, m).outcome == PV


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
    # 9 of 9 present, 4 yes, 5 abstain (no close split anywhere): 8 <= 9 fails 超过应到会半数
    failed = run(inst, mk(inst, body, category, n=9, yes=4))
    assert failed.outcome == R
    line = next(r for r in failed.reasons if r.rule == "passing")
    assert line.cite == passing_clause
    assert line.en and line.zh


def test_004_office_meeting_reasons_cite_clauses(inst_city) -> None:
    """办公会 三 (半数以上 到会) and 办公会 六 (行政首长负责制)."""
    short = run(inst_city, mk(inst_city, DO, "administrative", n=5, absent=["m2", "m3", "m4"],
                              yes=2))
    assert short.outcome == NQ and short.reasons[0].cite == "seed 004, 办公会 三"
    d = run(inst_city, mk(inst_city, DO, "administrative", n=5, yes=["m1"], no=["L"]))
    assert d.outcome == R
    assert any(r.cite == "seed 004, 办公会 六" for r in d.reasons)


def test_004_sanzhong_4_2_1_secretary_must_chair(inst_city) -> None:
    others = ["m2", "m3", "m4", "m5", "m6"]
    m = mk(inst_city, PG, "major_decision", n=7, absent=["L"], chair="m1", yes=6,
           order=[*others, "m1"])
    d = run(inst_city, m)
    assert PV in all_outcomes(d)


def test_004_rules_4_4_close_split_needs_two_sides(inst_city) -> None:
    d = run(inst_city, mk(inst_city, PG, "major_decision", n=9, yes=["m1"]))
    assert outcomes(d, quorum="rules_half", passing="rules_majority_of_due") == {R}
