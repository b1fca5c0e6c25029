"""Run the catalogue over institutions, bodies, matters and board sizes; judge expectations.

:func:`check_pair` runs properties on one (body, matter); :func:`run_suite` runs many
institutions (in parallel worker processes when ``jobs > 1``) and compares each
aggregated result with the expectations recorded for the rule file: its
``[known_findings]`` table, overridden by an optional suite file ``<stem>.expect.toml``
next to it with an ``[expect]`` table of the same form::

    [expect]
    no_chair_veto = "fails"                          # every (body, matter): verdict only
    "min_yes_to_pass@party_group/cadre" = { status = "holds", sizes = [5, 7],
        values = [[5, 3], [7, 4]] }                  # one (body, matter): a full record

A record (written by ``quorumlab check --write-expectations``) holds the verdict, the
board sizes checked, the sizes at which the property fails (``fails_at``) or holds only
vacuously (``vacuous_at``), and its value per size (``values``: the fewest yes votes to
pass, the size of the smallest blocking coalition...; ``value`` for a size-free one).

A result equal to its expectation is reported (a known finding if it fails) and is not
an error; a result that differs in its verdict, its pattern of sizes or its value at a
size both runs checked is a **regression** (exit status 1), named with before and after
and the result (with its meetings) at the first size that changed; ``unknown`` where
something is expected is **inconclusive** (exit status 1 too: never read as a pass).

Rule sets that read the same (:func:`_share_key`: the same thresholds and rules under every
reading, whatever their citations, names and money limits) are checked once and their
witnesses relabelled and re-confirmed for each (body, matter).

Examples
--------
>>> from model.loader import load_institution
>>> from proofs.options import CheckOptions
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> rs = check_pair(inst, "party_group", "ordinary", CheckOptions(sizes=(5,)),
...                 ["quorum_reachable", "no_chair_veto"])
>>> [(r.property_id, r.status) for r in rs]
[('quorum_reachable', 'holds'), ('no_chair_veto', 'fails')]
>>> classify("fails", "fails"), classify("holds", "fails"), classify("fails", None)
('known finding', 'regression', 'new finding')
>>> before = Expectation("holds", sizes=(5, 7), values=((5, 3), (7, 4)))
>>> now = Expectation("holds", sizes=(5, 7), values=((5, 3), (7, 5)))
>>> changes(now, before)
('value at n=7: 4 -> 5',)
>>> changes(now, Expectation("holds"))  # a verdict-only expectation compares the verdict
()
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from model.errors import RuleFileError
from model.loader import load_institution
from model.rules import Institution, Requirement, RuleSet
from model.schema import Strict, check
from proofs.boards import BOARD_PROPERTIES
from proofs.cache import ResultCache
from proofs.context import Context, institution_ref
from proofs.counterexample import Witness, confirm
from proofs.options import CheckOptions
from proofs.properties import Property, all_properties, get_property
from proofs.results import PropertyResult, Verdict, aggregate

__all__ = ["distinct_pairs", "check_pair", "run_suite", "Summary", "SuiteReport", "Expectation",
           "suite_file", "expectations", "classify", "changes", "judge", "facet_witnesses", "expectation_lines", "expectation_diff"]


@dataclass(frozen=True)
class Expectation:
    """What a run found for one property on one (body, matter), as a suite file records it.

    ``sizes`` is ``None`` for a verdict-only expectation (``[known_findings]``, or a plain
    string in a suite file): then only the verdict is compared."""

    status: str
    sizes: tuple[int, ...] | None = None
    fails_at: tuple[int, ...] = ()
    vacuous_at: tuple[int, ...] = ()
    values: tuple[tuple[int, int], ...] = ()
    value: int | None = None
    facets: tuple[tuple[str, tuple[int, ...]], ...] | None = None
    """Each failing part (a pair of readings that differ) and the sizes where it fails;
    ``None``: not recorded, not compared."""

    def toml(self) -> str:
        """The record as a TOML value (an inline table; a string without sizes)."""
        if self.sizes is None:
            return f'"{self.status}"'
        parts = [f'status = "{self.status}"', f"sizes = {list(self.sizes)}"]
        parts += [f"{k} = {list(getattr(self, k))}" for k in ("fails_at", "vacuous_at")
                  if getattr(self, k)]
        if self.values:
            parts.append(f"values = {[list(nv) for nv in self.values]}")
        if self.value is not None:
            parts.append(f"value = {self.value}")
        if self.facets:
            parts.append("facets = [" + ", ".join(
                f'{{ name = "{name}", fails_at = {list(ns)} }}' for name, ns in self.facets) + "]")
        return "{ " + ", ".join(parts) + " }"


class _Facet(Strict):
    name: str
    fails_at: list[int]


class _Record(Strict):
    """The inline table of one expectation in a suite file."""

    status: Literal["holds", "fails", "vacuous", "n/a"]
    sizes: list[int]
    fails_at: list[int] = []
    vacuous_at: list[int] = []
    values: list[Annotated[list[int], Field(min_length=2, max_length=2)]] = []
    """[board size, value] pairs."""
    value: int | None = None
    facets: list[_Facet] = []


def _sizes(ns: Iterable[int]) -> str:
    return ",".join(map(str, ns)) or "none"


def _status_on(e: Expectation, sizes: list[int]) -> str:
    """The verdict ``e`` records, read on ``sizes`` only: a run over fewer sizes than were
    recorded compares with what the record says of those sizes.

    >>> e = Expectation("holds", sizes=(3, 4, 5), vacuous_at=(3,))
    >>> _status_on(e, [3]), _status_on(e, [3, 4]), _status_on(e, [])
    ('vacuous', 'holds', 'holds')
    """
    if e.status not in ("holds", "vacuous", "fails") or not sizes:
        return e.status
    if any(n in e.fails_at for n in sizes):
        return "fails"
    return "vacuous" if all(n in e.vacuous_at for n in sizes) else "holds"


def _changes(now: Expectation, before: Expectation, unknown_at: Iterable[int] = ()
             ) -> list[tuple[int | None, str]]:
    """(board size or None, what changed) for each difference of ``now`` from ``before``."""
    out: list[tuple[int | None, str]] = []
    common = [] if before.sizes is None or now.sizes is None else \
        sorted(set(before.sizes) & set(now.sizes) - set(unknown_at))
    was, is_ = _status_on(before, common), _status_on(now, common)
    if is_ != was:
        out.append((None, f"verdict: {was} -> {is_}"))
    if before.sizes is None or now.sizes is None:
        return out
    for name in ("fails_at", "vacuous_at"):
        b = [n for n in getattr(before, name) if n in common]
        a = [n for n in getattr(now, name) if n in common]
        if a != b:
            first = min(set(a) ^ set(b))
            out.append((first, f"{name.replace('_', ' ')} n=: {_sizes(b)} -> {_sizes(a)}"))
    bv, av = dict(before.values), dict(now.values)
    for n in common:
        if bv.get(n) != av.get(n):
            out.append((n, f"value at n={n}: {bv.get(n, '-')} -> {av.get(n, '-')}"))
    if before.value != now.value:
        out.append((None, f"value: {before.value} -> {now.value}"))
    if before.facets is not None and now.facets is not None:
        bf, af = dict(before.facets), dict(now.facets)
        for name in sorted(set(bf) | set(af)):
            b = [n for n in bf.get(name, ()) if n in common]
            a = [n for n in af.get(name, ()) if n in common]
            if a != b:
                out.append((min(set(a) ^ set(b)), f"{name} fails at n=: {_sizes(b)} -> {_sizes(a)}"))
    return out


def changes(now: Expectation, before: Expectation, unknown_at: Iterable[int] = ()
            ) -> tuple[str, ...]:
    """What differs between two records: the verdict; on the sizes both checked (and not
    ``unknown_at``), the sizes at which it fails or is vacuous and the value per size."""
    return tuple(text for _, text in _changes(now, before, unknown_at))


@dataclass(frozen=True)
class Summary:
    """One property on one (institution, body, matter), aggregated over board sizes."""

    institution: str
    property_id: str
    body: str
    matter: str
    status: str
    expected: str | None
    verdict: str
    failing_sizes: tuple[int, ...]
    unknown_sizes: tuple[int, ...]
    sizes: tuple[int, ...] = ()
    vacuous_sizes: tuple[int, ...] = ()
    values: tuple[tuple[int, int], ...] = ()
    value: int | None = None
    changes: tuple[str, ...] = ()
    """Each difference from a full expectation record (before -> after)."""
    evidence: int | None = None
    """The board size whose result shows the first change (0: the size-free result)."""
    facets: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """Each failing part and the exact sizes (of those checked) where it fails."""

    @property
    def key(self) -> str:
        return f"{self.property_id}@{self.body}/{self.matter}"

    @property
    def record(self) -> Expectation:
        """This summary as an expectation record."""
        return Expectation(self.status, self.sizes, self.failing_sizes, self.vacuous_sizes,
                           self.values, self.value, self.facets)


@dataclass(frozen=True)
class SuiteReport:
    """Every result of a run, the summaries, and the exit status they imply."""

    results: tuple[PropertyResult, ...]
    summaries: tuple[Summary, ...]
    seconds: float
    strict: bool = False
    cached: tuple[int, int] | None = None
    """(tasks whose results came from the cache, tasks), if a cache was used
    (:mod:`proofs.cache`)."""

    @property
    def regressions(self) -> list[Summary]:
        return [s for s in self.summaries if s.verdict in ("regression", "inconclusive")]

    @property
    def findings(self) -> list[Summary]:
        return [s for s in self.summaries if s.status == "fails"]

    @property
    def exit_code(self) -> int:
        if self.regressions:
            return 1
        if self.strict and any(s.verdict == "new finding" for s in self.summaries):
            return 1
        return 0


def classify(status: str, expected: str | None) -> str:
    """``ok``, ``known finding``, ``new finding``, ``regression`` or ``inconclusive``."""
    if expected is None:
        return {"fails": "new finding", "unknown": "unknown"}.get(status, "ok")
    if status == expected:
        return "known finding" if status == "fails" else "ok"
    if status == "unknown":
        return "inconclusive"
    return "regression"


def suite_file(inst: Institution) -> tuple[Path | None, dict[str, Any]]:
    """The suite file beside the rule file (``<stem>.expect.toml``) and its tables, or
    ``(None, {})`` when there is none."""
    suite = Path(inst.path).with_suffix(".expect.toml") if inst.path else None
    if suite is None or not suite.exists():
        return None, {}
    try:
        return suite, tomllib.loads(suite.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise RuleFileError(None, f"not valid TOML: {err}", fix="correct the syntax",
                            file=str(suite)) from None


def expectations(inst: Institution) -> dict[str, Expectation]:
    """The rule file's ``[known_findings]``, overridden by ``<stem>.expect.toml`` if present."""
    out = {k: Expectation(str(v)) for k, v in inst.known_findings.items()}
    where: dict[str, str] = {k: "known_findings" for k in out}
    suite, data = suite_file(inst)
    if suite is not None:
        for k, v in data.get("expect", {}).items():
            where[k] = "expect"
            if isinstance(v, dict):
                r = check(_Record, v, RuleFileError, file=str(suite))
                out[k] = Expectation(r.status, tuple(r.sizes), tuple(r.fails_at),
                                     tuple(r.vacuous_at), tuple((n, v) for n, v in r.values),
                                     r.value, tuple((f.name, tuple(f.fails_at)) for f in r.facets))
            else:
                out[k] = Expectation(str(v))
    for k, e in out.items():
        if e.status not in ("holds", "fails", "vacuous", "n/a"):
            raise RuleFileError(f"{where[k]}.{k}", f"expectation {e.status!r} is not allowed",
                                fix='write "fails" or "holds"',
                                file=str(suite) if where[k] == "expect" else inst.path or None)
        pid = k.split("@", 1)[0]
        get_property(pid)
    return out


