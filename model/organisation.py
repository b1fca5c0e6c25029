"""Organisation files: a board's members, their portfolios, and the people they are related to.

An organisation file (TOML or JSON; examples in ``model/examples/boards/``)::

    [organisation]
    id = "prefecture_board"
    name = "州医保局党组 (example)"
    institution = "prefecture_medical_security_party_group"   # optional: whose board
    body = "party_group"                                      # optional: the body it sits as

    [[members]]                    # the voting members; exactly one leader (一把手)
    id = "sec"
    role = "leader"                # leader, deputy or member
    portfolios = ["overall"]       # what the member runs directly (分管)

    [[people]]                     # related people who are not members
    id = "sec_wife"

    [[kin]]                        # person is the <relation> of <of>
    person = "sec_wife"
    relation = "spouse"            # spouse, parent, child, sibling, support
    of = "sec"

Two questions are answered here, both against an institution's rule file:

* **Separation of duties** (四个/五个不直接分管): :func:`separation_rule` reads the portfolios
  the leader may not run from the rule file's ``leader_may_not_own`` field (never a second
  list) and who must run them instead from its ``[separation]`` table (named readings with
  citations, :class:`~model.rules.Runners` and :class:`~model.rules.FourEyes`); :func:`violations` checks one assignment in plain Python (the
  reference that :mod:`proofs.assignment` re-checks every Z3 answer against).
* **Recusal over kinship** (回避): :func:`recusing_members` names the members who must leave
  an item (:mod:`model.kinship`); :func:`impact` decides the most favourable meeting left
  after that recusal with the reference evaluator (every reading of the rule file), and
  :func:`smallest_disabling` finds the fewest outsiders whose involvement leaves a body
  unable to pass the item.

Examples
--------
>>> from model.loader import load_institution
>>> org = load_organisation(BOARDS_DIR / "prefecture.toml")
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> rule = separation_rule(inst)
>>> rule.forbidden, rule.forbidden_cite
(('personnel', 'finance', 'construction', 'procurement'), 'seed 001, 第三条(五)')
>>> for v in violations(org.members, rule.readings()[0]):
...     print(v.describe())
the leader 'sec' runs finance, which he may not run directly [seed 001, 第三条(五)]
nobody who may run finance runs it [seed 001, 第三条(五)]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import networkx as nx
from pydantic import Field

from model.datafile import display_name, read_data_file
from model.errors import QuorumlabError
from model.evaluator import decide
from model.kinship import Kinship, KinshipError, Recusal, RecusalRule, Tie, recusals
from model.limits import enforce
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote
from model.rules import FourEyes, Institution, Runners
from model.schema import Strict, check

__all__ = ["OrganisationFileError", "Organisation", "OrgFile", "load_organisation",
           "organisation_from_dict", "BOARDS_DIR", "example_organisation", "Runners", "FourEyes", "SeparationRule",
           "SeparationReading", "Violation", "separation_rule", "violations",
           "assignment_graph", "find_valid", "with_assignment", "recusing_members",
           "ATTENDANCE", "ImpactRow", "Impact", "impact", "Disabling", "smallest_disabling"]

BOARDS_DIR = Path(__file__).parent / "examples" / "boards"
"""The example organisation files, one per seed with separation or kinship rules."""


class OrganisationFileError(QuorumlabError, ValueError):
    """An organisation file is malformed, or names unknown people."""


# ------------------------------------------------------------------------------ the file
class _Header(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    institution: str = ""
    """The institution (built-in id) whose example board this is (``quorumlab check`` reads it)."""
    body: str = ""
    """The body the board sits as."""


class _MemberRow(Strict):
    id: str = Field(min_length=1)
    name: str = ""
    role: Literal["leader", "deputy", "member"]
    portfolios: list[str] = []


class _PersonRow(Strict):
    id: str = Field(min_length=1)
    name: str = ""


class _KinRow(Strict):
    person: str
    relation: Literal["spouse", "parent", "child", "sibling", "support"]
    of: str


class OrgFile(Strict):
    """The raw shape of an organisation file."""

    organisation: _Header
    members: list[_MemberRow] = Field(min_length=1)
    people: list[_PersonRow] = []
    kin: list[_KinRow] = []


@dataclass(frozen=True, eq=False)
class Organisation:
    """A board (members with roles and portfolios) and the kinship graph around it."""

    id: str
    name: str
    members: tuple[Member, ...]
    kin: Kinship
    source: str = ""
    institution: str = ""
    body: str = ""

    @property
    def leader(self) -> str:
        return next(m.id for m in self.members if m.role == "leader")

    @property
    def member_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.members)

    @property
    def outsiders(self) -> tuple[str, ...]:
        """The related people who are not members."""
        ids = set(self.member_ids)
        return tuple(p for p in self.kin.people if p not in ids)


def organisation_from_dict(data: object, file: str | None = None) -> Organisation:
    """Validate parsed data; errors name ``file`` and the field."""
    raw = check(OrgFile, data, OrganisationFileError, file=file)
    seen: set[str] = set()
    for where, rows in (("members", raw.members), ("people", raw.people)):
        for i, row in enumerate(rows):
            if row.id in seen:
                raise OrganisationFileError(f"{where}[{i}].id", f"id {row.id!r} appears twice",
                                            fix="give every member and person a unique id",
                                            file=file)
            seen.add(row.id)
    leaders = [m.id for m in raw.members if m.role == "leader"]
    if len(leaders) != 1:
        raise OrganisationFileError("members", f"{len(leaders)} members have role 'leader'",
                                    fix="mark exactly one member as role = 'leader' (一把手)",
                                    file=file)
    enforce("board_members", len(raw.members), OrganisationFileError, "members", file)
    enforce("kin_people", len(raw.members) + len(raw.people), OrganisationFileError, "people", file)
    members = tuple(Member(m.id, m.role, tuple(m.portfolios)) for m in raw.members)
    try:
        kin = Kinship.build([*(m.id for m in raw.members), *(p.id for p in raw.people)],
                            [Tie(k.person, k.relation, k.of) for k in raw.kin])
    except KinshipError as err:
        raise OrganisationFileError(err.field, err.message, fix=err.fix, file=file) from None
    return Organisation(raw.organisation.id, raw.organisation.name, members, kin, file or "",
                        raw.organisation.institution, raw.organisation.body)


def load_organisation(path: str | Path) -> Organisation:
    """Read an organisation file (``.toml`` or ``.json``; ``-`` is standard input).

    >>> load_organisation(BOARDS_DIR / "city.toml").leader
    'director'
    """
    data = read_data_file(path, OrganisationFileError)
    return organisation_from_dict(data, file=display_name(path))


def example_organisation(institution: str) -> tuple[Path, Organisation] | None:
    """The example board of ``institution`` in :data:`BOARDS_DIR` (the file whose
    ``[organisation]`` names it), or None.

    >>> path, org = example_organisation("taobei_district_government")
    >>> path.name, org.body, len(org.members)
    ('taobei.toml', 'party_group', 7)
    >>> example_organisation("nowhere") is None
    True
    """
    for path in sorted(BOARDS_DIR.glob("*.toml")):
        org = load_organisation(path)
        if org.institution == institution:
            return path, org
    return None


# ----------------------------------------------------------------- separation of duties
@dataclass(frozen=True)
class SeparationReading:
    """One concrete reading of an institution's separation of duties."""

    institution: str
    leader_role: str
    forbidden: tuple[str, ...]
    forbidden_cite: str
    runners: Runners
    four_eyes: FourEyes

    @property
    def name(self) -> str:
        return f"runners={self.runners.name}, four_eyes={self.four_eyes.name}"

    def may_run(self, member: Member) -> bool:
        """``member`` may run one of the forbidden portfolios under this reading."""
        return member.role != self.leader_role and (
            self.runners.roles is None or member.role in self.runners.roles)


