"""seed 001: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py)."""

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
    leader_positions,
    mk,
    outcomes,
    run,
)

from model.meeting import Vote

# =====================================================================================
# seed 001: prefecture Medical Security Bureau party group (第二十一条 etc.)
# =====================================================================================


@pytest.mark.parametrize(
    ("n", "present", "met"),
    [(6, 4, True), (6, 3, False), (7, 5, True), (7, 4, False), (9, 6, True), (9, 5, False),
     (10, 7, True), (10, 6, False)],
)
def test_001_s21_4_quorum_two_thirds_inclusive(inst_prefecture, n, present, met) -> None:
    """第二十一条(四): 必须有三分之二以上党组成员出席方可举行 -> 3*present >= 2*n.

    Everyone present votes yes; when held, 2*present > n in every row, so it passes.
    """
    m = mk(inst_prefecture, PG, "ordinary", n=n, absent=ids(n)[present:], yes=present)
    d = run(inst_prefecture, m)
    assert d.outcome == (P if met else NQ)
    assert all_outcomes(d) == {P if met else NQ}


def test_001_s21_4_passing_more_than_half_of_due(inst_prefecture) -> None:
    """第二十一条(四): 赞成票超过应到会党组成员半数为通过 -> 2*yes > n (base: all members).

    Splits are kept at a margin of at least 2, so no reading of 重大分歧 defers them.
    """
    # n = 8, 6 present (18 >= 16): 4 yes is not more than half of 8 (8 > 8 fails); 5 yes is.
    away = ["m6", "m7"]
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=8, absent=away, yes=4, no=2))
    assert all_outcomes(d) == {R}
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=8, absent=away, yes=5, no=1))
    assert all_outcomes(d) == {P}
    # n = 9, 6 present: 4 of 6 present is a majority of those present, but 2*4 = 8 <= 9.
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=9, absent=["m6", "m7", "m8"],
                                yes=4, no=2))
    assert d.outcome == R
    assert (d.tally.due, d.tally.present, d.tally.yes) == (9, 6, 4)


def test_001_s21_4_absentee_written_opinions_not_counted(inst_prefecture) -> None:
    """第二十一条(四): 未到会党组成员书面意见不得计入票数."""
    absent = ["m6", "m7", "m8"]
    written_yes = {i: Vote.YES for i in absent}
    # 4 yes present + 3 written yes: counted would be 7 > 4.5, but only 4 count: 8 <= 9.
    m = mk(inst_prefecture, PG, "ordinary", n=9, absent=absent, yes=4, no=2, opinions=written_yes)
    d = run(inst_prefecture, m)
    assert d.tally.yes == 4
    assert all_outcomes(d) == {R}
    # and written 'no' opinions cannot block: 5 yes present, 2*5 = 10 > 9.
    written_no = {i: Vote.NO for i in absent}
    m = mk(inst_prefecture, PG, "ordinary", n=9, absent=absent, yes=5, no=1, opinions=written_no)
    d = run(inst_prefecture, m)
    assert d.tally.no == 1
    assert all_outcomes(d) == {P}


def test_001_s21_4_involved_member_must_recuse(inst_prefecture) -> None:
    """第二十一条(四): 议题涉及与会人员本人及其亲属的, 本人必须回避."""
    m = mk(inst_prefecture, PG, "cadre", n=7, yes=7, persons_involved=("m3",))
    assert all_outcomes(run(inst_prefecture, m)) == {PV}
    # an involved member who is absent is not a 与会人员: nothing to recuse
    m = mk(inst_prefecture, PG, "cadre", n=7, absent=["m3"], yes=6, persons_involved=("m3",))
    assert run(inst_prefecture, m).outcome == P


def test_001_s21_4_recused_member_and_the_due_base(inst_prefecture) -> None:
    """第二十一条(四) 回避 + 赞成票超过应到会党组成员半数: is a recused member still 'due'?

    n = 8, m6 and m7 absent, m3 present and recused (6 出席: 18 >= 16), 4 yes, 1 no (a margin
    of 3: no 重大分歧 reading defers).  Counted in the base: 2*4 = 8 is not > 8 -> rejected.
    Excluded: due = 7, 8 > 7 -> passed.  The file leaves this open.
    """
    m = mk(inst_prefecture, PG, "cadre", n=8, absent=["m6", "m7"], recused=["m3"],
           yes=["L", "m1", "m2", "m4"], no=["m5"], persons_involved=("m3",))
    d = run(inst_prefecture, m)
    assert d.outcome == R
    assert outcomes(d, recused_in_base="recused_counted") == {R}
    assert outcomes(d, recused_in_base="recused_excluded") == {P}
    assert not d.readings_agree