def _expected(exp: Mapping[str, Expectation], pid: str, body: str, matter: str
              ) -> Expectation | None:
    return exp.get(f"{pid}@{body}/{matter}", exp.get(pid))


def judge(rs: Sequence[PropertyResult], sizes: Sequence[int], exp: Expectation | None
          ) -> tuple[str, Expectation, tuple[str, ...], int | None]:
    """The verdict of the results ``rs`` of one key (checked at ``sizes``) against ``exp``:
    (verdict, the record of ``rs``, the changes, the size that shows the first change)."""
    status = aggregate(r.status for r in rs)
    per_size = [r for r in rs if r.n is not None]
    free = [r for r in rs if r.n is None]
    facets: dict[str, list[int]] = {}
    for r in per_size:
        for f in r.facets:
            facets.setdefault(f, []).append(r.n)  # type: ignore[arg-type]
    now = Expectation(
        status, tuple(sizes) if per_size else (),
        tuple(r.n for r in per_size if r.status == "fails"),  # type: ignore[misc]
        tuple(r.n for r in per_size if r.status == "vacuous"),  # type: ignore[misc]
        tuple((r.n, r.value) for r in per_size if r.value is not None),  # type: ignore[misc]
        free[0].value if free else None, tuple((f, tuple(ns)) for f, ns in facets.items()))
    common = sorted(set(exp.sizes) & set(sizes)) if exp and exp.sizes and per_size else []
    verdict = classify(status, _status_on(exp, common) if exp else None)
    if exp is None or status == "unknown":
        return verdict, now, (), None
    found = _changes(now, exp, [r.n for r in per_size if r.status == "unknown"])
    if not found:
        return verdict, now, (), None
    first = next((n for n, _ in found if n is not None), None)
    if first is None:  # only the verdict or a size-free value changed: the telling result
        tell = [r for r in rs if r.status == status] or list(rs)
        first = (tell[0].n or 0) if tell else None
    return "regression", now, tuple(t for _, t in found), first


