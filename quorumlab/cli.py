"""The ``quorumlab`` command.

Model commands live here (``list``, ``show``, ``validate``, ``decide``, ``route``; each takes
``--json``, schema in ``docs/schemas/``; ``validate -`` and ``decide -`` read a meeting from
standard input); the proofs and simulations packages register theirs (``check``,
``compare``, ``properties``; ``simulate``, ``sweep``, ``power``), and ``coverage`` is in
:mod:`quorumlab.cli_coverage`.  A user error (:class:`model.errors.QuorumlabError`)
is printed as one line on stderr and exits with status 2, never as a traceback.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from model.datafile import STDIN, display_name, read_data_file
from model.errors import MeetingFileError, QuorumlabError, RuleFileError
from model.evaluator import decide
from model.io import load_meeting, meeting_from_dict
from model.loader import builtin_ids, load_institution, load_rule_file
from quorumlab.console import Settings, echo, emit_json
from quorumlab.params import OneOf, ParamError, WholeNumber, flag_of
from quorumlab.readings import full_choice, reading_option
from quorumlab.render import (
    institution_dict,
    list_dict,
    render_decision,
    render_institution,
    render_list,
    render_routes,
    route_dict,
    terminal_width,
)

__all__ = ["main"]


def usage_error(err: click.UsageError) -> ParamError:
    """A click usage error (an unknown option, a missing argument, a bad value of a type
    click checks itself) as quorumlab's one line, naming the option and ``--help``.

    >>> @click.group()
    ... def group(): pass
    >>> @group.command("demo")
    ... @click.option("--count", type=int)
    ... def demo(count): pass
    >>> try:
    ...     group.main(["demo", "--count", "x"], standalone_mode=False)
    ... except click.UsageError as err:
    ...     print(usage_error(err).message)
    field '--count': 'x' is not a valid integer (fix: see quorumlab demo --help)
    """
    ctx = err.ctx
    where = f"quorumlab {ctx.info_name} --help" if ctx and ctx.parent else "quorumlab --help"
    field = None
    if isinstance(err, click.MissingParameter):
        message = err.format_message().rstrip(".")
    elif isinstance(err, click.BadParameter):
        field = flag_of(err.param, err.param_hint if isinstance(err.param_hint, str) else "")
        message = err.message.rstrip(".")
    else:
        message = err.format_message().rstrip(".")
    message = " ".join(message.split())
    return ParamError(QuorumlabError(field, message[:1].lower() + message[1:],
                                     fix=f"see {where}"))


_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())
"""click's "no arguments: show the help" (a usage error that is no error: left to click)."""


class _Group(click.Group):
    """A click group that turns quorumlab's user errors, and click's own usage errors, into
    one line and exit code 2."""

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except _HELP:
            raise
        except click.UsageError as err:
            raise usage_error(err) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except _HELP:
            raise
        except click.UsageError as err:
            raise usage_error(err) from None
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


_JSON_HELP = "Print one JSON document (schema: docs/schemas/{}.schema.json)."


@main.command("list")
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP.format("list"))
def list_cmd(as_json: bool) -> None:
    """List the built-in institutions with their bodies and matters."""
    insts = [load_institution(iid) for iid in builtin_ids()]
    if as_json:
        emit_json(list_dict(insts))
    else:
        echo(render_list(insts, width=terminal_width()))


