"""Sweeps (local, in process, Dask error), tables, charts and the CLI commands."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from quorumlab.cli_sim import TerminalProgress, register
from simulations.montecarlo import simulate_institution
from simulations.plotting import plot_herding, plot_outcomes, plot_power
from simulations.power import body_power
from simulations.sweep import SweepError, load_sweep, run_sweep, sweep_from_dict, write_table

EXAMPLES = Path(__file__).parent.parent / "simulations" / "examples"
SMALL = {"sweep": {"institutions": ["xiuzhou_district", "prefecture_medical_security_party_group"],
                   "meetings": 1500, "seed": 4, "order": ["last", "first"]},
         "grid": {"attendance": [0.7, 1.0], "conformity": [0.0, 1.0]}}


@pytest.fixture(scope="module")
def group() -> click.Group:
    g = click.Group()
    register(g)
    return g


def test_example_sweep_file_is_valid() -> None:
    s = load_sweep(EXAMPLES / "sweep_attendance.toml")
    assert len(s.institutions) == 5 and s.orders == ("last", "first")


def test_sweep_same_rows_in_process_and_on_processes() -> None:
    spec = sweep_from_dict(SMALL)
    seen: list[tuple[int, int]] = []
    one = run_sweep(spec, workers=1, on_progress=lambda k, t: seen.append((k, t)))
    two = run_sweep(spec, workers=2)
    assert one == two
    assert seen[-1] == (16, 16) and len(one) == 16 * 7


@pytest.mark.parametrize(("data", "field"), [
    ({"sweep": {"institutions": ["nope"]}}, "institution"),
    ({"grid": {"height": [1]}}, "grid.height"),
    ({"sample": {"attendance": [0.5, 1.0]}}, "sample.points"),
    ({"sample": {"points": 3, "attendance": [1.0, 0.5]}}, "sample.attendance"),
    ({"sweep": {"meetings": 0}}, "sweep.meetings"),
    ({"extra": {}}, "extra"),
])
def test_sweep_errors(data: dict, field: str) -> None:
    with pytest.raises(Exception) as err:
        sweep_from_dict(data)
    assert field in str(err.value)


def test_dask_missing_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails as if absent
    spec = sweep_from_dict({"sweep": {"institutions": ["xiuzhou_district"], "meetings": 10}})
    with pytest.raises(SweepError, match="pip install"):
        run_sweep(spec, scheduler="tcp://127.0.0.1:8786")


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask not installed")
def test_dask_gives_the_same_rows() -> None:
    from distributed import LocalCluster

    spec = sweep_from_dict({"sweep": {"institutions": ["xiuzhou_district"], "meetings": 500,
                                      "seed": 4}, "grid": {"attendance": [0.7, 1.0]}})
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        rows = run_sweep(spec, scheduler=cluster.scheduler_address)
    assert rows == run_sweep(spec, workers=1)


def test_tables_and_charts(tmp_path: Path) -> None:
    rows = run_sweep(sweep_from_dict(SMALL), workers=1)
    path = write_table(rows, tmp_path / "t.csv")
    with path.open() as fh:
        assert len(list(csv.DictReader(fh))) == len(rows)
    files = plot_outcomes(rows, "attendance", tmp_path) + plot_herding(rows, tmp_path)
    files += plot_power([body_power("xiuzhou_district", n=9, ternary=False)], tmp_path)
    assert all(f.stat().st_size > 1000 for f in files) and len(files) == 6
    if importlib.util.find_spec("pyarrow") is None:
        with pytest.raises(SweepError, match="pyarrow"):
            write_table(rows, tmp_path / "t.parquet")


def test_simulate_command(group: click.Group, tmp_path: Path) -> None:
    board = EXAMPLES / "board_party_group.toml"
    r = CliRunner().invoke(group, ["simulate", "prefecture_medical_security_party_group",
                                   "--board", str(board), "--meetings", "3000", "--seed", "1",
                                   "--order", "first", "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert "P(procedure_violation)" in r.output
    assert (tmp_path / "simulation.csv").exists() and (tmp_path / "simulation.svg").exists()
    again = CliRunner().invoke(group, ["simulate", "prefecture_medical_security_party_group",
                                       "--board", str(board), "--meetings", "3000", "--seed", "1",
                                       "--order", "first"])
    assert again.output.splitlines()[3] == r.output.splitlines()[3]


def test_simulate_exact_and_counterfactual(group: click.Group) -> None:
    r = CliRunner().invoke(group, ["simulate", "xiuzhou_district", "--size", "7", "--meetings",
                                   "2000", "--exact"])
    assert r.exit_code == 0 and "exact" in r.output
    r = CliRunner().invoke(group, ["simulate", "xiuzhou_district", "--size", "7", "--meetings",
                                   "2000", "--order", "first", "--as-if-allowed"])
    assert r.exit_code == 0 and "disabled" in r.output
    r = CliRunner().invoke(group, ["simulate", "prefecture_medical_security_party_group",
                                   "--meetings", "2000", "--interested", "0.1",
                                   "--written-opinions", "0.5", "--prior-yes", "0.7"])
    assert r.exit_code == 0, r.output


def test_sweep_and_power_commands(group: click.Group, tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text('[sweep]\ninstitutions = ["xiuzhou_district"]\nmeetings = 500\n'
                    '[grid]\nattendance = [0.6, 0.9]\n', encoding="utf-8")
    r = CliRunner().invoke(group, ["sweep", str(spec), "--out", str(tmp_path / "o"),
                                   "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "o" / "sweep.csv").exists()
    assert (tmp_path / "o" / "outcomes_vs_attendance.png").exists()
    r = CliRunner().invoke(group, ["power", "taobei_district_government", "--n", "11",
                                   "--out", str(tmp_path / "p")])
    assert r.exit_code == 0 and "Shapley-Shubik" in r.output
    assert (tmp_path / "p" / "power.json").exists()


@pytest.mark.parametrize("args", [
    ["simulate", "no_such_institution"],
    ["simulate", "xiuzhou_district", "--board", "/nonexistent/board.toml"],
    ["simulate", "xiuzhou_district", "--body", "nobody"],
    ["sweep", "/nonexistent/sweep.toml"],
    ["power", "xiuzhou_district", "--n", "1"],
    ["simulate", "xiuzhou_district", "--attendance", "1.5", "--meetings", "10"],
    ["simulate", "xiuzhou_district", "--interested", "0.1", "--exact", "--meetings", "10"],
    ["simulate", "xiuzhou_district", "--prior-yes", "2", "--meetings", "10"],
])
def test_user_errors_are_one_line_exit_2(group: click.Group, args: list[str]) -> None:
    r = CliRunner().invoke(group, args)
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0 and r.output.startswith("error:")


def test_progress_bar_only_on_a_terminal() -> None:
    import io

    buf = io.StringIO()
    TerminalProgress(buf)(1, 2)
    assert buf.getvalue() == ""


def test_counterfactual_order_is_reported_both_ways() -> None:
    as_rules = simulate_institution("xiuzhou_district", order="first", meetings=3000, seed=1)
    allowed = simulate_institution("xiuzhou_district", order="first", meetings=3000, seed=1,
                                   as_if_allowed=True)
    assert as_rules.probabilities["procedure_violation"].value > 0.8
    assert allowed.probabilities["procedure_violation"].value == 0 and allowed.spec_note
