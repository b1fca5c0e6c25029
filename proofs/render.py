"""Rendering, apart from the checks: text (English and Chinese), JSON, Markdown, JUnit XML.

Examples
--------
>>> from model.meeting import Meeting
>>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
...                    n=4, present=3, yes=2)
>>> print(meeting_record(m).splitlines()[1])
present: m0, m1, m2 | absent: m3 | recused: -
"""

from __future__ import annotations

import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from model.evaluator import decide
from model.io import meeting_to_dict
from model.meeting import Meeting
from proofs.compare import Comparison
from proofs.counterexample import Witness
from proofs.properties import all_properties, get_property
from proofs.results import PropertyResult
from proofs.runner import SuiteReport, facet_witnesses

__all__ = ["meeting_record", "result_text", "report_text", "report_dict", "report_json",
           "report_markdown", "report_junit", "comparison_verdict", "comparison_text",
           "comparison_dict", "comparison_json", "properties_text", "properties_dict"]


def meeting_record(m: Meeting, lang: str = "en", reading: dict[str, str] | None = None) -> str:
    """A readable record of one meeting and its decision, with the cited reasons."""
    ids = [x.id for x in m.members]
    absent = [i for i in ids if i not in m.present]
    d = decide(m, choice=reading) if reading else decide(m)
    votes = ", ".join(f"{i}={m.vote_of(i).name.lower()}" for i in m.speakers) or "-"
    opinions = ", ".join(f"{i}={v.name.lower()}" for i, v in m.written_opinions.items()) or "-"
    owner = [x.id for x in m.members if m.owns(x.id)]
    silent = [i for i in ids if i in m.present and i not in m.recused and i not in m.stated]
    deputies = [x.id for x in m.members if x.role == "deputy"]
    flags = [f for f, on in (("emergency", m.matter.emergency), ("ad-hoc item", m.matter.ad_hoc),
                              ("vote NOT called", not m.vote_called),
                              ("a major question unclear", m.matter.unclear),
                              (f"amount {m.matter.amount}", m.matter.amount is not None)) if on]
    if lang == "zh":
        lines = [f"会议: {m.institution} / {m.body} / {m.matter.category}, 共{len(ids)}名成员, "
                 f"主持人 {m.chair_id}",
                 f"到会: {', '.join(sorted(m.present, key=ids.index)) or '-'} | 缺席: "
                 f"{', '.join(absent) or '-'} | 回避: {', '.join(sorted(m.recused)) or '-'}",
                 f"发言顺序: {' > '.join(m.speakers) or '-'}",
                 f"表态: {votes} | 未表态: {', '.join(silent) or '-'} | 书面意见: {opinions}",
                 f"分管: {', '.join(owner) or '-'} | 副职: {', '.join(deputies) or '-'} | 涉及人员: "
                 f"{', '.join(m.matter.persons_involved) or '-'}"
                 + (f" | {', '.join(flags)}" if flags else ""),
                 f"结论: {d.outcome.zh}"]
        lines += [f"  - {r.zh}" + (f" [{r.cite}]" if r.cite else "") for r in d.reasons]
    else:
        lines = [f"meeting: {m.institution} / {m.body} / {m.matter.category}, {len(ids)} members, "
                 f"chair {m.chair_id}",
                 f"present: {', '.join(sorted(m.present, key=ids.index)) or '-'} | absent: "
                 f"{', '.join(absent) or '-'} | recused: {', '.join(sorted(m.recused)) or '-'}",
                 f"speaking order: {' > '.join(m.speakers) or '-'}",
                 f"votes: {votes} | silent: {', '.join(silent) or '-'} | written opinions: "
                 f"{opinions}",
                 f"portfolio owner: {', '.join(owner) or '-'} | deputies: "
                 f"{', '.join(deputies) or '-'} | involved: "
                 f"{', '.join(m.matter.persons_involved) or '-'}"
                 + (f" | {', '.join(flags)}" if flags else ""),
                 f"outcome: {d.outcome.label}"]
        lines += [f"  - {r.en}" + (f" [{r.cite}]" if r.cite else "") for r in d.reasons]
    return "\n".join(lines)


def _witness_text(w: Witness, lang: str) -> str:
    head = f"  {w.label}: {w.note}" + (f" (reading {w.reading})" if w.reading else "")
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


