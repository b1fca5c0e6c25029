"""seed 002: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py)."""

from __future__ import annotations

import pytest
from meeting_kit import (
    LS,
    NQ,
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

from model.meeting import Meeting

# =====================================================================================
# seed 002: Xiuzhou District (附件1 五个不直接分管 + 末位表态; 附件2 模本一)
# =====================================================================================


@pytest.mark.parametrize(("n", "present", "met"), [(9, 6, True), (9, 5, False), (10, 7, True),
                                                   (10, 6, False)])
def test_002_m1_3_3_quorum_two_thirds(inst_xiuzhou, n, present, met) -> None:
    """模本一 三、3: 须有三分之二以上领导班子成员参加方可举行 -> 3*present >= 2*n."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=n, absent=ids(n)[present:], yes=present)
    assert all_outcomes(run(inst_xiuzhou, m)) == {P if met else NQ}


def test_002_m1_3_5_passing_more_than_half_of_due(inst_xiuzhou) -> None:
    """模本一 三、5: 赞成票数超过应到领导班子成员半数的为通过 (人事等重大问题)."""
    assert run(inst_xiuzhou, mk(inst_xiuzhou, LS, "personnel", n=9, yes=5, no=4)).outcome == P
    assert run(inst_xiuzhou, mk(inst_xiuzhou, LS, "personnel", n=9, yes=4, no=5)).outcome == R
    # 4 of 6 present, but 2*4 = 8 <= 9 members due
    m = mk(inst_xiuzhou, LS, "personnel", n=9, absent=["m6", "m7", "m8"], yes=4, no=2)
    assert all_outcomes(run(inst_xiuzhou, m)) == {R}


def test_002_m1_3_5_ordinary_item_threshold_unspecified(inst_xiuzhou) -> None:
    """模本一 三、5: 一般性事项 are voted by name, but no threshold is stated for them.

    9 members, 7 present, 4 yes : 2 no : 1 abstain.  Majority of due: 8 <= 9 rejected;
    yes > no: passed.
    """
    m = mk(inst_xiuzhou, LS, "ordinary", n=9, absent=["m7", "m8"], yes=4, no=2)
    d = run(inst_xiuzhou, m)
    assert outcomes(d, passing="majority_of_due") == {R}
    assert outcomes(d, passing="more_yes_than_no") == {P}


def test_002_m1_3_3_portfolio_owner_must_attend(inst_xiuzhou) -> None:
    """模本一 三、3: 要求分管此项工作的领导必须到会."""
    kw = dict(n=9, portfolios={"m1": ("personnel",)}, portfolio="personnel")
    away = mk(inst_xiuzhou, LS, "personnel", absent=["m1"], yes=8, **kw)
    assert all_outcomes(run(inst_xiuzhou, away)) == {PV}
    here = mk(inst_xiuzhou, LS, "personnel", yes=9, **kw)
    assert all_outcomes(run(inst_xiuzhou, here)) == {P}


def test_002_m1_3_4_owner_introduces_first(inst_xiuzhou) -> None:
    """模本一 三、4: 会议先由分管领导介绍待决策事项的有关情况, 然后进行讨论."""
    kw = dict(n=5, yes=5, portfolios={"m2": ("construction",)}, portfolio="construction")
    late = mk(inst_xiuzhou, LS, "major_project", order=["m1", "m2", "m3", "m4", "L"], **kw)
    assert all_outcomes(run(inst_xiuzhou, late)) == {PV}
    first = mk(inst_xiuzhou, LS, "major_project", order=["m2", "m1", "m3", "m4", "L"], **kw)
    assert all_outcomes(run(inst_xiuzhou, first)) == {P}


def test_002_speak_last_clauses_disagree(inst_xiuzhou) -> None:
    """附件1 二、2 ('一把手'最后...提出自己的意见) vs 模本一 三、4 (不应首先表明自己的观点).

    The leader speaking fourth of five breaks 附件1 but not 模本一; speaking first breaks both.
    """
    mid = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5, order=["m1", "m2", "m3", "L", "m4"])
    d = run(inst_xiuzhou, mid)
    assert outcomes(d, last_speaker="attachment1_last") == {PV}
    assert outcomes(d, last_speaker="model1_not_first") == {P}
    first = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_xiuzhou, first)) == {PV}


@pytest.mark.parametrize(
    ("category", "portfolio", "clause"),
    [("large_funds", "finance", "附件1 一"), ("personnel", "personnel", "附件1 一"),
     ("major_project", "construction", "附件1 一"), ("ordinary", "administrative_approval", "附件1 一"),
     ("bulk_procurement", "procurement", "附件1 一")],
)
def test_002_a1_1_five_not_directly_in_charge(inst_xiuzhou, category, portfolio, clause) -> None:
    """附件1 一、1-5: '一把手'不直接分管财务、组织人事、建设工程及招标、行政审批、物资采购."""
    m = mk(inst_xiuzhou, LS, category, n=7, yes=7, portfolios={"L": (portfolio,)},
           portfolio=portfolio)
    d = run(inst_xiuzhou, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "leader_may_not_own", clause)


def test_002_a1_1_leader_outside_the_item_portfolio(inst_xiuzhou) -> None:
    """附件1 一: a leader who runs culture does not run the finance item (owned by m1)."""
    m = mk(inst_xiuzhou, LS, "large_funds", n=7, yes=7,
           portfolios={"L": ("culture",), "m1": ("finance",)}, portfolio="finance")
    assert all_outcomes(run(inst_xiuzhou, m)) == {P}


def test_002_m1_3_5_chair_decides_whether_to_vote(inst_xiuzhou) -> None:
    """模本一 三、5: 会议由主持人视讨论情况决定是否进入表决程序."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5, vote_called=False)
    assert all_outcomes(run(inst_xiuzhou, m)) == {D}


def test_002_no_recorded_order_is_no_violation(inst_xiuzhou) -> None:
    """附件1 二、2 / 模本一 三、4 constrain a recorded order; none recorded -> nothing broken."""
    base = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5, chair="m1")
    m = Meeting(base.institution, base.body, base.matter, base.members, base.present,
                votes=base.votes, chair="m1", speaking_order=None)
    assert all_outcomes(run(inst_xiuzhou, m)) == {P}


def test_002_m1_3_3_owner_of_category_portfolio_must_attend(inst_xiuzhou) -> None:
    """模本一 三、3 要求分管此项工作的领导必须到会: the personnel item's owner is the member
    running personnel even if the meeting file names no portfolio."""
    m = mk(inst_xiuzhou, LS, "personnel", n=9, absent=["m1"], yes=8,
           portfolios={"m1": ("personnel",)})
    assert run(inst_xiuzhou, m).outcome == PV
