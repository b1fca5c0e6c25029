"""The check report as one self-contained HTML page (``index.html`` of ``check --report``).

Inline CSS, no script, no network resource: it opens from ``file://`` with no server.  A
table of contents; per institution its counts (adding up to its checks) and its distinct
findings (:mod:`proofs.findings`), each with a plain explanation in English and Chinese,
the clauses involved with the seed's words where the clause ledger quotes them, the
(body, matter) pairs it applies to, and its meeting as a table whose members are named by
role (:func:`proofs.render.role_names`).

Examples
--------
>>> from proofs.runner import SuiteReport
>>> page = report_html(SuiteReport((), (), 0.0))
>>> page.startswith("<!DOCTYPE html>"), "<script" in page, "0 checks = 0 hold" in page
(True, False, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from pathlib import Path

from model.evaluator import decide
from model.meeting import Meeting
from proofs.findings import Finding, by_institution, distinct_findings, status_counts
from proofs.properties import get_property
from proofs.render import (
    counts_text,
    finding_explanation,
    finding_verdict,
    meeting_flags,
    named,
    readings_text,
    role_names,
)
from proofs.runner import SuiteReport

__all__ = ["report_html", "meeting_table"]

_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:72rem;margin:1rem auto;
padding:0 1rem;line-height:1.45;color:#1a1a1a}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #bbb;padding:.2rem .5rem;text-align:left;vertical-align:top}
th{background:#eef}
td.num{text-align:right}
section.finding{border-left:4px solid #c33;padding-left:1rem;margin:1.5rem 0}
blockquote{margin:.3rem 0 .3rem 1rem;color:#333;border-left:3px solid #ccc;padding-left:.5rem}
.zh{color:#444}
.outcome{font-weight:bold}
.regression{color:#b00;font-weight:bold}
"""

_STATUS_HEADS = (("holds", "holds"), ("fails", "fails"), ("vacuous", "vacuous"),
                 ("unknown", "unknown"), ("n/a", "not applicable"), ("total", "total"))


def _e(x: object) -> str:
    return escape(str(x))


def _anchor(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in Path(text).stem)


def meeting_table(m: Meeting, reading: Mapping[str, str] | None = None) -> str:
    """One meeting as HTML: a row per member (named by role), the facts of the item, the
    outcome and every cited reason.

    >>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group",
    ...                    "ordinary", n=3, present=2, yes=2)
    >>> t = meeting_table(m)
    >>> "<td>member 2</td><td>member</td><td>absent</td>" in t, "outcome: passed" in t
    (True, True)
    """
    names = role_names(m)
    d = decide(m, choice=dict(reading)) if reading else decide(m)
    order = {i: k for k, i in enumerate(m.speakers, 1)}
    rows = []
    for x in m.members:
        where = ("recused" if x.id in m.recused else "present" if x.id in m.present
                 else "absent")
        if x.id in m.written_opinions:
            position = f"written opinion: {m.written_opinions[x.id].name.lower()}"
        elif x.id in m.stated:
            position = m.vote_of(x.id).name.lower()
        else:
            position = "silent" if where == "present" else "-"
        notes = [t for t, on in (("chair", x.id == m.chair_id), ("owns the portfolio", m.owns(x.id)),
                                 ("involved", x.id in m.matter.persons_involved),
                                 ("related to an involved person", x.id in m.kin_members
                                  and x.id not in m.matter.persons_involved)) if on]
        rows.append(f"<tr><td>{_e(names[x.id])}</td><td>{_e(x.role)}</td><td>{where}</td>"
                    f"<td>{_e(position)}</td><td class=num>{order.get(x.id, '')}</td>"
                    f"<td>{_e(', '.join(notes))}</td></tr>")
    flags = meeting_flags(m, d)
    reasons = "".join(f"<li>{_e(named(r.en, names))}<br><span class=zh>{_e(named(r.zh, names))}"
                      f"</span>" + (f" <i>[{_e(r.cite)}]</i>" if r.cite else "") + "</li>"
                      for r in d.reasons)
    every = decide(m) if reading else d
    other = [(c, o) for c, o in every.by_reading if o != d.outcome]
    by_reading = "" if not other else (
        f"<p>other readings of the open points under which the outcome is not "
        f"{d.outcome.label}:</p><table><tr><th>reading</th><th>outcome</th></tr>" + "".join(
            f"<tr><td>{_e(readings_text(c))}</td><td>{o.label}</td></tr>" for c, o in other)
        + "</table>")
    return (f"<p>{_e(m.institution)} / {_e(m.body)} / {_e(m.matter.category)}, "
            f"{len(m.members)} members"
            + (f" (organisation file {_e(Path(m.organisation).name)}; involved: "
               f"{_e(', '.join(m.matter.persons_involved) or '-')})" if m.organisation else "")
            + (f"; {_e(', '.join(flags))}" if flags else "") + "</p>"
            "<table><tr><th>member</th><th>role</th><th>attendance</th><th>position</th>"
            "<th>speaks</th><th>notes</th></tr>" + "".join(rows) + "</table>"
            f"<p class=outcome>outcome: {d.outcome.label} ({d.outcome.zh})</p><ul>{reasons}</ul>"
            + by_reading)


