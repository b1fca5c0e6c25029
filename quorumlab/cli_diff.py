"""The ``diff`` command: what an amendment of a rule file changes.

``quorumlab diff OLD.toml NEW.toml`` lists the requirements added or removed, every kind
of meeting whose outcome changes (with the exact board sizes, among those checked, at
which it does, and one distinguishing meeting decided under OLD and under NEW) and the
properties whose verdict, pattern of sizes or value changes (:mod:`proofs.diff`).
``--json`` prints one document.  Exit status 0 (``--exit-code``: 1 when anything
changes); a user error is one line on stderr, exit status 2.

Examples
--------
>>> from click.testing import CliRunner
>>> group = click.Group()
>>> register(group)
>>> r = CliRunner().invoke(group, ["diff", "no_such_file.toml", "xiuzhou_district"])
>>> r.exit_code, r.output.startswith("error: ")
(2, True)
"""

from __future__ import annotations

import sys

import click

from model.loader import load_institution
from proofs.diff import amendment, amendment_dict, amendment_text
from quorumlab.console import emit_json
from quorumlab.errors import user_errors
from quorumlab.params import proof_run_options

__all__ = ["register"]


@click.command("diff")
@click.argument("old")
@click.argument("new")
@proof_run_options("3-9", "; default: the whole catalogue")
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 1 when anything changes.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--zh", is_flag=True, help="Print meeting records in Chinese.")
@user_errors
def diff_cmd(old: str, new: str, sizes: tuple[int, ...], props: tuple[str, ...], timeout: float,
             jobs: int, exit_code: bool, as_json: bool, zh: bool) -> None:
    """What NEW changes against OLD (rule-file ids or paths): requirements, meetings whose
    outcome changes (one per pattern of sizes), properties whose verdict or value changes."""
    load_institution(old)  # every precondition before the run
    load_institution(new)
    a = amendment(old, new, sizes, list(props) or None, timeout, jobs)
    if as_json:
        emit_json(amendment_dict(a))
    else:
        click.echo(amendment_text(a, "zh" if zh else "en"))
    sys.exit(1 if exit_code and not a.unchanged else 0)


def register(group: click.Group) -> None:
    """Add ``diff`` to ``group``."""
    group.add_command(diff_cmd)
