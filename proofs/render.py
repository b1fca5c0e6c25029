"""Rendering, apart from the checks: text (English and Chinese), JSON, Markdown, JUnit XML.

Examples
--------
>>> from model.meeting import Meeting
>>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
...                    n=4, present=3, yes=2)
>>> print(meeting_record(m).splitlines()[1])
present: leader, member 1, member 2 | absent: member 3 | recused: -
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from model.evaluator import Decision, decide
from model.io import meeting_to_dict
from model.meeting import Meeting, Outcome
from proofs.compare import Comparison
from proofs.counterexample import Witness
from proofs.findings import (
    Finding,
    by_institution,
    distinct_findings,
    sizes_text,
    status_counts,
    witness_id,
)
from proofs.properties import all_properties, get_property
from proofs.results import PropertyResult
from proofs.runner import SuiteReport, facet_witnesses

__all__ = ["role_names", "named", "readings_text", "meeting_flags", "meeting_record",
           "counts_text", "places_text", "finding_explanation", "finding_verdict",
           "finding_text", "result_text", "report_text", "report_dict", "report_json",
           "report_markdown", "report_junit", "comparison_verdict", "comparison_text",
           "comparison_dict", "comparison_json", "properties_text", "properties_dict"]


def role_names(m: Meeting, lang: str = "en") -> dict[str, str]:
    """Display names by role, in seat order: the leader (书记 / 一把手) "leader", deputies
    "deputy 1..k", the others "member 1..m".  Display only: meeting files keep their ids.

    >>> from model.meeting import Meeting
    >>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group",
    ...                    "ordinary", n=3, present=3, yes=2)
    >>> role_names(m), role_names(m, "zh")["m2"]
    ({'m0': 'leader', 'm1': 'member 1', 'm2': 'member 2'}, '成员2')
    """
    words = {"leader": ("leader", "一把手"), "deputy": ("deputy {}", "副职{}"),
             "member": ("member {}", "成员{}")}
    seen: dict[str, int] = {}
    out = {}
    for x in m.members:
        seen[x.role] = seen.get(x.role, 0) + 1
        out[x.id] = words[x.role][lang == "zh"].format(seen[x.role])
    return out


def named(text: str, names: dict[str, str]) -> str:
    """``text`` with every member id replaced by its display name (whole words only).

    >>> named("m1, m10 recused; m1x", {"m1": "member 1", "m10": "member 10"})
    'member 1, member 10 recused; m1x'
    """
    if not names:
        return text
    ids = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                     + r")(?![\w])")
    return ids.sub(lambda g: names[g.group(1)], text)


def readings_text(reading: Mapping[str, str]) -> str:
    """A reading of the open points as ``field = reading`` lines joined by "; ".

    >>> readings_text({"quorum": "half", "recusal": "required"})
    'quorum = half; recusal = required'
    """
    return "; ".join(f"{k} = {v}" for k, v in reading.items())


def meeting_flags(m: Meeting, d: Decision) -> list[str]:
    """The facts of the item worth printing; "vote not called" only where the item did not
    pass (on a meeting that passed it changed nothing)."""
    return [f for f, on in (("emergency", m.matter.emergency), ("ad-hoc item", m.matter.ad_hoc),
                            ("vote not called",
                             not m.vote_called and d.outcome != Outcome.PASSED),
                            ("a major question unclear", m.matter.unclear),
                            (f"amount {m.matter.amount}", m.matter.amount is not None)) if on]


def meeting_record(m: Meeting, lang: str = "en", reading: Mapping[str, str] | None = None) -> str:
    """A readable record of one meeting and its decision, with the cited reasons; members
    are named by role (:func:`role_names`).

    >>> from model.meeting import Meeting
    >>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
    ...                    n=4, present=3, yes=2)
    >>> print(meeting_record(m).splitlines()[1])
    present: leader, member 1, member 2 | absent: member 3 | recused: -
    """
    names = role_names(m, lang)
    ids = [x.id for x in m.members]

    def ls(xs: Iterable[str], sep: str = ", ") -> str:
        return sep.join(names[i] for i in xs) or "-"

    absent = [i for i in ids if i not in m.present]
    d = decide(m, choice=dict(reading)) if reading else decide(m)
    votes = ", ".join(f"{names[i]}={m.vote_of(i).name.lower()}" for i in m.speakers) or "-"
    opinions = ", ".join(f"{names[i]}={v.name.lower()}"
                         for i, v in m.written_opinions.items()) or "-"
    owner = [x.id for x in m.members if m.owns(x.id)]
    silent = [i for i in ids if i in m.present and i not in m.recused and i not in m.stated]
    present = sorted(m.present, key=ids.index)
    flags = meeting_flags(m, d)
    involved = ", ".join(names.get(i, i) for i in m.matter.persons_involved) or "-"
    board = f" ({Path(m.organisation).name})" if m.organisation else ""
    if lang == "zh":
        lines = [f"会议: {m.institution} / {m.body} / {m.matter.category}, 共{len(ids)}名成员{board}, "
                 f"主持人 {names[m.chair_id]}",
                 f"到会: {ls(present)} | 缺席: {ls(absent)} | 回避: {ls(sorted(m.recused))}",
                 f"发言顺序: {ls(m.speakers, ' > ')}",
                 f"表态: {votes} | 未表态: {ls(silent)} | 书面意见: {opinions}",
                 f"分管: {ls(owner)} | 涉及人员: {involved}"
                 + (f" | {', '.join(flags)}" if flags else ""),
                 f"结论: {d.outcome.zh}"]
        lines += [f"  - {named(r.zh, names)}" + (f" [{r.cite}]" if r.cite else "")
                  for r in d.reasons]
    else:
        lines = [f"meeting: {m.institution} / {m.body} / {m.matter.category}, {len(ids)} members{board}, "
                 f"chair {names[m.chair_id]}",
                 f"present: {ls(present)} | absent: {ls(absent)} | recused: "
                 f"{ls(sorted(m.recused))}",
                 f"speaking order: {ls(m.speakers, ' > ')}",
                 f"votes: {votes} | silent: {ls(silent)} | written opinions: {opinions}",
                 f"portfolio owner: {ls(owner)} | involved: {involved}"
                 + (f" | {', '.join(flags)}" if flags else ""),
                 f"outcome: {d.outcome.label}"]
        lines += [f"  - {named(r.en, names)}" + (f" [{r.cite}]" if r.cite else "")
                  for r in d.reasons]
    return "\n".join(lines)


def _witness_text(w: Witness, lang: str) -> str:
    head = f"  {w.label}: {w.note}" + (f" (reading: {readings_text(w.reading)})"
                                       if w.reading else "")
    body = meeting_record(w.meeting, lang, dict(w.reading) if w.reading else None)
    return head + "\n" + "\n".join("    " + x for x in body.splitlines())


def result_text(r: PropertyResult, lang: str = "en", witnesses: bool = True,
                force_witnesses: bool = False) -> str:
    """One result as text (``lang`` ``en`` or ``zh``); its meetings if it fails (or
    ``force_witnesses``: whatever its status)."""
    p = get_property(r.property_id)
    title = p.title_zh if lang == "zh" else p.title
    detail = r.detail_zh if lang == "zh" else r.detail
    value = f" [value {r.value}]" if r.value is not None else ""
    lines = [f"{r.status.upper():8} {r.property_id} ({title}) {r.body}/{r.matter} {r.scope}{value}"
             f": {detail}" + (f" -- {r.reason}" if r.reason else "")]
    if r.citations:
        lines.append("  depends on: " + "; ".join(r.citations))
    if witnesses and (r.status == "fails" or force_witnesses):
        lines += [_witness_text(w, lang) for w in r.witnesses]
    return "\n".join(lines)


def counts_text(c: Mapping[str, int]) -> str:
    """Checks per status, adding up to the total.

    >>> counts_text({"holds": 5, "fails": 2, "vacuous": 1, "unknown": 0, "n/a": 3, "total": 11})
    '11 checks = 5 hold + 2 fail + 1 vacuous + 0 unknown + 3 n/a'
    """
    return (f"{c['total']} checks = {c['holds']} hold + {c['fails']} fail + {c['vacuous']} "
            f"vacuous + {c['unknown']} unknown + {c['n/a']} n/a")


def places_text(f: Finding) -> str:
    """The (body, matter) pairs a finding applies to, bodies grouped."""
    per: dict[str, list[str]] = {}
    for b, m in f.places:
        per.setdefault(b, []).append(m)
    return "; ".join(f"{b}: {', '.join(ms)}" for b, ms in per.items())


def finding_explanation(f: Finding, lang: str = "en") -> str:
    """A plain explanation: what the property asks, where it fails, and what the result found
    at the smallest failing size (members named by role in the meeting that shows it)."""
    p = get_property(f.property_id)
    names = role_names(f.witness.meeting, lang) if f.witness else {}
    at = f"n={f.result.n}: " if f.result.n is not None else ""
    if lang == "zh":
        return f"{p.title_zh}: 不成立, {f.scope_zh}。{at}{named(f.result.detail_zh, names)}"
    return (f"{p.title}: this fails for {f.scope}. It holds when {p.statement}. "
            f"{'At ' + at if at else ''}{named(f.result.detail, names)}")


def finding_verdict(rep: SuiteReport, f: Finding) -> str:
    """The finding against the recorded expectations of its places: ``known finding``,
    ``new finding``, ``regression`` (or several, comma-separated)."""
    places = {(f.institution, f"{f.property_id}@{b}/{m}") for b, m in f.places}
    return ", ".join(sorted({s.verdict for s in rep.summaries
                             if (s.institution, s.key) in places}))


def finding_text(f: Finding, lang: str = "en", meeting: bool = False, verdict: str = "") -> str:
    """One distinct finding in a few lines (with its meeting record if ``meeting``)."""
    p = get_property(f.property_id)
    zh = lang == "zh"
    lines = [f"  {f'[{verdict}] ' if verdict else ''}{f.id} {f.property_id} ({p.title_zh if zh else p.title}): "
             f"{'不成立' if zh else 'fails for'} {f.scope_zh if zh else f.scope}",
             f"    {'适用' if zh else 'applies to'}: {places_text(f)}",
             f"    {'条款' if zh else 'clauses'}: "
             + ("; ".join(f"{c.field}: {c.cite}" for c in f.clauses) or "-")]
    if meeting:
        lines.append("    " + finding_explanation(f, lang))
        if f.witness:
            lines.append(_witness_text(f.witness, lang))
    return "\n".join(lines)


def report_text(rep: SuiteReport, lang: str = "en", verbose: bool = False,
                meetings: bool = False) -> str:
    """The run: regressions, then per institution its counts and distinct findings, then
    the totals (which add up).  ``verbose`` lists every check; ``meetings`` adds each
    finding's meeting record."""
    out = []
    for s in rep.summaries:
        if verbose or s.verdict in ("regression", "inconclusive"):
            sizes = f" (fails at n={sizes_text(s.failing_sizes)})" if s.failing_sizes else ""
            if s.vacuous_sizes and s.status != "vacuous":
                sizes += f" (vacuous at n={sizes_text(s.vacuous_sizes)})"
            exp = f", expected {s.expected}" if s.expected else ""
            out.append(f"[{s.verdict}] {s.institution} {s.key}: {s.status}{sizes}{exp}")
            out += [f"  changed: {c}" for c in s.changes]
            if verbose and s.status == "fails":  # each pattern of sizes of its failing parts
                out += [f"  differs at n={sizes_text(list(ns))}: {'; '.join(names)}"
                        for ns, names, _ in facet_witnesses(rep, s)]
    for s in rep.summaries:  # the result that shows each regression, with its meetings
        if s.evidence is None:
            continue
        for r in rep.results:
            if (r.institution, r.key) == (s.institution, s.key) and (r.n or 0) == s.evidence:
                out.append(result_text(r, lang, force_witnesses=True))
    findings = distinct_findings(rep)
    for inst in dict.fromkeys(s.institution for s in rep.summaries):
        mine = by_institution(findings, inst)
        out.append(f"{inst}: {counts_text(status_counts(rep, inst))}; "
                   f"{len(mine)} distinct findings")
        out += [finding_text(f, lang, meetings, finding_verdict(rep, f)) for f in mine]
    cached = "" if rep.cached is None else \
        f" ({rep.cached[0]} of {rep.cached[1]} tasks from the cache)"
    out.append(f"total: {counts_text(status_counts(rep))}; {len(findings)} distinct findings; "
               f"{len(rep.regressions)} regressions/inconclusive; {rep.seconds:.1f} s{cached}")
    return "\n".join(out)