@dataclass(frozen=True)
class SeparationRule:
    """An institution's separation of duties: the forbidden portfolios (from the rule file)
    and the readings of who must run them."""

    institution: str
    forbidden: tuple[str, ...]
    forbidden_cite: str
    runners: tuple[Runners, ...]
    four_eyes: tuple[FourEyes, ...]

    def readings(self) -> list[SeparationReading]:
        """Every combination of readings, the default first."""
        return [SeparationReading(self.institution, "leader", self.forbidden, self.forbidden_cite,
                                  r, f) for r, f in itertools.product(self.runners, self.four_eyes)]


def separation_rule(inst: Institution) -> SeparationRule:
    """The separation of duties of ``inst``: ``leader_may_not_own`` and ``[separation]`` (who
    must run those portfolios) from its rule file; an institution without them is a one-line
    error."""
    values = {(tuple(rs.values["leader_may_not_own"]), rs.cite["leader_may_not_own"])
              for rs in inst.rulesets.values()}
    ok = "use a rule file with leader_may_not_own and [separation]"
    if all(not forbidden for forbidden, _ in values):
        cites = "; ".join(sorted({c for _, c in values}))
        raise QuorumlabError("--institution", f"{inst.id!r} has no 不直接分管 list [{cites}]", fix=ok)
    if len(values) != 1:
        raise QuorumlabError("--institution", f"the bodies of {inst.id!r} list different "
                             "portfolios their leader may not run", fix=ok)
    if inst.separation is None:
        raise QuorumlabError("--institution", f"who must run {inst.id!r}'s forbidden portfolios "
                             "is not recorded", fix="add a [separation] table to its rule file")
    ((forbidden, cite),) = values
    runners, eyes = inst.separation
    return SeparationRule(inst.id, forbidden, cite, runners, eyes)


