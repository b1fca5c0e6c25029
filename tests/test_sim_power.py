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
    Road,
    _counts,
    _is_prime,
    _moduli,
    _passes,
    _prefix_rows,
    body_power,
    brute_force,
    quadrature_bound,
    sampled_power,
    sampled_shapley,
    shapley_shubik_float,
    weighted_game,
    weighted_power,
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=11), st.data())
def test_generating_functions_equal_brute_force(weights: list[int], data: st.DataObject) -> None:
    """Weights up to 30 make the column blocks of the swing windows wide and the
    heaviest-first pruning bite; some weights reach the quota (players outside the table)."""
    total = sum(weights)
    if total == 0:
        return
    quota = data.draw(st.integers(1, total))
    vetoers = data.draw(st.lists(st.integers(0, len(weights) - 1), max_size=2, unique=True))
    both = weighted_game(weights, quota, vetoers)
    assert both == brute_force(weights, quota, vetoers)
    assert weighted_game(weights, quota, vetoers, shapley=False).banzhaf_swings == \
        both.banzhaf_swings


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.data())
def test_residues_rebuild_the_python_integer_counts(weights: list[int],
                                                    data: st.DataObject) -> None:
    """Differential, new against old: the counts by coalition size from residues (uint64
    tables, Chinese remainder) equal the Python-integer ones.  Small primes (product
    about 10^6 > 2^13, more than any count of 12 players) make the reductions, the
    stretched prefix sums and Garner's steps all bite; then the moduli used at this size."""
    total = sum(weights)
    if total == 0:
        return
    quota = data.draw(st.integers(1, total))
    vetoers = set(data.draw(st.lists(st.integers(0, len(weights) - 1), max_size=2,
                                     unique=True)))
    free = [w for i, w in enumerate(weights) if i not in vetoers]
    need = quota - sum(weights[i] for i in vetoers)
    keys = list(dict.fromkeys((w, i in vetoers) for i, w in enumerate(weights)))
    light = [w for w in free if w < max(need, 1)]
    old = _counts(light, need, keys, len(free), True, (None,))
    for moduli in ((97, 101, 103), _moduli(len(free) + 1)):
        new = _counts(light, need, keys, len(free), True, moduli)
        assert new.keys() == old.keys()
        for key, counts in old.items():
            got = new[key]
            assert (counts is None and got is None) or (
                counts is not None and got is not None and list(got) == list(counts))


def _primes_below(top: int, count: int) -> tuple[int, ...]:
    out: list[int] = []
    m = top
    while len(out) < count:
        m -= 1
        if _is_prime(m):
            out.append(m)
    return tuple(out)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=15, max_size=40), st.data())
def test_residue_road_equals_python_integers_on_longer_games(weights: list[int],
                                                             data: st.DataObject) -> None:
    """Differential for the residue road's own steps (lazy reduction every 7 players, the
    block-wise prefix sums, the strided windows): 15 to 40 players, so several lazy
    rounds pass, against the Python-integer counts; primes below 2^20 (3 of them with
    2^64 exceed 2^41), so the residues wrap often."""
    quota = data.draw(st.integers(1, sum(weights)))
    keys = [(w, False) for w in dict.fromkeys(weights)]
    light = [w for w in weights if w < quota]
    old = _counts(light, quota, keys, len(weights), True, (None,))
    new = _counts(light, quota, keys, len(weights), True, (0, *_primes_below(1 << 20, 3)))
    for key, counts in old.items():
        got = new[key]
        assert (counts is None and got is None) or list(got) == list(counts)


def test_block_prefix_sums_recurse() -> None:
    """Rows of 300 blocks of 128 residues (the block totals are themselves summed in
    blocks, padded) against Python integers, for a prime near 2^56 and for 2^64."""
    rng = np.random.default_rng(5)
    p = _moduli(200)[1]
    a = rng.integers(0, p, size=(3, 300 * 128), dtype=np.uint64)
    want = [list(itertools.accumulate(int(x) for x in row)) for row in a]
    got = a.copy()
    _prefix_rows(got, p)
    assert [[int(x) for x in row] for row in got] == [[x % p for x in row] for row in want]
    got = a.copy()
    _prefix_rows(got, 0)
    assert [[int(x) for x in row] for row in got] == [[x % 2 ** 64 for x in row] for row in want]


def test_moduli_exceed_every_count() -> None:
    """2^64 and then primes (below 2^56, pairwise coprime) until the product passes
    2^bits: at 1,000 players, 64 + 17 * 56 > 1,001 bits, so 18 moduli."""
    ms = _moduli(1001)
    assert ms[0] == 0 and len(ms) == 18 and len(set(ms)) == 18
    assert all(2 ** 55 < m < 2 ** 56 and pow(3, m - 1, m) == 1 for m in ms[1:])
    assert math.prod(ms[1:]) * 2 ** 64 > 2 ** 1001 > math.prod(ms[1:-1]) * 2 ** 64


