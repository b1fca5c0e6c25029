"""Exact mode agrees with the Monte Carlo (inside its Wilson interval at z = 4), under
several readings of each rule set, with silence, deferral requests, unclear items and
deputies; the count-cell mode equals the materialised reference on every built-in
(institution, body, matter) and on random boards and models; hand-derived binomial sums
hold at any n; and exact mode refuses what it cannot compute."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from math import comb

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.loader import builtin_ids, load_institution
from model.rules import Base, Passing, Requirement, RuleSpec
from model.thresholds import Share
from simulations.compositions import Board
from simulations.estimates import proportion
from simulations.exact import TAIL, ExactModeError, exact_institution, exact_probabilities
from simulations.meetings import MeetingModel
from simulations.montecarlo import model_for, simulate


def _agree(spec, board, model, meetings: int, seed: int) -> None:
    ex = exact_probabilities(spec, board, model).probabilities
    mc = simulate(spec, board, model, meetings, seed).probabilities()
    for k, e in mc.items():
        wide = proportion(round(e.value * e.trials), e.trials, z=4.0)  # Wilson, 4 sigma
        assert wide.low - 1e-12 <= ex[k].value <= wide.high + 1e-12, (k, e.value, ex[k].value)
    assert abs(sum(ex[k].value for k in ("passed", "rejected", "deferred", "no_quorum",
                                         "procedure_violation", "not_held")) - 1) < 1e-9


def _some_readings(rs, k: int = 3) -> list[dict[str, str]]:
    """Up to ``k`` combinations spread over the rule set's readings, the default first."""
    every = list(rs.choices())
    return every[:: max(1, len(every) // k)][:k]


@pytest.mark.parametrize("inst_id", builtin_ids())
@pytest.mark.parametrize("order", ["last", "first"])
def test_exact_matches_monte_carlo(inst_id: str, order: str) -> None:
    inst = load_institution(inst_id)
    board = Board.uniform(8, attendance=0.8, competence=0.65, abstain=0.1)
    for body, matter in list(inst.pairs())[:4]:
        rs = inst.ruleset(body, matter)
        for choice in _some_readings(rs, 2):
            spec = rs.spec(choice)
            model = model_for(inst, matter, spec, order, p_emergency=0.2, p_ad_hoc=0.1)
            _agree(spec, board, model, 40_000, seed=11)


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_exact_matches_monte_carlo_with_silence_and_unclear_items(inst_id: str) -> None:
    """Members who state nothing (positions_required, last speaker), 暂缓 requests
    (deferral margins count yes against no + defer) and unclear items (unclear_matter),
    on a board with deputies (chair_delegation), under several readings."""
    inst = load_institution(inst_id)
    board = Board.uniform(7, attendance=0.75, competence=0.65, abstain=0.1, deputies=2)
    for body, matter in list(inst.pairs())[:2]:
        rs = inst.ruleset(body, matter)
        for choice in _some_readings(rs):
            spec = rs.spec(choice)
            model = model_for(inst, matter, spec, p_silent=0.15, p_defer=0.3, p_unclear=0.3,
                              p_emergency=0.3)
            _agree(spec, board, model, 40_000, seed=5)


@pytest.mark.parametrize("silent", [0.0, 0.3])
def test_exact_chief_decides(silent: float) -> None:
    """The chief decides (行政首长负责制): a delegated chair's own statement decides, and a
    silent chair decides nothing."""
    inst = load_institution("prefecture_medical_security_party_group")
    rs = inst.ruleset("party_group", "cadre")
    spec = replace(rs.spec(next(rs.choices())), decision_mode="chief_decides")
    board = Board.uniform(6, attendance=0.5, competence=0.6, abstain=0.2)
    _agree(spec, board, model_for(inst, "cadre", spec, p_silent=silent), 80_000, seed=3)


def test_exact_institution_labels_every_reading() -> None:
    inst = load_institution("taobei_district_government")
    body, matter = next(iter(inst.pairs()))
    rs = inst.ruleset(body, matter)
    every = list(rs.choices())
    if len(every) > 16:
        pytest.skip("rule set has too many readings for this quick check")
    got = exact_institution(inst, body=body, matter=matter, board=Board.uniform(5))
    assert [r.reading for r in got] == every


# A statistical comparison: each Monte Carlo band misses with probability ~6e-5, and a
# random search over boards that reuses one random stream per n will, over many CI runs,
# find a board where that stream is an outlier (n=5, attendance 0.75 once drew 40
# not-held meetings against 19.5 expected).  The examples are therefore derandomized: the
# same twelve boards every run, so the test is reproducible and cannot flake.
@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 7), a=st.floats(0.3, 1.0), q=st.floats(0.0, 1.0),
       r=st.floats(0.0, 0.4), prior=st.floats(0.0, 1.0), deputies=st.integers(0, 2))
