"""The meeting kit of the hand-derived institution tests (tests/test_inst_*.py).

Each test names its clause.  Expectations come from reading the seed text (and the
threshold arithmetic of DOMAIN.md), never from running the code.  Where a rule file
records open points (named readings), the per-reading outcomes are asserted through
:func:`outcomes`.  Tests marked ``xfail(strict=True)`` are places where the encoding
seems to misread the seed; the reason says which clause and which meeting.

Board convention of this file: members ``L`` (the leader, 一把手 / 党组书记 / 局长 / 区长)
and ``m1 .. m{n-1}``; members listed in ``absent`` are away; a present, non-recused member
who is not listed in ``yes``/``no``/``defer`` abstains.  Unless a test says otherwise the
speaking order is: portfolio owners first, the other members, then the leader, then a
delegated chair (so the speak-last rules are respected).

``roles`` marks members as "deputy" (副职) where a rule reads the role.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from model.evaluator import Decision, decide
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote
from model.rules import Institution

P = Outcome.PASSED
R = Outcome.REJECTED
D = Outcome.DEFERRED
NQ = Outcome.NO_QUORUM
PV = Outcome.PROCEDURE_VIOLATION


def ids(n: int) -> list[str]:
    return ["L"] + [f"m{i}" for i in range(1, n)]


def mk(
    inst: Institution,
    body: str,
    category: str,
    *,
    n: int,
    absent: Iterable[str] = (),
    yes: Iterable[str] | int = (),
    no: Iterable[str] | int = (),
    defer: Iterable[str] = (),
    recused: Iterable[str] = (),
    opinions: Mapping[str, Vote] | None = None,
    order: Iterable[str] | None = None,
    chair: str | None = None,
    portfolios: Mapping[str, tuple[str, ...]] | None = None,
    roles: Mapping[str, str] | None = None,
    vote_called: bool = True,
    **matter: object,
) -> Meeting:
    """Build a Meeting explicitly (see the module docstring for the conventions).

    ``yes``/``no`` given as an int mean "the first k present, non-recused members
    (``L`` first), then the next k".
    """
    everyone = ids(n)
    absent = set(absent)
    recused = set(recused)
    portfolios = dict(portfolios or {})
    members = tuple(
        Member(i, "leader" if i == "L" else (roles or {}).get(i, "member"),
               tuple(portfolios.get(i, ())))
        for i in everyone
    )
    here = [i for i in everyone if i not in absent]
    voters = [i for i in here if i not in recused]
    if isinstance(yes, int):
        yes = voters[:yes]
    yes = list(yes)
    if isinstance(no, int):
        rest = [i for i in voters if i not in yes]
        no = rest[:no]
    votes = {i: Vote.YES for i in yes} | {i: Vote.NO for i in no} | {i: Vote.DEFER for i in defer}
    facts = MatterFacts(category, **matter)  # type: ignore[arg-type]
    if order is None:
        chair_id = chair or "L"
        owners = [i for i in voters if facts.portfolio and facts.portfolio in portfolios.get(i, ())
                  and i != "L"]
        middle = [i for i in voters if i not in owners and i not in ("L", chair_id)]
        tail = [i for i in dict.fromkeys(["L", chair_id]) if i in voters]
        order = owners + middle + tail
    return Meeting(
        institution=inst.id, body=body, matter=facts, members=members,
        present=frozenset(here), recused=frozenset(recused),
        written_opinions=dict(opinions or {}), speaking_order=tuple(order),
        votes=votes, chair=chair, vote_called=vote_called,
    )


def run(inst: Institution, meeting: Meeting) -> Decision:
    return decide(meeting, inst)


def outcomes(d: Decision, **choice: str) -> set[Outcome]:
    """Outcomes of every reading combination that includes ``choice``."""
    got = {o for c, o in d.by_reading if all(c.get(k) == v for k, v in choice.items())}
    assert got, f"no reading combination matches {choice}; have {[c for c, _ in d.by_reading]}"
    return got


def all_outcomes(d: Decision) -> set[Outcome]:
    return {o for _, o in d.by_reading}


def has_reason(d: Decision, rule: str, cite_part: str) -> bool:
    return any(r.rule == rule and cite_part in r.cite for r in d.reasons)



PG = "party_group"
LS = "leadership"
DO = "director_office"


def leader_positions(inst: Institution, body: str, category: str, n: int = 5) -> list[set[Outcome]]:
    """Outcomes (every reading) of a unanimous meeting of ``n`` with the leader stating his
    position first, in the middle, and last."""
    others = ids(n)[1:]
    orders = (["L", *others], [*others[:2], "L", *others[2:]], [*others, "L"])
    return [all_outcomes(run(inst, mk(inst, body, category, n=n, yes=n, order=o)))
            for o in orders]
