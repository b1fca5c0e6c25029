"""Ordinary members drawn as counts give the same outcomes as members drawn one by one.

The Monte Carlo draws a meeting either member by member (``method="members"``) or as the
special members' states plus the ordinary members' counts (``"counts"``,
:class:`simulations.counts.CountSampler`).  The two must have the same distribution of
outcomes, yes - no margins and quality measures: two-sample chi-square tests on every
built-in institution's (body, matter) pairs, at significance 1e-6 with fixed seeds (a
false alarm over the whole file has probability below 1e-3), both with the tables the
sampler uses and with its fallbacks (binomial chain, one special member at a time).
Both must agree with exact mode within five standard errors, and results must name
the path that ran.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from model.loader import builtin_ids, load_institution
from model.meeting import Outcome
from model.rules import RuleSpec
from simulations import counts
from simulations.compositions import Board, BoardFileError, BoardMember
from simulations.counts import CountSampler, count_problem, sampler_problem
from simulations.exact import exact_probabilities
from simulations.meetings import MeetingModel
from simulations.montecarlo import Tally, choose_method, model_for, simulate, simulate_institution

MEETINGS = 200_000
ALPHA = 1e-6


def chi2_sf(x: float, df: int) -> float:
    """P(chi-square with df degrees of freedom > x): 1 - the regularised lower incomplete
    gamma P(df/2, x/2), by its series x^a e^-x / Gamma(a+1) * sum x^k / ((a+1)..(a+k))."""
    a, h = df / 2, x / 2
    if h == 0:
        return 1.0
    term = total = 1.0
    k = 0
    while term > 1e-17 * total:
        k += 1
        term *= h / (a + k)
        total += term
    return max(0.0, 1.0 - math.exp(a * math.log(h) - h - math.lgamma(a + 1)) * total)


def test_chi2_sf_matches_closed_forms() -> None:
    # df = 2: the exponential, P(X > x) = exp(-x/2); df = 1: erfc(sqrt(x/2))
    for x in (0.5, 3.0, 20.0, 40.0):
        assert chi2_sf(x, 2) == pytest.approx(math.exp(-x / 2), rel=1e-9, abs=1e-13)
        assert chi2_sf(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-9, abs=1e-13)


def two_sample(a: np.ndarray, b: np.ndarray) -> float:
    """p-value of the chi-square test that two count vectors come from one distribution;
    bins expected below 5 in either sample are pooled into one."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    na, nb = a.sum(), b.sum()
    pooled = (a + b) / (na + nb)
    small = pooled * min(na, nb) < 5
    if small.any():
        a = np.append(a[~small], a[small].sum())
        b = np.append(b[~small], b[small].sum())
        pooled = (a + b) / (na + nb)
    keep = pooled > 0
    a, b, pooled = a[keep], b[keep], pooled[keep]
    if len(a) < 2:
        return 1.0
    stat = float((((a - na * pooled) ** 2) / (na * pooled)).sum()
                 + (((b - nb * pooled) ** 2) / (nb * pooled)).sum())
    return chi2_sf(stat, len(a) - 1)


def test_two_sample_rejects_a_shift() -> None:
    same = two_sample(np.array([5000, 5000]), np.array([5020, 4980]))
    shifted = two_sample(np.array([5000, 5000]), np.array([5500, 4500]))
    assert same > 0.5 and shifted < 1e-10


def assert_same(t1: Tally, t2: Tally, where: object, path: str = "counts") -> None:
    """Outcomes, margins, correct and leader-followed counts of two runs (``path`` and
    the per-member path) agree."""
    assert (t1.method, t2.method) == (path, "members"), where
    assert t1.margins is not None and t2.margins is not None
    tests = {"outcome": (t1.by_outcome, t2.by_outcome), "margin": (t1.margins, t2.margins)}
    for key in ("correct", "leader_followed"):
        x, y = getattr(t1, key), getattr(t2, key)
        tests[key] = (np.array([x, t1.meetings - x]), np.array([y, t2.meetings - y]))
    for name, (a, b) in tests.items():
        p = two_sample(a, b)
        assert p > ALPHA, (where, name, p, a, b)


SETTINGS = (
    # silence tracks the first present ordinary member (he may chair); deferrals, abstention
    {"board": {"attendance": 0.8, "abstain": 0.1},
     "model": {"p_silent": 0.1, "p_defer": 0.2, "p_emergency": 0.3, "p_ad_hoc": 0.2,
               "p_unclear": 0.2, "prior_yes": 0.6}},
    # everyone present speaks; a thin board: quorum and ties matter
    {"board": {"attendance": 0.6, "competence": 0.5},
     "model": {"amount": 20_000, "ties": "coin"}},
)


