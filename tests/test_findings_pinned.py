"""The distinct findings of the five institutions' full report (issue 9): their number is
stable, and each finding's meeting replays through ``decide`` to the claimed outcome.

``quorumlab check --all`` (n = 3..15) takes minutes, so the suite does not re-run it.  The
grouping of findings reads only the records and the rule files (never an unsat core, which
changes with the solver's history), so :func:`proofs.findings.recorded_findings` makes the
full report's findings from the suite files' records without solving; the gate (``check``
exiting 1 on a changed record) keeps the records true to the rules.  Here:

- the records make as many findings per institution as the full report of 2026-11-28
  (n = 3..15: alxa 6, city 24, prefecture 9, taobei 9, xiuzhou 6: 54), plus the 11 of the
  example-board properties (size-free: alxa 1, city 1, prefecture 4, taobei 3, xiuzhou 2),
  65 in all, and exactly the ones
  each suite file pins in ``[findings]`` (written with the records by ``check --all
  --write-expectations model/institutions``);
- a small real run (n = 3..5, one property per institution) makes the findings its records
  make on those sizes, and each of its meetings replays to its outcome.

A change names the findings that appeared (+) and disappeared (-).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.errors import RuleFileError
from model.evaluator import decide
from model.loader import load_institution
from proofs.findings import (
    Pinned,
    distinct_findings,
    finding_changes,
    pinned_findings,
    recorded_findings,
)
from proofs.options import CheckOptions
from proofs.runner import run_suite
from quorumlab.cli import main

ROOT = Path(__file__).parent.parent
ALXA = "alxa_medical_security_bureau"
CITY = "city_medical_security_bureau"
PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"
XIUZHOU = "xiuzhou_district"
COUNTS = {ALXA: 7, CITY: 25, PREF: 13, TAOBEI: 12, XIUZHOU: 8}


def _changes(now: tuple[Pinned, ...] | list[Pinned], before: tuple[Pinned, ...]) -> str:
    return "\n".join(finding_changes(now, before))


@pytest.mark.parametrize("inst", list(COUNTS))
def test_the_records_make_the_pinned_findings(inst: str) -> None:
    institution = load_institution(inst)
    made, pinned = recorded_findings(institution), pinned_findings(institution)
    assert pinned is not None, f"{inst}: no [findings] in its suite file (re-record it)"
    assert made == pinned, f"{inst}: the records make other findings than pinned:\n" + _changes(
        made, pinned)


def test_the_number_of_distinct_findings_is_stable() -> None:
    made = {inst: recorded_findings(load_institution(inst)) for inst in COUNTS}
    assert sum(COUNTS.values()) == 65
    assert {i: len(fs) for i, fs in made.items()} == COUNTS, "\n".join(
        f"{i}: {len(fs)} findings, not {COUNTS[i]}; pinned -> now:\n"
        + _changes(fs, pinned_findings(load_institution(i)) or ())
        for i, fs in made.items() if len(fs) != COUNTS[i])


def test_one_rule_set_two_findings_when_the_rules_differ() -> None:
    """The city's party group: its six other 三重一大 matters and cadre fail
    min_stay_away_block at every size, but 讨论干部事项时, 必须有三分之二以上党组成员参加
    (seed 004, 议事规则 四(二)) adds a quorum requirement to cadre alone: the rules differ on
    the property's field (quorum), so cadre is a finding of its own."""
    fs = [f for f in recorded_findings(load_institution(CITY))
          if f.property_id == "min_stay_away_block" and f.places[0].startswith("party_group/")]
    assert sorted(len(f.places) for f in fs) == [1, 6]
    assert ("party_group/cadre",) in [f.places for f in fs]
    assert all(f.pattern == "every n" for f in fs)


SMALL = (3, 4, 5)
ONE_PROPERTY = {ALXA: "separation_of_duties", CITY: "min_no_vote_block", PREF: "no_chair_veto",
                TAOBEI: "separation_of_duties", XIUZHOU: "no_chair_veto"}


@pytest.mark.parametrize(("inst", "pid"), ONE_PROPERTY.items())
def test_a_small_run_makes_the_recorded_findings_and_its_meetings_replay(inst: str, pid: str
                                                                         ) -> None:
    rep = run_suite([inst], CheckOptions(sizes=SMALL), [pid])
    assert rep.exit_code == 0, [s.changes for s in rep.regressions]
    found = tuple(map(Pinned.of, distinct_findings(rep)))
    want = tuple(f for f in recorded_findings(load_institution(inst), SMALL)
                 if f.property_id == pid)
    assert want, f"{inst}: no recorded finding of {pid} at n = 3..5 (choose another property)"
    assert found == want, f"{inst}, {pid} at n = 3..5, against the records:\n" + _changes(
        found, want)
    for f in distinct_findings(rep):  # the meeting shown is the smallest failing size's
        assert f.result.n == min(f.failing) and f.result.witnesses, f.id
        for w in f.result.witnesses:
            assert len(w.meeting.members) == f.result.n
            assert decide(w.meeting, choice=dict(w.reading) or None).outcome == w.outcome, (
                f.id, w.note)


def test_write_expectations_pins_the_findings_it_made(tmp_path: Path) -> None:
    """--write-expectations writes [findings] beside [expect]; read back, it is the run's
    distinct findings, and the records make it.  The prefecture's chair may withhold the
    vote from any passing meeting (seed 001, 第二十一条(四), in [defaults]): one finding,
    for its eight matters."""
    f = tmp_path / "rules.toml"
    shutil.copy(ROOT / "model" / "institutions" / f"{PREF}.toml", f)
    r = CliRunner().invoke(main, ["check", str(f), "--sizes", "3-4", "--jobs", "1",
                                  "--property", "no_chair_veto", "--property", "monotonic",
                                  "--write-expectations", str(tmp_path / "rules.expect.toml")])
    assert r.exit_code == 0, r.output
    institution = load_institution(str(f))
    (pin,) = pinned_findings(institution) or ()
    assert (pin.property_id, pin.failing, pin.pattern) == ("no_chair_veto", (3, 4), "every n")
    assert len(pin.places) == 8 and pin.places[0] == "party_group/ordinary"
    assert recorded_findings(institution) == (pin,)


def test_a_bad_pinned_finding_is_one_line(tmp_path: Path) -> None:
    f = tmp_path / "rules.toml"
    shutil.copy(ROOT / "model" / "institutions" / f"{PREF}.toml", f)
    suite = tmp_path / "rules.expect.toml"
    suite.write_text('[findings]\n"monotonic@party_group/cadre" = { pattern = "n = 3", '
                     'fails_at = [3], places = ["party_group/ordinary"] }\n', encoding="utf-8")
    with pytest.raises(RuleFileError) as err:
        pinned_findings(load_institution(str(f)))
    message = str(err.value)
    assert "rules.expect.toml" in message and "findings.monotonic@party_group/cadre" in message
    assert "\n" not in message
    suite.write_text('[findings]\n"monotonic@party_group/cadre" = { pattern = "n = 3", '
                     'fails_at = "3", places = ["party_group/cadre"] }\n', encoding="utf-8")
    with pytest.raises(RuleFileError, match="fails_at"):
        pinned_findings(load_institution(str(f)))
