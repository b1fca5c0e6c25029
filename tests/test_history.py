"""Meetings over time (proofs/history.py): hand-derived stalls from the seeds, the deferral
readings, an amended quorum (the CVE-2022-31198 shape), and every Z3 verdict against brute
force over all k-meeting histories of small boards, each meeting decided by the reference
evaluator."""

from __future__ import annotations

import functools
import itertools
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from model.errors import QuorumlabError
from model.evaluator import decide
from model.io import meeting_from_dict
from model.loader import load_institution
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote
from model.rules import Requirement, RuleSet
from model.thresholds import Share
from proofs.history import (
    Amendment,
    DeferLimit,
    StallQuestion,
    defer_limits,
    longest_stall,
    stall,
    voting_rules,
)
from quorumlab.cli_time import stall as stall_cmd

ROOT = Path(__file__).resolve().parent.parent

UNBOUNDED = DeferLimit("unbounded", "", "")
ONCE = DeferLimit("once", "", "")


def rules(inst: str, body: str, matter: str) -> RuleSet:
    return load_institution(inst).ruleset(body, matter)


PREFECTURE = ("prefecture_medical_security_party_group", "party_group", "ordinary")
CITY = ("city_medical_security_bureau", "party_group", "ordinary")


# ------------------------------------------------------------------------- by hand
def test_prefecture_chair_withholds_the_vote_for_ever_unless_deferral_is_once():
    # seed 001, 第二十一条(四): 主持人…决定是否进入表决程序 (chair_calls_vote = true)
    q = StallQuestion(rules(*PREFECTURE), n=5, who="chair")
    r = longest_stall(q, 4, UNBOUNDED)
    assert r.verdict == "forever"
    (m,) = r.witness.meetings
    assert (m.outcome, m.meeting.vote_called) == (Outcome.DEFERRED, False)
    # once: meeting 2 must vote; four of five back it: 4 > 5/2 of due (第二十一条(四))
    r = longest_stall(q, 4, ONCE)
    assert (r.verdict, r.meetings) == ("passes_by", 1)


def test_city_minority_forces_a_close_split_once_or_for_ever():
    # seed 004, 议事规则 四(四): 3 yes against 2 no are 双方人数接近 (margin 1): 暂缓 …
    # 下次再表决.  Staying away instead leaves 3 of 5 (半数以上: quorum) and 3 yes > 5/2.
    q = StallQuestion(rules(*CITY), n=5, who="minority")
    assert [d.name for d in defer_limits(q.ruleset)] == ["once", "unbounded"]
    once = longest_stall(q, 4, defer_limits(q.ruleset)[0])
    assert (once.verdict, once.meetings) == ("passes_by", 1)
    (m,) = once.witness.meetings
    assert dict(m.meeting.votes) == {"m0": Vote.YES, "m1": Vote.YES, "m2": Vote.YES,
                                     "m3": Vote.NO, "m4": Vote.NO}
    assert longest_stall(q, 4, defer_limits(q.ruleset)[1]).verdict == "forever"


@pytest.mark.parametrize(("n", "minority", "verdict"), [
    (5, 2, "forever"),   # 3 of 5 present: 3*3 < 2*5, below 三分之二以上 (第二十一条(四))
    (7, 3, "forever"),   # 4 of 7: 12 < 14
    (4, 1, "passes_by"),  # 3 of 4: 9 >= 8; 3 yes against 1 no differ by 2 > 1: no deferral
])
def test_prefecture_minority_staying_away(n, minority, verdict):
    q = StallQuestion(rules(*PREFECTURE), n=n, who="minority", minority=minority)
    for limit in (UNBOUNDED, ONCE):
        r = longest_stall(q, 3, limit)
        assert r.verdict == verdict
        if verdict == "forever":
            assert {w.outcome for w in r.witness.meetings} == {Outcome.NO_QUORUM}
        else:
            assert r.meetings == 0


