"""The v2 rule language on a small synthetic rule file: composition, tied readings,
conditions on powers, the speaking record, unclear matters and routing.

Expectations are worked out by hand from the rule text written here (and the threshold
arithmetic of DOMAIN.md), not from running the code.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from model.errors import RuleFileError
from model.evaluator import decide
from model.loader import load_rule_file
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote

RULES = '''
[institution]
id = "toy"
name = "Toy body"
name_zh = "示例"
seed = "999"
source = "none"

[matters.ordinary]
name = "Ordinary"
name_zh = "一般事项"
cite = "toy 1"

[matters.major]
name = "Major"
name_zh = "重大事项"
cite = "toy 2"

[matters.spending]
name = "Spending"
name_zh = "经费"
cite = "toy 3"

[defaults]
decision_mode = { value = "vote", cite = "toy 4" }
absentee_opinions = { value = "not_counted", cite = "toy 4" }
recusal = { value = "none", cite = "toy 4" }
recused_in_base = { value = true, cite = "toy 4" }
last_speaker = { value = "leader", cite = "toy 5" }
owner_speaks_first = { value = false, cite = "toy 5" }
owner_absent = { value = "no_effect", cite = "toy 5" }
positions_required = { value = "yes_no_defer", cite = "toy 5" }
chair_calls_vote = { value = false, cite = "toy 5" }
chair_delegation = { value = "leader_absent_to_deputy", cite = "toy 6" }
deferral = { kind = "margin", at_most = 0, cite = "toy 7" }
unclear_matter = { value = "defer_except_emergency", cite = "toy 7" }
ad_hoc = { value = "forbidden", cite = "toy 8" }
leader_may_not_own = { value = [], cite = "toy 8" }
quorum = { phrase = "半数以上", cite = "toy 9" }
passing = { phrase = "超过半数", base = "due", cite = "toy 9" }

[bodies.board]
name = "Board"
name_zh = "会"
cite = "toy 10"
matters = ["ordinary", "major", "spending"]

[bodies.office]
name = "Office"
name_zh = "办公会"
cite = "toy 11"
matters = ["spending"]

[bodies.board.overrides.major]
quorum = { phrase = "超过三分之二", cite = "toy 12" }

[bodies.board.overrides.major.points.regime]
kind = "clauses"
cite = "toy 13"
readings = [
  { name = "strict", cite = "toy 13a", set = { ad_hoc = { value = "forbidden" }, passing = { phrase = "三分之二以上", base = "present" } } },
  { name = "lenient", cite = "toy 13b", set = { ad_hoc = { value = "allowed" }, passing = { value = "none" } } },
]

[bodies.board.overrides.major.deferral]
kind = "vague"
cite = "toy 14"
readings = [
  { name = "margin_0", kind = "margin", at_most = 0 },
  { name = "margin_1", kind = "margin", at_most = 1 },
]

[[routes]]
category = "spending"
amount = { phrase = "超过2万元" }
body = "board"
cite = "toy 15"

[[routes]]
category = "spending"
body = "office"
cite = "toy 16"
'''


@pytest.fixture(scope="module")
def toy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("toy") / "toy.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


def board(n: int = 6, deputies: tuple[str, ...] = ()) -> tuple[Member, ...]:
    return tuple(Member("L" if i == 0 else f"m{i}",
                        "leader" if i == 0 else ("deputy" if f"m{i}" in deputies else "member"))
                 for i in range(n))


def meeting(toy: Path, body: str = "board", category: str = "ordinary", *, n: int = 6,
            present: int | None = None, votes: dict[str, Vote] | None = None,
            order: tuple[str, ...] | None = None, chair: str | None = None,
            deputies: tuple[str, ...] = (), **facts: object) -> Meeting:
    members = board(n, deputies)
    here = [m.id for m in members][: n if present is None else present]
    if votes is None:
        votes = {i: Vote.YES for i in here}
    if order is None:
        order = tuple([i for i in here if i != "L" and i in votes] + (["L"] if "L" in votes else []))
    return Meeting(str(toy), body, MatterFacts(category, **facts), members, frozenset(here),
                   votes=votes, speaking_order=order, chair=chair)


def test_override_adds_a_requirement_and_both_bind(toy: Path) -> None:
    """toy 9 (半数以上) and toy 12 (超过三分之二) both govern a major item: of 6 members,
    4 present meets 半数以上 (8 >= 6) but not 超过三分之二 (12 > 12 is false)."""
    inst = load_rule_file(toy)
    spec = inst.ruleset("board", "major").default()
    assert [r.cite for r in spec.quorum] == ["toy 9", "toy 12"]
    d = decide(meeting(toy, category="major", present=4), inst)
    assert d.outcome == Outcome.NO_QUORUM
    quorum = [r for r in d.reasons if r.rule == "quorum"]
    assert [("NOT met" in r.en) for r in quorum] == [False, True]
    assert decide(meeting(toy, category="major", present=5), inst).outcome == Outcome.PASSED


def test_a_regime_sets_its_fields_together(toy: Path) -> None:
    """The 'regime' point ties ad_hoc and a passing requirement; the deferral point is
    independent: 2 x 2 combinations, never 'strict ad hoc with lenient passing'."""
    rs = load_rule_file(toy).ruleset("board", "major")
    assert [p.field for p in rs.points] == ["regime", "deferral"]
    assert len(list(rs.choices())) == 4
    strict, lenient = rs.spec({"regime": "strict"}), rs.spec({"regime": "lenient"})
    assert strict.ad_hoc == "forbidden" and lenient.ad_hoc == "allowed"
    # toy 9 binds in both; toy 13a adds 三分之二以上 of present in the strict regime only
    assert [r.cite for r in strict.passing] == ["toy 9", "toy 13a"]
    assert [r.cite for r in lenient.passing] == ["toy 9"]


def test_passing_needs_every_requirement(toy: Path) -> None:
    """Strict regime, 6 members, all 6 present: 4 yes and 2 no.  toy 9: 4 > 3 (超过半数 of
    6 due) holds; toy 13a: 3*4 >= 2*6 holds -> passed.  3 yes, 3 no: toy 9 fails (3 > 3
    false) -> rejected (margin 0 would defer a 3-3 split first: deferred)."""
    inst = load_rule_file(toy)
    yes4 = {"L": Vote.YES, "m1": Vote.YES, "m2": Vote.YES, "m3": Vote.YES, "m4": Vote.NO,
            "m5": Vote.NO}
    d = decide(meeting(toy, category="major", votes=yes4), inst, choice={"regime": "strict",
                                                                       "deferral": "margin_0"})
    assert d.outcome == Outcome.PASSED
    even = {**yes4, "m3": Vote.NO}
    d = decide(meeting(toy, category="major", votes=even), inst, choice={"regime": "strict",
                                                                       "deferral": "margin_0"})
    assert d.outcome == Outcome.DEFERRED


def test_delegation_only_when_the_leader_is_absent_and_only_to_a_deputy(toy: Path) -> None:
    """toy 6: 委托 only when the leader cannot attend, and only to a deputy."""
    inst = load_rule_file(toy)
    # the leader is present and hands the chair to deputy m1: violation
    here = decide(meeting(toy, chair="m1", deputies=("m1",)), inst)
    assert here.outcome == Outcome.PROCEDURE_VIOLATION
    # the leader absent (members m1..m5 present), chair m1 a deputy: fine; m2, not a deputy: violation
    members = board(6, ("m1",))
    present = frozenset(m.id for m in members[1:])
    votes = {i: Vote.YES for i in present}
    for chair, outcome in (("m1", Outcome.PASSED), ("m2", Outcome.PROCEDURE_VIOLATION)):
        m = Meeting(str(toy), "board", MatterFacts("ordinary"), members, present, votes=votes,
                    speaking_order=tuple(sorted(present)), chair=chair)
        assert decide(m, inst).outcome == outcome, chair


def test_silence_is_not_a_position(toy: Path) -> None:
    """toy 5 (yes_no_defer): a present member who states nothing breaks the duty, and a silent
    leader has not spoken last; an abstention breaks a 同意/不同意/暂缓 duty too."""
    inst = load_rule_file(toy)
    votes = {i: Vote.YES for i in ("L", "m1", "m2", "m3", "m4")}  # m5 present, silent
    d = decide(meeting(toy, votes=votes), inst)
    assert d.outcome == Outcome.PROCEDURE_VIOLATION
    assert any(r.rule == "positions_required" for r in d.reasons)
    abstain = {**votes, "m5": Vote.ABSTAIN}
    assert decide(meeting(toy, votes=abstain), inst).outcome == Outcome.PROCEDURE_VIOLATION
    # everyone states yes, but the leader speaks first: 末位表态 broken
    everyone = {**votes, "m5": Vote.YES}
    first = ("L", "m1", "m2", "m3", "m4", "m5")
    assert decide(meeting(toy, votes=everyone, order=first), inst).outcome == \
        Outcome.PROCEDURE_VIOLATION
    assert decide(meeting(toy, votes=everyone), inst).outcome == Outcome.PASSED


def test_unclear_matter_defers_except_in_an_emergency(toy: Path) -> None:
    """toy 7: 重大问题尚不清楚 -> 暂缓, except in an emergency."""
    inst = load_rule_file(toy)
    assert decide(meeting(toy, unclear=True), inst).outcome == Outcome.DEFERRED
    assert decide(meeting(toy, unclear=True, emergency=True), inst).outcome == Outcome.PASSED


@pytest.mark.parametrize(("body", "amount", "outcome"), [
    ("board", 20001, Outcome.PASSED),         # toy 15: 超过2万元 -> board
    ("board", 20000, Outcome.PROCEDURE_VIOLATION),   # not 超过: toy 16 sends it to the office
    ("office", 20000, Outcome.PASSED),
    ("office", 20001, Outcome.PROCEDURE_VIOLATION),
    ("office", None, Outcome.PASSED),         # no amount recorded: nothing to route by
])
def test_first_matching_route_decides_the_body(toy: Path, body: str, amount: int | None,
                                               outcome: Outcome) -> None:
    inst = load_rule_file(toy)
    d = decide(meeting(toy, body, "spending", amount=amount), inst)
    assert d.outcome == outcome
    assert [r.body for r in inst.route("spending", 20001)] == ["board", "office"]
    assert [r.body for r in inst.route("spending", 20000)] == ["office"]


@pytest.mark.parametrize(("old", "new", "field"), [
    ('body = "office"\ncite = "toy 16"', 'body = "nowhere"\ncite = "toy 16"', "routes[1].body"),
    ('body = "office"\ncite = "toy 16"', 'body = "office"\ndecider = "x"\ncite = "toy 16"',
     "routes[1]"),
    ('set = { ad_hoc = { value = "allowed" }, passing = { value = "none" } }',
     'set = { ad_hoc = { value = "allowed" } }', "readings[1].set"),
    ('chair_delegation = { value = "leader_absent_to_deputy"',
     'chair_delegation = { value = "when_convenient"', "chair_delegation.value"),
])
def test_malformed_v2_entries_name_the_field(tmp_path: Path, old: str, new: str,
                                             field: str) -> None:
    assert old in RULES
    path = tmp_path / "bad.toml"
    path.write_text(RULES.replace(old, new), encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        load_rule_file(path)
    assert field in str(err.value) and "bad.toml" in str(err.value)


def test_a_later_layer_cannot_split_a_regime(tmp_path: Path) -> None:
    """Setting one field of a tied point in a later layer would cross readings the text ties."""
    path = tmp_path / "split.toml"
    path.write_text(RULES + '\n[bodies.board.groups]\nall = ["major"]\n'
                    '[bodies.board.overrides.all]\nad_hoc = { value = "allowed", cite = "x" }\n',
                    encoding="utf-8")
    with pytest.raises(RuleFileError, match="open point 'regime'"):
        load_rule_file(path)
