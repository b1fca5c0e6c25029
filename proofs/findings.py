"""Distinct findings: the failing results of a run, merged, each with one meeting that shows it.

A run fails the same property on many (body, matter) pairs and board sizes; most of those
rows say the same thing.  :func:`distinct_findings` merges them into one :class:`Finding`
per (institution, property, rule requirements involved, pattern of failing sizes): the
(body, matter) pairs whose rules read the same on the property's fields (for a comparison
of readings: on the fields of the readings compared) and fail at exactly the same sizes
become one finding.  The grouping reads nothing a solver chose (an unsat core is not
minimal and changes with the solver's history), so the same records and rule files always
make the same findings: :func:`recorded_findings` makes them from a suite file's records
without solving.  The clauses a finding shows are the most specific its first result
names (its unsat core first).  The pattern is stated over the sizes checked
(:func:`size_pattern`), never as a claim about every n; a size-free result keeps its own
scope (an all-n proof says "every board size").  Each finding keeps the witness of its
smallest failing size: the meeting shown, written once and referenced.

This is post-processing of :class:`proofs.runner.SuiteReport` only: nothing is re-proved.

A suite file (``<stem>.expect.toml``, written by ``quorumlab check --write-expectations``)
pins the distinct findings of the run in a ``[findings]`` table, one :class:`Pinned` per
finding (its property, places, failing sizes and pattern), so that a change in the
findings is seen and named (:func:`finding_changes`) without re-running the proofs::

    [findings]
    "no_chair_veto@party_group/ordinary" = { pattern = "every n", fails_at = [3, 4, 5],
        places = ["party_group/ordinary", "party_group/cadre"] }

Examples
--------
>>> size_pattern((3, 6, 9, 12, 15), tuple(range(3, 16)))
('n divisible by 3', 'n 为 3 的倍数')
>>> size_pattern((4, 6, 8), (3, 4, 5, 6, 7, 8))[0], size_pattern((7, 8, 9), (3, 5, 7, 8, 9))[0]
('even n', 'n ≥ 7')
>>> size_pattern((3, 4, 8), tuple(range(3, 10)))[0]
'n = 3, 4, 8'
>>> sizes_text((3, 4, 5, 6)), sizes_text((5, 7))
('3..6', '5, 7')
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from model.errors import QuorumlabError, RuleFileError
from model.loader import load_institution
from model.rules import RULE_FIELDS, Institution, RuleSet
from model.schema import Strict, check
from proofs.counterexample import Witness
from proofs.properties import get_property
from proofs.results import STATUSES, PropertyResult
from proofs.runner import SuiteReport, suite_file

__all__ = ["Clause", "Finding", "size_pattern", "sizes_text", "distinct_findings",
           "status_counts", "witness_id", "by_institution", "Pinned",
           "finding_lines", "pinned_findings", "recorded_findings", "finding_changes"]

_ORDER = ("holds", "fails", "vacuous", "unknown", "n/a")
_PATTERNS: tuple[tuple[str, str, Callable[[int], bool]], ...] = (
    ("even n", "n 为偶数", lambda n: n % 2 == 0),
    ("odd n", "n 为奇数", lambda n: n % 2 == 1),
    ("n divisible by 3", "n 为 3 的倍数", lambda n: n % 3 == 0),
)


def sizes_text(ns: Sequence[int]) -> str:
    """Board sizes as a range ``a..b`` when consecutive (three or more), else a list."""
    ns = sorted(ns)
    if len(ns) > 2 and ns == list(range(ns[0], ns[-1] + 1)):
        return f"{ns[0]}..{ns[-1]}"
    return ", ".join(map(str, ns))


def size_pattern(failing: Sequence[int], checked: Sequence[int]) -> tuple[str, str]:
    """The simplest description (English, Chinese) of the sizes that fail among those checked.

    In order: "every n", "even n", "odd n", "n divisible by 3", "n ≥ k", "n ≤ k", else the
    explicit list.  The description is exact over ``checked`` and says nothing beyond it.

    >>> size_pattern((5,), (5,)), size_pattern((3, 4), (3, 4, 5))
    (('n = 5', 'n = 5'), ('n ≤ 4', 'n ≤ 4'))
    >>> size_pattern((), (3, 4))
    Traceback (most recent call last):
    ...
    ValueError: no failing size among (3, 4)
    """
    fail, sizes = set(failing), sorted(set(checked))
    if not fail or not fail <= set(sizes):
        raise ValueError(f"no failing size among {tuple(checked)}")
    if len(sizes) > 1 and fail == set(sizes):
        return "every n", "所有 n"
    if len(fail) > 1 or len(sizes) > 2:
        for en, zh, test in _PATTERNS:
            if fail == {n for n in sizes if test(n)}:
                return en, zh
        lo, hi = min(fail), max(fail)
        if fail == {n for n in sizes if n >= lo} and lo != sizes[0]:
            return f"n ≥ {lo}", f"n ≥ {lo}"
        if fail == {n for n in sizes if n <= hi} and hi != sizes[-1]:
            return f"n ≤ {hi}", f"n ≤ {hi}"
    listed = ", ".join(map(str, sorted(fail)))
    return f"n = {listed}", f"n = {listed}"


@dataclass(frozen=True)
class Clause:
    """A clause a finding involves: the rule field, its citation, and the seed's words
    (from the clause ledger, ``""`` when no ledger row quotes it unambiguously)."""

    field: str
    cite: str
    quote: str = ""


@dataclass(frozen=True)
class Finding:
    """One distinct finding: a property that fails on the same rules at the same sizes.

    ``places`` are the (body, matter) pairs it applies to; ``result`` is the failing result
    at the smallest size of the first place, whose witness (``witness``) is the meeting shown.
    ``failing`` and ``checked`` are empty for a size-free result (``scope`` says its scope).
    """

    id: str
    institution: str
    property_id: str
    failing: tuple[int, ...]
    checked: tuple[int, ...]
    pattern: str
    pattern_zh: str
    clauses: tuple[Clause, ...]
    places: tuple[tuple[str, str], ...]
    result: PropertyResult

    @property
    def witness(self) -> Witness | None:
        """The meeting shown: the counterexample of the smallest failing size (``None`` for
        an all-n proof, which has no meeting: its per-size finding shows one)."""
        return self.result.witnesses[-1] if self.result.witnesses else None

    @property
    def witness_id(self) -> str | None:
        """The id of :attr:`witness` (its counterexample file, without ``.json``)."""
        return witness_id(self.result, len(self.result.witnesses) - 1) if self.witness else None

    @property
    def scope(self) -> str:
        """Where it fails, exactly: the pattern and the sizes it was checked over."""
        if not self.checked:
            return self.result.scope
        return f"{self.pattern}, over the sizes checked ({sizes_text(self.checked)})"

    @property
    def scope_zh(self) -> str:
        if not self.checked:
            return self.result.scope
        return f"{self.pattern_zh} (检查的规模: {sizes_text(self.checked)})"


def witness_id(r: PropertyResult, k: int) -> str:
    """The stable name of witness ``k`` of ``r`` (its counterexample file, without .json)."""
    return f"{Path(r.institution).stem}__{r.property_id}__{r.body}__{r.matter}__n{r.n or 0}_{k}"


def status_counts(rep: SuiteReport, institution: str | None = None) -> dict[str, int]:
    """Checks per status (every status, zero included) and ``total``, which they add up to.

    >>> status_counts(SuiteReport((), (), 0.0))
    {'holds': 0, 'fails': 0, 'vacuous': 0, 'unknown': 0, 'n/a': 0, 'total': 0}
    """
    c = Counter(s.status for s in rep.summaries
                if institution is None or s.institution == institution)
    out = {st: c.get(st, 0) for st in sorted(STATUSES, key=_ORDER.index)}
    return out | {"total": sum(out.values())}


@cache
def _ruleset(institution: str, body: str, matter: str) -> RuleSet | None:
    try:
        return load_institution(institution).ruleset(body, matter)
    except QuorumlabError:
        return None


@cache
def _quotes(institution: str) -> tuple[tuple[str, tuple[str, ...], str], ...]:
    from model.coverage import load_ledger

    try:
        return tuple((e.cite, e.fields, e.text) for e in load_ledger(institution).entries)
    except (QuorumlabError, OSError):
        return ()


def _quote(institution: str, field: str, cite: str) -> str:
    """The ledger's words for ``cite``: the row that names ``field``, else the only row."""
    rows = [(fields, text) for c, fields, text in _quotes(institution) if c == cite]
    named = [text for fields, text in rows if field in fields]
    if len(named) == 1 or (named and len(set(named)) == 1):
        return named[0]
    return rows[0][1] if len(rows) == 1 else ""