def test_amended_quorum_decides_a_pending_item_only_under_the_meeting_day_reading():
    """The quorum lowered to 半数以上 from meeting 2 (compare CVE-2022-31198)."""
    old = rules(*PREFECTURE)
    new = old.with_values(quorum=(Requirement(Share(1, 2, False), "amendment"),))
    amendment = Amendment(new, 2)
    tabled = StallQuestion(old, 5, "minority", amendment=amendment, governs="tabling_day")
    assert longest_stall(tabled, 4, ONCE).verdict == "forever"  # the old quorum, for ever
    day = StallQuestion(old, 5, "minority", amendment=amendment, governs="meeting_day")
    # unbounded: meeting 2 onwards the minority attends and splits 3:2 (close_split): for ever
    assert longest_stall(day, 4, UNBOUNDED).verdict == "forever"
    # once: meeting 1 lacks a quorum, meeting 2 defers on the split, meeting 3 must vote
    r = longest_stall(day, 4, ONCE)
    assert (r.verdict, r.meetings) == ("passes_by", 2)
    assert [w.outcome for w in r.witness.meetings] == [Outcome.NO_QUORUM, Outcome.DEFERRED]


def test_voting_rules_keep_everything_but_the_deferral_levers():
    rs = rules(*CITY)
    v = voting_rules(rs, {"deferral": "important_margin_2"}).spec()
    s = rs.spec({"deferral": "important_margin_2"})
    assert (v.deferral.kind, v.chair_calls_vote) == ("none", False)
    assert (v.quorum, v.passing, v.last_speaker) == (s.quorum, s.passing, s.last_speaker)


def test_bad_questions_are_one_line_errors():
    rs = rules(*PREFECTURE)
    with pytest.raises(QuorumlabError, match="not a majority"):
        StallQuestion(rs, 5, "chair", backers=2)
    with pytest.raises(QuorumlabError, match="not a minority"):
        StallQuestion(rs, 4, "minority", minority=2)
    with pytest.raises(QuorumlabError, match="more than the limit"):
        stall(StallQuestion(rs, 3), 13, ONCE)


# ----------------------------------------------------------------- against brute force
def meeting(rs: RuleSet, n: int, present: set[int], votes: dict[int, Vote],
            opinions: dict[int, Vote], called: bool, emergency: bool) -> Meeting:
    """A meeting in the pinned scope: m1 the deputy and owner, the leader chairs when
    present, statements ordered m1.. by index with the leader last."""
    pf = rs.info.portfolio if rs.info else None
    members = tuple(Member(f"m{i}", "leader" if i == 0 else "deputy" if i == 1 else "member",
                           (pf,) if pf and i == 1 else ()) for i in range(n))
    chair = 0 if 0 in present else min(present)
    order = [i for i in range(1, n) if i in present] + ([0] if 0 in present else [])
    return Meeting(rs.institution, rs.body, MatterFacts(rs.matter, portfolio=pf,
                                                        emergency=emergency),
                   members, frozenset(f"m{i}" for i in present),
                   written_opinions={f"m{i}": v for i, v in opinions.items() if v != Vote.NONE},
                   votes={f"m{i}": votes[i] for i in present},
                   speaking_order=tuple(f"m{i}" for i in order), chair=f"m{chair}",
                   vote_called=called)


def options(q: StallQuestion):
    """Every conduct of the stallers (and the chair) in one meeting."""
    n, stallers = q.n, q.stallers()
    per = []
    for i in range(n):
        if i in stallers:  # absent (no opinion or a written no), or present voting no
            per.append([(False, None, Vote.NONE), (False, None, Vote.NO), (True, Vote.NO, None)])
        elif i == 0 and q.who == "chair":
            per.append([(True, v, None) for v in (Vote.YES, Vote.NO, Vote.DEFER)])
        else:
            per.append([(True, Vote.YES, None)])
    calls = (True, False) if q.who == "chair" else (True,)
    for combo, called in itertools.product(itertools.product(*per), calls):
        present = {i for i, c in enumerate(combo) if c[0]}
        yield (present, {i: c[1] for i, c in enumerate(combo) if c[0]},
               {i: c[2] for i, c in enumerate(combo) if not c[0]}, called)


