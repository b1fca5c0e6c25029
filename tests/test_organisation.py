"""Organisation files, separation of duties on hand-built boards, recusal impact through
the evaluator, and the ``board`` commands (model/organisation.py, quorumlab/cli_board.py).

Expectations are derived by hand from the clauses named in each test: quorum 三分之二以上 of
seven is five present (3·5 ≥ 14 > 3·4); passing 超过半数 of seven due is four yes votes.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from model.evaluator import decide
from model.kinship import rule_for
from model.loader import load_institution
from model.meeting import MatterFacts, Meeting, Member, Vote
from model.organisation import (
    BOARDS_DIR,
    OrganisationFileError,
    assignment_graph,
    impact,
    load_organisation,
    organisation_from_dict,
    recusing_members,
    separation_rule,
    smallest_disabling,
    violations,
)
from quorumlab.cli_board import board

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "docs" / "schemas"
PREFECTURE = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"


def org_dict(members: list[tuple[str, str, list[str]]], people: list[str] = (),
             kin: list[tuple[str, str, str]] = ()) -> dict[str, Any]:
    return {"organisation": {"id": "t"},
            "members": [{"id": i, "role": r, "portfolios": p} for i, r, p in members],
            "people": [{"id": p} for p in people],
            "kin": [{"person": a, "relation": k, "of": b} for a, k, b in kin]}


# ---- the file ---------------------------------------------------------------------------

def test_examples_load() -> None:
    for path in sorted(BOARDS_DIR.glob("*.toml")):
        org = load_organisation(path)
        assert org.leader in org.member_ids and org.source == str(path)


@pytest.mark.parametrize(("data", "message"), [
    (org_dict([("a", "leader", []), ("a", "deputy", [])]), "field 'members[1].id': id 'a' appears twice"),
    (org_dict([("a", "leader", []), ("b", "leader", [])]), "2 members have role 'leader'"),
    (org_dict([("a", "boss", [])]), "field 'members[0].role': should be one of"),
    (org_dict([("a", "leader", [])], ["w"], [("w", "spouse", "zz")]),
     "field 'kin[0]': unknown person 'zz'"),
    (org_dict([("a", "leader", [])], ["w"], [("w", "wife", "a")]), "field 'kin[0].relation'"),
    (org_dict([("a", "leader", [])], ["w"], [("w", "parent", "a"), ("a", "parent", "w")]),
     "the parent ties form a cycle"),
])
def test_file_errors_are_one_line(data: dict[str, Any], message: str) -> None:
    with pytest.raises(OrganisationFileError) as err:
        organisation_from_dict(data, file="org.toml")
    text = str(err.value)
    assert text.startswith("org.toml: ") and message in text and "(fix: " in text and "\n" not in text


# ---- separation of duties on hand-built boards -------------------------------------------

SEPARATION = {
    # institution: the first forbidden portfolio of the seed's list, read by hand, and a cite
    PREFECTURE: ("personnel", "seed 001, 第三条(五)"),
    "xiuzhou_district": ("finance", "seed 002, 附件1 一、1-5"),
    "city_medical_security_bureau": ("personnel", "seed 004, 五个不直接分管 二、1(1)-(5)"),
}


@pytest.mark.parametrize("iid", list(SEPARATION))
def test_separation_boundary(iid: str) -> None:
    """Each seed's list: a board whose deputies run every forbidden portfolio breaks nothing;
    moving one of them to the leader is exactly one breach of leader_may_not_own, with its
    clause (the deputies still run the rest, and seed 004's 'distinct' pair stays apart)."""
    rule = separation_rule(load_institution(iid))
    first, cite = SEPARATION[iid]
    assert rule.forbidden[0] == first and rule.forbidden_cite == cite
    rest = [p for p in rule.forbidden if p not in ("construction", first)]
    clean = [Member("L", "leader", ("overall",)), Member("d1", "deputy", (first, *rest)),
             Member("d2", "deputy", ("construction",))]
    for reading in rule.readings():
        assert violations(clean, reading) == []
    both = [Member("L", "leader", ("overall", first)), *clean[1:]]
    for reading in rule.readings():
        (v,) = violations(both, reading)
        assert (v.kind, v.portfolios, v.members, v.cite) == ("leader_owns", (first,), ("L",), cite)


def test_assignment_graph_is_bipartite() -> None:
    org = load_organisation(BOARDS_DIR / "city.toml")
    g = assignment_graph(org.members)
    members = {n for n, d in g.nodes(data=True) if d["bipartite"] == 0}
    assert len(members) == 4 and all(n[0] == "member" for n in members)
    assert {m for m in g.neighbors(("portfolio", "finance"))} == {("member", "d1")}


@pytest.mark.parametrize("iid", ["alxa_medical_security_bureau", TAOBEI])
def test_no_list_no_separation_rule(iid: str) -> None:
    with pytest.raises(Exception, match="no 不直接分管 list|no single list"):
        separation_rule(load_institution(iid))


# ---- recusal impact through the evaluator ------------------------------------------------

def seven() -> Any:
    return organisation_from_dict(org_dict(
        [("L", "leader", []), ("d1", "deputy", []), ("d2", "deputy", [])]
        + [(f"m{i}", "member", []) for i in range(1, 5)]))


@pytest.mark.parametrize(("recusing", "attend_counted", "attend_excluded", "leave"), [
    # seed 001, 第二十一条(四): quorum 5 of 7; 超过半数 of due: 4 yes (recused counted) or
    # more than half of those not recused (recused excluded)
    (2, "passed", "passed", "passed"),        # 5 eligible yes; leave: 5 present, quorum met
    (3, "passed", "passed", "no_quorum"),     # 4 yes > 3.5; leave: 4 present < 5
    (4, "rejected", "passed", "no_quorum"),   # 3 yes, not > 3.5; 3 > 1.5
])
def test_impact_on_seed001(recusing: int, attend_counted: str, attend_excluded: str,
                           leave: str) -> None:
    org = seven()
    inst = load_institution(PREFECTURE)
    gone = ["d1", "d2", "m1", "m2"][:recusing]
    im = impact(org, inst, "party_group", "ordinary", gone)
    by = {(r.attendance, r.reading["recused_in_base"]): r.outcome for r in im.rows}
    assert {o for (a, rb), o in by.items() if a == "recused_attend" and rb == "recused_counted"} == {attend_counted}
    assert {o for (a, rb), o in by.items() if a == "recused_attend" and rb == "recused_excluded"} == {attend_excluded}
    assert {o for (a, _), o in by.items() if a == "recused_leave"} == {leave}
    assert im.below_quorum == {"recused_attend": False, "recused_leave": leave == "no_quorum"}


def test_everyone_recused_is_no_meeting() -> None:
    org = seven()
    im = impact(org, load_institution(PREFECTURE), "party_group", "ordinary", org.member_ids)
    assert {r.outcome for r in im.rows if r.attendance == "recused_leave"} == {"not_held"}


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(["L", "d1", "d2", "m1", "m2"])), st.data())
def test_favourable_meeting_bounds_every_meeting(gone: set[str], data: st.DataObject) -> None:
    """If the most favourable meeting after a recusal does not pass (seed 001, default
    readings), no meeting with the same recusal passes."""
    org = organisation_from_dict(org_dict([("L", "leader", []), ("d1", "deputy", []),
                                           ("d2", "deputy", []), ("m1", "member", []),
                                           ("m2", "member", [])]))
    inst = load_institution(PREFECTURE)
    rs = inst.ruleset("party_group", "ordinary")
    choice = next(iter(rs.choices()))
    best = impact(org, inst, "party_group", "ordinary", gone, choice).rows[0].outcome
    present = data.draw(st.sets(st.sampled_from(org.member_ids), min_size=1))
    chair = "L" if "L" in present else sorted(present)[0]
    recused = frozenset(gone & present)
    votes = {m: data.draw(st.sampled_from([Vote.YES, Vote.NO, Vote.DEFER]))
             for m in sorted(present - recused)}
    m = Meeting(PREFECTURE, "party_group", MatterFacts("ordinary", persons_involved=tuple(recused)),
                org.members, frozenset(present), recused=recused, votes=votes, chair=chair)
    if best != "passed":
        assert decide(m, rs, choice).outcome.label != "passed"