def _pivots_by_orderings(weights: list[int], quota: int) -> tuple[Fraction, ...]:
    """Shapley-Shubik from its definition: the share of the n! orderings in which a player
    brings the running weight from below the quota to the quota or above."""
    n = len(weights)
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        running = 0
        for i in order:
            running += weights[i]
            if running >= quota:
                pivots[i] += 1
                break
    return tuple(Fraction(p, math.factorial(n)) for p in pivots)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 12), min_size=1, max_size=7), st.data())
def test_shapley_shubik_equals_the_count_of_orderings(weights: list[int],
                                                      data: st.DataObject) -> None:
    total = sum(weights)
    if total == 0:
        return
    quota = data.draw(st.integers(1, total))
    assert weighted_game(weights, quota).shapley_shubik == _pivots_by_orderings(weights, quota)


def test_un_security_council() -> None:
    """[39; 7,7,7,7,7, 1 x 10] (Shapley & Shubik, 1954).  All of the weight is 45; without
    one permanent member the rest weigh 28 + 10 = 38 < 39, so a coalition wins iff it has
    all 5 permanent members and at least 4 elected ones.

    Banzhaf: a permanent member swings with the other 4 and any >= 4 of the 10 elected:
    2^10 - C(10,0) - C(10,1) - C(10,2) - C(10,3) = 1024 - 176 = 848 coalitions; an
    elected member with all 5 and exactly 3 of the other 9: C(9,3) = 84.

    Shapley-Shubik: an elected member is pivotal when the 8 before him are the 5
    permanent and 3 of the other 9 elected: his place is 9th with probability 1/15 and then
    the 8 before him are a uniform 8-subset of the 14 others, C(9,3) = 84 of C(14,8) = 3003
    of them good, so 84 / (15 * 3003) = 4/2145; a permanent member has
    (1 - 10 * 4/2145) / 5 = 421/2145.

    The same game written with vetoes: [9; 1 x 15] with the 5 permanent members vetoing
    (all 5 plus 4 more of weight 1)."""
    un = weighted_game([7] * 5 + [1] * 10, 39)
    assert un.banzhaf_swings == (848,) * 5 + (84,) * 10
    assert un.shapley_shubik == (Fraction(421, 2145),) * 5 + (Fraction(4, 2145),) * 10
    assert weighted_game([1] * 15, 9, vetoers=range(5)) == un


def test_textbook_games() -> None:
    """[4; 3, 2, 1]: wins are {3,2}, {3,1}, {3,2,1}.  The 3 swings with {2}, {1}, {2,1};
    the 2 only with {3}; the 1 only with {3}.  Of the 6 orderings the 3 is pivotal in all
    but 3-2-1 (the 2 is) and 3-1-2 (the 1 is): 4/6, 1/6, 1/6.

    The EEC Council of Ministers, 1958 (Felsenthal & Machover 1998, sec. 2.3):
    [12; 4, 4, 4, 2, 2, 1].  Luxembourg (1) is a null player: the others' weights are
    even, so none of their sums is 11.  A big member swings when the others weigh 8..11:
    of the 16 subsets of {4, 4, 2, 2} five weigh 8 or 10 (4+4, 4+2+2 twice, 4+4+2 twice),
    each with or without Luxembourg: 10.  A member of weight 2 swings when the others
    weigh 10..11: 4+4+2 three ways, each with or without Luxembourg: 6.  Shapley-Shubik of
    a weight-2 member: those 3 predecessor sets of size 3 and 3 of size 4, so
    (3 * 3!2! + 3 * 4!1!) / 6! = 108/720 = 9/60; each big member (1 - 18/60) / 3 = 14/60."""
    small = weighted_game([3, 2, 1], 4)
    assert small.banzhaf_swings == (3, 1, 1)
    assert small.shapley_shubik == (Fraction(2, 3), Fraction(1, 6), Fraction(1, 6))
    eec = weighted_game([4, 4, 4, 2, 2, 1], 12)
    assert eec.banzhaf_swings == (10, 10, 10, 6, 6, 0)
    assert eec.shapley_shubik == (Fraction(14, 60),) * 3 + (Fraction(9, 60),) * 2 + (0,)


