"""Concrete meetings derived by hand from the seed clauses, one institution at a time.

Each test names its clause.  Expectations come from reading the seed text (and the
threshold arithmetic of DOMAIN.md), never from running the code.  Where a rule file
records open points (named readings), the per-reading outcomes are asserted through
:func:`outcomes`.  Tests marked ``xfail(strict=True)`` are places where the encoding
seems to misread the seed; the reason says which clause and which meeting.

Board convention of this file: members ``L`` (the leader, 一把手 / 党组书记 / 局长 / 区长)
and ``m1 .. m{n-1}``; members listed in ``absent`` are away; a present, non-recused member
who is not listed in ``yes``/``no``/``defer`` abstains.  Unless a test says otherwise the
speaking order is: portfolio owners first, the other members, then the leader, then a
delegated chair (so the speak-last rules are respected).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pytest

from model.evaluator import Decision, decide
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote
from model.rules import Institution

P = Outcome.PASSED
R = Outcome.REJECTED
D = Outcome.DEFERRED
NQ = Outcome.NO_QUORUM
PV = Outcome.PROCEDURE_VIOLATION


def ids(n: int) -> list[str]:
    return ["L"] + [f"m{i}" for i in range(1, n)]


def mk(
    inst: Institution,
    body: str,
    category: str,
    *,
    n: int,
    absent: Iterable[str] = (),
    yes: Iterable[str] | int = (),
    no: Iterable[str] | int = (),
    defer: Iterable[str] = (),
    recused: Iterable[str] = (),
    opinions: Mapping[str, Vote] | None = None,
    order: Iterable[str] | None = None,
    chair: str | None = None,
    portfolios: Mapping[str, tuple[str, ...]] | None = None,
    vote_called: bool = True,
    **matter: object,
) -> Meeting:
    """Build a Meeting explicitly (see the module docstring for the conventions).

    ``yes``/``no`` given as an int mean "the first k present, non-recused members
    (``L`` first), then the next k".
    """
    everyone = ids(n)
    absent = set(absent)
    recused = set(recused)
    portfolios = dict(portfolios or {})
    members = tuple(
        Member(i, "leader" if i == "L" else "member", tuple(portfolios.get(i, ())))
        for i in everyone
    )
    here = [i for i in everyone if i not in absent]
    voters = [i for i in here if i not in recused]
    if isinstance(yes, int):
        yes = voters[:yes]
    yes = list(yes)
    if isinstance(no, int):
        rest = [i for i in voters if i not in yes]
        no = rest[:no]
    votes = {i: Vote.YES for i in yes} | {i: Vote.NO for i in no} | {i: Vote.DEFER for i in defer}
    facts = MatterFacts(category, **matter)  # type: ignore[arg-type]
    if order is None:
        chair_id = chair or "L"
        owners = [i for i in voters if facts.portfolio and facts.portfolio in portfolios.get(i, ())
                  and i != "L"]
        middle = [i for i in voters if i not in owners and i not in ("L", chair_id)]
        tail = [i for i in dict.fromkeys(["L", chair_id]) if i in voters]
        order = owners + middle + tail
    return Meeting(
        institution=inst.id, body=body, matter=facts, members=members,
        present=frozenset(here), recused=frozenset(recused),
        written_opinions=dict(opinions or {}), speaking_order=tuple(order),
        votes=votes, chair=chair, vote_called=vote_called,
    )


def run(inst: Institution, meeting: Meeting) -> Decision:
    return decide(meeting, inst)


def outcomes(d: Decision, **choice: str) -> set[Outcome]:
    """Outcomes of every reading combination that includes ``choice``."""
    got = {o for c, o in d.by_reading if all(c.get(k) == v for k, v in choice.items())}
    assert got, f"no reading combination matches {choice}; have {[c for c, _ in d.by_reading]}"
    return got


def all_outcomes(d: Decision) -> set[Outcome]:
    return {o for _, o in d.by_reading}


def has_reason(d: Decision, rule: str, cite_part: str) -> bool:
    return any(r.rule == rule and cite_part in r.cite for r in d.reasons)


# =====================================================================================
# seed 001: prefecture Medical Security Bureau party group (第二十一条 etc.)
# =====================================================================================
PG = "party_group"


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


# =====================================================================================
# seed 000: Alxa League Medical Security Bureau (末位发言)
# =====================================================================================
LS = "leadership"


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


# =====================================================================================
# seed 004: city Medical Security Bureau rule compilation
# =====================================================================================
DO = "director_office"


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
