"""Text rendering of model objects for the terminal (library code never prints; the CLI does).

Examples
--------
>>> from model import load_institution
>>> text = render_institution(load_institution("xiuzhou_district"), width=100)
>>> rows = [line for line in text.splitlines() if line.startswith(("field ", "quorum "))]
>>> rows[1].split("  ")[0], "at least 2/3 of due (三分之二以上)" in rows[1], "seed 002, 模本一 三、3" in text
('quorum', True, True)
"""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.text import Text

from model.evaluator import Decision
from model.rules import (
    CUMULATIVE,
    FIELD_DOCS,
    Deferral,
    Institution,
    OpenPoint,
    Passing,
    Requirement,
    Route,
    RuleSet,
    Slot,
)
from model.thresholds import Bound, Share
from quorumlab.console import render_table

__all__ = ["render_institution", "render_decision", "render_value", "render_routes",
           "render_list", "terminal_width", "json_value", "institution_dict", "list_dict", "route_dict"]


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


def _cite_cell(cite: str) -> str:
    """A citation cell: one clause a line, so every clause starts at the column's edge."""
    return "\n".join(part.strip() for part in cite.split("; ")) if cite else ""


def _with_note(text: str, note: str) -> str:
    return f"{text}\n{note}" if note else text


def _point_rows(p: OpenPoint, field: str) -> list[list[str]]:
    tied = f", ties {', '.join(p.fields)}" if len(p.fields) > 1 else ""
    rows = [[field, f"OPEN {p.field!r} ({p.kind}{tied}): {p.note}", ""]]
    for r in p.readings:
        value = "; ".join(f"{f}={render_value(v)}" for f, v in r.values.items()) \
            if len(p.fields) > 1 else render_value(r.value)
        rows.append(["", _with_note(f"- {r.name}: {value}", r.note), _cite_cell(r.cite)])
    return rows


def _ruleset_rows(rs: RuleSet, fields: list[str]) -> list[list[str]]:
    points = {p.field: p for p in rs.points}
    rows: list[list[str]] = []
    shown: set[str] = set()
    for field in fields:
        if field in CUMULATIVE:
            items = rs.values[field]
            if not items:
                rows.append([field, "none", _cite_cell(rs.cite[field])])
            for k, item in enumerate(items):
                label = field if k == 0 else "  and"
                if isinstance(item, Slot) and item.point in shown:  # a regime, shown above
                    rows.append([label, f"OPEN {item.point!r}: as above", ""])
                elif isinstance(item, Slot):
                    rows.extend(_point_rows(points[item.point], label))
                    shown.add(item.point)
                else:
                    rows.append([label, _with_note(render_value(item), item.note),
                                 _cite_cell(item.cite)])
            continue
        point = rs.point_of(field)
        if point is not None:
            if point.field not in shown:
                rows.extend(_point_rows(point, field))
                shown.add(point.field)
            continue
        rows.append([field, _with_note(render_value(rs.values[field]), rs.notes.get(field, "")),
                     _cite_cell(rs.cite[field])])
    return rows


RULE_COLUMNS = ("field", "rule", "cite")
"""The columns of every rule table of ``quorumlab show``."""


def terminal_width() -> int:
    """Width to render tables at: the terminal's, or 100 columns when stdout is not a
    terminal (piped, or under click's test runner)."""
    out = sys.stdout
    return shutil.get_terminal_size((100, 24)).columns if out.isatty() else 100


def _table(columns: Sequence[str], rows: Sequence[Sequence[Any]], width: int) -> list[str]:
    """A rich table (display-width aware, long cells wrap) as lines without trailing blanks."""
    return [line.rstrip() for line in render_table(columns, rows, width=width).splitlines()]


def _wrap(text: str, width: int) -> list[str]:
    """A heading wrapped to ``width`` display columns (rich measures Chinese as two)."""
    con = Console(width=width, highlight=False, markup=False, emoji=False, color_system=None)
    with con.capture() as cap:
        con.print(Text(text), soft_wrap=False)
    return [line.rstrip() for line in cap.get().splitlines()]


def render_institution(inst: Institution, width: int = 100) -> str:
    """The whole rule file as tables with citations (English and Chinese), ``width`` columns.

    One table per block (the rules every matter of a body shares, then each matter's own),
    with an open point's readings under it, and the routes; a blank line ends each table.
    """
    out = _wrap(f"{inst.name} / {inst.name_zh}   (id: {inst.id}, seed {inst.seed})", width)
    for bid, body in inst.bodies.items():
        out += ["", *_wrap(f"Body {bid}: {body.name} / {body.name_zh}  [{body.cite}]", width)]
        sets = [inst.ruleset(bid, mid) for mid in body.matters]
        common = [f for f in FIELD_DOCS
                  if all(_field_key(rs, f) == _field_key(sets[0], f) for rs in sets)]
        out.append("Rules for every matter of this body:")
        out += _table(RULE_COLUMNS, _ruleset_rows(sets[0], common), width)
        for mid, rs in zip(body.matters, sets, strict=True):
            m = inst.matters[mid]
            extra = f"; amount {m.amount.describe()} ({m.amount.describe_zh()})" if m.amount else ""
            port = f"; portfolio {m.portfolio}" if m.portfolio else ""
            out += ["", *_wrap(f"Matter {mid}: {m.name} / {m.name_zh}  [{m.cite}]{port}{extra}",
                               width)]
            own = [f for f in FIELD_DOCS if f not in common]
            out += _table(RULE_COLUMNS, _ruleset_rows(rs, own), width) if own \
                else ["(the body's rules above)"]
    if inst.routes:
        out += ["", "Routes (first match decides where an item must be decided):"]
        out += _table(ROUTE_COLUMNS, [_route_row(r) for r in inst.routes], width)
    return "\n".join(out)