def test_large_game_is_consistent() -> None:
    """300 players of weights 1..30 (no oracle at this size): indices sum to 1, equal
    weights get equal indices and a heavier player never has less power."""
    rng = np.random.default_rng(11)
    w = [int(x) for x in rng.integers(1, 31, 300)]
    r = weighted_game(w, sum(w) // 2 + 1)
    assert sum(r.shapley_shubik) == 1
    by_weight = sorted(zip(w, r.shapley_shubik, r.banzhaf_swings, strict=True))
    for (w1, s1, b1), (w2, s2, b2) in itertools.pairwise(by_weight):
        assert (s1, b1) == (s2, b2) if w1 == w2 else (s1 <= s2 and b1 <= b2)
    assert weighted_game(w, sum(w) // 2 + 1, shapley=False).banzhaf_swings == r.banzhaf_swings


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
    """Against ``powerindex`` (floats; it overflows for Shapley-Shubik from n = 171)."""
    px = pytest.importorskip("powerindex")
    rng = np.random.default_rng(3)
    for n, top in ((5, 12), (15, 12), (40, 12), (60, 100)):
        w = [int(x) for x in rng.integers(1, top, n)]
        q = sum(w) // 2 + 1
        game = px.Game(q, weights=w)
        game.calc()
        ours = weighted_game(w, q)
        assert np.allclose([float(x) for x in ours.banzhaf_normalised], game.banzhaf, atol=1e-12)
        assert np.allclose([float(x) for x in ours.shapley_shubik], game.shapley_shubik,
                           atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=12), st.data())
def test_float_shapley_equals_the_exact_one_on_small_games(weights: list[int],
                                                           data: st.DataObject) -> None:
    """Differential: the floating-point road (Owen's integral, FFT per node) against the
    exact generating functions.  With n <= 12 the Gauss rule has >= n/2 nodes, so only
    rounding and the proven 1e-20 tails separate the two."""
    total = sum(weights)
    if total == 0:
        return
    quota = data.draw(st.integers(1, total))
    got = shapley_shubik_float(weights, quota)
    want = weighted_game(weights, quota).shapley_shubik
    assert got.exact_rule and got.tail_bound <= 1e-20
    assert np.allclose(got.values, [float(x) for x in want], rtol=1e-12, atol=1e-14)


def test_float_shapley_on_the_textbook_games() -> None:
    """The values derived by hand in test_un_security_council and test_textbook_games."""
    un = shapley_shubik_float([7] * 5 + [1] * 10, 39).values
    assert np.allclose(un, [421 / 2145] * 5 + [4 / 2145] * 10, rtol=1e-13, atol=0)
    eec = shapley_shubik_float([4, 4, 4, 2, 2, 1], 12).values
    assert np.allclose(eec, [14 / 60] * 3 + [9 / 60] * 2 + [0], rtol=1e-13, atol=1e-15)


def test_float_shapley_past_the_exact_rule() -> None:
    """200 players of weights 1..60: 48 nodes are fewer than n/2 = 100, so the quadrature
    is truncated, and the FFT (5,400 points) is shorter than the 6,718 possible total
    weights, so the distribution is folded; it still agrees with the exact indices.  With
    4 nodes the indices do not sum to 1, and the rule is doubled until they do."""
    rng = np.random.default_rng(12)
    w = [int(x) for x in rng.integers(1, 61, 200)]
    q = sum(w) // 2 + 1
    exact = [float(x) for x in weighted_game(w, q).shapley_shubik]
    got = shapley_shubik_float(w, q)
    assert not got.exact_rule and got.nodes == 48 and got.sum_defect <= 1e-12
    assert np.allclose(got.values, exact, rtol=1e-12, atol=0)
    few = shapley_shubik_float(w, q, nodes=4)
    assert few.nodes > 4 and few.sum_defect <= 1e-12
    assert np.allclose(few.values, exact, rtol=1e-11, atol=0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=5, max_size=14), st.integers(1, 3), st.data())
