"""Exact mode agrees with the Monte Carlo within 4 standard errors, and with itself."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.loader import builtin_ids, load_institution
from simulations.compositions import Board
from simulations.exact import ExactModeError, exact_probabilities
from simulations.montecarlo import model_for, simulate


def _agree(spec, board, model, meetings: int, seed: int) -> None:
    ex = exact_probabilities(spec, board, model).probabilities
    mc = simulate(spec, board, model, meetings, seed).probabilities()
    for k, e in mc.items():
        se = max(e.stderr, 1 / meetings)
        assert abs(e.value - ex[k].value) <= 4 * se, (k, e.value, ex[k].value)
    assert abs(sum(ex[k].value for k in ("passed", "rejected", "deferred", "no_quorum",
                                         "procedure_violation")) - 1) < 1e-9


@pytest.mark.parametrize("inst_id", builtin_ids())
@pytest.mark.parametrize("order", ["last", "first"])
def test_exact_matches_monte_carlo(inst_id: str, order: str) -> None:
    inst = load_institution(inst_id)
    board = Board.uniform(8, attendance=0.8, competence=0.65, abstain=0.1)
    for body, matter in list(inst.pairs())[:4]:
        spec = inst.ruleset(body, matter).default()
        model = model_for(inst, matter, spec, order, p_emergency=0.2, p_ad_hoc=0.1)
        _agree(spec, board, model, 60_000, seed=11)


def test_exact_chief_decides() -> None:
    inst = load_institution("prefecture_medical_security_party_group")
    spec = replace(inst.ruleset("party_group", "cadre").default(), decision_mode="chief_decides")
    board = Board.uniform(6, attendance=0.5, competence=0.6, abstain=0.2)
    _agree(spec, board, model_for(inst, "cadre", spec), 80_000, seed=3)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 7), a=st.floats(0.3, 1.0), q=st.floats(0.0, 1.0),
       r=st.floats(0.0, 0.4), prior=st.floats(0.0, 1.0), deputies=st.integers(0, 2))
def test_exact_matches_monte_carlo_random_boards(n, a, q, r, prior, deputies) -> None:
    inst = load_institution("xiuzhou_district")
    spec = inst.ruleset("leadership", "large_funds").default()
    board = Board.uniform(n, attendance=a, competence=q, abstain=r, deputies=min(deputies, n - 1))
    _agree(spec, board, model_for(inst, "large_funds", spec, prior_yes=prior), 20_000, seed=n)


def test_exact_refuses_dependent_members() -> None:
    inst = load_institution("xiuzhou_district")
    spec = inst.ruleset("leadership", "ordinary").default()
    for board, order in ((Board.uniform(5, attendance_correlation=0.3), "last"),
                         (Board.uniform(5), "random")):
        with pytest.raises(ExactModeError):
            exact_probabilities(spec, board, model_for(inst, "ordinary", spec, order))