def test_001_s21_4_chair_states_position_last(inst_prefecture) -> None:
    """第二十一条(四): 党组书记或委托的会议主持人...在听取党组成员逐一发表意见后, 最后发表意见."""
    assert leader_positions(inst_prefecture, PG, "ordinary") == [{PV}, {PV}, {P}]


def test_001_s19_delegated_chair_speaks_last(inst_prefecture) -> None:
    """第十九条 (书记不能出席, 可委托...主持) + 第二十一条(四) (主持人最后发表意见)."""
    others = ["m2", "m3", "m4", "m5", "m6"]
    ok = mk(inst_prefecture, PG, "ordinary", n=7, absent=["L"], chair="m1", yes=6,
            order=[*others, "m1"])
    assert run(inst_prefecture, ok).outcome == P  # 6 present of 7: 18 >= 14; 12 > 7
    bad = mk(inst_prefecture, PG, "ordinary", n=7, absent=["L"], chair="m1", yes=6,
             order=["m1", *others])
    assert all_outcomes(run(inst_prefecture, bad)) == {PV}


def test_001_s21_4_chair_decides_whether_to_vote(inst_prefecture) -> None:
    """第二十一条(四): 主持人根据讨论情况, 决定是否进入表决程序: no vote called -> not decided."""
    m = mk(inst_prefecture, PG, "ordinary", n=5, yes=5, vote_called=False)
    assert all_outcomes(run(inst_prefecture, m)) == {D}


def test_001_s21_4_owner_absent_major_matter(inst_prefecture) -> None:
    """第二十一条(四): 党组成员未出席会议的, 一般不研究决定其分管工作范围内的重大事项."""
    m = mk(inst_prefecture, PG, "large_funds", n=7, absent=["m2"], yes=6,
           portfolios={"m2": ("finance",)}, portfolio="finance", amount=6000)
    d = run(inst_prefecture, m)
    assert d.outcome == D
    assert outcomes(d, owner_absent="defer") == {D}
    assert outcomes(d, owner_absent="advisory") == {P}


def test_001_s21_4_owner_absent_ordinary_matter_no_effect(inst_prefecture) -> None:
    """第二十一条(四) speaks of 重大事项 only: an ordinary item goes ahead without its owner."""
    m = mk(inst_prefecture, PG, "ordinary", n=7, absent=["m2"], yes=6,
           portfolios={"m2": ("publicity",)}, portfolio="publicity")
    assert all_outcomes(run(inst_prefecture, m)) == {P}


@pytest.mark.parametrize(("category", "portfolio"), [("large_funds", "finance"),
                                                     ("cadre", "personnel"),
                                                     ("procurement", "procurement")])
def test_001_s3_5_four_not_directly_in_charge(inst_prefecture, category, portfolio) -> None:
    """第三条(五) 四个不直接分管: 局党政主要负责人不直接分管人事、财务、工程项目建设、物资采购."""
    m = mk(inst_prefecture, PG, category, n=7, yes=7, portfolios={"L": (portfolio,)},
           portfolio=portfolio)
    d = run(inst_prefecture, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "leader_may_not_own", "seed 001, 第三条(五)")


def test_001_s3_5_leader_may_run_other_portfolios(inst_prefecture) -> None:
    """第三条(五) lists four portfolios only; the leader running publicity is fine."""
    m = mk(inst_prefecture, PG, "ordinary", n=7, yes=7, portfolios={"L": ("publicity",)},
           portfolio="publicity")
    assert all_outcomes(run(inst_prefecture, m)) == {P}