def _label(v: Verdict, prop: Property, ctx: Context, n: int | None, seconds: float
           ) -> PropertyResult:
    scope = f"n={n}" if n is not None else prop.scope or "every board size"
    if ctx.options.scope.pinned:
        scope += " (pinned setting)"
    return PropertyResult(
        prop.id, institution_ref(ctx.institution), ctx.ruleset.body, ctx.ruleset.matter, n,
        v.status, scope, v.value, v.witnesses, ctx.citations(v.core), v.reason, v.detail,
        v.detail_zh, dict(ctx.choice), seconds, v.facets)


def _relabel(r: PropertyResult, inst: Institution, rs: RuleSet, choice: dict[str, str]
             ) -> PropertyResult:
    """The result of an identical rule set, moved to another (body, matter) and re-confirmed
    (a witness's portfolio renamed to this matter's: the semantics reads only whether the
    leader may run it, which :func:`_share_key` keeps equal)."""
    pf = inst.matters[rs.matter].portfolio
    ws = []
    for w in r.witnesses:
        mt = w.meeting
        old = mt.matter.portfolio
        members = mt.members if old == pf else tuple(
            replace(x, portfolios=tuple(pf if p == old else p for p in x.portfolios))
            for x in mt.members)
        m = replace(mt, institution=institution_ref(inst), body=rs.body, members=members,
                    matter=replace(mt.matter, category=rs.matter, portfolio=pf))
        ws.append(confirm(m, rs, w.reading, w.outcome, w.label, w.note))
    ctx = Context(inst, rs, choice, r.n or 1)
    core = tuple(c.split(":", 1)[0] for c in r.citations)
    return replace(r, institution=institution_ref(inst), body=rs.body, matter=rs.matter,
                   witnesses=tuple(ws), citations=ctx.citations(core))


