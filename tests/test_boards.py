"""The example-board properties of the catalogue (proofs/boards.py) and meeting files that refer
to an organisation file.  Every expected value is derived by hand from the seed clause named."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import proofs.boards as boards
from model.errors import MeetingFileError
from model.evaluator import decide
from model.io import load_meeting, meeting_from_dict, meeting_to_dict
from model.loader import load_institution
from model.meeting import Member
from model.organisation import (
    BOARDS_DIR,
    example_organisation,
    find_valid,
    load_organisation,
    organisation_from_dict,
    separation_rule,
)
from model.procedure import order_problem, order_readings
from proofs.context import Context
from proofs.properties import get_property

ALXA, CITY = "alxa_medical_security_bureau", "city_medical_security_bureau"
PREF, TAOBEI, XIUZHOU = ("prefecture_medical_security_party_group", "taobei_district_government",
                         "xiuzhou_district")


def run(prop: str, inst_id: str, body: str, matter: str):  # type: ignore[no-untyped-def]
    v = get_property(prop).check(Context.make(load_institution(inst_id), body, matter, n=3))
    for w in v.witnesses:  # every witness replays through the reference evaluator
        assert decide(w.meeting, load_institution(inst_id), dict(w.reading)).outcome == w.outcome
    return v


def test_every_institution_has_an_example_board() -> None:
    for inst in (ALXA, CITY, PREF, TAOBEI, XIUZHOU):
        found = example_organisation(inst)
        assert found is not None, inst
        assert found[1].body in load_institution(inst).bodies


# ------------------------------------------------------------------ separation of duties
def test_city_two_signatures_one_deputy() -> None:
    """Seed 004 二、1(4): 工程款…交分管副职审核, 再由分管财务的副职签批.  The example board's d1
    runs both construction and finance: a breach under 'distinct', not under 'may_coincide'."""
    for matter in ("major_project", "large_funds"):
        v = run("duties_kept", CITY, "party_group", matter)
        assert v.status == "fails"
        assert v.facets == ("runners=deputy, four_eyes=distinct",)
        assert "五个不直接分管 二、1(4)" in v.detail
        assert v.witnesses[0].meeting.organisation.endswith("city.toml")
    # personnel is d2's, a deputy (二、1(1)): kept
    assert run("duties_kept", CITY, "party_group", "cadre").status == "holds"


def test_prefecture_secretary_runs_finance() -> None:
    """Seed 001 第三条(五): the 党组书记 may not run finance; the example's secretary does, so a
    finance item's meeting is a procedure violation (separation of duties)."""
    v = run("duties_kept", PREF, "party_group", "budget")
    assert v.status == "fails" and v.witnesses[0].outcome.label == "procedure_violation"
    assert run("duties_kept", PREF, "party_group", "cadre").status == "holds"  # d1 runs personnel
    assert run("duties_kept", PREF, "party_group", "ordinary").status == "n/a"  # no portfolio


def test_separable_values() -> None:
    """Prefecture (第三条(五), 4 portfolios, 'non_leader' first): one deputy may run all 4.
    City (五个, 5 portfolios): construction and finance need two deputies (二、1(4),
    'distinct'), so at most 4 in one hand."""
    v = run("duties_separable", PREF, "party_group", "budget")
    assert (v.status, v.value) == ("holds", 4)
    v = run("duties_separable", CITY, "party_group", "large_funds")
    assert (v.status, v.value) == ("holds", 4)
    v = run("duties_separable", XIUZHOU, "leadership", "personnel")
    assert (v.status, v.value) == ("holds", 5)
    # seeds 000 and 003 list no portfolio the leader may not run
    assert run("duties_separable", ALXA, "leadership", "finance").status == "n/a"
    assert run("duties_separable", TAOBEI, "party_group", "budget").status == "n/a"


def _with_board(monkeypatch: pytest.MonkeyPatch, inst: str, members: list[Member],
                body: str) -> None:
    data = {"organisation": {"id": "t", "institution": inst, "body": body},
            "members": [{"id": m.id, "role": m.role, "portfolios": list(m.portfolios)}
                        for m in members]}
    org = organisation_from_dict(data)
    path = str(BOARDS_DIR / "city.toml")  # any file: only the members matter here
    monkeypatch.setattr(boards, "_example", lambda i: (path, org) if i == inst else None)


