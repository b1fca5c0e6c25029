"""One concrete meeting, and the term view of a meeting that the semantics reads.

:class:`Meeting` is what a user writes (JSON or TOML, see README "Meeting format"):
the members, who was present, who recused, how each voted, who spoke when, the
chair's discretionary acts.  :class:`MeetingTerms` is the same meeting as parallel
per-member sequences of *terms*: Python values here, numpy arrays in simulations,
Z3 variables in proofs.  The semantics only ever reads MeetingTerms.

Examples
--------
>>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
...                    n=5, present=4, yes=3)
>>> sorted(m.present), dict(m.votes)["m1"].name
(['m0', 'm1', 'm2', 'm3'], 'YES')
>>> t = m.terms()
>>> t.n, t.leader, list(t.present)
(5, 0, [True, True, True, True, False])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from model.errors import MeetingFileError

if TYPE_CHECKING:
    from model.kinship import Recusal

__all__ = ["Vote", "Outcome", "Member", "MatterFacts", "Meeting", "MeetingTerms", "ROLES",
           "VOTE_WORDS"]

T = TypeVar("T")
ROLES = ("leader", "deputy", "member")
VOTE_WORDS = {"none": "NONE", "yes": "YES", "no": "NO", "abstain": "ABSTAIN", "defer": "DEFER",
              "同意": "YES", "赞成": "YES", "不同意": "NO", "反对": "NO",
              "弃权": "ABSTAIN", "暂缓": "DEFER", "缓议": "DEFER"}
"""What a meeting file may write for a position (any case), and the :class:`Vote` it means."""


class Vote(IntEnum):
    """A member's stated position; NONE for no vote or no written opinion."""

    NONE = 0
    YES = 1
    NO = 2
    ABSTAIN = 3
    DEFER = 4

    @classmethod
    def parse(cls, text: Any, field_name: str) -> Vote:
        if isinstance(text, str) and text.lower() in VOTE_WORDS:
            return cls[VOTE_WORDS[text.lower()]]
        raise MeetingFileError(field_name, f"{text!r} is not a vote",
                               fix="use one of yes, no, abstain, defer (or none)")


class Outcome(IntEnum):
    """What a meeting decided about the item."""

    PASSED = 1
    REJECTED = 2
    DEFERRED = 3
    NO_QUORUM = 4
    PROCEDURE_VIOLATION = 5
    NOT_HELD = 6  # nobody present: not a meeting (only a simulation can draw one)

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def zh(self) -> str:
        return {1: "通过", 2: "未通过", 3: "暂缓", 4: "不足法定人数", 5: "程序违规",
                6: "未举行"}[self.value]


@dataclass(frozen=True)
class Member:
    """A voting member of the body."""

    id: str
    role: str = "member"
    portfolios: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatterFacts:
    """The item on the agenda."""

    category: str
    amount: int | None = None
    portfolio: str | None = None
    persons_involved: tuple[str, ...] = ()
    emergency: bool = False
    ad_hoc: bool = False
    unclear: bool = False  # 重大问题尚不清楚: a major question is still unclear


@dataclass(frozen=True)
class MeetingTerms(Generic[T]):
    """A meeting as per-member terms (index i = member i); ``leader`` is a static index.

    ``vote[i]`` is member i's stated position (``Vote.NONE``: stated nothing, or not
    eligible); ``pos[i]`` orders the members who stated one; ``amount`` is the item's amount
    in yuan, ``-1`` when not recorded.

    ``weight`` (empty: every entry is one member) lets entry i stand for ``weight[i]``
    identical members -- a class of members in the same state, contiguous in the speaking
    order, counted as one integer (the exact mode of :mod:`simulations.exact`); ``n`` is
    then the board size, not the number of entries.  An entry of weight 0 must be absent.
    """

    n: int
    leader: int
    present: Sequence[T]
    recused: Sequence[T]
    interested: Sequence[T]
    owner: Sequence[T]
    chair: Sequence[T]
    vote: Sequence[T]
    opinion: Sequence[T]
    pos: Sequence[T]
    emergency: T
    ad_hoc: T
    vote_called: T
    portfolio: str | None = None
    deputy: Sequence[T] = ()
    unclear: T = False  # type: ignore[assignment]
    amount: T = -1  # type: ignore[assignment]
    weight: Sequence[T] = ()