def _meaning(x: Any) -> Any:
    """``x`` (a rule value) without what the semantics never reads: citations and notes.

    >>> from model.thresholds import Share
    >>> _meaning(Requirement(Share(1, 2, strict=True), "seed 001, 第二十一条")) == _meaning(
    ...     Requirement(Share(1, 2, strict=True), "seed 004, 四(二)"))
    True
    """
    if isinstance(x, Requirement):
        return _meaning(x.rule)
    if isinstance(x, tuple):
        return tuple(_meaning(v) for v in x)
    if is_dataclass(x) and not isinstance(x, type):
        return (type(x).__name__, *[_meaning(getattr(x, f.name)) for f in fields(x)])
    return x


def _share_key(inst: Institution, rs: RuleSet) -> tuple[Any, ...]:
    """What the checks read of a rule set: its open points (field, kind, reading names) and,
    under every choice of readings, the spec as :func:`model.semantics.evaluate` reads it --
    thresholds without citations, the routes as (amount, does it name this body), whether
    the matter has a portfolio and whether the leader may not run it.  Not read: body,
    matter and portfolio names, citations, the money limit (only the properties in
    :data:`NAMED` read a name or the limit; they are checked for every rule set)."""
    m = inst.matters[rs.matter]
    out: list[Any] = [tuple((p.field, p.kind, tuple(r.name for r in p.readings))
                            for p in rs.points), m.portfolio is None]
    for choice in rs.choices():
        spec = rs.spec(choice)
        out.append((
            *[_meaning(getattr(spec, f.name)) for f in fields(spec)
              if f.name not in ("body", "routes", "leader_may_not_own")],
            tuple((r.amount, r.body == spec.body) for r in spec.routes if r.body is not None),
            m.portfolio is not None and m.portfolio in spec.leader_may_not_own))
    return tuple(out)


