"""Typed command-line parameters shared by every command: board sizes, whole numbers,
probabilities, seconds, choices, property ids, scheduler addresses and output files and
folders.

A bad value is a user error like any other: one line ``error: field '--flag': ...
(fix: ...)`` on stderr and exit status 2, whose fix names what to write instead.  The
conversion runs before the command does, so a bad value never costs a long run and never
leaves a file behind.  A value that sizes the work is also held to its limit
(:mod:`model.limits`); the error names the variable that raises it.

Examples
--------
>>> SIZES.convert("3-5,9", None, None)
(3, 4, 5, 9)
>>> SEED.convert("7", None, None)
7
>>> PROBABILITY.convert("0.25", None, None)
0.25
>>> def error(param_type, value):
...     try:
...         param_type.convert(value, None, None)
...     except ParamError as err:
...         print(err.message)
>>> error(SIZES, "9-3")
field '--sizes': the range 9-3 is reversed (fix: write the smaller size first: --sizes 3-9)
>>> error(SEED, "-1")
field '--seed': -1 is not a whole number >= 0 (fix: write e.g. --seed 0)
>>> error(SECONDS, "nan")
field '--timeout': nan is not a number of seconds > 0 and <= 1000000 (fix: write e.g. --timeout 10)
>>> error(SIZES, "3-100000000000")
field '--sizes': 100000000000 members is more than the limit of 400 (fix: check smaller boards, or raise the limit: QUORUMLAB_LIMIT_CHECK_SIZE=100000000000)
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

import click

from model.errors import QuorumlabError
from model.limits import enforce
from proofs.options import DEFAULT_TIMEOUT_S, parse_sizes

__all__ = ["ParamError", "flag_of", "Sizes", "WholeNumber", "Number", "OneOf", "Property", "OutDir",
           "OutFile", "Scheduler", "check_dir", "SIZES", "SEED", "PROBABILITY", "WEIGHT",
           "SECONDS", "SCHEDULER", "OUT_DIR", "OUT_FILE", "Weights", "WEIGHTS",
           "proof_run_options"]


class ParamError(click.ClickException):
    """A bad parameter value: printed as the one line ``error: ...``, exit status 2."""

    exit_code = 2

    def __init__(self, err: QuorumlabError) -> None:
        super().__init__(str(err))
        self.error = err

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True, file=file)


def flag_of(param: click.Parameter | None, default: str) -> str:
    """The flag the user wrote (``--sizes``; an argument's name, ``FILE``), for the error's
    field and fix."""
    if isinstance(param, click.Argument):
        return param.human_readable_name
    if param is not None and getattr(param, "opts", None):
        return max(param.opts, key=len)
    return default


class Sizes(click.ParamType):
    """Board sizes: ``3-15``, ``3,5,7`` or a mix; a tuple of sorted sizes >= 1, each at most
    the limit ``limit`` (checked on the text, before a range is expanded).  ``SIZES`` (of
    ``check`` and ``compare``) is held to ``check_size``."""

    name = "sizes"

    def __init__(self, limit: str | None = None) -> None:
        self.limit = limit

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        flag = flag_of(param, "--sizes")
        try:
            if self.limit:
                for number in re.findall(r"\d+", str(value)):
                    enforce(self.limit, int(number), QuorumlabError, flag)
            return parse_sizes(str(value), field=flag)
        except QuorumlabError as err:
            raise ParamError(err) from None


class WholeNumber(click.ParamType):
    """A whole number ``>= minimum`` (seeds, meetings, board sizes), at most the limit
    ``limit`` when one is named."""

    name = "integer"

    def __init__(self, minimum: int = 0, example: int = 0, flag: str = "--seed",
                 limit: str | None = None) -> None:
        self.minimum = minimum
        self.example = example
        self.flag = flag
        self.limit = limit

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> int:
        flag = flag_of(param, self.flag)
        if isinstance(value, int) and not isinstance(value, bool):
            n: int | None = value
        else:
            try:
                n = int(str(value).strip().replace("_", ""))
            except ValueError:
                n = None
        if n is None or n < self.minimum:
            raise ParamError(QuorumlabError(
                flag, f"{value} is not a whole number >= {self.minimum}",
                fix=f"write e.g. {flag} {self.example}"))
        if self.limit:
            try:
                enforce(self.limit, n, QuorumlabError, flag)
            except QuorumlabError as err:
                raise ParamError(err) from None
        return n


class Number(click.ParamType):
    """A finite number in ``[minimum, maximum]`` (``minimum`` itself excluded when
    ``above``): probabilities, weights, seconds.  NaN and infinities are refused."""

    name = "number"

    def __init__(self, minimum: float, maximum: float, example: str, flag: str,
                 what: str = "a number", above: bool = False) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.example = example
        self.flag = flag
        self.what = what
        self.above = above

    def describe(self) -> str:
        """``a probability in [0, 1]``, ``a weight >= 0``, ``... > 0 and <= 1000000``."""
        lo = _number(self.minimum)
        if not math.isfinite(self.maximum):
            return f"{self.what} {'>' if self.above else '>='} {lo}"
        hi = _number(self.maximum)
        if self.above:
            return f"{self.what} > {lo} and <= {hi}"
        return f"{self.what} in [{lo}, {hi}]"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        flag = flag_of(param, self.flag)
        try:
            x = float(str(value).strip())
        except ValueError:
            x = math.nan
        low_ok = x > self.minimum if self.above else x >= self.minimum
        if not (math.isfinite(x) and low_ok and x <= self.maximum):
            raise ParamError(QuorumlabError(flag, f"{value} is not {self.describe()}",
                                            fix=f"write e.g. {flag} {self.example}"))
        return x


class Weights(click.ParamType):
    """Players' weights for a weighted game: whole numbers >= 0 separated by commas (or,
    from a file named ``@PATH``, by commas, spaces or lines; ``#`` starts a comment), at
    least one of them above 0; at most ``power_players`` of them, summing to at most
    ``power_quota`` (:mod:`model.limits`).

    >>> WEIGHTS.convert("7, 7,1", None, None)
    (7, 7, 1)
    """

    name = "weights"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> tuple[int, ...]:
        if isinstance(value, tuple):
            return value
        flag = flag_of(param, "--weights")
        text, where = str(value), ""
        if text.startswith("@"):
            where = f" in {text[1:]}"
            try:
                text = re.sub(r"#[^\n]*", "", Path(text[1:]).read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError) as err:
                raise ParamError(QuorumlabError(
                    flag, f"cannot read {text[1:]} ({type(err).__name__})",
                    fix=f"name a readable text file of weights: {flag} @weights.txt")) from None
        items = [x for x in re.split(r"[,\s]+", text.strip()) if x]
        bad = next((x for x in items if not re.fullmatch(r"[0-9]+", x)), None)
        if bad is not None or not items or not any(int(x) for x in items):
            what = f"{bad!r} is not a whole number >= 0" if bad is not None else (
                "no weight above 0")
            raise ParamError(QuorumlabError(
                flag, f"{what}{where}",
                fix=f"write whole numbers separated by commas, e.g. {flag} 3,2,2,1"))
        weights = tuple(int(x) for x in items)
        try:
            enforce("power_players", len(weights), QuorumlabError, flag)
            enforce("power_quota", sum(weights), QuorumlabError, flag)
        except QuorumlabError as err:
            raise ParamError(err) from None
        return weights


def _number(x: float) -> str:
    """``1000000`` rather than ``1e+06``; ``0.5`` stays."""
    return str(int(x)) if x == int(x) else str(x)


class OneOf(click.Choice):
    """One of a fixed list of words; a bad word is a one-line error listing them."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            flag = flag_of(param, "--choice")
            raise ParamError(QuorumlabError(
                flag, f"{value!r} is not one of {', '.join(map(str, self.choices))}",
                fix=f"write e.g. {flag} {self.choices[0]}")) from None


class Property(click.ParamType):
    """A property id of the catalogue (``quorumlab properties`` lists them)."""

    name = "property"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from proofs.properties import get_property

        try:
            get_property(str(value))
        except QuorumlabError as err:
            raise ParamError(QuorumlabError(flag_of(param, "--property"), err.message,
                                            fix=err.fix)) from None
        return str(value)


class Scheduler(click.ParamType):
    """A Dask scheduler address, ``SCHEME://HOST:PORT`` (tcp, tls, ws, wss, ucx)."""

    name = "address"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> str:
        from urllib.parse import urlsplit

        text = str(value).strip()
        try:
            parts = urlsplit(text)
            ok = (parts.scheme in ("tcp", "tls", "ws", "wss", "ucx") and bool(parts.hostname)
                  and parts.port is not None)
        except ValueError:  # a port that is no number, or out of range
            ok = False
        if not ok:
            flag = flag_of(param, "--scheduler")
            raise ParamError(QuorumlabError(flag, f"{value!r} is not a scheduler address "
                                            "SCHEME://HOST:PORT",
                                            fix=f"write e.g. {flag} tcp://127.0.0.1:8786"))
        return text


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


class OutDir(click.ParamType):
    """An output folder: checked when the command line is read (not a file, its nearest
    existing parent writable); created, with its parents, when the command succeeds
    (:mod:`quorumlab.outputs`).

    Returns a :class:`pathlib.Path`; commands name it, and every file they write in it, in
    their output."""

    name = "folder"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        d = Path(value)
        try:
            check_dir(d, flag_of(param, "--out"))
        except QuorumlabError as err:
            raise ParamError(err) from None
        return d


class OutFile(click.ParamType):
    """An output file: not a folder, in a folder that exists or can be created (missing
    folders are created when the command succeeds).  ``folder_ok`` also accepts an
    existing folder (``--write-expectations DIR``)."""

    name = "file"

    def __init__(self, folder_ok: bool = False) -> None:
        self.folder_ok = folder_ok

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Path:
        flag = flag_of(param, "--out")
        f = Path(value)
        fix = f"name a file you can write, e.g. {flag} {Path('out') / (f.name or 'report')}"
        try:
            if f.is_dir() and not self.folder_ok:
                raise QuorumlabError(flag, f"{f} is a folder, not a file", fix=fix)
            if not f.is_dir():
                check_dir(f.parent, flag)
        except QuorumlabError as err:
            raise ParamError(QuorumlabError(flag, err.message, fix=fix)) from None
        return f


SIZES = Sizes("check_size")
SEED = WholeNumber(0, 0, "--seed")
PROBABILITY = Number(0, 1, "0.5", "--prior-yes", "a probability")
WEIGHT = Number(0, math.inf, "1", "--conformity", "a weight")
SECONDS = Number(0, 1_000_000, "10", "--timeout", "a number of seconds", above=True)
"""Z3 counts a timeout in milliseconds in 32 bits: a million seconds (11.6 days) fits."""
SCHEDULER = Scheduler()
OUT_DIR = OutDir()
OUT_FILE = OutFile()
WEIGHTS = Weights()


F = TypeVar("F", bound=Callable[..., Any])


def proof_run_options(sizes: str, what: str = "") -> Callable[[F], F]:
    """The options of a run of the property catalogue (``check``, ``diff``): ``--sizes``
    (default ``sizes``), ``--property`` (``props``), ``--timeout`` (seconds per property
    check, default :data:`proofs.options.DEFAULT_TIMEOUT_S`) and ``--jobs``; ``what`` adds to
    the help of ``--property``.

    >>> @click.command()
    ... @proof_run_options("3-9")
    ... def run(sizes: tuple[int, ...], props: tuple[str, ...], timeout: float, jobs: int) -> None:
    ...     print(sizes, props, timeout)
    >>> run.main(["--sizes", "3,5"], standalone_mode=False)
    (3, 5) () 30.0
    """
    options = [
        click.option("--sizes", type=SIZES, default=sizes, show_default=True,
                     help="Board sizes, e.g. 3-15 or 5,7 (smaller first; limit: check_size)."),
        click.option("--property", "props", type=Property(), multiple=True,
                     help=f"Only this property (repeatable{what})."),
        click.option("--timeout", type=SECONDS, default=DEFAULT_TIMEOUT_S, show_default=True,
                     help="Seconds per property check (encoding, solving and witness "
                     "polishing); an expired check answers 'unknown'."),
        click.option("--jobs", type=WholeNumber(1, 2, "--jobs", limit="workers"),
                     default=min(2, os.cpu_count() or 1), show_default=True,
                     help="Worker processes (limit: workers)."),
    ]

    def decorate(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return f

    return decorate
