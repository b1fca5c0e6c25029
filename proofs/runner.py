"""Run the catalogue over institutions, bodies, matters and board sizes; judge expectations.

:func:`check_pair` runs properties on one (body, matter); :func:`run_suite` runs many
institutions (in parallel worker processes when ``jobs > 1``) and compares each
aggregated result with the expectations recorded for the rule file: its
``[known_findings]`` table, overridden by an optional suite file ``<stem>.expect.toml``
next to it with an ``[expect]`` table of the same form::

    [expect]
    no_chair_veto = "fails"                          # every (body, matter)
    "min_yes_to_pass@party_group/cadre" = "holds"    # one (body, matter)

A result equal to its expectation is reported (a known finding if it fails) and is not
an error; a result that differs is a **regression** (exit status 1); ``unknown`` where
something is expected is **inconclusive** (exit status 1 too: never read as a pass).

Rule sets that read the same (same values, open points, portfolio and money limit) are
checked once and their witnesses relabelled and re-confirmed for each (body, matter).

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
"""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from model.errors import RuleFileError
from model.loader import load_institution
from model.rules import Institution, RuleSet
from proofs.context import Context, institution_ref
from proofs.counterexample import confirm
from proofs.options import CheckOptions
from proofs.properties import Property, all_properties, get_property
from proofs.results import PropertyResult, Verdict, aggregate

__all__ = ["distinct_pairs", "check_pair", "run_suite", "Summary", "SuiteReport", "expectations",
           "classify", "expectation_lines", "expectation_diff"]


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

    @property
    def key(self) -> str:
        return f"{self.property_id}@{self.body}/{self.matter}"


@dataclass(frozen=True)
class SuiteReport:
    """Every result of a run, the summaries, and the exit status they imply."""

    results: tuple[PropertyResult, ...]
    summaries: tuple[Summary, ...]
    seconds: float
    strict: bool = False

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