@st.composite
def families(draw: st.DrawFn) -> Any:
    """Five members (seed 003's party group, cadre) and up to four outsiders, each the
    spouse or the child of one or two members."""
    members = [("L", "leader", []), ("d1", "deputy", []), ("m1", "member", []),
               ("m2", "member", []), ("m3", "member", [])]
    n = draw(st.integers(0, 4))
    ties = []
    for i in range(n):
        kind = draw(st.sampled_from(["spouse", "child"]))
        for who in draw(st.sets(st.sampled_from([m[0] for m in members]), min_size=1, max_size=2)):
            ties.append((f"o{i}", kind, who))
    return organisation_from_dict(org_dict(members, [f"o{i}" for i in range(n)], ties))


@settings(max_examples=30, deadline=None)
@given(families(), st.sampled_from(["recused_attend", "recused_leave"]))
def test_smallest_disabling_equals_brute_force(org: Any, attendance: str) -> None:
    """seed 003, 四(二)5 on cadre items: the fewest outsiders found equals enumeration of every
    set of outsiders (smallest first) through the evaluator."""
    inst = load_institution(TAOBEI)
    rule = rule_for(TAOBEI)
    rs = inst.ruleset("party_group", "cadre")
    choice = next(iter(rs.choices()))
    found = smallest_disabling(org, inst, "party_group", "cadre", rule, attendance=attendance)
    k = 0 if attendance == "recused_attend" else 1
    best = None
    for size in range(1, len(org.outsiders) + 1):
        for combo in itertools.combinations(org.outsiders, size):
            gone = {r.member for r in recusing_members(org, combo, rule)}
            if gone and impact(org, inst, "party_group", "cadre", gone, choice).rows[k].outcome != "passed":
                best = size
                break
        if best is not None:
            break
    assert (None if found is None else len(found.outsiders)) == best
    if found is not None:
        assert found.outcome != "passed" and found.kin_reading == "civil_code"


