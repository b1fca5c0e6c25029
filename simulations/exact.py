"""Exact outcome probabilities when members decide independently.

Where members are independent (no conformity, no correlated attendance or judgement)
and the speaking order is fixed by the rules (``"last"``) or its mirror (``"first"``),
a meeting's outcome depends only on the states (absent / yes / no / abstain / defer /
silent) of a few *special* members -- the leader, the deputies (who may chair) and the portfolio
owners -- and on the *counts* of the other ("ordinary") members
in each state.  :func:`exact_probabilities` therefore

1. enumerates the special members' joint states,
2. computes the distribution of the ordinary members' counts by a Poisson-multinomial
   dynamic programme (plus the state of the first present ordinary member where he
   may end up chairing and what he states matters: the chief decides, or he may stay
   silent), given the state of the world,
3. builds one representative meeting per reachable (special states, counts) and
   decides all of them in one vectorised call of the rule semantics (the same code as
   the reference evaluator), once per combination of the matter facts drawn per
   meeting (emergency, ad hoc, unclear), and
4. sums the probabilities by outcome.

Every requirement of the spec binds (quorum and passing are tuples of requirements):
the representatives go through :func:`model.semantics.evaluate`, which reads them all.
:func:`exact_institution` computes one result per combination of readings, labelled.

The results are floats from an exact computation (no sampling).  The Monte Carlo of
:mod:`simulations.montecarlo` must agree within its standard errors (tested).

Examples
--------
>>> from simulations.compositions import Board
>>> from model.loader import load_institution
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary")
>>> results = exact_institution("prefecture_medical_security_party_group",
...                             board=Board.uniform(5, attendance=1.0, competence=1.0))
>>> [r.reading for r in results] == list(rs.choices())  # every reading, labelled
True
>>> {(round(r.probabilities["passed"].value, 12), round(r.probabilities["correct"].value, 12))
...  for r in results}
{(0.5, 1.0)}
>>> exact_institution("prefecture_medical_security_party_group",
...                   board=Board.uniform(5, conformity=1.0))
Traceback (most recent call last):
...
simulations.exact.ExactModeError: field 'conformity': members who conform are not independent (fix: use the Monte Carlo (simulate), or set every conformity to 0)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
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
from simulations.readings import reading_label, reading_specs
from simulations.vectorised import outcomes

__all__ = ["ExactModeError", "ExactResult", "exact_probabilities", "exact_institution",
           "MAX_STATES"]

MAX_STATES = 5_000_000
# member states; 1..4 are the Vote codes, SILENT is present with Vote.NONE
_ABSENT, _YES, _NO, _ABSTAIN, _DEFER, _SILENT = range(6)
_STATES = 6


class ExactModeError(QuorumlabError, ValueError):
    """The board or model does not allow an exact computation."""


@dataclass(frozen=True)
class ExactResult:
    """Exact probabilities (as point :class:`Estimate` s) and the yes - no distribution."""

    probabilities: Mapping[str, Estimate]
    margins: Mapping[int, float]
    representatives: int
    reading: Mapping[str, str] = field(default_factory=dict)

    @property
    def reading_label(self) -> str:
        """The combination of readings that produced this result."""
        return reading_label(self.reading)


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


def _states(m: Any, right: bool, model: MeetingModel) -> tuple[np.ndarray, np.ndarray]:
    """(P(state), P(state and signal yes)) over the six member states, given the world:
    present, then silent (``p_silent``), else abstains, else yes or no, a no deferring
    with ``p_defer`` (the order of the Monte Carlo's draws)."""
    a, q, r = m.attendance, m.competence, m.abstain
    sil, d = model.p_silent, model.p_defer
    s = q if right else 1 - q
    yy, yn = _p_yes_given_signal(q, model.ties)
    p_yes_and_sy = s * yy
    p_yes = p_yes_and_sy + (1 - s) * yn
    speaks = a * (1 - sil)
    full = np.array([1 - a, speaks * (1 - r) * p_yes, speaks * (1 - r) * (1 - p_yes) * (1 - d),
                     speaks * r, speaks * (1 - r) * (1 - p_yes) * d, a * sil])
    no_sy = speaks * (1 - r) * (s - p_yes_and_sy)
    with_sy = np.array([(1 - a) * s, speaks * (1 - r) * p_yes_and_sy, no_sy * (1 - d),
                        speaks * r * s, no_sy * d, a * sil * s])
    return full, with_sy


def _dp(probs: list[np.ndarray], first: bool, used: list[int]) -> np.ndarray:
    """Distribution of the ordinary members' counts, in chair-priority order: an array
    with one axis (size k+1) per state in ``used`` (the states other than absent that
    some member can be in), after a first axis for the state of the first present
    member (size 6 if ``first``, else 1)."""
    k = len(probs)
    dist = np.zeros((_STATES if first else 1, *(k + 1,) * len(used)))
    dist[(0,) * dist.ndim] = 1.0
    for p in probs:
        new = dist * p[_ABSENT]
        for axis, state in enumerate(used, 1):
            moved = np.zeros_like(dist)
            src = [slice(None)] * dist.ndim
            dst = list(src)
            src[axis], dst[axis] = slice(0, k), slice(1, k + 1)
            moved[tuple(dst)] = dist[tuple(src)] * p[state]
            if first:  # the first present ordinary member's state is remembered
                moved[state] += moved[0]
                moved[0] = 0.0
            new += moved
        dist = new
    return dist


def exact_probabilities(spec: RuleSpec, board: Board, model: MeetingModel) -> ExactResult:
    """Exact outcome probabilities of ``spec`` on ``board`` (see the module docstring)."""
    _check(board, model)
    n = board.n
    # the first present ordinary member may chair: his state matters where the chief
    # decides or where he may stay silent (and so break a speaking rule)
    first = spec.decision_mode == "chief_decides" or model.p_silent > 0
    owners = board.owners(model.portfolio)
    special = sorted({board.leader, *(i for i in range(n) if owners[i]),
                      *(i for i, d in enumerate(board.deputies()) if d)})
    ordinary = [i for i in board.chair_priority() if i not in special]
    worlds = {right: [_states(m, right, model) for m in board.members] for right in (True, False)}
    possible = [st for st in range(_STATES)
                if any(full[st] > 0 for w in worlds.values() for full, _ in w)]
    used = [st for st in possible if st != _ABSENT
            and any(worlds[r][i][0][st] > 0 for r in worlds for i in ordinary)]
    combos = np.array(list(itertools.product(possible, repeat=len(special))), dtype=np.int8)
    by_world: dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
    for right, st in worlds.items():
        w = np.ones(len(combos))
        w_sy = np.ones(len(combos))  # and the leader's signal says yes
        for col, i in enumerate(special):
            full, with_sy = st[i]
            w = w * full[combos[:, col]]
            w_sy = w_sy * (with_sy if i == board.leader else full)[combos[:, col]]
        by_world[right] = (w, w_sy, _dp([st[i][0] for i in ordinary], first, used))
    support = np.argwhere(by_world[True][2] + by_world[False][2] > 0)  # (cells, 1 + used)
    live = np.flatnonzero(by_world[True][0] + by_world[False][0] > 0)
    reps = len(live) * len(support)
    if reps > MAX_STATES:
        raise ExactModeError("board", f"{reps} representative meetings are too many",
                             fix="use the Monte Carlo (simulate) for a board this large")
    ci = np.repeat(live, len(support))
    cell = support[np.tile(np.arange(len(support)), len(live))]
    present = np.zeros((n, reps), dtype=bool)
    vote = np.zeros((n, reps), dtype=np.int8)

    def place(i: int, state: np.ndarray) -> None:
        present[i] = state != _ABSENT
        vote[i] = np.where(state == _SILENT, 0, state)

    for col, i in enumerate(special):
        place(i, combos[ci, col])
    left = {st: cell[:, 1 + j].copy() for j, st in enumerate(used)}
    for rank, i in enumerate(ordinary):
        code = cell[:, 0].astype(np.int8) if rank == 0 and first else np.zeros(reps, np.int8)
        if not (rank == 0 and first):
            for st in reversed(used):  # fill in the order of `used`: earlier assignments win
                code = np.where(left[st] > 0, st, code).astype(np.int8)
        for st in used:
            left[st] -= code == st
        place(i, code)
    chair = chair_of(board, present)
    pos = fixed_places(board, model, present & (vote != 0), chair)

    def both(p: float) -> list[tuple[bool, float]]:
        return [(v, pv) for v, pv in ((True, p), (False, 1 - p)) if pv > 0]

    flags = [(e, a, u, pe * pa * pu) for e, pe in both(model.p_emergency)
             for a, pa in both(model.p_ad_hoc) for u, pu in both(model.p_unclear)]
    totals = dict.fromkeys((*OUTCOME_KEYS, "correct", "leader_followed"), 0.0)
    margins: dict[int, float] = {}
    for emergency, ad_hoc, unclear, p_flags in flags:
        batch = MeetingBatch(board, model, present, vote, pos, chair, np.zeros(reps, bool),
                             np.zeros(reps, bool), emergency, ad_hoc, unclear=unclear)
        r = outcomes(spec, batch)
        passed = r.outcome == int(Outcome.PASSED)
        rejected = r.outcome == int(Outcome.REJECTED)
        for right, prior in ((True, model.prior_yes), (False, 1 - model.prior_yes)):
            if prior == 0:
                continue
            w, w_sy, dist = by_world[right]
            p_cell = dist[tuple(cell.T)]
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
                      order: str = "last", reading: Mapping[str, str] | None = None,
                      all_readings: bool = False, **model_args: Any) -> list[ExactResult]:
    """:func:`exact_probabilities` for one (body, matter) of an institution, once per
    combination of readings (all, or those agreeing with ``reading``), each labelled."""
    inst, body, matter, rs = resolve(institution, body, matter)
    board = board if board is not None else Board.uniform(15, attendance=0.9)
    out = []
    for choice, spec in reading_specs(rs, reading, all_readings=all_readings):
        r = exact_probabilities(spec, board, model_for(inst, matter, spec, order, **model_args))
        out.append(replace(r, reading=choice))
    return out