NAMED: dict[str, tuple[str, ...]] = {
    "separation_of_duties": ("portfolio",), "no_split_evasion": ("amount", "amount_cite"),
    **{p: () for p in BOARD_PROPERTIES}}
"""Properties whose results read a name or limit of the matter (the portfolio's name in
the text, the money limit): checked for each rule set of a shared group whose matter
differs there from the first's, not relabelled.  ``()``: always checked again -- the
example-board properties (:mod:`proofs.boards`) read who on the board owns the matter's
portfolio and who is related to whom, which no rule set says."""


def distinct_pairs(refs: Sequence[str]) -> list[tuple[str, str, str]]:
    """One (institution, body, matter) per rule set that reads differently from the others."""
    out = []
    for ref in refs:
        inst = load_institution(ref)
        seen = set()
        for b, m in inst.pairs():
            k = _share_key(inst, inst.ruleset(b, m))
            if k not in seen:
                seen.add(k)
                out.append((ref, b, m))
    return out


def check_pair(inst: Institution, body: str, matter: str, options: CheckOptions,
               property_ids: Sequence[str] | None = None,
               choice: Mapping[str, str] | None = None,
               sizes: Sequence[int] | None = None, size_free: bool = True
               ) -> list[PropertyResult]:
    """Run properties on one (body, matter) for every board size of ``options`` (and, if
    ``size_free``, the properties that do not depend on a board size)."""
    props = [get_property(p) for p in property_ids] if property_ids else all_properties()
    props = [p for p in props if p.per_size or size_free]
    out = []
    memos: dict[int | None, dict[Any, Any]] = {}
    for prop in props:
        ns: Iterable[int | None] = (sizes or options.sizes) if prop.per_size else [None]
        for n in ns:
            ctx = Context.make(inst, body, matter, n or min(options.sizes), options, choice)
            ctx.memo = memos.setdefault(n, {})  # share symbolic meetings and encodings
            t0 = time.perf_counter()
            v = prop.check(ctx)
            out.append(_label(v, prop, ctx, n, time.perf_counter() - t0))
    return out


