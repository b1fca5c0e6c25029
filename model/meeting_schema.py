"""The shape of a meeting file, as a strict, closed pydantic schema.

The format is documented in :mod:`model.io` and the README ("Meeting files").  This
module says what each field may hold: ids are strings, lists of ids are lists, facts of
the matter are ``true``/``false`` (``"false"`` is an error, not true), amounts are whole
numbers ≥ 0, roles and positions come from fixed lists, and no other key is allowed.
What a schema cannot say — an id that must name a member, a vote only a present member
may cast — :class:`~model.meeting.Meeting` checks when it is built.

:func:`meeting_file_json_schema` gives the same schema as JSON Schema; it is committed as
``docs/schemas/meeting-file.schema.json`` for editors that complete and check.

Examples
--------
>>> from model.errors import MeetingFileError
>>> from model.schema import check
>>> doc = {"institution": "xiuzhou_district", "body": "leadership",
...        "matter": {"category": "personnel", "ad_hoc": "false"},
...        "members": [{"id": "a", "role": "leader"}], "present": ["a"]}
>>> check(MeetingFile, doc, MeetingFileError, file="m.json")
Traceback (most recent call last):
...
model.errors.MeetingFileError: m.json: field 'matter.ad_hoc': should be true or false, got 'false' (fix: write ad_hoc = true or false, without quotes)
>>> doc["matter"] = {"category": "personnel"}
>>> doc["members"] = [{"id": "a", "role": "leader", "portfolios": "personnel"}]
>>> check(MeetingFile, doc, MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'members[0].portfolios': should be a list, got 'personnel' (fix: write "portfolios": ["personnel", "finance"])
>>> doc["members"] = [{"id": "a", "role": "leader"}]
>>> doc["votes"] = {"a": "YES"}
>>> check(MeetingFile, doc, MeetingFileError).votes
{'a': 'YES'}
>>> doc["votes"] = {"a": "maybe"}
>>> check(MeetingFile, doc, MeetingFileError)
Traceback (most recent call last):
...
model.errors.MeetingFileError: field 'votes.a': 'maybe' is not a vote (fix: use one of yes, no, abstain, defer (or none); 同意/赞成, 不同意/反对, 弃权, 暂缓/缓议)
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, WithJsonSchema

from model.meeting import VOTE_WORDS
from model.schema import Strict, fail, json_schema

__all__ = ["MeetingFile", "MatterSchema", "MemberSchema", "meeting_file_json_schema"]

_VOTE_FIX = "use one of yes, no, abstain, defer (or none); 同意/赞成, 不同意/反对, 弃权, 暂缓/缓议"


def _vote_word(text: str) -> str:
    if text.lower() not in VOTE_WORDS:
        raise fail(f"{text!r} is not a vote", _VOTE_FIX)
    return text


def _any_case(word: str) -> str:
    """A regular expression for ``word`` in any letter case (JSON Schema has no flag for it)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else re.escape(c)
                   for c in word)


VoteWord = Annotated[str, AfterValidator(_vote_word), WithJsonSchema({
    "type": "string", "pattern": f"^({'|'.join(map(_any_case, VOTE_WORDS))})$",
    "examples": list(VOTE_WORDS),
    "description": "a stated position, in any letter case: " + ", ".join(VOTE_WORDS)})]
"""A position as a meeting file writes it (``"yes"``, ``"同意"``, ...); :meth:`Vote.parse` reads it."""

Id = Annotated[str, Field(min_length=1)]
"""A member id."""


def _ids(fix: str, description: str) -> Any:
    return Field(default_factory=list, description=description, json_schema_extra={"fix": fix})


