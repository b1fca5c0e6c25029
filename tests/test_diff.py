"""``quorumlab diff``: the requirements an amendment changes, a distinguishing meeting per
pattern of sizes (replayed by the reference evaluator under OLD and NEW), the properties.

The edits are those of tests/test_regressions.py; the patterns are derived by hand from
seed 001 第二十一条(四) (quorum 三分之二以上, passing 超过半数 of those due):

* quorum -> 超过半数: the fewest present is 3 at n = 4 both ways (3*3 >= 2*4; 2*3 > 4), 4 then
  3 at n = 5, 4 both ways at n = 6 (3*4 >= 12; 2*4 > 6).  Only at n = 5 do three present
  decide (pass, or reject/defer) where before there was no quorum.
* passing base due -> present: more than half of those present is fewer yes than more than
  half of those due when fewer attend: 2 of 3 present at n = 4 (due: 3), 3 of 4 at n = 6
  (due: 4); at n = 5 both need 3 (4 or 5 present).  NEW is weaker, so only NEW passes more.
* recusal removed: an involved member who votes is a violation before, not after.
* unclear_matter -> defer: an unclear item that passed is now deferred, at every size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.evaluator import decide
from model.loader import INSTITUTIONS_DIR
from proofs.diff import Amendment, amendment
from quorumlab.cli_diff import diff_cmd
from tests.test_regressions import BASE, NOTE, PREF, QUORUM, RECUSAL, UNCLEAR, edited

SIZES = (4, 5, 6)
ONLY_A, ONLY_B, OTHER = ("A passes, B does not", "B passes, A does not",
                         "neither passes, the outcomes differ")

CASES = {
    "quorum": (QUORUM, "quorum", {ONLY_B: (5,), OTHER: (5,)}),
    "passing-base": (BASE, "passing", {ONLY_B: (4, 6)}),
    "recusal": (RECUSAL, "recusal", None),
    "deferral": (UNCLEAR, "unclear_matter", None),
}


def old_file() -> Path:
    return INSTITUTIONS_DIR / f"{PREF}.toml"


@pytest.fixture(scope="module", params=list(CASES))
def case(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> tuple[str, Amendment]:
    edit = CASES[request.param][0]
    new = edited(tmp_path_factory.mktemp(request.param), edit)
    return request.param, amendment(old_file(), new, SIZES, property_ids=[])


def test_exactly_the_changed_requirements(case: tuple[str, Amendment]) -> None:
    name, a = case
    field = CASES[name][1]
    assert {r.field for r in a.requirements} == {field}
    pairs = {(r.body, r.matter) for r in a.requirements}
    assert ("party_group", "ordinary") in pairs
    assert all(r.removed or r.added for r in a.requirements)


def test_a_distinguishing_meeting_per_pattern_replays(case: tuple[str, Amendment]) -> None:
    name, a = case
    changes = [c for m in a.meetings for c in m.changes]
    assert changes and all(c.sizes for c in changes) and not any(c.unknown for c in changes)
    for c in changes:
        old, new = c.witnesses
        assert old.meeting.institution.endswith(f"{PREF}.toml") or old.meeting.institution == PREF
        assert new.meeting.institution.endswith("rules.toml")
        assert old.meeting.members == new.meeting.members
        assert len(old.meeting.members) == c.sizes[0]
        assert decide(old.meeting, choice=dict(old.reading)).outcome == old.outcome
        assert decide(new.meeting, choice=dict(new.reading)).outcome == new.outcome
        passed = (old.outcome.label == "passed", new.outcome.label == "passed")
        assert passed == {ONLY_A: (True, False), ONLY_B: (False, True),
                          OTHER: (False, False)}[c.kind]
        assert old.outcome != new.outcome


def test_the_pattern_of_sizes_is_exact(case: tuple[str, Amendment]) -> None:
    name, a = case
    ordinary = next(m for m in a.meetings if "party_group/ordinary" in m.pairs)
    got = {c.kind: c.sizes for c in ordinary.changes}
    expected = CASES[name][2]
    if expected is not None:
        assert got == expected
    elif name == "recusal":  # an involved member votes: a violation before, not now
        assert got[ONLY_B] == SIZES
    else:  # an unclear item that passed is deferred now
        assert got[ONLY_A] == SIZES


def test_a_cosmetic_edit_changes_nothing(tmp_path: Path) -> None:
    a = amendment(old_file(), edited(tmp_path, NOTE), SIZES, property_ids=[])
    assert a.unchanged and not a.requirements


def test_cli_json_names_the_property_whose_value_changes(tmp_path: Path) -> None:
    new = edited(tmp_path, BASE)
    r = CliRunner().invoke(diff_cmd, [str(old_file()), str(new), "--sizes", "4", "--jobs", "1",
                                      "--property", "min_yes_to_pass", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    p = next(x for x in doc["properties"] if x["key"] == "min_yes_to_pass@party_group/ordinary")
    assert "value at n=4: 3 -> 2" in p["changes"] and p["after"]["status"] == "fails"
    assert {x["field"] for x in doc["requirements"]} == {"passing"}


def test_cli_exit_code_and_one_line_errors(tmp_path: Path) -> None:
    r = CliRunner().invoke(diff_cmd, [str(old_file()), str(tmp_path / "missing.toml")])
    assert r.exit_code == 2 and r.output.startswith("error: ") and r.output.count("\n") == 1
    r = CliRunner().invoke(diff_cmd, [str(old_file()), str(old_file()), "--sizes", "4",
                                      "--property", "quorum_reachable", "--exit-code"])
    assert r.exit_code == 0, r.output
    assert "requirements:\n  none" in r.output
    new = edited(tmp_path, UNCLEAR)
    r = CliRunner().invoke(diff_cmd, [str(old_file()), str(new), "--sizes", "4",
                                      "--property", "quorum_reachable", "--exit-code"])
    assert r.exit_code == 1, r.output


def test_an_unanswered_query_is_unknown_never_no_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """outcome_changes asks three queries per size; a forced ``unknown`` on any of them puts
    that size under ``unknown`` for that kind (never among the sizes without a change)."""
    from model.loader import load_institution
    from proofs.compare import Side, outcome_changes
    from tests.test_proofs_soundness import forcing

    inst = load_institution(PREF)
    a = Side.make(inst, "party_group", "ordinary")
    b = Side.make(inst, "party_group", "ordinary", {"deferral": "chair_judgement"})
    with forcing(monkeypatch) as f:
        base = {c.kind: c.sizes for c in outcome_changes(a, b, (4, 5))}
    assert f.calls == 6
    for k in range(1, f.calls + 1):
        with forcing(monkeypatch, k):
            got = {c.kind: c for c in outcome_changes(a, b, (4, 5))}
        n, kind = (4, 5)[(k - 1) // 3], [ONLY_A, ONLY_B, OTHER][(k - 1) % 3]
        assert got[kind].unknown == (n,) and n not in got[kind].sizes
        assert got[kind].sizes == tuple(x for x in base.get(kind, ()) if x != n)
