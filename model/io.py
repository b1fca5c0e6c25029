"""Meeting files: JSON or TOML in, JSON out (the same format both ways).

Format (see README, "Meeting files"; its shape is :class:`~model.meeting_schema.MeetingFile`,
as JSON Schema in ``docs/schemas/meeting-file.schema.json``)::

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

A relative rule-file path in ``institution`` is read from the meeting file's folder (from
the working folder when the meeting comes from standard input), and nowhere else.

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
>>> meeting_from_dict({"institution": "no_rules.toml", "body": "b", "matter": {"category": "c"},
...                    "members": [{"id": "a", "role": "leader"}], "present": ["a"]},
...                   base_dir=Path("meetings"))
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'institution': rule file 'meetings/no_rules.toml' not found (a relative path is read from the meeting file's folder) (fix: correct the path, or use a built-in id: alxa_medical_security_bureau, city_medical_security_bureau, prefecture_medical_security_party_group, taobei_district_government, xiuzhou_district)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.datafile import STDIN, display_name, read_data_file
from model.errors import MeetingFileError, QuorumlabError
from model.kinship import recusals
from model.limits import enforce
from model.loader import builtin_ids
from model.meeting import MatterFacts, Meeting, Member, Vote
from model.meeting_schema import MeetingFile
from model.schema import check

__all__ = ["load_meeting", "meeting_from_dict", "meeting_to_dict", "dump_meeting"]


def load_meeting(path: str | Path) -> Meeting:
    """Read a meeting file (``.json`` or ``.toml``); errors name the file and the field.

    A relative rule-file path in ``institution`` is read from the meeting file's folder.
    ``-`` reads the meeting from standard input (JSON, or TOML if it is not JSON); errors
    then name ``<stdin>``, and a relative rule-file path is read from the working folder."""
    stdin = str(path) == STDIN
    data = read_data_file(STDIN if stdin else Path(path), MeetingFileError, default="JSON")
    try:
        meeting = meeting_from_dict(data, base_dir=None if stdin else Path(path).parent)
    except QuorumlabError as err:
        raise err.at(display_name(path)) from None
    return meeting


def meeting_from_dict(data: Any, base_dir: Path | None = None) -> Meeting:
    """Build and validate a :class:`Meeting` from its JSON/TOML mapping.

    The shape is checked by :class:`~model.meeting_schema.MeetingFile`, the references
    between fields by :class:`Meeting`.  A relative rule-file path in ``institution`` is
    read from ``base_dir`` (the meeting file's folder), or from the working folder when
    ``base_dir`` is None."""
    raw = check(MeetingFile, data, MeetingFileError)
    institution = _institution(raw.institution, base_dir)
    board = _board(raw, institution, base_dir)
    members = board.members if board else tuple(
        Member(x.id, x.role, tuple(x.portfolios)) for x in raw.members)
    enforce("board_members", len(members), MeetingFileError, "members")
    ids = [m.id for m in members]
    if {"present", "absent"} <= raw.model_fields_set:
        raise MeetingFileError("absent", "give 'present' or 'absent', not both",
                               fix="keep one of the two lists")
    if "absent" in raw.model_fields_set:
        unknown = sorted(set(raw.absent) - set(ids))
        if unknown:
            raise MeetingFileError("absent", f"unknown member id {unknown[0]!r}",
                                   fix=f"use one of {', '.join(ids)}")
        present = frozenset(i for i in ids if i not in raw.absent)
    else:
        present = frozenset(raw.present)
    m = raw.matter
    return Meeting(
        institution=institution,
        body=raw.body,
        matter=MatterFacts(m.category, m.amount, m.portfolio, tuple(m.persons_involved),
                           m.emergency, m.ad_hoc, m.unclear),
        members=members,
        present=present,
        recused=frozenset(raw.recused),
        written_opinions=_votes(raw.written_opinions, "written_opinions"),
        speaking_order=None if raw.speaking_order is None else tuple(raw.speaking_order),
        votes=_votes(raw.votes, "votes"),
        chair=raw.chair,
        vote_called=raw.vote_called,
        **(board.fields() if board else {}),
    )


@dataclass(frozen=True)
class _Board:
    """What an organisation file gives a meeting: its members, the related people who are
    not members, and the members who must recuse through a family tie."""

    path: str
    members: tuple[Member, ...]
    people: frozenset[str]
    kin: tuple[Any, ...]
    kin_reading: str | None

    def fields(self) -> dict[str, Any]:
        return {"organisation": self.path, "people": self.people, "kin": self.kin,
                "kin_reading": self.kin_reading}


def _board(raw: MeetingFile, institution: str, base_dir: Path | None) -> _Board | None:
    """Read the organisation file the meeting refers to (relative to ``base_dir``, like a
    rule file) and work out who must recuse through the seed's recusal relation."""
    from model.kinship import RULES
    from model.loader import load_institution
    from model.organisation import load_organisation

    if not raw.organisation:
        if not raw.members:
            raise MeetingFileError("members", "no members", fix='write "members": [{"id": "m1", '
                                   '"role": "leader"}, ...], or "organisation": "board.toml"')
        if raw.kinship_reading:
            raise MeetingFileError("kinship_reading", "a kinship reading needs an organisation "
                                   "file", fix='add "organisation": "board.toml", or leave out '
                                   "kinship_reading")
        return None
    if raw.members:
        raise MeetingFileError("organisation", "give 'members' or 'organisation', not both",
                               fix="keep one of the two (the organisation file lists the members)")
    ref = raw.organisation
    path = base_dir / ref if base_dir is not None and not Path(ref).is_absolute() else Path(ref)
    if not path.is_file():
        folder = "the meeting file's folder" if base_dir is not None else "the working folder"
        raise MeetingFileError("organisation", f"organisation file {str(path)!r} not found (a "
                               f"relative path is read from {folder})", fix="correct the path")
    try:
        org = load_organisation(path)
    except QuorumlabError as err:
        where = f", field {err.field!r}" if err.field else ""
        raise MeetingFileError("organisation", f"{path.name}{where}: {err.message}",
                               fix=err.fix or "correct the organisation file") from None
    known = {*org.member_ids, *org.outsiders}
    for p in raw.matter.persons_involved:
        if p not in known:
            raise MeetingFileError("matter.persons_involved", f"unknown person {p!r} (not in "
                                   f"the organisation file {str(path)!r})",
                                   fix="name a member or a related person of that file: "
                                   + ", ".join(sorted(known)))
    inst_id = load_institution(institution).id
    rule = RULES.get(inst_id)
    if rule is None:
        if raw.kinship_reading:
            raise MeetingFileError("kinship_reading", f"{inst_id!r} has no recusal clause over "
                                   "relatives", fix="leave out kinship_reading (use it with "
                                   + " or ".join(RULES) + ")")
        kin: tuple[Any, ...] = ()
    else:
        names = [r.name for r in rule.readings]
        if raw.kinship_reading and raw.kinship_reading not in names:
            raise MeetingFileError("kinship_reading", f"{inst_id!r} has no kinship reading "
                                   f"{raw.kinship_reading!r}", fix=f"use one of {', '.join(names)}")
        kin = tuple(recusals(org.kin, org.member_ids, raw.matter.persons_involved, rule,
                             raw.kinship_reading or None, field="matter.persons_involved"))
    return _Board(str(path), org.members, frozenset(org.outsiders), kin,
                  raw.kinship_reading or None)


def _votes(words: Mapping[str, str], key: str) -> dict[str, Vote]:
    return {k: Vote.parse(w, f"{key}.{k}") for k, w in words.items()}


def _institution(ref: str, base_dir: Path | None) -> str:
    """A built-in id as written; a rule-file path (``*.toml``) read from ``base_dir`` if it
    is relative, else from the working folder; a missing rule file is an error here."""
    if not ref.endswith(".toml"):
        return ref  # a built-in id (the loader lists them if it is none of them)
    relative = not Path(ref).is_absolute()
    path = base_dir / ref if relative and base_dir is not None else Path(ref)
    if not path.is_file():
        folder = "the meeting file's folder" if base_dir is not None else "the working folder"
        read = f" (a relative path is read from {folder})" if relative else ""
        raise MeetingFileError("institution", f"rule file {str(path)!r} not found{read}",
                               fix="correct the path, or use a built-in id: "
                               + ", ".join(builtin_ids()))
    return str(path)


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
        **({"kinship_reading": m.kin_reading} if m.kin_reading else {}),
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
    if m.organisation is not None:  # the organisation file lists the members
        del out["members"]
        out = {"organisation": m.organisation, **out}
    return out


def dump_meeting(m: Meeting) -> str:
    return json.dumps(meeting_to_dict(m), ensure_ascii=False, indent=2)