class MatterSchema(Strict):
    """The item on the agenda."""

    category: Id = Field(description="the matter category, as the rule file names it")
    amount: int | None = Field(None, ge=0, description="the item's amount in whole yuan",
                               json_schema_extra={"fix": 'write "amount": 6000 (whole yuan)'})
    portfolio: str | None = Field(None, description="the portfolio (分管) the item belongs to")
    persons_involved: list[Id] = _ids('write "persons_involved": ["m3"]',
                                      "people the item concerns: members (they must recuse) "
                                      "or, with an organisation file, related people who are "
                                      "not members (their relatives on the board must recuse)")
    emergency: bool = Field(False, description="an emergency (紧急情况)")
    ad_hoc: bool = Field(False, description="raised without notice (临时动议)")
    unclear: bool = Field(False, description="a major question is still unclear (重大问题尚不清楚)")


class MemberSchema(Strict):
    """A voting member of the body."""

    id: Id = Field(description="the member's id, unique on the board")
    role: Literal["leader", "deputy", "member"] = Field(
        "member", description="leader (一把手, exactly one), deputy (副职) or member")
    portfolios: list[str] = Field(default_factory=list, description="portfolios the member runs",
                                  json_schema_extra={"fix": 'write "portfolios": ["personnel", '
                                                     '"finance"]'})


class MeetingFile(Strict):
    """A meeting file: the body, the item, the members and what each did."""

    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"not": {"required": ["present", "absent"]}},
        {"oneOf": [{"required": ["members"]}, {"required": ["organisation"]}]}]})

    institution: Id = Field(description="a built-in institution id, or a rule-file path "
                            "(relative to the meeting file's folder)")
    body: Id = Field(description="the body that meets, as the rule file names it")
    matter: MatterSchema = Field(description="the item on the agenda")
    members: list[MemberSchema] = Field(
        default_factory=list, min_length=1, description="the voting members (give this or organisation)",
        json_schema_extra={"fix": 'write "members": [{"id": "m1", "role": "leader"}, ...]'})
    organisation: Id = Field(
        "", description="an organisation file (members, portfolios, relatives; relative to "
        "the meeting file's folder) instead of members",
        json_schema_extra={"fix": 'write "organisation": "board.toml"'})
    kinship_reading: Id = Field(
        "", description="with an organisation file: the named reading of the seed's "
        "relatives (亲属 / 近亲属) that decides who must recuse (default: the clause's first)",
        json_schema_extra={"fix": 'write "kinship_reading": "civil_code" (see quorumlab board '
                           'recusal)'})
    present: list[Id] = _ids('write "present": ["m1", "m2"]',
                             "members present (give this or absent, not both)")
    absent: list[Id] = _ids('write "absent": ["m3"]', "members absent (all others are present)")
    recused: list[Id] = _ids('write "recused": ["m3"]', "present members who leave the item (回避)")
    written_opinions: dict[Id, VoteWord] = Field(
        default_factory=dict, description="absent members' written opinions (书面意见)",
        json_schema_extra={"fix": 'write "written_opinions": {"m6": "no"}'})
    speaking_order: list[Id] | None = Field(
        None, description="who stated a position, in order",
        json_schema_extra={"fix": 'write "speaking_order": ["m1", "m2", "sec"]'})
    votes: dict[Id, VoteWord] = Field(
        default_factory=dict, description="stated positions; a present member with none was silent",
        json_schema_extra={"fix": 'write "votes": {"m1": "yes", "m2": "no"}'})
    chair: Id | None = Field(None, description="the presiding member (default: the leader)")
    vote_called: bool = Field(True, description="the chair put the item to a vote")
    note: str | None = Field(None, description="free text, ignored")


def meeting_file_json_schema() -> dict[str, Any]:
    """The JSON Schema of a meeting file (``docs/schemas/meeting-file.schema.json``).

    >>> s = meeting_file_json_schema()
    >>> s["title"], s["additionalProperties"], sorted(s["required"])
    ('quorumlab meeting file', False, ['body', 'institution', 'matter'])
    """
    return {**json_schema(MeetingFile, "quorumlab meeting file"),
            "$id": "https://quorumlab.invalid/schemas/meeting-file.schema.json"}

