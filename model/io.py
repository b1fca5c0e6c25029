"""Meeting files: JSON or TOML in, JSON out (the same format both ways).

Format (see README, "Meeting format")::

    {"institution": "prefecture_medical_security_party_group",   # id, or a rule-file path
     "body": "party_group",
     "matter": {"category": "cadre", "amount": null, "portfolio": "personnel",
                "persons_involved": ["m3"], "emergency": false, "ad_hoc": false,
                "unclear": false},                  # unclear: 重大问题尚不清楚
     "members": [{"id": "sec", "role": "leader", "portfolios": []}, ...],
     "present": ["sec", "m1", ...],          # or "absent": [...]
     "recused": ["m3"],
     "written_opinions": {"m6": "no"},       # absent members only
     "speaking_order": ["m1", "m2", "sec"],  # present, non-recused members
     "votes": {"m1": "yes", "m2": "no"},     # stated positions; a member with none was silent
     "chair": "sec", "vote_called": true}

Examples
--------
>>> from model.meeting import Meeting
>>> m = Meeting.simple("xiuzhou_district", "leadership", "ordinary", n=3, present=3, yes=2)
>>> meeting_from_dict(meeting_to_dict(m)) == m
True
>>> meeting_from_dict({"institution": "x", "body": "b", "matter": {"category": "c"},
...                    "members": [{"id": "a", "role": "leader"}], "present": ["a"],
...                    "votes": {"zz": "yes"}})
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'votes': unknown member id 'zz' (fix: use one of a)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from model.datafile import STDIN, display_name, read_data_file
from model.errors import MeetingFileError, QuorumlabError
from model.meeting import MatterFacts, Meeting, Member, Vote

__all__ = ["load_meeting", "meeting_from_dict", "meeting_to_dict", "dump_meeting"]

_TOP = {"institution", "body", "matter", "members", "present", "absent", "recused",
        "written_opinions", "speaking_order", "votes", "chair", "vote_called", "note"}
_MATTER = {"category", "amount", "portfolio", "persons_involved", "emergency", "ad_hoc", "unclear"}


def load_meeting(path: str | Path) -> Meeting:
    """Read a meeting file (``.json`` or ``.toml``); errors name the file and the field.

    ``-`` reads the meeting from standard input (JSON, or TOML if it is not JSON); errors
    then name ``<stdin>``, and a relative rule-file path in ``institution`` is taken from
    the working folder."""
    stdin = str(path) == STDIN
    data = read_data_file(STDIN if stdin else Path(path), MeetingFileError, default="JSON")
    try:
        meeting = meeting_from_dict(data, base_dir=None if stdin else Path(path).parent)
    except QuorumlabError as err:
        raise err.at(display_name(path)) from None
    return meeting


def _list(data: Mapping[str, Any], key: str) -> list[str]:
    v = data.get(key, [])
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise MeetingFileError(key, f"should be a list of member ids, got {v!r}",
                               fix=f'write "{key}": ["m1", "m2"]')
    return v


def _votes(data: Mapping[str, Any], key: str) -> dict[str, Vote]:
    v = data.get(key, {})
    if not isinstance(v, dict):
        raise MeetingFileError(key, f"should map member ids to votes, got {v!r}",
                               fix=f'write "{key}": {{"m1": "yes"}}')
    return {k: Vote.parse(x, f"{key}.{k}") for k, x in v.items()}


def _flag(matter: Mapping[str, Any], key: str) -> bool:
    """A true/false fact of the matter; "false" (a string) is not false, it is an error."""
    v = matter.get(key, False)
    if not isinstance(v, bool):
        raise MeetingFileError(f"matter.{key}", f"should be true or false, got {v!r}",
                               fix=f'write "{key}": true (or false, without quotes)')
    return v


def meeting_from_dict(data: Mapping[str, Any], base_dir: Path | None = None) -> Meeting:
    """Build and validate a :class:`Meeting` from its JSON/TOML mapping."""
    if not isinstance(data, dict):
        raise MeetingFileError(None, "a meeting file holds one object", fix="wrap it in { ... }")
    unknown = set(data) - _TOP
    if unknown:
        raise MeetingFileError(sorted(unknown)[0], "unknown field", fix=f"use only {sorted(_TOP)}")
    for key in ("institution", "body", "matter", "members"):
        if key not in data:
            raise MeetingFileError(key, "is missing", fix=f'add "{key}"')
    inst = data["institution"]
    if isinstance(inst, str) and inst.endswith(".toml") and base_dir is not None \
            and not Path(inst).is_absolute() and (base_dir / inst).exists():
        inst = str(base_dir / inst)
    matter = data["matter"]
    if not isinstance(matter, dict) or "category" not in matter:
        raise MeetingFileError("matter", f"should be an object with a category, got {matter!r}",
                               fix='write "matter": {"category": "ordinary"}')
    extra = set(matter) - _MATTER
    if extra:
        raise MeetingFileError(f"matter.{sorted(extra)[0]}", "unknown field",
                               fix=f"use only {sorted(_MATTER)}")
    amount = matter.get("amount")
    if amount is not None and (not isinstance(amount, int) or isinstance(amount, bool) or amount < 0):
        raise MeetingFileError("matter.amount", f"should be a whole number of yuan, got {amount!r}",
                               fix='write "amount": 6000')
    members = []
    raw_members = data["members"]
    if not isinstance(raw_members, list):
        raise MeetingFileError("members", "should be a list", fix='write "members": [{"id": "m1"}]')
    for i, m in enumerate(raw_members):
        if not isinstance(m, dict) or "id" not in m:
            raise MeetingFileError(f"members[{i}]", f"should be an object with an id, got {m!r}",
                                   fix='write {"id": "m1", "role": "member"}')
        members.append(Member(str(m["id"]), m.get("role", "member"), tuple(m.get("portfolios", []))))
    ids = [m.id for m in members]
    if "present" in data and "absent" in data:
        raise MeetingFileError("absent", "give 'present' or 'absent', not both",
                               fix="keep one of the two lists")
    if "absent" in data:
        absent = set(_list(data, "absent"))
        unknown_absent = absent - set(ids)
        if unknown_absent:
            raise MeetingFileError("absent", f"unknown member id {sorted(unknown_absent)[0]!r}",
                                   fix=f"use one of {', '.join(ids)}")
        present = frozenset(i for i in ids if i not in absent)
    else:
        present = frozenset(_list(data, "present"))
    order = data.get("speaking_order")
    vote_called = data.get("vote_called", True)
    if not isinstance(vote_called, bool):
        raise MeetingFileError("vote_called", f"should be true or false, got {vote_called!r}",
                               fix='write "vote_called": true')
    return Meeting(
        institution=str(inst),
        body=str(data["body"]),
        matter=MatterFacts(
            category=str(matter["category"]), amount=amount, portfolio=matter.get("portfolio"),
            persons_involved=tuple(_list(matter, "persons_involved")),
            emergency=_flag(matter, "emergency"), ad_hoc=_flag(matter, "ad_hoc"),
            unclear=_flag(matter, "unclear"),
        ),
        members=tuple(members),
        present=present,
        recused=frozenset(_list(data, "recused")),
        written_opinions=_votes(data, "written_opinions"),
        speaking_order=tuple(_list(data, "speaking_order")) if order is not None else None,
        votes=_votes(data, "votes"),
        chair=data.get("chair"),
        vote_called=vote_called,
    )


def meeting_to_dict(m: Meeting) -> dict[str, Any]:
    """The JSON mapping of a meeting (accepted back by :func:`meeting_from_dict`)."""
    order = [x.id for x in m.members]
    out: dict[str, Any] = {
        "institution": m.institution,
        "body": m.body,
        "matter": {"category": m.matter.category, "amount": m.matter.amount,
                   "portfolio": m.matter.portfolio,
                   "persons_involved": list(m.matter.persons_involved),
                   "emergency": m.matter.emergency, "ad_hoc": m.matter.ad_hoc,
                   "unclear": m.matter.unclear},
        "members": [{"id": x.id, "role": x.role, "portfolios": list(x.portfolios)}
                    for x in m.members],
        "present": [i for i in order if i in m.present],
        "recused": [i for i in order if i in m.recused],
        "written_opinions": {i: m.written_opinions[i].name.lower()
                             for i in order if i in m.written_opinions},
        "votes": {i: m.votes[i].name.lower() for i in order if i in m.votes},
        "vote_called": m.vote_called,
    }
    if m.speaking_order is not None:
        out["speaking_order"] = list(m.speaking_order)
    if m.chair is not None:
        out["chair"] = m.chair
    return out


def dump_meeting(m: Meeting) -> str:
    return json.dumps(meeting_to_dict(m), ensure_ascii=False, indent=2)
