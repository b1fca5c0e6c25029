"""Result dataclasses: what a property check answers, per board size and aggregated.

Statuses: ``holds`` (proved for the stated board size(s)), ``fails`` (with a witness
meeting re-checked by the reference evaluator), ``unknown`` (a timeout, a solver
``unknown`` or error, or an encoding that passed the time limit, with the reason; never
reported as ``holds``: see :func:`proofs.solve.settled`), ``vacuous`` (the property's premise is
unsatisfiable, so "holds" would say nothing) and ``n/a`` (the property does not apply:
e.g. no money limit).

Examples
--------
>>> aggregate(["holds", "unknown", "holds"]), aggregate(["holds", "fails", "unknown"])
('unknown', 'fails')
>>> aggregate(["n/a", "n/a"]), aggregate(["vacuous", "holds"])
('n/a', 'holds')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from proofs.counterexample import Witness

__all__ = ["STATUSES", "Verdict", "PropertyResult", "aggregate"]

STATUSES = ("holds", "fails", "unknown", "vacuous", "n/a")


@dataclass(frozen=True)
class Verdict:
    """What one property check found, before it is labelled with where it ran."""

    status: str
    value: int | None = None
    witnesses: tuple[Witness, ...] = ()
    core: tuple[str, ...] = ()
    reason: str = ""
    detail: str = ""
    detail_zh: str = ""
    facets: tuple[str, ...] = ()
    """The parts that fail, each with its own meetings (e.g. each pair of readings that differ)."""

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")


@dataclass(frozen=True)
class PropertyResult:
    """One property on one (institution, body, matter, reading) at one board size.

    ``n`` is ``None`` for size-independent results (money limits, parametric proofs);
    ``scope`` says what was proved ("n=7", "all n >= 1", ...).  ``citations`` are the
    clauses in the unsat core (the clauses a holding property depends on).
    """

    property_id: str
    institution: str
    body: str
    matter: str
    n: int | None
    status: str
    scope: str
    value: int | None = None
    witnesses: tuple[Witness, ...] = ()
    citations: tuple[str, ...] = ()
    reason: str = ""
    detail: str = ""
    detail_zh: str = ""
    reading: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    facets: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.property_id}@{self.body}/{self.matter}"

    def to_dict(self) -> dict[str, Any]:
        from model.io import meeting_to_dict

        return {
            "property": self.property_id, "institution": self.institution, "body": self.body,
            "matter": self.matter, "n": self.n, "status": self.status, "scope": self.scope,
            "value": self.value, "citations": list(self.citations), "reason": self.reason,
            "detail": self.detail, "detail_zh": self.detail_zh, "reading": dict(self.reading),
            "seconds": round(self.seconds, 4), "facets": list(self.facets),
            "witnesses": [{"label": w.label, "outcome": w.outcome.label, "note": w.note,
                           "reading": dict(w.reading), "meeting": meeting_to_dict(w.meeting)}
                          for w in self.witnesses],
        }


def aggregate(statuses: Iterable[str]) -> str:
    """Combine the statuses over board sizes: any ``fails`` fails, then any ``unknown``."""
    s = set(statuses)
    for st in ("fails", "unknown", "holds", "vacuous"):
        if st in s:
            return st
    return "n/a"
