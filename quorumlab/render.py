"""Text rendering of model objects for the terminal (library code never prints; the CLI does).

Examples
--------
>>> from model import load_institution
>>> text = render_institution(load_institution("xiuzhou_district"))
>>> "quorum               at least 2/3 of due (三分之二以上)" in text and "[seed 002, 模本一 三、3]" in text
True
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from model.evaluator import Decision
from model.rules import (
    CUMULATIVE,
    FIELD_DOCS,
    Deferral,
    Institution,
    OpenPoint,
    Passing,
    Requirement,
    RuleSet,
    Slot,
)
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
    if isinstance(value, Requirement):
        return render_value(value.rule)
    if isinstance(value, Deferral):
        return value.describe()
    if isinstance(value, tuple):
        if value and isinstance(value[0], Requirement):
            return " AND ".join(render_value(r) for r in value)
        return ", ".join(map(str, value)) if value else "(none)"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _field_key(rs: RuleSet, field: str) -> Any:
    point = rs.point_of(field)
    return (point, rs.values[field]) if point else (rs.values[field], rs.cite[field],
                                                     rs.notes.get(field, ""))


def _point_lines(p: OpenPoint, field: str, indent: str) -> list[str]:
    tied = f", ties {', '.join(p.fields)}" if len(p.fields) > 1 else ""
    lines = [f"{indent}{field:<20} OPEN {p.field!r} ({p.kind}{tied}): {p.note}"]
    for r in p.readings:
        value = "; ".join(f"{f}={render_value(v)}" for f, v in r.values.items()) \
            if len(p.fields) > 1 else render_value(r.value)
        lines.append(f"{indent}  - {r.name:<28} {value:<44} [{r.cite}]"
                     + (f"  {r.note}" if r.note else ""))
    return lines


def _ruleset_lines(rs: RuleSet, fields: list[str]) -> list[str]:
    points = {p.field: p for p in rs.points}
    lines: list[str] = []
    shown: set[str] = set()
    for field in fields:
        if field in CUMULATIVE:
            items = rs.values[field]
            if not items:
                lines.append(f"    {field:<20} {'none':<46} [{rs.cite[field]}]")
            for k, item in enumerate(items):
                label = field if k == 0 else "  and"
                if isinstance(item, Slot):
                    lines.extend(_point_lines(points[item.point], label, "    "))
                else:
                    lines.append(f"    {label:<20} {render_value(item):<46} [{item.cite}]"
                                 + (f"  {item.note}" if item.note else ""))
            continue
        point = rs.point_of(field)
        if point is not None:
            if point.field not in shown:
                lines.extend(_point_lines(point, field, "    "))
                shown.add(point.field)
            continue
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
    if inst.routes:
        out.append("\n  Routes (first match decides where an item must be decided):")
        out.extend(f"    {r.describe()}" + (f"  {r.note}" if r.note else "") for r in inst.routes)
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
        out.append(f"Readings DISAGREE on this meeting ({len(d.by_reading)} combinations):")
        if len(d.by_reading) <= _LIST_AT_MOST:
            for choice, outcome in d.by_reading:
                out.append(f"  {outcome.label:<20} "
                           + ", ".join(f"{k}={v}" for k, v in choice.items()))
        else:  # the open points that change the outcome are named in the reasons above
            counts = Counter(o.label for _, o in d.by_reading)
            out.append("  " + ", ".join(f"{label}: {k}" for label, k in counts.most_common())
                       + "  (--json lists every combination)")
    return "\n".join(out)


_LIST_AT_MOST = 12