# ---- the commands ------------------------------------------------------------------------

def invoke(*args: str) -> Any:
    r = CliRunner().invoke(board, list(args))
    assert "Traceback" not in r.output
    return r


def json_doc(command: str, *args: str, code: int = 0) -> Any:
    r = invoke(command, *args, "--json")
    assert r.exit_code == code, r.output
    doc = json.loads(r.stdout)
    schema = json.loads((SCHEMAS / f"board-{command}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    return doc


def test_board_check_json_and_exit_status() -> None:
    """city.toml: d1 runs construction and finance: a breach of 二、1(4) under 'distinct'
    (the default), none under 'may_coincide'; exit status 1 for the default's breach."""
    doc = json_doc("check", str(BOARDS_DIR / "city.toml"), "--institution",
                   "city_medical_security_bureau", code=1)
    first, second = doc["readings"]
    assert [v["kind"] for v in first["violations"]] == ["same_hands"]
    assert first["violations"][0]["cite"] == "seed 004, 五个不直接分管 二、1(4)"
    assert second["violations"] == [] and doc["ok"] is False
    assert first["exists"]["status"] == "sat" and first["most_concentrated"]["count"] == 4
    assert second["most_concentrated"]["count"] == 5
    doc = json_doc("check", str(BOARDS_DIR / "xiuzhou.toml"), "--institution", "xiuzhou_district")
    assert doc["ok"] is True


def test_board_recusal_json() -> None:
    """taobei.toml: 'cand' is m1's grandson (近亲属 under the Civil Code reading), m2's wife's
    brother and m3's nephew (近亲属 only under cadre_avoidance); on a cadre item the widest
    reading's three recusals leave four of seven present: below 三分之二以上 if they leave."""
    doc = json_doc("recusal", str(BOARDS_DIR / "taobei.toml"), "--institution", TAOBEI,
                   "--involved", "cand", "--matter", "cadre")
    by = {r["reading"]: r for r in doc["readings"]}
    assert [x["member"] for x in by["civil_code"]["recusals"]] == ["m1"]
    assert by["criminal_procedure"]["recusals"] == []
    assert [x["member"] for x in by["cadre_avoidance"]["recusals"]] == ["m1", "m2", "m3"]
    assert by["cadre_avoidance"]["impact"]["below_quorum"] == {"recused_attend": False,
                                                               "recused_leave": True}
    assert doc["matter"] == {"body": "party_group", "matter": "cadre", "recusal_required": True,
                             "recusal_cite": "seed 003, 四(二)5"}


def test_board_recusal_smallest_below_quorum() -> None:
    """taobei.toml, cadre (三分之二以上: five of seven), Civil Code reading: cand_father makes
    m1 (his father) and m3 (his brother) recuse, m2_wife makes m2 recuse; no single outsider
    reaches three.  Three who leave the room leave four present: below quorum.  Recused
    members who stay (the model's reading) never take the quorum away."""
    doc = json_doc("recusal", str(BOARDS_DIR / "taobei.toml"), "--institution", TAOBEI,
                   "--involved", "cand", "--matter", "cadre", "--kin-reading", "civil_code",
                   "--smallest", "--below-quorum")
    (row,) = doc["readings"]
    attend, leave = row["smallest"]
    assert attend["outsiders"] is None and attend["target"] == "below_quorum"
    assert (leave["outsiders"], leave["recusing"], leave["outcome"]) == (
        ["cand_father", "m2_wife"], ["m1", "m2", "m3"], "no_quorum")


def test_board_recusal_on_a_matter_without_recusal() -> None:
    doc = json_doc("recusal", str(BOARDS_DIR / "taobei.toml"), "--institution", TAOBEI,
                   "--involved", "cand", "--body", "executive", "--matter", "major_decision")
    assert doc["matter"]["recusal_required"] is False
    assert all(r["impact"] is None for r in doc["readings"])


@pytest.mark.parametrize(("args", "message"), [
    (["recusal", "TAOBEI", "--institution", TAOBEI, "--involved", "zz"], "unknown person 'zz'"),
    (["recusal", "TAOBEI", "--institution", "xiuzhou_district", "--involved", "cand"],
     "no recusal clause over relatives"),
    (["recusal", "TAOBEI", "--institution", TAOBEI, "--involved", "cand", "--smallest"],
     "--smallest needs a matter"),
    (["check", "TAOBEI", "--institution", TAOBEI], "no 不直接分管 list"),
    (["check", "/no/such.toml", "--institution", TAOBEI], "file not found"),
])
def test_board_errors_are_one_line(args: list[str], message: str) -> None:
    args = [str(BOARDS_DIR / "taobei.toml") if a == "TAOBEI" else a for a in args]
    r = invoke(*args)
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert r.exit_code == 2 and r.stdout == "" and len(lines) == 1
    assert lines[0].startswith("error: ") and message in lines[0] and "(fix: " in lines[0]
