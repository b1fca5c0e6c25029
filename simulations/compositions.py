"""Board compositions: who sits on a body and how each member behaves.

A :class:`Board` is a frozen, validated description of a body's members for
simulation: size, roles (one ``leader``, ``deputy`` s, ``member`` s), portfolios
(分管), factions, and per member the attendance probability, competence (the
probability that the member's private judgement of a matter is right), conformity
(the weight the member gives to positions already stated) and abstention
probability; for the whole board the leader's extra influence and the correlation
of attendance (a shared shock: a Gaussian copula with correlation
``attendance_correlation``) and of judgements (``signal_correlation``: per meeting
every member's signal is right with one shared probability drawn from a Beta law
with the board's mean competence and this intra-class correlation).

Board file (TOML or JSON), every key optional except ``size`` or ``members`` (one of the
two, not both; checked by :class:`BoardFileSchema`, closed: an unknown key is an error)::

    [board]
    name = "15-member party group"
    size = 15                 # members m0..m14; m0 leads; then `deputies` deputies
    deputies = 3              # with `size` only
    leader_influence = 1.0    # the leader's stated position weighs 1 + this
    attendance_correlation = 0.2
    signal_correlation = 0.0  # shared shock on judgements: P(right) ~ Beta, this intra-class corr.
    [defaults]                # per-member values unless a member overrides them
    attendance = 0.9
    competence = 0.7
    conformity = 0.5
    abstain = 0.0
    [[members]]               # or: explicit members (then no `size`, no `deputies`)
    id = "sec"
    role = "leader"
    portfolios = []
    faction = "a"
    count = 1                 # repeat this entry (ids get a suffix)

Examples
--------
>>> b = Board.uniform(7, attendance=0.8, deputies=2)
>>> b.n, b.roles[:4], b.members[1].portfolios
(7, ('leader', 'deputy', 'deputy', 'member'), ('personnel', 'construction', 'approval'))
>>> Board.uniform(3, competence=1.5)
Traceback (most recent call last):
...
simulations.compositions.BoardFileError: field 'members[0].competence': 1.5 is not a probability (fix: use a number between 0 and 1, e.g. 0.7)
>>> board_from_dict({"board": {"size": 5}, "defaults": {"attendance": "0.9"}}, "b.toml")
Traceback (most recent call last):
...
simulations.compositions.BoardFileError: b.toml: field 'defaults.attendance': should be a number, got '0.9' (fix: use a number between 0 and 1, e.g. 0.7)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from model.datafile import display_name, read_data_file
from model.errors import QuorumlabError
from model.limits import enforce
from model.meeting import ROLES
from model.schema import Strict, check

__all__ = ["BoardFileError", "BoardMember", "Board", "load_board", "board_from_dict", "PORTFOLIOS",
           "BoardFileSchema"]

PORTFOLIOS = ("personnel", "finance", "construction", "procurement", "approval")
_PROBS = ("attendance", "competence", "abstain")
_BOARD_NUMBERS = ("leader_influence", "attendance_correlation", "signal_correlation")
_MEMBER_KEYS = {"id", "role", "portfolios", "faction", "count", "conformity", *_PROBS}


class BoardFileError(QuorumlabError, ValueError):
    """A board composition (file or arguments) is malformed."""


@dataclass(frozen=True)
class BoardMember:
    """One member: role, portfolios, faction and behaviour parameters.

    ``competence`` is P(private signal is right); ``conformity`` >= 0 is the weight given to
    earlier stated positions (0: independent, 1: Bayesian-like counting as in BHW 1992).
    """

    id: str
    role: str = "member"
    portfolios: tuple[str, ...] = ()
    faction: str = ""
    attendance: float = 1.0
    competence: float = 0.7
    conformity: float = 0.0
    abstain: float = 0.0


@dataclass(frozen=True)
class Board:
    """A validated board.  Invariants: exactly one leader, unique ids, probabilities in [0, 1],
    conformity >= 0, leader_influence >= 0, 0 <= attendance_correlation < 1."""

    members: tuple[BoardMember, ...]
    leader_influence: float = 0.0
    attendance_correlation: float = 0.0
    signal_correlation: float = 0.0
    name: str = ""
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.members:
            raise BoardFileError("members", "the board has no members",
                                 fix="give size = N or at least one [[members]] entry",
                                 file=self.source or None)
        ids = [m.id for m in self.members]
        for i, m in enumerate(self.members):
            where = f"members[{i}]"
            if m.id in ids[:i]:
                raise BoardFileError(f"{where}.id", f"member id {m.id!r} appears twice",
                                     fix="give every member a unique id", file=self.source or None)
            if m.role not in ROLES:
                raise BoardFileError(f"{where}.role", f"unknown role {m.role!r}",
                                     fix=f"use one of {', '.join(ROLES)}", file=self.source or None)
            for name in _PROBS:
                _check_prob(getattr(m, name), f"{where}.{name}", self.source)
            if not (isinstance(m.conformity, int | float) and math.isfinite(m.conformity)
                    and m.conformity >= 0):
                raise BoardFileError(f"{where}.conformity", f"{m.conformity!r} is not a weight >= 0",
                                     fix="use e.g. 0 (independent) or 1 (counts earlier positions "
                                     "like its own signal)", file=self.source or None)
        leaders = [m.id for m in self.members if m.role == "leader"]
        if len(leaders) != 1:
            raise BoardFileError("members", f"{len(leaders)} members have role 'leader'",
                                 fix="mark exactly one member as role = 'leader'",
                                 file=self.source or None)
        if not (math.isfinite(self.leader_influence) and self.leader_influence >= 0):
            raise BoardFileError("board.leader_influence", f"{self.leader_influence!r} is not >= 0",
                                 fix="use e.g. 0 (none) or 1 (the leader's position counts double)",
                                 file=self.source or None)
        for name in ("attendance_correlation", "signal_correlation"):
            if not (0 <= getattr(self, name) < 1):
                raise BoardFileError(f"board.{name}", f"{getattr(self, name)!r} is not in [0, 1)",
                                     fix="use e.g. 0 (independent) or 0.3", file=self.source or None)

    @property
    def n(self) -> int:
        return len(self.members)

    @property
    def leader(self) -> int:
        """Index of the leader (一把手)."""
        return next(i for i, m in enumerate(self.members) if m.role == "leader")

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(m.role for m in self.members)

    def chair_priority(self) -> tuple[int, ...]:
        """Who chairs: the leader if present, else the first present deputy, else the first
        present member (board order)."""
        dep = [i for i, m in enumerate(self.members) if m.role == "deputy"]
        rest = [i for i, m in enumerate(self.members) if m.role == "member"]
        return (self.leader, *dep, *rest)

    def deputies(self) -> tuple[bool, ...]:
        """Per member: a deputy (副职), who may chair where the rules limit delegation."""
        return tuple(m.role == "deputy" for m in self.members)

    def owners(self, portfolio: str | None) -> tuple[bool, ...]:
        """Per member: runs ``portfolio`` (分管领导)."""
        return tuple(portfolio is not None and portfolio in m.portfolios for m in self.members)

    def column(self, name: str) -> tuple[float, ...]:
        """One behaviour parameter for every member."""
        return tuple(float(getattr(m, name)) for m in self.members)

    def with_values(self, **values: Any) -> Board:
        """The same board with member parameters (attendance, competence, conformity,
        abstain) or board parameters (leader_influence, attendance_correlation) replaced."""
        member_vals = {k: v for k, v in values.items() if k in _MEMBER_KEYS}
        board_vals = {k: v for k, v in values.items() if k not in _MEMBER_KEYS}
        members = tuple(replace(m, **member_vals) for m in self.members)
        return replace(self, members=members, **board_vals)

    @classmethod
    def uniform(cls, n: int, *, deputies: int | None = None, attendance: float = 1.0,
                competence: float = 0.7, conformity: float = 0.0, abstain: float = 0.0,
                leader_influence: float = 0.0, attendance_correlation: float = 0.0,
                signal_correlation: float = 0.0, name: str = "") -> Board:
        """``n`` alike members m0..m{n-1}: m0 leads, the next ``deputies`` (default
        ``min(3, n - 1)``) are deputies who share the five standard portfolios round-robin."""
        if not isinstance(n, int) or n < 1:
            raise BoardFileError("board.size", f"{n!r} is not a board size", fix="use an integer >= 1")
        d = min(3, n - 1) if deputies is None else deputies
        if not 0 <= d < n:
            raise BoardFileError("board.deputies", f"{d!r} deputies on a board of {n}",
                                 fix=f"use 0..{n - 1}")
        members = []
        for i in range(n):
            role = "leader" if i == 0 else "deputy" if i <= d else "member"
            ports = tuple(p for k, p in enumerate(PORTFOLIOS) if d and k % d == i - 1) \
                if role == "deputy" else ()
            members.append(BoardMember(f"m{i}", role, ports, "", attendance, competence,
                                       conformity, abstain))
        return cls(tuple(members), leader_influence, attendance_correlation, signal_correlation,
                   name or f"uniform-{n}")


def _check_prob(x: Any, where: str, source: str) -> None:
    if not (isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1):
        raise BoardFileError(where, f"{x!r} is not a probability",
                             fix="use a number between 0 and 1, e.g. 0.7", file=source or None)


# ------------------------------------------------------------------------- the file's shape
def _prob(description: str) -> Any:
    return Field(None, ge=0, le=1, allow_inf_nan=False, description=description,
                 json_schema_extra={"fix": "use a number between 0 and 1, e.g. 0.7"})


def _correlation(description: str) -> Any:
    return Field(0.0, ge=0, lt=1, allow_inf_nan=False, description=description,
                 json_schema_extra={"fix": "use a number in [0, 1), e.g. 0 (independent) or 0.3"})


class BehaviourSchema(Strict):
    """Per-member parameters: the ``[defaults]`` table, and what a member entry may override."""

    attendance: float | None = _prob("P(the member attends)")
    competence: float | None = _prob("P(the member's private judgement is right)")
    abstain: float | None = _prob("P(the member abstains)")
    conformity: float | None = Field(
        None, ge=0, allow_inf_nan=False, description="weight given to positions already stated",
        json_schema_extra={"fix": "use e.g. 0 (independent) or 1 (counts earlier positions like "
                           "its own signal)"})
    portfolios: list[str] | None = Field(None, json_schema_extra={
        "fix": 'write portfolios = ["finance"]'})
    faction: str | None = None


class MemberEntrySchema(BehaviourSchema):
    """One ``[[members]]`` entry (``count`` > 1 repeats it; ids get a suffix)."""

    id: str | None = Field(None, min_length=1)
    role: Literal["leader", "deputy", "member"] | None = None
    count: int = Field(1, ge=1, json_schema_extra={"fix": "write count = 3"})


class BoardHeadSchema(Strict):
    """The ``[board]`` table."""

    name: str = ""
    size: int | None = Field(None, ge=1, json_schema_extra={"fix": "write size = 15"})
    deputies: int | None = Field(None, ge=0, json_schema_extra={"fix": "write deputies = 3"})
    leader_influence: float = Field(
        0.0, ge=0, allow_inf_nan=False, description="the leader's stated position weighs 1 + this",
        json_schema_extra={"fix": "use e.g. 0 (none) or 1 (the leader's position counts double)"})
    attendance_correlation: float = _correlation("shared shock on attendance")
    signal_correlation: float = _correlation("shared shock on judgements")


class BoardFileSchema(Strict):
    """A board file: ``[board]``, ``[defaults]`` and ``[[members]]``."""

    board: BoardHeadSchema = BoardHeadSchema()
    defaults: BehaviourSchema = BehaviourSchema()
    members: list[MemberEntrySchema] | None = Field(None, min_length=1, json_schema_extra={
        "fix": 'write [[members]] with id = "m1", role = "member"'})


def board_from_dict(data: Any, source: str = "") -> Board:
    """Build a board from parsed TOML/JSON (see the module docstring for the format)."""
    try:
        return _build(check(BoardFileSchema, data, BoardFileError), source)
    except QuorumlabError as err:
        raise err.at(source) if source else err from None


def _set(table: Strict) -> dict[str, Any]:
    """The keys a table of the file sets."""
    return table.model_dump(exclude_unset=True, exclude_none=True)


def _build(f: BoardFileSchema, source: str) -> Board:
    head = f.board
    common = {k: getattr(head, k) for k in _BOARD_NUMBERS}
    if f.members is None:
        if head.size is None:
            raise BoardFileError("board.size", "is missing", fix="add size = 15 to [board], or list "
                                 "[[members]]")
        enforce("board_members", head.size, BoardFileError, "board.size")
        board = Board.uniform(head.size, deputies=head.deputies, name=head.name, **common)
        values = {k: v for k, v in _set(f.defaults).items() if k in (*_PROBS, "conformity")}
        return replace(board.with_values(**values), source=source)
    for key in ("size", "deputies"):
        if getattr(head, key) is not None:
            raise BoardFileError(f"board.{key}", "is set, but [[members]] lists the members",
                                 fix=f"remove {key} (the members listed make the board)")
    enforce("board_members", sum(e.count for e in f.members), BoardFileError, "members")
    members: list[BoardMember] = []
    for e in f.members:
        merged = {**_set(f.defaults), **_set(e)}
        count = merged.pop("count", 1)
        base_id = merged.pop("id", f"m{len(members)}")
        ports = tuple(merged.pop("portfolios", ()))
        for k in range(count):
            mid = base_id if count == 1 else f"{base_id}{k + 1}"
            members.append(BoardMember(mid, portfolios=ports, **merged))
    return Board(tuple(members), name=head.name, source=source, **common)


def load_board(path: str | Path) -> Board:
    """Read a board file (``.toml`` or ``.json``); errors name the file, the field and a fix."""
    return board_from_dict(read_data_file(path, BoardFileError), display_name(path))