def brute_stall(q: StallQuestion, k: int, limit: DeferLimit) -> bool:
    """Some history of k meetings (fewer if rejected) in which the item does not pass."""
    opts = list(options(q))

    @functools.cache
    def outcome(j: int, voted: bool, x: int, emergency: bool) -> Outcome:
        rs, choice = q.rules(j)
        if voted:
            rs, choice = voting_rules(rs, choice), {}
        present, votes, opinions, called = opts[x]
        m = meeting(q.ruleset, q.n, present, votes, opinions, called, emergency)
        return decide(m, rs, dict(choice)).outcome

    @functools.cache
    def can(j: int, deferred: bool, emergency: bool) -> bool:
        if j == k:
            return True
        voted = limit.name == "once" and deferred
        for x in range(len(opts)):
            o = outcome(j, voted, x, emergency)
            if o == Outcome.REJECTED:
                return True
            if o != Outcome.PASSED and can(j + 1, deferred or o == Outcome.DEFERRED, emergency):
                return True
        return False

    return can(0, False, False) or can(0, False, True)


CASES = [PREFECTURE, CITY,
         ("city_medical_security_bureau", "director_office", "administrative"),
         ("taobei_district_government", "plenary", "budget"),
         ("xiuzhou_district", "leadership", "ordinary"),
         ("alxa_medical_security_bureau", "leadership", "finance")]


# (n, who, backers, meetings): every board of 3-4 members, and two of 5 with two stallers
BOARDS = [(3, "chair", None, (1, 2, 3)), (4, "chair", None, (1, 2, 3)),
          (3, "minority", None, (1, 2, 3)), (4, "minority", None, (1, 2, 3)),
          (5, "chair", 3, (1, 2)), (5, "minority", None, (1, 2))]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0][:8]}-{c[1]}-{c[2]}")
def test_every_small_history_agrees_with_brute_force(case):
    rs = rules(*case)
    for choice in list(rs.choices())[:3]:
        for n, who, backers, ks in BOARDS:
            q = StallQuestion(rs, n, who, backers=backers, choice=choice)
            for limit, k in itertools.product((UNBOUNDED, ONCE), ks):
                a = stall(q, k, limit)
                expected = brute_stall(q, k, limit)
                assert a.status == ("stalled" if expected else "passes"), (choice, n, who, limit, k)
                if a.forever:  # 'for ever' is a claim about every length: check a longer one
                    assert brute_stall(q, 6, limit), (choice, n, who, limit, k)


def test_brute_force_sees_both_verdicts():
    statuses = {brute_stall(StallQuestion(rules(*c), 4, w), 2, lim)
                for c in CASES for w in ("chair", "minority") for lim in (UNBOUNDED, ONCE)}
    assert statuses == {True, False}


@pytest.mark.parametrize("governs", ["meeting_day", "tabling_day"])
def test_amended_histories_agree_with_brute_force(governs):
    old = rules(*PREFECTURE)
    new = old.with_values(quorum=(Requirement(Share(1, 2, False), "amendment"),))
    for start, limit, k in itertools.product((2, 3), (UNBOUNDED, ONCE), (1, 2, 3)):
        q = StallQuestion(old, 5, "minority", amendment=Amendment(new, start), governs=governs)
        assert stall(q, k, limit).status == ("stalled" if brute_stall(q, k, limit)
                                             else "passes"), (start, limit, k)


