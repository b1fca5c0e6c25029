"""Monte Carlo of many meetings: outcome probabilities with confidence intervals.

:func:`simulate` draws meetings in batches (:mod:`simulations.meetings`), decides each
through the one rule semantics (:mod:`simulations.vectorised`) and reports, with 95%
Wilson intervals: P(no quorum), P(passed), P(rejected), P(deferred), P(procedure
violation), P(correct decision) -- passed when passing is right or rejected when it
is wrong --, P(outcome = the leader's private preference) -- passed when the leader's
own signal says yes, rejected when it says no --, and the distribution of yes - no.

Speaking orders other than ``"last"`` break the speak-last rule (末位表态) of bodies
that have one, so such meetings come out as ``procedure_violation`` "as the rules
evaluate it".  To study herding under a counterfactual order *as if it were allowed*,
pass ``as_if_allowed=True``: the spec's speaking-order rules are then switched off
(``dataclasses.replace(spec, last_speaker="none", owner_speaks_first=False)``) and the
result says so (``spec_note``).

Three ways of drawing a meeting, one semantics.  Where the members are independent with
a fixed speaking order and the ordinary members (all but the leader, the deputies and the
portfolio owners) are alike (:func:`simulations.counts.sampler_problem`), ``method="auto"``
(the default) draws the special members one by one and the ordinary members as counts
(``"counts"``, :class:`simulations.counts.CountSampler`); where members conform (herding)
but the ordinary ones are alike, conformity included, and the order is fixed up to a
random order within each class (:func:`simulations.herding.herd_problem`), it runs the
cascade speaking position by speaking position over a block of meetings, the ordinary
members as counts (``"herding"``, :class:`simulations.herding.HerdSampler`); otherwise
it draws each member (``"members"``, :func:`simulations.meetings.draw_meetings`).  All
give the same distribution of outcomes (tests/test_sim_counts.py,
tests/test_sim_herding.py) and decide through the same :func:`model.semantics.evaluate`;
every result names the path that ran (``method``).  ``seed`` makes a run reproducible:
the same seed gives the same results on the same path (the paths use the random stream
differently).

:func:`simulate_institution` runs every combination of readings of the rule set's open
points (or those named, see :mod:`simulations.readings`), each on the same simulated
meetings where the meeting model is the same (common random numbers), and returns one
result per combination, labelled with it (``reading``).  Every result also states the
meeting model's silence assumption (``assumption``).

Examples
--------
>>> from model.loader import load_institution
>>> from simulations.compositions import Board
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> first = next(inst.ruleset("party_group", "ordinary").choices())  # named explicitly
>>> [r] = simulate_institution(inst, board=Board.uniform(7, attendance=0.9), meetings=20_000,
...                            seed=1, reading=first)
>>> r.body, r.matter, r.meetings, r.reading == first
('party_group', 'ordinary', 20000, True)
>>> r.method  # independent, alike members: ordinary members drawn as counts
'counts'
>>> r.assumption
'assumed: every present member states a position (no silence)'
>>> abs(sum(r.probabilities[k].value for k in OUTCOME_KEYS) - 1) < 1e-12
True
>>> [r2] = simulate_institution(inst, board=Board.uniform(7, attendance=0.9), meetings=20_000,
...                             seed=1, reading=first)
>>> r2.probabilities["passed"] == r.probabilities["passed"]
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from model.loader import load_institution
from model.meeting import Outcome
from model.rules import Institution, RuleSet, RuleSpec
from simulations.compositions import Board, BoardFileError
from simulations.counts import CountSampler, sampler_problem
from simulations.estimates import Estimate, proportion
from simulations.herding import HerdSampler, herd_problem
from simulations.meetings import MeetingModel, draw_meetings
from simulations.readings import reading_label, reading_specs
from simulations.rng import Seed, as_generator
from simulations.vectorised import outcomes

__all__ = ["OUTCOME_KEYS", "QUALITY_KEYS", "SimulationResult", "Tally", "simulate",
           "simulate_institution", "resolve", "model_for", "batch_size", "BATCH",
           "METHODS", "choose_method"]

OUTCOME_KEYS = tuple(o.label for o in Outcome)
QUALITY_KEYS = ("correct", "leader_followed")
BATCH: int | None = None  # None: about 2^20 member-rows per batch, 2^13..2^16 meetings
METHODS = ("auto", "counts", "herding", "members")


def batch_size(n: int, batch: int | None = None) -> int:
    """Meetings per batch: ``batch`` if given, else about 2^20 / n (between 2^13 and 2^16),
    which keeps a batch's arrays in cache on common machines (see bench/bench_sim.py)."""
    return batch if batch is not None else max(1 << 13, min(1 << 16, (1 << 20) // max(n, 1)))


@dataclass
class Tally:
    """Running counts over batches (mutable accumulator, internal to a run)."""

    n: int
    method: str = "members"  # the path that drew the meetings: "counts", "herding" or "members"
    meetings: int = 0
    by_outcome: np.ndarray = field(default_factory=lambda: np.zeros(len(Outcome) + 1, dtype=np.int64))
    correct: int = 0
    leader_followed: int = 0
    margins: np.ndarray | None = None

    def add(self, out: np.ndarray, yes: np.ndarray, no: np.ndarray, right: np.ndarray,
            leader_yes: np.ndarray) -> None:
        passed = out == int(Outcome.PASSED)
        rejected = out == int(Outcome.REJECTED)
        self.meetings += len(out)
        self.by_outcome += np.bincount(out, minlength=len(Outcome) + 1)
        self.correct += int(np.count_nonzero(np.where(right, passed, rejected)))
        self.leader_followed += int(np.count_nonzero(np.where(leader_yes, passed, rejected)))
        m = np.bincount(yes - no + self.n, minlength=2 * self.n + 1)
        self.margins = m if self.margins is None else self.margins + m

    def probabilities(self) -> dict[str, Estimate]:
        out = {o.label: proportion(int(self.by_outcome[int(o)]), self.meetings) for o in Outcome}
        out["correct"] = proportion(self.correct, self.meetings)
        out["leader_followed"] = proportion(self.leader_followed, self.meetings)
        return out


@dataclass(frozen=True)
class SimulationResult:
    """Probabilities (with 95% intervals) and the yes - no margin distribution."""

    institution: str
    body: str
    matter: str
    order: str
    board: str
    n: int
    meetings: int
    seed: int | None
    probabilities: Mapping[str, Estimate]
    margins: Mapping[int, int]
    spec_note: str = ""
    reading: Mapping[str, str] = field(default_factory=dict)
    assumption: str = ""
    method: str = "members"  # how meetings were drawn: "counts", "herding" or "members" (see the module)

    @property
    def reading_label(self) -> str:
        """The combination of readings that produced this result (see simulations.readings)."""
        return reading_label(self.reading)

    def rows(self) -> list[dict[str, Any]]:
        """Tidy rows: one per quantity, with value, interval and context columns (the
        reading that produced it, the silence assumption)."""
        base = {"institution": self.institution, "body": self.body, "matter": self.matter,
                "reading": self.reading_label, "order": self.order, "board": self.board,
                "n": self.n, "meetings": self.meetings, "seed": self.seed,
                "spec_note": self.spec_note, "assumption": self.assumption,
                "method": self.method}
        return [{**base, "quantity": k, "value": e.value, "low": e.low, "high": e.high}
                for k, e in self.probabilities.items()]

    def mean_margin(self) -> float:
        total = sum(self.margins.values())
        return sum(k * v for k, v in self.margins.items()) / total if total else math.nan


def resolve(institution: str | Path | Institution, body: str | None = None,
            matter: str | None = None) -> tuple[Institution, str, str, RuleSet]:
    """Load an institution (id, rule-file path or object) and pick (body, matter) and its
    rule set; body and matter default to the first pair the rule file defines."""
    inst = institution if isinstance(institution, Institution) else load_institution(institution)
    pairs = list(inst.pairs())
    if body is None:
        body = next((b for b, m in pairs if matter is None or m == matter), pairs[0][0])
    if matter is None:
        matter = inst.bodies[body].matters[0] if body in inst.bodies else pairs[0][1]
    return inst, body, matter, inst.ruleset(body, matter)


def model_for(inst: Institution, matter: str, spec: RuleSpec, order: str = "last",
              **kwargs: Any) -> MeetingModel:
    """The meeting model of a matter under a spec: its portfolio, who must speak last (the
    leader where the rules name him, else the chair) and the owner-first rule."""
    last = "leader" if spec.last_speaker in ("leader", "leader_not_first") else "chair"
    return MeetingModel(order=order, last=last, portfolio=inst.matters[matter].portfolio,
                        owner_speaks_first=spec.owner_speaks_first, **kwargs)


def choose_method(spec: RuleSpec, board: Board, model: MeetingModel, method: str = "auto") -> str:
    """The path that draws the meetings: ``"counts"`` where ``method`` is ``"auto"`` or
    ``"counts"`` and :func:`~simulations.counts.sampler_problem` finds none; else
    ``"herding"`` where ``method`` is ``"auto"`` or ``"herding"`` and
    :func:`~simulations.herding.herd_problem` finds none; else ``"members"`` (a path
    named where it does not apply is an error).

    >>> from model.rules import RuleSpec
    >>> choose_method(RuleSpec(), Board.uniform(5), MeetingModel()), choose_method(
    ...     RuleSpec(), Board.uniform(5), MeetingModel(order="random"))
    ('counts', 'members')
    >>> choose_method(RuleSpec(), Board.uniform(5, conformity=0.5), MeetingModel())
    'herding'
    >>> choose_method(RuleSpec(), Board.uniform(5, conformity=0.5), MeetingModel(), "counts")
    Traceback (most recent call last):
    ...
    simulations.compositions.BoardFileError: field 'conformity': members who conform are not independent (fix: use method 'herding', 'members' or 'auto'; or use the Monte Carlo (simulate), or set every conformity to 0)
    """
    if method not in METHODS:
        raise BoardFileError("method", f"unknown method {method!r}",
                             fix=f"use one of {', '.join(METHODS)}")
    if method == "members":
        return method
    for path, find in (("counts", sampler_problem), ("herding", herd_problem)):
        if method not in ("auto", path):
            continue
        problem = find(spec, board, model)
        if problem is None:
            return path
        if method == path:
            where, message, fix = problem
            others = ", ".join(repr(m) for m in METHODS if m not in ("auto", path))
            raise BoardFileError(where, message, fix=f"use method {others} or 'auto'; or {fix}")
    return "members"


def simulate(spec: RuleSpec, board: Board, model: MeetingModel, meetings: int,
             seed: Seed = None, *, batch: int | None = BATCH, half_width: float | None = None,
             target: str = "passed", max_meetings: int = 10**9, method: str = "auto") -> Tally:
    """Simulate ``meetings`` meetings (or, with ``half_width``, until the 95% interval of
    P(``target``) is that narrow) and return the running :class:`Tally`; ``method``
    chooses how meetings are drawn (:func:`choose_method`; the tally names the one used)."""
    g = as_generator(seed)
    path = choose_method(spec, board, model, method)
    tally = Tally(board.n, path)
    goal = meetings if half_width is None else max_meetings
    sampler: CountSampler | HerdSampler | None = (
        CountSampler.of(spec, board, model) if path == "counts"
        else HerdSampler.of(spec, board, model) if path == "herding" else None)
    memo = sampler.memo() if sampler is not None else None
    # the counts path's memory per meeting is the stand-in's; the cascade's grows with n
    step = batch_size(sampler.stand.board.n if path == "counts" else board.n, batch)
    while tally.meetings < goal:
        size = min(step, goal - tally.meetings)
        if sampler is not None:
            r, right, signal = sampler.decide(spec, size, g, memo)
            tally.add(r.outcome, r.yes, r.no, right, signal)
        else:
            b = draw_meetings(board, model, size, g)
            r = outcomes(spec, b)
            tally.add(r.outcome, r.yes, r.no, b.yes_is_right, b.leader_signal)
        if half_width is not None and tally.probabilities()[target].half_width <= half_width:
            break
    return tally


def simulate_institution(institution: str | Path | Institution, *, body: str | None = None,
                         matter: str | None = None, board: Board | None = None,
                         meetings: int = 100_000, seed: Seed = None, order: str = "last",
                         reading: Mapping[str, str] | None = None, all_readings: bool = False,
                         as_if_allowed: bool = False, batch: int | None = BATCH,
                         model_args: Mapping[str, Any] | None = None,
                         method: str = "auto") -> list[SimulationResult]:
    """Simulate one (body, matter) of an institution on a board (default: 15 alike
    members attending with probability 0.9, competence 0.7, independent), once per
    combination of readings (all of them, or those agreeing with ``reading``; more than
    :data:`~simulations.readings.MAX_READINGS` need ``all_readings``).
    ``model_args`` go to :class:`~simulations.meetings.MeetingModel` (prior_yes,
    p_interested, p_recuse, p_written_opinion, p_emergency, p_ad_hoc, p_unclear, p_silent,
    p_defer, amount, ties); ``method`` is :func:`simulate`'s (each result names the path run)."""
    inst, body, matter, rs = resolve(institution, body, matter)
    board = board if board is not None else Board.uniform(15, attendance=0.9)
    g = as_generator(seed)
    state = g.bit_generator.state  # every reading sees the same random stream
    results = []
    for choice, spec in reading_specs(rs, reading, all_readings=all_readings):
        note = ""
        model = model_for(inst, matter, spec, order, **dict(model_args or {}))
        if as_if_allowed and (spec.last_speaker != "none" or spec.owner_speaks_first):
            spec = replace(spec, last_speaker="none", owner_speaks_first=False)
            note = ("speaking-order rules (last_speaker, owner_speaks_first) disabled: the "
                    "counterfactual order is treated as allowed")
        g.bit_generator.state = state
        tally = simulate(spec, board, model, meetings, g, batch=batch, method=method)
        assert tally.margins is not None
        margins = {k - board.n: int(v) for k, v in enumerate(tally.margins) if v}
        results.append(SimulationResult(
            inst.id, body, matter, order, board.name, board.n, tally.meetings,
            seed if isinstance(seed, int) else None, tally.probabilities(), margins, note,
            choice, model.silence_note, tally.method))
    return results
