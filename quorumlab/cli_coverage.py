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

import json
import unicodedata

import click

from model.coverage import STATUSES, Ledger, LedgerEntry, load_ledger
from quorumlab.errors import user_errors

__all__ = ["register", "coverage_cmd", "render_ledger"]


def _width(text: str) -> int:
    """Display width in a terminal: CJK (wide / fullwidth) characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


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


def render_ledger(ledger: Ledger, entries: tuple[LedgerEntry, ...]) -> str:
    """A text table (cite, topic, status, fields or why) and the summary line."""
    cite_w = max([_width("cite"), *(_width(e.cite) for e in entries)])
    topic_w = max([_width("topic"), *(_width(e.topic) for e in entries)])
    status_w = max(_width(s) for s in ("status", *STATUSES))
    head = f"{_pad('cite', cite_w)}  {_pad('topic', topic_w)}  {_pad('status', status_w)}  fields / why"
    lines = [head, "-" * _width(head)]
    for e in entries:
        lines.append(f"{_pad(e.cite, cite_w)}  {_pad(e.topic, topic_w)}  "
                     f"{_pad(e.status, status_w)}  {_detail(e)}")
        lines.append(f"{'':{cite_w}}  {'':{topic_w}}  {'':{status_w}}  「{e.text}」")
    lines.append("")
    lines.append(summary_line(ledger, entries))
    return "\n".join(lines)


@click.command("coverage")
@click.argument("institution")
@click.option("--json", "as_json", is_flag=True, help="Print the ledger as JSON.")
@click.option("--status", type=click.Choice(STATUSES), default=None,
              help="Show only the clauses of one status.")
@user_errors
def coverage_cmd(institution: str, as_json: bool, status: str | None) -> None:
    """List the clause ledger of INSTITUTION (an id or a rule-file path).

    Every clause of the seed that bears on meetings, with the rule fields that encode it
    (encoded, open_point) or why the model leaves it out (out_of_scope).
    """
    ledger = load_ledger(institution)
    entries = ledger.with_status(status) if status else ledger.entries
    if as_json:
        data = ledger.to_dict()
        data["clauses"] = [e.to_dict() for e in entries]
        data["shown"] = len(entries)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(render_ledger(ledger, entries))


def register(group: click.Group) -> None:
    """Add ``coverage`` to ``group``."""
    group.add_command(coverage_cmd)
