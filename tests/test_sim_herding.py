"""The herding path draws meetings with the per-member path's distribution.

With conformity the Monte Carlo runs the cascade by speaking position, vectorised over
meetings, with the ordinary members as counts (``method="herding"``,
:class:`simulations.herding.HerdSampler`) where they are alike and the order is fixed
up to a random order within each class; otherwise it draws every member
(``"members"``).  The two use the random stream differently, so they are compared as
distributions: two-sample chi-square tests (at 1e-6, fixed seeds) on outcomes, yes - no
margins, correct and leader-followed decisions for every built-in (body, matter) pair
with herding on; margins derived by hand where conformity makes the cascade certain
(c > 1: everyone copies the first speaker) or the BHW tie (c = 1, two members); the
path without conformity against exact mode; and the memo against deciding every
meeting anew on the same random stream.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from test_sim_counts import assert_every_pair, assert_same, memo_cases

from model.loader import builtin_ids, load_institution
from model.rules import RuleSpec
from simulations import counts, herding
from simulations.compositions import Board
from simulations.exact import exact_probabilities
from simulations.herding import HerdSampler, herd_problem
from simulations.meetings import MeetingModel
from simulations.montecarlo import model_for, simulate
from simulations.vectorised import evaluate_terms

MEETINGS = 120_000

SETTINGS = (
    # silence (the first present ordinary member's state is tracked), deferrals,
    # abstention, random matter facts; a thin board: often no special member comes;
    # stubborn, better informed deputies
    {"board": {"attendance": 0.55, "abstain": 0.1, "conformity": 0.5, "leader_influence": 1.0},
     "special": {"deputy": {"competence": 0.9, "conformity": 0.0}},
     "model": {"p_silent": 0.1, "p_defer": 0.2, "p_emergency": 0.3, "p_ad_hoc": 0.2,
               "p_unclear": 0.2, "prior_yes": 0.6}},
    # strong herding, ties broken by the own signal, a leader who weighs 3 and conforms
    # less; deputies who herd more
    {"board": {"attendance": 0.85, "competence": 0.65, "conformity": 1.5,
               "leader_influence": 2.0},
     "special": {"leader": {"conformity": 0.3, "competence": 0.8},
                 "deputy": {"conformity": 3.0, "competence": 0.55}},
     "model": {"ties": "own", "amount": 20_000}},
    # the BHW weight (c = 1: ties are frequent), coin ties, everyone present speaks
    {"board": {"attendance": 0.7, "conformity": 1.0},
     "special": {"deputy": {"competence": 0.5, "abstain": 0.3}},
     "model": {"ties": "coin"}},
)


def _board(n: int, deputies: int, cfg: dict) -> Board:
    """A uniform board whose leader and deputies behave as ``cfg["special"]`` says."""
    b = Board.uniform(n, deputies=deputies, **cfg["board"])
    return replace(b, members=tuple(replace(m, **cfg["special"].get(m.role, {}))
                                    for m in b.members))


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_herding_path_has_the_members_distribution(inst_id: str) -> None:
    assert_every_pair(inst_id, SETTINGS, lambda k, cfg: _board(7 + 3 * (k % 3), k % 4, cfg),
                      "herding", MEETINGS, 2000)


@pytest.mark.parametrize("first", [False, True])
def test_fallbacks_have_the_members_distribution(monkeypatch: pytest.MonkeyPatch,
                                                  first: bool) -> None:
    """Without tables (the special members one by one, the ordinary counts by a chain of
    binomials), without a dense memo (the distinct keys of each block), without keys."""
    monkeypatch.setattr(counts, "TABLE_LIMIT", 0)
    monkeypatch.setattr(counts, "MEMO_LIMIT", 0)
    if first:
        monkeypatch.setattr(herding, "KEY_LIMIT", 0)
    spec = RuleSpec(decision_mode="chief_decides" if first else "vote", last_speaker="chair")
    board = Board.uniform(13, attendance=0.6, abstain=0.15, conformity=0.8, leader_influence=0.5)
    model = MeetingModel(p_silent=0.1 if first else 0.0, p_defer=0.3, portfolio="finance",
                         owner_speaks_first=True)
    sampler = HerdSampler.of(spec, board, model)
    assert all(p.combos is None for p in sampler.pre.values()) and sampler.ordinary[1] is None
    assert sampler.joint is None
    assert sampler.memo() is None
    t1 = simulate(spec, board, model, MEETINGS, seed=5, method="herding")
    t2 = simulate(spec, board, model, MEETINGS, seed=5, method="members")
    assert_same(t1, t2, ("fallback", first), path="herding")


def _margins(spec: RuleSpec, board: Board, model: MeetingModel, method: str,
             seed: int) -> tuple[dict[int, float], int]:
    t = simulate(spec, board, model, 60_000, seed=seed, method=method)
    assert t.margins is not None and t.method == method
    return {k - board.n: v / t.meetings for k, v in enumerate(t.margins) if v}, t.meetings


@pytest.mark.parametrize("method", ["herding", "members"])
def test_conformity_above_one_copies_the_first_speaker(method: str) -> None:
    """c = 2, everyone present, competence 0.7, the item right: the first speaker states
    his signal; every later one has |evidence| >= L (2 |S| - 1) > 0 with S the running
    sum, so he copies the first (so does the leader, whose weight only adds to S).  Every
    meeting is unanimous: margin +9 with probability 0.7, -9 with 0.3."""
    board = Board.uniform(9, competence=0.7, conformity=2.0, leader_influence=1.0)
    model = MeetingModel(prior_yes=1.0)
    got, trials = _margins(RuleSpec(), board, model, method, seed=11)
    assert set(got) <= {-9, 9}
    assert abs(got[9] - 0.7) <= 5 * math.sqrt(0.7 * 0.3 / trials)


@pytest.mark.parametrize("method", ["herding", "members"])
def test_conformity_one_is_the_bhw_tie(method: str) -> None:
    """c = 1, two members, competence 0.7, world random: the member speaks first and
    states his signal; the leader (chair, last) has evidence L (s + S): he agrees where
    the signals agree (0.7^2 + 0.3^2 = 0.58) and tosses a coin where they differ (0.42),
    so the margin is 0 with probability 0.21 and +-2 with 0.395 each."""
    board = Board.uniform(2, competence=0.7, conformity=1.0)
    got, trials = _margins(RuleSpec(), board, MeetingModel(), method, seed=12)
    assert set(got) <= {-2, 0, 2}
    for margin, p in ((0, 0.21), (2, 0.395), (-2, 0.395)):
        assert abs(got[margin] - p) <= 5 * math.sqrt(p * (1 - p) / trials), margin


@pytest.mark.parametrize(("n", "attendance", "model_args"), [
    (15, 0.75, {"p_defer": 0.1, "p_unclear": 0.3}),
    (7, 0.5, {"p_silent": 0.1, "ties": "own", "order": "first"}),
])
def test_without_conformity_the_herding_path_is_exact_mode(n: int, attendance: float,
                                                           model_args: dict) -> None:
    """Conformity 0: the cascade states each member's own signal, so the herding path
    must give exact mode's probabilities (within five standard errors)."""
    inst = load_institution("prefecture_medical_security_party_group")
    rs = inst.ruleset("party_group", "ordinary")
    spec = rs.spec(next(rs.choices()))
    board = Board.uniform(n, attendance=attendance, abstain=0.05, competence=0.5 + n / 50)
    model = model_for(inst, "ordinary", spec, **model_args)
    exact = exact_probabilities(spec, board, model).probabilities
    got = simulate(spec, board, model, 100_000, seed=n, method="herding").probabilities()
    for key, e in got.items():
        se = math.sqrt(max(exact[key].value * (1 - exact[key].value), 1e-9) / e.trials)
        assert abs(e.value - exact[key].value) <= 5 * se + 1e-12, key