def _task(ref: str, pairs: list[tuple[str, str]], options: CheckOptions,
          property_ids: list[str] | None, sizes: list[int], size_free: bool
          ) -> list[PropertyResult]:
    """Worker: check the first pair of a group of identical rule sets, relabel for the rest
    (checking again the properties of :data:`NAMED` where the name or limit they read
    differs)."""
    inst = load_institution(ref)
    body, matter = pairs[0]
    results = check_pair(inst, body, matter, options, property_ids, sizes=sizes,
                         size_free=size_free)
    out = list(results)
    first = inst.matters[matter]
    for b, m in pairs[1:]:
        rs = inst.ruleset(b, m)
        choice = next(iter(rs.choices()))
        here = inst.matters[m]
        again = [p for p, what in NAMED.items()
                 if (not what or any(getattr(here, a) != getattr(first, a) for a in what))
                 and (property_ids is None or p in property_ids)]
        out += [_relabel(r, inst, rs, choice) for r in results if r.property_id not in again]
        if again:
            out += check_pair(inst, b, m, options, again, sizes=sizes, size_free=size_free)
    return out


def run_suite(refs: Sequence[str], options: CheckOptions, property_ids: Sequence[str] | None = None,
              jobs: int = 1, strict: bool = False,
              progress: Callable[[int, int], None] | None = None,
              cache: ResultCache | None = None) -> SuiteReport:
    """Check every (body, matter) of every institution in ``refs``; judge the expectations.

    With ``options.polish``, witnesses are polished in a first pass only at the smallest
    size (and in the size-free results); of the other results, those a report shows
    (:func:`shown`) are checked again, polished.  Polishing is most of the time of a failing
    check, and the witnesses no report shows need not be the most regular.  A second run
    that disagrees with the first keeps the first.

    ``cache``: read the results of unchanged tasks from it, and keep the new ones there
    (:mod:`proofs.cache`; not when SMT-LIB files are asked for)."""
    if options.smtlib_dir is not None:
        cache = None
    t0 = time.perf_counter()
    insts = {ref: load_institution(ref) for ref in refs}
    exps = {ref: expectations(inst) for ref, inst in insts.items()}
    pids = list(property_ids) if property_ids else None
    groups, tasks = plan(insts, options.sizes, pids)
    results = _run(tasks, options, jobs, cache, progress)
    summaries = _summaries(insts, exps, results, pids, options.sizes)
    again: list[_Task] = []
    if options.polish:
        again = _polish_tasks(groups, shown(summaries), min(options.sizes))
        better = {_where(r): r for r in _run(again, options, jobs, cache)}
        results = [r2 if (r2 := better.get(_where(r))) is not None and _same(r, r2) else r
                   for r in results]
    return SuiteReport(tuple(results), tuple(summaries), time.perf_counter() - t0, strict,
                       (cache.hits, len(tasks) + len(again)) if cache else None)


def plan(insts: Mapping[str, Institution], sizes: Sequence[int], pids: list[str] | None
         ) -> tuple[list[tuple[str, list[tuple[str, str]]]], list[_Task]]:
    """The groups of rule sets that read alike (:func:`_share_key`), and one task per group
    and board size, largest first.  The size-free properties go with a group's smallest
    size, and only there are witnesses polished in the first pass of :func:`run_suite` (a
    finding shows its smallest failing size, which is mostly the smallest checked)."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for ref, inst in insts.items():
        by_key: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        for b, m in inst.pairs():
            by_key.setdefault(_share_key(inst, inst.ruleset(b, m)), []).append((b, m))
        groups += [(ref, pairs) for pairs in by_key.values()]
    tasks = [_Task(ref, pairs, [n], pids, n == min(sizes), n == min(sizes))
             for ref, pairs in groups for n in sorted(sizes, reverse=True)]
    tasks.sort(key=lambda t: -t.sizes[0])
    return groups, tasks


@dataclass(frozen=True)
class _Task:
    """One worker's job: ``properties`` (all: ``None``) of a group of rule sets that read
    alike, at ``sizes``, and the size-free properties if ``size_free``; its witnesses are
    polished if ``polish`` and the run's options say so."""

    ref: str
    pairs: list[tuple[str, str]]
    sizes: list[int]
    properties: list[str] | None
    size_free: bool
    polish: bool = True