def test_001_s21_1_ad_hoc_items(inst_prefecture) -> None:
    """第二十一条(一): 除紧急情况, 不得临时动议 ... 临时性议题由党组书记决定是否上会; 组织人事议题不得临时动议."""
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=5, yes=5, ad_hoc=True))
    assert d.outcome == PV
    assert outcomes(d, ad_hoc="forbidden_except_emergency") == {PV}
    assert outcomes(d, ad_hoc="secretary_admits") == {P}
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=5, yes=5, ad_hoc=True,
                                emergency=True))
    assert all_outcomes(d) == {P}
    # cadre items: no emergency exception, no reading admits them
    d = run(inst_prefecture, mk(inst_prefecture, PG, "cadre", n=5, yes=5, ad_hoc=True,
                                emergency=True))
    assert all_outcomes(d) == {PV}


def test_001_s21_4_major_split_deferral_readings(inst_prefecture) -> None:
    """第二十一条(四): 如对审议事项存在重大分歧, 一般应暂缓作出决定 (紧急时报请上级, not a vote-through).

    7 present, 4 yes : 3 no.  Close split (the default: 应暂缓 for a split of one): deferred,
    also in an emergency (the seed refers the split upward, it does not vote it through).
    Chair's judgement: 8 > 7 passes.
    """
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=7, yes=4, no=3))
    assert d.outcome == D
    assert outcomes(d, deferral="chair_judgement") == {P}
    assert outcomes(d, deferral="close_split") == {D}
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=7, yes=4, no=3,
                                emergency=True))
    assert outcomes(d, deferral="close_split") == {D}
    # a wide split is not deferred: 5 : 2
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=7, yes=5, no=2))
    assert all_outcomes(d) == {P}


def test_001_s21_4_defer_votes_are_not_yes_votes(inst_prefecture) -> None:
    """第二十一条(四): 同意、不同意或暂缓决议; only 赞成票 count toward 超过应到会半数, and a
    暂缓 position sides against the item in the 重大分歧 split (2 yes : 0 no + 3 暂缓)."""
    m = mk(inst_prefecture, PG, "ordinary", n=5, yes=["L", "m1"], defer=["m2", "m3", "m4"])
    d = run(inst_prefecture, m)
    assert (d.tally.yes, d.tally.defer) == (2, 3)
    assert outcomes(d, deferral="close_split") == {D}  # |2 - 3| = 1
    assert outcomes(d, deferral="chair_judgement") == {R}  # 2*2 = 4 > 5 fails


@pytest.mark.parametrize(("category", "clause"), [("large_funds", "第十一条(六)33"),
                                                  ("asset_disposal", "第十一条(六)32")])
@pytest.mark.parametrize(("amount", "meets"), [(4999, False), (5000, True), (5001, True)])
def test_001_s11_6_money_limit_5000_inclusive(inst_prefecture, category, clause, amount,
                                              meets) -> None:
    """第十一条(六)32/33: 大额国有资产处置 / 大额资金 (5000元及以上) -> amount >= 5000.

    A 4999 yuan item is not of the category (the limit is its route): misrouted, a procedure
    violation; at 5000 and above the party group decides it (unanimous: passed).
    """
    m = mk(inst_prefecture, PG, category, n=5, yes=5, amount=amount)
    d = run(inst_prefecture, m)
    assert all_outcomes(d) == {P if meets else PV}
    lim = inst_prefecture.matters[category].amount
    assert lim is not None and bool(lim.holds(amount)) is meets
    assert has_reason(d, "routes", clause)


def test_001_s3_5_cadre_category_implies_personnel_portfolio(inst_prefecture) -> None:
    """第三条(五) + 第十一条(四)24: a cadre item is personnel work even when the meeting file
    does not repeat portfolio = personnel (the leader running personnel is a violation)."""
    m = mk(inst_prefecture, PG, "cadre", n=7, yes=7, portfolios={"L": ("personnel",)})
    assert all_outcomes(run(inst_prefecture, m)) == {PV}
    # and the absent owner of the category's portfolio defers a major item (第二十一条(四))
    m = mk(inst_prefecture, PG, "large_funds", n=7, absent=["m2"], yes=6,
           portfolios={"m2": ("finance",)}, amount=9000)
    d = run(inst_prefecture, m)
    assert outcomes(d, owner_absent="defer") == {D}
    assert outcomes(d, owner_absent="advisory") == {P}


