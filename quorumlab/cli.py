"""The ``quorumlab`` command.

Model commands live here (``list``, ``show``, ``validate``, ``decide``); the proofs and
simulations packages register theirs (``check``, ``compare``, ``properties``;
``simulate``, ``sweep``, ``power``).  A user error (:class:`model.errors.QuorumlabError`)
is printed as one line on stderr and exits with status 2, never as a traceback.
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from model.errors import QuorumlabError
from model.evaluator import Decision, decide
from model.io import load_meeting
from model.loader import builtin_ids, load_institution, load_rule_file
from model.meeting import Meeting
from quorumlab.console import Settings
from quorumlab.readings import parse_readings
from quorumlab.render import render_decision, render_institution

__all__ = ["main"]


class _Group(click.Group):
    """A click group that turns quorumlab's user errors into one line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except QuorumlabError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="quorumlab")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars or warnings on stderr.")
@click.option("-v", "--verbose", count=True, help="More detail (repeat for more).")
@click.pass_context
def main(ctx: click.Context, quiet: bool, verbose: int) -> None:
    """Formal models of the meeting rules of public bodies: decide, prove, simulate.

    Every command takes --json (one JSON document on stdout, schema in docs/schemas/);
    progress and warnings go to stderr; - reads a file from standard input."""
    ctx.obj = Settings(quiet=quiet, verbose=verbose)


@main.command("list")
def list_cmd() -> None:
    """List the built-in institutions with their bodies and matters."""
    for iid in builtin_ids():
        inst = load_institution(iid)
        click.echo(f"{iid}  (seed {inst.seed})  {inst.name} / {inst.name_zh}")
        for bid, body in inst.bodies.items():
            click.echo(f"    {bid:<16} {body.name} / {body.name_zh}")
            click.echo(f"    {'':<16} matters: {', '.join(body.matters)}")


@main.command()
@click.argument("institution")
def show(institution: str) -> None:
    """Show the rules of INSTITUTION (an id or a rule-file path) with citations."""
    click.echo(render_institution(load_institution(institution)))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False))
def validate(file: str) -> None:
    """Check a rule file or a meeting file; print what it holds or the one error."""
    path = Path(file)
    if _is_rule_file(path):
        inst = load_rule_file(path)
        click.echo(f"ok: rule file {file}: institution {inst.id}, {len(inst.bodies)} bodies, "
                   f"{len(inst.rulesets)} (body, matter) rule sets")
        return
    meeting = load_meeting(path)
    with located(file):
        rs = load_institution(meeting.institution).ruleset(meeting.body, meeting.matter.category)
    click.echo(f"ok: meeting file {file}: {len(meeting.members)} members at {rs.institution} / "
               f"{rs.body} / {rs.matter}")


def _is_rule_file(path: Path) -> bool:
    """A rule file has an [institution] table; a meeting names its institution as a string."""
    if path.suffix != ".toml":
        return False
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return True  # let the rule-file loader report the exact error
    return isinstance(data.get("institution"), dict)


@contextmanager
def located(file: str) -> Iterator[None]:
    """Errors raised while handling ``file`` (its institution, body, matter) name ``file``."""
    try:
        yield
    except QuorumlabError as err:
        raise err.at(file) from None


@main.command("decide")
@click.argument("meeting_file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@click.option("--reading", multiple=True, metavar="FIELD=NAME",
              help="Decide under one reading of an open point (repeatable).")
def decide_cmd(meeting_file: str, as_json: bool, reading: tuple[str, ...]) -> None:
    """Decide the meeting in MEETING_FILE: outcome, tally and cited reasons."""
    meeting = load_meeting(meeting_file)
    with located(meeting_file):
        d = _decide(meeting, reading)
    if as_json:
        click.echo(json.dumps(d.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_decision(d))


def _decide(meeting: Meeting, reading: tuple[str, ...]) -> Decision:
    choice = None
    if reading:
        choice = parse_readings(reading)
        rs = load_institution(meeting.institution).ruleset(meeting.body, meeting.matter.category)
        full = next(iter(rs.choices()), {})
        choice = {**full, **choice}
    return decide(meeting, choice=choice)


@main.command()
@click.argument("institution")
@click.option("--category", required=True, help="The matter category (see quorumlab list).")
@click.option("--amount", type=click.IntRange(min=0), default=None, help="The amount in yuan.")
@click.option("--json", "as_json", is_flag=True, help="Print the routes as JSON.")
def route(institution: str, category: str, amount: int | None, as_json: bool) -> None:
    """Which body (or person) must decide an item of CATEGORY and AMOUNT, with the clause."""
    inst = load_institution(institution)
    with located("--category"):
        routes = inst.route(category, amount)
    bodies = [r for r in routes if r.body is not None]
    deciders = {r.body or r.decider for r in routes}
    doc = {"institution": inst.id, "category": category, "amount": amount,
           "must_decide": bodies[0].body if bodies else None,
           "routes": [{"body": r.body, "decider": r.decider or None,
                       "amount": r.amount.describe() if r.amount else None, "cite": r.cite,
                       "note": r.note} for r in routes],
           "routes_disagree": len(deciders) > 1}
    if as_json:
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
        return
    if not routes:
        limits = [r for r in inst.routes if r.category == category]
        click.echo(f"no route of {inst.id} fits {category!r}"
                   + (f" at {amount} yuan" if amount is not None else "")
                   + (": the amount puts the item outside this category ("
                      + "; ".join(r.describe() for r in limits) + ")" if limits
                      else ": the text does not say who must decide it"))
        return
    for r in routes:
        mark = "->" if bodies and r is bodies[0] else "  "
        click.echo(f"{mark} {r.describe()}" + (f"  {r.note}" if r.note else ""))
    if doc["routes_disagree"]:
        click.echo("the clauses that apply DISAGREE on who decides (a finding for the drafter); "
                   "a meeting must follow the first route that names a body (->)")


def _register_plugins() -> None:
    import importlib

    for name in ("quorumlab.cli_proofs", "quorumlab.cli_sim", "quorumlab.cli_coverage"):
        try:  # during development a plugin may be missing
            importlib.import_module(name).register(main)
        except ImportError:  # pragma: no cover
            pass


_register_plugins()
