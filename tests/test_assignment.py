"""Separation of duties with Z3 (proofs/assignment.py): existence and concentration, each
answer against brute-force enumeration; ``unknown`` stays ``unknown``; a disagreement with
the plain-Python check is loud."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.errors import InternalDisagreement
from model.loader import load_institution
from model.meeting import Member
from model.organisation import SeparationReading, separation_rule, violations, with_assignment
from proofs import assignment
from proofs.assignment import exists, most_concentrated
from proofs.solve import Answer

SEEDS = ("prefecture_medical_security_party_group", "xiuzhou_district",
         "city_medical_security_bureau")
READINGS = [r for iid in SEEDS for r in separation_rule(load_institution(iid)).readings()]


def brute_force(members: Sequence[Member], reading: SeparationReading) -> list[dict]:
    """Every valid assignment, by enumerating every owner (or nobody) for every portfolio."""
    options = [m.id for m in members] + [None]
    out = []
    for combo in itertools.product(options, repeat=len(reading.forbidden)):
        owner = dict(zip(reading.forbidden, combo, strict=True))
        if not violations(with_assignment(members, reading, owner), reading):
            out.append(owner)
    return out


boards = st.lists(st.sampled_from(["deputy", "member"]), min_size=0, max_size=3).map(
    lambda roles: [Member("L", "leader")] + [Member(f"x{i}", r) for i, r in enumerate(roles)])


@settings(max_examples=40, deadline=None)
@given(boards, st.sampled_from(READINGS))
def test_z3_equals_brute_force(members: list[Member], reading: SeparationReading) -> None:
    """exists() is sat exactly when enumeration finds a valid assignment, and the most one
    member can hold equals the enumerated maximum."""
    valid = brute_force(members, reading)
    a = exists(members, reading)
    assert a.status == ("sat" if valid else "unsat")
    if valid:
        assert a.owner in valid
    best = max((max(list(o.values()).count(m.id) for m in members) for o in valid), default=None)
    c = most_concentrated(members, reading)
    assert c.count == best
    if valid:
        assert c.owner in valid and list(c.owner.values()).count(c.holder) == best


@pytest.mark.parametrize(("iid", "forbidden"), [
    # the lists as the seeds write them, read by hand
    ("prefecture_medical_security_party_group", {"personnel", "finance", "construction", "procurement"}),  # 人事、财务、工程项目建设、物资采购
    ("xiuzhou_district", {"finance", "personnel", "construction", "administrative_approval", "procurement"}),  # 附件1 一、1-5
    ("city_medical_security_bureau", {"personnel", "finance", "procurement", "construction", "administrative_approval"}),  # 二、1(1)-(5)
])
def test_no_deputy_no_assignment_where_the_text_requires_one(iid: str, forbidden: set[str]) -> None:
    """A leader and two plain members: seed 004 requires a deputy (由分管副职…), so no valid
    assignment; seed 002's default (分管领导: any member but the 一把手) has one; seed 001 has
    one under both readings."""
    rule = separation_rule(load_institution(iid))
    assert set(rule.forbidden) == forbidden
    board = [Member("L", "leader"), Member("a", "member"), Member("b", "member")]
    answers = {r.name: exists(board, r) for r in rule.readings()}
    if iid == "city_medical_security_bureau":
        assert {a.status for a in answers.values()} == {"unsat"}
        assert all(a.core == ("seed 004, 五个不直接分管 二、1(1)-(5)",) for a in answers.values())
    elif iid == "xiuzhou_district":
        assert answers["runners=leader_in_charge, four_eyes=none"].status == "sat"
        assert answers["runners=deputy, four_eyes=none"].status == "unsat"
    else:
        assert {a.status for a in answers.values()} == {"sat"}


def test_one_deputy_cannot_sign_twice_under_distinct() -> None:
    """seed 004, 五个不直接分管 二、1(4): with one deputy, the 'distinct' reading has no valid
    assignment (its core names 二、1(4)); 'may_coincide' lets him run all five."""
    rule = separation_rule(load_institution("city_medical_security_bureau"))
    board = [Member("L", "leader"), Member("d", "deputy"), Member("m", "member")]
    distinct, coincide = rule.readings()
    a = exists(board, distinct)
    assert a.status == "unsat" and "seed 004, 五个不直接分管 二、1(4)" in a.core
    c = most_concentrated(board, coincide)
    assert (c.status, c.holder, c.count) == ("sat", "d", 5)


def test_leader_alone_under_seed001() -> None:
    """seed 001, 第三条(五): a board of the secretary alone has no valid assignment when the
    work must be run by another member, and a trivial one (nobody) when it need not be."""
    rule = separation_rule(load_institution("prefecture_medical_security_party_group"))
    non_leader, not_required = rule.readings()
    assert exists([Member("L", "leader")], non_leader).status == "unsat"
    a = exists([Member("L", "leader")], not_required)
    assert a.status == "sat" and set(a.owner.values()) == {None}


def test_unknown_is_its_own_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assignment.Query, "check",
                        lambda self, assumptions=(): Answer("unknown", reason="timeout"))
    a = exists([Member("L", "leader"), Member("d", "deputy")], READINGS[0])
    assert (a.status, a.owner, a.core, a.reason) == ("unknown", {}, (), "timeout")


def test_python_disagreement_is_loud(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unsat answer that the plain-Python search refutes raises InternalDisagreement."""
    monkeypatch.setattr(assignment, "find_valid", lambda members, reading: {"x": "d"})
    with pytest.raises(InternalDisagreement):
        exists([Member("L", "leader")], READINGS[0])