@pytest.mark.parametrize("inst_id", builtin_ids())
def test_memoised_decisions_equal_deciding_every_meeting(inst_id: str) -> None:
    """The same random stream drawn as terms and decided meeting by meeting through the
    semantics, and decided through the memo (and the distinct keys of a block): the same
    outcome, yes and no for every meeting, on every (body, matter)."""
    board = Board.uniform(8, attendance=0.7, abstain=0.1, deputies=2, conformity=0.7,
                          leader_influence=1.0)
    for spec, sampler, memo in memo_cases(inst_id, board, HerdSampler, p_emergency=0.3,
                                          p_silent=0.1, p_defer=0.2):
        for seed in range(2):  # the memo carries over from block to block
            d = sampler.draw(3000, seed)
            slow = evaluate_terms(spec, d.terms, 3000)
            for m in (memo, None):
                fast, right, signal = sampler.decide(spec, 3000, seed, m)
                for field in ("outcome", "yes", "no"):
                    assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
                assert np.array_equal(right, d.yes_is_right)
                assert np.array_equal(signal, d.leader_signal)


def test_herding_applies_only_where_ordinary_members_are_alike() -> None:
    spec, model = RuleSpec(), MeetingModel()
    board = Board.uniform(7, conformity=0.5)
    assert herd_problem(spec, board, model) is None
    unlike = Board((*board.members[:-1], board.members[-1].__class__("m6", conformity=0.2)))
    assert herd_problem(spec, unlike, model)[0] == "board"
    assert herd_problem(spec, board, MeetingModel(order="seniority"))[0] == "order"
    assert herd_problem(spec, Board.uniform(7, conformity=0.5, signal_correlation=0.2),
                        model)[0] == "board.signal_correlation"
    assert simulate(spec, unlike, model, 1000, seed=1).method == "members"
    assert simulate(spec, board, model, 1000, seed=1).method == "herding"