def report_text(rep: SuiteReport, lang: str = "en", verbose: bool = False) -> str:
    """The whole run: a summary line per (institution, body, matter, property), then details."""
    out = []
    for s in rep.summaries:
        if not verbose and s.verdict == "ok" and s.status != "fails":
            continue
        sizes = f" (fails at n={','.join(map(str, s.failing_sizes))})" if s.failing_sizes else ""
        if s.vacuous_sizes and s.status != "vacuous":
            sizes += f" (vacuous at n={','.join(map(str, s.vacuous_sizes))})"
        exp = f", expected {s.expected}" if s.expected else ""
        out.append(f"[{s.verdict}] {s.institution} {s.key}: {s.status}{sizes}{exp}")
        out += [f"  changed: {c}" for c in s.changes]
        if s.status == "fails":  # each pattern of sizes of its failing parts, with a meeting
            for ns, names, ws in facet_witnesses(rep, s):
                out.append(f"  differs at n={_sizes_text(list(ns))}: {'; '.join(names)}")
                if ns[0] != min(s.failing_sizes):  # else shown with the first failing result
                    out += ["  " + x for w in ws for x in _witness_text(w, lang).splitlines()]
    shown: set[tuple[str, str]] = set()
    for s in rep.summaries:  # the result that shows each regression, with its meetings
        for r in rep.results:
            if s.evidence is not None and (r.institution, r.key) == (s.institution, s.key) \
                    and (r.n or 0) == s.evidence:
                shown.add((r.institution, r.key))
                out.append(result_text(r, lang, force_witnesses=True))
    for r in rep.results:
        k = (r.institution, r.key)
        if r.status in ("fails", "unknown") and k not in shown:
            shown.add(k)
            out.append(result_text(r, lang))
    n_ok = sum(1 for s in rep.summaries if s.status == "holds")
    n_vacuous = sum(1 for s in rep.summaries if s.status == "vacuous")
    out.append(f"{len(rep.summaries)} checks: {n_ok} hold, {n_vacuous} vacuous, "
               f"{len(rep.findings)} findings, "
               f"{len(rep.regressions)} regressions/inconclusive, {rep.seconds:.1f} s")
    return "\n".join(out)


def report_dict(rep: SuiteReport) -> dict[str, Any]:
    """The run as a JSON-ready dict (docs/schemas/check.schema.json, without ``files``)."""
    return {
        "seconds": round(rep.seconds, 3), "exit_code": rep.exit_code,
        "summaries": [s.__dict__ | {"key": s.key} for s in rep.summaries],
        "results": [r.to_dict() for r in rep.results],
    }


def report_json(rep: SuiteReport) -> str:
    return json.dumps(report_dict(rep), ensure_ascii=False, indent=2)


def report_markdown(rep: SuiteReport) -> str:
    lines = ["# quorumlab check report", "",
             f"{len(rep.summaries)} checks, {len(rep.findings)} findings, "
             f"{len(rep.regressions)} regressions/inconclusive, {rep.seconds:.1f} s", "",
             "| institution | body/matter | property | status | expected | verdict | failing n |",
             "|---|---|---|---|---|---|---|"]
    for s in rep.summaries:
        lines.append(f"| {s.institution} | {s.body}/{s.matter} | {s.property_id} | {s.status} | "
                     f"{s.expected or ''} | {s.verdict} | {','.join(map(str, s.failing_sizes))} |")
    lines += ["", "## Findings", ""]
    shown: set[tuple[str, str]] = set()
    for r in rep.results:
        k = (r.institution, r.key)
        if r.status == "fails" and k not in shown:
            shown.add(k)
            lines += [f"### {r.institution} {r.key} ({r.scope})", "", r.detail, "", r.detail_zh, ""]
            for w in r.witnesses:
                lines += [f"*{w.label}*: {w.note}", "", "```text",
                          meeting_record(w.meeting, "en", dict(w.reading) or None), "```", ""]
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


def _sizes_text(ns: list[int]) -> str:
    if ns and ns == list(range(ns[0], ns[-1] + 1)) and len(ns) > 2:
        return f"{ns[0]}-{ns[-1]}"
    return ",".join(map(str, ns))


def comparison_text(c: Comparison, lang: str = "en") -> str:
    lines = [f"compare A = {c.a_label}  B = {c.b_label}"]
    for row in c.rows:
        lines.append(f"n={row.n}: {row.relation}" + (f" -- {row.reason}" if row.reason else ""))
        for w in row.witnesses:
            lines.append(_witness_text(w, lang))
    v = comparison_verdict(c)
    where = [f"{d} fails at n={_sizes_text(v[f'{k}_fails_at'])}"
             for d, k in (("A implies B", "a_implies_b"), ("B implies A", "b_implies_a"))
             if v[f"{k}_fails_at"]]
    lines.append(f"overall (n={_sizes_text(v['sizes'])}): {v['relation']} -- "
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

