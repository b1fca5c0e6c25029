"""Power indices: exact generating functions against brute force, closed forms,
``powerindex``, the rule semantics (ternary by enumeration) and the Monte Carlo."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.loader import builtin_ids, load_institution
from simulations.compositions import Board
from simulations.power import (
    PowerError,
    _passes,
    body_power,
    brute_force,
    sampled_power,
    sampled_shapley,
    weighted_game,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=1, max_size=11), st.data())
def test_generating_functions_equal_brute_force(weights: list[int], data: st.DataObject) -> None:
    total = sum(weights)
    if total == 0:
        return
    quota = data.draw(st.integers(1, total))
    vetoers = data.draw(st.lists(st.integers(0, len(weights) - 1), max_size=2, unique=True))
    assert weighted_game(weights, quota, vetoers) == brute_force(weights, quota, vetoers)


def test_brute_force_n15() -> None:
    w = [1, 2, 3, 5, 8, 13, 1, 2, 3, 5, 8, 1, 1, 2, 4]
    assert weighted_game(w, 30) == brute_force(w, 30)


@pytest.mark.parametrize("n", [1, 2, 7, 15, 100, 2977])
def test_equal_weights_closed_forms(n: int) -> None:
    q = n // 2 + 1
    r = weighted_game([1] * n, q)
    assert r.banzhaf_absolute == (Fraction(math.comb(n - 1, q - 1), 2 ** (n - 1)),) * n
    assert r.shapley_shubik == (Fraction(1, n),) * n
    assert r.banzhaf_normalised == (Fraction(1, n),) * n


def test_unanimity_and_dictator_closed_forms() -> None:
    n = 9
    assert weighted_game([1] * n, n).banzhaf_absolute == (Fraction(1, 2 ** (n - 1)),) * n
    d = weighted_game([1] + [0] * (n - 1), 1)
    assert d.shapley_shubik == (Fraction(1),) + (Fraction(0),) * (n - 1)


def test_same_answers_as_powerindex() -> None:
    px = pytest.importorskip("powerindex")
    rng = np.random.default_rng(3)
    for n in (5, 15, 40):
        w = [int(x) for x in rng.integers(1, 12, n)]
        q = sum(w) // 2 + 1
        game = px.Game(q, weights=w)
        game.calc()
        ours = weighted_game(w, q)
        assert np.allclose([float(x) for x in ours.banzhaf_normalised], game.banzhaf, atol=1e-12)
        assert np.allclose([float(x) for x in ours.shapley_shubik], game.shapley_shubik,
                           atol=1e-12)


def test_errors_name_the_field() -> None:
    with pytest.raises(PowerError, match="quota"):
        weighted_game([1, 2], 9)
    with pytest.raises(PowerError, match="weights"):
        weighted_game([1.5, 2], 2)  # type: ignore[list-item]


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_body_power_is_the_brute_force_game_of_the_rule(inst_id: str) -> None:
    """Enumerate all 2^n yes/no profiles through the rule semantics, under every reading
    body_power runs (each labelled with the reading whose spec it used); compare."""
    inst = load_institution(inst_id)
    for body, matter in list(inst.pairs())[:3]:
        n = 7
        rs = inst.ruleset(body, matter)
        results = body_power(inst, n=n, body=body, matter=matter, all_readings=True,
                             ternary=False)
        assert [p.reading for p in results] == list(rs.choices())
        for p in results:
            _check_against_brute_force(p, rs.spec(p.reading), n)


def test_body_power_runs_every_reading() -> None:
    """No reading is picked silently: one result per combination, in choices() order."""
    inst = load_institution("taobei_district_government")
    body, matter = next(iter(inst.pairs()))
    every = list(inst.ruleset(body, matter).choices())
    got = body_power(inst, n=5, body=body, matter=matter, ternary=False, all_readings=True)
    assert [p.reading for p in got] == every
    one = body_power(inst, n=5, body=body, matter=matter, ternary=False, reading=every[-1])
    assert [p.reading for p in one] == [every[-1]]


def _check_against_brute_force(p, spec, n: int) -> None:
    """Every yes/no profile of ``n`` present members through the semantics."""
    masks = np.array(list(itertools.product([0, 1], repeat=n)), dtype=bool).T  # (n, 2^n)
    vote = np.where(masks, 1, 2).astype(np.int8)
    wins = _passes(spec, n, np.ones_like(masks), vote, spec.chair_calls_vote)
    win_of = {tuple(col): bool(w) for col, w in zip(masks.T.tolist(), wins, strict=True)}
    swings = [0] * n
    ss = [Fraction(0)] * n
    for col, w in win_of.items():
        for i in range(n):
            if not col[i] and not w and win_of[col[:i] + (True,) + col[i + 1:]]:
                swings[i] += 1
                k = sum(col)
                ss[i] += Fraction(math.factorial(k) * math.factorial(n - 1 - k),
                                  math.factorial(n))
    assert p.banzhaf_swings == tuple(swings)
    assert p.shapley_shubik == tuple(ss)


def test_ternary_by_enumeration() -> None:
    inst = load_institution("prefecture_medical_security_party_group")
    rs = inst.ruleset("party_group", "ordinary")
    first = next(rs.choices())
    spec = rs.spec(first)
    n = 6
    [p] = body_power(inst, n=n, body="party_group", matter="ordinary", reading=first)
    states = np.array(list(itertools.product([0, 1, 2], repeat=n - 1)), dtype=np.int8).T
    for who, t in ((0, p.ternary_chair), (n - 1, p.ternary_member)):
        res = {}
        for mine in (0, 1, 2):
            full = np.insert(states, who, mine, axis=0)
            res[mine] = _passes(spec, n, full != 0, full, spec.chair_calls_vote).astype(int)
        total = 3 ** (n - 1)
        assert t is not None
        assert t.no_to_yes == Fraction(int((res[1] - res[2]).sum()), total)
        assert t.absent_to_yes == Fraction(int((res[1] - res[0]).sum()), total)
        assert t.no_to_absent == Fraction(int((res[0] - res[2]).sum()), total)


def test_chair_special_powers() -> None:
    inst = load_institution("prefecture_medical_security_party_group")
    first = next(inst.ruleset("party_group", "ordinary").choices())
    [with_discretion] = body_power(inst, n=9, ternary=False, reading=first)
    [without] = body_power(inst, n=9, ternary=False, discretion=False, reading=first)
    assert with_discretion.chair_vetoes and not without.chair_vetoes
    assert without.shapley_shubik == (Fraction(1, 9),) * 9
    assert with_discretion.shapley_shubik[0] > Fraction(1, 9)
    assert sum(with_discretion.shapley_shubik) == 1


def test_big_body_exact_without_overflow() -> None:
    inst = load_institution("prefecture_medical_security_party_group")
    first = next(inst.ruleset("party_group", "ordinary").choices())
    [p] = body_power(inst, n=2977, ternary=False, reading=first)
    assert sum(p.shapley_shubik) == 1
    assert 0 < p.banzhaf_absolute[1] < p.banzhaf_absolute[0] < 1


def test_monte_carlo_agrees_with_exact() -> None:
    inst = load_institution("xiuzhou_district")
    rs = inst.ruleset("leadership", "ordinary")
    first = next(rs.choices())
    spec = rs.spec(first)
    n = 9
    [exact] = body_power(inst, n=n, ternary=False, reading=first)
    est = sampled_power(spec, Board.uniform(n, deputies=0), samples=40_000, seed=2)
    for i, m in enumerate(est.values()):
        want = float(exact.banzhaf_absolute[i])
        assert abs(m.value - want) <= 4 * max(m.stderr, 1e-4)


def test_monte_carlo_shapley_agrees_with_exact() -> None:
    inst = load_institution("prefecture_medical_security_party_group")
    rs = inst.ruleset("party_group", "ordinary")
    first = next(rs.choices())
    spec = rs.spec(first)
    n = 9
    [exact] = body_power(inst, n=n, ternary=False, reading=first)
    est = sampled_shapley(spec, Board.uniform(n, deputies=0), samples=40_000, seed=4)
    for i, m in enumerate(est.values()):
        want = float(exact.shapley_shubik[i])
        assert abs(m.value - want) <= 4 * max(m.stderr, 1e-4)


def test_every_passing_requirement_binds_in_the_power_game() -> None:
    """design-v2 1: passing requirements all bind.  n = 6, all present: 'more than half of
    due' needs 2k > 6, k >= 4; 'at least 3/4 of present' needs 4k >= 18, k >= 5; together
    k >= 5.  An empty passing tuple in vote mode passes nothing."""
    from model.rules import Base, Passing, Requirement, RuleSpec
    from model.thresholds import Share

    half = Requirement(Passing(Share(1, 2, True), Base.DUE), "test: more than half of due")
    three_quarters = Requirement(Passing(Share(3, 4, False), Base.PRESENT),
                                 "test: at least 3/4 of present")
    n = 6
    ks = np.arange(n + 1)
    vote = np.where(np.arange(n)[:, None] < ks[None, :], 1, 2).astype(np.int8)  # k yes
    present = np.ones_like(vote, dtype=bool)
    both = _passes(RuleSpec(passing=(half, three_quarters)), n, present, vote, False)
    assert both.tolist() == [k >= 5 for k in ks]
    assert _passes(RuleSpec(passing=(half,)), n, present, vote, False).tolist() == [
        k >= 4 for k in ks]
    assert not _passes(RuleSpec(passing=()), n, present, vote, False).any()
