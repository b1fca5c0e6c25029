"""Typed command-line parameters shared by every command: board sizes, seeds, counts and
output folders.

A bad value is a user error like any other: one line ``error: field '--flag': ...
(fix: ...)`` on stderr and exit status 2, whose fix names what to write instead.  The
conversion runs before the command does, so a bad value never costs a long run.

Examples
--------
>>> SIZES.convert("3-5,9", None, None)
(3, 4, 5, 9)
>>> SEED.convert("7", None, None)
7
>>> try:
...     SIZES.convert("9-3", None, None)
... except ParamError as err:
...     print(err.message)
field '--sizes': the range 9-3 is reversed (fix: write the smaller size first: --sizes 3-9)
>>> try:
...     SEED.convert("-1", None, None)
... except ParamError as err:
...     print(err.message)
field '--seed': -1 is not a whole number >= 0 (fix: write e.g. --seed 0)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

import click

from model.errors import QuorumlabError
from proofs.options import parse_sizes

__all__ = ["ParamError", "Sizes", "WholeNumber", "OutDir", "check_dir", "make_dir", "SIZES", "SEED",
           "OUT_DIR"]


class ParamError(click.ClickException):
    """A bad parameter value: printed as the one line ``error: ...``, exit status 2."""

    exit_code = 2

    def __init__(self, err: QuorumlabError) -> None:
        super().__init__(str(err))
        self.error = err

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True, file=file)


def _flag(param: click.Parameter | None, default: str) -> str:
    """The flag the user wrote (``--sizes``), for the error's field and fix."""
    if param is not None and getattr(param, "opts", None):
        return max(param.opts, key=len)
    return default


class Sizes(click.ParamType):
    """Board sizes: ``3-15``, ``3,5,7`` or a mix; a tuple of sorted sizes >= 1."""

    name = "sizes"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        try:
            return parse_sizes(str(value), field=_flag(param, "--sizes"))
        except QuorumlabError as err:
            raise ParamError(err) from None


class WholeNumber(click.ParamType):
    """A whole number ``>= minimum`` (seeds, meetings, board sizes)."""

    name = "integer"

    def __init__(self, minimum: int = 0, example: int = 0, flag: str = "--seed") -> None:
        self.minimum = minimum
        self.example = example
        self.flag = flag

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= self.minimum:
            return value
        flag = _flag(param, self.flag)
        try:
            n = int(str(value).strip().replace("_", ""))
        except ValueError:
            n = None
        if n is None or n < self.minimum:
            raise ParamError(QuorumlabError(
                flag, f"{value} is not a whole number >= {self.minimum}",
                fix=f"write e.g. {flag} {self.example}"))
        return n


class OutDir(click.ParamType):
    """An output folder: checked when the command line is read (not a file, its nearest
    existing parent writable), created by :func:`make_dir` when the command writes.

    Returns a :class:`pathlib.Path`; commands name it, and every file they write in it, in
    their output."""

    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        flag = _flag(param, "--out")
        d = Path(value)
        try:
            check_dir(d, flag)
        except QuorumlabError as err:
            raise ParamError(err) from None
        return d


def _dir_fix(flag: str) -> str:
    return f"name a folder you can write, e.g. {flag} results"


def check_dir(d: Path, flag: str = "--out") -> None:
    """Raise a :class:`QuorumlabError` if the folder ``d`` cannot be used or created."""
    if d.exists() and not d.is_dir():
        raise QuorumlabError(flag, f"{d} is a file, not a folder", fix=_dir_fix(flag))
    parent = d
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if parent.exists() and not parent.is_dir():
        raise QuorumlabError(flag, f"cannot create the folder {d}: {parent} is a file",
                             fix=_dir_fix(flag))
    if parent.exists() and not os.access(parent, os.W_OK | os.X_OK):
        what = "is not writable" if parent == d else f"cannot be created in {parent}"
        raise QuorumlabError(flag, f"the folder {d} {what}", fix=_dir_fix(flag))


def make_dir(d: Path, flag: str = "--out") -> Path:
    """Create the folder ``d`` (and its parents), or raise a :class:`QuorumlabError`."""
    check_dir(d, flag)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise QuorumlabError(flag, f"cannot create the folder {d}: {err.strerror or err}",
                             fix=_dir_fix(flag)) from None
    return d


SIZES = Sizes()
SEED = WholeNumber(0, 0, "--seed")
OUT_DIR = OutDir()
