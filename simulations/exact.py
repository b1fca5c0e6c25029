"""Exact outcome probabilities when members decide independently.

Where members are independent (no conformity, no correlated attendance or judgement)
and the speaking order is fixed by the rules (``"last"``) or its mirror (``"first"``),
a meeting's outcome depends only on the states (absent / yes / no / abstain / defer /
silent) of a few *special* members -- the leader, the deputies (who may chair) and the portfolio
owners -- and on the *counts* of the other ("ordinary") members
in each state.  :func:`exact_probabilities` therefore

1. enumerates the special members' joint states, once;
2. finds the distribution of the ordinary members' counts (plus the state of the first
   present ordinary member where he may end up chairing and what he states matters: the
   chief decides, or he may stay silent), given the state of the world: in closed form
   (multinomial) where the ordinary members are alike, else by a Poisson-multinomial
   dynamic programme;
3. decides every (special states, count cell) with the rule semantics (the same code as
   the reference evaluator), once per combination of the matter facts drawn per meeting
   (emergency, ad hoc, unclear), and
4. sums the probabilities by outcome.

Step 3 has two methods.  ``"cells"`` (the default) evaluates on the count cells
directly: a *stand-in* meeting whose entries are the special members, the first present
ordinary member (the one who may chair) and one entry per state for the other ordinary
members, weighted by their count (:class:`~model.meeting.MeetingTerms` ``weight``; the
backend counts such a class as one integer).  The cells are grouped by which classes are
empty, so within a group every entry but the counts is a constant and the semantics folds
it; only the tallies and the thresholds on them are arrays over cells.  Time and memory
grow with the number of cells, O(n^2) for yes/no boards.  ``"materialised"`` builds one
full n-member representative meeting per (special states, cell) -- O(n^3) memory: the
reference the differential tests and ``bench/bench_exact.py`` compare against.

Every requirement of the spec binds (quorum and passing are tuples of requirements):
the meetings go through :func:`model.semantics.evaluate`, which reads them all.
:func:`exact_institution` computes one result per combination of readings, labelled.

The results are floats from an exact computation (no sampling).  Where the ordinary
members are alike, cells less likely than :data:`TAIL` in every state of the world are
left out (the multinomial is enumerated outward from its mean, never past a Hoeffding
bound); ``ExactResult.dropped`` bounds the probability they carry: C(k+u, u) * TAIL for
k ordinary members and u count states (yes/no boards: below 1e-22 up to the size limit
of 5000 members; with all five states -- yes, no, abstain, 暂缓, silent -- below 3e-14),
so each probability is exact up to that and float rounding (the log-factorials of the
closed form carry a relative error below 1e-10; the tests compare with integer binomial
sums to 1e-9 at n = 3000).  The Monte Carlo of
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
>>> from simulations.meetings import MeetingModel
>>> big = exact_probabilities(rs.default(), Board.uniform(2000, attendance=0.9), MeetingModel())
>>> 0 < big.probabilities["passed"].value < 1, 0 < big.dropped < 1e-20
(True, True)
>>> exact_institution("prefecture_medical_security_party_group",
...                   board=Board.uniform(5, conformity=1.0))
Traceback (most recent call last):
...
simulations.exact.ExactModeError: field 'conformity': members who conform are not independent (fix: use the Monte Carlo (simulate), or set every conformity to 0)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from model.backend import NP
from model.errors import QuorumlabError
from model.limits import enforce
from model.meeting import MeetingTerms, Outcome
from model.rules import Institution, RuleSpec
from model.semantics import evaluate
from simulations.compositions import Board
from simulations.counts import (
    ABSENT,
    STATES,
    TAIL,
    Split,
    StandIn,
    alike_cells,
    count_problem,
    ranges,
    special_combos,
    split,
    vote_code,
)
from simulations.estimates import Estimate
from simulations.meetings import MeetingBatch, MeetingModel, chair_of, fixed_places
from simulations.montecarlo import OUTCOME_KEYS, model_for, resolve
from simulations.readings import reading_label, reading_specs
from simulations.vectorised import outcomes

__all__ = ["ExactModeError", "ExactResult", "exact_probabilities", "exact_institution",
           "MAX_STATES", "TAIL", "METHODS"]

MAX_STATES = 5_000_000
"""At most this many representative meetings (``"materialised"``) or count cells (``"cells"``)."""
METHODS = ("cells", "materialised")
_ALONE = 4096  # a column of this many cells is decided alone, on constants
_BATCH = 1 << 16  # smaller columns are decided together, about this many cells at a time


class ExactModeError(QuorumlabError, ValueError):
    """The board or model does not allow an exact computation."""


@dataclass(frozen=True)
class ExactResult:
    """Exact probabilities (as point :class:`Estimate` s) and the yes - no distribution;
    ``representatives``: the (special states, count cell) pairs decided; ``dropped``
    bounds the probability of the count cells left out (see the module)."""

    probabilities: Mapping[str, Estimate]
    margins: Mapping[int, float]
    representatives: int
    reading: Mapping[str, str] = field(default_factory=dict)
    dropped: float = 0.0

    @property
    def reading_label(self) -> str:
        """The combination of readings that produced this result."""
        return reading_label(self.reading)


def _check(board: Board, model: MeetingModel) -> None:
    enforce("exact_size", board.n, ExactModeError, "board")
    problem = count_problem(board, model)
    if problem is not None:
        field_name, message, fix = problem
        raise ExactModeError(field_name, message, fix=fix)


def _dp(probs: list[np.ndarray], first: bool, used: list[int]) -> np.ndarray:
    """Distribution of the ordinary members' counts, in chair-priority order: an array
    with one axis (size k+1) per state in ``used`` (the states other than absent that
    some member can be in), after a first axis for the state of the first present
    member (size 6 if ``first``, else 1)."""
    k = len(probs)
    dist = np.zeros((STATES if first else 1, *(k + 1,) * len(used)))
    dist[(0,) * dist.ndim] = 1.0
    for p in probs:
        new = dist * p[ABSENT]
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


@dataclass(frozen=True)
class _Setup(Split):
    """A :class:`~simulations.counts.Split` with the special members' joint states enumerated."""

    combos: np.ndarray  # (combos, special) joint states of the special members
    live: np.ndarray  # combos possible in some world
    by_world: dict[bool, tuple[np.ndarray, np.ndarray]]  # P(combo), P(combo, leader signal yes)
    ordinary_states: dict[bool, list[np.ndarray]]  # per world: P(state) of each ordinary member


