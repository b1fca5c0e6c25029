"""The vectorised outcomes equal the reference evaluator, meeting by meeting.

10,000 random meetings per institution (mixed bodies, matters, readings, speaking
orders, board sizes, herding, abstention, emergencies and ad-hoc items) against
``evaluate(spec, terms, PY)``, and a few hundred through ``model.evaluator.decide``.
"""

from __future__ import annotations

import itertools
import zlib

import numpy as np
import pytest

from model.backend import PY
from model.evaluator import decide
from model.loader import builtin_ids, load_institution
from model.semantics import evaluate
from simulations.compositions import Board
from simulations.meetings import ORDERS, draw_meetings
from simulations.montecarlo import model_for
from simulations.rng import as_generator
from simulations.vectorised import outcomes

PER_INSTITUTION = 10_000
CHUNK = 250


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_vectorised_equals_reference(inst_id: str) -> None:
    inst = load_institution(inst_id)
    g = as_generator(zlib.crc32(inst_id.encode()))
    cases = [(b, m, c) for (b, m), rs in inst.rulesets.items() for c in rs.choices()]
    g.shuffle(cases)
    checked = via_decide = recusals = notes = 0
    for k, (body, matter, choice) in enumerate(itertools.islice(itertools.cycle(cases),
                                                                PER_INSTITUTION // CHUNK)):
        rs = inst.ruleset(body, matter)
        spec = rs.spec(choice)
        board = Board.uniform(int(g.integers(2, 12)), attendance=float(g.uniform(0.4, 1)),
                              conformity=float(g.choice([0.0, 0.7])), abstain=0.1,
                              deputies=None, attendance_correlation=float(g.choice([0, 0.3])))
        extras = ({"p_interested": 0.08, "p_recuse": 0.7, "p_written_opinion": 0.5}
                  if k % 2 else {})
        model = model_for(inst, matter, spec, ORDERS[k % len(ORDERS)], p_emergency=0.3,
                          p_ad_hoc=0.2, **extras)
        batch = draw_meetings(board, model, CHUNK, g)
        got = outcomes(spec, batch)
        for j in range(batch.size):
            ev = evaluate(spec, batch.terms(j), PY)
            assert (got.outcome[j], got.yes[j], got.no[j]) == (
                ev.outcome, ev.tally["yes"], ev.tally["no"]), (body, matter, choice, j)
        checked += batch.size
        recusals += 0 if batch.recused is None else int(batch.recused.sum())
        notes += 0 if batch.opinion is None else int((batch.opinion > 0).sum())
        for j in range(8):
            d = decide(batch.meeting(j, inst.id, body, matter), rs, choice)
            assert int(d.outcome) == got.outcome[j]
            via_decide += 1
    assert checked == PER_INSTITUTION and via_decide >= 300
    assert recusals > 100 and notes > 1000  # the recusal and written-opinion rules are exercised


def test_every_outcome_occurs_somewhere() -> None:
    seen: set[int] = set()
    for inst_id in builtin_ids():
        inst = load_institution(inst_id)
        for (_, matter), rs in inst.rulesets.items():
            spec = rs.default()
            for order in ("last", "first"):
                model = model_for(inst, matter, spec, order, p_ad_hoc=0.3)
                b = draw_meetings(Board.uniform(7, attendance=0.7), model, 500, seed=1)
                seen |= set(np.unique(outcomes(spec, b).outcome).tolist())
    assert seen == {1, 2, 3, 4, 5}


def test_meetings_are_well_formed() -> None:
    inst = load_institution("xiuzhou_district")
    spec = inst.ruleset("leadership", "large_funds").default()
    for order in ORDERS:
        model = model_for(inst, "large_funds", spec, order, p_interested=0.2, p_recuse=0.8,
                          p_written_opinion=0.5)
        b = draw_meetings(Board.uniform(9, attendance=0.6, conformity=0.5), model, 300, seed=4)
        for j in range(b.size):
            t = b.terms(j)
            speakers = [p for p in t.pos if p >= 0]
            speaking = [p and not r for p, r in zip(t.present, t.recused, strict=True)]
            assert sorted(speakers) == list(range(sum(speaking)))
            assert all((v != 0) == s for v, s in zip(t.vote, speaking, strict=True))
            assert all(r <= p for r, p in zip(t.recused, t.present, strict=True))
            assert all(o == 0 or not p for o, p in zip(t.opinion, t.present, strict=True))
            if any(t.present):
                assert sum(t.chair) == 1 and t.present[t.chair.index(True)]
                if t.present[0]:
                    assert t.chair[0]