def _candidates(r: PropertyResult) -> Iterator[list[str]]:
    """The rule fields (or open points) a result may involve, most specific first: its unsat
    core, the open points whose readings its witnesses differ on (a comparison of readings),
    the property's fields, the routes (a money limit), the fields its meeting's decision
    cites."""
    yield [c.split(":", 1)[0] for c in r.citations]
    readings = [dict(w.reading) for w in r.witnesses]
    yield [k for k in (readings[0] if readings else {})
           if len({str(x.get(k)) for x in readings}) > 1]
    prop = get_property(r.property_id)
    yield [f for f in prop.about if f in RULE_FIELDS]
    if prop.kind == "matter":
        yield ["routes"]
    if r.witnesses:
        from model.evaluator import decide

        w = r.witnesses[-1]
        reasons = decide(w.meeting, choice=dict(w.reading) or None).reasons
        yield list(dict.fromkeys(x.rule for x in reasons if x.cite and x.rule in RULE_FIELDS))


def _cites(rs: RuleSet, name: str, r: PropertyResult) -> list[str]:
    """The clauses behind a rule field, or behind the readings of an open point that the
    witnesses of ``r`` take."""
    point = next((p for p in rs.points if p.field == name and name not in RULE_FIELDS), None)
    if point is None:
        return rs.citation(name, r.reading or None).split("; ")
    taken = {str(w.reading.get(name)) for w in r.witnesses}
    return [x.cite for x in point.readings if x.name in taken]