# ---- v2 (issue 7): conditions on powers, the speaking record, deferral positions, scope ----


def test_001_s19_delegation_with_the_secretary_present_is_a_violation(inst_prefecture) -> None:
    """第十九条: 党组书记因特殊情况不能出席会议, 可委托…主持: a present secretary may not hand
    the chair over.  n = 7, all present and 同意, m1 chairs and speaks last: violation."""
    m = mk(inst_prefecture, PG, "ordinary", n=7, yes=7, chair="m1")
    d = run(inst_prefecture, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "chair_delegation", "seed 001, 第十九条")


@pytest.mark.parametrize(("chair", "role"), [("m1", "deputy"), ("m3", "member")])
def test_001_s19_delegation_when_the_secretary_is_absent(inst_prefecture, chair, role) -> None:
    """第十九条: 不能出席 -> 可委托副书记或其他党组成员主持: a deputy or any other member.

    n = 7, L absent: 6 出席 (18 >= 14), 6 同意 (12 > 7), the delegated chair speaks last.
    """
    m = mk(inst_prefecture, PG, "ordinary", n=7, absent=["L"], yes=6, chair=chair,
           roles={chair: role})
    assert all_outcomes(run(inst_prefecture, m)) == {P}


def test_001_s21_4_a_silent_member_breaks_the_duty_to_state_a_position(inst_prefecture) -> None:
    """第二十一条(四): 党组成员…对决策事项应当逐个明确表达同意、不同意或暂缓决议的意见.

    n = 5, all present, L and m1-m3 同意 (8 > 5), m4 says nothing: violation.  The same
    meeting with m4 absent (4 出席: 12 >= 10) passes.
    """
    silent = mk(inst_prefecture, PG, "ordinary", n=5, yes=["L", "m1", "m2", "m3"],
                order=["m1", "m2", "m3", "L"])
    d = run(inst_prefecture, silent)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "positions_required", "seed 001, 第二十一条(四)")
    away = mk(inst_prefecture, PG, "ordinary", n=5, absent=["m4"], yes=4)
    assert all_outcomes(run(inst_prefecture, away)) == {P}


def test_001_s21_4_an_abstention_is_not_yes_no_or_defer(inst_prefecture) -> None:
    """第二十一条(四): 同意、不同意或暂缓决议 -- 弃权 is none of the three.  n = 5, four 同意,
    m4 speaks without a position (abstains): violation, whatever the 8 > 5 tally."""
    m = mk(inst_prefecture, PG, "ordinary", n=5, yes=["L", "m1", "m2", "m3"])
    d = run(inst_prefecture, m)
    assert d.tally.abstain == 1
    assert all_outcomes(d) == {PV}


