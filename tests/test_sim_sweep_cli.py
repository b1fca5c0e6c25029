"""Sweeps (local, in process, Dask error), tables, charts and the CLI commands; every
result labelled with the reading of the open points that produced it."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from model.loader import load_institution
from model.meeting import Outcome
from quorumlab.cli_sim import register
from simulations import readings
from simulations.montecarlo import simulate_institution
from simulations.plotting import plot_herding, plot_outcomes, plot_power
from simulations.power import body_power
from simulations.readings import ReadingError, reading_label
from simulations.sweep import SweepError, load_sweep, run_sweep, sweep_from_dict, write_table

EXAMPLES = Path(__file__).parent.parent / "simulations" / "examples"
PREFECTURE = "prefecture_medical_security_party_group"
SMALL = {"sweep": {"institutions": ["taobei_district_government", PREFECTURE],
                   "meetings": 1500, "seed": 4, "order": ["last", "first"]},
         "grid": {"attendance": [0.7, 1.0], "conformity": [0.0, 1.0]}}


def _choices(inst_id: str, body: str | None = None, matter: str | None = None) -> list[dict]:
    """Every reading combination of a (body, matter), the first pair by default."""
    inst = load_institution(inst_id)
    body, matter = (body, matter) if body else next(iter(inst.pairs()))
    return list(inst.ruleset(body, matter).choices())


def _labels(inst_id: str) -> list[str]:
    return [reading_label(c) for c in _choices(inst_id)]


@pytest.fixture(scope="module")
def group() -> click.Group:
    g = click.Group()
    register(g)
    return g


def test_example_sweep_file_is_valid() -> None:
    s = load_sweep(EXAMPLES / "sweep_attendance.toml")
    assert len(s.institutions) == 3 and s.orders == ("last", "first")
    from simulations.sweep import points

    assert {p.institution for p in points(s)} == set(s.institutions)  # readings within limits


def test_sweep_same_rows_in_process_and_on_processes() -> None:
    spec = sweep_from_dict(SMALL)
    seen: list[tuple[int, int]] = []
    one = run_sweep(spec, workers=1, on_progress=lambda k, t: seen.append((k, t)))
    two = run_sweep(spec, workers=2)
    assert one == two
    sims = 8 * sum(len(_choices(i)) for i in SMALL["sweep"]["institutions"])
    quantities = len(Outcome) + 2  # every outcome, correct, leader_followed
    assert seen[-1] == (sims, sims) and len(one) == sims * quantities


def test_sweep_rows_name_every_reading() -> None:
    """Each point runs under every reading of its rule set, labelled in column 'reading';
    [sweep.reading] narrows them."""
    spec = sweep_from_dict({"sweep": {"institutions": [PREFECTURE], "meetings": 300, "seed": 1},
                            "grid": {"attendance": [0.8]}})
    rows = run_sweep(spec, workers=1)
    assert list(dict.fromkeys(r["reading"] for r in rows)) == _labels(PREFECTURE)
    point, name = next(iter(_choices(PREFECTURE)[-1].items()))
    narrowed = sweep_from_dict({"sweep": {"institutions": [PREFECTURE], "meetings": 300,
                                          "seed": 1, "reading": {point: name}},
                                "grid": {"attendance": [0.8]}})
    labels = {r["reading"] for r in run_sweep(narrowed, workers=1)}
    assert labels == {lab for lab in _labels(PREFECTURE) if f"{point}={name}" in lab}
    with pytest.raises(ReadingError, match="no_such_point"):
        run_sweep(sweep_from_dict({"sweep": {"institutions": [PREFECTURE],
                                             "reading": {"no_such_point": "x"}}}), workers=1)


def test_sweep_model_parameters_reach_the_meetings() -> None:
    """silent / defer / unclear / amount are sweep parameters of the meeting model, and the
    row reports the silence assumption."""
    first = _choices(PREFECTURE)[0]
    spec = sweep_from_dict({"sweep": {"institutions": [PREFECTURE], "meetings": 2000, "seed": 2,
                                      "reading": first},
                            "grid": {"silent": [0.0, 0.5], "unclear": [False, True],
                                     "defer": [0.3], "amount": [5000]}})
    rows = run_sweep(spec, workers=1)
    assert {(r["silent"], r["unclear"], r["defer"], r["amount"]) for r in rows} == {
        (0.0, False, 0.3, 5000), (0.0, True, 0.3, 5000), (0.5, False, 0.3, 5000),
        (0.5, True, 0.3, 5000)}
    quiet = {r["assumption"] for r in rows if r["silent"] == 0.0}
    assert quiet == {"assumed: every present member states a position (no silence)"}


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
    spec = sweep_from_dict({"sweep": {"institutions": [PREFECTURE], "meetings": 10}})
    with pytest.raises(SweepError, match="pip install"):
        run_sweep(spec, scheduler="tcp://127.0.0.1:8786")


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask not installed")
def test_dask_gives_the_same_rows() -> None:
    from distributed import LocalCluster

    spec = sweep_from_dict({"sweep": {"institutions": [PREFECTURE], "meetings": 500,
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
    files += plot_power(body_power(PREFECTURE, n=9, ternary=False), tmp_path)
    assert all(f.stat().st_size > 1000 for f in files) and len(files) == 6
    if importlib.util.find_spec("pyarrow") is None:
        with pytest.raises(SweepError, match="pyarrow"):
            write_table(rows, tmp_path / "t.parquet")


def test_simulate_command(group: click.Group, tmp_path: Path) -> None:
    """Every reading by default; text, CSV and JSON name the reading of each result."""
    board = EXAMPLES / "board_party_group.toml"
    args = ["simulate", PREFECTURE, "--board", str(board), "--meetings", "3000", "--seed", "1",
            "--order", "first"]
    r = CliRunner().invoke(group, [*args, "--out", str(tmp_path)])
    assert r.exit_code == 0, r.output
    assert r.output.count("P(procedure_violation)") == len(_labels(PREFECTURE))
    shown = [ln.split(None, 1)[1] for ln in r.output.splitlines() if ln.startswith("reading ")]
    assert shown == _labels(PREFECTURE)
    assert "assumed: every present member states a position" in r.output
    assert (tmp_path / "simulation.csv").exists() and (tmp_path / "simulation.svg").exists()
    with (tmp_path / "simulation.csv").open(encoding="utf-8") as fh:
        assert list(dict.fromkeys(row["reading"] for row in csv.DictReader(fh))) == shown
    summary = json.loads((tmp_path / "simulation.json").read_text(encoding="utf-8"))
    assert [x["reading"] for x in summary["results"]] == _choices(PREFECTURE)
    again = CliRunner().invoke(group, args)
    wrote = [ln for ln in r.output.splitlines() if ln.startswith("wrote ")]
    assert {Path(ln.removeprefix("wrote ")).name for ln in wrote} == {
        "simulation.csv", "simulation.json", "simulation.png", "simulation.svg"}
    assert again.output == "".join(ln + "\n" for ln in r.output.splitlines()
                                   if not ln.startswith("wrote "))


def test_simulate_reading_selects_one(group: click.Group) -> None:
    """--reading POINT=NAME (the flag of decide/compare) for every point selects exactly that
    combination; for some points, the combinations that agree with it."""
    last = _choices(PREFECTURE)[-1]
    named = [x for k, v in last.items() for x in ("--reading", f"{k}={v}")]
    r = CliRunner().invoke(group, ["simulate", PREFECTURE, "--meetings", "500", *named])
    assert r.exit_code == 0, r.output
    shown = [ln.split(None, 1)[1] for ln in r.output.splitlines() if ln.startswith("reading ")]
    assert shown == [reading_label(last)]
    point, name = next(iter(last.items()))
    r = CliRunner().invoke(group, ["simulate", PREFECTURE, "--meetings", "500", "--reading",
                                   f"{point}={name}"])
    shown = [ln.split(None, 1)[1] for ln in r.output.splitlines() if ln.startswith("reading ")]
    assert shown == [lab for lab in _labels(PREFECTURE) if f"{point}={name}" in lab]


def test_many_readings_need_to_be_asked_for(group: click.Group,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the limit: a one-line error naming --reading and --all-readings; with
    --all-readings every combination runs."""
    monkeypatch.setattr(readings, "MAX_READINGS", 2)
    for cmd in (["simulate", PREFECTURE, "--meetings", "200"],
                ["power", PREFECTURE, "--n", "5", "--no-ternary"]):
        r = CliRunner().invoke(group, cmd)
        assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
        assert "--reading POINT=NAME" in r.output and "--all-readings" in r.output
        r = CliRunner().invoke(group, [*cmd, "--all-readings"])
        assert r.exit_code == 0, r.output
        shown = [ln.split(None, 1)[1] for ln in r.output.splitlines() if ln.startswith("reading ")]
        assert shown == _labels(PREFECTURE)