def _pairs(inst_id: str) -> list[tuple[str, str, dict[str, str]]]:
    inst = load_institution(inst_id)
    return [(b, m, next(inst.ruleset(b, m).choices())) for b, m in inst.pairs()]


def assert_every_pair(inst_id: str, settings: tuple[dict, ...],
                      board_of: Callable[[int, dict], Board], path: str, meetings: int,
                      seed: int) -> None:
    """On every (body, matter) of an institution (its first reading; the k-th pair with
    ``settings[k % len]``, ``board_of(k, setting)`` and order last or first in turn),
    ``path`` and the per-member path have the same distribution (:func:`assert_same`)."""
    inst = load_institution(inst_id)
    for k, (body, matter, choice) in enumerate(_pairs(inst_id)):
        spec = inst.ruleset(body, matter).spec(choice)
        cfg = settings[k % len(settings)]
        board = board_of(k, cfg)
        model = model_for(inst, matter, spec, ("last", "first")[k % 2], **cfg["model"])
        t1 = simulate(spec, board, model, meetings, seed=seed + k, method=path)
        t2 = simulate(spec, board, model, meetings, seed=seed + k, method="members")
        assert_same(t1, t2, (inst_id, body, matter, cfg), path=path)


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_counts_path_has_the_members_distribution(inst_id: str) -> None:
    assert_every_pair(inst_id, SETTINGS, lambda k, cfg: Board.uniform(
        9 + 4 * (k % 3), deputies=k % 4, **cfg["board"]), "counts", MEETINGS, 1000)


@pytest.mark.parametrize("first", [False, True])
def test_fallbacks_have_the_members_distribution(monkeypatch: pytest.MonkeyPatch,
                                                  first: bool) -> None:
    """Without tables: the counts by a chain of binomials, the special members one by one."""
    monkeypatch.setattr(counts, "TABLE_LIMIT", 0)
    spec = RuleSpec(decision_mode="chief_decides" if first else "vote")
    board = Board.uniform(23, attendance=0.7, abstain=0.15)
    model = MeetingModel(p_silent=0.1 if first else 0.0, p_defer=0.3, portfolio="finance")
    sampler = CountSampler.of(spec, board, model)
    assert all(w.joint is None and w.cells is None for w in sampler.worlds.values())
    t1 = simulate(spec, board, model, MEETINGS, seed=5, method="counts")
    t2 = simulate(spec, board, model, MEETINGS, seed=5, method="members")
    assert_same(t1, t2, ("fallback", first))


CASES = [("prefecture_medical_security_party_group", "party_group", "ordinary"),
         ("city_medical_security_bureau", None, None),
         ("taobei_district_government", None, None)]


def _both_paths_agree_with_exact(spec: RuleSpec, board: Board, model: MeetingModel,
                                 meetings: int, seed: int) -> None:
    """Each path's estimates lie within five standard errors (of the exact value) of exact
    mode: a miss has probability below 1e-6."""
    exact = exact_probabilities(spec, board, model).probabilities
    for method in ("counts", "members"):
        got = simulate(spec, board, model, meetings, seed=seed, method=method).probabilities()
        for key, e in got.items():
            se = math.sqrt(max(exact[key].value * (1 - exact[key].value), 1e-9) / e.trials)
            assert abs(e.value - exact[key].value) <= 5 * se + 1e-12, (method, key)


@pytest.mark.parametrize(("inst_id", "body", "matter"), CASES)
@pytest.mark.parametrize("n", [15, 175])
def test_both_paths_agree_with_exact_mode(inst_id: str, body: str | None, matter: str | None,
                                          n: int) -> None:
    inst = load_institution(inst_id)
    body, matter, choice = next((b, m, c) for b, m, c in _pairs(inst_id)
                                if body is None or (b, m) == (body, matter))
    spec = inst.ruleset(body, matter).spec(choice)
    # all five states at n = 15; at n = 175 yes and no (fewer exact count cells)
    board = Board.uniform(n, attendance=0.75, abstain=0.05 if n < 100 else 0.0)
    model = model_for(inst, matter, spec, **({"p_silent": 0.05, "p_defer": 0.1} if n < 100 else {}))
    _both_paths_agree_with_exact(spec, board, model, 100_000, seed=n)


