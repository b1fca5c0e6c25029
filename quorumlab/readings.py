"""The one ``--reading POINT=NAME`` flag, shared by every command that takes readings
(``decide``, ``compare`` and its ``--reading-b``, ``simulate``, ``sweep``, ``power``).

:data:`READING` is the click type of one flag (a ``(point, name)`` pair); :func:`reading_option`
declares the repeatable option, whose value reaches the command as the choice mapping
(open point id -> reading name).  A malformed flag, or one point given two readings, is a
one-line error before the command runs.

Examples
--------
>>> READING.convert("deferral=margin_1", None, None)
('deferral', 'margin_1')
>>> def error(value):
...     try:
...         READING.convert(value, None, None)
...     except ParamError as err:
...         print(err.message)
>>> error("deferral")
field '--reading': 'deferral' is not POINT=NAME (fix: write e.g. --reading deferral=margin_1 (see quorumlab show))
>>> error("=margin_1")
field '--reading': '=margin_1' is not POINT=NAME (fix: write e.g. --reading deferral=margin_1 (see quorumlab show))
>>> import click
>>> from click.testing import CliRunner
>>> @click.command()
... @reading_option()
... def cmd(reading):
...     click.echo(reading)
>>> CliRunner().invoke(cmd, ["--reading", "deferral=margin_1", "--reading", "quorum=half"]).output
"{'deferral': 'margin_1', 'quorum': 'half'}\\n"
>>> r = CliRunner().invoke(cmd, ["--reading", "deferral=margin_1", "--reading", "deferral=x"])
>>> r.exit_code, r.output.strip()
(2, "error: field '--reading': the open point 'deferral' is given two readings, 'margin_1' and 'x' (fix: keep one: --reading deferral=margin_1)")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from model.errors import QuorumlabError
from model.rules import RuleSet
from quorumlab.params import ParamError, flag_of

__all__ = ["ReadingFlag", "READING", "reading_option", "full_choice"]

F = TypeVar("F", bound=Callable[..., Any])


class ReadingFlag(click.ParamType):
    """One ``POINT=NAME`` flag as the pair ``(point, name)``, both non-empty."""

    name = "POINT=NAME"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[str, str]:
        if isinstance(value, tuple):
            return value
        point, _, name = str(value).partition("=")
        if not point.strip() or not name.strip():
            flag = flag_of(param, "--reading")
            raise ParamError(QuorumlabError(
                flag, f"{value!r} is not POINT=NAME",
                fix=f"write e.g. {flag} deferral=margin_1 (see quorumlab show)"))
        return point.strip(), name.strip()


READING = ReadingFlag()


def _choice(ctx: click.Context, param: click.Parameter,
            pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """The flags as a choice mapping; one point given two readings is an error."""
    out: dict[str, str] = {}
    for point, name in pairs:
        if out.get(point, name) != name:
            flag = flag_of(param, "--reading")
            raise ParamError(QuorumlabError(
                flag, f"the open point {point!r} is given two readings, {out[point]!r} and "
                f"{name!r}", fix=f"keep one: {flag} {point}={out[point]}"))
        out[point] = name
    return out


def reading_option(flag: str = "--reading", help: str = "Use this reading of an open point "
                   "(repeatable; see quorumlab show).") -> Callable[[F], F]:
    """The repeatable ``flag`` (``--reading`` or ``--reading-b``); the command receives a
    ``dict`` (open point id -> reading name), empty without the flag."""
    return click.option(flag, multiple=True, type=READING, callback=_choice,
                        metavar="POINT=NAME", help=help)


def full_choice(rs: RuleSet, choice: dict[str, str], flag: str = "--reading") -> dict[str, str]:
    """The readings named by ``flag`` (the open points of ``rs`` it does not name at their
    default reading), each checked against ``rs``."""
    points = {p.field: [r.name for r in p.readings] for p in rs.points}
    where = f"{rs.institution} / {rs.body} / {rs.matter}"
    for point, name in choice.items():
        if point not in points:
            fix = (f"drop {flag} {point}={name}, or use one of its open points: "
                   + ", ".join(points) if points else
                   f"drop {flag} {point}={name}: these rules leave nothing open")
            raise QuorumlabError(flag, f"{where} has no open point {point!r}", fix=fix)
        if name not in points[point]:
            raise QuorumlabError(f"{flag} {point}", f"no reading named {name!r}",
                                 fix="give one of " + ", ".join(
                                     f"{flag} {point}={r}" for r in points[point]))
    return {**next(iter(rs.choices()), {}), **choice}