def _meaning(rs: RuleSet, reading: dict[str, str], fields: Iterable[str]) -> str:
    """What the rules ``rs`` say on ``fields`` under ``reading`` (an open point's field: the
    reading taken), as one string: findings merge only rule sets that read the same."""
    spec = rs.spec(reading or None)
    return ";".join(f"{f}={getattr(spec, f, reading.get(f))!r}" for f in fields)


def _involved(r: PropertyResult) -> tuple[Clause, ...]:
    """The clauses a result involves (the first candidate list of :func:`_candidates` that
    names one): what its finding shows, not what findings are merged on."""
    rs = _ruleset(r.institution, r.body, r.matter)
    if rs is None:
        return ()
    for fields in _candidates(r):
        out = [Clause(f, c, _quote(r.institution, f, c))
               for f in fields for c in dict.fromkeys(_cites(rs, f, r)) if c]
        if out:
            return tuple(dict.fromkeys(out))
    return ()


def _compared(facets: Iterable[str]) -> dict[str, set[str]]:
    """The open points a comparison of readings found apart, with the readings compared
    (from facet names ``"field: r1 vs r2"``; other facets, such as the readings under
    which an example board fails, compare nothing).

    >>> {k: sorted(v) for k, v in _compared(["quorum: a vs b", "kin/recused_leave"]).items()}
    {'quorum': ['a', 'b']}
    """
    out: dict[str, set[str]] = {}
    for name in facets:
        field, sep, pair = name.partition(": ")
        if sep and " vs " in pair:
            out.setdefault(field, set()).update(pair.split(" vs "))
    return out