def expectations(inst: Institution) -> dict[str, str]:
    """The rule file's ``[known_findings]``, overridden by ``<stem>.expect.toml`` if present."""
    out = {k: str(v) for k, v in inst.known_findings.items()}
    if inst.path:
        suite = Path(inst.path).with_suffix(".expect.toml")
        if suite.exists():
            try:
                data = tomllib.loads(suite.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as err:
                raise RuleFileError(None, f"not valid TOML: {err}", fix="correct the syntax",
                                    file=str(suite)) from None
            out.update({k: str(v) for k, v in data.get("expect", {}).items()})
    for k, v in out.items():
        if v not in ("holds", "fails", "vacuous", "n/a"):
            raise RuleFileError(f"known_findings.{k}", f"expectation {v!r} is not allowed",
                                fix='write "fails" or "holds"', file=inst.path or None)
        pid = k.split("@", 1)[0]
        get_property(pid)
    return out


def _expected(exp: Mapping[str, str], pid: str, body: str, matter: str) -> str | None:
    return exp.get(f"{pid}@{body}/{matter}", exp.get(pid))


def _label(v: Verdict, prop: Property, ctx: Context, n: int | None, seconds: float
           ) -> PropertyResult:
    scope = f"n={n}" if n is not None else "every board size"
    if ctx.options.scope.pinned:
        scope += " (pinned setting)"
    return PropertyResult(
        prop.id, institution_ref(ctx.institution), ctx.ruleset.body, ctx.ruleset.matter, n,
        v.status, scope, v.value, v.witnesses, ctx.citations(v.core), v.reason, v.detail,
        v.detail_zh, dict(ctx.choice), seconds)


def _relabel(r: PropertyResult, inst: Institution, rs: RuleSet, choice: dict[str, str]
             ) -> PropertyResult:
    """The result of an identical rule set, moved to another (body, matter) and re-confirmed."""
    ws = []
    for w in r.witnesses:
        m = replace(w.meeting, institution=institution_ref(inst), body=rs.body,
                    matter=replace(w.meeting.matter, category=rs.matter))
        ws.append(confirm(m, rs, w.reading, w.outcome, w.label, w.note))
    ctx = Context(inst, rs, choice, r.n or 1)
    core = tuple(c.split(":", 1)[0] for c in r.citations)
    return replace(r, institution=institution_ref(inst), body=rs.body, matter=rs.matter,
                   witnesses=tuple(ws), citations=ctx.citations(core))


def _share_key(inst: Institution, rs: RuleSet) -> tuple[Any, ...]:
    m = inst.matters[rs.matter]
    return (repr(sorted(rs.values.items(), key=lambda kv: kv[0])), repr(rs.points),
            m.portfolio, repr(m.amount))


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
    """Worker: check the first pair of a group of identical rule sets, relabel for the rest."""
    inst = load_institution(ref)
    body, matter = pairs[0]
    results = check_pair(inst, body, matter, options, property_ids, sizes=sizes,
                         size_free=size_free)
    out = list(results)
    for b, m in pairs[1:]:
        rs = inst.ruleset(b, m)
        choice = next(iter(rs.choices()))
        out += [_relabel(r, inst, rs, choice) for r in results]
    return out


def run_suite(refs: Sequence[str], options: CheckOptions, property_ids: Sequence[str] | None = None,
              jobs: int = 1, strict: bool = False,
              progress: Callable[[int, int], None] | None = None) -> SuiteReport:
    """Check every (body, matter) of every institution in ``refs``; judge the expectations."""
    t0 = time.perf_counter()
    insts = {ref: load_institution(ref) for ref in refs}
    exps = {ref: expectations(inst) for ref, inst in insts.items()}
    pids = list(property_ids) if property_ids else None
    tasks: list[tuple[str, list[tuple[str, str]], list[int], bool]] = []
    for ref, inst in insts.items():
        groups: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        for b, m in inst.pairs():
            groups.setdefault(_share_key(inst, inst.ruleset(b, m)), []).append((b, m))
        for pairs in groups.values():
            # one task per board size, largest first; size-free properties with the first
            for k, n in enumerate(sorted(options.sizes, reverse=True)):
                tasks.append((ref, pairs, [n], k == 0))
    tasks.sort(key=lambda t: -t[2][0])
    results: list[PropertyResult] = []
    done = 0

    def collect(rs: list[PropertyResult]) -> None:
        nonlocal done
        results.extend(rs)
        done += 1
        if progress:
            progress(done, len(tasks))

    if jobs > 1 and len(tasks) > 1:
        import multiprocessing as mp

        with ProcessPoolExecutor(jobs, mp_context=mp.get_context("spawn")) as pool:
            futs = [pool.submit(_task, ref, p, options, pids, sizes, free)
                    for ref, p, sizes, free in tasks]
            for f in futs:
                collect(f.result())
    else:
        for ref, p, sizes, free in tasks:
            collect(_task(ref, p, options, pids, sizes, free))
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
                status = aggregate(r.status for r in rs)
                exp = _expected(exps[ref], prop.id, b, m)
                summaries.append(Summary(
                    institution_ref(inst), prop.id, b, m, status, exp, classify(status, exp),
                    tuple(r.n for r in rs if r.status == "fails" and r.n is not None),
                    tuple(r.n for r in rs if r.status == "unknown" and r.n is not None)))
    return SuiteReport(tuple(results), tuple(summaries), time.perf_counter() - t0, strict)


def expectation_lines(summaries: Iterable[Summary]) -> list[str]:
    """A suite file (``<stem>.expect.toml``) recording ``summaries`` (holds and fails only)."""
    lines = ["# quorumlab suite file: expected results (see proofs.runner)", "[expect]"]
    return lines + [f'"{s.key}" = "{s.status}"' for s in summaries if s.status in ("holds", "fails")]


def expectation_diff(rep: SuiteReport, recorded: Mapping[str, Mapping[str, str]] | None = None
                     ) -> str:
    """Markdown: every verdict of ``rep`` that differs from the recorded expectation (or has
    none), grouped by property, with the sizes at which it fails or is unknown; with
    ``recorded`` (institution -> its expectations) also every recorded key no longer checked.
    Run it before re-recording, to review what the re-recording changes.

    >>> print(expectation_diff(SuiteReport((), (), 0.0)).splitlines()[-1])
    none
    """
    rows: dict[str, list[str]] = {}
    for s in rep.summaries:
        if s.status == s.expected or (s.expected is None and s.status not in ("holds", "fails")):
            continue
        sizes = (f" (fails at n={','.join(map(str, s.failing_sizes))})" if s.failing_sizes
                 else "") + (f" (unknown at n={','.join(map(str, s.unknown_sizes))})"
                             if s.unknown_sizes else "")
        rows.setdefault(s.property_id, []).append(
            f"- {Path(s.institution).stem} {s.body}/{s.matter}: {s.expected or 'not recorded'}"
            f" -> {s.status}{sizes}")
    checked = {(s.institution, s.key) for s in rep.summaries}
    for inst, exp in (recorded or {}).items():
        for key, status in exp.items():
            if "@" in key and (inst, key) not in checked:
                pid, where = key.split("@", 1)
                rows.setdefault(pid, []).append(f"- {Path(inst).stem} {where}: {status} -> "
                                                "no longer checked")
    out = ["# Verdicts that differ from the recorded expectations", ""]
    for pid, lines in rows.items():
        out += [f"## {pid}", "", *lines, ""]
    return "\n".join(out if rows else out + ["none"]) + "\n"