@dataclass(frozen=True)
class Violation:
    """One breach of separation of duties, with its clause."""

    kind: str  # leader_owns | not_run | same_hands
    portfolios: tuple[str, ...]
    members: tuple[str, ...]
    cite: str
    reading: str

    def describe(self) -> str:
        p = " and ".join(self.portfolios)
        if self.kind == "leader_owns":
            text = f"the leader {self.members[0]!r} runs {p}, which he may not run directly"
        elif self.kind == "not_run":
            text = f"nobody who may run {p} runs it"
        else:
            text = f"{self.members[0]!r} runs both {p}, which two members must run"
        return f"{text} [{self.cite}]"


def violations(members: Sequence[Member], reading: SeparationReading) -> list[Violation]:
    """Every breach of ``reading`` by the board's portfolio assignment (plain Python: the
    reference every Z3 answer is checked against).

    >>> rule = SeparationRule("x", ("finance", "personnel"), "c0", (Runners("deputy", ("deputy",),
    ...     "c1", ""),), (FourEyes("distinct", (("finance", "personnel"),), "c2", ""),))
    >>> board = [Member("a", "leader", ("finance",)), Member("b", "deputy", ("personnel",)),
    ...          Member("c", "member", ("finance",))]
    >>> [v.kind for v in violations(board, rule.readings()[0])]
    ['leader_owns', 'not_run']
    """
    out = []
    for m in members:
        if m.role == reading.leader_role:
            for p in m.portfolios:
                if p in reading.forbidden:
                    out.append(Violation("leader_owns", (p,), (m.id,), reading.forbidden_cite,
                                         reading.name))
    if reading.runners.roles is not None:
        for p in reading.forbidden:
            if not any(p in m.portfolios and reading.may_run(m) for m in members):
                out.append(Violation("not_run", (p,), (), reading.runners.cite, reading.name))
    for a, b in reading.four_eyes.pairs:
        for m in members:
            if a in m.portfolios and b in m.portfolios:
                out.append(Violation("same_hands", (a, b), (m.id,), reading.four_eyes.cite,
                                     reading.name))
    return out


def assignment_graph(members: Iterable[Member]) -> nx.Graph:
    """The portfolio assignment as a bipartite graph: member nodes (``bipartite=0``) joined
    to the portfolios they run (``bipartite=1``).

    >>> g = assignment_graph([Member("a", "leader", ("x",)), Member("b", "deputy", ("x", "y"))])
    >>> sorted(g.neighbors(("portfolio", "x")))
    [('member', 'a'), ('member', 'b')]
    """
    g = nx.Graph()
    for m in members:
        g.add_node(("member", m.id), bipartite=0, role=m.role)
        for p in m.portfolios:
            g.add_node(("portfolio", p), bipartite=1)
            g.add_edge(("member", m.id), ("portfolio", p))
    return g


def with_assignment(members: Sequence[Member], reading: SeparationReading,
                    owner: Mapping[str, str | None]) -> tuple[Member, ...]:
    """The board with the forbidden portfolios reassigned: each to ``owner[p]`` (None: to
    nobody); other portfolios stay where they are."""
    return tuple(replace(m, portfolios=tuple(
        [p for p in m.portfolios if p not in reading.forbidden]
        + [p for p in reading.forbidden if owner.get(p) == m.id])) for m in members)