ROUTE_COLUMNS = ("category / amount", "decided by", "cite")
"""The columns of the routes table of ``quorumlab show``."""


def _amount(r: Route) -> str:
    return f"{r.amount.describe()} ({r.amount.describe_zh()})" if r.amount else "any amount"


def _decider(r: Route) -> str:
    who = f"body {r.body}" if r.body else f"{r.decider} (not a meeting)"
    return _with_note(who, r.note)


def _route_row(r: Route) -> list[str]:
    return [f"{r.category}\n{_amount(r)}", _decider(r), _cite_cell(r.cite)]


def render_routes(routes: Sequence[Route], chosen: Route | None, width: int = 100) -> str:
    """The routes that apply to an item, the one a meeting must follow marked ``->``."""
    rows = [["->" if r is chosen else "", _amount(r), _decider(r), _cite_cell(r.cite)]
            for r in routes]
    return "\n".join(_table(("", "amount", "decided by", "cite"), rows, width))


LIST_COLUMNS = ("body", "name", "matters")
"""The columns of each institution's table in ``quorumlab list``."""


def render_list(institutions: Sequence[Institution], width: int = 100) -> str:
    """The built-in institutions: a line each with its id and seed, then (indented two
    columns) its names and a table of its bodies with their matters."""
    out: list[str] = []
    for inst in institutions:
        if out:
            out.append("")
        out.append(f"{inst.id}  (seed {inst.seed})")
        rows = [[bid, f"{b.name}\n{b.name_zh}", ", ".join(b.matters)]
                for bid, b in inst.bodies.items()]
        lines = _wrap(f"{inst.name} / {inst.name_zh}", width - 2) + _table(LIST_COLUMNS, rows,
                                                                           width - 2)
        out += ["  " + line if line else line for line in lines]
    return "\n".join(out)


# ---- JSON ---------------------------------------------------------------------------

def json_value(value: Any) -> Any:
    """One rule value as JSON: scalars as they are; thresholds, requirements, deferral and
    open-point slots as objects, each with its words (``text``, and ``zh`` where there is one).
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Share):
        return {"num": value.num, "den": value.den, "strict": value.strict,
                "text": value.describe(), "zh": value.describe_zh()}
    if isinstance(value, Bound):
        return {"limit": value.limit, "op": value.op, "unit": value.unit,
                "text": value.describe(), "zh": value.describe_zh()}
    if isinstance(value, Passing):
        return {**json_value(value.share), "base": value.base.value, "text": value.describe(),
                "zh": value.describe_zh()}
    if isinstance(value, Requirement):
        return {"rule": json_value(value.rule), "cite": value.cite, "note": value.note}
    if isinstance(value, Slot):
        return {"open_point": value.point}
    if isinstance(value, Deferral):
        return {"kind": value.kind, "at_most": value.at_most,
                "share": json_value(value.share) if value.share else None,
                "emergency_overrides": value.emergency_overrides, "text": value.describe()}
    if isinstance(value, tuple | list):
        return [json_value(v) for v in value]
    return str(value)


def _point_dict(p: OpenPoint) -> dict[str, Any]:
    return {"id": p.field, "kind": p.kind, "note": p.note, "fields": list(p.fields),
            "readings": [{"name": r.name, "cite": r.cite, "note": r.note,
                          "values": {f: json_value(v) for f, v in r.values.items()}}
                         for r in p.readings]}


def _ruleset_dict(rs: RuleSet) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for f in FIELD_DOCS:
        point = rs.point_of(f)
        if point is not None and f not in CUMULATIVE:
            fields[f] = {"open_point": point.field}
        else:
            fields[f] = {"value": json_value(rs.values[f]), "cite": rs.cite.get(f, ""),
                         "note": rs.notes.get(f, "")}
    return {"body": rs.body, "matter": rs.matter, "fields": fields,
            "open_points": [_point_dict(p) for p in rs.points]}


def route_dict(r: Route) -> dict[str, Any]:
    """A route as JSON (``quorumlab show --json`` and ``quorumlab route --json``)."""
    return {"category": r.category, "body": r.body, "decider": r.decider or None,
            "amount": r.amount.describe() if r.amount else None,
            "amount_zh": r.amount.describe_zh() if r.amount else None,
            "cite": r.cite, "note": r.note}


def institution_dict(inst: Institution) -> dict[str, Any]:
    """Everything ``quorumlab show`` prints, as JSON (schema: docs/schemas/show.schema.json)."""
    return {
        "id": inst.id, "name": inst.name, "name_zh": inst.name_zh, "seed": inst.seed,
        "source": inst.source, "path": inst.path,
        "bodies": [{"id": b.id, "name": b.name, "name_zh": b.name_zh, "cite": b.cite,
                    "matters": list(b.matters)} for b in inst.bodies.values()],
        "matters": [{"id": m.id, "name": m.name, "name_zh": m.name_zh, "cite": m.cite,
                     "portfolio": m.portfolio, "collective": m.collective,
                     "amount": json_value(m.amount) if m.amount else None,
                     "amount_cite": m.amount_cite} for m in inst.matters.values()],
        "rulesets": [_ruleset_dict(rs) for rs in inst.rulesets.values()],
        "routes": [route_dict(r) for r in inst.routes],
    }


def list_dict(institutions: Sequence[Institution]) -> dict[str, Any]:
    """``quorumlab list --json`` (schema: docs/schemas/list.schema.json)."""
    return {"institutions": [
        {"id": i.id, "seed": i.seed, "name": i.name, "name_zh": i.name_zh,
         "bodies": [{"id": b.id, "name": b.name, "name_zh": b.name_zh, "cite": b.cite,
                     "matters": list(b.matters)} for b in i.bodies.values()]}
        for i in institutions]}


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
