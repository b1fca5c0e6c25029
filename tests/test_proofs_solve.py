"""Results cannot lie: a timeout answers ``unknown``, never ``holds``."""

from __future__ import annotations

import z3

from model.loader import load_institution
from proofs.context import Context
from proofs.options import CheckOptions
from proofs.properties import all_properties, get_property
from proofs.solve import Budget, Query


def test_hard_query_with_tiny_timeout_is_unknown() -> None:
    # pigeonhole: 9 pigeons, 8 holes -- hard for a 1 ms budget
    q = Query(timeout_ms=1)
    x = [[z3.Bool(f"p{i}_{j}") for j in range(8)] for i in range(9)]
    q.add(*[z3.Or(*row) for row in x])
    q.add(*[z3.Or(z3.Not(x[i][j]), z3.Not(x[k][j])) for j in range(8) for i in range(9)
            for k in range(i + 1, 9)])
    a = q.check()
    assert a.status == "unknown" and not a.holds_claimable
    assert "timeout" in a.reason


def test_property_check_with_tiny_timeout_never_lies() -> None:
    """With a 1 ms budget each check answers ``unknown`` or what it answers with time."""
    inst = load_institution("taobei_district_government")
    body, matter = next(iter(inst.pairs()))
    statuses = []
    for prop in all_properties():
        slow = Context.make(inst, body, matter, 15, CheckOptions(sizes=(15,), timeout_s=60))
        fast = Context.make(inst, body, matter, 15, CheckOptions(sizes=(15,), timeout_s=0.001))
        fast.budget = Budget(0.001)
        v = prop.check(fast)
        statuses.append(v.status)
        if v.status != "unknown":
            assert v.status == prop.check(slow).status, prop.id
        else:
            assert v.reason
    assert "unknown" in statuses


def test_unknown_property_is_a_user_error() -> None:
    import pytest

    from model.errors import QuorumlabError

    with pytest.raises(QuorumlabError):
        get_property("no_such_property")