@dataclass(frozen=True)
class Meeting:
    """One concrete meeting.  Validated at construction: every id must be a member."""

    institution: str
    body: str
    matter: MatterFacts
    members: tuple[Member, ...]
    present: frozenset[str]
    recused: frozenset[str] = frozenset()
    written_opinions: Mapping[str, Vote] = field(default_factory=dict)
    speaking_order: tuple[str, ...] | None = None
    votes: Mapping[str, Vote] = field(default_factory=dict)
    chair: str | None = None
    vote_called: bool = True
    source: str = ""
    organisation: str | None = None
    """The organisation file the members come from (its path as the meeting file gives it,
    read from the meeting file's folder), or None when the file lists them."""
    people: frozenset[str] = frozenset()
    """Related people of the organisation who are not members: ``persons_involved`` may
    name them (an outsider relative)."""
    kin: tuple[Recusal, ...] = ()
    """The members who must recuse because of a family tie with a person involved (or being
    involved themselves), each with its relation path, clause and reading (computed from
    the organisation file through the seed's recusal relation, :mod:`model.kinship`)."""
    kin_reading: str | None = None
    """The named kinship reading the file asked for (None: the clause's default)."""

    def __post_init__(self) -> None:
        ids = [m.id for m in self.members]
        if not ids:
            raise MeetingFileError("members", "the board has no members", fix="list the voting members")
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise MeetingFileError("members", f"member id {sorted(dup)[0]!r} appears twice",
                                   fix="give every member a unique id")
        for i, m in enumerate(self.members):
            if m.role not in ROLES:
                raise MeetingFileError(f"members[{i}].role", f"unknown role {m.role!r}",
                                       fix=f"use one of {', '.join(ROLES)} (non-voting attendees are "
                                       "not members)")
        leaders = [m.id for m in self.members if m.role == "leader"]
        if len(leaders) != 1:
            raise MeetingFileError("members", f"{len(leaders)} members have role 'leader'",
                                   fix="mark exactly one member as role = 'leader' (一把手)")
        known = set(ids)

        def check(name: str, values: Any) -> None:
            for v in values:
                if v not in known:
                    raise MeetingFileError(name, f"unknown member id {v!r}",
                                           fix=f"use one of {', '.join(ids)}")

        check("present", self.present)
        check("recused", self.recused)
        check("written_opinions", self.written_opinions)
        check("votes", self.votes)
        for p in self.matter.persons_involved:
            if p not in known and p not in self.people:
                raise MeetingFileError("matter.persons_involved", f"unknown person {p!r}", fix=(
                    "name a member or a related person of the organisation file: "
                    + ", ".join(sorted(known | self.people))) if self.organisation else
                    f"use one of {', '.join(ids)} (to name a relative who is not a member, "
                    "refer to an organisation file: organisation = \"board.toml\")")
        check("kin", [r.member for r in self.kin])
        check("speaking_order", self.speaking_order or ())
        for mid in self.votes:
            if mid not in self.present:
                raise MeetingFileError(f"votes.{mid}", f"member {mid!r} is absent but has a vote",
                                       fix="add the member to 'present' or move the vote to "
                                       "'written_opinions'")
            if mid in self.recused:
                raise MeetingFileError(f"votes.{mid}", f"member {mid!r} recused but has a vote",
                                       fix="remove the vote of a recused member")
        for mid in self.written_opinions:
            if mid in self.present:
                raise MeetingFileError(f"written_opinions.{mid}", f"member {mid!r} is present",
                                       fix="a present member votes in 'votes'; written opinions are "
                                       "for absent members")
        if not self.present:
            raise MeetingFileError("present", "nobody is present",
                                   fix="list the members present (a meeting needs at least one)")
        for mid in self.recused:
            if mid not in self.present:
                raise MeetingFileError(f"recused.{mid}", f"member {mid!r} recused but is absent",
                                       fix="only a present member recuses (leaves the item)")
        if self.speaking_order is not None:
            if len(set(self.speaking_order)) != len(self.speaking_order):
                raise MeetingFileError("speaking_order", "a member speaks twice",
                                       fix="list each speaker once")
            for mid in self.speaking_order:
                if mid not in self.present or mid in self.recused:
                    raise MeetingFileError("speaking_order", f"member {mid!r} is absent or recused",
                                           fix="list only present, non-recused members")
            for mid, v in self.votes.items():
                if v != Vote.NONE and mid not in self.speaking_order:
                    raise MeetingFileError(
                        "speaking_order", f"member {mid!r} stated a position but is not in the order",
                        fix=f"add {mid!r} where they spoke")
        if self.chair is not None and self.chair not in known:
            raise MeetingFileError("chair", f"unknown member id {self.chair!r}",
                                   fix=f"use one of {', '.join(ids)}")
        if self.chair_id not in self.present:
            raise MeetingFileError("chair", f"the chair {self.chair_id!r} is absent",
                                   fix="name a present member as chair (委托主持)")

    @property
    def kin_members(self) -> frozenset[str]:
        """The members the item concerns through a family tie (:attr:`kin`)."""
        return frozenset(r.member for r in self.kin)

    @property
    def leader_id(self) -> str:
        return next(m.id for m in self.members if m.role == "leader")

    @property
    def chair_id(self) -> str:
        """The presiding member: the named chair, else the leader."""
        return self.chair or self.leader_id

    @property
    def speakers(self) -> tuple[str, ...]:
        """Who stated a position, in order: the recorded order, else the members' order
        (owner first, chair last)."""
        if self.speaking_order is not None:
            return self.speaking_order
        eligible = [i for i in self.stated]
        owners = [i for i in eligible if self.owns(i)]
        rest = [i for i in eligible if i not in owners and i != self.chair_id]
        tail = [self.chair_id] if self.chair_id in eligible and self.chair_id not in owners else []
        return tuple(owners + rest + tail)

    def owns(self, member_id: str) -> bool:
        """Member runs the matter's portfolio (分管领导)."""
        p = self.matter.portfolio
        return p is not None and any(m.id == member_id and p in m.portfolios for m in self.members)

    @property
    def stated(self) -> tuple[str, ...]:
        """Members who stated a position (同意, 不同意, 暂缓/缓议 or 弃权), in member order.
        A present member with no entry in ``votes`` stated nothing: silence is not a vote."""
        return tuple(m.id for m in self.members if self.vote_of(m.id) != Vote.NONE)

    def vote_of(self, member_id: str) -> Vote:
        """The member's stated position; ``Vote.NONE`` if absent, recused or silent.  A member
        in the recorded speaking order with no entry in ``votes`` spoke without a clear
        position: ``ABSTAIN`` (which a 同意/不同意/暂缓 duty does not accept)."""
        if member_id not in self.present or member_id in self.recused:
            return Vote.NONE
        spoke = self.speaking_order is not None and member_id in self.speaking_order
        return self.votes.get(member_id, Vote.ABSTAIN if spoke else Vote.NONE)

    def terms(self) -> MeetingTerms[Any]:
        """This meeting as concrete per-member terms."""
        order = {mid: k for k, mid in enumerate(self.speakers)}
        ids = [m.id for m in self.members]
        pf = self.matter.portfolio
        return MeetingTerms(
            n=len(ids),
            leader=ids.index(self.leader_id),
            present=[i in self.present for i in ids],
            recused=[i in self.recused for i in ids],
            interested=[i in self.matter.persons_involved or i in self.kin_members for i in ids],
            owner=[pf is not None and pf in m.portfolios for m in self.members],  # owns(), O(n)
            chair=[i == self.chair_id for i in ids],
            vote=[int(self.vote_of(i)) for i in ids],
            opinion=[int(self.written_opinions.get(i, Vote.NONE)) for i in ids],
            pos=[order.get(i, -1) for i in ids],
            emergency=self.matter.emergency,
            ad_hoc=self.matter.ad_hoc,
            vote_called=self.vote_called,
            portfolio=self.matter.portfolio,
            deputy=[m.role == "deputy" for m in self.members],
            unclear=self.matter.unclear,
            amount=-1 if self.matter.amount is None else self.matter.amount,
        )

    @classmethod
    def simple(cls, institution: str, body: str, category: str, *, n: int, present: int,
               yes: int, no: int = 0, **matter: Any) -> Meeting:
        """A board m0..m{n-1} (m0 leads); the first ``present`` attend; the first ``yes`` of them
        vote yes, the next ``no`` vote no, the rest abstain; the leader speaks last."""
        members = tuple(Member(f"m{i}", "leader" if i == 0 else "member") for i in range(n))
        here = [f"m{i}" for i in range(present)]
        votes = {mid: Vote.YES if k < yes else Vote.NO if k < yes + no else Vote.ABSTAIN
                 for k, mid in enumerate(here)}
        order = tuple(here[1:] + here[:1])
        return cls(institution, body, MatterFacts(category, **matter), members, frozenset(here),
                   votes=votes, speaking_order=order)