def test_same_seed_same_results() -> None:
    spec, model = RuleSpec(), MeetingModel(p_silent=0.1)
    board = Board.uniform(15, attendance=0.8, conformity=0.5)
    a = simulate(spec, board, model, 30_000, seed=9, method="herding")
    b = simulate(spec, board, model, 30_000, seed=9, method="herding")
    assert a.by_outcome.tolist() == b.by_outcome.tolist() and a.correct == b.correct
    assert a.margins is not None and b.margins is not None
    assert a.margins.tolist() == b.margins.tolist()


@pytest.mark.parametrize("order", ["last", "first"])
def test_an_ordinary_chair_speaks_in_his_place_and_decides(order: str) -> None:
    """The leader never comes and there are no deputies: the first present ordinary
    member chairs, speaks last (or first) and decides alone.  Under BHW herding the last
    speaker is right more often than the first, so where he speaks shows in P(correct)."""
    spec = RuleSpec(decision_mode="chief_decides",  # speaking first breaks no rule here
                    last_speaker="chair" if order == "last" else "none")
    b = Board.uniform(6, deputies=0, attendance=0.8, conformity=1.0)
    board = replace(b, members=(replace(b.members[0], attendance=0.0), *b.members[1:]))
    model = MeetingModel(order=order)
    t1 = simulate(spec, board, model, MEETINGS, seed=21, method="herding")
    t2 = simulate(spec, board, model, MEETINGS, seed=21, method="members")
    assert_same(t1, t2, order, path="herding")


@pytest.mark.parametrize(("n", "attendance", "model_args", "chief"), [
    (1, 0.9, {}, False),  # the leader alone: no ordinary members
    (3, 0.5, {"p_silent": 0.2}, True),  # the first present ordinary member may chair
    (9, 0.0, {}, False),  # nobody ever comes
    (9, 1.0, {"prior_yes": 1.0, "p_defer": 0.5}, False),  # one state of the world only
    (6, 0.7, {"prior_yes": 0.0, "p_silent": 0.3, "order": "first"}, True),
])
def test_edge_boards_have_the_members_distribution(n: int, attendance: float,
                                                   model_args: dict, chief: bool) -> None:
    spec = RuleSpec(decision_mode="chief_decides" if chief else "vote", last_speaker="chair")
    board = Board.uniform(n, attendance=attendance, conformity=1.2, leader_influence=0.5)
    model = MeetingModel(**model_args)
    t1 = simulate(spec, board, model, 50_000, seed=n, method="herding")
    t2 = simulate(spec, board, model, 50_000, seed=n, method="members")
    assert_same(t1, t2, (n, attendance, model_args), path="herding")