def _run(tasks: Sequence[_Task], options: CheckOptions, jobs: int, cache: ResultCache | None,
         progress: Callable[[int, int], None] | None = None) -> list[PropertyResult]:
    """The results of ``tasks``: from ``cache`` where it has them, else checked (in ``jobs``
    worker processes) and kept there."""
    calls = [(t.ref, t.pairs, replace(options, polish=options.polish and t.polish),
              t.properties, t.sizes, t.size_free) for t in tasks]
    keys = [cache.key(*c) for c in calls] if cache else []
    results: list[PropertyResult] = []
    todo = []
    for k in range(len(calls)):
        kept = cache.get(keys[k]) if cache else None
        if kept is None:
            todo.append(k)
        else:
            results += kept
    done = len(calls) - len(todo)
    for k, rs in zip(todo, _results([calls[k] for k in todo], jobs), strict=True):
        results += rs
        if cache:
            cache.put(keys[k], rs)
        done += 1
        if progress:
            progress(done, len(tasks))
    return results


def _results(calls: Sequence[tuple[Any, ...]], jobs: int) -> Iterator[list[PropertyResult]]:
    if jobs > 1 and len(calls) > 1:
        import multiprocessing as mp

        with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
            futs = [pool.submit(_task, *c) for c in calls]
            yield from (f.result() for f in futs)
    else:
        yield from (_task(*c) for c in calls)


def _where(r: PropertyResult) -> tuple[str, str, str, str, int | None]:
    return (r.institution, r.body, r.matter, r.property_id, r.n)


def _same(a: PropertyResult, b: PropertyResult) -> bool:
    """The same verdict, value and failing parts (a polished re-run may replace ``a``)."""
    return (a.status, a.value, a.facets) == (b.status, b.value, b.facets)


def shown(summaries: Iterable[Summary]) -> set[tuple[str, str, str, str, int | None]]:
    """The results whose witnesses a report shows: each failing key's smallest failing size
    (its finding's meeting), the first size of each pattern of its failing parts (``check
    -v``), and the size that shows a regression (``None``: the size-free result)."""
    out = set()
    for s in summaries:
        at: set[int | None] = set()
        if s.status == "fails":
            at.add(s.failing_sizes[0] if s.failing_sizes else None)
            at.update(ns[0] for _, ns in s.facets if ns)
        if s.evidence is not None:
            at.add(s.evidence or None)
        out.update((s.institution, s.body, s.matter, s.property_id, n) for n in at)
    return out


def _polish_tasks(groups: Sequence[tuple[str, list[tuple[str, str]]]],
                  wanted: set[tuple[str, str, str, str, int | None]], polished: int
                  ) -> list[_Task]:
    """The tasks that check again the results in ``wanted`` that the first pass did not
    polish (sizes above ``polished``), for every rule set of a group as the first pass did."""
    ids = {ref: institution_ref(load_institution(ref)) for ref, _ in groups}
    out = []
    for ref, pairs in groups:
        at: dict[int, set[str]] = {}
        for inst, b, m, pid, n in wanted:
            if inst == ids[ref] and (b, m) in pairs and n is not None and n > polished:
                at.setdefault(n, set()).add(pid)
        out += [_Task(ref, pairs, [n], sorted(p), False) for n, p in at.items()]
    return out


