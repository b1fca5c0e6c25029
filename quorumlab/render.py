"""Text rendering of model objects for the terminal (library code never prints; the CLI does).

Examples
--------
>>> from model import load_institution
>>> text = render_institution(load_institution("xiuzhou_district"))
>>> "quorum               at least 2/3 of due (三分之二以上)" in text and "[seed 002, 模本一 三、3]" in text
True
"""

from __future__ import annotations

from typing import Any

from model.evaluator import Decision
from model.rules import FIELD_DOCS, Deferral, Institution, Passing, RuleSet
from model.thresholds import Share

__all__ = ["render_institution", "render_decision", "render_value"]


def render_value(value: Any) -> str:
    """One rule value in words (English, with the Chinese threshold word where there is one)."""
    if value is None:
        return "none"
    if isinstance(value, Share):
        return f"{value.describe()} of due ({value.describe_zh()})"
    if isinstance(value, Passing):
        return f"{value.describe()} ({value.share.describe_zh()})"
    if isinstance(value, Deferral):
        return value.describe()
    if isinstance(value, tuple):
        return ", ".join(value) if value else "(none)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _field_key(rs: RuleSet, field: str) -> Any:
    points = {p.field: p for p in rs.points}
    return points.get(field) or (rs.values[field], rs.cite[field], rs.notes.get(field, ""))


def _ruleset_lines(rs: RuleSet, fields: list[str]) -> list[str]:
    points = {p.field: p for p in rs.points}
    lines = []
    for field in fields:
        if field in points:
            p = points[field]
            lines.append(f"    {field:<20} OPEN ({p.kind}): {p.note}")
            for r in p.readings:
                lines.append(f"      - {r.name:<28} {render_value(r.value):<44} [{r.cite}]"
                             + (f"  {r.note}" if r.note else ""))
        else:
            note = rs.notes.get(field, "")
            lines.append(f"    {field:<20} {render_value(rs.values[field]):<46} [{rs.cite[field]}]"
                         + (f"  {note}" if note else ""))
    return lines


def render_institution(inst: Institution) -> str:
    """The whole rule file as a readable table with citations (English and Chinese)."""
    out = [f"{inst.name} / {inst.name_zh}   (id: {inst.id}, seed {inst.seed})"]
    for bid, body in inst.bodies.items():
        out.append(f"\n  Body {bid}: {body.name} / {body.name_zh}  [{body.cite}]")
        sets = [inst.ruleset(bid, mid) for mid in body.matters]
        common = [f for f in FIELD_DOCS
                  if all(_field_key(rs, f) == _field_key(sets[0], f) for rs in sets)]
        out.append("   Rules for every matter of this body:")
        out.extend(_ruleset_lines(sets[0], common))
        for mid, rs in zip(body.matters, sets, strict=True):
            m = inst.matters[mid]
            extra = f"; amount {m.amount.describe()} ({m.amount.describe_zh()})" if m.amount else ""
            port = f"; portfolio {m.portfolio}" if m.portfolio else ""
            out.append(f"\n   Matter {mid}: {m.name} / {m.name_zh}  [{m.cite}]{port}{extra}")
            own = [f for f in FIELD_DOCS if f not in common]
            out.extend(_ruleset_lines(rs, own) if own else ["    (the body's rules above)"])
    return "\n".join(out)


def render_decision(d: Decision) -> str:
    """A decision as a short report: outcome, tally, cited reasons, readings."""
    t = d.tally
    out = [
        f"{d.institution} / {d.body} / {d.matter}",
        f"Outcome: {d.outcome.label} ({d.outcome.zh})",
        f"Tally: due {t.due}, present {t.present}, eligible {t.eligible}, yes {t.yes}, "
        f"no {t.no}, abstain {t.abstain}, defer {t.defer}",
        "Reasons:",
    ]
    for r in d.reasons:
        cite = f" [{r.cite}]" if r.cite else ""
        out.append(f"  - {r.rule}{cite}: {r.en}")
        out.append(f"    {r.zh}")
    if d.reading:
        out.append("Reading used: " + ", ".join(f"{k}={v}" for k, v in d.reading.items()))
    if not d.readings_agree:
        out.append("Readings DISAGREE on this meeting:")
        for choice, outcome in d.by_reading:
            out.append(f"  {outcome.label:<20} " + ", ".join(f"{k}={v}" for k, v in choice.items()))
    return "\n".join(out)
