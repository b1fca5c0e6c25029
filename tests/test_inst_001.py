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
    """第二十一条(四): 赞成票超过应到会党组成员半数为通过 -> 2*yes > n (base: all members)."""
    # n = 8, all present: 4 yes is not more than half of 8; 5 yes is.
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=8, yes=4, no=4))
    assert d.outcome == R
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=8, yes=5, no=3))
    assert d.outcome == P
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

    n = 8, all present, m3 recused, 4 yes, 3 abstain.  Counted in the base: 2*4 = 8 is not
    > 8 -> rejected.  Excluded: due = 7, 8 > 7 -> passed.  The file leaves this open.
    """
    m = mk(inst_prefecture, PG, "cadre", n=8, recused=["m3"], yes=["L", "m1", "m2", "m4"],
           persons_involved=("m3",))
    d = run(inst_prefecture, m)
    assert d.outcome == R
    assert outcomes(d, recused_in_base="recused_counted") == {R}
    assert outcomes(d, recused_in_base="recused_excluded") == {P}
    assert not d.readings_agree


def test_001_s21_4_chair_states_position_last(inst_prefecture) -> None:
    """第二十一条(四): 党组书记或委托的会议主持人...在听取党组成员逐一发表意见后, 最后发表意见."""
    first = mk(inst_prefecture, PG, "ordinary", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_prefecture, first)) == {PV}
    middle = mk(inst_prefecture, PG, "ordinary", n=5, yes=5, order=["m1", "m2", "L", "m3", "m4"])
    assert all_outcomes(run(inst_prefecture, middle)) == {PV}
    last = mk(inst_prefecture, PG, "ordinary", n=5, yes=5, order=["m1", "m2", "m3", "m4", "L"])
    assert all_outcomes(run(inst_prefecture, last)) == {P}


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

    7 present, 4 yes : 3 no.  Chair's judgement: 8 > 7 passes.  Close split: deferred,
    also in an emergency (the seed refers the split upward, it does not vote it through).
    """
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=7, yes=4, no=3))
    assert d.outcome == P
    assert outcomes(d, deferral="chair_judgement") == {P}
    assert outcomes(d, deferral="close_split") == {D}
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=7, yes=4, no=3,
                                emergency=True))
    assert outcomes(d, deferral="close_split") == {D}
    # a wide split is not deferred: 5 : 2
    d = run(inst_prefecture, mk(inst_prefecture, PG, "ordinary", n=7, yes=5, no=2))
    assert all_outcomes(d) == {P}


def test_001_s21_4_defer_votes_are_not_yes_votes(inst_prefecture) -> None:
    """第二十一条(四): 同意、不同意或暂缓决议; only 赞成票 count toward 超过应到会半数."""
    m = mk(inst_prefecture, PG, "ordinary", n=5, yes=["L", "m1"], defer=["m2", "m3", "m4"])
    d = run(inst_prefecture, m)
    assert (d.tally.yes, d.tally.defer) == (2, 3)
    assert all_outcomes(d) == {R}  # 4 > 5 fails; |2 - 0| = 2 is no close split


@pytest.mark.parametrize(("amount", "meets"), [(4999, False), (5000, True), (5001, True)])
def test_001_s11_6_33_money_limit_5000_inclusive(inst_prefecture, amount, meets) -> None:
    """第十一条(六)33: 大额资金(5000元及以上)使用方案 -> amount >= 5000."""
    m = mk(inst_prefecture, PG, "large_funds", n=5, yes=5, amount=amount)
    d = run(inst_prefecture, m)
    assert d.outcome == P
    lim = inst_prefecture.matters["large_funds"].amount
    assert lim is not None and bool(lim.holds(amount)) is meets
    line = next(r for r in d.reasons if r.rule == "amount")
    assert "第十一条(六)33" in line.cite
    assert ("does NOT meet" in line.en) is (not meets)


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