@pytest.mark.parametrize(("n", "attendance", "model_args", "chief"), [
    (1, 0.9, {}, False),  # the leader alone: no ordinary members
    (3, 0.5, {"p_silent": 0.2}, True),  # the first present ordinary member may chair
    (9, 0.0, {}, False),  # nobody ever comes
    (9, 1.0, {"prior_yes": 1.0}, False),  # one state of the world only
    (6, 0.7, {"prior_yes": 0.0, "p_silent": 0.3}, True),
])
def test_edge_boards_agree_with_exact_mode(n: int, attendance: float, model_args: dict,
                                           chief: bool) -> None:
    spec = RuleSpec(decision_mode="chief_decides" if chief else "vote")
    board, model = Board.uniform(n, attendance=attendance), MeetingModel(**model_args)
    _both_paths_agree_with_exact(spec, board, model, 50_000, seed=n)


def test_results_name_the_path_that_ran() -> None:
    inst = "prefecture_medical_security_party_group"
    [r] = simulate_institution(inst, board=Board.uniform(9), meetings=2000, seed=1,
                               reading=_pairs(inst)[0][2])
    assert r.method == "counts" and {row["method"] for row in r.rows()} == {"counts"}
    [herd] = simulate_institution(inst, board=Board.uniform(9, conformity=0.5), meetings=2000,
                                  seed=1, reading=_pairs(inst)[0][2])
    assert herd.method == "herding"
    [forced] = simulate_institution(inst, board=Board.uniform(9), meetings=2000, seed=1,
                                    reading=_pairs(inst)[0][2], method="members")
    assert forced.method == "members"


def test_method_is_chosen_only_where_the_members_are_independent_and_alike() -> None:
    spec, model = RuleSpec(), MeetingModel()
    assert choose_method(spec, Board.uniform(7), model) == "counts"
    mixed = Board.uniform(7)
    mixed = Board((*mixed.members[:-1], BoardMember("m6", competence=0.9)))
    for board, m in ((Board.uniform(7, attendance_correlation=0.3), model),
                     (Board.uniform(7), MeetingModel(order="random")),
                     (Board.uniform(7), MeetingModel(p_interested=0.1)),
                     (mixed, model)):
        assert choose_method(spec, board, m) == "members"
        for path in ("counts", "herding"):
            with pytest.raises(BoardFileError):
                choose_method(spec, board, m, path)
    herding = Board.uniform(7, conformity=0.2)  # not independent: the herding path
    assert choose_method(spec, herding, model) == "herding"
    with pytest.raises(BoardFileError, match="conformity"):
        choose_method(spec, herding, model, "counts")
    with pytest.raises(BoardFileError, match="unknown method"):
        choose_method(spec, Board.uniform(7), model, "fast")


def test_same_seed_same_results_on_each_path() -> None:
    spec, board, model = RuleSpec(), Board.uniform(15, attendance=0.8), MeetingModel(p_silent=0.1)
    for method in ("counts", "members"):
        a = simulate(spec, board, model, 30_000, seed=9, method=method)
        b = simulate(spec, board, model, 30_000, seed=9, method=method)
        assert a.by_outcome.tolist() == b.by_outcome.tolist()
        assert a.margins is not None and b.margins is not None
        assert a.margins.tolist() == b.margins.tolist() and a.correct == b.correct


def memo_cases(inst_id: str, board: Board, sampler_cls: Any,
               **model_args: Any) -> Iterator[tuple[RuleSpec, Any, Any]]:
    """(spec, sampler, an empty memo) for every (body, matter) of an institution, its
    first reading, orders first and last in turn; each sampler must have a memo."""
    inst = load_institution(inst_id)
    for (body, matter), order in zip(inst.pairs(), ("first", "last") * 99, strict=False):
        rs = inst.ruleset(body, matter)
        spec = rs.spec(next(rs.choices()))
        sampler = sampler_cls.of(spec, board, model_for(inst, matter, spec, order, **model_args))
        memo = sampler.memo()
        assert memo is not None, (body, matter)
        yield spec, sampler, memo


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_memoised_decisions_equal_deciding_every_meeting(inst_id: str) -> None:
    """The counts path decides each (world, joint state, count cell, flags) key once and
    looks it up after: on the same random stream, every meeting's outcome, yes and no
    equal deciding every meeting anew, on every (body, matter) of every institution, with
    random emergencies, unclear items and silence (keys carry the flags), both orders."""
    board = Board.uniform(8, attendance=0.85, competence=0.7, abstain=0.1, deputies=2)
    for spec, sampler, memo in memo_cases(inst_id, board, CountSampler, p_emergency=0.3,
                                          p_unclear=0.2, p_silent=0.1):
        for seed in range(3):  # the memo carries over from batch to batch
            fast, right, signal = sampler.decide(spec, 4000, seed, memo)
            slow, right_slow, signal_slow = sampler.decide(spec, 4000, seed)
            for field in ("outcome", "yes", "no"):
                assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
            assert np.array_equal(right, right_slow) and np.array_equal(signal, signal_slow)
        assert (memo.outcome >= 0).sum() < 3 * 4000  # keys repeat: fewer decided than drawn


