"""seed 002: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py).

Default readings of the rule file (each open point's first): unclear_matter = defer,
chair_delegation = leader_absent, ad_hoc = screened_items_only, last_speaker =
attachment1_last, decision_form = vote (四重一大 items), passing = majority_of_due (一般性事项).
"""

from __future__ import annotations

from pathlib import Path

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

from model.io import load_meeting
from model.meeting import Meeting

EXAMPLES = Path(__file__).resolve().parents[1] / "model" / "examples"

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
    """模本一 三、5: 会议由主持人视讨论情况决定是否进入表决程序 (decision_form = vote, the
    default) vs 附件1 二、2: 经会议讨论后作出决策 (票决 only encouraged).  5 members, all yes,
    no vote called: deferred under 'vote'; under the discussion reading 10 > 5: passed."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5, vote_called=False)
    d = run(inst_xiuzhou, m)
    assert d.outcome == D
    assert outcomes(d, decision_form="vote") == {D}
    assert outcomes(d, decision_form="decision_after_discussion") == {P}


def test_002_m1_3_5_ordinary_item_needs_the_called_vote(inst_xiuzhou) -> None:
    """模本一 三、5: for a 一般性事项 the chair's call on the vote binds (附件1 二、2 governs
    四重一大 items only): no vote called, deferred under every reading."""
    m = mk(inst_xiuzhou, LS, "ordinary", n=5, yes=5, vote_called=False)
    assert all_outcomes(run(inst_xiuzhou, m)) == {D}


@pytest.mark.parametrize(("chair", "absent"), [(None, ()), ("m1", ("L",))])
def test_002_no_recorded_order_is_no_violation(inst_xiuzhou, chair, absent) -> None:
    """附件1 二、2 / 模本一 三、4 constrain a recorded order; none recorded -> nothing broken.
    With L away m1 chairs (allowed under every delegation reading but 'forbidden')."""
    base = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5 - len(absent), chair=chair,
              absent=absent)
    m = Meeting(base.institution, base.body, base.matter, base.members, base.present,
                votes=base.votes, chair=chair, speaking_order=None)
    d = run(inst_xiuzhou, m)
    assert d.outcome == P
    assert outcomes(d, chair_delegation="leader_absent") == {P}


def test_002_m1_3_3_owner_of_category_portfolio_must_attend(inst_xiuzhou) -> None:
    """模本一 三、3 要求分管此项工作的领导必须到会: the personnel item's owner is the member
    running personnel even if the meeting file names no portfolio."""
    m = mk(inst_xiuzhou, LS, "personnel", n=9, absent=["m1"], yes=8,
           portfolios={"m1": ("personnel",)})
    assert run(inst_xiuzhou, m).outcome == PV


# ---- v2 boundary meetings ---------------------------------------------------------------

def test_002_m1_3_4_silent_owner(inst_xiuzhou) -> None:
    """模本一 三、4: 会议先由分管领导介绍…; 每位领导必须发表自己的意见.  The construction owner
    m2 is present and says nothing: he did not speak first, and he stated no view."""
    m = mk(inst_xiuzhou, LS, "major_project", n=5, yes=["m1", "m3", "m4", "L"],
           order=["m1", "m3", "m4", "L"], portfolios={"m2": ("construction",)},
           portfolio="construction")
    d = run(inst_xiuzhou, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "owner_speaks_first", "模本一 三、4")
    assert has_reason(d, "positions_required", "模本一 三、4")


def test_002_m1_3_4_silent_other_member(inst_xiuzhou) -> None:
    """模本一 三、4: 每位领导必须发表自己的意见.  The owner m2 speaks first; m3 says nothing:
    a violation of the duty to state a view, not of owner-first."""
    m = mk(inst_xiuzhou, LS, "major_project", n=5, yes=["m2", "m1", "m4", "L"],
           order=["m2", "m1", "m4", "L"], portfolios={"m2": ("construction",)},
           portfolio="construction")
    d = run(inst_xiuzhou, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "positions_required", "模本一 三、4")
    assert not has_reason(d, "owner_speaks_first", "")


def test_002_m1_3_4_abstention_is_a_view(inst_xiuzhou) -> None:
    """模本一 三、4 每位领导必须发表自己的意见; 三、5 records 弃权: m3 speaks and abstains.
    5 present (15 >= 10), 4 yes: 8 > 5: passed under every reading."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=["m1", "m2", "m4", "L"])
    assert all_outcomes(run(inst_xiuzhou, m)) == {P}