def _summaries(insts: Mapping[str, Institution], exps: Mapping[str, dict[str, Expectation]],
               results: list[PropertyResult], pids: Sequence[str] | None,
               sizes: Sequence[int]) -> list[Summary]:
    """Sort ``results`` (in place) and judge each key against its expectation."""
    order = {p.id: k for k, p in enumerate(all_properties())}
    by_ref = {institution_ref(inst): ref for ref, inst in insts.items()}
    pair_index = {(ref, bm): k for ref, inst in insts.items() for k, bm in enumerate(inst.pairs())}
    results.sort(key=lambda r: (r.institution, pair_index[(by_ref[r.institution],
                                                           (r.body, r.matter))],
                                order[r.property_id], r.n or 0))
    grouped: dict[tuple[str, str, str, str], list[PropertyResult]] = {}
    for r in results:
        grouped.setdefault((by_ref[r.institution], r.body, r.matter, r.property_id), []).append(r)
    summaries = []
    for ref, inst in insts.items():
        for b, m in inst.pairs():
            for prop in ([get_property(p) for p in pids] if pids else all_properties()):
                rs = grouped.get((ref, b, m, prop.id), [])
                exp = _expected(exps[ref], prop.id, b, m)
                verdict, now, diffs, first = judge(rs, sizes, exp)
                summaries.append(Summary(
                    institution_ref(inst), prop.id, b, m, now.status,
                    exp.status if exp else None, verdict, now.fails_at,
                    tuple(r.n for r in rs if r.status == "unknown" and r.n is not None),
                    now.sizes or (), now.vacuous_at, now.values, now.value, diffs, first,
                    now.facets or ()))
    return summaries


def facet_witnesses(rep: SuiteReport, s: Summary
                    ) -> list[tuple[tuple[int, ...], list[str], tuple[Witness, ...]]]:
    """For each pattern of sizes among the facets of ``s``: the sizes, the facets that fail
    exactly there, and the meetings of the first such facet at the first such size."""
    by_pattern: dict[tuple[int, ...], list[str]] = {}
    for name, ns in s.facets:
        by_pattern.setdefault(ns, []).append(name)
    out = []
    for ns, names in by_pattern.items():
        r = next(r for r in rep.results if (r.institution, r.key, r.n) == (s.institution, s.key,
                                                                            ns[0]))
        out.append((ns, names, tuple(w for w in r.witnesses
                                     if w.note.startswith(f"{names[0]}: "))))
    return out


def expectation_lines(summaries: Iterable[Summary]) -> list[str]:
    """A suite file (``<stem>.expect.toml``) recording ``summaries``: each verdict (not
    ``unknown``) with its sizes, the sizes where it fails or is vacuous, and its values."""
    lines = ["# quorumlab suite file: expected results, values and sizes (see proofs.runner)",
             "[expect]"]
    return lines + [f'"{s.key}" = {s.record.toml()}' for s in summaries if s.status != "unknown"
                    and not s.unknown_sizes]


def expectation_diff(rep: SuiteReport,
                     recorded: Mapping[str, Mapping[str, Expectation]] | None = None) -> str:
    """Markdown: every verdict of ``rep`` that differs from the recorded expectation (or has
    none), grouped by property, with the sizes at which it fails or is unknown; with
    ``recorded`` (institution -> its expectations) also every recorded key no longer checked.
    Run it before re-recording, to review what the re-recording changes.

    >>> print(expectation_diff(SuiteReport((), (), 0.0)).splitlines()[-1])
    none
    """
    rows: dict[str, list[str]] = {}
    for s in rep.summaries:
        if (s.status == s.expected and not s.changes) or (
                s.expected is None and s.status not in ("holds", "fails")):
            continue
        sizes = (f" (fails at n={','.join(map(str, s.failing_sizes))})" if s.failing_sizes
                 else "") + (f" (unknown at n={','.join(map(str, s.unknown_sizes))})"
                             if s.unknown_sizes else "")
        what = "; ".join(s.changes) if s.changes and s.status == s.expected else \
            f"{s.expected or 'not recorded'} -> {s.status}{sizes}"
        rows.setdefault(s.property_id, []).append(
            f"- {Path(s.institution).stem} {s.body}/{s.matter}: {what}")
    checked = {(s.institution, s.key) for s in rep.summaries}
    for inst, exp in (recorded or {}).items():
        for key, e in exp.items():
            if "@" in key and (inst, key) not in checked:
                pid, where = key.split("@", 1)
                rows.setdefault(pid, []).append(f"- {Path(inst).stem} {where}: {e.status} -> "
                                                "no longer checked")
    out = ["# Verdicts that differ from the recorded expectations", ""]
    for pid, lines in rows.items():
        out += [f"## {pid}", "", *lines, ""]
    return "\n".join(out if rows else out + ["none"]) + "\n"
