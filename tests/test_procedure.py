"""Procedure order (model/procedure.py): the seeds' step lists, hand-counted speaking orders,
the owner-first / leader-last / leader-owns clash as a minimal core, and every answer against
brute-force enumeration of all orders, judged by the one semantics."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import jsonschema
import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from model.backend import PY
from model.loader import load_institution
from model.meeting import MatterFacts, Meeting, Member, Vote
from model.procedure import (
    PROCEDURES,
    Constraint,
    OrderProblem,
    order_problem,
    order_readings,
    procedure_for,
    solve_order,
)
from model.rules import RuleSet
from model.semantics import evaluate
from quorumlab.cli_time import order

SEEDS = Path(__file__).resolve().parent.parent / "docs" / "seeds"


def seed(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def rules(inst: str, body: str, matter: str) -> RuleSet:
    return load_institution(inst).ruleset(body, matter)


def board(n: int, owner: int | None, portfolio: str | None = "finance") -> tuple[Member, ...]:
    return tuple(Member(f"m{i}", "leader" if i == 0 else "member",
                        (portfolio,) if portfolio and i == owner else ()) for i in range(n))


# ------------------------------------------------------------------ the seeds' step lists
def test_seed_000_steps_are_the_clause_in_order_and_a_chain():
    text = seed("000")
    assert "事前沟通、议题表述、充分讨论、决议形成、如实记录、备案存档" in text  # 第三条(二)
    proc = procedure_for("alxa_medical_security_bureau", "leadership")
    names = [s.name for s in proc.steps]
    assert names == ["事前沟通", "议题表述", "充分讨论", "决议形成", "如实记录", "备案存档"]
    g = nx.DiGraph(list(itertools.pairwise(names)))
    assert list(nx.all_topological_sorts(g)) == [names]  # a chain: exactly one order
    # the speaking stage runs from 议题表述 (owner first) to 决议形成 (一把手 last)
    assert [proc.steps[i].name for i in proc.speaking] == ["议题表述", "决议形成"]


def test_seed_002_model_one_steps_are_numbered_in_the_text():
    text = seed("002")
    proc = procedure_for("xiuzhou_district", "leadership")
    for k, step in enumerate(proc.steps, start=1):
        assert re.search(rf"{k}、{step.name}", text), step.name
        assert step.cite == f"seed 002, 模本一 三、{k}"


def test_every_step_list_quotes_its_seed():
    for (inst, body), proc in PROCEDURES.items():
        assert body in load_institution(inst).bodies
        number = proc.steps[0].cite.split(",")[0].split()[1]
        text = seed(number)
        for step in proc.steps:
            assert step.name in text, (proc.institution, step.name)


def test_institution_without_step_list_orders_statements_only():
    rs = rules("taobei_district_government", "plenary", "budget")
    p = order_problem(rs, board(3, None))
    assert p.nodes == ("m0", "m1", "m2")


# ---------------------------------------------------------- hand-counted speaking orders
@pytest.mark.parametrize(("inst", "body", "matter", "members", "choice", "count"), [
    # seed 000: owner m1 first, 一把手 m0 last, m2 and m3 free between: 2!
    ("alxa_medical_security_bureau", "leadership", "finance", board(4, 1), {}, 2),
    # no portfolio (incident): only the 一把手 last: 3!
    ("alxa_medical_security_bureau", "leadership", "incident", board(4, None), {}, 6),
    # seed 002, 模本一 三、4 read as 'not first', no owner: 4! - 3! orders put m0 first
    ("xiuzhou_district", "leadership", "ordinary", board(4, None),
     {"last_speaker": "model1_not_first"}, 18),
    # ... with owner m1 first, m0 is never first: 3!
    ("xiuzhou_district", "leadership", "personnel", board(4, 1, "personnel"),
     {"last_speaker": "model1_not_first"}, 6),
    # seed 003, 四(二)2: the chair (m0) speaks last: 3!
    ("taobei_district_government", "plenary", "budget", board(4, None), {}, 6),
])
def test_counts_by_hand(inst, body, matter, members, choice, count):
    a = solve_order(order_problem(rules(inst, body, matter), members, choice))
    assert (a.status, a.count, a.capped) == ("sat", count, False)


def test_seed_000_order_puts_the_statements_inside_the_discussion():
    rs = rules("alxa_medical_security_bureau", "leadership", "finance")
    a = solve_order(order_problem(rs, board(3, 1)))
    assert a.order == ("事前沟通", "m1", "m2", "m0", "如实记录", "备案存档")


# --------------------------------------------------------------------------- the clash
def test_leader_owning_the_portfolio_clashes_with_three_named_clauses():
    rs = rules("alxa_medical_security_bureau", "leadership", "finance")
    a = solve_order(order_problem(rs, board(3, 0)))
    assert a.status == "unsat"
    assert sorted(c.field for c in a.core) == ["", "last_speaker", "owner_speaks_first"]
    assert {c.cite for c in a.core} == {"seed 000, 第三条(二)", "board"}
    assert any(c.text == "m0 runs finance" for c in a.core)


def test_the_clash_needs_a_second_speaker():
    rs = rules("alxa_medical_security_bureau", "leadership", "finance")
    a = solve_order(order_problem(rs, board(3, 0), speakers=("m0",)))
    assert (a.status, a.count) == ("sat", 1)


def test_the_clash_is_the_same_under_either_reading_of_seed_002():
    rs = rules("xiuzhou_district", "leadership", "personnel")
    for choice in order_readings(rs):
        a = solve_order(order_problem(rs, board(3, 0, "personnel"), choice))
        assert a.status == "unsat"
        assert {c.field for c in a.core} == {"", "last_speaker", "owner_speaks_first"}


# ------------------------------------------------------------------ against brute force
def semantic_ok(p: OrderProblem, speakers_order: tuple[str, ...]) -> bool:
    """The one semantics on a meeting in this order: no speaking-order check fires."""
    m = Meeting(p.ruleset.institution, p.ruleset.body,
                MatterFacts(p.ruleset.matter, portfolio=p.portfolio), p.members,
                frozenset(p.speakers), votes={s: Vote.YES for s in p.speakers},
                speaking_order=speakers_order, chair=p.chair)
    checks = evaluate(p.spec, m.terms(), PY).checks
    return not checks["last_speaker"] and not checks["owner_first"]


def brute(p: OrderProblem) -> tuple[int, int]:
    """(orders of the speakers the semantics accepts, full orders every constraint accepts)."""
    speaking = sum(semantic_ok(p, o) for o in itertools.permutations(p.speakers))
    full = sum(p.valid(o) for o in itertools.permutations(p.nodes)) if len(p.nodes) <= 7 \
        else None
    return speaking, full


def minimal(p: OrderProblem, core: tuple[Constraint, ...]) -> bool:
    """No order keeps the core; dropping any one member of it leaves an order."""
    def keeps(cs: set[Constraint], order: tuple[str, ...]) -> bool:
        facts = {c.text for c in cs if not c.field and not c.edges}
        return all(c.holds(order) for c in cs if c.edges and (not c.given or c.given in facts))
    orders = list(itertools.permutations(p.nodes))
    core_set = set(core)
    return (not any(keeps(core_set, o) for o in orders)
            and all(any(keeps(core_set - {c}, o) for o in orders) for c in core))


PAIRS = [("alxa_medical_security_bureau", "leadership", "finance"),
         ("alxa_medical_security_bureau", "leadership", "incident"),
         ("xiuzhou_district", "leadership", "personnel"),
         ("xiuzhou_district", "leadership", "ordinary"),
         ("city_medical_security_bureau", "party_group", "ordinary"),
         ("city_medical_security_bureau", "director_office", "bulk_purchase"),
         ("taobei_district_government", "plenary", "budget"),
         ("prefecture_medical_security_party_group", "party_group", "ordinary")]


def check_against_brute_force(rs: RuleSet, members: tuple[Member, ...], choice: dict[str, str],
                              speakers: tuple[str, ...], chair: str) -> str:
    p = order_problem(rs, members, choice, speakers=speakers, chair=chair)
    a = solve_order(p)
    speaking, full = brute(p)
    assert a.count == speaking
    if full is not None:
        assert a.count == full
    assert a.status == ("sat" if speaking else "unsat")
    if a.status == "unsat":
        assert minimal(p, a.core)
    else:
        assert p.valid(a.order)
    return a.status


def test_every_small_board_agrees_with_brute_force():
    """Every pair, reading, board of 1-3 members, owner (or none), set of speakers and chair."""
    seen = set()
    for pair in PAIRS:
        rs = rules(*pair)
        pf = rs.info.portfolio if rs.info and rs.info.portfolio else "finance"
        for choice, n in itertools.product(order_readings(rs), range(1, 4)):
            for owner in [None, *range(n)]:
                members = board(n, owner, pf)
                ids = [m.id for m in members]
                for k in range(1, n + 1):
                    for speakers in itertools.combinations(ids, k):
                        for chair in speakers:
                            seen.add(check_against_brute_force(rs, members, choice, speakers,
                                                               chair))
    assert seen == {"sat", "unsat"}


@settings(max_examples=40, deadline=None)
@given(pair=st.sampled_from(PAIRS), data=st.data())
def test_boards_of_four_agree_with_brute_force(pair, data):
    rs = rules(*pair)
    pf = rs.info.portfolio if rs.info and rs.info.portfolio else "finance"
    members = board(4, data.draw(st.sampled_from([None, 0, 1, 2, 3])), pf)
    ids = [m.id for m in members]
    speakers = data.draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    check_against_brute_force(rs, members, data.draw(st.sampled_from(order_readings(rs))),
                              tuple(i for i in ids if i in speakers),
                              data.draw(st.sampled_from(speakers)))


def test_count_is_capped_and_says_so(monkeypatch):
    monkeypatch.setenv("QUORUMLAB_LIMIT_ORDER_COUNT", "5")
    rs = rules("taobei_district_government", "plenary", "budget")
    a = solve_order(order_problem(rs, board(4, None)))  # 3! = 6 orders
    assert (a.count, a.capped) == (5, True)
    small = solve_order(order_problem(rs, board(3, None)))  # 2! = 2 orders
    assert (small.count, small.capped) == (2, False)



def test_order_command_json_and_errors():
    args = ["alxa_medical_security_bureau", "--body", "leadership", "--matter", "finance"]
    r = CliRunner().invoke(order, [*args, "--n", "4", "--json"])
    assert r.exit_code == 0, r.output
    schema = json.loads((SEEDS.parent / "schemas" / "order.schema.json").read_text("utf-8"))
    jsonschema.validate(json.loads(r.output), schema, cls=jsonschema.Draft202012Validator)
    (row,) = json.loads(r.output)["readings"]
    assert (row["status"], row["count"]) == ("sat", 2)   # m1 first, m0 last, m2/m3 free
    r = CliRunner().invoke(order, [*args, "--n", "3", "--owner", "m0", "--json"])
    assert r.exit_code == 1
    assert json.loads(r.output)["readings"][0]["status"] == "unsat"
    for bad in (["--owner", "m9"], ["--absent", "m9"], ["--body", "nope"]):
        r = CliRunner().invoke(order, [*args, *bad])
        assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
        assert r.output.startswith("error: field '--")


def test_unknown_is_its_own_answer(monkeypatch):
    import z3

    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "canceled")
    a = solve_order(order_problem(rules("taobei_district_government", "plenary", "budget"),
                                  board(3, None)))
    assert (a.status, a.order, a.count) == ("unknown", (), 0)
    assert "canceled" in a.reason


@pytest.mark.parametrize(("extra", "flag"), [
    (["--owner", "m9"], "--owner"), (["--absent", "m9"], "--absent"),
    (["--chair", "m9"], "--chair"), (["--absent", "m0"], "--chair"),
    (["--n", "0"], "--n"),
    (["--board", str(Path(__file__).parent.parent / "model" / "examples" / "boards" /
                     "city.toml"), "--owner", "m1"], "--owner"),
    (["--reading", "last_speaker=x"], "--reading"), (["--timeout", "-1"], "--timeout"),
    (["--matter", "lunch"], "--matter"),
])
def test_bad_order_command_line_is_one_line(extra, flag):
    args = ["alxa_medical_security_bureau", "--body", "leadership", "--matter", "finance"]
    r = CliRunner().invoke(order, [*args, *extra])
    lines = r.output.splitlines()
    assert r.exit_code == 2 and len(lines) == 1, r.output
    assert lines[0].startswith(f"error: field '{flag}") and "(fix: " in lines[0], lines[0]
