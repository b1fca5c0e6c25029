"""Requirements that all bind: which one decides, which is redundant, and at which board sizes.

A cumulative field (``quorum``, ``passing``; see :data:`model.rules.CUMULATIVE`) holds
several cited :class:`~model.rules.Requirement` s and a meeting must meet every one.  This
module compares them by their thresholds alone (pure arithmetic, no solver):

* :func:`differ_pattern` says, for two :class:`~model.thresholds.Share` s on the same base
  of size ``n``, at exactly which ``n >= 1`` they need different counts, naming the
  pattern when it is periodic ("exactly when 3 divides n");
* :func:`field_report` says, for one board size, which requirements of a field are
  *decisive* (some tally meets every other requirement but not this one) and which are
  *redundant* (implied by the others), and which pairs differ, enumerating every tally of
  the members present (present ``1..n``, eligible ``<= present``, yes and no among the
  eligible, at least one yes for passing; written opinions of absent members are not
  counted here).

Examples
--------
>>> from model.thresholds import Share
>>> at_least, more_than = Share(2, 3, False), Share(2, 3, True)
>>> differ_pattern(at_least, more_than).text
'exactly when 3 divides n'
>>> [n for n in range(1, 10) if differ_pattern(at_least, more_than).differs(n)]
[3, 6, 9]
>>> differ_pattern(Share(1, 2, False), Share(2, 3, False)).text
'for every n except 1, 3'
>>> from model.rules import Requirement
>>> r = field_report("quorum", (Requirement(Share(1, 2, False), "A"),
...                             Requirement(more_than, "B")), 9)
>>> [x.cite for x in r.decisive], [x.cite for x in r.redundant], r.agree
(['B'], ['A'], False)
>>> print(r.describe())
quorum at n=9: decisive more than 2/3 (B); redundant at least 1/2 (A); at least 1/2 (A) and more than 2/3 (B) differ for every n >= 2
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from model.rules import Base, Passing, Requirement
from model.thresholds import Share

__all__ = ["Pattern", "differ_pattern", "FieldReport", "field_report"]


@dataclass(frozen=True)
class Pattern:
    """Where two shares of the same base ``n`` need different counts, for every ``n >= 1``.

    ``kind``: ``"never"``; ``"divides"`` (exactly when ``modulus`` divides ``n``);
    ``"except"`` (every ``n`` but the finitely many in ``agree_at``).
    """

    kind: str
    modulus: int = 1
    agree_at: tuple[int, ...] = ()

    def differs(self, n: int) -> bool:
        if self.kind == "never":
            return False
        if self.kind == "divides":
            return n % self.modulus == 0
        return n not in self.agree_at

    @property
    def text(self) -> str:
        if self.kind == "never":
            return "never"
        if self.kind == "divides":
            return "for every n" if self.modulus == 1 else \
                f"exactly when {self.modulus} divides n"
        if not self.agree_at:
            return "for every n"
        k = len(self.agree_at) + 1
        if self.agree_at == tuple(range(1, k)):
            return f"for every n >= {k}"
        return "for every n except " + ", ".join(map(str, self.agree_at))


def differ_pattern(a: Share, b: Share) -> Pattern:
    """At which board sizes ``a`` and ``b`` (shares of the same base ``n``) need different
    counts (:meth:`~model.thresholds.Share.min_count`), exactly, for every ``n >= 1``.

    Equal fractions differ only in strictness, and then exactly when the reduced denominator
    divides ``n`` (``n * fraction`` is a whole number).  Different fractions ``f > g``
    differ for every ``n > 1 / (f - g)`` (the counts are at least ``f n`` and at most
    ``g n + 1``); below that bound the agreeing sizes are found by arithmetic.

    >>> differ_pattern(Share(1, 2, True), Share(1, 2, True)).text
    'never'
    >>> differ_pattern(Share(1, 2, True), Share(1, 2, False)).text
    'exactly when 2 divides n'
    >>> differ_pattern(Share(0, 1, False), Share(0, 1, True)).text
    'for every n'
    >>> differ_pattern(Share(1, 2, True), Share(2, 3, False)).text
    'for every n except 1, 2, 3, 4, 6'
    """
    fa, fb = a.fraction, b.fraction
    if fa == fb:
        return Pattern("never") if a.strict == b.strict else Pattern("divides", fa.denominator)
    bound = int(1 / abs(fa - fb)) + 1
    agree = tuple(n for n in range(1, bound + 1) if a.min_count(n) == b.min_count(n))
    return Pattern("except", agree_at=agree)


@dataclass(frozen=True)
class FieldReport:
    """The requirements of one cumulative field compared at one board size ``n``.

    ``differences`` are lines "A and B differ <where>" for every pair of distinct
    requirements that some tally at ``n`` tells apart.
    """

    field: str
    n: int
    decisive: tuple[Requirement, ...]
    redundant: tuple[Requirement, ...]
    differences: tuple[str, ...]

    @property
    def agree(self) -> bool:
        return not self.differences

    def describe(self) -> str:
        parts = [f"{self.field} at n={self.n}: decisive "
                 + (", ".join(r.describe() for r in self.decisive) or "none")]
        if self.redundant:
            parts.append("redundant " + ", ".join(r.describe() for r in self.redundant))
        return "; ".join(parts + list(self.differences))


def _tallies(field: str, n: int) -> Iterator[tuple[int, dict[Base, int], int]]:
    """(count, bases without ``due``, recused) of every tally of a board of ``n``."""
    for p in range(1, n + 1):
        if field == "quorum":
            yield p, {}, 0
            continue
        for e in range(p + 1):
            for yes in range(1, e + 1):
                for no in range(e - yes + 1):
                    yield yes, {Base.PRESENT: p, Base.ELIGIBLE: e, Base.DECISIVE: yes + no}, p - e


def _holds(rule: Share | Passing, count: int, bases: dict[Base, int], n: int, due: int) -> bool:
    if isinstance(rule, Share):
        return bool(rule.holds(count, n))
    base = due if rule.base == Base.DUE else bases[rule.base]
    return bool(rule.share.holds(count, base))


def field_report(field: str, reqs: Sequence[Requirement], n: int,
                 recused_in_base: bool = True) -> FieldReport:
    """Which of ``reqs`` (all of ``field``) decide at board size ``n``, and which pairs differ.

    A requirement is decisive when some tally meets every requirement that needs something
    else at ``n`` but not this one; requirements that need the same at ``n`` (the same
    threshold cited twice, or ``at least 2/3`` and ``more than 2/3`` when 3 does not divide
    ``n``) stand or fall together.

    >>> from model.thresholds import Share
    >>> due = Passing(Share(1, 2, True), Base.DUE)
    >>> elig = Passing(Share(2, 3, False), Base.ELIGIBLE)
    >>> r = field_report("passing", (Requirement(due, "A"), Requirement(elig, "B")), 5)
    >>> [x.cite for x in r.decisive], r.differences
    (['A', 'B'], ('yes votes more than 1/2 of due (A) and yes votes at least 2/3 of eligible (B) differ (on different bases)',))
    """
    rules = list(dict.fromkeys(r.rule for r in reqs))
    table = []
    for count, bases, recused in _tallies(field, n):
        due = n if recused_in_base else n - recused
        table.append(tuple(_holds(rule, count, bases, n, due) for rule in rules))
    cols = [tuple(row[k] for row in table) for k in range(len(rules))]
    # rules that need the same at n (e.g. at least 2/3 and more than 2/3 when 3 does not
    # divide n) stand or fall together
    decisive_rules = {rule for k, rule in enumerate(rules)
                      if any(not row[k] and all(row[j] for j in range(len(rules))
                                                if cols[j] != cols[k]) for row in table)}
    lines = []
    for (i, a), (j, b) in itertools.combinations(enumerate(rules), 2):
        if cols[i] == cols[j]:
            continue
        ra = next(r for r in reqs if r.rule == a)
        rb = next(r for r in reqs if r.rule == b)
        lines.append(f"{ra.describe()} and {rb.describe()} differ "
                     f"{_where(a, b, n, recused_in_base)}")
    return FieldReport(field, n, tuple(r for r in reqs if r.rule in decisive_rules),
                       tuple(r for r in reqs if r.rule not in decisive_rules), tuple(lines))


def _where(a: Share | Passing, b: Share | Passing, n: int, recused_in_base: bool) -> str:
    """The sizes at which two rules of a field that differ at ``n`` differ."""
    if isinstance(a, Passing) and isinstance(b, Passing):
        if a.base != b.base:
            return "(on different bases)"
        if a.base != Base.DUE or not recused_in_base:
            # the base ranges over 0..n: a board of n has every tally of a smaller board, so
            # once they differ they differ at every larger n
            first = next(m for m in range(1, n + 1) if _share_differs(a.share, b.share, m))
            return f"for every n >= {first}"
        a, b = a.share, b.share
    if isinstance(a, Share) and isinstance(b, Share):
        return differ_pattern(a, b).text
    raise TypeError(f"{a!r} and {b!r} are not requirements of one field")


def _share_differs(a: Share, b: Share, base: int) -> bool:
    """Some yes count ``1..base`` meets exactly one of ``a``, ``b`` of ``base``."""
    return any(a.holds(y, base) != b.holds(y, base) for y in range(1, base + 1))

