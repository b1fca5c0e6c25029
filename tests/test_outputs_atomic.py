"""Nothing half-written (issue 8, item 4): a command writes its files only when it has
succeeded, and an output folder holds only the last run's files (quorumlab/outputs.py).

The three partial outputs of the issue: ``check --report R --write-expectations E`` wrote
R and then exited 2; ``sweep --parquet`` without pyarrow wrote the CSV and then exited 2;
a rerun into the same ``--report`` folder left the previous run's counterexamples beside
the new report.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from model.errors import QuorumlabError
from quorumlab.cli import main
from quorumlab.outputs import MANIFEST, staged

PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its content (folders by their files)."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def assert_no_staging(root: Path) -> None:
    assert not [p for p in root.rglob("*") if ".partial-" in p.name]


# --- 1. check: every precondition before anything is written ---------------------------

def test_check_refuses_write_expectations_before_writing_the_report(tmp_path: Path) -> None:
    """Two rule files and one suite file: the error comes before the run and before R."""
    rep, exp = tmp_path / "R", tmp_path / "E.expect.toml"
    r = run("check", PREF, TAOBEI, "--sizes", "3", "--property", "quorum_reachable",
            "--report", str(rep), "--junit", str(tmp_path / "j.xml"),
            "--write-expectations", str(exp))
    assert r.exit_code == 2 and "--write-expectations" in r.stderr, r.output
    assert list(tmp_path.iterdir()) == []


def test_check_failing_after_the_run_writes_nothing(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A user error while the outputs are built (here: recording expectations) leaves no
    report, no JUnit file and no staging folder; a rerun into an existing report keeps it."""
    import quorumlab.cli_proofs as cp

    rep, junit = tmp_path / "R", tmp_path / "ci" / "j.xml"
    args = ["check", PREF, "--sizes", "3", "--jobs", "1", "--property", "quorum_reachable",
            "--report", str(rep), "--junit", str(junit)]

    def refuse(*_: object) -> list[str]:
        raise QuorumlabError("--write-expectations", "refused")

    monkeypatch.setattr(cp, "expectation_lines", refuse)
    r = run(*args, "--write-expectations", str(tmp_path / "e.toml"))
    assert r.exit_code == 2, r.output
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    assert run(*args).exit_code == 0  # --junit's missing folder ci/ is created on success
    assert junit.is_file() and (rep / "report.json").is_file()
    before = tree(tmp_path)
    monkeypatch.setattr(cp, "expectation_lines", refuse)
    assert run(*args, "--write-expectations", str(tmp_path / "e.toml")).exit_code == 2
    assert tree(tmp_path) == before  # the previous run's report is intact
    assert_no_staging(tmp_path)


def test_an_interrupt_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import simulations.plotting as plotting

    def interrupt(*_: object) -> list[Path]:
        raise KeyboardInterrupt

    monkeypatch.setattr(plotting, "plot_simulation", interrupt)
    r = run("simulate", PREF, "--meetings", "200", "--size", "5", "--out", str(tmp_path / "o"))
    assert r.exit_code == 1 and "Aborted" in r.output  # click's answer to Ctrl-C
    assert list(tmp_path.iterdir()) == []


# --- 2. sweep --parquet: the engine is checked first ------------------------------------

def test_sweep_parquet_without_pyarrow_writes_nothing_and_runs_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import simulations.sweep as sweep

    spec = tmp_path / "s.toml"
    spec.write_text(f'[sweep]\ninstitutions = ["{TAOBEI}"]\nmeetings = 100\n', encoding="utf-8")
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow: ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)

    def no_run(*_: object, **__: object) -> list[dict[str, object]]:
        raise AssertionError("the sweep ran before the engine was checked")

    monkeypatch.setattr(sweep, "run_sweep", no_run)
    r = run("sweep", str(spec), "--out", str(tmp_path / "o"), "--parquet", "--workers", "1")
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith("error: field '--parquet': writing Parquet needs pyarrow")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.toml"]