def find_valid(members: Sequence[Member], reading: SeparationReading) -> dict[str, str | None] | None:
    """A valid owner for every forbidden portfolio, by backtracking in plain Python, or None
    when there is none (the reference for Z3's ``unsat``).

    >>> rule = SeparationRule("x", ("finance",), "c0", (Runners("deputy", ("deputy",), "c1", ""),),
    ...                       (FourEyes("none", (), "c2", ""),))
    >>> find_valid([Member("a", "leader"), Member("b", "member")], rule.readings()[0]) is None
    True
    """
    options = [[m.id for m in members if reading.may_run(m)]
               + ([None] if reading.runners.roles is None else []) for _ in reading.forbidden]
    pairs = [tuple(sorted((reading.forbidden.index(a), reading.forbidden.index(b))))
             for a, b in reading.four_eyes.pairs
             if a in reading.forbidden and b in reading.forbidden]

    def extend(chosen: list[str | None]) -> list[str | None] | None:
        k = len(chosen)
        if k == len(options):
            return chosen
        for who in options[k]:
            if all(not (j == k and chosen[i] == who and who is not None) for i, j in pairs):
                found = extend([*chosen, who])
                if found is not None:
                    return found
        return None

    found = extend([])
    return None if found is None else dict(zip(reading.forbidden, found, strict=True))


# ------------------------------------------------------------------- recusal over kinship
def recusing_members(org: Organisation, involved: Sequence[str], rule: RecusalRule,
                     reading: str | None = None) -> list[Recusal]:
    """The members who must recuse when ``involved`` people (members or outsiders) are
    involved, under one kinship reading (default: the rule's first)."""
    return recusals(org.kin, org.member_ids, involved, rule, reading, field="--involved")


ATTENDANCE = ("recused_attend", "recused_leave")
"""Two readings of what a recused member is for the item: ``recused_attend``, the model's
own (he stays 出席, so he counts toward the quorum, and only leaves the item), and
``recused_leave`` (回避 read as leaving the meeting: absent for the item, so he no longer
counts toward its quorum)."""


@dataclass(frozen=True)
class ImpactRow:
    """The outcome of the most favourable meeting under one attendance reading and one
    choice of the rule file's readings."""

    attendance: str
    reading: Mapping[str, str]
    outcome: str


@dataclass(frozen=True)
class Impact:
    """What a recusal does to a body on a matter: every row of :class:`ImpactRow`."""

    institution: str
    body: str
    matter: str
    recusing: tuple[str, ...]
    rows: tuple[ImpactRow, ...]

    @property
    def below_quorum(self) -> dict[str, bool]:
        """Per attendance reading: does some reading of the rules leave no quorum?"""
        return {a: any(r.outcome == "no_quorum" for r in self.rows if r.attendance == a)
                for a in ATTENDANCE}

    @property
    def disabled(self) -> dict[str, bool]:
        """Per attendance reading: can the item not pass under some reading of the rules?"""
        return {a: any(r.outcome != "passed" for r in self.rows if r.attendance == a)
                for a in ATTENDANCE}


def _favourable(org: Organisation, inst: Institution, body: str, matter: str,
                recusing: frozenset[str], attendance: str) -> Meeting | None:
    """The meeting most likely to pass the item after ``recusing`` leave it: every member
    attends, every member who may vote says yes, nobody runs a portfolio (so separation of
    duties plays no part), the leader chairs unless absent (then a deputy if any).  Every
    rule of the semantics is monotone in attendance and yes votes, so if this meeting does
    not pass, no meeting does.  None when nobody is left (no meeting is held)."""
    members = tuple(Member(m.id, m.role) for m in org.members)
    present = [m.id for m in members if attendance == "recused_attend" or m.id not in recusing]
    if not present:
        return None
    recused = frozenset(recusing) if attendance == "recused_attend" else frozenset()
    chair = org.leader if org.leader in present else next(
        (m.id for m in members if m.role == "deputy" and m.id in present), present[0])
    return Meeting(inst.id, body, MatterFacts(matter, persons_involved=tuple(sorted(recused))),
                   members, frozenset(present), recused=recused,
                   votes={m: Vote.YES for m in present if m not in recused}, chair=chair)


