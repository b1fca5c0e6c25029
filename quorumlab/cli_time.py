"""The ``order`` and ``stall`` commands: a meeting's procedure order, and one item over time.

``quorumlab order ID --body B --matter M`` orders a meeting's steps and its members'
statements under the rule file's speaking rules (``owner_speaks_first``, ``last_speaker``)
and the seed's step list: one valid order and how many there are, or the fewest named,
cited constraints that clash.  The board is ``--board ORG_FILE`` (an organisation file) or
``m0..m{n-1}`` (``--n``; ``m0`` leads, ``--owner`` runs the matter's portfolio, default
``m1``).  Every distinct speaking rule the open points allow is answered (or only
``--reading``'s).  Exit status 1 when the default reading admits no order.

``quorumlab stall ID --body B --matter M --meetings K`` asks, for each reading of how
often an item may be deferred, how many meetings the chair (``--who chair``, with the
members not among ``--backers``) or a minority staying away (``--who minority``) can keep
a majority-backed item from passing; ``--amended FILE --from J`` puts an amended rule file
in force from meeting J, answered under both readings of which version governs a pending
item.

Both take ``--json``.  A user error is one line on stderr, exit status 2.

Examples
--------
>>> from click.testing import CliRunner
>>> r = CliRunner().invoke(time_commands[0], ["alxa_medical_security_bureau", "--body",
...     "leadership", "--matter", "finance", "--n", "3", "--owner", "m0"])
>>> r.exit_code
1
>>> print(r.output)  # doctest: +ELLIPSIS
alxa_medical_security_bureau / leadership / finance: steps 事前沟通 → 议题表述 → 充分讨论 → 决议形成 → 如实记录 → 备案存档 [seed 000, 第三条(二)]
the rules (default): NO valid order; these constraints clash:
  last_speaker: m0 (the leader) states his position after every other speaker [seed 000, 第三条(二)]
  m0 runs finance [--owner m0]
  owner_speaks_first: m0 (runs finance) states his position before every other speaker [seed 000, 第三条(二)]
<BLANKLINE>
>>> r = CliRunner().invoke(time_commands[1], ["alxa_medical_security_bureau", "--body",
...     "leadership", "--matter", "finance", "--meetings", "0"])
>>> r.exit_code, r.output.strip()
(2, "error: field '--meetings': 0 is not a whole number >= 1 (fix: write e.g. --meetings 3)")
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

import click

from model.datafile import display_name
from model.errors import QuorumlabError
from model.io import meeting_to_dict
from model.loader import load_institution
from model.meeting import Member
from model.organisation import load_organisation
from model.procedure import OrderAnswer, order_problem, order_readings, procedure_for, solve_order
from model.rules import RuleSet
from proofs.history import (
    GOVERNS,
    Amendment,
    LongestStall,
    StallQuestion,
    defer_limits,
    longest_stall,
)
from proofs.options import milliseconds
from quorumlab.console import echo, emit_json
from quorumlab.errors import BODY_FLAGS, as_flags, user_errors
from quorumlab.params import SECONDS, WholeNumber
from quorumlab.readings import full_choice, reading_option

__all__ = ["order", "stall", "register", "time_commands"]

SPEAKING = {"last_speaker", "owner_speaks_first"}


def _ruleset(institution: str, body: str, matter: str, flag: str | None = None) -> RuleSet:
    """The rules of ``body`` / ``matter``; errors name ``flag`` when it gave the rule file."""
    with as_flags({"institution": flag} if flag else {}):
        inst = load_institution(institution)
    with as_flags({k: flag for k in BODY_FLAGS} if flag else BODY_FLAGS):
        return inst.ruleset(body, matter)


def _board(n: int, owner: str | None, portfolio: str | None) -> tuple[Member, ...]:
    ids = [f"m{i}" for i in range(n)]
    owner = owner if owner is not None else ("m1" if n > 1 else None)
    if owner is not None and owner not in ids:
        raise QuorumlabError("--owner", f"unknown member {owner!r}", fix=f"use one of {', '.join(ids)}")
    return tuple(Member(i, "leader" if i == "m0" else "member",
                        (portfolio,) if portfolio and i == owner else ()) for i in ids)


@click.command("order")
@click.argument("institution")
@click.option("--body", required=True, help="The deliberating body.")
@click.option("--matter", required=True, help="The matter category.")
@click.option("--board", "board_file", type=click.Path(dir_okay=False, allow_dash=True),
              default=None, help="An organisation file (members, roles, portfolios).")
@click.option("--n", type=WholeNumber(1, 5, "--n", limit="check_size"), default=5,
              show_default=True, help="Without --board: members m0..m{n-1}, m0 the leader.")
@click.option("--owner", default=None, help="Without --board: who runs the matter's portfolio "
              "(default m1).")
@click.option("--absent", multiple=True, metavar="MEMBER", help="A member who is absent "
              "(states nothing; repeatable).")
@click.option("--chair", default=None, help="The presiding member (default: the leader).")
@reading_option()
@click.option("--timeout", type=SECONDS, default=10.0, show_default=True,
              help="Seconds per solver question.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@user_errors
def order(institution: str, body: str, matter: str, board_file: str | None, n: int,
          owner: str | None, absent: tuple[str, ...], chair: str | None,
          reading: dict[str, str], timeout: float, as_json: bool) -> None:
    """One valid order of a meeting's steps and statements, or the clauses that clash."""
    rs = _ruleset(institution, body, matter)
    pf = rs.info.portfolio if rs.info else None
    if board_file is not None:
        members = load_organisation(board_file).members
        source = display_name(board_file)
        if owner is not None:
            raise QuorumlabError("--owner", "--owner is for a generated board",
                                 fix="set the portfolios in the --board file")
    else:
        members = _board(n, owner, pf)
        source = f"--owner {owner}" if owner else "--owner (default m1)"
    ids = [m.id for m in members]
    for a in absent:
        if a not in ids:
            raise QuorumlabError("--absent", f"unknown member {a!r}", fix=f"use one of {', '.join(ids)}")
    speakers = tuple(i for i in ids if i not in absent)
    choices = [full_choice(rs, reading)] if reading else order_readings(rs)
    ms = milliseconds(timeout)
    rows = []
    for k, choice in enumerate(choices):
        with as_flags({"speakers": "--absent", "chair": "--chair"}):
            p = order_problem(rs, members, choice, speakers=speakers, chair=chair,
                              source=source)
        a = solve_order(p, ms)
        shown = {pt.field: choice[pt.field] for pt in rs.points
                 if SPEAKING & {pt.field, *pt.fields} and pt.field in choice}
        rows.append({"reading": choice, "speaking_reading": shown,
                     "default": k == 0 and not reading,
                     "last_speaker": p.spec.last_speaker,
                     "owner_speaks_first": p.spec.owner_speaks_first, **_answer(a),
                     "constraints": [str(c) for c in p.constraints]})
    proc = procedure_for(rs.institution, rs.body)
    doc = {"institution": rs.institution, "body": rs.body, "matter": rs.matter,
           "steps": [{"name": s.name, "cite": s.cite} for s in proc.steps],
           "speaking_steps": [s.name for s in proc.steps[proc.speaking[0]:proc.speaking[1] + 1]],
           "speakers": list(speakers), "readings": rows}
    if as_json:
        emit_json(doc)
    else:
        echo(_order_text(doc))
    if rows[0]["status"] == "unsat":
        sys.exit(1)


