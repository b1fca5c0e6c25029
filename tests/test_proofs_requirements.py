"""Requirements that bind together (design section 1): decisive, redundant, and where they differ.

Expectations are threshold arithmetic by hand (DOMAIN.md): ``at least k/d of n`` needs
``ceil(k n / d)``, ``more than k/d of n`` needs ``floor(k n / d) + 1``.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from model.loader import load_institution
from model.rules import Base, Passing, Requirement
from model.thresholds import Share
from proofs.context import Context
from proofs.properties import get_property
from proofs.requirements import differ_pattern, field_report

HALF = Requirement(Share(1, 2, False), "seed 004, 议事规则 四(二)")       # 半数以上
TWO_THIRDS = Requirement(Share(2, 3, False), "seed 004, 三重一大 三(五)")  # 达到三分之二
OVER_TWO_THIRDS = Requirement(Share(2, 3, True), "seed 004, 三重一大 四(二)2")  # 超过三分之二


@st.composite
def shares(draw: st.DrawFn) -> Share:
    den = draw(st.integers(1, 12))
    num = draw(st.integers(0, den))
    return Share(num, den, draw(st.booleans()) if num < den else False)


@settings(max_examples=300, deadline=None)
@given(shares(), shares())
def test_pattern_equals_brute_force_over_n(a: Share, b: Share) -> None:
    """The closed-form pattern says "differ" at n exactly when some count 0..n meets one
    share of n and not the other (brute force over n = 1..300)."""
    p = differ_pattern(a, b)
    for n in range(1, 301):
        brute = any(a.holds(c, n) != b.holds(c, n) for c in range(n + 1))
        assert p.differs(n) == brute, (a, b, n, p)


def test_at_least_and_more_than_two_thirds_differ_exactly_when_3_divides_n() -> None:
    """seed 004 三重一大 三(五) 达到三分之二 vs 四(二)2 超过三分之二: n = 9 needs 6 vs 7 (3*6 = 18
    is 2/3 of 27 but not more); n = 10 needs 7 for both (20/3 = 6.67)."""
    p = differ_pattern(TWO_THIRDS.rule, OVER_TWO_THIRDS.rule)
    assert p.text == "exactly when 3 divides n"
    assert [n for n in range(3, 16) if p.differs(n)] == [3, 6, 9, 12, 15]


def test_decisive_and_redundant_quorum_at_9_and_10() -> None:
    """seed 004 议事规则 四(二) 半数以上 + 三重一大 三(五) + 四(二)2, all bind.  n = 9: more than
    2/3 needs 7, at least 2/3 needs 6, half needs 5: only 四(二)2 decides.  n = 10: at least
    2/3 and more than 2/3 both need 7 (they stand together), half needs 5: redundant."""
    reqs = (HALF, TWO_THIRDS, OVER_TWO_THIRDS)
    r9 = field_report("quorum", reqs, 9)
    assert r9.decisive == (OVER_TWO_THIRDS,) and r9.redundant == (HALF, TWO_THIRDS)
    assert not r9.agree
    assert any("exactly when 3 divides n" in line for line in r9.differences)
    r10 = field_report("quorum", reqs, 10)
    assert r10.decisive == (TWO_THIRDS, OVER_TWO_THIRDS) and r10.redundant == (HALF,)
    assert field_report("quorum", (TWO_THIRDS, OVER_TWO_THIRDS), 10).agree


def test_passing_on_different_bases_both_decide() -> None:
    """seed 004 议事规则 四(四) 超过应到会半数 (due) + 三重一大 四(二)2 超过三分之二 (eligible), n = 9:
    8 eligible with 5 yes meets >1/2 of 9 (10 > 9) but not >2/3 of 8 (15 < 16): the 2/3 rule
    decides; 3 eligible with 3 yes meets >2/3 of 3 but not >1/2 of 9: the due rule decides."""
    due = Requirement(Passing(Share(1, 2, True), Base.DUE), "seed 004, 议事规则 四(四)")
    elig = Requirement(Passing(Share(2, 3, True), Base.ELIGIBLE), "seed 004, 三重一大 四(二)2")
    r = field_report("passing", (due, elig), 9)
    assert r.decisive == (due, elig) and not r.redundant and not r.agree


def test_same_rule_cited_twice_agrees() -> None:
    """The same threshold from two clauses: nothing differs, neither is redundant alone."""
    other = replace(HALF, cite="seed 004, 议事规则 四(四)")
    r = field_report("quorum", (HALF, other), 7)
    assert r.agree and r.decisive == (HALF, other)


def test_requirements_agree_is_a_registered_property() -> None:
    """The registry shows the report: at n = 9 the three quorum clauses of seed 004 differ,
    at n = 4 (half needs 2, at least 2/3 needs 3, more than 2/3 needs 3) too; with one
    clause the property does not apply."""
    inst = load_institution("city_medical_security_bureau")
    rs = inst.ruleset("party_group", "cadre")
    rs3 = rs.with_values(quorum=(HALF, TWO_THIRDS, OVER_TWO_THIRDS), passing=rs.default().passing[:1])
    prop = get_property("requirements_agree")
    v = prop.check(Context(inst, rs3, {p.field: p.readings[0].name for p in rs3.points}, 9))
    assert v.status == "fails"
    assert "decisive more than 2/3 (seed 004, 三重一大 四(二)2)" in v.detail
    assert "exactly when 3 divides n" in v.detail
    rs1 = rs.with_values(quorum=(HALF,), passing=rs.default().passing[:1])
    v = prop.check(Context(inst, rs1, {p.field: p.readings[0].name for p in rs1.points}, 9))
    assert v.status == "n/a"
