"""The ``board`` commands: a real board against its institution's rules.

``quorumlab board check ORG_FILE --institution ID`` checks separation of duties
(四个/五个不直接分管): the board's assignment under every reading (violations with clauses),
whether any valid assignment exists (Z3, re-checked in Python; ``unknown`` is its own
answer) and how many of the forbidden portfolios one member can hold.  Exit status 1 when
the board breaks the default reading.

``quorumlab board recusal ORG_FILE --institution ID --involved PERSON ...`` names the
members who must recuse (回避) when the people named are involved, under every reading of
the clause's relatives, each with the relation path and the clause; with ``--matter`` it
decides the most favourable meeting left after the recusal, and with ``--smallest`` it
finds the fewest related outsiders whose involvement leaves the body unable to pass the
item.

Both take ``--json`` (schemas: ``docs/schemas/board-check.schema.json`` and
``board-recusal.schema.json``).  A user error is one line on stderr, exit status 2.

Examples
--------
>>> from click.testing import CliRunner
>>> from model.organisation import BOARDS_DIR
>>> r = CliRunner().invoke(board, ["recusal", str(BOARDS_DIR / "taobei.toml"), "--institution",
...                                "taobei_district_government", "--involved", "nobody"])
>>> r.exit_code, r.output.splitlines()[-1][:52]
(2, "error: field '--involved': unknown person 'nobody' (")
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

from model.datafile import display_name
from model.errors import QuorumlabError
from model.kinship import Recusal, RecusalRule, rule_for
from model.loader import load_institution
from model.organisation import (
    ATTENDANCE,
    Impact,
    Organisation,
    impact,
    load_organisation,
    recusing_members,
    separation_rule,
    smallest_disabling,
    violations,
)
from model.rules import Institution
from proofs.assignment import exists, most_concentrated
from proofs.options import milliseconds
from quorumlab.console import echo, emit_json
from quorumlab.errors import user_errors

__all__ = ["board", "register"]

_ORG = click.Path(dir_okay=False, allow_dash=True)


@click.group("board")
def board() -> None:
    """A board's members, portfolios and relatives against its institution's rules."""


@board.command("check")
@click.argument("org_file", type=_ORG)
@click.option("--institution", required=True, help="Institution id or rule-file path.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.001),
              help="Seconds per solver question.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (schema: docs/schemas/board-check.schema.json).")
@user_errors
def check_cmd(org_file: str, institution: str, timeout: float, as_json: bool) -> None:
    """Separation of duties: violations, and whether any valid assignment exists."""
    org = load_organisation(org_file)
    inst = load_institution(institution)
    rule = separation_rule(inst)
    ms = milliseconds(timeout)
    rows = []
    for k, reading in enumerate(rule.readings()):
        bad = violations(org.members, reading)
        rows.append({
            "reading": reading.name, "default": k == 0,
            "runners": _reading_part(reading.runners.__dict__),
            "four_eyes": _reading_part(reading.four_eyes.__dict__),
            "violations": [{"kind": v.kind, "portfolios": list(v.portfolios),
                            "members": list(v.members), "cite": v.cite, "text": v.describe()}
                           for v in bad],
            "exists": exists(org.members, reading, ms).to_dict(),
            "most_concentrated": most_concentrated(org.members, reading, ms).to_dict(),
        })
    named = {p for m in inst.matters.values() if m.portfolio for p in [m.portfolio]}
    named |= set(rule.forbidden)
    doc = {"organisation": org.id, "file": display_name(org_file), "institution": inst.id,
           "forbidden": list(rule.forbidden), "forbidden_cite": rule.forbidden_cite,
           "unnamed_portfolios": sorted({p for m in org.members for p in m.portfolios} - named),
           "readings": rows, "ok": not rows[0]["violations"]}
    if as_json:
        emit_json(doc)
    else:
        echo(_check_text(doc))
    if not doc["ok"]:
        sys.exit(1)


def _reading_part(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (list(map(list, v)) if k == "pairs" else list(v) if isinstance(v, tuple) else v)
            for k, v in d.items()}


def _answer_text(kind: str, a: Mapping[str, Any]) -> str:
    if a["status"] == "unknown":
        return f"{kind}: unknown ({a['reason']})"
    if a["status"] == "unsat":
        return f"{kind}: NO valid assignment exists [{'; '.join(a['core'])}]"
    owner = ", ".join(f"{p}->{w or 'nobody'}" for p, w in a["owner"].items())
    if a["holder"] is None:
        return f"{kind}: a valid assignment exists ({owner})"
    return f"{kind}: {a['holder']} can run {a['count']} of them ({owner})"


def _check_text(doc: Mapping[str, Any]) -> str:
    lines = [f"board {doc['organisation']} against {doc['institution']}: the leader may not run "
             f"{', '.join(doc['forbidden'])} [{doc['forbidden_cite']}]"]
    if doc["unnamed_portfolios"]:
        lines.append("portfolios no rule of the file names (nothing to check; mind the spelling): "
                     + ", ".join(doc["unnamed_portfolios"]))
    for row in doc["readings"]:
        lines.append(f"reading {row['reading']}{' (default)' if row['default'] else ''}: "
                     f"{row['runners']['note']}; {row['four_eyes']['note']}")
        lines.extend(f"  VIOLATION: {v['text']}" for v in row["violations"])
        if not row["violations"]:
            lines.append("  the board's assignment breaks nothing")
        lines.append("  " + _answer_text("any valid assignment", row["exists"]))
        lines.append("  " + _answer_text("most in one hand", row["most_concentrated"]))
    return "\n".join(lines)


@board.command("recusal")
@click.argument("org_file", type=_ORG)
@click.option("--institution", required=True, help="Institution id or rule-file path.")
@click.option("--involved", multiple=True, required=True, metavar="PERSON",
              help="A person the item involves (a member or a related person; repeatable, "
                   "or comma-separated).")
@click.option("--body", default=None, help="The deciding body (with --matter).")
@click.option("--matter", default=None,
              help="The matter category: decide the meeting left after the recusal.")
@click.option("--below-quorum", is_flag=True,
              help="With --smallest: only sets that leave the meeting below quorum (or with "
                   "nobody left), not merely unable to pass.")
@click.option("--kin-reading", default=None,
              help="Only this reading of the clause's relatives (default: every reading).")
@click.option("--smallest", is_flag=True,
              help="With --matter: the fewest related outsiders whose involvement leaves the "
                   "body unable to pass the item.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (schema: docs/schemas/board-recusal.schema.json).")
@user_errors
def recusal_cmd(org_file: str, institution: str, involved: tuple[str, ...], body: str | None,
                matter: str | None, below_quorum: bool, kin_reading: str | None,
                smallest: bool, as_json: bool) -> None:
    """Who must recuse when PERSONs are involved, with relation path and clause."""
    org = load_organisation(org_file)
    inst = load_institution(institution)
    rule = rule_for(inst.id)
    people = tuple(p for item in involved for p in item.split(",") if p)
    readings = [rule.reading(kin_reading)] if kin_reading else list(rule.readings)
    where = _body_matter(inst, body, matter, smallest)
    required, cite = _required(inst, where)
    rows = []
    for r in readings:
        rec = recusing_members(org, people, rule, r.name)
        row: dict[str, Any] = {"reading": r.name, "default": r == rule.readings[0],
                               "source": r.source, "recusals": [_recusal_dict(x) for x in rec],
                               "impact": None, "smallest": None}
        if where is not None and required:
            gone = sorted({x.member for x in rec})
            row["impact"] = _impact_dict(impact(org, inst, *where, gone))
            if smallest:
                row["smallest"] = _smallest(org, inst, where, rule, r.name, below_quorum)
        rows.append(row)
    doc = {"organisation": org.id, "file": display_name(org_file), "institution": inst.id,
           "involved": list(people), "cite": rule.cite, "quote": rule.quote,
           "open_term": rule.open_term,
           "matter": None if where is None else {"body": where[0], "matter": where[1],
                                                 "recusal_required": required,
                                                 "recusal_cite": cite},
           "readings": rows}
    if as_json:
        emit_json(doc)
    else:
        echo(_recusal_text(doc))


def _body_matter(inst: Institution, body: str | None, matter: str | None,
                 smallest: bool) -> tuple[str, str] | None:
    if matter is None:
        if body is not None or smallest:
            flag = "--body" if body is not None else "--smallest"
            raise QuorumlabError(flag, f"{flag} needs a matter",
                                 fix=f"add --matter, one of {', '.join(inst.matters)}")
        return None
    if body is None:
        bodies = [b for b, m in inst.pairs() if m == matter]
        if len(bodies) != 1:
            raise QuorumlabError("--matter", f"{len(bodies)} bodies of {inst.id!r} decide "
                                 f"matter {matter!r}", fix="name one with --body: "
                                 + ", ".join(bodies or list(inst.bodies)))
        body = bodies[0]
    inst.ruleset(body, matter)  # a one-line error for an unknown body or matter
    return body, matter


def _required(inst: Institution, where: tuple[str, str] | None) -> tuple[bool, str]:
    if where is None:
        return False, ""
    rs = inst.ruleset(*where)
    values = {rs.spec(c).recusal for c in rs.choices()}
    return "required" in values, rs.citation("recusal")


def _recusal_dict(x: Recusal) -> dict[str, Any]:
    return {"member": x.member, "person": x.person, "relation": x.relation,
            "category": x.category, "path": list(x.path), "steps": list(x.steps),
            "cite": x.cite, "reading": x.reading, "inferred": x.inferred,
            "text": x.describe()}


def _impact_dict(im: Impact) -> dict[str, Any]:
    return {"recusing": list(im.recusing),
            "rows": [{"attendance": r.attendance, "reading": dict(r.reading),
                      "outcome": r.outcome} for r in im.rows],
            "below_quorum": im.below_quorum, "disabled": im.disabled}


def _smallest(org: Organisation, inst: Institution, where: tuple[str, str], rule: RecusalRule,
              reading: str, below_quorum: bool) -> list[dict[str, Any]]:
    out = []
    target = {"target": ("no_quorum", "not_held")} if below_quorum else {}
    for attendance in ATTENDANCE:
        d = smallest_disabling(org, inst, *where, rule, reading, attendance, **target)
        out.append({"attendance": attendance,
                    "target": "below_quorum" if below_quorum else "not_passed",
                    "outsiders": None if d is None else list(d.outsiders),
                    "recusing": None if d is None else sorted({r.member for r in d.recusals}),
                    "outcome": None if d is None else d.outcome,
                    "rule_reading": None if d is None else dict(d.reading)})
    return out


def _recusal_text(doc: Mapping[str, Any]) -> str:
    lines = [f"{doc['institution']}: {doc['quote']} [{doc['cite']}]",
             f"involved: {', '.join(doc['involved'])}"]
    m = doc["matter"]
    if m is not None and not m["recusal_required"]:
        lines.append(f"{m['body']} / {m['matter']}: this matter has no recusal rule "
                     f"[{m['recusal_cite']}]")
    for row in doc["readings"]:
        lines.append(f"{doc['open_term']} read as {row['reading']}"
                     f"{' (default)' if row['default'] else ''}: {row['source']}")
        lines.extend(f"  {x['text']}" for x in row["recusals"])
        if not row["recusals"]:
            lines.append("  nobody must recuse")
        if row["impact"] is not None:
            for attendance in ATTENDANCE:
                outs = sorted({r["outcome"] for r in row["impact"]["rows"]
                               if r["attendance"] == attendance})
                lines.append(f"  {m['body']} / {m['matter']} after the recusal ({attendance}): "
                             f"the most favourable meeting ends {' or '.join(outs)}")
        for s in row["smallest"] or ():
            what = "leaves it below quorum" if s["target"] == "below_quorum" else "disables it"
            found = (f"no set of related outsiders {what}" if s["outsiders"] is None else
                     f"involving {', '.join(s['outsiders'])} makes {', '.join(s['recusing'])} "
                     f"recuse: {s['outcome']}")
            lines.append(f"  fewest outsiders ({s['attendance']}): {found}")
    return "\n".join(lines)


def register(group: click.Group) -> None:
    """Add the ``board`` group to the ``quorumlab`` command."""
    group.add_command(board)