def _finding(f: Finding, file: str | None, verdict: str) -> str:
    p = get_property(f.property_id)
    clauses = "".join(f"<li>{_e(c.field)}: <b>{_e(c.cite)}</b>"
                      + (f"<blockquote lang=zh>{_e(c.quote)}</blockquote>" if c.quote else "")
                      + "</li>" for c in f.clauses) or "<li>-</li>"
    places = ", ".join(f"{_e(b)}/{_e(m)}" for b, m in f.places)
    w = f.witness
    if w is None:
        shown = ("<p>No meeting: this is a proof over every board size; the per-size "
                 "finding of the same property shows one.</p>")
    else:
        link = f' (<a href="{_e(file)}">meeting file</a>)' if file else ""
        reading = f"<p>reading: {_e(readings_text(w.reading))}</p>" if w.reading else ""
        shown = (f"<h4>The meeting that shows it (n={f.result.n}){link}</h4>"
                 f"<p>{_e(w.label)}: {_e(named(w.note, role_names(w.meeting)))}</p>{reading}"
                 + meeting_table(w.meeting, dict(w.reading) or None))
    return (f'<section class=finding id="{_anchor(f.institution)}-{f.id}">'
            f"<h3>{f.id} {_e(p.title)} <span class=zh>{_e(p.title_zh)}</span></h3>"
            f"<p><b>fails for {_e(f.scope)}</b> <span class=zh>({_e(f.scope_zh)})</span>; "
            f"{_e(verdict)}</p>"
            f"<p>{_e(finding_explanation(f))}</p>"
            f"<p class=zh lang=zh>{_e(finding_explanation(f, 'zh'))}</p>"
            f"<p>applies to: {places}</p><p>clauses involved:</p><ul>{clauses}</ul>"
            + shown + "</section>")


def report_html(rep: SuiteReport, witness_files: Mapping[str, str] | None = None) -> str:
    """The whole run as one HTML page; ``witness_files`` maps a finding id to its meeting
    file (relative to the page)."""
    findings = distinct_findings(rep)
    insts = list(dict.fromkeys(s.institution for s in rep.summaries))
    head = "".join(f"<th>{h}</th>" for _, h in _STATUS_HEADS)

    def row(label: str, c: Mapping[str, int]) -> str:
        return f"<tr><td>{label}</td>" + "".join(f"<td class=num>{c[k]}</td>"
                                                 for k, _ in _STATUS_HEADS) + "</tr>"

    summary = ("<table><tr><th>institution</th>" + head + "<th>distinct findings</th></tr>"
               + "".join(row(f'<a href="#{_anchor(i)}">{_e(i)}</a>', status_counts(rep, i))
                         .removesuffix("</tr>")
                         + f"<td class=num>{len(by_institution(findings, i))}</td></tr>"
                         for i in insts)
               + row("<b>all</b>", status_counts(rep)).removesuffix("</tr>")
               + f"<td class=num>{len(findings)}</td></tr></table>")
    toc = "<ul>" + "".join(
        f'<li><a href="#{_anchor(i)}">{_e(i)}</a><ul>' + "".join(
            f'<li><a href="#{_anchor(i)}-{f.id}">{f.id} {_e(f.property_id)}</a>: '
            f"{_e(f.scope)}</li>" for f in by_institution(findings, i)) + "</ul></li>"
        for i in insts) + "</ul>"
    regress = "".join(f"<li class=regression>{_e(s.verdict)}: {_e(s.institution)} {_e(s.key)}: "
                      f"{_e(s.status)}, expected {_e(s.expected)}</li>" for s in rep.regressions)
    body = []
    for i in insts:
        mine = by_institution(findings, i)
        body.append(f'<h2 id="{_anchor(i)}">{_e(i)}</h2>'
                    f"<p>{_e(counts_text(status_counts(rep, i)))}; {len(mine)} distinct "
                    "findings</p>"
                    + "".join(_finding(f, (witness_files or {}).get(f.id), finding_verdict(rep, f))
                            for f in mine))
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            "<title>quorumlab check report</title>"
            f"<style>{_CSS}</style></head><body><h1>quorumlab check report</h1>"
            f"<p>{_e(counts_text(status_counts(rep)))}; {len(findings)} distinct findings; "
            f"{len(rep.regressions)} regressions/inconclusive; {rep.seconds:.1f} s</p>"
            + (f"<ul>{regress}</ul>" if regress else "") + summary
            + "<h2>Contents</h2>" + toc + "".join(body) + "</body></html>\n")
