"""Soundness: a proof never rests on an unanswered question (see the table in proofs.solve).

The seam is :func:`proofs.solve.ask`, the one call into Z3's ``check``.  A wrapper there
answers ``unknown`` on its k-th call; every registered property, on one representative
(body, matter) of each built-in institution, is run once unforced and then with
k = 1, 2, ... up to the number of calls it made.  Whenever the forced answer was used,
the verdict must be neither ``holds`` nor ``vacuous``; and it must be ``unknown`` or the
unforced verdict (status and value): the wrapper forwards every other call unchanged, so
a forced run either stops at the unanswered step or (for the three illustrations the
table names) keeps a failure that a confirmed witness already showed.  A forced answer
while a witness is polished (:mod:`proofs.witness`) must leave the verdict as it was.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import z3

import proofs.solve as solve
from model.errors import QuorumlabError
from model.loader import load_institution
from proofs.compare import Side, compare
from proofs.context import Context
from proofs.options import CheckOptions, parse_sizes
from proofs.properties import all_properties, get_property
from proofs.solve import Answer, Budget, ask
from proofs.witness import POLISHING

# one (body, matter) per institution and a board size in 3..5; chosen so that a money
# limit (no_split_evasion) and a portfolio (separation_of_duties) are exercised too
CASES = [
    ("alxa_medical_security_bureau", "leadership", "cadre", 3),
    ("city_medical_security_bureau", "party_group", "large_funds", 3),
    ("prefecture_medical_security_party_group", "party_group", "ordinary", 4),
    ("taobei_district_government", "plenary", "off_budget_funds", 5),
    ("xiuzhou_district", "leadership", "personnel", 3),
]
OPTIONS = CheckOptions(timeout_s=120)  # generous: only the forced answer is unknown


class Forcing:
    """Wraps :func:`proofs.solve.ask`: counts the calls, answers ``unknown`` on call ``k``."""

    def __init__(self, k: int | None = None) -> None:
        self.k = k
        self.calls = 0
        self.polishing = False  # the forced call polished a witness

    @property
    def forced(self) -> bool:
        return self.k is not None and self.calls >= self.k

    def __call__(self, *args: Any, **kwargs: Any) -> Answer:
        self.calls += 1
        if self.calls == self.k:
            self.polishing = POLISHING.get()
            return Answer("unknown", reason="forced unknown")
        return ask(*args, **kwargs)


@contextmanager
def forcing(monkeypatch: pytest.MonkeyPatch, k: int | None = None) -> Iterator[Forcing]:
    f = Forcing(k)
    with monkeypatch.context() as m:
        m.setattr(solve, "ask", f)
        yield f


@pytest.mark.parametrize("ref,body,matter,n", CASES)
def test_forced_unknown_at_any_call_never_proves(monkeypatch: pytest.MonkeyPatch, ref: str,
                                                 body: str, matter: str, n: int) -> None:
    _forced_runs(monkeypatch, ref, body, matter, n, OPTIONS, [p.id for p in all_properties()])


def test_forced_unknown_on_the_counted_meeting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same for the properties that ask a counted meeting (forced here from n = 5; the
    city director's office has 7 classes, the fewest of the built-in rule sets)."""
    counted = []
    inst = load_institution("city_medical_security_bureau")
    opts = CheckOptions(timeout_s=120, count_from=5)
    for prop in all_properties():
        ctx = Context.make(inst, "director_office", "administrative", 5, opts)
        prop.check(ctx)
        if any(k[0] == "meeting" and k[-1] for k in ctx.memo):
            counted.append(prop.id)
    assert {"min_no_vote_block", "quorum_reachable", "no_dead_zone", "speaking_order_exists",
            "absentee_opinions_irrelevant"} <= set(counted)
    _forced_runs(monkeypatch, inst.id, "director_office", "administrative", 5, opts, counted)


def _forced_runs(monkeypatch: pytest.MonkeyPatch, ref: str, body: str, matter: str, n: int,
                 options: CheckOptions, props: list[str]) -> None:
    inst = load_institution(ref)
    bad, forced_runs = [], 0
    for prop in map(get_property, props):
        with forcing(monkeypatch) as f:
            base = prop.check(Context.make(inst, body, matter, n, options))
        assert base.status != "unknown", (prop.id, base.reason)
        for k in range(1, f.calls + 1):
            with forcing(monkeypatch, k) as g:
                v = prop.check(Context.make(inst, body, matter, n, options))
            if not g.forced:  # this run asked fewer questions: nothing was forced
                assert (v.status, v.value) == (base.status, base.value), (prop.id, k)
                continue
            forced_runs += 1
            if g.polishing:  # only the witness may differ: the verdict stands
                assert (v.status, v.value) == (base.status, base.value), (prop.id, k)
                continue
            if v.status in ("holds", "vacuous"):
                bad.append(f"{prop.id} k={k}: {v.status} after a forced unknown")
            elif v.status != "unknown" and (v.status, v.value) != (base.status, base.value):
                bad.append(f"{prop.id} k={k}: {v.status}/{v.value}, unforced "
                           f"{base.status}/{base.value}")
            elif v.status == "unknown":
                assert v.reason, (prop.id, k)
    assert not bad, bad
    assert forced_runs > 0