def test_one_deputy_cannot_sign_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seed 004 二、1(4) read as 'distinct': a board with one deputy has no valid assignment
    (construction and finance need two deputies); under 'may_coincide' it has one."""
    _with_board(monkeypatch, CITY, [Member("dir", "leader"), Member("d1", "deputy"),
                                    Member("m1", "member")], "party_group")
    v = run("duties_separable", CITY, "party_group", "large_funds")
    assert v.status == "fails"
    assert v.facets == ("runners=deputy, four_eyes=distinct",)
    assert v.value == 5  # under may_coincide d1 runs all five


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["deputy", "member"]), min_size=0, max_size=3))
def test_separable_equals_backtracking(roles: list[str]) -> None:
    """Differential: the property fails exactly when plain backtracking finds no valid
    assignment under some reading (seed 004's rules; hypothesis over small boards)."""
    members = [Member("dir", "leader")] + [Member(f"x{i}", r) for i, r in enumerate(roles)]
    with pytest.MonkeyPatch.context() as mp:
        _with_board(mp, CITY, members, "party_group")
        v = run("duties_separable", CITY, "party_group", "large_funds")
    rule = separation_rule(load_institution(CITY))
    none = [r.name for r in rule.readings() if find_valid(members, r) is None]
    assert v.status == ("fails" if none else "holds")
    assert v.facets == tuple(none)


# ---------------------------------------------------------------------------- kinship
def test_taobei_candidate_disables_under_cadre_avoidance() -> None:
    """Seed 003 四(二)5 (近亲属) and 四(二)1 (三分之二以上 for cadre items): 'cand' is m1's
    grandson, m2's wife's brother and m3's nephew.  Only the cadre_avoidance reading
    (seed 001's list) takes all three; leaving the meeting, 4 of 7 stay: 3·4 < 2·7, no
    quorum.  Staying, 7 attend and the other 4 vote yes: 超过半数 of 7 passes."""
    v = run("recusal_cannot_disable", TAOBEI, "party_group", "cadre")
    assert (v.status, v.value) == ("fails", 1)
    # any number of outsiders: cand_father (m1's son, m3's brother) and m2_wife take three
    # under every reading (leaving: 4 stay, no quorum); with 'ward' (m4 supports him,
    # 扶养 only in administrative_litigation) four stay away from the vote: 3 yes < 4
    assert set(v.facets) == {"civil_code/recused_leave", "criminal_procedure/recused_leave",
                             "administrative_litigation/recused_leave",
                             "administrative_litigation/recused_attend",
                             "cadre_avoidance/recused_leave"}
    m = v.witnesses[0].meeting
    assert m.matter.persons_involved == ("cand",) and m.kin_reading == "cadre_avoidance"
    assert sorted(m.kin_members) == ["m1", "m2", "m3"]
    assert v.witnesses[0].outcome.label == "no_quorum"
    # the clause reaches cadre items only (四(二)5: 干部任免事项)
    assert run("recusal_cannot_disable", TAOBEI, "party_group", "budget").status == "n/a"


def test_prefecture_two_outsiders() -> None:
    """Seed 001 第二十一条(四), 三分之二以上 of 7 = 5: one outsider takes at most two members
    (grandpa: his grandsons d1 and m1), leaving 5; grandpa and d2's wife take three, leaving 4."""
    v = run("recusal_cannot_disable", PREF, "party_group", "ordinary")
    assert (v.status, v.value) == ("fails", 2)
    assert set(v.witnesses[0].meeting.matter.persons_involved) in (
        {"grandpa", "d2_wife"}, {"grandpa", "d2_wife_mother"})
    assert len(v.witnesses[0].meeting.present) == 4  # the smallest set: recused members leave
    # staying, four must recuse (超过半数 of 7 needs 4 yes): grandpa, d2's wife and m3's aunt
    # (三代以内旁系血亲) take d1, m1, d2 and m3 under every reading of 近姻亲
    assert {"practice/recused_leave", "practice/recused_attend"} <= set(v.facets)


def test_no_kinship_clause_is_na() -> None:
    for inst, body, matter in ((ALXA, "leadership", "cadre"), (CITY, "party_group", "cadre")):
        assert run("recusal_cannot_disable", inst, body, matter).status == "n/a"


# ------------------------------------------------------------------------------ order
def test_alxa_leader_owner_clash() -> None:
    """Seed 000 第三条(二): the owner speaks first (议题表述), the 一把手 last (决议形成); the
    example's director runs construction himself, so a construction item has no order."""
    v = run("order_exists", ALXA, "leadership", "project")
    assert v.status == "fails"
    assert "owner_speaks_first" in v.detail and "last_speaker" in v.detail
    assert v.witnesses[0].outcome.label == "procedure_violation"
    assert run("order_exists", ALXA, "leadership", "finance").status == "holds"  # d1's


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["leader", "d1", "m1", None]), st.integers(1, 3))
def test_order_equals_brute_force(owner: str | None, others: int) -> None:
    """Differential: order_exists holds exactly when some permutation of the nodes keeps
    every constraint, under every reading (seed 000, n <= 4 members)."""
    ids = ["leader", "d1", "m1"][:others] + ["m2"]
    members = [Member(i, "leader" if i == "leader" else "deputy" if i == "d1" else "member",
                      ("construction",) if i == owner else ()) for i in ids]
    if not any(m.role == "leader" for m in members):
        members[0] = Member(members[0].id, "leader", members[0].portfolios)
    rs = load_institution(ALXA).ruleset("leadership", "project")
    with pytest.MonkeyPatch.context() as mp:
        _with_board(mp, ALXA, members, "leadership")
        v = run("order_exists", ALXA, "leadership", "project")
    ok = all(any(p.valid(order) for order in itertools.permutations(p.nodes))
             for c in order_readings(rs) for p in [order_problem(rs, members, c)])
    assert v.status == ("holds" if ok else "fails")