def _setup(spec: RuleSpec, board: Board, model: MeetingModel) -> _Setup:
    s = split(spec, board, model)
    combos, by_world = special_combos(s, board.leader)
    live = np.flatnonzero(by_world[True][0] + by_world[False][0] > 0)
    return _Setup(s.special, s.ordinary, s.first, s.used, s.possible, s.worlds, combos, live,
                  by_world, {right: [st[i][0] for i in s.ordinary]
                             for right, st in s.worlds.items()})


class _Totals:
    """Probabilities summed by outcome, quality and margin."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.totals = dict.fromkeys((*OUTCOME_KEYS, "correct", "leader_followed"), 0.0)
        self.margins = np.zeros(2 * n + 1)

    def add(self, outcome: np.ndarray, margin: np.ndarray, p_cell: np.ndarray, right: bool,
            scale: Any, scale_sy: Any) -> None:
        """Meetings with these outcomes and yes - no margins, each of probability
        ``scale * p_cell`` (``scale_sy * p_cell`` with the leader's signal yes); the
        scales are numbers, or arrays like ``p_cell``."""
        slots = len(Outcome) + 1
        base = None if np.ndim(scale) else np.bincount(outcome, weights=p_cell, minlength=slots)

        def by_outcome(x: Any) -> np.ndarray:
            return x * base if base is not None else np.bincount(outcome, weights=p_cell * x,
                                                                 minlength=slots)

        by, sy = by_outcome(scale), by_outcome(scale_sy)
        passed, rejected = by[int(Outcome.PASSED)], by[int(Outcome.REJECTED)]
        for o in Outcome:
            self.totals[o.label] += by[int(o)]
        self.totals["correct"] += passed if right else rejected
        self.totals["leader_followed"] += (sy[int(Outcome.PASSED)] + rejected
                                           - sy[int(Outcome.REJECTED)])
        at = margin + self.n
        self.margins += (scale * np.bincount(at, weights=p_cell, minlength=2 * self.n + 1)
                         if base is not None else
                         np.bincount(at, weights=p_cell * scale, minlength=2 * self.n + 1))

    def result(self, reps: int, dropped: float) -> ExactResult:
        margins = {int(m) - self.n: float(self.margins[m]) for m in np.flatnonzero(self.margins)}
        return ExactResult({k: Estimate.point(float(v)) for k, v in self.totals.items()},
                           margins, reps, dropped=dropped)


def _flags(model: MeetingModel) -> list[tuple[bool, bool, bool, float]]:
    """Every combination of the matter facts drawn per meeting, with its probability."""
    def both(p: float) -> list[tuple[bool, float]]:
        return [(v, pv) for v, pv in ((True, p), (False, 1 - p)) if pv > 0]

    return [(e, a, u, pe * pa * pu) for e, pe in both(model.p_emergency)
            for a, pa in both(model.p_ad_hoc) for u, pu in both(model.p_unclear)]


def _priors(model: MeetingModel) -> list[tuple[bool, float]]:
    return [(right, p) for right, p in ((True, model.prior_yes), (False, 1 - model.prior_yes))
            if p > 0]


def _materialised(spec: RuleSpec, board: Board, model: MeetingModel, s: _Setup) -> ExactResult:
    """One full representative meeting per (special states, count cell)."""
    n = board.n
    dists = {right: _dp(probs, s.first, s.used) for right, probs in s.ordinary_states.items()}
    support = np.argwhere(dists[True] + dists[False] > 0)  # (cells, 1 + used)
    live = s.live
    reps = len(live) * len(support)
    if reps > MAX_STATES:
        raise ExactModeError("board", f"{reps} representative meetings are too many",
                             fix="use the Monte Carlo (simulate) for a board this large")
    ci = np.repeat(live, len(support))
    cell = support[np.tile(np.arange(len(support)), len(live))]
    present = np.zeros((n, reps), dtype=bool)
    vote = np.zeros((n, reps), dtype=np.int8)

    def place(i: int, state: np.ndarray) -> None:
        present[i] = state != ABSENT
        vote[i] = vote_code(state)

    for col, i in enumerate(s.special):
        place(i, s.combos[ci, col])
    left = {st: cell[:, 1 + j].copy() for j, st in enumerate(s.used)}
    for rank, i in enumerate(s.ordinary):
        code = cell[:, 0].astype(np.int8) if rank == 0 and s.first else np.zeros(reps, np.int8)
        if not (rank == 0 and s.first):
            for st in reversed(s.used):  # fill in the order of `used`: earlier assignments win
                code = np.where(left[st] > 0, st, code).astype(np.int8)
        for st in s.used:
            left[st] -= code == st
        place(i, code)
    chair = chair_of(board, present)
    pos = fixed_places(board, model, present & (vote != 0), chair)
    p_cell = {right: d[tuple(support.T)] for right, d in dists.items()}
    acc = _Totals(n)
    for emergency, ad_hoc, unclear, p_flags in _flags(model):
        batch = MeetingBatch(board, model, present, vote, pos, chair, np.zeros(reps, bool),
                             np.zeros(reps, bool), emergency, ad_hoc, unclear=unclear)
        r = outcomes(spec, batch)
        margin = r.yes - r.no
        for k, c in enumerate(live):
            part = slice(k * len(support), (k + 1) * len(support))
            for right, prior in _priors(model):
                w, w_sy = s.by_world[right]
                acc.add(r.outcome[part], margin[part], p_cell[right], right,
                        prior * p_flags * w[c], prior * p_flags * w_sy[c])
    return acc.result(reps, 0.0)


def _alike(k: int, p: np.ndarray, used: list[int],
           first: bool) -> tuple[np.ndarray, np.ndarray, float]:
    cells = alike_cells(k, p, used, first, MAX_STATES)
    if cells is None:
        raise ExactModeError("board", f"more than {MAX_STATES} count cells",
                             fix="use the Monte Carlo (simulate) for a board this large")
    return cells


def _ordinary_cells(s: _Setup, right: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """The ordinary members' count cells in one world (first column: the first present
    member's state, 0 where untracked), P(cell) and a bound on the probability left out."""
    k, u = len(s.ordinary), len(s.used)
    probs = s.ordinary_states[right]
    if k and all(np.array_equal(p, probs[0]) for p in probs[1:]):
        return _alike(k, probs[0], s.used, s.first)
    size = (STATES if s.first else 1) * (k + 1) ** u
    if size > MAX_STATES:
        raise ExactModeError("board", f"ordinary members who differ need {size} count cells",
                             fix="give the ordinary members the same attendance, competence "
                             "and abstention, or use the Monte Carlo (simulate)")
    dist = _dp(probs, s.first, s.used)
    cells = np.argwhere(dist > 0)
    return cells, dist[tuple(cells.T)], 0.0


@dataclass(frozen=True)
class _Columns:
    """The work of one state of the world.  A *column* is one joint state of the special
    members and one *pattern* (a group of cells with the same first member's state and
    the same empty classes): who chairs and the places are constants there, the class
    counts arrays over the pattern's cells."""

    right: bool
    present: np.ndarray  # bool (entries, columns)
    vote: np.ndarray  # (entries, columns)
    pos: np.ndarray  # (entries, columns)
    chair: np.ndarray  # (columns,) entry who chairs
    rest: np.ndarray  # int32 (classes, cells): members in each class, cells by pattern
    p_cell: np.ndarray  # (cells,)
    bounds: np.ndarray  # the cells of pattern g are bounds[g]:bounds[g + 1]
    group: np.ndarray  # (columns,) the pattern of each column
    scale: np.ndarray  # (columns,) P(world, special states)
    scale_sy: np.ndarray  # (columns,) and the leader's signal says yes

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(self.bounds)[self.group]

    def batches(self) -> list[list[int]]:
        """Columns decided together: a large one alone, small ones about _BATCH cells at a time."""
        out: list[list[int]] = [[]]
        filled = 0
        for col, size in enumerate(self.sizes.tolist()):
            if size >= _ALONE:
                out.append([col])
                continue
            if filled >= _BATCH:
                out.append([])
                filled = 0
            out[-1].append(col)
            filled += size
        return [b for b in out if b]

    def decide(self, batch: list[int], spec: RuleSpec, n: int, model: MeetingModel,
               stand: StandIn, flags: tuple[bool, bool, bool, float], acc: _Totals) -> None:
        """Evaluate the batch's columns through the semantics and add them up."""
        e, classes = stand.board.n, stand.classes
        emergency, ad_hoc, unclear, p_flags = flags
        weight: list[Any] = [1] * e
        if len(batch) == 1:  # constants, which the semantics folds
            col = batch[0]
            part: Any = slice(self.bounds[self.group[col]], self.bounds[self.group[col] + 1])

            def entries(x: np.ndarray) -> list[Any]:
                return x[:, col].tolist()

            chairs: list[Any] = [x == self.chair[col] for x in range(e)]
            for j, entry in enumerate(classes):
                weight[entry] = self.rest[j, part] if self.present[entry, col] else 0
            sc, sc_sy = self.scale[col], self.scale_sy[col]
        else:
            many = self.sizes[batch]
            part = ranges(self.bounds[self.group[batch]], many)

            def entries(x: np.ndarray) -> list[Any]:
                return list(np.repeat(x[:, batch], many, axis=1))

            chairs = list(np.repeat(self.chair[batch], many)[None, :] == np.arange(e)[:, None])
            for j, entry in enumerate(classes):
                weight[entry] = self.rest[j, part]
            sc, sc_sy = np.repeat(self.scale[batch], many), np.repeat(self.scale_sy[batch], many)
        terms = MeetingTerms(
            n=n, leader=stand.board.leader, present=entries(self.present), recused=[False] * e,
            interested=[False] * e, owner=list(stand.board.owners(model.portfolio)),
            chair=chairs, vote=entries(self.vote), opinion=[0] * e, pos=entries(self.pos),
            emergency=emergency, ad_hoc=ad_hoc, vote_called=True, portfolio=model.portfolio,
            deputy=list(stand.board.deputies()), unclear=unclear,
            amount=-1 if model.amount is None else model.amount, weight=weight)
        ev = evaluate(spec, terms, NP)
        p_cell = self.p_cell[part]
        outcome = np.broadcast_to(np.asarray(ev.outcome, dtype=np.intp), p_cell.shape)
        margin = np.broadcast_to(np.asarray(ev.tally["yes"] - ev.tally["no"], dtype=np.intp),
                                 p_cell.shape)
        acc.add(outcome, margin, p_cell, self.right, p_flags * sc, p_flags * sc_sy)


def _columns(s: _Setup, model: MeetingModel, stand: StandIn, right: bool,
             prior: float) -> tuple[_Columns, int, float]:
    """One world's columns, the number of (special states, cell) pairs they cover and a
    bound on the probability of the cells left out."""
    u = len(s.used)
    cells, p_cell, tail = _ordinary_cells(s, right)
    w, w_sy = s.by_world[right]
    live = s.live[w[s.live] > 0]
    counts, head = cells[:, 1:], cells[:, 0].copy()
    if not s.first:  # any present ordinary member will do: the first state with a count
        for j in reversed(range(u)):
            head = np.where(counts[:, j] > 0, s.used[j], head)
    rest = (counts - (head[:, None] == np.array(s.used)[None, :])).astype(np.int32)
    key = head * (1 << u) + ((rest > 0) << np.arange(u)).sum(axis=1)
    order = np.argsort(key, kind="stable")
    key = key[order]
    patterns, starts = np.unique(key, return_index=True)
    cols = len(live) * len(patterns)  # combo-major
    state = np.zeros((stand.board.n, cols), dtype=np.int64)
    for col, entry in enumerate(stand.special):
        state[entry] = np.repeat(s.combos[live, col], len(patterns))
    heads, bits = np.divmod(patterns, 1 << u)
    if stand.head >= 0:
        state[stand.head] = np.tile(heads, len(live))
        for j, entry in enumerate(stand.classes):
            state[entry] = np.tile(np.where((bits >> j) & 1, s.used[j], ABSENT), len(live))
    present, vote = state != ABSENT, vote_code(state)
    chair = chair_of(stand.board, present)
    pos = fixed_places(stand.board, model, present & (vote != 0), chair)
    columns = _Columns(right, present, vote, pos, chair, np.ascontiguousarray(rest[order].T),
                       p_cell[order], np.append(starts, len(key)),
                       np.tile(np.arange(len(patterns)), len(live)),
                       prior * w[live].repeat(len(patterns)),
                       prior * w_sy[live].repeat(len(patterns)))
    return columns, len(live) * len(cells), prior * tail


def _on_cells(spec: RuleSpec, board: Board, model: MeetingModel, s: _Setup) -> ExactResult:
    """Evaluate on count cells, in each state of the world (see :class:`_Columns`); a
    large column is decided alone (the semantics folds its constants), small ones
    together, their constants repeated over their cells."""
    stand = StandIn.of(board, s)
    acc = _Totals(board.n)
    reps, dropped = 0, 0.0
    for right, prior in _priors(model):
        columns, pairs, tail = _columns(s, model, stand, right, prior)
        reps, dropped = reps + pairs, dropped + tail
        for flags in _flags(model):
            for batch in columns.batches():
                columns.decide(batch, spec, board.n, model, stand, flags, acc)
    return acc.result(reps, dropped)


def exact_probabilities(spec: RuleSpec, board: Board, model: MeetingModel, *,
                        method: str = "cells") -> ExactResult:
    """Exact outcome probabilities of ``spec`` on ``board`` (see the module docstring);
    ``method`` is ``"cells"`` (count cells) or ``"materialised"`` (the reference)."""
    if method not in METHODS:
        raise ExactModeError("method", f"unknown method {method!r}",
                             fix=f"use one of {', '.join(METHODS)}")
    _check(board, model)
    s = _setup(spec, board, model)
    return (_on_cells if method == "cells" else _materialised)(spec, board, model, s)


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
