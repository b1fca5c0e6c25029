"""Outcomes of a batch of meetings through the one rule semantics, vectorised.

:func:`outcomes` calls :func:`model.semantics.evaluate` once for a whole batch with the
numpy backend :data:`model.backend.NP`: numpy arrays for what varies between meetings
(attendance, votes -- ``Vote.NONE`` for the silent --, speaking places, chair, and where
the model draws them interests, recusals, written opinions and unclear items), Python
constants for what does not (who owns the matter's portfolio, who is a deputy, the
item's amount; ``False`` / ``0`` where the model draws no interests or notes), which the
backend folds away.  The rule code run is the reference evaluator's.

Examples
--------
>>> from model.loader import load_institution
>>> from simulations.compositions import Board
>>> from simulations.meetings import MeetingModel, draw_meetings
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary")
>>> spec = rs.spec(next(rs.choices()))  # one named reading per open point
>>> batch = draw_meetings(Board.uniform(7, attendance=0.8), MeetingModel(), 1000, seed=2)
>>> r = outcomes(spec, batch)
>>> r.outcome.shape, set(r.outcome.tolist()) <= {1, 2, 3, 4, 5}
((1000,), True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from model.backend import NP
from model.meeting import MeetingTerms
from model.rules import RuleSpec
from model.semantics import evaluate
from simulations.meetings import MeetingBatch

__all__ = ["BatchOutcome", "outcomes", "batch_terms", "evaluate_terms"]


@dataclass(frozen=True)
class BatchOutcome:
    """Outcome code and yes/no tallies per meeting (arrays of shape ``(size,)``)."""

    outcome: np.ndarray
    yes: np.ndarray
    no: np.ndarray


def batch_terms(batch: MeetingBatch) -> MeetingTerms[Any]:
    """The whole batch as one :class:`~model.meeting.MeetingTerms`: per-member arrays of shape
    ``(size,)`` (rows of the member-major arrays, contiguous), Python constants for what
    is the same in every meeting (owners; no interests, recusals or notes if none drawn)."""
    n = batch.n
    chair = batch.chair[None, :] == np.arange(n)[:, None]

    def rows(x: np.ndarray | None, none: Any) -> list[Any]:
        return [none] * n if x is None else list(x)

    return MeetingTerms(
        n=n, leader=batch.board.leader, present=list(batch.present),
        recused=rows(batch.recused, False), interested=rows(batch.interested, False),
        owner=list(batch.board.owners(batch.model.portfolio)), chair=list(chair),
        vote=list(batch.vote), opinion=rows(batch.opinion, 0), pos=list(batch.pos),
        emergency=batch.emergency, ad_hoc=batch.ad_hoc, vote_called=True,
        portfolio=batch.model.portfolio, deputy=list(batch.board.deputies()),
        unclear=batch.unclear, amount=batch.amount)


def _full(x: Any, size: int, dtype: Any) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=dtype), (size,))


def evaluate_terms(spec: RuleSpec, terms: MeetingTerms[Any], size: int) -> BatchOutcome:
    """Evaluate ``spec`` on ``size`` meetings given as per-member (or, with weights,
    per-class) arrays through the numpy backend (one call for the whole batch)."""
    ev = evaluate(spec, terms, NP)
    return BatchOutcome(_full(ev.outcome, size, np.int8), _full(ev.tally["yes"], size, np.int32),
                        _full(ev.tally["no"], size, np.int32))


def outcomes(spec: RuleSpec, batch: MeetingBatch) -> BatchOutcome:
    """Evaluate ``spec`` on every meeting of ``batch`` with :func:`model.semantics.evaluate`
    through the numpy backend :data:`model.backend.NP` (one call for the whole batch)."""
    return evaluate_terms(spec, batch_terms(batch), batch.size)
