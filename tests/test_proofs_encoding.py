"""The Z3 encoding agrees with the reference evaluator on random concrete meetings.

A random well-formed meeting (someone and the chair present; design section 7) with the v2
facts (silent members, deputies, an unclear item, an amount at a route boundary) is pinned
into the symbolic meeting (raw variables equal to its values); the outcome Z3 derives must be
the one ``decide`` gives, under every reading.  Decoding the model must give back the same
meeting.
"""

from __future__ import annotations

import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from model.evaluator import decide
from model.loader import builtin_ids, load_institution
from model.meeting import MatterFacts, Meeting, Member, Vote
from proofs.decode import MeetingLabel, decode
from proofs.encode import encode
from proofs.oracle import amount_values
from proofs.symbolic import symbolic_meeting, well_formed

CASES = [(ref, b, m) for ref in builtin_ids() for b, m in load_institution(ref).pairs()]


@st.composite
def meetings(draw: st.DrawFn) -> Meeting:
    ref, body, matter = draw(st.sampled_from(CASES))
    inst = load_institution(ref)
    portfolio = inst.matters[matter].portfolio
    n = draw(st.integers(1, 7))
    ids = [f"m{i}" for i in range(n)]
    state = draw(st.lists(st.sampled_from(["absent", "recused", "speaker"]), min_size=n,
                          max_size=n))
    state = state if any(s != "absent" for s in state) else ["speaker", *state[1:]]  # someone
    present = [i for i, s in zip(ids, state, strict=True) if s != "absent"]
    speakers = [i for i, s in zip(ids, state, strict=True) if s == "speaker"]
    owner = draw(st.sampled_from([None, *ids])) if portfolio else None
    deputies = {i for i in ids[1:] if draw(st.booleans())}
    members = tuple(Member(i, "leader" if i == "m0" else "deputy" if i in deputies else "member",
                           (portfolio,) if i == owner and portfolio else ()) for i in ids)
    stated = [i for i in speakers if draw(st.booleans()) or draw(st.booleans())]  # the rest silent
    votes = {i: Vote(draw(st.integers(1, 4))) for i in stated}
    opinions = {i: Vote(v) for i in ids if i not in present
                for v in [draw(st.integers(0, 4))] if v}
    order = tuple(draw(st.permutations(stated)))
    chair = draw(st.sampled_from(present))
    involved = tuple(i for i in ids if draw(st.booleans()))
    amount = draw(st.sampled_from(amount_values(inst.ruleset(body, matter))))
    return Meeting(ref, body, MatterFacts(matter, None if amount < 0 else amount, portfolio,
                                          involved, draw(st.booleans()), draw(st.booleans()),
                                          draw(st.booleans())),
                   members, frozenset(present), frozenset(set(present) - set(speakers)),
                   opinions, order, votes, chair, draw(st.booleans()))


def _pin(sm, m: Meeting) -> list:
    t = m.terms()
    n = t.n
    # members who stated nothing take the positions stated ones do not use, in a fixed way
    free = sorted(set(range(n)) - {p for p in t.pos if p >= 0})
    pos = [t.pos[i] if t.pos[i] >= 0 else free.pop(0) for i in range(n)]
    out = [sm.emergency == t.emergency, sm.ad_hoc == t.ad_hoc, sm.vote_called == t.vote_called,
           sm.unclear == t.unclear, sm.amount == t.amount]
    for i in range(n):
        out += [sm.present[i] == t.present[i], sm.recused[i] == t.recused[i],
                sm.interested[i] == t.interested[i], sm.owner[i] == t.owner[i],
                sm.chair[i] == t.chair[i], sm.deputy[i] == t.deputy[i], sm.pos[i] == pos[i],
                sm.vote[i] == t.vote[i], sm.opinion[i] == t.opinion[i]]
    return out


@settings(max_examples=60, deadline=None)
@given(meetings())
def test_z3_outcome_equals_reference(m: Meeting) -> None:
    inst = load_institution(m.institution)
    rs = inst.ruleset(m.body, m.matter.category)
    sm = symbolic_meeting(len(m.members), m.matter.portfolio)
    s = z3.Solver()
    s.add(*[c for _, c in well_formed(sm)], *_pin(sm, m))
    assert s.check() == z3.sat
    model = s.model()
    for choice in rs.choices():
        enc = encode(rs.spec(choice), sm.terms(), track=False)
        got = model.eval(enc.outcome, model_completion=True).as_long()
        assert got == decide(m, rs, choice).outcome
    back = decode(model, sm, MeetingLabel(m.institution, m.body, m.matter.category))
    assert decide(back, rs).outcome == decide(m, rs).outcome
    assert back.present == m.present and back.recused == m.recused
    assert back.speakers == m.speakers and dict(back.votes) == dict(m.votes)
    assert back.members == m.members and back.matter == m.matter