def _witness_dict(w: Witness, wid: str) -> dict[str, Any]:
    return {"id": wid, "label": w.label, "outcome": w.outcome.label, "note": w.note,
            "reading": dict(w.reading), "meeting": meeting_to_dict(w.meeting)}


def report_dict(rep: SuiteReport) -> dict[str, Any]:
    """The run as a JSON-ready dict (docs/schemas/check.schema.json, without ``files``): each
    witness once in ``witnesses``, referenced by id from its result and its finding."""
    witnesses: dict[str, dict[str, Any]] = {}
    results = []
    for r in rep.results:
        d = r.to_dict()
        ids = [witness_id(r, k) for k in range(len(r.witnesses))]
        for wid, w in zip(ids, r.witnesses, strict=True):
            witnesses.setdefault(wid, _witness_dict(w, wid))
        results.append(d | {"witnesses": ids})
    findings = [{"id": f.id, "institution": f.institution, "property": f.property_id,
                 "pattern": f.pattern, "pattern_zh": f.pattern_zh, "scope": f.scope,
                 "failing_sizes": list(f.failing), "checked_sizes": list(f.checked),
                 "explanation": finding_explanation(f),
                 "explanation_zh": finding_explanation(f, "zh"),
                 "clauses": [c.__dict__ for c in f.clauses],
                 "places": [{"body": b, "matter": m} for b, m in f.places],
                 "witness": f.witness_id}
                for f in distinct_findings(rep)]
    insts = list(dict.fromkeys(s.institution for s in rep.summaries))
    return {
        "seconds": round(rep.seconds, 3), "exit_code": rep.exit_code,
        "cache": None if rep.cached is None else {"hits": rep.cached[0], "tasks": rep.cached[1]},
        "totals": status_counts(rep),
        "institutions": [{"institution": i} | status_counts(rep, i) for i in insts],
        "findings": findings,
        "summaries": [s.__dict__ | {"key": s.key} for s in rep.summaries],
        "results": results,
        "witnesses": list(witnesses.values()),
    }


