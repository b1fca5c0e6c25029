"""Parametric proofs over every board size: n is an unbounded integer.

The members are grouped into classes with symbolic sizes: the leader (one member, his own
variables) and one class per state (absent with each written opinion, recused, speaking
with each vote).  The one semantics runs on these classes unchanged, through
``MeetingTerms.weight`` (counting weighs each class by its size, as exact mode's count cells
do) and :class:`SymbolicSize`
(which is the number of classes to ``range()`` and the integer ``n`` to arithmetic).

Scope (the *regular setting*): the leader attends and chairs, nobody is involved, no
member owns the portfolio or is a deputy, no ad-hoc item, nothing unclear, no amount
recorded, the leader speaks last; attendance, recusal, votes (silence included), written
opinions, emergency and the vote call are free, and ``n = 1 + sum of the class sizes`` is
unbounded.  For a property of the form "no meeting of any size breaks
it", the counterexample search is quantifier-free: ``unsat`` proves it for all n >= 1.
When it fails, the failing sizes among 1..``upto`` are listed, a pattern is fitted
("every n >= k", "n even", ...) and Z3 proves, for all n, that no size outside the
pattern fails; the report names exactly what was proved and what was only checked.

Examples
--------
>>> from model.loader import load_institution
>>> from proofs.context import Context
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> v = get_property("min_yes_to_pass_all_n").check(
...     Context.make(inst, "party_group", "ordinary", n=3))
>>> v.status, v.detail.split(":")[0]
('holds', 'proved for every n >= 1 (regular setting)')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import z3

from model.backend import Z3Backend
from model.meeting import MeetingTerms, Outcome, Vote
from model.semantics import evaluate
from proofs import catalogue as _catalogue  # noqa: F401  (base properties first)
from proofs.context import Context
from proofs.properties import Property, get_property, register
from proofs.results import Verdict

__all__ = ["SymbolicSize", "ClassMeeting", "class_meeting", "fit_pattern"]

PASSED = int(Outcome.PASSED)
# classes after the leader: absent with opinion 0..4, recused, present and silent (vote 0) or
# stating vote 1..4
CLASSES = [("absent", o) for o in range(5)] + [("recused", 0)] + \
          [("speaker", v) for v in range(5)]


class SymbolicSize:
    """``range(size)`` iterates the classes; arithmetic uses the integer term ``n``.

    >>> s = SymbolicSize(3, z3.Int("n"))
    >>> list(range(s)), 2 * s, s - 1
    ([0, 1, 2], 2*n, n - 1)
    """

    def __init__(self, classes: int, n: Any) -> None:
        self.classes = classes
        self.n = n

    def __index__(self) -> int:
        return self.classes

    def __mul__(self, o: Any) -> Any:
        return self.n * o

    def __rmul__(self, o: Any) -> Any:
        return o * self.n

    def __add__(self, o: Any) -> Any:
        return self.n + o

    __radd__ = __add__

    def __sub__(self, o: Any) -> Any:
        return self.n - o

    def __rsub__(self, o: Any) -> Any:
        return o - self.n


@dataclass(frozen=True)
class ClassMeeting:
    """The leader's variables, the class sizes, and the global flags."""

    n: Any
    weights: tuple[Any, ...]
    present: Any
    recused: Any
    vote: Any
    opinion: Any
    emergency: Any
    vote_called: Any

    def constraints(self) -> list[Any]:
        return [self.n == z3.Sum(list(self.weights)), *[w >= 0 for w in self.weights[1:]],
                self.weights[0] == 1, self.present, z3.Implies(self.recused, self.present),
                self.vote >= 0, self.vote <= 4, self.opinion >= 0, self.opinion <= 4]

    def terms(self, weights: Sequence[Any] | None = None, vote: Any = None, opinion_zero: bool = False,
              vote_called: Any = None) -> tuple[MeetingTerms[Any], Z3Backend]:
        w = list(weights if weights is not None else self.weights)
        k = 1 + len(CLASSES)
        speaker = z3.And(self.present, z3.Not(self.recused))
        present = [self.present] + [(w[c + 1] > 0) if kind != "absent" else False
                                    for c, (kind, _) in enumerate(CLASSES)]
        recused = [self.recused] + [(w[c + 1] > 0) if kind == "recused" else False
                                    for c, (kind, _) in enumerate(CLASSES)]
        votes = [z3.If(speaker, self.vote if vote is None else vote, 0)] + \
                [v if kind == "speaker" else 0 for kind, v in CLASSES]
        ops = [0 if opinion_zero else z3.If(self.present, 0, self.opinion)] + \
              [0 if (kind != "absent" or opinion_zero) else v for kind, v in CLASSES]
        t = MeetingTerms(
            n=SymbolicSize(k, self.n), leader=0, present=present, recused=recused,  # type: ignore[arg-type]
            interested=[False] * k, owner=[False] * k, chair=[True] + [False] * (k - 1),
            vote=votes, opinion=ops, pos=[k] + list(range(k - 1)),
            emergency=self.emergency, ad_hoc=False,
            vote_called=self.vote_called if vote_called is None else vote_called, portfolio=None,
            deputy=[False] * k, unclear=False, amount=-1, weight=tuple(w))
        return t, Z3Backend()


