"""Expectations, regressions, relabelled results, the pytest helper, rendering."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.evaluator import decide
from model.loader import INSTITUTIONS_DIR, load_institution
from proofs.options import CheckOptions
from proofs.pytest_helpers import assert_property
from proofs.render import report_junit, report_markdown, report_text
from proofs.runner import _relabel, check_pair, classify, run_suite

PREF = "prefecture_medical_security_party_group"


def test_classify() -> None:
    assert classify("holds", "holds") == "ok"
    assert classify("fails", "fails") == "known finding"
    assert classify("holds", "fails") == "regression"
    assert classify("unknown", "holds") == "inconclusive"
    assert classify("fails", None) == "new finding"


def test_expectation_file_turns_a_change_into_a_regression(tmp_path: Path) -> None:
    src = INSTITUTIONS_DIR / f"{PREF}.toml"
    f = tmp_path / "rules.toml"
    shutil.copy(src, f)
    opts = CheckOptions(sizes=(4,))
    (tmp_path / "rules.expect.toml").write_text(
        '[expect]\nno_chair_veto = "fails"\nquorum_reachable = "holds"\n', encoding="utf-8")
    rep = run_suite([str(f)], opts, ["no_chair_veto", "quorum_reachable"])
    assert rep.exit_code == 0
    assert {s.verdict for s in rep.summaries} == {"known finding", "ok"}
    (tmp_path / "rules.expect.toml").write_text('[expect]\nno_chair_veto = "holds"\n',
                                                encoding="utf-8")
    rep = run_suite([str(f)], opts, ["no_chair_veto"])
    assert rep.exit_code == 1 and rep.regressions
    text = report_text(rep)
    assert "[regression]" in text
    assert "<failure" in report_junit(rep)
    assert "## Findings" in report_markdown(rep)


def test_relabelled_results_replay() -> None:
    inst = load_institution(PREF)
    res = check_pair(inst, "party_group", "large_funds", CheckOptions(sizes=(4,)),
                     ["no_chair_veto"])
    rs = inst.ruleset("party_group", "asset_disposal")
    moved = _relabel(res[0], inst, rs, next(iter(rs.choices())))
    for w in moved.witnesses:
        assert w.meeting.matter.category == "asset_disposal"
        assert decide(w.meeting).outcome == w.outcome


def test_assert_property_helper_shows_the_meeting() -> None:
    assert_property(PREF, "quorum_reachable", body="party_group", matter="ordinary", sizes=(5,))
    with pytest.raises(AssertionError) as err:
        assert_property(PREF, "no_chair_veto", body="party_group", matter="ordinary", sizes=(5,))
    assert "present:" in str(err.value) and "outcome:" in str(err.value)


def test_written_expectations_make_a_clean_run(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from quorumlab.cli_proofs import check_cmd

    f = tmp_path / "rules.toml"
    shutil.copy(INSTITUTIONS_DIR / f"{PREF}.toml", f)
    args = [str(f), "--sizes", "4", "--jobs", "1", "--property", "no_chair_veto",
            "--property", "monotonic"]
    r = CliRunner().invoke(check_cmd, [*args, "--write-expectations",
                                       str(tmp_path / "rules.expect.toml")])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(check_cmd, [*args, "--strict"])
    assert r.exit_code == 0, r.output
    assert "[known finding]" in r.output


def test_parametric_all_n() -> None:
    from proofs.context import Context
    from proofs.parametric import fit_pattern
    from proofs.properties import get_property

    inst = load_institution(PREF)
    v = get_property("no_chair_veto_all_n").check(Context.make(inst, "party_group", "ordinary", 3))
    assert v.status == "fails" and "proved for all n" in v.detail
    v = get_property("monotonic_all_n").check(Context.make(inst, "party_group", "ordinary", 3))
    assert v.status == "holds"
    assert fit_pattern([3, 5, 7, 9], 10)[0] == "n >= 3 and n odd"


def test_diff_and_write_expectations_for_several_rule_files(tmp_path: Path) -> None:
    """``--diff-expectations`` lists a verdict that differs from the suite file (a recorded
    "holds" for no_chair_veto, which fails: seed 001 第二十一条(四) lets the chair decide whether
    to put the item to a vote); ``--write-expectations DIR`` writes one suite file per rule file,
    after which the diff is empty."""
    from click.testing import CliRunner

    from quorumlab.cli_proofs import check_cmd

    rules = tmp_path / "rules"
    rules.mkdir()
    for stem in ("a", "b"):
        shutil.copy(INSTITUTIONS_DIR / f"{PREF}.toml", rules / f"{stem}.toml")
    (rules / "a.expect.toml").write_text('[expect]\nno_chair_veto = "holds"\n', encoding="utf-8")
    args = [str(rules / "a.toml"), str(rules / "b.toml"), "--sizes", "4", "--jobs", "1",
            "--property", "no_chair_veto", "--diff-expectations", str(tmp_path / "diff.md")]
    r = CliRunner().invoke(check_cmd, [*args, "--write-expectations", str(rules)])
    assert r.exit_code == 1, r.output  # the recorded "holds" is a regression
    diff = (tmp_path / "diff.md").read_text(encoding="utf-8")
    assert "## no_chair_veto" in diff and "- a party_group/ordinary: holds -> fails" in diff
    assert "- b party_group/ordinary: not recorded -> fails" in diff
    assert ('"no_chair_veto@party_group/ordinary" = { status = "fails", sizes = [4], '
            'fails_at = [4] }') in (rules / "b.expect.toml").read_text()
    r = CliRunner().invoke(check_cmd, args)
    assert r.exit_code == 0, r.output
    assert (tmp_path / "diff.md").read_text(encoding="utf-8").endswith("none\n")


def test_rule_sets_that_read_alike_share_one_check() -> None:
    """Budget, construction and procurement items of the prefecture party group differ only
    in citations and portfolio names (the rule file gives each matter its portfolio; the
    leader may run none of the three, seed 001 四个不直接分管): one check, relabelled."""
    from proofs.runner import _share_key, distinct_pairs

    inst = load_institution(PREF)
    keys = {m: _share_key(inst, inst.ruleset("party_group", m))
            for m in ("budget", "construction_project", "procurement", "ordinary")}
    assert keys["budget"] == keys["construction_project"] == keys["procurement"]
    assert keys["ordinary"] != keys["budget"]  # no portfolio: no owner to read
    pairs = distinct_pairs([PREF])
    assert ("party_group", "construction_project") not in [(b, m) for _, b, m in pairs]


def test_relabelled_witness_runs_the_other_portfolio(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    import proofs.witness
    from proofs.counterexample import confirm

    # the witness must be the polished one (everyone present, nobody owning the portfolio),
    # whatever the machine's load: no polishing time limit here
    monkeypatch.setattr(proofs.witness, "POLISH_SECONDS", 60.0)
    inst = load_institution(PREF)
    res = check_pair(inst, "party_group", "budget", CheckOptions(sizes=(4,)),
                     ["quorum_reachable"])[0]
    w = res.witnesses[0]
    # m1 runs the finance portfolio in the witness (the semantics reads only that he is
    # the owner, and that the leader is not)
    owned = replace(w.meeting, members=tuple(
        replace(m, portfolios=("finance",) if m.id == "m1" else ()) for m in w.meeting.members))
    w = confirm(owned, inst.ruleset("party_group", "budget"), w.reading, w.outcome, w.label)
    rs = inst.ruleset("party_group", "construction_project")
    moved = _relabel(replace(res, witnesses=(w,)), inst, rs, next(iter(rs.choices())))
    assert moved.witnesses[0].meeting.members[1].portfolios == ("construction",)
    for w in moved.witnesses:
        assert w.meeting.matter.portfolio == "construction"
        assert {p for m in w.meeting.members for p in m.portfolios} <= {"construction"}
        assert decide(w.meeting).outcome == w.outcome


def test_a_property_that_names_the_portfolio_is_checked_for_each_matter() -> None:
    rep = run_suite([PREF], CheckOptions(sizes=(4,)), ["separation_of_duties"])
    by = {r.matter: r for r in rep.results}
    assert "'finance'" in by["budget"].detail and "'construction'" in by[
        "construction_project"].detail
    assert not rep.regressions