def test_001_s21_4_a_silent_secretary(inst_prefecture) -> None:
    """第二十一条(四): the secretary (chair) is a 党组成员 who must state a position, and last
    (最后发表意见).  n = 5, m1-m4 同意, L present but silent: violation."""
    m = mk(inst_prefecture, PG, "ordinary", n=5, yes=["m1", "m2", "m3", "m4"],
           order=["m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_prefecture, m)) == {PV}


def test_001_s21_4_a_silent_portfolio_owner(inst_prefecture) -> None:
    """第二十一条(四): the owner of a large-funds item is present (so 未出席 does not apply) but
    states nothing: he breaks 逐个明确表达, under every reading.  n = 7, six 同意, 8000 yuan."""
    m = mk(inst_prefecture, PG, "large_funds", n=7, yes=["L", "m1", "m3", "m4", "m5", "m6"],
           order=["m1", "m3", "m4", "m5", "m6", "L"], portfolios={"m2": ("finance",)},
           amount=8000)
    assert all_outcomes(run(inst_prefecture, m)) == {PV}


def test_001_s21_4_defer_positions_make_a_major_split(inst_prefecture) -> None:
    """第二十一条(四) 重大分歧 -> 暂缓: 暂缓决议 positions side against the item.

    n = 9, all present: 5 同意, 4 暂缓, no 不同意.  close_split: |5 - (0 + 4)| = 1 -> deferred;
    chair_judgement: 2*5 = 10 > 9 -> passed.
    """
    m = mk(inst_prefecture, PG, "ordinary", n=9, yes=["L", "m1", "m2", "m3", "m4"],
           defer=["m5", "m6", "m7", "m8"])
    d = run(inst_prefecture, m)
    assert d.outcome == D
    assert outcomes(d, deferral="close_split") == {D}
    assert outcomes(d, deferral="chair_judgement") == {P}


def test_001_s11_6_31_budget_is_a_major_finance_item(inst_prefecture) -> None:
    """第十一条(六)31 局预算编制 (a 重大项目安排和大额资金使用 item) + 第三条(五) 不直接分管财务
    + 第二十一条(四) 未出席…不研究决定其分管…重大事项."""
    led = mk(inst_prefecture, PG, "budget", n=7, yes=7, portfolios={"L": ("finance",)})
    assert all_outcomes(run(inst_prefecture, led)) == {PV}
    m = mk(inst_prefecture, PG, "budget", n=7, absent=["m2"], yes=6,
           portfolios={"m2": ("finance",)})
    d = run(inst_prefecture, m)
    assert outcomes(d, owner_absent="defer") == {D}
    assert outcomes(d, owner_absent="advisory") == {P}  # 6 出席: 18 >= 14; 12 > 7


def test_001_s11_6_32_construction_project(inst_prefecture) -> None:
    """第十一条(六)32 局机关基本建设项目立项 + 第三条(五) 不直接分管工程项目建设."""
    led = mk(inst_prefecture, PG, "construction_project", n=7, yes=7,
             portfolios={"L": ("construction",)})
    d = run(inst_prefecture, led)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "leader_may_not_own", "seed 001, 第三条(五)")
    ok = mk(inst_prefecture, PG, "construction_project", n=7, yes=7,
            portfolios={"m3": ("construction",)})
    assert all_outcomes(run(inst_prefecture, ok)) == {P}


def test_001_s11_3_bureau_office_items_are_major(inst_prefecture) -> None:
    """第十一条(三) 局机关重大事项和重大决策 + 第二十一条(四): their owner's absence reaches them
    (unlike an item that is not a 重大事项).  n = 7, owner m4 absent, six 同意."""
    m = mk(inst_prefecture, PG, "major_decision", n=7, absent=["m4"], yes=6,
           portfolios={"m4": ("ideology",)}, portfolio="ideology")
    d = run(inst_prefecture, m)
    assert d.outcome == D
    assert outcomes(d, owner_absent="defer") == {D}
    assert outcomes(d, owner_absent="advisory") == {P}


def test_001_s21_4_quorum_at_exactly_two_thirds_counts_a_recused_member(inst_prefecture) -> None:
    """第二十一条(四): 三分之二以上党组成员出席 (inclusive); a member who recuses is still a
    与会人员, so he counts as 出席.

    n = 9, m6-m8 absent, m5 involved and recused: 6 出席, 18 >= 18 -> held; 5 同意:
    10 > 9 (recused counted in the base) and 10 > 8 (excluded) -> passed.  With m4 away too,
    5 出席: 15 < 18 -> no quorum.
    """
    m = mk(inst_prefecture, PG, "cadre", n=9, absent=["m6", "m7", "m8"], recused=["m5"], yes=5,
           persons_involved=("m5",))
    assert all_outcomes(run(inst_prefecture, m)) == {P}
    m = mk(inst_prefecture, PG, "cadre", n=9, absent=["m4", "m6", "m7", "m8"], recused=["m5"],
           yes=4, persons_involved=("m5",))
    assert all_outcomes(run(inst_prefecture, m)) == {NQ}


def test_001_s21_4_no_clause_defers_an_unclear_item(inst_prefecture) -> None:
    """Seed 001 has no 重大问题尚不清楚 clause; 第二十一条(四) leaves it to the chair (根据讨论情况,
    决定是否进入表决程序).  n = 5, unanimous, unclear: passed if put to the vote, else deferred."""
    voted = mk(inst_prefecture, PG, "ordinary", n=5, yes=5, unclear=True)
    assert all_outcomes(run(inst_prefecture, voted)) == {P}
    held = mk(inst_prefecture, PG, "ordinary", n=5, yes=5, unclear=True, vote_called=False)
    assert all_outcomes(run(inst_prefecture, held)) == {D}