def test_exact_matches_monte_carlo_random_boards(n, a, q, r, prior, deputies) -> None:
    inst = load_institution("xiuzhou_district")
    rs = inst.ruleset("leadership", "large_funds")
    spec = rs.spec(next(rs.choices()))
    board = Board.uniform(n, attendance=a, competence=q, abstain=r, deputies=min(deputies, n - 1))
    _agree(spec, board, model_for(inst, "large_funds", spec, prior_yes=prior), 20_000, seed=n)


def test_exact_refuses_dependent_members() -> None:
    inst = load_institution("xiuzhou_district")
    rs = inst.ruleset("leadership", "ordinary")
    spec = rs.spec(next(rs.choices()))
    for board, order in ((Board.uniform(5, attendance_correlation=0.3), "last"),
                         (Board.uniform(5), "random")):
        with pytest.raises(ExactModeError):
            exact_probabilities(spec, board, model_for(inst, "ordinary", spec, order))


# -- the count-cell mode against the materialised reference ------------------------------

def _same(spec, board, model) -> None:
    """Both methods give the same probabilities and margins (up to float rounding and the
    dropped tail, far below 1e-9)."""
    cells = exact_probabilities(spec, board, model)
    full = exact_probabilities(spec, board, model, method="materialised")
    assert cells.dropped <= comb(board.n + 5, 5) * TAIL
    for k, e in full.probabilities.items():
        assert cells.probabilities[k].value == pytest.approx(e.value, abs=1e-9), k
    for m in set(cells.margins) | set(full.margins):
        assert cells.margins.get(m, 0.0) == pytest.approx(full.margins.get(m, 0.0), abs=1e-9), m


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_cells_equal_materialised_on_every_pair(inst_id: str) -> None:
    """Every (body, matter) of every built-in institution, two readings each, on a board
    with deputies, silence, 暂缓 requests, unclear and ad-hoc items and emergencies (six
    members: the leader, two deputies and three ordinary members, so that a count cell
    holds several states at once)."""
    inst = load_institution(inst_id)
    board = Board.uniform(6, attendance=0.8, competence=0.65, abstain=0.1, deputies=2)
    for body, matter in inst.pairs():
        rs = inst.ruleset(body, matter)
        for choice in _some_readings(rs, 2):
            spec = rs.spec(choice)
            _same(spec, board, model_for(inst, matter, spec, p_silent=0.2, p_defer=0.3,
                                         p_unclear=0.2, p_emergency=0.3, p_ad_hoc=0.1))


_PAIRS = [(i, b, m) for i in builtin_ids() for b, m in load_institution(i).pairs()]


@st.composite
def _boards(draw) -> Board:
    """A board of 1..7 members; its ordinary members alike (the closed form) or not (the
    dynamic programme); the leader and the deputies anywhere in the board order.  (At 8,
    with portfolio owners spread through the order, one example could take 40 s.)"""
    n = draw(st.integers(1, 7))
    board = Board.uniform(n, attendance=draw(st.sampled_from([0.5, 0.8, 1.0])),
                          competence=draw(st.sampled_from([0.3, 0.5, 0.65, 0.9])),
                          abstain=draw(st.sampled_from([0.0, 0.15])),
                          deputies=draw(st.integers(0, min(3, n - 1))))
    members = list(board.members)
    if draw(st.booleans()):  # ordinary members who differ
        members = [replace(m, attendance=draw(st.sampled_from([0.6, 0.9])))
                   if m.role == "member" else m for m in members]
    if draw(st.booleans()):  # an ordinary member who owns a portfolio
        members = [replace(m, portfolios=("finance", "personnel"))
                   if m.role == "member" and k % 2 else m for k, m in enumerate(members)]
    return Board(tuple(draw(st.permutations(members))))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=st.sampled_from(_PAIRS), board=_boards(), data=st.data())
def test_cells_equal_materialised_random(pair, board: Board, data) -> None:
    inst_id, body, matter = pair
    inst = load_institution(inst_id)
    rs = inst.ruleset(body, matter)
    spec = rs.spec(data.draw(st.sampled_from(list(rs.choices())[:32])))
    if data.draw(st.booleans()):
        spec = replace(spec, decision_mode="chief_decides")
    model = model_for(inst, matter, spec, data.draw(st.sampled_from(["last", "first"])),
                      prior_yes=data.draw(st.sampled_from([0.0, 0.3, 1.0])),
                      p_silent=data.draw(st.sampled_from([0.0, 0.25])),
                      p_defer=data.draw(st.sampled_from([0.0, 0.4])),
                      p_unclear=data.draw(st.sampled_from([0.0, 0.5, 1.0])),
                      p_emergency=data.draw(st.sampled_from([0.0, 0.5])),
                      p_ad_hoc=data.draw(st.sampled_from([0.0, 0.2])),
                      ties=data.draw(st.sampled_from(["coin", "own"])))
    _same(spec, board, model)