@main.command()
@click.argument("institution")
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP.format("show"))
def show(institution: str, as_json: bool) -> None:
    """Show the rules of INSTITUTION (an id or a rule-file path) with citations."""
    inst = load_institution(institution)
    if as_json:
        emit_json(institution_dict(inst))
    else:
        echo(render_institution(inst, width=terminal_width()))


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP.format("validate"))
def validate(file: str, as_json: bool) -> None:
    """Check a rule file or a meeting file; print what it holds or the one error.

    FILE - reads a meeting from standard input (JSON, or TOML)."""
    name = display_name(file)
    if file == STDIN:
        data = read_data_file(STDIN, MeetingFileError, default="JSON")
        if isinstance(data, dict) and isinstance(data.get("institution"), dict):
            raise RuleFileError(None, "this is a rule file; validate reads rule files from a path "
                                "only", fix="give the rule file's path instead of -: "
                                "quorumlab validate rules.toml", file=name)
        with located(name):
            meeting = meeting_from_dict(data)
    elif _is_rule_file(Path(file)):
        inst = load_rule_file(file)
        doc = {"ok": True, "kind": "rule_file", "file": name, "institution": inst.id,
               "seed": inst.seed, "bodies": list(inst.bodies), "rulesets": len(inst.rulesets)}
        if as_json:
            emit_json(doc)
        else:
            echo(f"ok: rule file {name}: institution {inst.id}, {len(inst.bodies)} bodies, "
                 f"{len(inst.rulesets)} (body, matter) rule sets")
        return
    else:
        meeting = load_meeting(file)
    with located(name):
        rs = load_institution(meeting.institution).ruleset(meeting.body, meeting.matter.category)
    if as_json:
        emit_json({"ok": True, "kind": "meeting", "file": name, "institution": rs.institution,
                   "body": rs.body, "matter": rs.matter, "members": len(meeting.members),
                   "present": len(meeting.present)})
    else:
        echo(f"ok: meeting file {name}: {len(meeting.members)} members at {rs.institution} / "
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
@click.argument("meeting_file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP.format("decide"))
@reading_option(help="Decide under one reading of an open point (repeatable; see quorumlab show).")
def decide_cmd(meeting_file: str, as_json: bool, reading: dict[str, str]) -> None:
    """Decide the meeting in MEETING_FILE: outcome, tally and cited reasons.

    MEETING_FILE - reads the meeting from standard input (JSON, or TOML)."""
    meeting = load_meeting(meeting_file)
    with located(display_name(meeting_file)):
        rs = load_institution(meeting.institution).ruleset(meeting.body, meeting.matter.category)
    d = decide(meeting, choice=full_choice(rs, reading) if reading else None)
    if as_json:
        emit_json(d.to_dict())
    else:
        echo(render_decision(d))


_SCHEMAS = {"rule": "model.rule_schema:rule_file_json_schema",
            "meeting": "model.meeting_schema:meeting_file_json_schema"}


@main.command("schema")
@click.argument("kind", type=OneOf(sorted(_SCHEMAS)))
def schema_cmd(kind: str) -> None:
    """Print the JSON Schema of a rule file or a meeting file.

    Point an editor at it (VS Code: "json.schemas"; Even Better TOML: "evenBetterToml.schema")
    to complete and check the file as you write it; the same schemas are in docs/schemas/."""
    import importlib

    module, func = _SCHEMAS[kind].split(":")
    emit_json(getattr(importlib.import_module(module), func)())


@main.command()
@click.argument("institution")
@click.option("--category", required=True, help="The matter category (see quorumlab show).")
@click.option("--amount", type=WholeNumber(0, 20000, "--amount"), default=None,
              help="The amount in yuan.")
@click.option("--json", "as_json", is_flag=True, help=_JSON_HELP.format("route"))
def route(institution: str, category: str, amount: int | None, as_json: bool) -> None:
    """Which body (or person) must decide an item of CATEGORY and AMOUNT, with the clause."""
    inst = load_institution(institution)
    if category not in inst.matters:
        raise QuorumlabError("--category", f"institution {inst.id!r} has no matter {category!r}",
                             fix="give --category one of " + ", ".join(sorted(inst.matters)))
    routes = inst.route(category, amount)
    bodies = [r for r in routes if r.body is not None]
    deciders = {r.body or r.decider for r in routes}
    limits = [r for r in inst.routes if r.category == category]
    doc = {"institution": inst.id, "category": category, "amount": amount,
           "must_decide": bodies[0].body if bodies else None,
           "routes": [route_dict(r) for r in routes],
           "routes_disagree": len(deciders) > 1,
           "outside_category": not routes and bool(limits)}
    if as_json:
        emit_json(doc)
        return
    if not routes:
        echo(f"no route of {inst.id} fits {category!r}"
             + (f" at {amount} yuan" if amount is not None else "")
             + (": the amount puts the item outside this category ("
                + "; ".join(r.describe() for r in limits) + ")" if limits
                else ": the text does not say who must decide it"))
        return
    echo(render_routes(routes, bodies[0] if bodies else None, width=terminal_width()))
    if doc["routes_disagree"]:
        echo("the clauses that apply DISAGREE on who decides (a finding for the drafter); "
             "a meeting must follow the first route that names a body (->)")


def _register_plugins() -> None:
    import importlib

    for name in ("quorumlab.cli_proofs", "quorumlab.cli_sim", "quorumlab.cli_coverage",
                 "quorumlab.cli_board", "quorumlab.cli_time", "quorumlab.cli_diff"):
        importlib.import_module(name).register(main)


_register_plugins()