def test_simulate_exact_and_counterfactual(group: click.Group) -> None:
    r = CliRunner().invoke(group, ["simulate", "taobei_district_government", "--size", "7",
                                   "--meetings", "2000", "--exact"])
    assert r.exit_code == 0, r.output
    assert r.output.count("exact") >= 7 * len(_labels("taobei_district_government"))
    r = CliRunner().invoke(group, ["simulate", PREFECTURE, "--size", "7", "--meetings",
                                   "2000", "--order", "first", "--as-if-allowed"])
    assert r.exit_code == 0 and "disabled" in r.output
    r = CliRunner().invoke(group, ["simulate", PREFECTURE, "--meetings", "2000", "--interested",
                                   "0.1", "--written-opinions", "0.5", "--prior-yes", "0.7",
                                   "--silent", "0.1", "--defer", "0.2", "--unclear", "0.5",
                                   "--amount", "30000"])
    assert r.exit_code == 0, r.output
    assert "each present member stays silent with probability 0.1" in r.output


def test_sweep_and_power_commands(group: click.Group, tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text('[sweep]\ninstitutions = ["taobei_district_government"]\nmeetings = 500\n'
                    '[grid]\nattendance = [0.6, 0.9]\n', encoding="utf-8")
    last = _choices("taobei_district_government")[-1]
    point, name = next(iter(last.items()))
    r = CliRunner().invoke(group, ["sweep", str(spec), "--out", str(tmp_path / "o"),
                                   "--workers", "1", "--reading", f"{point}={name}"])
    assert r.exit_code == 0, r.output
    with (tmp_path / "o" / "sweep.csv").open(encoding="utf-8") as fh:
        labels = {row["reading"] for row in csv.DictReader(fh)}
    assert labels == {lab for lab in _labels("taobei_district_government")
                      if f"{point}={name}" in lab}
    assert (tmp_path / "o" / "outcomes_vs_attendance.png").exists()
    r = CliRunner().invoke(group, ["power", "taobei_district_government", "--n", "11",
                                   "--out", str(tmp_path / "p")])
    assert r.exit_code == 0 and "Shapley-Shubik" in r.output
    data = json.loads((tmp_path / "p" / "power.json").read_text(encoding="utf-8"))
    assert [d["reading"] for d in data] == _choices("taobei_district_government")


@pytest.mark.parametrize("args", [
    ["simulate", "no_such_institution"],
    ["simulate", "xiuzhou_district", "--board", "/nonexistent/board.toml"],
    ["simulate", "xiuzhou_district", "--body", "nobody"],
    ["simulate", PREFECTURE, "--reading", "nonsense"],
    ["simulate", PREFECTURE, "--reading", "no_such_point=x"],
    ["power", PREFECTURE, "--reading", "no_such_point=x"],
    ["sweep", str(EXAMPLES / "sweep_attendance.toml"), "--reading", "no_such_point=x"],
    ["sweep", "/nonexistent/sweep.toml"],
    ["power", "xiuzhou_district", "--n", "1"],
    ["simulate", PREFECTURE, "--attendance", "1.5", "--meetings", "10"],
    ["simulate", PREFECTURE, "--interested", "0.1", "--exact", "--meetings", "10"],
    ["simulate", PREFECTURE, "--prior-yes", "2", "--meetings", "10"],
    ["simulate", PREFECTURE, "--silent", "1.5", "--meetings", "10"],
])
def test_user_errors_are_one_line_exit_2(group: click.Group, args: list[str]) -> None:
    r = CliRunner().invoke(group, args)
    assert r.exit_code == 2
    assert r.output.strip().count("\n") == 0 and r.output.startswith("error:")


def test_counterfactual_order_is_reported_both_ways() -> None:
    """seed 001, 第二十一条(四): the secretary states his view last; leader-first meetings
    break it under every reading, unless evaluated as if allowed (and then labelled so)."""
    as_rules = simulate_institution(PREFECTURE, order="first", meetings=3000, seed=1)
    allowed = simulate_institution(PREFECTURE, order="first", meetings=3000, seed=1,
                                   as_if_allowed=True)
    assert [r.reading_label for r in as_rules] == _labels(PREFECTURE)
    assert all(r.probabilities["procedure_violation"].value > 0.8 for r in as_rules)
    assert all(r.probabilities["procedure_violation"].value == 0 and r.spec_note
               for r in allowed)


def test_readings_share_the_simulated_meetings() -> None:
    """Readings are compared on the same meetings: readings that differ only where nothing
    happens (recusal base without interests) give identical counts."""
    results = simulate_institution(PREFECTURE, meetings=4000, seed=3)
    by_rest: dict[tuple, set] = {}
    for r in results:
        rest = tuple((k, v) for k, v in r.reading.items() if k != "recused_in_base")
        by_rest.setdefault(rest, set()).add(tuple(e.value for e in r.probabilities.values()))
    assert all(len(v) == 1 for v in by_rest.values())