def _grouping(institution: str, body: str, matter: str, pid: str, reading: dict[str, str],
              facets: Iterable[str]) -> tuple[object, ...]:
    """What findings are merged on, from the rules alone: the clauses of the fields a
    failing place involves (the open points whose readings it found apart, else the
    property's fields, else the routes) and what the rules say there."""
    rs = _ruleset(institution, body, matter)
    if rs is None:
        return ()
    compared = _compared(facets)
    prop = get_property(pid)
    for fields in (list(compared), [f for f in prop.about if f in RULE_FIELDS],
                   ["routes"] if prop.kind == "matter" else []):
        cites = []
        for f in fields:
            point = next((p for p in rs.points if p.field == f and f not in RULE_FIELDS), None)
            cites += ([(f, x.cite) for x in point.readings if x.name in compared.get(f, ())]
                      if point is not None else
                      [(f, c) for c in rs.citation(f, reading or None).split("; ") if c])
        if cites:
            return tuple(dict.fromkeys(cites)), _meaning(rs, reading, fields)
    return ()


def distinct_findings(rep: SuiteReport) -> tuple[Finding, ...]:
    """One :class:`Finding` per (institution, property, clauses, failing sizes), in report order.

    >>> distinct_findings(SuiteReport((), (), 0.0))
    ()
    """
    per_place: dict[tuple[str, str, str, str], list[PropertyResult]] = {}
    for r in rep.results:
        per_place.setdefault((r.institution, r.body, r.matter, r.property_id), []).append(r)
    groups: dict[tuple[object, ...], list[tuple[PropertyResult, tuple[int, ...],
                                                 tuple[int, ...], tuple[Clause, ...]]]] = {}
    for (inst, _, _, pid), rs in per_place.items():
        fails = [r for r in rs if r.status == "fails"]
        if not fails:
            continue
        first = min(fails, key=lambda r: (not r.witnesses, r.n or 0))
        failing = tuple(sorted(r.n for r in fails if r.n is not None))
        checked = tuple(sorted(r.n for r in rs if r.n is not None))
        clauses = _involved(first)  # the first that has a meeting, if any
        key = (inst, pid, _grouping(inst, first.body, first.matter, pid, first.reading,
                                    _facets_at(fails, min(failing, default=None))),
               failing, checked)
        groups.setdefault(key, []).append((first, failing, checked, clauses))
    out = []
    for k, members in enumerate(groups.values(), 1):
        first, failing, checked, clauses = members[0]
        en, zh = size_pattern(failing, checked) if failing else (first.scope, first.scope)
        out.append(Finding(f"F{k}", first.institution, first.property_id, failing, checked,
                           en, zh, clauses, tuple((r.body, r.matter) for r, *_ in members),
                           first))
    return tuple(out)


def _facets_at(fails: Sequence[PropertyResult], n: int | None) -> tuple[str, ...]:
    """The facets (pairs of readings found apart) at the first failing size ``n``."""
    return tuple(f for r in fails if r.n == n for f in r.facets)


def by_institution(findings: Iterable[Finding], institution: str) -> list[Finding]:
    """The findings of one institution."""
    return [f for f in findings if f.institution == institution]



@dataclass(frozen=True)
class Pinned:
    """A distinct finding as a suite file pins it: its property, places (``body/matter``),
    failing sizes (empty for a size-free result) and pattern.

    >>> p = Pinned("no_chair_veto", ("party_group/ordinary",), (3, 4), "every n")
    >>> p.key, p.text()
    ('no_chair_veto@party_group/ordinary', 'no_chair_veto, every n (3, 4), at party_group/ordinary')
    """

    property_id: str
    places: tuple[str, ...]
    failing: tuple[int, ...]
    pattern: str

    @property
    def key(self) -> str:
        """The key of its line in the ``[findings]`` table: property @ first place."""
        return f"{self.property_id}@{self.places[0]}"

    @classmethod
    def of(cls, f: Finding) -> Pinned:
        return cls(f.property_id, tuple(f"{b}/{m}" for b, m in f.places), f.failing, f.pattern)

    def toml(self) -> str:
        """The record as an inline TOML table."""
        def q(x: object) -> str:  # a JSON string or list of strings is a TOML one
            return json.dumps(x, ensure_ascii=False)

        return (f"{{ pattern = {q(self.pattern)}, fails_at = {list(self.failing)}, "
                f"places = {q(list(self.places))} }}")

    def text(self) -> str:
        """One line naming it (for messages)."""
        sizes = f" ({sizes_text(self.failing)})" if self.failing else ""
        return f"{self.property_id}, {self.pattern}{sizes}, at {', '.join(self.places)}"


