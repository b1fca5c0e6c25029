"""seed 000: concrete meetings derived by hand from the seed clauses (see tests/meeting_kit.py)."""

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
    mk,
    outcomes,
    run,
)

from model.meeting import Vote

# =====================================================================================
# seed 000: Alxa League Medical Security Bureau (末位发言)
# =====================================================================================


def test_000_s3_leader_may_not_speak_first_or_mid(inst_alxa) -> None:
    """第三条: 末位表态, 不得首先表态; 第三条(二) 决议形成: '一把手'最后发表自己的意见."""
    first = mk(inst_alxa, LS, "incident", n=5, yes=5, order=["L", "m1", "m2", "m3", "m4"])
    assert all_outcomes(run(inst_alxa, first)) == {PV}
    middle = mk(inst_alxa, LS, "incident", n=5, yes=5, order=["m1", "m2", "L", "m3", "m4"])
    assert all_outcomes(run(inst_alxa, middle)) == {PV}
    last = mk(inst_alxa, LS, "incident", n=5, yes=5, order=["m1", "m2", "m3", "m4", "L"])
    assert all_outcomes(run(inst_alxa, last)) == {P}


def test_000_s3_2_portfolio_owner_speaks_first(inst_alxa) -> None:
    """第三条(二) 议题表述: 分管领导在会议研究时首先发表意见."""
    kw = dict(n=5, yes=5, portfolios={"m2": ("finance",)}, portfolio="finance")
    late = mk(inst_alxa, LS, "finance", order=["m1", "m2", "m3", "m4", "L"], **kw)
    assert all_outcomes(run(inst_alxa, late)) == {PV}
    first = mk(inst_alxa, LS, "finance", order=["m2", "m1", "m3", "m4", "L"], **kw)
    assert all_outcomes(run(inst_alxa, first)) == {P}


def test_000_s3_2_owner_absent_no_attendance_rule(inst_alxa) -> None:
    """第三条(二) has the owner speak first but no clause makes his attendance a condition."""
    m = mk(inst_alxa, LS, "finance", n=5, absent=["m2"], yes=4, portfolios={"m2": ("finance",)},
           portfolio="finance")
    assert all_outcomes(run(inst_alxa, m)) == {P}  # half quorum: 8 >= 5; 4 > 0; 8 > 4


@pytest.mark.parametrize("order", [["L", "m1", "m2"], ["m1", "m2", "L"], ["m1", "L", "m2"]])
def test_000_s3_leader_owning_the_portfolio_cannot_comply(inst_alxa, order) -> None:
    """第三条 (leader last) vs 第三条(二) (owner first): if the leader owns the portfolio,
    every order with another speaker breaks one of them (seed 000 has no 不直接分管 list)."""
    m = mk(inst_alxa, LS, "cadre", n=3, yes=3, order=order, portfolios={"L": ("personnel",)},
           portfolio="personnel")
    assert all_outcomes(run(inst_alxa, m)) == {PV}


def test_000_s3_2_no_ad_hoc_items_even_in_emergency(inst_alxa) -> None:
    """第三条(二) 事前沟通: 不得临时动议 (no emergency exception in the seed)."""
    m = mk(inst_alxa, LS, "incident", n=5, yes=5, ad_hoc=True, emergency=True)
    assert all_outcomes(run(inst_alxa, m)) == {PV}


def test_000_s5_majority_readings(inst_alxa) -> None:
    """第五条 少数服从多数 (majority of what?) vs 第三条(二) (the leader synthesises).

    7 members, 4 present: L, m1 yes; m2 no; m3 abstains.  yes > no: 2 > 1 passes;
    more than half of present: 2*2 = 4 is not > 4; the leader (yes) decides: passes.
    """
    m = mk(inst_alxa, LS, "incident", n=7, absent=["m4", "m5", "m6"], yes=["L", "m1"], no=["m2"])
    d = run(inst_alxa, m)
    assert d.outcome == P
    assert outcomes(d, decision_mode="majority_vote", passing="more_yes_than_no") == {P}
    assert outcomes(d, decision_mode="majority_vote", passing="majority_of_present") == {R}
    assert outcomes(d, decision_mode="leader_synthesises") == {P}


def test_000_s3_quorum_unspecified_readings(inst_alxa) -> None:
    """第三条 requires a 班子会议 but states no quorum: 3 of 7 present holds it or not."""
    m = mk(inst_alxa, LS, "incident", n=7, absent=["m3", "m4", "m5", "m6"], yes=3)
    d = run(inst_alxa, m)
    assert outcomes(d, quorum="no_quorum_rule") == {P}
    assert outcomes(d, quorum="half") == {NQ}  # 2*3 = 6 < 7


def test_000_s3_absentee_opinion_readings(inst_alxa) -> None:
    """The seed is silent on absentees: counting two written 'yes' opinions turns 1:2 into 3:2."""
    m = mk(inst_alxa, LS, "incident", n=5, absent=["m3", "m4"], yes=["L"], no=["m1", "m2"],
           opinions={"m3": Vote.YES, "m4": Vote.YES})
    d = run(inst_alxa, m)
    assert outcomes(d, decision_mode="majority_vote", absentee_opinions="not_counted") == {R}
    assert outcomes(d, decision_mode="majority_vote", absentee_opinions="counted") == {P}
    assert outcomes(d, decision_mode="leader_synthesises") == {P}


def test_000_s3_recusal_unspecified_readings(inst_alxa) -> None:
    """No recusal clause in seed 000: an involved member who stays is a violation only if required."""
    m = mk(inst_alxa, LS, "cadre", n=5, yes=5, persons_involved=("m2",))
    d = run(inst_alxa, m)
    assert outcomes(d, recusal="none") == {P}
    assert outcomes(d, recusal="required") == {PV}


def test_000_s3_2_leader_synthesises_reading(inst_alxa) -> None:
    """第三条(二) 决议形成: the leader forms the decision; silent leader -> no decision."""
    silent = mk(inst_alxa, LS, "incident", n=3, yes=["m1", "m2"])
    d = run(inst_alxa, silent)
    assert outcomes(d, decision_mode="majority_vote") == {P}
    assert outcomes(d, decision_mode="leader_synthesises") == {D}
    against = mk(inst_alxa, LS, "incident", n=3, yes=["m1", "m2"], no=["L"])
    d = run(inst_alxa, against)
    assert outcomes(d, decision_mode="majority_vote") == {P}
    assert outcomes(d, decision_mode="leader_synthesises") == {R}
