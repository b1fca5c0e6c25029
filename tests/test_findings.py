"""Distinct findings (proofs/findings.py): the size pattern, the merging, the clauses quoted,
and every finding's meeting replaying through the reference evaluator to its outcome."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from model.evaluator import decide
from model.meeting import Outcome
from proofs.findings import by_institution, distinct_findings, size_pattern, status_counts
from proofs.options import CheckOptions
from proofs.results import PropertyResult
from proofs.runner import SuiteReport, run_suite

PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"
ALXA = "alxa_medical_security_bureau"
XIUZHOU = "xiuzhou_district"
PREF_MATTERS = ("ordinary", "major_decision", "budget", "construction_project", "cadre",
                "large_funds", "asset_disposal", "procurement")
SIZES = tuple(range(3, 16))


# --- the pattern of sizes, by hand ------------------------------------------------------

@pytest.mark.parametrize(("failing", "checked", "expected"), [
    ((3, 6, 9, 12, 15), SIZES, "n divisible by 3"),
    (tuple(range(4, 16, 2)), SIZES, "even n"),
    (tuple(range(3, 16, 2)), SIZES, "odd n"),
    (tuple(range(7, 16)), SIZES, "n ≥ 7"),
    ((3, 4, 5), SIZES, "n ≤ 5"),
    (SIZES, SIZES, "every n"),
    ((3, 5, 6), SIZES, "n = 3, 5, 6"),
    ((9,), SIZES, "n = 9"),
    ((7,), (7,), "n = 7"),            # one size checked: no pattern claimed beyond it
    ((5, 7), (5, 7), "every n"),
    ((6, 12), (6, 9, 12, 15), "even n"),  # over these sizes, "even" is exact and comes first
])
def test_size_pattern_by_hand(failing: tuple[int, ...], checked: tuple[int, ...],
                              expected: str) -> None:
    assert size_pattern(failing, checked)[0] == expected


def _reads(pattern: str, n: int) -> bool:
    """What a pattern says about n (the inverse of size_pattern, written independently)."""
    if pattern == "every n":
        return True
    if pattern in ("even n", "odd n"):
        return n % 2 == (pattern == "odd n")
    if pattern == "n divisible by 3":
        return n % 3 == 0
    m = re.fullmatch(r"n ([≥≤]) (\d+)", pattern)
    if m:
        k = int(m.group(2))
        return n >= k if m.group(1) == "≥" else n <= k
    listed = re.fullmatch(r"n = ([\d, ]+)", pattern)
    assert listed, pattern
    return n in {int(x) for x in listed.group(1).split(", ")}


@given(st.sets(st.integers(1, 40), min_size=1, max_size=15).flatmap(
    lambda checked: st.tuples(st.just(sorted(checked)),
                              st.sets(st.sampled_from(sorted(checked)), min_size=1))))
def test_size_pattern_is_exact_over_the_sizes_checked(case: tuple[list[int], set[int]]) -> None:
    checked, failing = case
    en, zh = size_pattern(sorted(failing), checked)
    assert {n for n in checked if _reads(en, n)} == failing
    assert zh


# --- merging, on results built by hand --------------------------------------------------

def _result(matter: str, n: int, status: str, prop: str = "no_chair_veto") -> PropertyResult:
    return PropertyResult(prop, PREF, "party_group", matter, n, status, f"n={n}")


def _report(results: list[PropertyResult]) -> SuiteReport:
    return SuiteReport(tuple(results), (), 0.0)


def test_same_rules_same_sizes_merge_across_matters() -> None:
    # chair_calls_vote is set once in [defaults] of the prefecture's rule file, so
    # 'ordinary' and 'cadre' read the same on it: one finding for both
    rs = [_result(m, n, "fails" if n % 3 == 0 else "holds")
          for m in ("ordinary", "cadre") for n in (3, 4, 5, 6)]
    [f] = distinct_findings(_report(rs))
    assert f.places == (("party_group", "ordinary"), ("party_group", "cadre"))
    assert (f.pattern, f.failing, f.checked) == ("n divisible by 3", (3, 6), (3, 4, 5, 6))
    assert f.scope == "n divisible by 3, over the sizes checked (3..6)"
    assert f.result.n == 3 and f.witness is None


def test_different_sizes_or_properties_stay_apart() -> None:
    rs = [_result("ordinary", n, "fails") for n in (3, 4)]
    rs += [_result("cadre", 3, "fails"), _result("cadre", 4, "holds")]
    rs += [_result("ordinary", n, "fails", "monotonic") for n in (3, 4)]
    fs = distinct_findings(_report(rs))
    assert [(f.property_id, f.pattern, f.places) for f in fs] == [
        ("no_chair_veto", "every n", (("party_group", "ordinary"),)),
        ("no_chair_veto", "n = 3", (("party_group", "cadre"),)),
        ("monotonic", "every n", (("party_group", "ordinary"),))]


def test_unknown_and_holding_results_are_no_finding() -> None:
    rs = [_result("ordinary", 3, "unknown"), _result("ordinary", 4, "holds")]
    assert distinct_findings(_report(rs)) == ()


# --- a real run, with expectations derived from the rule files ---------------------------

@pytest.fixture(scope="module")
def chair_veto_run() -> SuiteReport:
    """no_chair_veto on four institutions, n = 3, 4."""
    return run_suite([PREF, TAOBEI, ALXA, XIUZHOU], CheckOptions(sizes=(3, 4)),
                     ["no_chair_veto"])


def test_chair_veto_findings_by_hand(chair_veto_run: SuiteReport) -> None:
    """The prefecture's chair 根据讨论情况, 决定是否进入表决程序 (seed 001, 第二十一条(四),
    chair_calls_vote = true in [defaults], overridden nowhere): he can withhold the vote from
    any meeting that would pass, at every size, for all eight matters: ONE finding.  So does
    Xiuzhou's (模本一 三、5 会议由主持人视讨论情况决定是否进入表决程序, in [defaults]; the
    三重一大 matters make it an open point whose first reading, "vote", keeps it): ONE finding
    for its one body's nine matters.  Taobei and Alxa give the chair no such call
    (chair_calls_vote = false): no finding."""
    fs = distinct_findings(chair_veto_run)
    assert len(fs) == 2
    [x] = by_institution(fs, XIUZHOU)
    assert x.pattern == "every n" and len(x.places) == 9
    assert {b for b, _ in x.places} == {"leadership"}
    assert [c.cite for c in x.clauses] == ["seed 002, 模本一 三、5"]
    [f] = by_institution(fs, PREF)
    assert by_institution(fs, TAOBEI) == by_institution(fs, ALXA) == []
    assert f.pattern == "every n" and f.checked == (3, 4)
    assert f.places == tuple(("party_group", m) for m in PREF_MATTERS)
    assert [(c.field, c.cite, c.quote) for c in f.clauses] == [
        ("chair_calls_vote", "seed 001, 第二十一条(四)", "根据讨论情况,决定是否进入表决程序")]


def test_counts_add_up(chair_veto_run: SuiteReport) -> None:
    for inst in (None, PREF, TAOBEI):
        c = status_counts(chair_veto_run, inst)
        rows = [s for s in chair_veto_run.summaries if inst is None or s.institution == inst]
        assert c["total"] == len(rows) == sum(v for k, v in c.items() if k != "total")
    assert status_counts(chair_veto_run, PREF)["fails"] == len(PREF_MATTERS)


def test_each_finding_meeting_replays_to_its_outcome(chair_veto_run: SuiteReport) -> None:
    fs = distinct_findings(chair_veto_run)
    for f in fs:
        w = f.witness
        assert w is not None and f.result.n == min(f.failing)
        assert decide(w.meeting, choice=dict(w.reading) or None).outcome == w.outcome
        # the finding's meeting is the smallest failing size's own counterexample
        assert len(w.meeting.members) == f.result.n
    # what the meeting shows: the vote withheld, the item deferred; called, it passes
    w = fs[0].witness
    assert w is not None and not w.meeting.vote_called and w.outcome == Outcome.DEFERRED
    called = replace(w.meeting, vote_called=True)
    assert decide(called, choice=dict(w.reading) or None).outcome == Outcome.PASSED