def _answer(a: OrderAnswer) -> dict[str, Any]:
    return {"status": a.status, "order": list(a.order), "count": a.count,
            "count_is_lower_bound": a.capped, "core": [str(c) for c in a.core],
            "reason": a.reason}


def _order_text(doc: Mapping[str, Any]) -> str:
    steps = doc["steps"]
    head = f"{doc['institution']} / {doc['body']} / {doc['matter']}: "
    if steps:
        cites = list(dict.fromkeys(s["cite"] for s in steps))
        cites = cites[0] if len(cites) == 1 else f"{cites[0]} … {cites[-1]}"
        head += f"steps {' → '.join(s['name'] for s in steps)} [{cites}]"
    else:
        head += "the text lists no steps; statements only"
    lines = [head]
    for row in doc["readings"]:
        name = ", ".join(f"reading {k}={v}" for k, v in row["speaking_reading"].items()) \
            or "the rules"
        name += " (default)" if row["default"] else ""
        if row["status"] == "unsat":
            lines.append(f"{name}: NO valid order; these constraints clash:")
            lines.extend(f"  {c}" for c in row["core"])
        elif row["status"] == "unknown":
            lines.append(f"{name}: unknown ({row['reason']})")
        else:
            many = f"at least {row['count']}" if row["count_is_lower_bound"] else str(row["count"])
            lines.append(f"{name}: {many} valid order(s), e.g. {' → '.join(row['order'])}")
    return "\n".join(lines)


@click.command("stall")
@click.argument("institution")
@click.option("--body", required=True, help="The deliberating body.")
@click.option("--matter", required=True, help="The matter category.")
@click.option("--meetings", type=WholeNumber(1, 3, "--meetings", limit="history_meetings"),
              default=4, show_default=True, help="The most meetings to look at (k).")
@click.option("--n", type=WholeNumber(3, 5, "--n", limit="check_size"), default=5,
              show_default=True, help="Board size (m0 the leader and chair, m1 the owner).")
@click.option("--who", type=click.Choice(["chair", "minority"]), default="chair",
              show_default=True, help="Who stalls.")
