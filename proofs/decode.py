"""Decode: a Z3 model of a symbolic meeting back into a concrete, valid :class:`Meeting`.

Members are ``m0..m{n-1}`` (``m0`` the leader, deputies role ``"deputy"``); the portfolio
owner gets the matter's portfolio; a silent member (vote ``NONE``) has no vote and is not in
the speaking order, which lists the members who stated a position sorted by their positions;
the item is ``unclear`` as the model says, and its amount is ``None`` when the model's
amount is ``-1`` (not recorded).

Examples
--------
>>> import z3
>>> from proofs.symbolic import symbolic_meeting, well_formed
>>> sm = symbolic_meeting(3, None)
>>> s = z3.Solver()
>>> s.add(*[c for _, c in well_formed(sm)], *sm.present, sm.chair[0])
>>> s.check()
sat
>>> m = decode(s.model(), sm, MeetingLabel("prefecture_medical_security_party_group",
...                                           "party_group", "ordinary"))
>>> sorted(m.present), m.chair
(['m0', 'm1', 'm2'], 'm0')
>>> s.add(sm.vote[1] == 0, sm.deputy[2], sm.amount == -1)   # m1 silent, m2 a deputy
>>> s.check()
sat
>>> m = decode(s.model(), sm, MeetingLabel("prefecture_medical_security_party_group",
...                                           "party_group", "ordinary"))
>>> "m1" in m.votes, "m1" in m.speakers, m.members[2].role, m.matter.amount
(False, False, 'deputy', None)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import z3

from model.meeting import MatterFacts, Meeting, Member, Vote
from proofs.symbolic import SymbolicMeeting

__all__ = ["MeetingLabel", "decode"]


@dataclass(frozen=True)
class MeetingLabel:
    """Where a decoded meeting belongs: institution (id or rule-file path), body, matter."""

    institution: str
    body: str
    matter: str


def _b(model: Any, t: Any) -> bool:
    if isinstance(t, bool):
        return t
    return z3.is_true(model.eval(t, model_completion=True))


def _i(model: Any, t: Any) -> int:
    if isinstance(t, int):
        return t
    return model.eval(t, model_completion=True).as_long()


def decode(model: Any, sm: SymbolicMeeting, label: MeetingLabel,
           portfolio: str | None | bool = True) -> Meeting:
    """The meeting ``model`` assigns to ``sm`` (validated by the Meeting constructor)."""
    pf = sm.portfolio if portfolio is True else portfolio
    sm = sm.expanded(model)  # a counted meeting: each class as its members
    n = sm.n
    ids = [f"m{i}" for i in range(n)]
    present = [_b(model, sm.present[i]) for i in range(n)]
    recused = [present[i] and _b(model, sm.recused[i]) for i in range(n)]
    speaker = [present[i] and not recused[i] for i in range(n)]
    owner = [pf is not None and _b(model, sm.owner[i]) for i in range(n)]
    roles = ["leader" if i == 0 else "deputy" if _b(model, sm.deputy[i]) else "member"
             for i in range(n)]
    members = tuple(Member(ids[i], roles[i], (pf,) if owner[i] and pf is not None else ())
                    for i in range(n))
    chairs = [i for i in range(n) if _b(model, sm.chair[i])]
    stated = [i for i in range(n) if speaker[i] and _i(model, sm.vote[i]) != int(Vote.NONE)]
    votes = {ids[i]: Vote(_i(model, sm.vote[i])) for i in stated}
    opinions = {ids[i]: Vote(v) for i in range(n) if not present[i]
                for v in [_i(model, sm.opinion[i])] if v != int(Vote.NONE)}
    order = tuple(ids[i] for i in sorted(stated, key=lambda i: _i(model, sm.pos[i])))
    amount = _i(model, sm.amount)
    matter = MatterFacts(
        category=label.matter, amount=None if amount < 0 else amount, portfolio=pf,
        persons_involved=tuple(ids[i] for i in range(n) if _b(model, sm.interested[i])),
        emergency=_b(model, sm.emergency), ad_hoc=_b(model, sm.ad_hoc),
        unclear=_b(model, sm.unclear))
    return Meeting(
        institution=label.institution, body=label.body, matter=matter, members=members,
        present=frozenset(ids[i] for i in range(n) if present[i]),
        recused=frozenset(ids[i] for i in range(n) if recused[i]),
        written_opinions=opinions, speaking_order=order, votes=votes,
        chair=ids[chairs[0]] if chairs else None, vote_called=_b(model, sm.vote_called),
        source="quorumlab proofs (decoded Z3 model)",
    )