def class_meeting() -> ClassMeeting:
    return ClassMeeting(z3.Int("n"), tuple([z3.IntVal(1)] + [z3.Int(f"size_{k}_{v}")
                                                              for k, v in CLASSES]),
                        z3.Bool("leader_present"), z3.Bool("leader_recused"),
                        z3.Int("leader_vote"), z3.Int("leader_opinion"), z3.Bool("emergency"),
                        z3.Bool("vote_called"))


def _cls(kind: str, v: int) -> int:
    return 1 + CLASSES.index((kind, v))


def fit_pattern(failing: Sequence[int], upto: int) -> tuple[str, Callable[[Any], Any]] | None:
    """A simple pattern matching ``failing`` within 1..upto: (description, predicate on n).

    >>> fit_pattern([4, 6, 8, 10], 10)[0]
    'n >= 4 and n even'
    >>> fit_pattern([3, 4, 5], 5)[0]
    'n >= 3'
    """
    fs = set(failing)
    if not fs:
        return None
    k = min(fs)
    if fs == set(range(k, upto + 1)):
        return f"n >= {k}", lambda n: n >= k
    for d in (2, 3, 4):
        r = k % d
        if fs == {x for x in range(k, upto + 1) if x % d == r}:
            word = {(2, 0): "even", (2, 1): "odd"}.get((d, r), f"= {r} mod {d}")
            return f"n >= {k} and n {word}", lambda n, d=d, r=r: z3.And(n >= k, n % d == r)
    return None


def _parametric(ctx: Context, bad: Callable[[ClassMeeting, Any], Any], upto: int = 30) -> Verdict:
    cm = class_meeting()
    spec = ctx.spec
    t, b = cm.terms()
    out = evaluate(spec, t, b).outcome
    q = ctx.query(cores=False)
    q.add(*cm.constraints(), bad(cm, out))
    if q.solve().status == "unsat":
        return Verdict("holds", detail="proved for every n >= 1 (regular setting): no meeting of "
                       "any size breaks it", detail_zh="对任意人数均成立(常规情形)")
    failing = [n for n in range(1, upto + 1) if q.solve([cm.n == n]).status == "sat"]
    pat = fit_pattern(failing, upto)
    proved = ""
    if pat is not None:  # the failure is witnessed; an unanswered pattern proof only says so
        a = q.check([z3.Not(pat[1](cm.n))])
        if a.status == "unsat":
            proved = f"; proved for all n: it fails only where {pat[0]}"
        elif a.status == "unknown":
            proved = f"; the pattern could not be proved ({a.reason})"
    text = pat[0] if pat else "n in {" + ", ".join(map(str, failing)) + "}"
    return Verdict("fails", value=min(failing) if failing else None,
                   detail=f"fails (regular setting) at {text} (checked n = 1..{upto}){proved}",
                   detail_zh=f"在{text}时不成立(已检查1..{upto}人)")