def report_json(rep: SuiteReport) -> str:
    return json.dumps(report_dict(rep), ensure_ascii=False, separators=(",", ":"))


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_markdown(rep: SuiteReport, witness_files: Mapping[str, str] | None = None) -> str:
    """A short Markdown report: the counts per institution (adding up to its checks), then
    per institution one row per distinct finding; the meeting records are in index.html and
    the counterexample files (``witness_files``: finding id -> path relative to the report).

    >>> print(report_markdown(SuiteReport((), (), 0.0)).splitlines()[2])
    0 checks = 0 hold + 0 fail + 0 vacuous + 0 unknown + 0 n/a; 0 distinct findings; \
0 regressions/inconclusive; 0.0 s
    """
    findings = distinct_findings(rep)
    insts = list(dict.fromkeys(s.institution for s in rep.summaries))
    heads = ("holds", "fails", "vacuous", "unknown", "n/a", "total")
    lines = ["# quorumlab check report", "",
             f"{counts_text(status_counts(rep))}; {len(findings)} distinct findings; "
             f"{len(rep.regressions)} regressions/inconclusive; {rep.seconds:.1f} s", "",
             "## Summary", "", f"| institution | {' | '.join(heads)} | distinct findings |",
             "|---" * (len(heads) + 2) + "|"]
    for i in insts:
        c = status_counts(rep, i)
        lines.append(f"| [{i}](#{Path(i).stem}) | " + " | ".join(str(c[h]) for h in heads)
                     + f" | {len(by_institution(findings, i))} |")
    lines.append("")
    lines += [f"- **{s.verdict}**: {s.institution} {s.key}: {s.status}, expected {s.expected}"
              for s in rep.regressions]
    lines += ["", "## Findings", ""]
    for inst in insts:
        mine = by_institution(findings, inst)
        lines += [f'<a id="{Path(inst).stem}"></a>', "", f"### {inst}", ""]
        if not mine:
            lines += ["none", ""]
            continue
        lines += ["| id | property | fails for | applies to | clauses | meeting |",
                  "|---|---|---|---|---|---|"]
        for f in mine:
            file = (witness_files or {}).get(f.id)
            n = "" if f.result.n is None else f", n={f.result.n}"
            shown = ("-" if f.witness is None else f"[{f.witness.outcome.label}{n}]({file})"
                     if file else f.witness.outcome.label)
            lines.append(f"| {f.id} | {f.property_id} | {_md(f.scope)} | {_md(places_text(f))} | "
                         f"{_md('; '.join(dict.fromkeys(c.cite for c in f.clauses)))} | "
                         f"{shown} |")
        lines.append("")
    return "\n".join(lines)


