"""The two sides of an exists-forall question (``exists setting . forall conduct``), per
member or counted.

:class:`Split` says, for one symbolic meeting, which raw variables are the *setting* (the
outer query's unknowns: who attends, recuses, is involved, owns, chairs; the item's flags)
and which the *conduct* (the inner query's: votes with silence, written opinions,
speaking positions, whether the vote is called); how to pin a setting found; and which
conducts refine the outer query of :func:`proofs.solve.exists_forall`.

**Refinements are sound.**  Each one is a conduct written as terms over the setting, with
a guard (a condition on the setting), that is a valid conduct of *every* setting where the
guard holds.  For such a setting, "every conduct breaks the property" implies "this
conduct breaks it", so asserting ``guard -> broken(conduct)`` rules out no setting that
answers the question.  An ``unsat`` outer query therefore means that no setting answers
it, and a ``sat`` one is checked by the inner query as found.

**Per member** (:func:`~proofs.symbolic.symbolic_meeting`): the setting is every member's
setting; a refinement gives every member's conduct (the guard is ``True``).

**Counted** (:func:`~proofs.symbolic.counted_meeting`, from ``count_from`` members): the
setting is the single members' setting, the item's flags, and one integer ``a[s]`` per
*setting state* ``s`` of an ordinary member (absent; recused; present, involved or not):
how many ordinary members are in it.  The conduct is the single members' conduct and the
class weights ``w[s, k]``, one per conduct state ``k`` of ``s`` (a vote or silence and a
place in the speaking order; a written opinion), split from the setting counts:
``sum_k w[s, k] = a[s]`` (:meth:`Split.link`).  This asks the same question as per member:

* a per-member setting has a counted one (its leader, chair, owner and one more member as
  the single members, ``a[s]`` the number of other members in state ``s``) and every
  conduct of it a counted conduct with the same evaluation (the soundness of the counted
  meeting), whose weights split the same ``a``;
* conversely every counted conduct whose weights split ``a`` expands
  (:meth:`~proofs.symbolic.SymbolicMeeting.expanded`) to a per-member conduct of a setting
  that differs from the first one only by a permutation of the ordinary members, which
  the semantics treats alike (every member but the leader is read through its variables).

So for each setting every conduct breaks the property per member iff every conduct
breaks it counted.  A counted refinement gives the single members' conduct as constants
and each setting state's split as constants except one *bulk* state, which takes the rest
of ``a[s]``; its guard says that rest is not negative (so the weights are a split of
``a``), and the single members' constants are in range and distinct as conduct must be.

Examples
--------
>>> from model.rules import RuleSpec
>>> from proofs.symbolic import counted_meeting, symbolic_meeting
>>> sp = Split.of(counted_meeting(50, None, [RuleSpec(recusal="required")]))
>>> sorted(sp.states)
[('absent', False), ('present', False), ('present', True), ('recused', False)]
>>> Split.of(symbolic_meeting(3, None)).states
{}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import z3

from model.backend import Z3Backend
from model.meeting import Vote
from proofs.encode import Encoded
from proofs.symbolic import SymbolicMeeting
from proofs.witness import Irregular, cost, features

__all__ = ["Split", "Conduct"]

YES = int(Vote.YES)
_Z3 = Z3Backend()

Conduct = tuple[list[tuple[Any, Any]], Any]
"""A refinement: (raw conduct variable, value or term over the setting) pairs, and the
guard under which they are a valid conduct (``True`` per member)."""


@dataclass(frozen=True)
class Split:
    """The setting and conduct of ``sm`` (see the module docstring)."""

    sm: SymbolicMeeting
    states: dict[tuple[str, bool], tuple[Any, tuple[int, ...]]]
    """Counted: each setting state (attendance, involved) -> (its count ``a[s]``, the class
    entries of its conduct states).  Empty per member."""

    @classmethod
    def of(cls, sm: SymbolicMeeting) -> Split:
        groups: dict[tuple[str, bool], list[int]] = {}
        for j, (att, _, inv, _) in enumerate(sm.classes):
            groups.setdefault((att, inv), []).append(sm.specials + j)
        return cls(sm, {s: (z3.Int(f"setting_count{sm.tag}_{s[0]}_{int(s[1])}"), tuple(e))
                        for s, e in groups.items()})

    @property
    def counted(self) -> bool:
        return bool(self.states)

    # ------------------------------------------------------------------ setting ---------
    def setting_vars(self) -> list[Any]:
        """The outer query's unknowns: what :meth:`fix` pins."""
        sm = self.sm
        if not self.counted:
            return sm.setting_vars()
        k = sm.specials
        return [*[x for f in ("present", "recused", "interested", "owner", "chair", "deputy")
                  for x in getattr(sm, f)[:k]],
                sm.emergency, sm.ad_hoc, sm.unclear, sm.amount,
                *[a for a, _ in self.states.values()]]

    def link(self) -> list[tuple[str, Any]]:
        """Counted: each setting count is split by its classes' weights (none per member)."""
        w = self.sm.weight
        return [("well-formedness", z3.And(a >= 0, z3.Sum([w[e] for e in entries]) == a))
                for a, entries in self.states.values()]

    def fix(self, model: Any) -> list[Any]:
        """The setting of ``model``, pinned."""
        return [v == model.eval(v, model_completion=True) for v in self.setting_vars()]

    def setting_cost(self, enc: Encoded) -> Irregular:
        """The irregular features of the setting, to polish a witness with: per member those
        of :func:`proofs.witness.irregular`; counted, the single members' plus the ordinary
        members absent, recused or involved (each member counts, not each class)."""
        sm = self.sm
        feats = features(sm.terms(), enc.checks, _Z3, setting=True, conduct=False)
        if not self.counted:
            return Irregular(cost(feats), z3.IntVal(0))
        single = [(name, x) for name, x in feats
                  if not ((m := re.match(r"m(\d+) ", name)) and int(m[1]) >= sm.specials)]
        odd = [a for (att, inv), (a, _) in self.states.items() if att != "present" or inv]
        return Irregular(cost(single) + z3.Sum([z3.IntVal(0), *odd]), z3.IntVal(0))

    # ------------------------------------------------------------------ conduct ---------
    def raw_pos(self) -> tuple[Any, ...]:
        """The raw position variables (a counted meeting's single members' are ``2p + 1``
        of these; :func:`~proofs.symbolic.counted_meeting`)."""
        sm = self.sm
        if not self.counted:
            return sm.pos
        return tuple(z3.Int(f"pos{sm.tag}_{i}") for i in range(sm.specials))

    def _singles(self) -> int:
        return self.sm.specials if self.counted else self.sm.n

    def candidates(self, pinned: bool) -> list[Conduct]:
        """Conduct as terms over the setting: everyone says yes (absent members write yes),
        the vote is called, and the chair or the leader speaks last, the owner first (or
        the owner first, the chair last).  Valid for every setting (the guard is ``True``):
        the positions are distinct (one chair, at most one owner)."""
        sm, n = self.sm, self._singles()
        out: list[Conduct] = []
        for last, owner_first in (("chair", False), ("leader", False), ("chair", True)):
            lastly = [sm.chair[i] if last == "chair" else z3.BoolVal(i == 0) for i in range(n)]
            if owner_first:
                key = [z3.If(sm.owner[i], 0, z3.If(lastly[i], 2 * n, 1 + i)) for i in range(n)]
            else:
                key = [z3.If(lastly[i], 2 * n, z3.If(sm.owner[i], 0, 1 + i)) for i in range(n)]
            if self.counted:  # ranks 0..n-1 of the keys (distinct): in range, as conduct is
                pos: Sequence[Any] = [z3.Sum([z3.If(key[j] < key[i], 1, 0)
                                              for j in range(n) if j != i]) for i in range(n)]
            else:
                pos = sm.pos if pinned else key
            pairs = self._pairs((YES,) * n, (YES,) * n, pos, True)
            out.append((pairs + self._bulk(self._all_yes), z3.BoolVal(True)))
        return out

    def _all_yes(self, entries: tuple[int, ...]) -> int:
        """The class of a setting state that says yes (writes yes; the middle place)."""
        cl = self.sm.classes
        states = [cl[e - self.sm.specials] for e in entries]
        middle = max(p for _, _, _, p in states) // 2  # between the owner and the last speaker
        best = [e for e, (_, v, _, p) in zip(entries, states, strict=True)
                if v == YES and p == middle]
        return best[0] if best else entries[0]

    def _bulk(self, pick: Callable[[tuple[int, ...]], int]) -> list[tuple[Any, Any]]:
        """Every setting state's count on the one class ``pick`` chooses, the others empty."""
        w, out = self.sm.weight, []
        for a, entries in self.states.values():
            k = pick(entries)
            out += [(w[e], a if e == k else 0) for e in entries]
        return out

    def _pairs(self, vote: Sequence[Any], opinion: Sequence[Any], pos: Sequence[Any],
               called: Any) -> list[tuple[Any, Any]]:
        sm, n = self.sm, self._singles()
        return [*zip(sm.vote[:n], vote, strict=True), *zip(sm.opinion[:n], opinion, strict=True),
                *zip(self.raw_pos(), pos, strict=True), (sm.vote_called, called)]

    def generalise(self, model: Any) -> Conduct:
        """The conduct of the inner ``model`` as a refinement: raw values the setting ignores
        (a silent member's vote, a present member's written opinion) set to yes; counted,
        each setting state's split kept except on its largest class, which takes the rest."""
        sm, n = self.sm, self._singles()

        def b(t: Any) -> bool:
            return z3.is_true(model.eval(t, model_completion=True))

        def iv(t: Any) -> int:
            return int(model.eval(t, model_completion=True).as_long())

        here = [b(sm.present[i]) for i in range(n)]
        speaking = [here[i] and not b(sm.recused[i]) for i in range(n)]
        vote = [iv(sm.vote[i]) if speaking[i] else YES for i in range(n)]
        opinion = [YES if here[i] else iv(sm.opinion[i]) for i in range(n)]
        pairs = self._pairs(vote, opinion, [iv(p) for p in self.raw_pos()],
                            b(sm.vote_called))
        guard = []
        for a, entries in self.states.values():
            got = {e: iv(sm.weight[e]) for e in entries}
            bulk = max(entries, key=lambda e: got[e])
            rest = a - sum(got[e] for e in entries if e != bulk)
            pairs += [(sm.weight[e], rest if e == bulk else got[e]) for e in entries]
            guard.append(rest >= 0)
        return pairs, z3.And(*guard)
