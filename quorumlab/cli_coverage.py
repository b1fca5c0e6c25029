"""The ``coverage`` command: list an institution's clause ledger.

:func:`register` adds it to the ``quorumlab`` click group.  The ledger
(``model/institutions/<id>.coverage.toml``, see :mod:`model.coverage`) lists every clause
of the seed that bears on meetings, with the rule fields that encode it or the reason the
model leaves it out.  A user error becomes one line on stderr and exit status 2.

Examples
--------
>>> from click.testing import CliRunner
>>> group = click.Group()
>>> register(group)
>>> r = CliRunner().invoke(group, ["coverage", "xiuzhou_district", "--status", "open_point"])
>>> r.exit_code, r.output.splitlines()[-1].split(":")[0]
(0, 'xiuzhou_district (seed 002)')
"""

from __future__ import annotations

import click

from model.coverage import STATUSES, Ledger, LedgerEntry, ledger_path, load_ledger
from model.errors import RuleFileError
from model.loader import builtin_ids
from quorumlab.console import echo, emit_json, render_table
from quorumlab.errors import user_errors
from quorumlab.params import OneOf
from quorumlab.render import terminal_width

__all__ = ["register", "coverage_cmd", "render_ledger"]


def _detail(e: LedgerEntry) -> str:
    if e.status == "out_of_scope":
        return f"why: {e.why}"
    text = ", ".join(e.fields)
    return f"{text}  ({e.note})" if e.note else text


def summary_line(ledger: Ledger, entries: tuple[LedgerEntry, ...]) -> str:
    """``<id> (seed NNN): N clauses: a encoded, b open_point, c out_of_scope``."""
    counts = {s: sum(1 for e in entries if e.status == s) for s in STATUSES}
    parts = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
    shown = "" if len(entries) == len(ledger.entries) else f" (of {len(ledger.entries)})"
    return f"{ledger.institution} (seed {ledger.seed}): {len(entries)} clauses{shown}: {parts}"


def render_ledger(ledger: Ledger, entries: tuple[LedgerEntry, ...], width: int = 100) -> str:
    """A table (cite, topic, status, fields or why over the quoted clause) and the summary
    line; rich measures display width, so Chinese cells keep the columns aligned."""
    rows = [[e.cite, e.topic, e.status, f"{_detail(e)}\n「{e.text}」"] for e in entries]
    text = render_table(["cite", "topic", "status", "fields / why"], rows, width=width)
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join([*lines, "", summary_line(ledger, entries)])


@click.command("coverage")
@click.argument("institution")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (schema: docs/schemas/coverage.schema.json).")
@click.option("--status", type=OneOf(STATUSES), default=None,
              help="Show only the clauses of one status.")
@user_errors
def coverage_cmd(institution: str, as_json: bool, status: str | None) -> None:
    """List the clause ledger of INSTITUTION (an id or a rule-file path).

    Every clause of the seed that bears on meetings, with the rule fields that encode it
    (encoded, open_point) or why the model leaves it out (out_of_scope).
    """
    path = ledger_path(institution)
    if not path.exists() and institution not in builtin_ids():
        raise RuleFileError(None, f"no clause ledger for {institution!r}",
                            fix=f"write {path.name} next to the rule file (one [[clause]] a "
                            f"clause), or give a built-in id: {', '.join(builtin_ids())}",
                            file=str(path))
    ledger = load_ledger(institution)
    entries = ledger.with_status(status) if status else ledger.entries
    if as_json:
        data = ledger.to_dict()
        data["clauses"] = [e.to_dict() for e in entries]
        data["shown"] = len(entries)
        data["status"] = status
        emit_json(data)
    else:
        echo(render_ledger(ledger, entries, width=terminal_width()))


def register(group: click.Group) -> None:
    """Add ``coverage`` to ``group``."""
    group.add_command(coverage_cmd)