def test_002_a1_2_2_silent_leader(inst_xiuzhou) -> None:
    """附件1 二、2: '一把手'最后…提出自己的意见; 模本一 三、4: 每位领导必须发表自己的意见.
    m1..m4 yes, L silent: the attachment-1 reading breaks speak-last; the 'not first'
    reading does not, but the duty to state a view breaks under both."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=["m1", "m2", "m3", "m4"],
           order=["m1", "m2", "m3", "m4"])
    d = run(inst_xiuzhou, m)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "last_speaker", "附件1 二、2")
    assert has_reason(d, "positions_required", "模本一 三、4")


def test_002_m1_3_4_absent_member_is_not_an_earlier_speaker(inst_xiuzhou) -> None:
    """模本一 三、4 会议先由分管领导介绍: m1 is away and not in the speaking record; the owner
    m2 speaks first among those present.  4 of 5 present (12 >= 10), 4 yes (8 > 5)."""
    m = mk(inst_xiuzhou, LS, "major_project", n=5, absent=["m1"], yes=4,
           order=["m2", "m3", "m4", "L"], portfolios={"m2": ("construction",)},
           portfolio="construction")
    assert all_outcomes(run(inst_xiuzhou, m)) == {P}


@pytest.mark.parametrize(("yes", "no", "out"), [
    (["m1", "m2", "L"], ["m3", "m4"], R),   # 3 yes of 5 present, but 2*3 = 6 <= 7 due
    (["m1", "m2", "m3", "L"], ["m4"], P),   # 4 yes of 7 due: 8 > 7
])
def test_002_m1_3_5_due_base_boundary(inst_xiuzhou, yes, no, out) -> None:
    """模本一 三、5: 赞成票数超过应到领导班子成员半数的为通过; 5 of 7 present (15 >= 14).
    The same under both decision forms (no reading has a base of its own)."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=7, absent=["m5", "m6"], yes=yes, no=no)
    assert all_outcomes(run(inst_xiuzhou, m)) == {out}


def test_002_a1_2_2_discussion_decision_is_not_the_leaders(inst_xiuzhou) -> None:
    """附件1 二、1 必须由领导班子集体研究作出决定; 二、2 the 一把手 only 提出自己的意见.
    No vote called; L yes, four no: 'vote' defers; after discussion 1 yes of 5: rejected."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=["L"], no=["m1", "m2", "m3", "m4"],
           vote_called=False)
    d = run(inst_xiuzhou, m)
    assert outcomes(d, decision_form="vote") == {D}
    assert outcomes(d, decision_form="decision_after_discussion") == {R}


@pytest.mark.parametrize(("category", "emergency", "screened", "except_emergency"), [
    ("major_decision", False, PV, PV),
    ("emergency", True, PV, P),
])
def test_002_m1_3_2_ad_hoc_items(inst_xiuzhou, category, emergency, screened,
                                 except_emergency) -> None:
    """No 临时动议 clause; 模本一 三、2 screens every item before the meeting (default: only
    screened items).  5 members, all yes (10 > 5)."""
    m = mk(inst_xiuzhou, LS, category, n=5, yes=5, ad_hoc=True, emergency=emergency)
    d = run(inst_xiuzhou, m)
    assert d.outcome == screened
    assert outcomes(d, ad_hoc="screened_items_only") == {screened}
    assert outcomes(d, ad_hoc="except_emergency") == {except_emergency}
    assert outcomes(d, ad_hoc="allowed") == {P}


def test_002_m1_3_1_unclear_item(inst_xiuzhou) -> None:
    """模本一 三、1: 不成熟的工作方案原则上不列入决策范围 (default: an item whose major
    questions are still unclear is deferred).  5 members, all yes."""
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, yes=5, unclear=True)
    d = run(inst_xiuzhou, m)
    assert d.outcome == D
    assert outcomes(d, unclear_matter="screening_only") == {P}


@pytest.mark.parametrize(("absent", "chair", "leader_absent", "forbidden"), [
    ((), "m1", PV, PV),     # L present and speaking last, m1 chairs
    (("L",), "m1", P, PV),  # L away: 4 of 5 (12 >= 10), 4 yes (8 > 5)
])
def test_002_m1_3_5_chair_delegation(inst_xiuzhou, absent, chair, leader_absent, forbidden) -> None:
    """模本一 三、5 names a 主持人, but no clause says who chairs or allows 委托 (default:
    another member chairs only when the 一把手 is absent)."""
    order = [i for i in ("m1", "m2", "m3", "m4", "L") if i not in absent]
    m = mk(inst_xiuzhou, LS, "major_decision", n=5, absent=absent, yes=len(order), chair=chair,
           order=order)
    d = run(inst_xiuzhou, m)
    assert d.outcome == leader_absent
    assert outcomes(d, chair_delegation="leader_absent") == {leader_absent}
    assert outcomes(d, chair_delegation="forbidden") == {forbidden}
    assert outcomes(d, chair_delegation="allowed") == {P}


@pytest.mark.parametrize("category", ["budget", "asset_and_finance"])
def test_002_m1_1_3_finance_items(inst_xiuzhou, category) -> None:
    """模本一 一(三)2/3 财权议题 with 附件1 一、1 ('一把手'不直接分管财务) and 模本一 三、3
    (分管此项工作的领导必须到会): the leader may not own it; its finance owner must attend."""
    led = mk(inst_xiuzhou, LS, category, n=5, yes=5, portfolios={"L": ("finance",)})
    d = run(inst_xiuzhou, led)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "leader_may_not_own", "附件1 一")
    away = mk(inst_xiuzhou, LS, category, n=5, absent=["m1"], yes=4,
              portfolios={"m1": ("finance",)})
    d = run(inst_xiuzhou, away)
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "owner_absent", "模本一 三、3")


def test_002_example_meeting_silent_member(inst_xiuzhou) -> None:
    """model/examples/xiuzhou_personnel_silent_member.json, by hand: 6 of 7 present
    (18 >= 14), 4 yes of 7 due (8 > 7) would pass, but chen is present and silent:
    模本一 三、4 每位领导必须发表自己的意见 is broken under every reading."""
    d = run(inst_xiuzhou, load_meeting(EXAMPLES / "xiuzhou_personnel_silent_member.json"))
    assert all_outcomes(d) == {PV}
    assert has_reason(d, "positions_required", "模本一 三、4")