def test_float_error_bound_holds_when_the_rule_is_short(weights: list[int], nodes: int,
                                                       data: st.DataObject) -> None:
    """The proven bound (tails + Gauss rule, :func:`quadrature_bound`) against the exact
    indices, with 1 to 3 nodes for up to 14 players (so the rule is truncated and its
    error is what the bound must cover; ``tol`` = inf keeps it from doubling).  1e-13 is
    room for rounding, which the bound leaves aside."""
    quota = data.draw(st.integers(1, sum(weights)))
    got = shapley_shubik_float(weights, quota, nodes=nodes, tol=math.inf)
    want = weighted_game(weights, quota).shapley_shubik
    assert got.nodes == min(nodes, -(-len(weights) // 2))
    assert got.exact_rule or got.quadrature_bound > 0
    err = max(abs(g - float(x)) for g, x in zip(got.values, want, strict=True))
    assert err <= got.error_bound + 1e-13


def test_float_error_bound_is_not_vacuous() -> None:
    """14 players, 2 nodes: the rule errs visibly, and the bound covers it within a few
    orders of magnitude; more nodes make both smaller, and n/2 nodes make the bound 0."""
    w = [3, 17, 5, 29, 11, 2, 23, 8, 13, 19, 7, 1, 26, 4]
    q = sum(w) // 2 + 1
    want = [float(x) for x in weighted_game(w, q).shapley_shubik]
    bounds = []
    for nodes in (2, 4):
        got = shapley_shubik_float(w, q, nodes=nodes, tol=math.inf)
        err = max(abs(g - x) for g, x in zip(got.values, want, strict=True))
        assert 1e-12 < err <= got.quadrature_bound < 1e4 * err
        bounds.append(got.quadrature_bound)
    assert bounds[1] < bounds[0]
    assert quadrature_bound(13, 0.0, 1.0, 7) == 0.0  # degree 13 = 2 * 7 - 1


def test_float_doubles_until_the_bound_is_met() -> None:
    """200 players from 4 nodes: the rule doubles until the proven quadrature bound (not
    only the sum check) is within tol."""
    rng = np.random.default_rng(3)
    w = [int(x) for x in rng.integers(1, 61, 200)]
    got = shapley_shubik_float(w, sum(w) // 2 + 1, nodes=4, tol=1e-12)
    assert got.nodes > 4 and got.quadrature_bound <= 1e-12 and got.sum_defect <= 1e-12
    assert got.error_bound == got.tail_bound + got.quadrature_bound


def test_weighted_power_labels_each_road() -> None:
    """UN Security Council (values derived by hand in test_un_security_council): exact gives
    the fractions; float gives floats within the proven bound (plus rounding); auto takes
    the exact road within its time budget and the floating one past it, saying why;
    Banzhaf stays exact on every road."""
    un, q = [7] * 5 + [1] * 10, 39
    want = [Fraction(421, 2145)] * 5 + [Fraction(4, 2145)] * 10
    exact = weighted_power(un, q, "exact")
    assert exact.shapley_shubik == tuple(want) and exact.shapley_road == Road("exact")
    assert exact.banzhaf_swings == (848,) * 5 + (84,) * 10
    flo = weighted_power(un, q, "float")
    assert flo.shapley_road.arithmetic == "float" and flo.banzhaf_road == Road("exact")
    assert flo.banzhaf_swings == exact.banzhaf_swings
    assert all(isinstance(x, float) for x in flo.shapley_shubik)
    assert max(abs(g - float(x)) for g, x in zip(flo.shapley_shubik, want, strict=True)) <= (
        flo.shapley_road.error_bound + 1e-15)
    assert "floating point" in flo.shapley_road.describe and "within" in flo.shapley_road.describe
    cheap = weighted_power(un, q, "auto", budget=math.inf)
    assert cheap.shapley_road.arithmetic == "exact" and "within inf s" in cheap.reason
    dear = weighted_power(un, q, "auto", budget=0.0)
    assert dear.shapley_road.arithmetic == "float" and "more than 0 s" in dear.reason
    with pytest.raises(PowerError, match="field 'arithmetic'.*fix: write exact, float or auto"):
        weighted_power(un, q, "fast")


def test_exact_road_is_held_to_the_cell_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """UN Security Council: coalitions lighter than 39 have at most 14 players (the ten 1s
    and four 7s weigh 38), so the table has 15 sizes x 39 columns = 585 cells.  Under a
    limit of 100, exact is a one-line error naming the limit, and auto takes the
    floating road and says why."""
    un = [7] * 5 + [1] * 10
    monkeypatch.setenv("QUORUMLAB_LIMIT_POWER_CELLS", "100")
    with pytest.raises(PowerError, match="585 table cells .* limit of 100 .*POWER_CELLS=585"):
        weighted_power(un, 39, "exact")
    auto = weighted_power(un, 39)
    assert auto.shapley_road.arithmetic == "float" and "585 cells" in auto.reason
    monkeypatch.setenv("QUORUMLAB_LIMIT_POWER_CELLS", "585")
    assert weighted_power(un, 39).shapley_road.arithmetic == "exact"


def test_errors_name_the_field() -> None:
    with pytest.raises(PowerError, match="quota"):
        weighted_game([1, 2], 9)
    with pytest.raises(PowerError, match="weights"):
        weighted_game([1.5, 2], 2)  # type: ignore[list-item]
    with pytest.raises(PowerError, match="nodes"):
        shapley_shubik_float([1, 2], 2, nodes=0)
    with pytest.raises(PowerError, match="quota"):
        shapley_shubik_float([1, 2], 0)


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
