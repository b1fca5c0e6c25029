"""Property-based tests of the reference evaluator over random well-formed meetings.

For every built-in (institution, body, matter) and every reading combination of its open
points:

* monotonicity in yes votes (the exact statement is in :func:`test_monotone_in_yes_votes`);
* absentees' written opinions never change the outcome under ``not_counted``;
* ``decide`` is deterministic, ``by_reading[0]`` is the default reading and its outcome,
  and each entry of ``by_reading`` equals deciding under that one reading;
* a meeting survives the JSON round trip (``meeting_to_dict`` / ``meeting_from_dict``).
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.evaluator import decide
from model.io import meeting_from_dict, meeting_to_dict
from model.loader import builtin_ids, load_institution
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote

PAIRS = [(iid, body, matter) for iid in builtin_ids()
         for body, matter in load_institution(iid).pairs()]
PAIR_IDS = [f"{iid.split('_')[0]}-{body}-{matter}" for iid, body, matter in PAIRS]

PORTFOLIOS = ["personnel", "finance", "construction", "procurement", "administrative_approval",
              "publicity"]
CAST = [Vote.YES, Vote.NO, Vote.ABSTAIN, Vote.DEFER]
LEANING = [Vote.YES, Vote.YES, Vote.YES, Vote.NO, Vote.NO, Vote.ABSTAIN, Vote.DEFER, None]
SETTINGS = settings(max_examples=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def meetings(draw: Any, iid: str, body: str, matter: str) -> Meeting:
    """A random well-formed meeting of ``body`` on a ``matter`` item (1..8 members)."""
    n = draw(st.integers(1, 8))
    ids = [f"p{i}" for i in range(n)]
    lead = draw(st.integers(0, n - 1))
    members = tuple(
        Member(ids[i], "leader" if i == lead else draw(st.sampled_from(["deputy", "member"])),
               tuple(draw(st.lists(st.sampled_from(PORTFOLIOS), max_size=2, unique=True))))
        for i in range(n)
    )
    present = [i for i in ids if draw(st.integers(0, 6)) > 0]  # mostly present
    if not present:  # a well-formed meeting has someone present
        present = [draw(st.sampled_from(ids))]
    if ids[lead] in present:
        chair = draw(st.sampled_from([None, None, *present]))
    else:
        chair = draw(st.sampled_from(present))
    recused = [i for i in present if draw(st.integers(0, 5)) == 0]
    voters = [i for i in present if i not in recused]
    votes = {i: v for i in voters if (v := draw(st.sampled_from(LEANING))) is not None}
    absent = [i for i in ids if i not in present]
    opinions = {i: v for i in absent if (v := draw(st.sampled_from([*CAST, None]))) is not None}
    order = (draw(st.permutations(voters)) if voters and draw(st.integers(0, 2)) == 0
             else None)
    facts = MatterFacts(
        category=matter,
        amount=draw(st.one_of(st.none(), st.integers(0, 30_000_000))),
        portfolio=draw(st.one_of(st.none(), st.sampled_from(PORTFOLIOS))),
        persons_involved=tuple(i for i in ids if draw(st.integers(0, 9)) == 0),
        emergency=draw(st.booleans()),
        ad_hoc=draw(st.integers(0, 7)) == 0,
    )
    return Meeting(iid, body, facts, members, frozenset(present), frozenset(recused),
                   opinions, tuple(order) if order is not None else None, votes, chair,
                   vote_called=draw(st.integers(0, 9)) > 0)


def _with_vote(m: Meeting, member: str, vote: Vote) -> Meeting:
    if member in m.present:
        return replace(m, votes={**m.votes, member: vote})
    return replace(m, written_opinions={**m.written_opinions, member: vote})


@pytest.mark.parametrize(("iid", "body", "matter"), PAIRS, ids=PAIR_IDS)
@SETTINGS
@given(data=st.data())
def test_monotone_in_yes_votes(iid: str, body: str, matter: str, data: Any) -> None:
    """Turning one stated no/defer (or a written opinion) into YES, reading by reading:

    * no quorum / procedure violation never change (votes do not enter those checks);
    * without a margin deferral (|yes - no| <= k) the outcome stays or becomes ``passed``;
    * with a margin deferral, ``passed`` stays ``passed`` (in every built-in a pass needs
      yes > no, so the switch only widens the margin), but a switch may create a close split
      (rejected -> deferred) or end one (deferred -> rejected): that non-monotonicity is real,
      see the two concrete meetings below.
    """
    inst = load_institution(iid)
    rs = inst.ruleset(body, matter)
    m = data.draw(meetings(iid, body, matter))
    # a stated no or defer becomes yes: every position rule accepts both, so only the count
    # changes (abstain -> yes could cure a 同意/不同意/暂缓 duty; silence -> yes, a silence)
    voters = [i for i in sorted(m.present - m.recused) if m.vote_of(i) in (Vote.NO, Vote.DEFER)]
    writers = [i for i, v in sorted(m.written_opinions.items()) if v != Vote.YES]
    if not voters + writers:
        return
    who = data.draw(st.sampled_from(voters + writers))
    m2 = _with_vote(m, who, Vote.YES)
    before, after = decide(m, inst), decide(m2, inst)
    for (c1, o1), (c2, o2) in zip(before.by_reading, after.by_reading, strict=True):
        assert c1 == c2
        spec = rs.spec(c1)
        if spec.chair_calls_vote == "when_split" and not m.vote_called:
            # 办公会 六: postponing is lawful only while the positions are split.  One more yes
            # can end a split (the withheld decision becomes a violation) or start one (an
            # undivided item withheld, a violation, becomes a lawful postponement)
            assert o2 in (o1, Outcome.PROCEDURE_VIOLATION, Outcome.DEFERRED), (c1, o1, o2)
            if o2 == Outcome.DEFERRED != o1:
                # ...and then withholding was the only violation: had the chair called the
                # vote, the meeting would have broken no procedure
                assert o1 == Outcome.PROCEDURE_VIOLATION, (c1, o1, o2)
                called = decide(replace(m, vote_called=True), inst, c1).outcome
                assert called != Outcome.PROCEDURE_VIOLATION, (c1, called)
        elif o1 in (Outcome.NO_QUORUM, Outcome.PROCEDURE_VIOLATION):
            assert o2 == o1, (c1, o1, o2)
        elif o1 == Outcome.PASSED:
            assert o2 == Outcome.PASSED, (c1, o1, o2)
        elif spec.deferral.kind == "none":
            assert o2 in (o1, Outcome.PASSED), (c1, o1, o2)
        else:
            assert o2 in (Outcome.REJECTED, Outcome.DEFERRED, Outcome.PASSED), (c1, o1, o2)


def _ordinary_001(yes: int, no: int, n: int, present: int) -> Meeting:
    members = tuple(Member(f"m{i}", "leader" if i == 0 else "member") for i in range(n))
    here = [f"m{i}" for i in range(present)]
    votes = {h: (Vote.YES if k < yes else Vote.NO if k < yes + no else Vote.ABSTAIN)
             for k, h in enumerate(here[1:] + here[:1])}
    return Meeting("prefecture_medical_security_party_group", "party_group",
                   MatterFacts("ordinary"), members, frozenset(here), votes=votes,
                   speaking_order=tuple(here[1:] + here[:1]))


def test_close_split_reading_is_not_monotone_by_hand() -> None:
    """seed 001 第二十一条(四) read as 'close split' (|yes - no| <= 1 defers), every present
    member stating 同意 or 不同意 as 第二十一条(四) requires:

    * 7 of 7 present, 2 yes : 5 no -> rejected (margin 3); one no -> yes gives 3 : 4 -> deferred;
    * 9 members, 6 present (3*6 >= 2*9), 3 yes : 3 no -> deferred; one no -> yes gives 4 : 2,
      no longer close, and 2*4 = 8 <= 9 -> rejected.
    """
    close = {"deferral": "close_split"}

    def outcome(m: Meeting) -> Outcome:
        d = decide(m)
        return next(o for c, o in d.by_reading
                    if all(c.get(k) == v for k, v in close.items())
                    and c.get("ad_hoc") == "forbidden_except_emergency"
                    and c.get("recused_in_base") == "recused_counted")

    assert outcome(_ordinary_001(2, 5, 7, 7)) == Outcome.REJECTED
    assert outcome(_ordinary_001(3, 4, 7, 7)) == Outcome.DEFERRED
    assert outcome(_ordinary_001(3, 3, 9, 6)) == Outcome.DEFERRED
    assert outcome(_ordinary_001(4, 2, 9, 6)) == Outcome.REJECTED


@pytest.mark.parametrize(("iid", "body", "matter"), PAIRS, ids=PAIR_IDS)
@SETTINGS
@given(data=st.data())
def test_absentee_opinions_never_matter_when_not_counted(iid: str, body: str, matter: str,
                                                         data: Any) -> None:
    """Where a reading says ``absentee_opinions = "not_counted"`` (e.g. seed 001 第二十一条(四),
    seed 004 议事规则 四(四)), removing or changing every written opinion changes nothing."""
    inst = load_institution(iid)
    rs = inst.ruleset(body, matter)
    m = data.draw(meetings(iid, body, matter))
    absent = [mm.id for mm in m.members if mm.id not in m.present]
    other = {i: data.draw(st.sampled_from(CAST)) for i in absent}
    variants = [replace(m, written_opinions={}), replace(m, written_opinions=other)]
    base = decide(m, inst)
    others = [decide(v, inst) for v in variants]
    checked = 0
    for k, (choice, outcome) in enumerate(base.by_reading):
        if rs.spec(choice).absentee_opinions != "not_counted":
            continue
        checked += 1
        for d in others:
            assert d.by_reading[k] == (choice, outcome)
            if k == 0:
                assert d.tally == base.tally
    assert checked >= 1 or all(rs.spec(c).absentee_opinions == "counted" for c in rs.choices())


@pytest.mark.parametrize(("iid", "body", "matter"), PAIRS, ids=PAIR_IDS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_decide_is_deterministic_and_default_reading_first(iid: str, body: str, matter: str,
                                                           data: Any) -> None:
    inst = load_institution(iid)
    rs = inst.ruleset(body, matter)
    m = data.draw(meetings(iid, body, matter))
    d1, d2 = decide(m, inst), decide(m, inst)
    assert d1 == d2
    assert decide(m) == d1  # loading the institution by id gives the same decision
    default = {p.field: p.readings[0].name for p in rs.points}
    assert dict(d1.reading) == default
    assert dict(d1.by_reading[0][0]) == default
    assert d1.by_reading[0][1] == d1.outcome
    expected_count = 1
    for p in rs.points:
        expected_count *= len(p.readings)
    assert len(d1.by_reading) == expected_count
    assert len({tuple(sorted(c.items())) for c, _ in d1.by_reading}) == expected_count
    for choice, outcome in d1.by_reading:
        one = decide(m, inst, choice=choice)
        assert one.outcome == outcome
        assert len(one.by_reading) == 1
    assert d1.readings_agree is (len({o for _, o in d1.by_reading}) == 1)


@pytest.mark.parametrize(("iid", "body", "matter"), PAIRS, ids=PAIR_IDS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_json_round_trip(iid: str, body: str, matter: str, data: Any) -> None:
    m = data.draw(meetings(iid, body, matter))
    text = json.dumps(meeting_to_dict(m), ensure_ascii=False)
    back = meeting_from_dict(json.loads(text))
    assert back == m
    assert decide(back).by_reading == decide(m).by_reading


def test_json_round_trip_with_explicit_no_vote() -> None:
    base = Meeting.simple("xiuzhou_district", "leadership", "ordinary", n=3, present=3, yes=2)
    m = replace(base, votes={**base.votes, "m2": Vote.NONE})
    assert meeting_from_dict(json.loads(json.dumps(meeting_to_dict(m)))) == m
