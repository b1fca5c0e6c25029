"""The symbolic meeting: Z3 variables for one board of ``n`` members, and what makes it well formed.

A :class:`SymbolicMeeting` holds *raw* variables.  The terms the semantics reads
(:class:`~model.meeting.MeetingTerms`) are derived from them so that every assignment
of the raw variables that satisfies :func:`well_formed` is a valid
:class:`~model.meeting.Meeting`:

* ``vote[i]`` is ``If(speaker_i, v_i, NONE)`` with ``v_i`` in ``NONE..DEFER``: a present,
  non-recused member may state nothing (silence, ``v_i = NONE``);
* ``opinion[i]`` is ``If(present_i, NONE, o_i)`` with ``o_i`` in ``NONE..DEFER``;
* ``pos[i]`` is ``If(speaker_i, p_i, -1)`` where ``p`` is a permutation of ``0..n-1``.
  Only the positions of members who *stated* a position matter (the semantics masks the
  order by ``stated``); a silent member's position is ignored and he is not in the
  decoded speaking order;
* ``deputy[i]`` marks a deputy (副职, role ``"deputy"``); the leader (index 0) never is;
* ``unclear`` (重大问题尚不清楚) is a Bool, ``amount`` an Int, ``-1`` when not recorded.

**Well-formed meetings** (design section 7): at least one member is present, exactly one
member chairs, and the chair is present (unconditionally); recused members are present;
at most one member owns the matter's portfolio (none without a portfolio); the value
ranges above.  Every proof quantifies over these meetings only.

The raw variables split into the *setting* (who attends, recuses, is involved, owns the
portfolio, chairs, is a deputy; emergency; ad-hoc; unclear; amount) and the *conduct*
(votes including silence, written opinions, speaking positions, whether the chair calls
the vote).  Every conduct value fits every setting, which is what makes the
exists-forall queries of :mod:`proofs.solve` converge.

Examples
--------
>>> import z3
>>> sm = symbolic_meeting(3, "finance")
>>> s = z3.Solver()
>>> s.add(*[c for _, c in well_formed(sm)])
>>> s.add(sm.present[0], sm.recused[0])
>>> s.check()
sat
>>> m = s.model()
>>> [m.eval(t) for t in sm.terms().vote][:1]
[0]
>>> s.add(z3.Not(z3.Or(*sm.present)))   # nobody present: not a meeting
>>> s.check()
unsat
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import z3

from model.meeting import MeetingTerms, Vote
from proofs.options import Scope

__all__ = ["SymbolicMeeting", "symbolic_meeting", "well_formed", "conduct_ranges",
           "symmetry_breaking", "SETTING", "CONDUCT"]

SETTING = ("present", "recused", "interested", "owner", "chair", "deputy", "emergency",
           "ad_hoc", "unclear", "amount")
CONDUCT = ("vote", "opinion", "pos", "vote_called")


@dataclass(frozen=True)
class SymbolicMeeting:
    """Raw Z3 variables of one meeting of ``n`` members (index 0 is the leader)."""

    n: int
    portfolio: str | None
    present: tuple[Any, ...]
    recused: tuple[Any, ...]
    interested: tuple[Any, ...]
    owner: tuple[Any, ...]
    chair: tuple[Any, ...]
    deputy: tuple[Any, ...]
    vote: tuple[Any, ...]
    opinion: tuple[Any, ...]
    pos: tuple[Any, ...]
    emergency: Any
    ad_hoc: Any
    vote_called: Any
    unclear: Any
    amount: Any
    tag: str = ""

    @property
    def speaker(self) -> list[Any]:
        return [z3.And(self.present[i], z3.Not(self.recused[i])) for i in range(self.n)]

    def setting_vars(self) -> list[Any]:
        return [*self.present, *self.recused, *self.interested, *self.owner, *self.chair,
                *self.deputy, self.emergency, self.ad_hoc, self.unclear, self.amount]

    def conduct_vars(self) -> list[Any]:
        return [*self.vote, *self.opinion, *self.pos, self.vote_called]

    def with_conduct(self, values: dict[str, Any]) -> SymbolicMeeting:
        """The same setting with some raw fields replaced (by constants or other terms)."""
        return replace(self, **values)

    def terms(self, portfolio: str | None | bool = True) -> MeetingTerms[Any]:
        """The term view the semantics reads.  ``portfolio``: ``True`` keeps this meeting's,
        else a portfolio to read the same members under (for comparisons)."""
        pf = self.portfolio if portfolio is True else portfolio
        n = self.n
        speaker = [_and(self.present[i], _not(self.recused[i])) for i in range(n)]
        owner: Sequence[Any] = self.owner if pf is not None else [False] * n
        return MeetingTerms(
            n=n, leader=0,
            present=list(self.present), recused=list(self.recused),
            interested=list(self.interested), owner=list(owner), chair=list(self.chair),
            vote=[_ite(speaker[i], self.vote[i], int(Vote.NONE)) for i in range(n)],
            opinion=[_ite(self.present[i], int(Vote.NONE), self.opinion[i]) for i in range(n)],
            pos=[_ite(speaker[i], self.pos[i], -1) for i in range(n)],
            emergency=self.emergency, ad_hoc=self.ad_hoc, vote_called=self.vote_called,
            portfolio=pf, deputy=list(self.deputy), unclear=self.unclear, amount=self.amount,
        )


def _and(a: Any, b: Any) -> Any:
    if isinstance(a, bool) and isinstance(b, bool):
        return a and b
    if a is False or b is False:
        return False
    if a is True:
        return b
    if b is True:
        return a
    return z3.And(a, b)


def _not(a: Any) -> Any:
    return (not a) if isinstance(a, bool) else z3.Not(a)


def _ite(c: Any, a: Any, b: Any) -> Any:
    if isinstance(c, bool):
        return a if c else b
    return z3.If(c, a, b)


def symbolic_meeting(n: int, portfolio: str | None, tag: str = "") -> SymbolicMeeting:
    """Fresh raw variables for a board of ``n`` members (names carry ``tag``)."""
    if n < 1:
        from model.errors import QuorumlabError

        raise QuorumlabError("sizes", f"a board needs at least one member, got n={n}",
                             fix="use sizes such as 3-15")

    def bools(name: str) -> tuple[Any, ...]:
        return tuple(z3.Bool(f"{name}{tag}_{i}") for i in range(n))

    def ints(name: str) -> tuple[Any, ...]:
        return tuple(z3.Int(f"{name}{tag}_{i}") for i in range(n))

    return SymbolicMeeting(
        n=n, portfolio=portfolio, present=bools("present"), recused=bools("recused"),
        interested=bools("interested"), owner=bools("owner"), chair=bools("chair"),
        deputy=bools("deputy"), vote=ints("vote"), opinion=ints("opinion"), pos=ints("pos"),
        emergency=z3.Bool(f"emergency{tag}"), ad_hoc=z3.Bool(f"ad_hoc{tag}"),
        vote_called=z3.Bool(f"vote_called{tag}"), unclear=z3.Bool(f"unclear{tag}"),
        amount=z3.Int(f"amount{tag}"), tag=tag,
    )


def well_formed(sm: SymbolicMeeting, scope: Scope | None = None) -> list[tuple[str, Any]]:
    """Named constraints under which every model decodes to a valid Meeting.

    Setting constraints first (they mention only setting variables), then conduct ranges.
    With ``scope.pinned`` the setting is pinned as :class:`~proofs.options.Scope` says.
    """
    n = sm.n
    out: list[tuple[str, Any]] = []
    for i in range(n):
        out.append((f"recused->present[{i}]", z3.Implies(sm.recused[i], sm.present[i])))
    out.append(("someone present", z3.Or(*sm.present)))
    out.append(("one chair", z3.PbEq([(c, 1) for c in sm.chair], 1)))
    for i in range(n):
        out.append((f"chair present[{i}]", z3.Implies(sm.chair[i], sm.present[i])))
    out.append(("the leader is no deputy", z3.Not(sm.deputy[0])))
    if sm.portfolio is None:
        out.append(("no portfolio, no owner", z3.Not(z3.Or(*sm.owner))))
    else:
        out.append(("at most one owner", z3.AtMost(*sm.owner, 1)))
    out += conduct_ranges(sm)
    out.append(("amount >= -1 (-1: not recorded)", sm.amount >= -1))
    if scope is not None and scope.pinned:
        out.extend(pinned_setting(sm))
    if scope is not None and scope.patterns is not None:
        out.append(("attendance patterns", z3.Or(*[
            z3.And(*[z3.And(sm.present[i] == (p[i] >= 1), sm.recused[i] == (p[i] == 1))
                     for i in range(n)]) for p in scope.patterns if len(p) == n])))
    return out


def conduct_ranges(sm: SymbolicMeeting) -> list[tuple[str, Any]]:
    """The value ranges of the conduct variables (votes, opinions, a permutation of positions).

    >>> [name for name, _ in conduct_ranges(symbolic_meeting(1, None))]
    ['vote range[0]', 'opinion range[0]', 'pos range[0]', 'positions distinct']
    """
    n = sm.n
    out: list[tuple[str, Any]] = []
    for i in range(n):
        out.append((f"vote range[{i}]", z3.And(sm.vote[i] >= int(Vote.NONE),
                                               sm.vote[i] <= int(Vote.DEFER))))
        out.append((f"opinion range[{i}]", z3.And(sm.opinion[i] >= int(Vote.NONE),
                                                  sm.opinion[i] <= int(Vote.DEFER))))
        out.append((f"pos range[{i}]", z3.And(sm.pos[i] >= 0, sm.pos[i] < n)))
    out.append(("positions distinct", z3.Distinct(*sm.pos) if n > 1 else z3.BoolVal(True)))
    return out


def symmetry_breaking(sm: SymbolicMeeting, groups: Sequence[Sequence[int]] | None = None
                      ) -> list[tuple[str, Any]]:
    """Members of each group (default: ``m2..m{n-1}``) in non-increasing order of their state
    (absent < recused < present with vote NONE < YES < ... < DEFER).

    Sound for a question that names no member of a group individually, over the full
    scope: the semantics treats every member but the leader alike (owner, chair, deputy,
    involved person are variables), so permuting a group's members together with all their
    variables maps every well-formed meeting to one with the same outcomes, and some
    permutation sorts them.  It cuts the ``k!`` copies of each meeting the solver would
    otherwise explore.  The default group leaves out ``m0`` (the leader, whom the semantics
    singles out) and ``m1`` (the stand-in for "any other member").

    >>> len(symmetry_breaking(symbolic_meeting(5, None)))
    2
    >>> len(symmetry_breaking(symbolic_meeting(5, None), [[1, 2], [3, 4]]))
    2
    """
    code = [z3.If(sm.present[i], z3.If(sm.recused[i], 1, 2 + sm.vote[i]), 0) for i in range(sm.n)]
    out = []
    for group in (groups if groups is not None else [range(2, sm.n)]):
        g = list(group)
        out += [(f"symmetry m{a} >= m{b}", code[a] >= code[b])
                for a, b in zip(g, g[1:], strict=False)]
    return out


def pinned_setting(sm: SymbolicMeeting) -> list[tuple[str, Any]]:
    """The pinned setting of :class:`~proofs.options.Scope`: nobody involved, no ad-hoc item,
    nothing unclear, no amount recorded; ``m1`` owns the portfolio (if any and n > 1) and is
    the only deputy (if n > 1; he is the one a delegated chair goes to), the leader chairs if
    present, else the first present member; raw speaking positions: the owner first, the
    leader last, the rest by index (silent members drop out of the order)."""
    n = sm.n
    out: list[tuple[str, Any]] = [("pinned: nobody involved", z3.Not(z3.Or(*sm.interested))),
                                  ("pinned: no ad-hoc item", z3.Not(sm.ad_hoc)),
                                  ("pinned: nothing unclear", z3.Not(sm.unclear)),
                                  ("pinned: no amount recorded", sm.amount == -1)]
    owner_idx = 1 if (sm.portfolio is not None and n > 1) else None
    for i in range(n):
        out.append((f"pinned: owner[{i}]", sm.owner[i] == (i == owner_idx)))
        out.append((f"pinned: deputy[{i}]", sm.deputy[i] == (i == 1)))
    out.append(("pinned: chair[0]", sm.chair[0] == sm.present[0]))
    for i in range(1, n):
        first = z3.And(sm.present[i], *[z3.Not(sm.present[j]) for j in range(i)])
        out.append((f"pinned: chair[{i}]", sm.chair[i] == first))
    for i, p in enumerate(pinned_positions(n, owner_idx)):
        out.append((f"pinned: pos[{i}]", sm.pos[i] == p))
    return out


def pinned_positions(n: int, owner_idx: int | None) -> list[int]:
    """Raw positions of the pinned speaking order (owner first, leader last).

    >>> pinned_positions(4, 1), pinned_positions(3, None)
    ([3, 0, 1, 2], [2, 0, 1])
    """
    rest = [i for i in range(1, n) if i != owner_idx]
    order = ([owner_idx] if owner_idx is not None else []) + rest + [0]
    pos = [0] * n
    for k, i in enumerate(order):
        pos[i] = k
    return pos
