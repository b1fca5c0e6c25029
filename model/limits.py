"""Resource limits: every input that sizes the work has a cap, named here, raisable by the user.

A cap protects a drafter's machine from a typo (``--n 100000`` instead of ``--n 1000``)
and a rule file from an accidental explosion of reading combinations.  Each limit has a
default and an environment variable that raises it (``QUORUMLAB_LIMIT_<NAME>``); the error
names both, so a user who means it knows the fix.

Examples
--------
>>> from model.errors import RuleFileError
>>> limit("reading_combinations")
4096
>>> enforce("reading_combinations", 64000, RuleFileError, "bodies.b.overrides.m.points")
Traceback (most recent call last):
...
model.errors.RuleFileError: field 'bodies.b.overrides.m.points': 64000 reading combinations is more than the limit of 4096 (fix: tie or drop readings, or raise the limit: QUORUMLAB_LIMIT_READING_COMBINATIONS=64000)
>>> import os
>>> os.environ["QUORUMLAB_LIMIT_READING_COMBINATIONS"] = "70000"
>>> enforce("reading_combinations", 64000, RuleFileError, "points")
>>> os.environ["QUORUMLAB_LIMIT_READING_COMBINATIONS"] = "lots"
>>> limit("reading_combinations")
Traceback (most recent call last):
...
model.errors.QuorumlabError: field 'QUORUMLAB_LIMIT_READING_COMBINATIONS': should be a whole number >= 1, got 'lots' (fix: export QUORUMLAB_LIMIT_READING_COMBINATIONS=4096 or unset it)
>>> del os.environ["QUORUMLAB_LIMIT_READING_COMBINATIONS"]
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from model.errors import QuorumlabError

__all__ = ["Limit", "LIMITS", "limit", "enforce"]


@dataclass(frozen=True)
class Limit:
    """One cap: its default, what it counts, and how to stay under it."""

    name: str
    default: int
    unit: str
    advice: str

    @property
    def env(self) -> str:
        return f"QUORUMLAB_LIMIT_{self.name.upper()}"


LIMITS: dict[str, Limit] = {lim.name: lim for lim in (
    Limit("board_members", 5000, "members", "use a smaller board"),
    Limit("reading_combinations", 4096, "reading combinations", "tie or drop readings"),
    Limit("check_size", 400, "members", "check smaller boards"),
    Limit("exact_size", 5000, "members", "use a smaller board"),
    Limit("power_players", 5000, "players", "use fewer players"),
    Limit("power_quota", 1_000_000, "weight units", "use smaller weights"),
    Limit("power_cells", 50_000_000, "table cells", "use --arithmetic float"),
    Limit("meetings", 100_000_000, "meetings", "simulate fewer meetings"),
    Limit("sweep_points", 100_000, "grid points", "sweep a coarser grid"),
    Limit("kin_people", 10_000, "people", "record fewer relatives"),
    Limit("kin_search", 1_000_000, "sets of outsiders", "record fewer related outsiders"),
    Limit("workers", 64, "worker processes", "use fewer processes"),
    Limit("order_count", 1000, "speaking orders", "count orders on a smaller board"),
    Limit("history_meetings", 12, "meetings", "ask about fewer meetings"),
)}
"""Every limit, by name.  The README's "Limits" section lists them."""


def limit(name: str) -> int:
    """The current value of limit ``name``: its environment variable, else its default."""
    lim = LIMITS[name]
    raw = os.environ.get(lim.env)
    if raw is None:
        return lim.default
    if not raw.strip().isdigit() or int(raw) < 1:
        raise QuorumlabError(lim.env, f"should be a whole number >= 1, got {raw!r}",
                             fix=f"export {lim.env}={lim.default} or unset it")
    return int(raw)


def enforce(name: str, value: int, error: type[QuorumlabError], field: str,
            file: str | None = None) -> None:
    """Raise ``error`` at ``field`` when ``value`` is over limit ``name``."""
    cap = limit(name)
    if value > cap:
        lim = LIMITS[name]
        raise error(field, f"{value} {lim.unit} is more than the limit of {cap}",
                    fix=f"{lim.advice}, or raise the limit: {lim.env}={value}", file=file)