@click.option("--backers", type=WholeNumber(1, 4, "--backers"), default=None,
              help="--who chair: members m1..mB back the item (default n - 1).")
@click.option("--minority", type=WholeNumber(1, 2, "--minority"), default=None,
              help="--who minority: the last S members stall (default (n - 1) // 2).")
@reading_option()
@click.option("--amended", default=None, help="An amended rule file (id or path) ...")
@click.option("--from", "start", type=WholeNumber(2, 2, "--from"), default=None,
              help="... in force from this meeting on (1-based).")
@click.option("--timeout", type=SECONDS, default=20.0, show_default=True,
              help="Seconds per solver question.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@user_errors
def stall(institution: str, body: str, matter: str, meetings: int, n: int, who: str,
          backers: int | None, minority: int | None, reading: dict[str, str],
          amended: str | None, start: int | None, timeout: float, as_json: bool) -> None:
    """How long can the chair, or a minority staying away, keep a majority-backed item
    from passing?"""
    rs = _ruleset(institution, body, matter)
    choice = full_choice(rs, reading)
    amendment = None
    if (amended is None) != (start is None):
        raise QuorumlabError("--from" if amended else "--amended", "--amended and --from go "
                             "together", fix="give both, e.g. --amended new.toml --from 2")
    if amended is not None and start is not None:
        new = _ruleset(amended, body, matter, "--amended")
        amendment = Amendment(new, start, next(iter(new.choices()), {}))
    ms = milliseconds(timeout)
    rows = []
    for governs in (GOVERNS if amendment else GOVERNS[:1]):
        q = StallQuestion(rs, n, who, backers, minority, choice, amendment, governs)
        for limit in defer_limits(rs):
            rows.append(_stall_row(longest_stall(q, meetings, limit, ms), governs, amendment))
    doc = {"institution": rs.institution, "body": rs.body, "matter": rs.matter, "n": n,
           "who": who, "stallers": [f"m{i}" for i in q.stallers()], "reading": choice,
           "bound": meetings, "amended": amended, "from": start, "rows": rows}
    if as_json:
        emit_json(doc)
    else:
        echo(_stall_text(doc))


def _stall_row(r: LongestStall, governs: str, amendment: Amendment | None) -> dict[str, Any]:
    w = r.witness
    return {"defer_limit": r.limit.name, "cite": r.limit.cite, "note": r.limit.note,
            "governs": governs if amendment else None, "verdict": r.verdict,
            "meetings": r.meetings,
            "reason": r.answers[-1].reason,
            "history": [] if w is None else [
                {"outcome": x.outcome.label, "note": x.note, "meeting": meeting_to_dict(x.meeting)}
                for x in w.meetings]}


def _stall_text(doc: Mapping[str, Any]) -> str:
    who = ("the chair m0 with " + (", ".join(doc["stallers"]) or "nobody else")
           if doc["who"] == "chair" else "the minority " + ", ".join(doc["stallers"]))
    lines = [f"{doc['institution']} / {doc['body']} / {doc['matter']}, n = {doc['n']}: can "
             f"{who} keep the item from passing (up to {doc['bound']} meetings)?"]
    if doc["reading"]:
        lines.append("rule readings: " + ", ".join(f"{k}={v}" for k, v in doc["reading"].items()))
    for row in doc["rows"]:
        head = f"deferral {row['defer_limit']} [{row['cite']}: {row['note']}]"
        if row["governs"]:
            head += f", the rules of the {row['governs'].replace('_', ' ')} govern"
        killed = bool(row["history"]) and row["history"][-1]["outcome"] == "rejected"
        verdict = {"forever": "kept from passing FOR EVER (rejected: the item is closed)" if killed
                   else "stalled FOR EVER (a meeting of the history can repeat)",
                   "at_least": f"stalled for at least {row['meetings']} meetings",
                   "passes_by": f"passes by meeting {row['meetings'] + 1} at the latest"
                   + ("; the longest stall:" if row["meetings"] else ""),
                   "unknown": f"unknown ({row['reason']})"}[row["verdict"]]
        lines.append(f"{head}: {verdict}")
        for j, h in enumerate(row["history"]):
            m = h["meeting"]
            votes = " ".join(f"{k}:{v}" for k, v in m.get("votes", {}).items())
            called = "" if m.get("vote_called", True) else ", vote not called"
            note = f" ({h['note']})" if h["note"] else ""
            lines.append(f"  meeting {j + 1}: present {','.join(m['present'])}; {votes}{called}"
                         f" -> {h['outcome']}{note}")
    return "\n".join(lines)


time_commands = (order, stall)


def register(group: click.Group) -> None:
    """Add the ``order`` and ``stall`` commands to the ``quorumlab`` command."""
    for cmd in time_commands:
        group.add_command(cmd)
