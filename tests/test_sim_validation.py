"""The engine reproduces published results.

* Condorcet jury theorem: majority accuracy of n independent voters of competence p.
* Bikhchandani, Hirshleifer & Welch (1992): probabilities of a correct cascade, an
  incorrect cascade and no cascade after 2n individuals.
* Exchangeable (beta-binomial) correlated judgements: majority accuracy tends to
  P(p > 1/2) for p ~ Beta as n grows (Ladha 1992), not to 1.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from model.meeting import Vote
from model.rules import Base, Passing, Requirement, RuleSpec
from model.thresholds import Share
from simulations.compositions import Board
from simulations.exact import exact_probabilities
from simulations.meetings import MeetingModel, draw_meetings
from simulations.montecarlo import simulate

MAJORITY = RuleSpec(passing=(Requirement(Passing(Share(1, 2, strict=True), Base.DUE),
                                       "Condorcet: simple majority of all voters"),))


def condorcet(n: int, p: float) -> float:
    return sum(math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n // 2 + 1, n + 1))


@pytest.mark.parametrize(("n", "p"), [(1, 0.6), (3, 0.6), (11, 0.55), (25, 0.7), (101, 0.52)])
def test_condorcet_jury_theorem(n: int, p: float) -> None:
    board = Board.uniform(n, competence=p)
    want = condorcet(n, p)
    ex = exact_probabilities(MAJORITY, board, MeetingModel()).probabilities["correct"].value
    assert ex == pytest.approx(want, abs=1e-12)
    mc = simulate(MAJORITY, board, MeetingModel(), 100_000, seed=n).probabilities()["correct"]
    assert abs(mc.value - want) <= 4 * mc.stderr


def bhw(p: float, n: int) -> tuple[float, float, float]:
    """BHW (1992): P(correct cascade), P(incorrect cascade), P(no cascade) after 2n people."""
    none = (p - p * p) ** n
    up = p * (p + 1) * (1 - none) / (2 * (1 - p + p * p))
    down = (p - 2) * (p - 1) * (1 - none) / (2 * (1 - p + p * p))
    return up, down, none


@pytest.mark.parametrize("p", [0.55, 0.7, 0.9])
def test_bhw_cascades(p: float) -> None:
    size = 24
    board = Board.uniform(size, competence=p, conformity=1.0)
    batch = draw_meetings(board, MeetingModel(order="random", prior_yes=1.0, ties="coin"),
                          200_000, seed=7)
    order = np.argsort(np.where(batch.pos >= 0, batch.pos, 10**4), axis=0)
    votes = np.take_along_axis(batch.vote, order, axis=0)
    step = np.where(votes == int(Vote.YES), 1, -1)
    diff = np.cumsum(step, axis=0)
    for n in (1, 2, 3, 5):
        prefix = diff[: 2 * n]
        up = (prefix >= 2).any(axis=0)
        down = (prefix <= -2).any(axis=0)
        want = bhw(p, n)
        for got, w in zip((up.mean(), down.mean(), (~up & ~down).mean()), want, strict=True):
            se = math.sqrt(max(w * (1 - w), 1e-6) / batch.size)
            assert abs(got - w) <= 4 * se, (n, got, w)


def beta_limit(mean: float, rho: float) -> float:
    """P(p > 1/2) for p ~ Beta(mean (1-rho)/rho, (1-mean)(1-rho)/rho), by quadrature."""
    a, b = mean * (1 - rho) / rho, (1 - mean) * (1 - rho) / rho
    x = (np.arange(200_000) + 0.5) / 200_000
    logpdf = ((a - 1) * np.log(x) + (b - 1) * np.log1p(-x)
              + math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b))
    pdf = np.exp(logpdf) / 200_000
    return float(pdf[x > 0.5].sum() / pdf.sum())


def test_beta_binomial_large_n_limit() -> None:
    mean, rho = 0.6, 0.1
    limit = beta_limit(mean, rho)
    board = Board.uniform(1001, competence=mean, signal_correlation=rho)
    mc = simulate(MAJORITY, board, MeetingModel(), 40_000, seed=5).probabilities()["correct"]
    # finite-n gap O(1/sqrt(n)) is below 0.01 here; the limit is far below Condorcet's 1
    assert abs(mc.value - limit) <= 0.01 + 4 * mc.stderr
    assert limit < 0.85 < condorcet(1001, mean)