# -- hand-derived: binomial sums ---------------------------------------------------------

def _majority(base: Base) -> RuleSpec:
    """More than half of ``base`` vote yes; no quorum, no procedure."""
    return RuleSpec(passing=(Requirement(Passing(Share(1, 2, strict=True), base), "majority"),))


@pytest.mark.parametrize("n", [1, 4, 15, 175, 1001, 3000])
def test_majority_of_all_members_is_a_binomial_tail(n: int) -> None:
    """Every member attends with probability a = 9/10 and, the item being right
    (prior 1), votes yes with probability r = q = 7/10 (his signal), else no.  Each member
    is a yes with probability a*r = 63/100, independently: P(passed) = P(Y > n/2) for
    Y ~ Binomial(n, 63/100) -- computed here with exact integer binomial weights -- and
    the mean of yes - no is n*a*(2r - 1)."""
    board = Board.uniform(n, attendance=0.9, competence=0.7)
    ex = exact_probabilities(_majority(Base.DUE), board, MeetingModel(prior_yes=1.0))
    want = Fraction(sum(comb(n, y) * 63**y * 37 ** (n - y) for y in range(n // 2 + 1, n + 1)),
                    100**n)
    assert ex.probabilities["passed"].value == pytest.approx(float(want), abs=1e-9)
    assert ex.probabilities["not_held"].value == pytest.approx(0.1**n, abs=1e-12)
    mean = sum(m * p for m, p in ex.margins.items())
    assert mean == pytest.approx(n * 0.9 * (2 * 0.7 - 1), rel=1e-9)


@pytest.mark.parametrize("n", [3, 40, 400])
def test_majority_of_those_present_is_a_binomial_mixture(n: int) -> None:
    """The same board, passing by more than half of those present, with a quorum of half
    the members (以上: 2*present >= n): P(passed) = sum over P >= n/2 present of
    C(n,P) a^P (1-a)^(n-P) * P(Binomial(P, r) > P/2), exact in integers (a = 4/5, r = 3/5)."""
    spec = replace(_majority(Base.PRESENT),
                   quorum=(Requirement(Share(1, 2, strict=False), "half"),))
    board = Board.uniform(n, attendance=0.8, competence=0.6)
    ex = exact_probabilities(spec, board, MeetingModel(prior_yes=1.0)).probabilities
    # P(present = p, yes = y) = C(n,p) (4/5)^p (1/5)^(n-p) C(p,y) (3/5)^y (2/5)^(p-y)
    #                         = C(n,p) 4^p 5^(n-p) C(p,y) 3^y 2^(p-y) / 5^(2n)
    passed = sum(comb(n, p) * 4**p * 5 ** (n - p) * comb(p, y) * 3**y * 2 ** (p - y)
                 for p in range((n + 1) // 2, n + 1) for y in range(p // 2 + 1, p + 1))
    no_quorum = sum(comb(n, p) * 4**p for p in range(1, (n + 1) // 2))  # / 5^n
    assert ex["passed"].value == pytest.approx(float(Fraction(passed, 5 ** (2 * n))), abs=1e-9)
    assert ex["no_quorum"].value == pytest.approx(float(Fraction(no_quorum, 5**n)), abs=1e-9)


# -- limits and refusals -----------------------------------------------------------------

def test_exact_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _majority(Base.DUE)
    monkeypatch.setenv("QUORUMLAB_LIMIT_EXACT_SIZE", "10")
    exact_probabilities(spec, Board.uniform(10), MeetingModel())
    with pytest.raises(ExactModeError, match="QUORUMLAB_LIMIT_EXACT_SIZE=11"):
        exact_probabilities(spec, Board.uniform(11), MeetingModel())


def test_unknown_method() -> None:
    with pytest.raises(ExactModeError, match="method"):
        exact_probabilities(_majority(Base.DUE), Board.uniform(3), MeetingModel(), method="mc")


def test_members_who_differ_on_a_large_board_are_refused() -> None:
    """The dynamic programme for ordinary members who differ grows as (k+1)^states: a
    large board of them is a one-line refusal, not an out-of-memory."""
    board = Board.uniform(3000, attendance=0.9, abstain=0.1)
    members = tuple(replace(m, attendance=0.8) if k % 2 and m.role == "member" else m
                    for k, m in enumerate(board.members))
    with pytest.raises(ExactModeError, match="count cells"):
        exact_probabilities(_majority(Base.DUE), Board(members), MeetingModel())
