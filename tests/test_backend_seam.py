"""The one semantics gives the same outcome through the Python, numpy and Z3 backends.

The meetings are well formed (someone and the chair present; design section 7) and carry
the v2 facts: silent members (vote NONE), deputies, an unclear item and an amount at a route
boundary of the rule set (or not recorded, -1).
"""

from __future__ import annotations

import numpy as np
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

from model.backend import NP, PY, Z3Backend
from model.loader import builtin_ids, load_institution
from model.meeting import MeetingTerms, Vote
from model.semantics import evaluate
from proofs.oracle import amount_values

PAIRS = [(iid, b, m) for iid in builtin_ids() for (b, m) in load_institution(iid).pairs()]


@st.composite
def meetings(draw: st.DrawFn) -> tuple[tuple[str, str, str], dict[str, str], MeetingTerms]:
    iid, body, matter = draw(st.sampled_from(PAIRS))
    rs = load_institution(iid).ruleset(body, matter)
    choice = draw(st.sampled_from(list(rs.choices())))
    n = draw(st.integers(1, 7))
    present = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    present[0] = present[0] or not any(present) or draw(st.booleans())
    recused = [p and draw(st.booleans()) for p in present]
    speaker = [p and not r for p, r in zip(present, recused, strict=True)]
    vote = [int(draw(st.sampled_from(list(Vote)))) if s else 0 for s in speaker]  # 0: silent
    opinion = [0 if p else int(draw(st.sampled_from(list(Vote)))) for p in present]
    order = draw(st.permutations([i for i in range(n) if vote[i]]))
    pos = [order.index(i) if vote[i] else -1 for i in range(n)]
    chair_i = draw(st.sampled_from([i for i in range(n) if present[i]]))
    owner = [False] * n
    if draw(st.booleans()):
        owner[draw(st.integers(0, n - 1))] = True
    terms = MeetingTerms(
        n=n, leader=0, present=present, recused=recused,
        interested=draw(st.lists(st.booleans(), min_size=n, max_size=n)), owner=owner,
        chair=[i == chair_i for i in range(n)], vote=vote, opinion=opinion, pos=pos,
        emergency=draw(st.booleans()), ad_hoc=draw(st.booleans()), vote_called=draw(st.booleans()),
        portfolio=load_institution(iid).matters[matter].portfolio,
        deputy=[i > 0 and draw(st.booleans()) for i in range(n)], unclear=draw(st.booleans()),
        amount=draw(st.sampled_from(amount_values(rs))),
    )
    return (iid, body, matter), choice, terms


def _as_numpy(t: MeetingTerms) -> MeetingTerms:
    def arr(xs: list) -> list:
        return [np.array([x]) for x in xs]

    return MeetingTerms(t.n, t.leader, arr(t.present), arr(t.recused), arr(t.interested),
                        arr(t.owner), arr(t.chair), arr(t.vote), arr(t.opinion), arr(t.pos),
                        np.array([t.emergency]), np.array([t.ad_hoc]), np.array([t.vote_called]),
                        t.portfolio, arr(t.deputy), np.array([t.unclear]), np.array([t.amount]))


def _as_z3(t: MeetingTerms) -> tuple[MeetingTerms, list]:
    """Fresh Z3 variables pinned to the concrete values (so the terms stay symbolic)."""
    pins = []

    def var(kind: str, name: str, value: object) -> z3.ExprRef:
        v = z3.Bool(name) if kind == "b" else z3.Int(name)
        pins.append(v == value)
        return v

    def seq(kind: str, name: str, xs: list) -> list:
        return [var(kind, f"{name}{i}", x) for i, x in enumerate(xs)]

    z = MeetingTerms(t.n, t.leader, seq("b", "present", t.present), seq("b", "recused", t.recused),
                     seq("b", "interested", t.interested), seq("b", "owner", t.owner),
                     seq("b", "chair", t.chair), seq("i", "vote", t.vote),
                     seq("i", "opinion", t.opinion), seq("i", "pos", t.pos),
                     var("b", "emergency", t.emergency), var("b", "ad_hoc", t.ad_hoc),
                     var("b", "vote_called", t.vote_called), t.portfolio,
                     seq("b", "deputy", t.deputy), var("b", "unclear", t.unclear),
                     var("i", "amount", t.amount))
    return z, pins


@settings(max_examples=150, deadline=None)
@given(meetings())
def test_python_numpy_z3_agree(case: tuple) -> None:
    (iid, body, matter), choice, terms = case
    spec = load_institution(iid).ruleset(body, matter).spec(choice)
    expected = evaluate(spec, terms, PY).outcome
    assert int(evaluate(spec, _as_numpy(terms), NP).outcome[0]) == expected
    zterms, pins = _as_z3(terms)
    out = evaluate(spec, zterms, Z3Backend()).outcome
    s = z3.Solver()
    s.add(*pins)
    s.add(out != expected)
    assert s.check() == z3.unsat  # under these values the Z3 term can only be `expected`
