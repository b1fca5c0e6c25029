"""Exact outcome probabilities when members decide independently.

Where members are independent (no conformity, no correlated attendance or judgement)
and the speaking order is fixed by the rules (``"last"``) or its mirror (``"first"``),
a meeting's outcome depends only on the states (absent / yes / no / abstain) of a few
*special* members -- the leader, the deputies (who may chair) and the portfolio
owners -- and on the *counts* of the other ("ordinary") members
in each state.  :func:`exact_probabilities` therefore

1. enumerates the special members' joint states,
2. computes the distribution of the ordinary members' counts by a Poisson-multinomial
   dynamic programme (plus the vote of the first present ordinary member where he
   may end up chairing), given the state of the world,
3. builds one representative meeting per reachable (special states, counts) and
   decides all of them in one vectorised call of the rule semantics (the same code as
   the reference evaluator), and
4. sums the probabilities by outcome.

The results are floats from an exact computation (no sampling).  The Monte Carlo of
:mod:`simulations.montecarlo` must agree within its standard errors (tested).

Examples
--------
>>> from simulations.compositions import Board
>>> r = exact_institution("prefecture_medical_security_party_group",
...                       board=Board.uniform(5, attendance=1.0, competence=1.0))
>>> round(r.probabilities["passed"].value, 12), round(r.probabilities["correct"].value, 12)
(0.5, 1.0)
>>> exact_institution("prefecture_medical_security_party_group",
...                   board=Board.uniform(5, conformity=1.0))
Traceback (most recent call last):
...
simulations.exact.ExactModeError: field 'conformity': members who conform are not independent (fix: use the Monte Carlo (simulate), or set every conformity to 0)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.errors import QuorumlabError
from model.meeting import Outcome
from model.rules import Institution, RuleSpec
from simulations.compositions import Board
from simulations.estimates import Estimate
from simulations.meetings import MeetingBatch, MeetingModel, chair_of, fixed_places
from simulations.montecarlo import OUTCOME_KEYS, model_for, resolve
from simulations.vectorised import outcomes

__all__ = ["ExactModeError", "ExactResult", "exact_probabilities", "exact_institution",
           "MAX_STATES"]

MAX_STATES = 5_000_000
_ABSENT, _YES, _NO, _ABSTAIN = 0, 1, 2, 3  # member states; vote codes 1, 2, 3 match Vote


class ExactModeError(QuorumlabError, ValueError):
    """The board or model does not allow an exact computation."""


@dataclass(frozen=True)
class ExactResult:
    """Exact probabilities (as point :class:`Estimate` s) and the yes - no distribution."""

    probabilities: Mapping[str, Estimate]
    margins: Mapping[int, float]
    representatives: int


def _check(board: Board, model: MeetingModel) -> None:
    if any(board.column("conformity")):
        raise ExactModeError("conformity", "members who conform are not independent",
                             fix="use the Monte Carlo (simulate), or set every conformity to 0")
    for name in ("attendance_correlation", "signal_correlation"):
        if getattr(board, name):
            raise ExactModeError(f"board.{name}", "correlated members are not independent",
                                 fix=f"use the Monte Carlo (simulate), or set {name} = 0")
    for name in ("p_interested", "p_written_opinion"):
        if getattr(model, name):
            raise ExactModeError(name, "interests and written opinions are not in the exact mode",
                                 fix=f"use the Monte Carlo (simulate), or set {name} = 0")
    if model.order not in ("last", "first"):
        raise ExactModeError("order", f"order {model.order!r} is random or depends on who attends",
                             fix="use order 'last' or 'first', or the Monte Carlo")


def _p_yes_given_signal(q: float, ties: str) -> tuple[float, float]:
    """P(votes yes | signal yes), P(votes yes | signal no) for a present non-abstainer."""
    if q > 0.5:
        return 1.0, 0.0
    if q < 0.5:
        return 0.0, 1.0
    return (0.5, 0.5) if ties == "coin" else (1.0, 0.0)


def _states(m: Any, right: bool, ties: str) -> tuple[np.ndarray, np.ndarray]:
    """(P(state), P(state and signal yes)) over absent/yes/no/abstain, given the world."""
    a, q, r = m.attendance, m.competence, m.abstain
    s = q if right else 1 - q
    yy, yn = _p_yes_given_signal(q, ties)
    p_yes_and_sy = s * yy
    p_yes = p_yes_and_sy + (1 - s) * yn
    full = np.array([1 - a, a * (1 - r) * p_yes, a * (1 - r) * (1 - p_yes), a * r])
    with_sy = np.array([(1 - a) * s, a * (1 - r) * p_yes_and_sy, a * (1 - r) * (s - p_yes_and_sy),
                        a * r * s])
    return full, with_sy


def _dp(probs: list[np.ndarray], chief: bool) -> np.ndarray:
    """Distribution of (first present vote, yes, no, abstain) counts over ordinary members,
    in chair-priority order: array (4, k+1, k+1, k+1), axes of size 1 where not needed
    (the first vote unless ``chief``; abstentions if nobody abstains)."""
    k = len(probs)
    abstains = any(p[_ABSTAIN] > 0 for p in probs)
    dist = np.zeros((4 if chief else 1, k + 1, k + 1, k + 1 if abstains else 1))
    dist[0, 0, 0, 0] = 1.0
    moves = ((_YES, (1, 0, 0)), (_NO, (0, 1, 0)), (_ABSTAIN, (0, 0, 1)))
    for p in probs:
        new = dist * p[_ABSENT]
        for state, shift in moves[:3 if abstains else 2]:
            moved = np.zeros_like(dist)
            y, n, b = shift
            ka = dist.shape[3]
            moved[:, y:, n:, b:] = dist[:, :k + 1 - y, :k + 1 - n, :ka - b] * p[state]
            if chief:  # the first present ordinary member's vote is remembered
                moved[state] += moved[0]
                moved[0] = 0.0
            new += moved
        dist = new
    return dist


def exact_probabilities(spec: RuleSpec, board: Board, model: MeetingModel) -> ExactResult:
    """Exact outcome probabilities of ``spec`` on ``board`` (see the module docstring)."""
    _check(board, model)
    n = board.n
    chief = spec.decision_mode == "chief_decides"
    owners = board.owners(model.portfolio)
    special = sorted({board.leader, *(i for i in range(n) if owners[i]),
                      *(i for i, m in enumerate(board.members) if m.role == "deputy")})
    ordinary = [i for i in board.chair_priority() if i not in special]
    combos = np.array(list(itertools.product(range(4), repeat=len(special))), dtype=np.int8)
    by_world: dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for right in (True, False):
        st = [_states(board.members[i], right, model.ties) for i in special]
        w = np.ones(len(combos))
        w_sy = np.ones(len(combos))  # and the leader's signal says yes
        for col, i in enumerate(special):
            full, with_sy = st[col]
            w = w * full[combos[:, col]]
            w_sy = w_sy * (with_sy if i == board.leader else full)[combos[:, col]]
        dist = _dp([_states(board.members[i], right, model.ties)[0] for i in ordinary], chief)
        by_world[right] = (w, w_sy, dist)
    support = np.argwhere(by_world[True][2] + by_world[False][2] > 0)  # (cells, 4)
    live = np.flatnonzero(by_world[True][0] + by_world[False][0] > 0)
    reps = len(live) * len(support)
    if reps > MAX_STATES:
        raise ExactModeError("board", f"{reps} representative meetings are too many",
                             fix="use the Monte Carlo (simulate) for a board this large")
    ci = np.repeat(live, len(support))
    cell = np.tile(np.arange(len(support)), len(live))
    first, ys, ns, ab = (support[cell, j] for j in range(4))
    present = np.zeros((n, reps), dtype=bool)
    vote = np.zeros((n, reps), dtype=np.int8)
    for col, i in enumerate(special):
        s = combos[ci, col]
        present[i] = s != _ABSENT
        vote[i] = s
    left = [ys.copy(), ns.copy(), ab.copy()]
    for rank, i in enumerate(ordinary):
        code = np.zeros(reps, dtype=np.int8)
        if rank == 0 and chief:
            code = first.astype(np.int8)
            for v in (_YES, _NO, _ABSTAIN):
                left[v - 1] -= code == v
        else:
            for v in (_ABSTAIN, _NO, _YES):  # fill yes first: later assignments win
                code = np.where(left[v - 1] > 0, v, code).astype(np.int8)
            for v in (_YES, _NO, _ABSTAIN):
                left[v - 1] -= code == v
        present[i] = code != 0
        vote[i] = code
    chair = chair_of(board, present)
    pos = fixed_places(board, model, present, chair)
    flags = [(e, a, pe * pa)
             for e, pe in ((True, model.p_emergency), (False, 1 - model.p_emergency))
             for a, pa in ((True, model.p_ad_hoc), (False, 1 - model.p_ad_hoc)) if pe * pa > 0]
    totals = dict.fromkeys((*OUTCOME_KEYS, "correct", "leader_followed"), 0.0)
    margins: dict[int, float] = {}
    for emergency, ad_hoc, p_flags in flags:
        batch = MeetingBatch(board, model, present, vote, pos, chair, np.zeros(reps, bool),
                             np.zeros(reps, bool), emergency, ad_hoc)
        r = outcomes(spec, batch)
        passed = r.outcome == int(Outcome.PASSED)
        rejected = r.outcome == int(Outcome.REJECTED)
        for right, prior in ((True, model.prior_yes), (False, 1 - model.prior_yes)):
            if prior == 0:
                continue
            w, w_sy, dist = by_world[right]
            p_cell = dist[first, ys, ns, ab]
            weight = prior * p_flags * w[ci] * p_cell
            weight_sy = prior * p_flags * w_sy[ci] * p_cell
            for o in Outcome:
                totals[o.label] += float(weight[r.outcome == int(o)].sum())
            totals["correct"] += float(weight[passed if right else rejected].sum())
            totals["leader_followed"] += float(weight_sy[passed].sum()
                                               + (weight - weight_sy)[rejected].sum())
            sums = np.bincount(r.yes - r.no + n, weights=weight, minlength=2 * n + 1)
            for m in np.flatnonzero(sums):
                margins[int(m) - n] = margins.get(int(m) - n, 0.0) + float(sums[m])
    return ExactResult({k: Estimate.point(v) for k, v in totals.items()}, margins, reps)


def exact_institution(institution: str | Path | Institution, *, body: str | None = None,
                      matter: str | None = None, board: Board | None = None,
                      order: str = "last", choice: Mapping[str, str] | None = None,
                      **model_args: Any) -> ExactResult:
    """:func:`exact_probabilities` for one (body, matter) of an institution."""
    inst, body, matter, spec = resolve(institution, body, matter, choice)
    board = board if board is not None else Board.uniform(15, attendance=0.9)
    return exact_probabilities(spec, board, model_for(inst, matter, spec, order, **model_args))