def impact(org: Organisation, inst: Institution, body: str, matter: str,
           recusing: Iterable[str], choice: Mapping[str, str] | None = None) -> Impact:
    """Decide the most favourable meeting after ``recusing`` leave the item, with the
    reference evaluator, under both :data:`ATTENDANCE` readings and every reading of the
    rule file (or only ``choice``).

    >>> from model.loader import load_institution
    >>> org = load_organisation(BOARDS_DIR / "prefecture.toml")
    >>> inst = load_institution("prefecture_medical_security_party_group")
    >>> im = impact(org, inst, "party_group", "ordinary", ["d1", "d2", "m1", "m2"])
    >>> im.below_quorum, im.disabled
    ({'recused_attend': False, 'recused_leave': True}, {'recused_attend': True, 'recused_leave': True})
    """
    rs = inst.ruleset(body, matter)
    gone = frozenset(recusing)
    rows = []
    for attendance in ATTENDANCE:
        meeting = _favourable(org, inst, body, matter, gone, attendance)
        choices = [dict(choice)] if choice is not None else list(rs.choices())
        if meeting is None:
            rows.extend(ImpactRow(attendance, c, Outcome.NOT_HELD.label) for c in choices)
            continue
        d = decide(meeting, rs, choice)
        rows.extend(ImpactRow(attendance, dict(c), o.label) for c, o in d.by_reading)
    return Impact(inst.id, body, matter, tuple(sorted(gone)), tuple(rows))


@dataclass(frozen=True)
class Disabling:
    """The fewest outsiders whose involvement leaves the body unable to pass the item."""

    outsiders: tuple[str, ...]
    recusals: tuple[Recusal, ...]
    outcome: str
    attendance: str
    kin_reading: str
    reading: Mapping[str, str] = field(default_factory=dict)


def smallest_disabling(org: Organisation, inst: Institution, body: str, matter: str,
                       rule: RecusalRule, kin_reading: str | None = None,
                       attendance: str = "recused_attend",
                       choice: Mapping[str, str] | None = None,
                       target: tuple[str, ...] = ("no_quorum", "rejected", "not_held",
                                                  "procedure_violation", "deferred"),
                       ) -> Disabling | None:
    """The fewest related outsiders whose involvement makes the recusals leave the body
    unable to pass the item (the most favourable meeting ends in an outcome in ``target``;
    ``target=("no_quorum", "not_held")`` asks for "below quorum"), under one kinship
    reading, one attendance reading and one choice of the rule file's readings (default:
    each first).  Exact: sizes are tried in increasing order; outsiders who make the same
    members recuse are tried once.  None when no set of outsiders does it.

    >>> from model.kinship import rule_for
    >>> from model.loader import load_institution
    >>> org = load_organisation(BOARDS_DIR / "prefecture.toml")
    >>> inst = load_institution("prefecture_medical_security_party_group")
    >>> d = smallest_disabling(org, inst, "party_group", "ordinary", rule_for(inst.id),
    ...                        attendance="recused_leave", target=("no_quorum", "not_held"))
    >>> d.outsiders, d.outcome
    (('d2_wife', 'grandpa'), 'no_quorum')
    """
    rs = inst.ruleset(body, matter)
    choice = dict(choice) if choice is not None else next(iter(rs.choices()))
    reach: dict[frozenset[str], str] = {}
    for p in org.outsiders:
        members = frozenset(r.member for r in recusals(org.kin, org.member_ids, [p], rule,
                                                       kin_reading))
        if members:
            reach.setdefault(members, p)
    outcomes: dict[frozenset[str], str] = {}

    def outcome(gone: frozenset[str]) -> str:
        if gone not in outcomes:
            outcomes[gone] = impact(org, inst, body, matter, gone, choice).rows[
                ATTENDANCE.index(attendance)].outcome
        return outcomes[gone]

    groups = sorted(reach, key=lambda g: (-len(g), sorted(g)))
    for size in range(1, len(groups) + 1):
        enforce("kin_search", math.comb(len(groups), size), QuorumlabError, "people")
        for combo in itertools.combinations(groups, size):
            gone = frozenset().union(*combo)
            if outcome(gone) in target:
                people = tuple(sorted(reach[g] for g in combo))
                rec = tuple(recusals(org.kin, org.member_ids, people, rule, kin_reading))
                return Disabling(people, rec, outcome(gone), attendance,
                                 rule.reading(kin_reading).name, choice)
    return None