# ---------------------------------------------------------------------- meetings over time
def test_prefecture_minority_stays_away() -> None:
    """Seed 001 第二十一条(四), 三分之二以上 of 7 = 5: the largest minority, 3, staying away
    leaves 4: no quorum at every meeting, for ever, under every deferral reading."""
    v = run("no_minority_stall", PREF, "party_group", "ordinary")
    assert (v.status, v.value) == ("fails", boards.MEETINGS)
    assert set(v.facets) == {"unbounded", "once"}
    assert all(w.outcome.label == "no_quorum" for w in v.witnesses)
    assert len(v.witnesses[0].meeting.present) == 4


def test_city_minority_of_one_cannot_stall() -> None:
    """Seed 004 四(四) on a board of 4: the largest minority is 1; 3 of 4 attend
    (过半数 quorum) and vote yes, so the item passes at the first meeting."""
    v = run("no_minority_stall", CITY, "party_group", "ordinary")
    assert (v.status, v.value) == ("holds", 0)


# ------------------------------------------------------------- meeting files with a board
def _taobei_meeting(tmp_path: Path, **extra: object) -> Path:
    (tmp_path / "board.toml").write_text((BOARDS_DIR / "taobei.toml").read_text("utf-8"), "utf-8")
    doc = {"institution": TAOBEI, "body": "party_group", "organisation": "board.toml",
           "matter": {"category": "cadre", "persons_involved": ["cand"]},
           "present": ["head", "d1", "d2", "m1", "m2", "m3", "m4"],
           "votes": {i: "yes" for i in ("head", "d1", "d2", "m1", "m2", "m3", "m4")}}
    doc.update(extra)
    f = tmp_path / "m.json"
    f.write_text(json.dumps(doc), "utf-8")
    return f


def test_outsider_involved_names_the_relative(tmp_path: Path) -> None:
    """Seed 003 四(二)5, Civil Code reading (the default): cand is m1's grandson
    (直系 (0, 2) is in 近亲属), so m1 must recuse; voting, he breaks the rule."""
    m = load_meeting(_taobei_meeting(tmp_path))
    assert [(r.member, r.path) for r in m.kin] == [("m1", ("m1", "cand_father", "cand"))]
    d = decide(m)
    assert d.outcome.label == "procedure_violation"
    text = [r.en for r in d.reasons if r.rule == "recusal"]
    assert any("m1 must recuse: cand is his grandchild" in t and "m1 -child-> cand_father "
               "-child-> cand" in t and "did NOT recuse" in t for t in text), text
    assert any(r.cite == "seed 003, 四(二)5" for r in d.reasons if r.rule == "recusal")