def _min_yes_all(cm: ClassMeeting, out: Any) -> Any:
    yes = cm.weights[_cls("speaker", int(Vote.YES))] + z3.If(
        z3.And(cm.present, z3.Not(cm.recused), cm.vote == int(Vote.YES)), 1, 0)
    return z3.And(out == PASSED, 2 * yes <= cm.n)


def _second(ctx: Context, cm: ClassMeeting, **kw: Any) -> Any:
    t, b = cm.terms(**kw)
    return evaluate(ctx.spec, t, b).outcome


def _register(pid: str, title: str, title_zh: str, statement: str, about: tuple[str, ...],
              bad: Callable[[Context], Callable[[ClassMeeting, Any], Any]]) -> None:
    register(Property(pid, title, title_zh, statement, "parametric", about,
                      lambda ctx: _parametric(ctx, bad(ctx)), None, per_size=False))


def _monotonic_bad(ctx: Context) -> Callable[[ClassMeeting, Any], Any]:
    def bad(cm: ClassMeeting, out: Any) -> Any:
        sel = z3.Int("switcher")
        w = list(cm.weights)
        y = _cls("speaker", int(Vote.YES))
        w2 = list(w)
        # a member who stated no, abstention or deferral states yes instead
        conds = [z3.And(sel == 0, cm.present, z3.Not(cm.recused), cm.vote != int(Vote.YES),
                        cm.vote != int(Vote.NONE))]
        for k, v in enumerate((Vote.NO, Vote.ABSTAIN, Vote.DEFER), start=1):
            c = _cls("speaker", int(v))
            w2[c] = z3.If(sel == k, w[c] - 1, w2[c])
            conds.append(z3.And(sel == k, w[c] >= 1))
        w2[y] = z3.If(sel >= 1, w[y] + 1, w[y])
        out2 = _second(ctx, cm, weights=w2, vote=z3.If(sel == 0, int(Vote.YES), cm.vote))
        return z3.And(z3.Or(*conds), out == PASSED, out2 != PASSED)

    return bad


def _absentee_bad(ctx: Context) -> Callable[[ClassMeeting, Any], Any]:
    def bad(cm: ClassMeeting, out: Any) -> Any:
        w2 = list(cm.weights)
        w2[_cls("absent", 0)] = z3.Sum([cm.weights[_cls("absent", o)] for o in range(5)])
        for o in range(1, 5):
            w2[_cls("absent", o)] = z3.IntVal(0)
        return out != _second(ctx, cm, weights=w2, opinion_zero=True)

    return bad


def _chair_bad(ctx: Context) -> Callable[[ClassMeeting, Any], Any]:
    def bad(cm: ClassMeeting, out: Any) -> Any:
        other = _second(ctx, cm, vote_called=False)
        return z3.And(cm.vote_called, out == PASSED, other != PASSED,
                      other != int(Outcome.PROCEDURE_VIOLATION))

    return bad


_register("min_yes_to_pass_all_n", "Passing needs a majority of the body, for every n",
          "任意人数下通过均须全体过半数赞成",
          "parametric (n unbounded, regular setting): every passed item has the yes votes of more "
          "than half of all members", ("passing", "quorum"), lambda ctx: _min_yes_all)
_register("monotonic_all_n", "Monotonic for every n", "任意人数下多一票赞成不会使通过变为不通过",
          "parametric (n unbounded, regular setting): one more yes never undoes a pass",
          ("passing", "deferral"), _monotonic_bad)
_register("absentee_opinions_irrelevant_all_n", "Absent members' notes never decide, for every n",
          "任意人数下书面意见不决定结果",
          "parametric (n unbounded, regular setting): written opinions never change the outcome",
          ("absentee_opinions",), _absentee_bad)
_register("no_chair_veto_all_n", "The chair's discretion is no veto, for every n",
          "任意人数下主持人裁量不构成否决",
          "parametric (n unbounded, regular setting): not calling the vote never undoes a pass",
          ("chair_calls_vote",), _chair_bad)

__all__ += ["get_property"]
