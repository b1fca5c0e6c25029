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
from model.rules import RuleSpec
from proofs.options import Scope

__all__ = ["SymbolicMeeting", "symbolic_meeting", "well_formed", "conduct_ranges",
           "symmetry_breaking", "setting_symmetry", "counted_meeting", "class_states", "SETTING", "CONDUCT"]

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
    weight: tuple[Any, ...] = ()
    """Empty: entry i is member i.  Else entry i stands for ``weight[i]`` identical members
    (:func:`counted_meeting`): ``n`` is then the number of entries, :attr:`size` the board."""
    size: int = 0
    """The board size (0: ``n``)."""
    classes: tuple[tuple[str, int, bool, int], ...] = ()
    """The state (:func:`class_states`) of each class entry after the single members."""

    @property
    def board(self) -> int:
        """The number of members (``n`` unless entries stand for classes)."""
        return self.size or self.n

    @property
    def specials(self) -> int:
        """Entries that are one member each (all of them, unless counted)."""
        return sum(1 for w in self.weight if isinstance(w, int)) if self.weight else self.n

    def groups(self, first: int) -> list[range]:
        """Interchangeable entries from ``first`` on: every member but the leader (and those
        before ``first``) alike; when counted, the single members only."""
        return [range(first, self.specials)]  # a counted meeting's classes differ

    def expanded(self, model: Any) -> SymbolicMeeting:
        """The per-member meeting ``model`` gives: each entry repeated as often as its weight
        in ``model`` says (for :func:`proofs.decode.decode`; members of a class keep their
        entry's place in the speaking order, one after another)."""
        if not self.weight:
            return self
        reps = [w if isinstance(w, int) else model.eval(w, model_completion=True).as_long()
                for w in self.weight]
        idx = [i for i, r in enumerate(reps) for _ in range(r)]
        per = {k: tuple(getattr(self, k)[i] for i in idx)
               for k in ("present", "recused", "interested", "owner", "chair", "deputy",
                         "vote", "opinion", "pos")}
        return replace(self, n=len(idx), weight=(), size=0, classes=(), **per)

    @property
    def speaker(self) -> list[Any]:
        return [z3.And(self.present[i], z3.Not(self.recused[i])) for i in range(self.n)]

    def setting_vars(self) -> list[Any]:
        return [*self.present, *self.recused, *self.interested, *self.owner, *self.chair,
                *self.deputy, self.emergency, self.ad_hoc, self.unclear, self.amount,
                *[w for w in self.weight if not isinstance(w, int)]]

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
            n=self.board, leader=0,
            present=list(self.present), recused=list(self.recused),
            interested=list(self.interested), owner=list(owner), chair=list(self.chair),
            vote=[_ite(speaker[i], self.vote[i], int(Vote.NONE)) for i in range(n)],
            opinion=[_ite(self.present[i], int(Vote.NONE), self.opinion[i]) for i in range(n)],
            pos=[_ite(speaker[i], self.pos[i], -1) for i in range(n)],
            emergency=self.emergency, ad_hoc=self.ad_hoc, vote_called=self.vote_called,
            portfolio=pf, deputy=list(self.deputy), unclear=self.unclear, amount=self.amount,
            weight=list(self.weight),
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


SPECIALS = 4
"""Single members of a counted meeting: the leader and three more (who may chair, own the
portfolio, or stand for "any other member")."""

def class_states(specs: Sequence[RuleSpec]) -> list[tuple[str, int, bool, int]]:
    """The states of an ordinary member (no leader, chair, owner or deputy) that the
    semantics can tell apart under any of ``specs``, as (attendance, vote or written opinion,
    involved, place): absent (with one of 5 written opinions where they are counted; who is
    involved is read only of members present), recused, silent, or stating one of 4
    positions; involved where recusal is required; where a speaking-order rule applies, in
    one of ``SPECIALS + 1`` places between the single members' positions.

    >>> from model.rules import RuleSpec
    >>> len(class_states([RuleSpec()])), len(class_states([RuleSpec(recusal="required",
    ...                                                              last_speaker="leader")]))
    (7, 44)
    """
    opinions = (range(int(Vote.NONE), int(Vote.DEFER) + 1)
                if any(s.absentee_opinions == "counted" for s in specs) else [int(Vote.NONE)])
    involved = (False, True) if any(s.recusal == "required" for s in specs) else (False,)
    order = any(s.last_speaker != "none" or s.owner_speaks_first for s in specs)
    places = range(SPECIALS + 1) if order else range(1)
    out = [("absent", o, False, 0) for o in opinions] + [("recused", int(Vote.NONE), False, 0)]
    for inv in involved:
        out.append(("present", int(Vote.NONE), inv, 0))
        out += [("present", v, inv, place) for v in range(int(Vote.YES), int(Vote.DEFER) + 1)
                for place in places]
    return out


