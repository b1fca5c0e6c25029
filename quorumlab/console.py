"""The command line's shared conventions: output, JSON, tables, progress, verbosity.

Every command follows the same rules (README, "Command-line conventions"):

* ``--json`` prints exactly one JSON document on stdout (:func:`emit_json`); its schema is
  ``docs/schemas/<command>.schema.json``.  Without ``--json``, human text goes to stdout.
* Progress (:func:`progress`) and warnings (:func:`warn`) go to stderr, and only when stderr
  is a terminal and ``--quiet`` was not given.
* ``-q/--quiet`` and ``-v/--verbose`` are options of the ``quorumlab`` group and mean the same
  on every command (:func:`settings`).
* Tables (:func:`table`) are drawn by rich, which measures display width, so Chinese text
  (two columns a character) keeps its columns aligned, and long cells wrap.

Examples
--------
>>> text = render_table(["field", "value", "cite"],
...                     [["quorum", "三分之二以上", "seed 001, 第二十一条(四)"],
...                      ["passing", "more than 1/2", "seed 001, 第二十一条(四)"]], width=80)
>>> lines = [line for line in text.splitlines() if "seed 001" in line]
>>> len({cell_start(line, "seed 001") for line in lines})  # the citation column is aligned
1
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from wcwidth import wcswidth

__all__ = ["Settings", "settings", "emit_json", "echo", "warn", "table", "render_table",
           "progress", "cell_start"]


@dataclass(frozen=True)
class Settings:
    """The group-level options every command reads: ``-q`` and ``-v`` (counted)."""

    quiet: bool = False
    verbose: int = 0


def settings() -> Settings:
    """The current command's :class:`Settings` (defaults outside a click context)."""
    ctx = click.get_current_context(silent=True)
    while ctx is not None:
        if isinstance(ctx.obj, Settings):
            return ctx.obj
        ctx = ctx.parent
    return Settings()


def emit_json(doc: Any) -> None:
    """Print one JSON document on stdout (UTF-8, Chinese kept readable)."""
    click.echo(json.dumps(doc, ensure_ascii=False, indent=2, default=str))


def echo(text: str = "") -> None:
    """Human text on stdout (suppressed by ``--quiet`` only for extra detail: use it for
    results, which ``--quiet`` never hides)."""
    click.echo(text)


def warn(text: str) -> None:
    """A warning on stderr, unless ``--quiet``."""
    if not settings().quiet:
        click.echo(f"warning: {text}", err=True)


def table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None,
          width: int | None = None) -> None:
    """Print a table on stdout (rich: display-width aware, long cells wrap)."""
    click.echo(render_table(columns, rows, title=title, width=width), nl=False)


def render_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                 title: str | None = None, width: int | None = 100) -> str:
    """The table as text, ``width`` display columns wide (default 100, as when piped)."""
    t = Table(title=title, show_edge=False, box=None, pad_edge=False, header_style="bold",
              title_justify="left")
    for c in columns:
        t.add_column(c, overflow="fold")
    for r in rows:
        t.add_row(*["" if x is None else str(x) for x in r])
    con = Console(width=width or 100, file=None, record=True, soft_wrap=False, highlight=False,
                  markup=False, emoji=False, color_system=None)
    with con.capture() as cap:
        con.print(t)
    return cap.get()


def cell_start(line: str, text: str) -> int:
    """The display column at which ``text`` starts in ``line`` (for alignment checks)."""
    return wcswidth(line[: line.index(text)])


@contextmanager
def progress(total: int, description: str) -> Iterator[Callable[[int, int], None]]:
    """One progress bar with an ETA on stderr; a no-op when stderr is not a terminal or
    ``--quiet`` was given.  Yields ``update(done, total)``."""
    err = sys.stderr
    if settings().quiet or not err.isatty():
        yield lambda done, total: None
        return
    bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeRemainingColumn(), console=Console(file=sys.stderr), transient=True)
    with bar:
        task = bar.add_task(description, total=total)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update