def test_no_memo_where_a_world_draws_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    spec, board, model = RuleSpec(), Board.uniform(15, attendance=0.8), MeetingModel()
    assert CountSampler.of(spec, board, model).memo() is not None
    with monkeypatch.context() as m:
        m.setattr(counts, "MEMO_LIMIT", 10)  # too many keys
        assert CountSampler.of(spec, board, model).memo() is None
    with monkeypatch.context() as m:
        m.setattr(counts, "TABLE_LIMIT", 4)  # the counts drawn as a chain of binomials
        sampler = CountSampler.of(spec, board, model)
        assert sampler.memo() is None and sampler.worlds[True].cells is None


def _owner_among_members() -> tuple[RuleSpec, Board, MeetingModel]:
    """The leader never comes; a plain member who owns the portfolio sits after an
    ordinary member, so he chairs only when that member is absent."""
    ms = [BoardMember("m0", "leader", attendance=0.0),
          BoardMember("m1", attendance=0.5, competence=0.6),
          BoardMember("m2", portfolios=("finance",), attendance=0.9, competence=0.95),
          *(BoardMember(f"m{i}", attendance=0.5, competence=0.6) for i in range(3, 8))]
    return RuleSpec(decision_mode="chief_decides"), Board(tuple(ms)), MeetingModel(portfolio="finance")


def test_an_owner_seated_among_ordinary_members_chairs_after_them() -> None:
    """The member before the owner in chair priority is drawn one by one: exact mode and
    both paths give the hand-derived probability."""
    spec, board, model = _owner_among_members()
    assert count_problem(board, model) is None and sampler_problem(spec, board, model) is None
    assert CountSampler.of(spec, board, model).split.special == [0, 1, 2]
    # by hand: the chair is m1 (P 1/2, right with 0.6), else m2 (P 0.5 * 0.9, right with
    # 0.95), else m3..m7 if any comes (0.05 * (1 - 0.5^5), right with 0.6); nobody: not held
    p_m1, p_m2 = 0.5, 0.5 * 0.9
    p_rest = 0.5 * 0.1 * (1 - 0.5**5)
    correct = (p_m1 + p_rest) * 0.6 + p_m2 * 0.95
    assert exact_probabilities(spec, board, model).probabilities["correct"].value == \
        pytest.approx(correct, abs=1e-12)
    for method in ("counts", "members"):
        t = simulate(spec, board, model, MEETINGS, seed=4, method=method).probabilities()
        assert abs(t["correct"].value - correct) <= 5 * t["correct"].stderr, method


@settings(max_examples=25, deadline=None, derandomize=True)  # a statistical test: fixed draws
@given(st.lists(st.floats(0.0, 1.0), min_size=1, max_size=40).filter(lambda p: sum(p) > 0.1),
       st.integers(0, 2**32 - 1))
def test_table_draws_follow_their_probabilities(p: list[float], seed: int) -> None:
    probs = np.array(p) / sum(p)
    table = counts._Table.of(probs)
    got = np.bincount(table.draw(np.random.default_rng(seed).random(40_000)), minlength=len(p))
    assert len(got) == len(p) and not got[probs == 0].any()
    assert two_sample(got, np.round(probs * 1e9).astype(np.int64)) > ALPHA


def test_every_outcome_is_reachable_on_the_counts_path() -> None:
    """A sanity check that the comparison above is not vacuous: the settings reach
    passing, rejection, no quorum and procedure violations."""
    seen: set[int] = set()
    for inst_id in builtin_ids():
        inst = load_institution(inst_id)
        for k, (body, matter, choice) in enumerate(_pairs(inst_id)[:3]):
            spec = inst.ruleset(body, matter).spec(choice)
            cfg = SETTINGS[k % len(SETTINGS)]
            model = model_for(inst, matter, spec, **cfg["model"])
            t = simulate(spec, Board.uniform(9, **cfg["board"]), model, 20_000, seed=k)
            seen |= {i for i, c in enumerate(t.by_outcome) if c}
    assert {int(o) for o in (Outcome.PASSED, Outcome.REJECTED, Outcome.NO_QUORUM,
                             Outcome.PROCEDURE_VIOLATION)} <= seen