def report_junit(rep: SuiteReport) -> str:
    """JUnit XML: one testcase per summary; regressions are failures, findings are reported."""
    cases = []
    for s in rep.summaries:
        name = quoteattr(f"{s.key} [{s.institution}]")
        if s.verdict in ("regression", "inconclusive"):
            body = (f"<failure message={quoteattr(f'{s.status}, expected {s.expected}')}>"
                    f"{escape(s.verdict)}</failure>")
        elif s.status in ("n/a", "vacuous"):
            body = f"<skipped message={quoteattr(s.status)}/>"
        else:
            body = f"<system-out>{escape(s.verdict + ': ' + s.status)}</system-out>"
        cases.append(f'  <testcase classname={quoteattr(s.institution)} name={name}>{body}</testcase>')
    fails = sum(1 for s in rep.summaries if s.verdict in ("regression", "inconclusive"))
    skipped = sum(1 for s in rep.summaries if s.status in ("n/a", "vacuous"))
    return ("<?xml version='1.0' encoding='utf-8'?>\n"
            f'<testsuite name="quorumlab.check" tests="{len(cases)}" failures="{fails}" '
            f'skipped="{skipped}" time="{rep.seconds:.3f}">\n' + "\n".join(cases) + "\n</testsuite>\n")


def comparison_verdict(c: Comparison) -> dict[str, Any]:
    """The one verdict over every size checked: each direction ``holds`` (at every size),
    ``fails`` (at some size) or ``unknown``; the relation they make, and where each fails.

    >>> from types import SimpleNamespace as NS
    >>> rows = [NS(n=3, a_implies_b="holds", b_implies_a="fails"),
    ...         NS(n=4, a_implies_b="holds", b_implies_a="holds")]
    >>> comparison_verdict(NS(rows=rows))["relation"]
    'A implies B'
    """
    sizes = [r.n for r in c.rows]

    def overall(attr: str) -> tuple[str, list[int]]:
        statuses = [getattr(r, attr) for r in c.rows]
        failing = [r.n for r in c.rows if getattr(r, attr) == "fails"]
        if failing:
            return "fails", failing
        return ("unknown" if "unknown" in statuses or not statuses else "holds"), []

    ab, ab_fail = overall("a_implies_b")
    ba, ba_fail = overall("b_implies_a")
    relation = {("holds", "holds"): "equivalent", ("holds", "fails"): "A implies B",
                ("fails", "holds"): "B implies A",
                ("fails", "fails"): "neither"}.get((ab, ba), "unknown")
    return {"relation": relation, "a_implies_b": ab, "b_implies_a": ba, "sizes": sizes,
            "a_implies_b_fails_at": ab_fail, "b_implies_a_fails_at": ba_fail}