class _PinnedRecord(Strict):
    """One line of a suite file's ``[findings]`` table."""

    pattern: str
    fails_at: list[int]
    places: list[str]


def finding_lines(findings: Iterable[Pinned]) -> list[str]:
    """The ``[findings]`` table of a suite file pinning ``findings``.

    >>> finding_lines([Pinned("monotonic", ("b/m",), (3,), "n = 3")])
    ['[findings]', '"monotonic@b/m" = { pattern = "n = 3", fails_at = [3], places = ["b/m"] }']
    """
    return ["[findings]"] + [f"{json.dumps(p.key, ensure_ascii=False)} = {p.toml()}"
                             for p in findings]


def recorded_findings(inst: Institution, sizes: Sequence[int] | None = None
                      ) -> tuple[Pinned, ...]:
    """The distinct findings the records of ``inst``'s suite file make (read on ``sizes``
    only, if given), without solving: the same grouping as :func:`distinct_findings`, so
    a run that keeps every record makes exactly these."""
    from proofs.context import institution_ref
    from proofs.properties import all_properties
    from proofs.runner import expectations

    exp, ref = expectations(inst), institution_ref(inst)
    groups: dict[tuple[object, ...], list[str]] = {}
    for b, m in inst.pairs():
        reading = next(iter(inst.ruleset(b, m).choices()))
        for prop in all_properties():
            e = exp.get(f"{prop.id}@{b}/{m}")
            if e is None or e.status != "fails" or e.sizes is None:
                continue
            keep = set(e.sizes if sizes is None or not e.sizes else sizes)
            failing = tuple(n for n in e.fails_at if n in keep)
            checked = tuple(n for n in e.sizes if n in keep)
            if checked and not failing:
                continue
            first = min(failing, default=None)
            facets = [name for name, ns in e.facets or () if first in ns]
            key = (prop.id, _grouping(ref, b, m, prop.id, reading, facets), failing, checked)
            groups.setdefault(key, []).append(f"{b}/{m}")
    out = []
    for (pid, _, failing, checked), places in groups.items():
        pattern = size_pattern(failing, checked)[0] if failing else "every board size"
        out.append(Pinned(pid, tuple(places), failing, pattern))
    return tuple(out)


def pinned_findings(inst: Institution) -> tuple[Pinned, ...] | None:
    """The findings the suite file of ``inst`` pins (``None``: it pins none)."""
    path, data = suite_file(inst)
    if "findings" not in data:
        return None
    out = []
    for key, v in data["findings"].items():
        r = check(_PinnedRecord, v, RuleFileError, file=str(path))
        if not r.places or key != f"{key.split('@', 1)[0]}@{r.places[0]}":
            raise RuleFileError(f"findings.{key}", "the key is not property@first place",
                                fix=f'write "{key.split("@", 1)[0]}@<first of places>", or '
                                "re-record with quorumlab check --write-expectations",
                                file=str(path))
        out.append(Pinned(key.split("@", 1)[0], tuple(r.places), tuple(r.fails_at), r.pattern))
    return tuple(out)


def finding_changes(now: Iterable[Pinned], before: Iterable[Pinned]) -> list[str]:
    """The findings that appeared (``+``) and disappeared (``-``) from ``before`` to ``now``,
    one line each (a finding whose places or sizes changed is both).

    >>> from dataclasses import replace
    >>> a = Pinned("monotonic", ("b/m",), (3,), "n = 3")
    >>> finding_changes([a], [replace(a, failing=(3, 4), pattern="every n")])
    ['- monotonic, every n (3, 4), at b/m', '+ monotonic, n = 3 (3), at b/m']
    """
    now, before = list(now), list(before)
    return ([f"- {p.text()}" for p in before if p not in now]
            + [f"+ {p.text()}" for p in now if p not in before])