def test_forced_unknown_in_compare(monkeypatch: pytest.MonkeyPatch) -> None:
    """compare: a direction whose query is unanswered is unknown, never holds; the other
    direction keeps its answer."""
    inst = load_institution("prefecture_medical_security_party_group")
    a = Side.make(inst, "party_group", "ordinary")
    b = Side.make(inst, "party_group", "ordinary", {"deferral": "chair_judgement"})
    with forcing(monkeypatch) as f:
        base = compare(a, b, (3, 4))
    assert f.calls == 4  # two directions per size
    assert all(r.relation != "unknown" for r in base.rows)
    for k in range(1, f.calls + 1):
        with forcing(monkeypatch, k):
            c = compare(a, b, (3, 4))
        row, direction = divmod(k - 1, 2)
        for i, (got, want) in enumerate(zip(c.rows, base.rows, strict=True)):
            dirs = [(got.a_implies_b, want.a_implies_b), (got.b_implies_a, want.b_implies_a)]
            for j, (g, w) in enumerate(dirs):
                assert g == ("unknown" if (i, j) == (row, direction) else w), (k, i, j)
        assert c.rows[row].relation == "unknown" and c.rows[row].reason == "forced unknown"


def test_a_solver_exception_is_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    """A :class:`z3.Z3Exception` from the solver answers unknown: every property that asks
    a question is then unknown, with the solver's message."""
    inst = load_institution("city_medical_security_bureau")

    def boom(self: Any, *assumptions: Any) -> Any:
        raise z3.Z3Exception(b"out of memory")

    for prop in all_properties():
        with forcing(monkeypatch) as f:
            prop.check(Context.make(inst, "party_group", "large_funds", 3, OPTIONS))
        with monkeypatch.context() as m:
            m.setattr(z3.Solver, "check", boom)
            m.setattr(z3.Optimize, "check", boom)
            v = prop.check(Context.make(inst, "party_group", "large_funds", 3, OPTIONS))
        if f.calls:
            assert v.status == "unknown", prop.id
            assert v.reason == "solver error: out of memory", prop.id


def test_encoding_past_the_deadline_is_unknown() -> None:
    """A deadline that passes while the encoding is built answers unknown, never holds."""
    inst = load_institution("prefecture_medical_security_party_group")
    opts = CheckOptions(timeout_s=1e-6)
    for pid in ("quorum_reachable", "no_dead_zone", "min_yes_to_pass", "min_stay_away_block",
                "no_dictator", "complete", "monotonic_all_n"):
        v = get_property(pid).check(Context.make(inst, "party_group", "ordinary", 5, opts))
        assert v.status == "unknown", pid
        assert "time limit of 1e-06 s" in v.reason, (pid, v.reason)
    v = get_property("quorum_reachable").check(Context.make(inst, "party_group", "ordinary",
                                                            5, opts))
    assert v.reason.startswith("encoding exceeded the time limit"), v.reason


def test_a_large_board_stops_near_its_timeout() -> None:
    """Encoding and solving share one deadline: n = 400 (the check_size limit) with a
    0.25 s timeout ends well within 2 s.  Before encoding counted against the timeout, this
    check took 3.0 s and 480 MB whatever the timeout (measured with 0.5 s); now 0.5 s and
    70 MB."""
    inst = load_institution("prefecture_medical_security_party_group")
    prop = get_property("quorum_reachable")
    t0 = time.perf_counter()
    v = prop.check(Context.make(inst, "party_group", "ordinary", 400,
                                CheckOptions(sizes=(400,), timeout_s=0.25)))
    assert time.perf_counter() - t0 < 2.0
    assert v.status in ("unknown", "holds")


def test_budget_refuses_a_deadline_that_is_not_one() -> None:
    for bad in (float("nan"), float("inf"), 0, -1):
        with pytest.raises(ValueError):
            Budget(bad)


@pytest.mark.parametrize("timeout", [float("nan"), float("inf"), float("-inf"), -1, 0, 0.0,
                                     True, "10"])
def test_options_reject_a_timeout_that_is_not_a_positive_finite_number(timeout: Any) -> None:
    with pytest.raises(QuorumlabError) as err:
        CheckOptions(timeout_s=timeout)
    msg = str(err.value)
    assert "\n" not in msg and "timeout" in msg and "fix:" in msg


def test_sizes_over_the_check_size_limit_are_refused_before_any_work(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The check_size limit (400 members unless QUORUMLAB_LIMIT_CHECK_SIZE raises it) is
    enforced where sizes enter: the options, the size parser (before a range is built),
    a context, and compare."""
    inst = load_institution("prefecture_medical_security_party_group")
    side = Side.make(inst, "party_group", "ordinary")
    t0 = time.perf_counter()
    for attempt in (lambda: CheckOptions(sizes=(3, 401)),
                    lambda: parse_sizes("3-1000000000"),
                    lambda: Context.make(inst, "party_group", "ordinary", 401),
                    lambda: compare(side, side, (401,))):
        with pytest.raises(QuorumlabError, match="QUORUMLAB_LIMIT_CHECK_SIZE=") as err:
            attempt()
        assert "\n" not in str(err.value)
    assert time.perf_counter() - t0 < 2.0
    assert CheckOptions(sizes=(400,)).sizes == (400,)
    monkeypatch.setenv("QUORUMLAB_LIMIT_CHECK_SIZE", "401")
    assert parse_sizes("401") == (401,)