def test_sweep_failing_in_a_chart_leaves_the_previous_results(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import simulations.plotting as plotting

    spec = tmp_path / "s.toml"
    spec.write_text(f'[sweep]\ninstitutions = ["{TAOBEI}"]\nmeetings = 100\n'
                    '[grid]\nattendance = [0.6, 0.9]\n', encoding="utf-8")
    out = tmp_path / "o"
    args = ("sweep", str(spec), "--out", str(out), "--workers", "1")
    assert run(*args).exit_code == 0
    before = tree(tmp_path)
    assert "sweep.csv" in before["o/" + MANIFEST].decode()

    def broken(*_: object, **__: object) -> list[Path]:
        raise QuorumlabError("out", "the chart failed")

    monkeypatch.setattr(plotting, "plot_outcomes", broken)
    r = run(*args)
    assert r.exit_code == 2 and r.stderr.count("\n") == 1, r.output
    assert tree(tmp_path) == before
    assert_no_staging(tmp_path)


# --- 3. a report folder holds only the current run's files ------------------------------

def test_rerun_into_a_report_folder_removes_stale_counterexamples_keeps_user_files(
        tmp_path: Path) -> None:
    """Run 1: no_chair_veto fails at n = 3 on seed 001's party group (a unanimous meeting
    is deferred when the chair does not put the item to a vote, 第二十一条(四)), so R gets
    counterexamples.  Run 2: quorum_reachable holds (3 of 3 present meets 2/3), so there is
    no counterexample: the stale ones go, the user's files stay."""
    rep = tmp_path / "R"
    base = ["check", PREF, "--sizes", "3", "--jobs", "1", "--report", str(rep)]
    r1 = run(*base, "--property", "no_chair_veto")
    stale = sorted((rep / "counterexamples").glob("*.json"))
    assert stale and all("no_chair_veto" in p.name for p in stale), r1.output
    (rep / "notes.txt").write_text("mine", encoding="utf-8")
    (rep / "old").mkdir()
    (rep / "old" / "keep.json").write_text("{}", encoding="utf-8")
    r2 = run(*base, "--property", "quorum_reachable")
    assert r2.exit_code == 0, r2.output
    assert not (rep / "counterexamples").exists()  # emptied by the rerun, so removed
    assert (rep / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert (rep / "old" / "keep.json").is_file()
    report = json.loads((rep / "report.json").read_text(encoding="utf-8"))
    assert "no_chair_veto" not in json.dumps(report) and "quorum_reachable" in json.dumps(report)
    wrote = {ln.removeprefix("wrote ") for ln in r2.stdout.splitlines() if ln.startswith("wrote ")}
    assert wrote == {str(rep / n) for n in ("index.html", "report.json", "report.md",
                                             "junit.xml", "report.txt")}
    manifest = json.loads((rep / MANIFEST).read_text(encoding="utf-8"))
    assert sorted(manifest["files"]) == ["index.html", "junit.xml", "report.json", "report.md",
                                         "report.txt"]


def test_a_user_file_beside_the_previous_counterexamples_keeps_its_folder(tmp_path: Path) -> None:
    d = tmp_path / "R"
    with staged() as out:
        stage = out.folder(d, "--report")
        (stage / "counterexamples").mkdir()
        (stage / "counterexamples" / "old.json").write_text("{}", encoding="utf-8")
        (stage / "report.md").write_text("run 1", encoding="utf-8")
    (d / "counterexamples" / "mine.json").write_text("{}", encoding="utf-8")
    with staged() as out:
        (out.folder(d, "--report") / "report.md").write_text("run 2", encoding="utf-8")
    assert out.written == [str(d / "report.md")]
    assert sorted(tree(d)) == [MANIFEST, "counterexamples/mine.json", "report.md"]
    assert (d / "report.md").read_text(encoding="utf-8") == "run 2"


def test_a_manifest_never_reaches_outside_its_folder(tmp_path: Path) -> None:
    """A tampered manifest that names ../victim.txt or an absolute path removes nothing."""
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", encoding="utf-8")
    d = tmp_path / "R"
    d.mkdir()
    (d / MANIFEST).write_text(json.dumps({"files": ["../victim.txt", str(victim), "."]}),
                              encoding="utf-8")
    with staged() as out:
        (out.folder(d, "--out") / "a.txt").write_text("new", encoding="utf-8")
    assert victim.read_text(encoding="utf-8") == "keep"
    assert sorted(tree(d)) == [MANIFEST, "a.txt"]


def test_a_broken_manifest_is_ignored(tmp_path: Path) -> None:
    d = tmp_path / "R"
    d.mkdir()
    (d / MANIFEST).write_text("not json", encoding="utf-8")
    (d / "old.txt").write_text("unknown origin: kept", encoding="utf-8")
    with staged() as out:
        (out.folder(d, "--out") / "a.txt").write_text("new", encoding="utf-8")
    assert sorted(tree(d)) == [MANIFEST, "a.txt", "old.txt"]