def test_stall_command_json():
    r = CliRunner().invoke(stall_cmd, [*PREFECTURE[:1], "--body", PREFECTURE[1], "--matter",
                                       PREFECTURE[2], "--who", "minority", "--n", "5",
                                       "--amended", PREFECTURE[0], "--from", "2", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    schema = json.loads((ROOT / "docs" / "schemas" / "stall.schema.json").read_text("utf-8"))
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    assert (doc["amended"], doc["from"]) == (PREFECTURE[0], 2)
    assert [(x["defer_limit"], x["governs"]) for x in doc["rows"]] == [
        ("unbounded", "meeting_day"), ("once", "meeting_day"), ("unbounded", "tabling_day"),
        ("once", "tabling_day")]
    r = CliRunner().invoke(stall_cmd, [*PREFECTURE[:1], "--body", PREFECTURE[1], "--matter",
                                       PREFECTURE[2], "--n", "5", "--meetings", "3", "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    for row in doc["rows"]:  # every meeting of a history is a valid meeting file
        for h in row["history"]:
            assert meeting_from_dict(h["meeting"]).vote_called == h["meeting"]["vote_called"]
    assert [(row["defer_limit"], row["verdict"], row["meetings"]) for row in doc["rows"]] == [
        ("unbounded", "forever", 1), ("once", "passes_by", 1)]
    assert doc["rows"][0]["history"][0]["meeting"]["vote_called"] is False
    r = CliRunner().invoke(stall_cmd, [*PREFECTURE[:1], "--body", PREFECTURE[1], "--matter",
                                       PREFECTURE[2], "--amended", PREFECTURE[0]])
    assert (r.exit_code, r.output.count("\n")) == (2, 1)
    assert r.output.startswith("error: field '--from': --amended and --from go together")


def test_a_chief_who_decides_alone_stalls_under_either_reading():
    # seed 004, 办公会 六: 行政首长负责制; the director states 缓议 (no decision) every time:
    # 'once' removes the split rule and the chair's call, not the chief's own decision
    q = StallQuestion(rules("city_medical_security_bureau", "director_office", "administrative"),
                      4, "chair")
    for limit in defer_limits(q.ruleset):
        assert longest_stall(q, 3, limit).verdict == "forever"


def test_unknown_is_its_own_answer(monkeypatch):
    import z3

    monkeypatch.setattr(z3.Solver, "check", lambda self, *a: z3.unknown)
    monkeypatch.setattr(z3.Solver, "reason_unknown", lambda self: "canceled")
    r = longest_stall(StallQuestion(rules(*PREFECTURE), 5), 3, ONCE)
    assert (r.verdict, r.meetings, len(r.answers)) == ("unknown", 0, 1)
    assert "canceled" in r.answers[0].reason


S_ARGS = [PREFECTURE[0], "--body", PREFECTURE[1], "--matter", PREFECTURE[2]]


@pytest.mark.parametrize(("extra", "flag"), [
    (["--backers", "2"], "--backers"),
    (["--who", "minority", "--minority", "3"], "--minority"),
    (["--who", "minority", "--backers", "3"], "--backers"),
    (["--minority", "1"], "--minority"),
    (["--meetings", "13"], "--meetings"),
    (["--meetings", "0"], "--meetings"),
    (["--n", "1"], "--n"),
    (["--amended", "no_such_institution", "--from", "2"], "--amended"),
    (["--amended", PREFECTURE[0], "--from", "1"], "--from"),
    (["--amended", "taobei_district_government", "--from", "2"], "--amended"),
    (["--reading", "deferral=coin"], "--reading deferral"),
    (["--timeout", "0"], "--timeout"),
])
def test_bad_stall_command_line_is_one_line(extra, flag):
    r = CliRunner().invoke(stall_cmd, [*S_ARGS, *extra])
    lines = r.output.splitlines()
    assert r.exit_code == 2 and len(lines) == 1, r.output
    assert lines[0].startswith(f"error: field '{flag}'") and "(fix: " in lines[0], lines[0]
