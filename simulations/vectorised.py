"""Outcomes of a batch of meetings through the one rule semantics, vectorised.

:func:`outcomes` calls :func:`model.semantics.evaluate` once per *chair group* of the
batch with a :class:`FoldingNumpyBackend`: numpy arrays for what varies between
meetings (attendance, votes, speaking places), Python constants for what does not
(who owns the matter's portfolio, nobody is interested, and, within a group, who
chairs).  The backend folds constants as Z3's does (``and(False, x) = False``), so the
speak-last check, written for all pairs of members, costs O(n) array operations
instead of O(n^2).  The rule code run is the same as the reference evaluator's.

Examples
--------
>>> from model.loader import load_institution
>>> from simulations.compositions import Board
>>> from simulations.meetings import MeetingModel, draw_meetings
>>> spec = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary").default()
>>> batch = draw_meetings(Board.uniform(7, attendance=0.8), MeetingModel(), 1000, seed=2)
>>> r = outcomes(spec, batch)
>>> r.outcome.shape, set(r.outcome.tolist()) <= {1, 2, 3, 4, 5}
((1000,), True)
>>> FOLD.and_(True, False, np.array([True])), FOLD.or_(False, np.array([True])).tolist()
(False, [True])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from model.meeting import MeetingTerms
from model.rules import RuleSpec
from model.semantics import evaluate
from simulations.meetings import MeetingBatch

__all__ = ["FoldingNumpyBackend", "FOLD", "BatchOutcome", "outcomes", "reads_chair"]


def _const(x: Any) -> bool:
    return isinstance(x, bool | np.bool_)


class FoldingNumpyBackend:
    """numpy backend that folds Python/numpy boolean constants before touching arrays."""

    def and_(self, *xs: Any) -> Any:
        if any(_const(x) and not x for x in xs):
            return False
        rest = [x for x in xs if not _const(x)]
        if not rest:
            return True
        acc = np.asarray(rest[0], dtype=bool)
        for x in rest[1:]:
            acc = np.logical_and(acc, x)
        return acc

    def or_(self, *xs: Any) -> Any:
        if any(_const(x) and x for x in xs):
            return True
        rest = [x for x in xs if not _const(x)]
        if not rest:
            return False
        acc = np.array(rest[0], dtype=bool)
        for x in rest[1:]:
            np.logical_or(acc, x, out=acc)
        return acc

    def not_(self, x: Any) -> Any:
        return (not x) if _const(x) else np.logical_not(x)

    def ite(self, c: Any, a: Any, b: Any) -> Any:
        if _const(c):
            return a if c else b
        return np.where(c, a, b)

    def count(self, xs: Sequence[Any]) -> Any:
        consts = sum(1 for x in xs if _const(x) and x)
        arrays = [x for x in xs if not _const(x)]
        if not arrays:
            return consts
        total = np.asarray(arrays[0]).astype(np.int32)
        for x in arrays[1:]:
            total += x
        return total + consts if consts else total

    def is_false(self, x: Any) -> bool:
        return _const(x) and not x


FOLD = FoldingNumpyBackend()


@dataclass(frozen=True)
class BatchOutcome:
    """Outcome code and yes/no tallies per meeting (arrays of shape ``(size,)``)."""

    outcome: np.ndarray
    yes: np.ndarray
    no: np.ndarray


def reads_chair(spec: RuleSpec) -> bool:
    """Whether the rules look at who chairs (speak-last by the chair, or the chief decides)."""
    return spec.last_speaker == "chair" or spec.decision_mode == "chief_decides"


def _terms(batch: MeetingBatch, cols: Any, chair: int | None) -> MeetingTerms[Any]:
    n = batch.n

    def sub(x: Any) -> Any:
        return x if cols is None or not isinstance(x, np.ndarray) else x[..., cols]

    present, vote, pos = sub(batch.present), sub(batch.vote), sub(batch.pos)
    chair_terms = ([i == chair for i in range(n)] if chair is not None
                   else list(sub(batch.chair)[None, :] == np.arange(n)[:, None]))
    return MeetingTerms(
        n=n, leader=batch.board.leader, present=list(present), recused=[False] * n,
        interested=[False] * n, owner=list(batch.board.owners(batch.model.portfolio)),
        chair=chair_terms, vote=list(vote), opinion=[0] * n, pos=list(pos),
        emergency=sub(batch.emergency), ad_hoc=sub(batch.ad_hoc), vote_called=True,
        portfolio=batch.model.portfolio)


def _full(x: Any, size: int, dtype: Any) -> np.ndarray:
    return np.broadcast_to(np.asarray(x, dtype=dtype), (size,))


def outcomes(spec: RuleSpec, batch: MeetingBatch) -> BatchOutcome:
    """Evaluate ``spec`` on every meeting of ``batch`` with :func:`model.semantics.evaluate`.

    Meetings are grouped by who chairs when the rules read the chair, so that the chair
    is a constant inside each call; otherwise the whole batch is one call.
    """
    size = batch.size
    if not reads_chair(spec):
        ev = evaluate(spec, _terms(batch, None, None), FOLD)
        return BatchOutcome(_full(ev.outcome, size, np.int8), _full(ev.tally["yes"], size, np.int32),
                            _full(ev.tally["no"], size, np.int32))
    out = np.empty(size, dtype=np.int8)
    yes = np.empty(size, dtype=np.int32)
    no = np.empty(size, dtype=np.int32)
    for c in np.unique(batch.chair):
        rows = np.flatnonzero(batch.chair == c)
        cols = None if len(rows) == size else rows
        ev = evaluate(spec, _terms(batch, cols, int(c)), FOLD)
        out[rows] = ev.outcome
        yes[rows] = ev.tally["yes"]
        no[rows] = ev.tally["no"]
    return BatchOutcome(out, yes, no)