_VERDICT_TEXT = {
    "equivalent": "A and B pass exactly the same meetings",
    "A implies B": "every meeting A passes, B passes too (A is at least as strict), not back",
    "B implies A": "every meeting B passes, A passes too (B is at least as strict), not back",
    "neither": "each passes a meeting the other does not",
    "unknown": "a solver query did not finish (raise --timeout)",
}


def comparison_text(c: Comparison, lang: str = "en") -> str:
    lines = [f"compare A = {c.a_label}  B = {c.b_label}"]
    for row in c.rows:
        lines.append(f"n={row.n}: {row.relation}" + (f" -- {row.reason}" if row.reason else ""))
        for w in row.witnesses:
            lines.append(_witness_text(w, lang))
    v = comparison_verdict(c)
    where = [f"{d} fails at n={sizes_text(v[f'{k}_fails_at'])}"
             for d, k in (("A implies B", "a_implies_b"), ("B implies A", "b_implies_a"))
             if v[f"{k}_fails_at"]]
    lines.append(f"overall (n={sizes_text(v['sizes'])}): {v['relation']} -- "
                 f"{_VERDICT_TEXT[v['relation']]}" + (f" ({'; '.join(where)})" if where else ""))
    return "\n".join(lines)


def comparison_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as a JSON-ready dict (docs/schemas/compare.schema.json)."""
    v = comparison_verdict(c)
    return {"a": c.a_label, "b": c.b_label, "verdict": v["relation"], "overall": v, "rows": [
        {"n": r.n, "relation": r.relation, "a_implies_b": r.a_implies_b,
         "b_implies_a": r.b_implies_a, "reason": r.reason,
         "witnesses": [{"label": w.label, "note": w.note, "outcome": w.outcome.label,
                        "meeting": meeting_to_dict(w.meeting)} for w in r.witnesses]}
        for r in c.rows]}


def comparison_json(c: Comparison) -> str:
    return json.dumps(comparison_dict(c), ensure_ascii=False, indent=2)


def properties_text(lang: str = "en") -> str:
    out = []
    for p in all_properties():
        title = p.title_zh if lang == "zh" else p.title
        out.append(f"{p.id:30} {title}\n{'':30} holds when: {p.statement}")
    return "\n".join(out)


def properties_dict() -> dict[str, Any]:
    """The catalogue as a JSON-ready dict (docs/schemas/properties.schema.json)."""
    return {"properties": [{"id": p.id, "title": p.title, "title_zh": p.title_zh,
                            "statement": p.statement, "kind": p.kind, "about": list(p.about),
                            "per_size": p.per_size} for p in all_properties()]}

