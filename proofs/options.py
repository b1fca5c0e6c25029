"""Options of a proof run, passed explicitly (no global configuration).

Examples
--------
>>> CheckOptions(sizes=(3, 4)).timeout_ms
30000
>>> parse_sizes("3-5,9")
(3, 4, 5, 9)
>>> parse_sizes("0")
Traceback (most recent call last):
...
model.errors.QuorumlabError: field 'sizes': board size 0 is below 1 (fix: write sizes such as 3-15 or 3,5,7)
>>> CheckOptions(timeout_s=float("nan"))
Traceback (most recent call last):
...
model.errors.QuorumlabError: field 'timeout': should be a positive number of seconds, got nan (fix: use e.g. --timeout 10)
>>> CheckOptions(sizes=(5, 100000))
Traceback (most recent call last):
...
model.errors.QuorumlabError: field 'sizes': 100000 members is more than the limit of 400 (fix: check smaller boards, or raise the limit: QUORUMLAB_LIMIT_CHECK_SIZE=100000)
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from model.errors import QuorumlabError
from model.limits import enforce

__all__ = ["Scope", "CheckOptions", "parse_sizes", "check_sizes", "check_timeout", "milliseconds",
           "DEFAULT_SIZES", "DEFAULT_TIMEOUT_S"]

DEFAULT_SIZES = tuple(range(3, 16))
DEFAULT_TIMEOUT_S = 30.0
"""Seconds per property check (encoding, solving and witness polishing), the default of
``check`` and ``diff``: under load two taobei checks ran out at 10 s."""


@dataclass(frozen=True)
class Scope:
    """Which meetings a property ranges over.

    ``pinned=False`` (the default): every well-formed meeting (someone present, the chair
    present; see :mod:`proofs.symbolic`).  ``pinned=True``: the setting is fixed except
    attendance, recusal and emergency (nobody involved, no ad-hoc item, nothing unclear, no
    amount recorded, member ``m1`` owns the portfolio and is the only deputy, the leader
    chairs when present, else the first present member, speaking order owner first and
    leader last); conduct (votes, silence included) stays free.  The pinned scope is what the
    exhaustive-enumeration oracle covers for n <= 6.  ``patterns``: if given, only these
    attendance patterns (one code per member: 0 absent, 1 present and recused, 2 speaking);
    the differential test uses it to sample the largest cases.
    """

    pinned: bool = False
    patterns: tuple[tuple[int, ...], ...] | None = None

    def __post_init__(self) -> None:
        for p in self.patterns or ():
            if any(x not in (0, 1, 2) for x in p):
                raise QuorumlabError("scope.patterns", f"pattern {p!r} has a code other than 0, "
                                     "1, 2", fix="0 = absent, 1 = recused, 2 = speaking")


@dataclass(frozen=True)
class CheckOptions:
    """How to run a property check.

    Parameters
    ----------
    sizes : board sizes to check per-member properties for.
    timeout_s : per solver query; an expired query answers ``unknown``, never ``holds``.
    scope : the meetings ranged over (see :class:`Scope`).
    cores : name the clauses a holding property depends on (unsat cores; a little slower).
    parametric : also run the all-n proofs of count-only properties.
    cross_check : re-ask every query behind a ``holds`` or ``vacuous`` of cvc5
        (:mod:`proofs.crosscheck`); cvc5 saying ``sat`` is an internal error.
    smtlib_dir : write those queries there as SMT-LIB 2 files (``None``: do not).
    count_from : board size from which the properties that read members only through
        counts, the leader and the roles use a counted meeting
        (:func:`proofs.symbolic.counted_meeting`: single members plus weighted classes, a
        size that does not grow with n) in the full scope; 0: never.
    polish : polish each witness to the fewest irregular features
        (:func:`proofs.witness.polish`); off, a witness is the first model found, still
        confirmed by the reference evaluator.  Verdicts and values never depend on it.
    """

    sizes: tuple[int, ...] = DEFAULT_SIZES
    timeout_s: float = DEFAULT_TIMEOUT_S
    scope: Scope = Scope()
    cores: bool = True
    parametric: bool = True
    cross_check: bool = False
    smtlib_dir: Path | None = None
    count_from: int = 20
    polish: bool = True

    def __post_init__(self) -> None:
        check_timeout(self.timeout_s)
        check_sizes(self.sizes)

    @property
    def timeout_ms(self) -> int:
        """Per query, in milliseconds (Z3 takes at most ``2**32 - 1``)."""
        return milliseconds(self.timeout_s)


def milliseconds(seconds: float) -> int:
    """A timeout in seconds as Z3's milliseconds: at least 1, at most ``2**32 - 1``.

    >>> milliseconds(0.0001), milliseconds(2.5), milliseconds(1e12)
    (1, 2500, 4294967295)
    """
    return max(1, min(int(seconds * 1000), 2**32 - 1))


def check_timeout(seconds: object, field: str = "timeout") -> None:
    """A timeout is a finite number of seconds above 0 (not ``nan``, ``inf``, ``0``, ``-1``).

    >>> check_timeout(0.5)
    >>> check_timeout(float("inf"))
    Traceback (most recent call last):
    ...
    model.errors.QuorumlabError: field 'timeout': should be a positive number of seconds, got inf (fix: use e.g. --timeout 10)
    """
    ok = isinstance(seconds, int | float) and not isinstance(seconds, bool)
    if not (ok and math.isfinite(seconds) and seconds > 0):  # type: ignore[arg-type,operator]
        raise QuorumlabError(field, f"should be a positive number of seconds, got {seconds!r}",
                             fix="use e.g. --timeout 10")


def check_sizes(sizes: Iterable[int], field: str = "sizes") -> None:
    """Every board size is a whole number from 1 to the ``check_size`` limit.

    >>> check_sizes([3, 0])
    Traceback (most recent call last):
    ...
    model.errors.QuorumlabError: field 'sizes': board size 0 is below 1 (fix: write sizes such as 3-15 or 3,5,7)
    """
    flag = f"{field} " if field.startswith("-") else ""
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, int):
            raise QuorumlabError(field, f"board size {n!r} is not a whole number",
                                 fix=f"write sizes such as {flag}3-15 or {flag}3,5,7")
        if n < 1:
            raise QuorumlabError(field, f"board size {n} is below 1",
                                 fix=f"write sizes such as {flag}3-15 or {flag}3,5,7")
        enforce("check_size", n, QuorumlabError, field)


def parse_sizes(text: str, field: str = "sizes") -> tuple[int, ...]:
    """Parse ``"3-15"``, ``"3,5,7"`` or a mix into sorted board sizes.

    ``field`` names the source in errors (the CLI passes its flag, ``--sizes``).

    >>> parse_sizes("9-3")
    Traceback (most recent call last):
    ...
    model.errors.QuorumlabError: field 'sizes': the range 9-3 is reversed (fix: write the smaller size first: 3-9)
    """
    flag = f"{field} " if field.startswith("-") else ""
    out: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part[1:]:
                a, b = (int(x) for x in part.split("-", 1))
                if a > b >= 1:
                    raise QuorumlabError(field, f"the range {part} is reversed",
                                         fix=f"write the smaller size first: {flag}{b}-{a}")
                check_sizes((a, b), field)  # before the range is built
                out.update(range(a, b + 1))
            elif part:
                out.add(int(part))
        except ValueError:
            raise QuorumlabError(field, f"cannot read board sizes {text!r}",
                                 fix=f"write sizes such as {flag}3-15 or {flag}3,5,7") from None
    if not out:
        raise QuorumlabError(field, "no board sizes given",
                             fix=f"write sizes such as {flag}3-15 or {flag}3,5,7")
    check_sizes(sorted(out), field)
    return tuple(sorted(out))
