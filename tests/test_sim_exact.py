"""Exact mode agrees with the Monte Carlo (inside its Wilson interval at z = 4), under
several readings of each rule set, with silence, deferral requests, unclear items and
deputies; and exact mode refuses what it cannot compute."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.loader import builtin_ids, load_institution
from simulations.compositions import Board
from simulations.estimates import proportion
from simulations.exact import ExactModeError, exact_institution, exact_probabilities
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


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