def counted_meeting(n: int, portfolio: str | None, specs: Sequence[RuleSpec], tag: str = ""
                    ) -> SymbolicMeeting:
    """A board of ``n`` members as :data:`SPECIALS` single members and one weighted class
    of ordinary members (who never chair, own the portfolio or act as deputy) per state of
    :func:`class_states`: integer counts per state, so the encoding does not grow with
    ``n``.  A class's members are present iff it is not empty; the single members' speaking
    positions are odd (``2p + 1``), a class's place ``k`` is position ``2k``.

    Every meeting of ``n`` members has one in this form with the same evaluation under each
    of ``specs``: its leader, chair and owner (and one more member) are the single members,
    and each other member is in one of the states the semantics tells apart (the class of
    that state).  The semantics counts a class through its weight
    (:meth:`model.backend.Backend.count`) and reads it otherwise as its members; every
    model expands back to ``n`` members (:meth:`SymbolicMeeting.expanded`).  Sound for
    questions that read the meeting only through the semantics' outcome, checks and tally
    and the leader and roles.  An exists-forall question must not take a class as one
    member's setting (a class has one conduct for all its members): it counts the setting
    apart and splits each count over the classes (:class:`proofs.conduct.Split`).

    >>> from model.rules import RuleSpec
    >>> cm = counted_meeting(1000, None, [RuleSpec()])
    >>> cm.n, cm.board, cm.specials, len(cm.groups(1))
    (11, 1000, 4, 1)
    """
    if n <= SPECIALS:
        return symbolic_meeting(n, portfolio, tag)
    k, states = SPECIALS, class_states(specs)
    sm = symbolic_meeting(k, portfolio, tag)
    w = tuple(z3.Int(f"weight{tag}_{i}") for i in range(k, k + len(states)))
    here = tuple(x > 0 for x in w)
    no = (_NO,) * len(states)
    return replace(
        sm, n=k + len(states), size=n, weight=(1,) * k + w, classes=tuple(states),
        present=sm.present + tuple(h if a != "absent" else _NO
                                   for h, (a, _, _, _) in zip(here, states, strict=True)),
        recused=sm.recused + tuple(h if a == "recused" else _NO
                                   for h, (a, _, _, _) in zip(here, states, strict=True)),
        interested=sm.interested + tuple(z3.BoolVal(i) for _, _, i, _ in states),
        owner=sm.owner + no, chair=sm.chair + no, deputy=sm.deputy + no,
        vote=sm.vote + tuple(v if a == "present" else int(Vote.NONE) for a, v, _, _ in states),
        opinion=sm.opinion + tuple(v if a == "absent" else int(Vote.NONE)
                                   for a, v, _, _ in states),
        pos=tuple(2 * p + 1 for p in sm.pos) + tuple(2 * place for _, _, _, place in states))


_NO = z3.BoolVal(False)


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
    classes = [(i, w) for i, w in enumerate(sm.weight) if not isinstance(w, int)]
    if classes:
        out.append(("the classes make up the board",
                    z3.Sum([w for _, w in classes]) == sm.board - sm.specials))
        out += [(f"class size[{i}]", w >= 0) for i, w in classes]
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
    n = sm.specials  # a counted meeting's classes have fixed states (counted_meeting)
    odd = 2 if sm.weight else 1  # ... and its single members odd positions 2p + 1
    out: list[tuple[str, Any]] = []
    for i in range(n):
        out.append((f"vote range[{i}]", z3.And(sm.vote[i] >= int(Vote.NONE),
                                               sm.vote[i] <= int(Vote.DEFER))))
        out.append((f"opinion range[{i}]", z3.And(sm.opinion[i] >= int(Vote.NONE),
                                                  sm.opinion[i] <= int(Vote.DEFER))))
        out.append((f"pos range[{i}]", z3.And(sm.pos[i] >= 0, sm.pos[i] < odd * n)))
    out.append(("positions distinct", z3.Distinct(*sm.pos[:n]) if n > 1 else z3.BoolVal(True)))
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
    for group in (groups if groups is not None else sm.groups(2)):
        g = list(group)
        out += [(f"symmetry m{a} >= m{b}", code[a] >= code[b])
                for a, b in zip(g, g[1:], strict=False)]
    return out


def setting_symmetry(sm: SymbolicMeeting) -> list[tuple[str, Any]]:
    """Members ``m1..m{n-1}`` in non-increasing lexicographic order of their *setting*
    (present, recused, involved, owner, chair, deputy), for the outer query of an
    exists-forall property.

    Sound for a question that names no member but the leader, over the full scope: the
    semantics treats every member but ``m0`` alike, so permuting ``m1..m{n-1}`` with all
    their variables maps a setting for which every conduct fails (or some passes) to one
    for which the permuted conducts do the same; some permutation sorts the setting.  The
    refinements of :func:`proofs.solve.exists_forall` hold of every setting, so they stay
    sound under the restriction.  An outer ``unsat`` thus means no setting at all, and a
    ``sat`` is a real setting (the inner query checks it as found).

    >>> [name for name, _ in setting_symmetry(symbolic_meeting(4, None))]
    ['setting symmetry m1 >= m2', 'setting symmetry m2 >= m3']
    """
    def bit(x: Any, w: int) -> Any:
        return z3.If(x, w, 0)

    code = [bit(sm.present[i], 32) + bit(sm.recused[i], 16) + bit(sm.interested[i], 8)
            + bit(sm.owner[i], 4) + bit(sm.chair[i], 2) + bit(sm.deputy[i], 1)
            for i in range(sm.n)]
    return [(f"setting symmetry m{a} >= m{a + 1}", code[a] >= code[a + 1])
            for g in sm.groups(1) for a in list(g)[:-1]]


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
