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

__all__ = ["ParamError", "Sizes", "WholeNumber", "OutDir", "SIZES", "SEED", "OUT_DIR"]


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
    """An output folder, created (with its parents) if missing; an error if it cannot be.

    Returns a :class:`pathlib.Path`; commands name it (and every file they write in it) in
    their output."""

    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        flag = _flag(param, "--out")
        d = Path(value)
        fix = f"name a folder you can write, e.g. {flag} results"
        if d.exists() and not d.is_dir():
            raise ParamError(QuorumlabError(flag, f"{d} is a file, not a folder", fix=fix))
        try:
            d.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ParamError(QuorumlabError(
                flag, f"cannot create the folder {d}: {err.strerror or err}", fix=fix)) from None
        if not os.access(d, os.W_OK):
            raise ParamError(QuorumlabError(flag, f"the folder {d} is not writable", fix=fix))
        return d


SIZES = Sizes()
SEED = WholeNumber(0, 0, "--seed")
OUT_DIR = OutDir()