def test_kinship_reading_widens_the_recusal(tmp_path: Path) -> None:
    """cadre_avoidance adds m2 (his wife's brother: 近姻亲) and m3 (nephew: 三代以内旁系)."""
    f = _taobei_meeting(tmp_path, kinship_reading="cadre_avoidance", recused=["m1", "m2", "m3"],
                        votes={"head": "yes", "d1": "yes", "d2": "yes", "m4": "yes"})
    m = load_meeting(f)
    assert sorted(m.kin_members) == ["m1", "m2", "m3"]
    assert decide(m).outcome.label == "passed"  # 4 yes > 7/2, all three recused
    again = meeting_from_dict(meeting_to_dict(m))
    assert again == m and "members" not in meeting_to_dict(m)


@pytest.mark.parametrize(("extra", "field", "words"), [
    ({"matter": {"category": "cadre", "persons_involved": ["cnd"]}}, "matter.persons_involved",
     "unknown person 'cnd'"),
    ({"members": [{"id": "a", "role": "leader"}]}, "organisation", "not both"),
    ({"kinship_reading": "nope"}, "kinship_reading", "no kinship reading 'nope'"),
    ({"organisation": "missing.toml"}, "organisation", "not found"),
])
def test_bad_organisation_references(tmp_path: Path, extra: dict[str, object], field: str,
                                     words: str) -> None:
    """Each is one line naming the file, the field and a fix."""
    with pytest.raises(MeetingFileError) as err:
        load_meeting(_taobei_meeting(tmp_path, **extra))
    msg = str(err.value)
    assert "\n" not in msg and "m.json: " in msg
    assert f"field '{field}'" in msg and words in msg and "(fix: " in msg


def test_outsider_without_organisation_is_an_error() -> None:
    doc = {"institution": TAOBEI, "body": "party_group", "members": [
        {"id": "a", "role": "leader"}], "present": ["a"],
        "matter": {"category": "cadre", "persons_involved": ["wife"]}}
    with pytest.raises(MeetingFileError, match="organisation file"):
        meeting_from_dict(doc)


def test_witness_files_replay(tmp_path: Path) -> None:
    """The report's files of a board finding: the organisation file copied beside the
    meeting, which names it and replays with the claimed outcome."""
    v = run("recusal_cannot_disable", TAOBEI, "party_group", "cadre")
    files = boards.witness_files(tmp_path, "w", v.witnesses)
    assert [f for f, _ in files] == ["w.json"]
    from model.io import dump_meeting

    (tmp_path / "w.json").write_text(dump_meeting(files[0][1]), "utf-8")
    assert load_organisation(tmp_path / "w.board.toml").id == "taobei_example"
    m = load_meeting(tmp_path / "w.json")
    assert m.organisation == str(tmp_path / "w.board.toml")
    assert decide(m).outcome == v.witnesses[0].outcome



def test_runners_come_from_the_rule_file(tmp_path: Path) -> None:
    """[separation] is rule data: read as 'a deputy must run them', seed 001 第三条(五)'s
    four portfolios on a board of the leader and two members have no valid assignment."""
    from model.loader import INSTITUTIONS_DIR

    text = (INSTITUTIONS_DIR / f"{PREF}.toml").read_text("utf-8")
    f = tmp_path / "pref.toml"
    f.write_text(text.replace('roles = ["deputy", "member"]', 'roles = ["deputy"]'), "utf-8")
    rule = separation_rule(load_institution(str(f)))
    assert rule.runners[0].roles == ("deputy",) and rule.runners[0].cite == "seed 001, 第三条(五)"
    board = [Member("sec", "leader"), Member("a", "member"), Member("b", "member")]
    assert find_valid(board, rule.readings()[0]) is None
    assert find_valid(board, separation_rule(load_institution(PREF)).readings()[0]) is not None


def test_records_name_the_organisation_file() -> None:
    """The text and HTML records of a board witness name the organisation file and the
    outsiders involved (seed 003 四(二)5: cand is no member)."""
    from proofs.html import meeting_table
    from proofs.render import meeting_record

    m = load_meeting(BOARDS_DIR.parent / "taobei_cadre_outsider.json")
    text = meeting_record(m)
    assert "7 members (taobei.toml)" in text and "involved: cand" in text
    html = meeting_table(m)
    assert "organisation file taobei.toml; involved: cand" in html
    assert html.count("related to an involved person") == 3  # m1, m2, m3
