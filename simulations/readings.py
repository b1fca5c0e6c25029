"""Readings of a rule set's open points in the simulations: never one picked silently.

Where a rule text leaves a point open, the rule set lists named readings
(:meth:`model.rules.RuleSet.choices`).  :func:`simulate_institution`, the exact mode, the
power indices and sweeps run *every* combination of readings, or the combinations that
agree with the readings the user names (``--reading POINT=NAME``; a point id is
:attr:`model.rules.OpenPoint.field`, and one point may set several rule fields), and label
every result with :func:`reading_label`.  Above :data:`MAX_READINGS` combinations they
ask the user to name readings or to ask for all of them (``--all-readings``).

Examples
--------
>>> from model.rules import Deferral, OpenPoint, Reading, RuleSet
>>> split = OpenPoint("deferral", "vague", (
...     Reading("close_split", {"deferral": Deferral("margin", 1)}, "seed 001, 第二十一条(五)"),
...     Reading("chair_judgement", {"deferral": Deferral()}, "seed 001, 第二十一条(五)")),
...     fields=("deferral",))
>>> rs = RuleSet("demo", "party_group", "ordinary", {}, {}, {}, points=(split,))
>>> [reading_label(c) for c in select_readings(rs)]
['deferral=close_split', 'deferral=chair_judgement']
>>> [reading_label(c) for c in select_readings(rs, {"deferral": "chair_judgement"})]
['deferral=chair_judgement']
>>> select_readings(rs, {"deferral": "whatever"})
Traceback (most recent call last):
...
simulations.readings.ReadingError: field '--reading': party_group/ordinary: point 'deferral' has no reading 'whatever' (fix: use one of close_split, chair_judgement)
>>> select_readings(rs, limit=1)
Traceback (most recent call last):
...
simulations.readings.ReadingError: field '--reading': party_group/ordinary has 2 reading combinations (more than 1) (fix: name readings with --reading POINT=NAME, or run every combination with --all-readings)
"""

from __future__ import annotations

from collections.abc import Mapping

from model.errors import QuorumlabError
from model.rules import RuleSet, RuleSpec

__all__ = ["MAX_READINGS", "NO_POINTS", "ReadingError", "reading_label", "select_readings",
           "reading_specs"]

MAX_READINGS = 16
NO_POINTS = "no open points"


class ReadingError(QuorumlabError, ValueError):
    """A named reading does not exist, or too many combinations would run unasked."""


def reading_label(choice: Mapping[str, str]) -> str:
    """The label of a combination of readings: ``point=name, ...`` (``no open points``)."""
    return ", ".join(f"{k}={v}" for k, v in choice.items()) or NO_POINTS


def select_readings(rs: RuleSet, named: Mapping[str, str] | None = None, *,
                    all_readings: bool = False, strict: bool = True,
                    limit: int | None = None) -> list[dict[str, str]]:
    """Every combination of ``rs``'s readings that agrees with ``named`` (point id -> reading
    name), the default combination first.

    ``strict=False`` ignores named points that ``rs`` does not have (a sweep names points of
    several rule sets).  More than ``limit`` (default :data:`MAX_READINGS`) combinations
    need ``all_readings``.
    """
    limit = MAX_READINGS if limit is None else limit
    where = f"{rs.body}/{rs.matter}"
    points = {p.field: p for p in rs.points}
    named = dict(named or {})
    for point, name in list(named.items()):
        if point not in points:
            if not strict:
                del named[point]
                continue
            raise ReadingError("--reading", f"{where}: no open point {point!r}",
                               fix=f"use one of {', '.join(points)}" if points
                               else "drop --reading: this rule set has no open points")
        names = [r.name for r in points[point].readings]
        if name not in names:
            raise ReadingError("--reading", f"{where}: point {point!r} has no reading {name!r}",
                               fix=f"use one of {', '.join(names)}")
    chosen = [c for c in rs.choices() if all(c[k] == v for k, v in named.items())]
    if len(chosen) > limit and not all_readings:
        raise ReadingError("--reading", f"{where} has {len(chosen)} reading combinations (more "
                           f"than {limit})", fix="name readings with --reading POINT=NAME, or run "
                           "every combination with --all-readings")
    return chosen


def reading_specs(rs: RuleSet, named: Mapping[str, str] | None = None, *,
                  all_readings: bool = False) -> list[tuple[dict[str, str], RuleSpec]]:
    """(combination, concrete spec) for every combination :func:`select_readings` selects."""
    return [(c, rs.spec(c)) for c in select_readings(rs, named, all_readings=all_readings)]
