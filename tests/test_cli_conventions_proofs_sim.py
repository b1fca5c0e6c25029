"""Issue 12 for the proof and simulation commands (check, compare, properties, simulate,
sweep, power): one JSON document on stdout matching docs/schemas/<command>.schema.json,
one progress bar, typed sizes / seeds / output folders, fixes that name an action in the
command that was run, compare's overall verdict, and check naming every file it wrote."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import jsonschema
import pytest
from click.testing import CliRunner, Result

from quorumlab.cli import main
from quorumlab.outputs import MANIFEST

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "docs" / "schemas"
EXAMPLES = ROOT / "simulations" / "examples"
PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def valid(command: str, r: Result) -> dict[str, Any]:
    """stdout is exactly one JSON document, and it matches the command's schema."""
    doc = json.loads(r.stdout)
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    return doc


def test_every_schema_documents_every_top_level_key() -> None:
    for name in ("check", "compare", "properties", "simulate", "sweep", "power"):
        schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert schema["$schema"].endswith("2020-12/schema") and schema["description"]
        assert set(schema["required"]) <= set(schema["properties"])


# --- JSON everywhere ------------------------------------------------------------------

def test_check_json_lists_every_report_file(tmp_path: Path) -> None:
    rep = tmp_path / "new" / "rep"  # created, parents too
    r = run("check", PREF, "--sizes", "3-4", "--jobs", "1", "--property", "no_chair_veto",
            "--property", "quorum_reachable", "--report", str(rep),
            "--junit", str(tmp_path / "j.xml"), "--json")
    assert r.exit_code == 0, r.output
    doc = valid("check", r)
    on_disk = {str(p) for p in rep.rglob("*") if p.is_file() and p.name != MANIFEST}
    on_disk |= {str(tmp_path / "j.xml")}
    assert set(doc["files"]) == on_disk
    assert any("/counterexamples/" in f for f in doc["files"])
    assert {"report.json", "report.md", "junit.xml", "report.txt"} <= {
        Path(f).name for f in doc["files"]}


def test_check_text_names_every_file_it_wrote(tmp_path: Path) -> None:
    rep = tmp_path / "rep"
    r = run("check", PREF, "--sizes", "3", "--jobs", "1", "--property", "no_chair_veto",
            "--report", str(rep))
    assert r.exit_code == 0, r.output
    wrote = {ln.removeprefix("wrote ") for ln in r.stdout.splitlines() if ln.startswith("wrote ")}
    assert wrote == {str(p) for p in rep.rglob("*") if p.is_file() and p.name != MANIFEST}


def test_check_and_diff_share_their_run_options() -> None:
    """--sizes, --property, --timeout and --jobs mean the same in check and diff: one
    definition, one default timeout (30 s, as proofs.options says); only the sizes differ."""
    def options(name: str) -> dict[str, Any]:
        return {p.name: p for p in main.commands[name].params if isinstance(p, click.Option)}

    check, diff = options("check"), options("diff")
    for name in ("sizes", "props", "timeout", "jobs"):
        assert type(check[name].type) is type(diff[name].type), name
        assert check[name].opts == diff[name].opts and check[name].multiple == diff[name].multiple
    assert check["timeout"].default == diff["timeout"].default == 30.0
    assert check["jobs"].default == diff["jobs"].default
    assert (check["sizes"].default, diff["sizes"].default) == ("3-15", "3-9")


def test_check_counts_its_smtlib_queries_in_one_line(tmp_path: Path) -> None:
    """Thousands of queries at n = 3..9: the console names their folder and how many, not
    each; the report's files are still named one by one."""
    rep, smt = tmp_path / "rep", tmp_path / "smt"
    r = run("check", PREF, "--sizes", "3-4", "--jobs", "1", "--property", "monotonic",
            "--property", "no_chair_veto", "--report", str(rep), "--smtlib", str(smt))
    assert r.exit_code == 0, r.output
    queries = sorted(smt.glob("*.smt2"))
    assert len(queries) >= 2  # monotonic holds at n = 3 and 4: at least one query each
    wrote = [ln.removeprefix("wrote ") for ln in r.stdout.splitlines() if ln.startswith("wrote ")]
    assert wrote[-1] == f"{len(queries)} SMT-LIB files in {smt}"
    assert set(wrote[:-1]) == {str(p) for p in rep.rglob("*") if p.is_file() and p.name != MANIFEST}
    assert not any(w.endswith(".smt2") for w in wrote)


def test_check_keeps_exit_1_on_a_regression(tmp_path: Path) -> None:
    rule = tmp_path / "pref.toml"
    shutil.copy(ROOT / "model" / "institutions" / f"{PREF}.toml", rule)
    (tmp_path / "pref.expect.toml").write_text(
        '[expect]\n"no_chair_veto@party_group/ordinary" = "holds"\n', encoding="utf-8")
    r = run("check", str(rule), "--sizes", "3", "--jobs", "1", "--property", "no_chair_veto",
            "--json")
    assert r.exit_code == 1, r.output
    doc = valid("check", r)
    assert doc["exit_code"] == 1 and doc["files"] == []
    assert any(s["verdict"] == "regression" for s in doc["summaries"])


def test_compare_json_and_overall_verdict() -> None:
    """seed 001 第二十一条(四): the default reading defers a close split, chair_judgement
    does not: A implies B at n=3 (not back), equivalent at n=4, so A implies B overall."""
    args = ("compare", PREF, "--reading-b", "deferral=chair_judgement", "--sizes", "3-4")
    r = run(*args)
    assert r.exit_code == 0, r.output
    last = r.stdout.strip().splitlines()[-1]
    assert last.startswith("overall (n=3, 4): A implies B"), last
    assert "B implies A fails at n=3" in last
    doc = valid("compare", run(*args, "--json"))
    assert doc["verdict"] == "A implies B"
    assert doc["overall"]["b_implies_a_fails_at"] == [3]
    same = valid("compare", run("compare", PREF, "--sizes", "3", "--json"))
    assert same["verdict"] == "equivalent"


def test_compare_verdict_neither_and_b_implies_a() -> None:
    from types import SimpleNamespace as NS

    from proofs.render import comparison_verdict

    def verdict(*dirs: tuple[str, str]) -> str:
        rows = [NS(n=n, a_implies_b=a, b_implies_a=b) for n, (a, b) in enumerate(dirs, 3)]
        return comparison_verdict(NS(rows=rows))["relation"]

    assert verdict(("fails", "holds"), ("holds", "holds")) == "B implies A"
    assert verdict(("fails", "holds"), ("holds", "fails")) == "neither"
    assert verdict(("holds", "holds"), ("unknown", "holds")) == "unknown"
    assert verdict(("fails", "unknown")) == "unknown"


def test_properties_json() -> None:
    r = run("properties", "--json")
    assert r.exit_code == 0
    ids = [p["id"] for p in valid("properties", r)["properties"]]
    assert "quorum_reachable" in ids and "no_chair_veto" in ids


def test_simulate_json_and_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b"
    r = run("simulate", PREF, "--meetings", "2000", "--size", "7", "--out", str(out), "--json")
    assert r.exit_code == 0, r.output
    doc = valid("simulate", r)
    assert doc["out"] == str(out) and out.is_dir()
    assert {Path(f).name for f in doc["files"]} == {
        "simulation.csv", "simulation.json", "simulation.png", "simulation.svg"}
    assert all(Path(f).exists() for f in doc["files"])
    assert len(doc["results"]) == len({x["reading_label"] for x in doc["results"]}) > 1
    ex = valid("simulate", run("simulate", TAOBEI, "--size", "5", "--meetings", "2000",
                               "--exact", "--json"))
    assert all(x["exact"] is not None for x in ex["results"])
    text = run("simulate", PREF, "--meetings", "2000", "--size", "7", "--out", str(out))
    assert f"wrote {out / 'simulation.csv'}" in text.stdout


def test_sweep_json(tmp_path: Path) -> None:
    spec = tmp_path / "s.toml"
    spec.write_text(f'[sweep]\ninstitutions = ["{TAOBEI}"]\nmeetings = 300\n'
                    '[grid]\nattendance = [0.6, 0.9]\n', encoding="utf-8")
    out = tmp_path / "deep" / "o"
    r = run("sweep", str(spec), "--out", str(out), "--workers", "1", "--json")
    assert r.exit_code == 0, r.output
    doc = valid("sweep", r)
    assert doc["out"] == str(out) and str(out / "sweep.csv") in doc["files"]
    assert all(Path(f).exists() for f in doc["files"]) and doc["rows"] > 0
    text = run("sweep", str(spec), "--out", str(out), "--workers", "1")
    assert f"wrote {out / 'sweep.csv'}" in text.stdout


def test_power_json(tmp_path: Path) -> None:
    r = run("power", TAOBEI, "--n", "5", "--no-ternary", "--json")
    assert r.exit_code == 0, r.output
    doc = valid("power", r)
    assert doc["out"] is None and doc["files"] == []
    r = run("power", TAOBEI, "--n", "5", "--out", str(tmp_path / "p"), "--json")
    doc = valid("power", r)
    assert str(tmp_path / "p" / "power.json") in doc["files"]


UN = ",".join(["7"] * 5 + ["1"] * 10)  # UN Security Council, quota 39


def test_power_weighted_game_exact_by_hand(tmp_path: Path) -> None:
    """[4; 3, 2, 1] by hand: of the 6 orders, the 3 is pivotal in 4 (whenever it is not
    first, and when first it is not: 3 < 4), the 2 in (3, 2, 1), the 1 in (3, 1, 2):
    Shapley-Shubik 2/3, 1/6, 1/6.  Swings: the 3 with {2}, {1}, {2, 1}; the 2 and the 1
    each with {3}: 3, 1, 1, normalised 3/5, 1/5, 1/5."""
    r = run("power", "--weights", "3,2,1", "--quota", "4", "--arithmetic", "exact",
            "--out", str(tmp_path / "p"), "--json")
    assert r.exit_code == 0, r.output
    doc = valid("power", r)
    game = doc["game"]
    assert doc["results"] == [] and game["requested"] == "exact"
    assert [(c["weight"], c["players"], c["banzhaf_swings"], c["banzhaf_normalised"],
             c["shapley_shubik"]) for c in game["classes"]] == [
        (3, [0], "3", "3/5", "2/3"), (2, [1], "1", "1/5", "1/6"), (1, [2], "1", "1/5", "1/6")]
    for index in ("banzhaf", "shapley_shubik"):
        assert game["arithmetic"][index]["arithmetic"] == "exact"
        assert game["arithmetic"][index]["error_bound"] == 0
    written = json.loads((tmp_path / "p" / "power.json").read_text(encoding="utf-8"))
    assert written == game and str(tmp_path / "p" / "power.json") in doc["files"]


def test_power_weighted_game_float_names_its_bound() -> None:
    """UN Security Council in floating point (421/2145 and 4/2145, derived by hand in
    test_sim_power.test_un_security_council): JSON numbers within the reported bound
    (plus rounding), the Gauss nodes and the sum check; the text says the same."""
    r = run("power", "--weights", UN, "--quota", "39", "--arithmetic", "float", "--json")
    assert r.exit_code == 0, r.output
    game = valid("power", r)["game"]
    road = game["arithmetic"]["shapley_shubik"]
    assert road["arithmetic"] == "float" and road["nodes"] >= 1
    assert 0 <= road["error_bound"] < 1e-12 and road["sum_defect"] < 1e-12
    assert game["arithmetic"]["banzhaf"]["arithmetic"] == "exact"
    got = {c["weight"]: c["shapley_shubik"] for c in game["classes"]}
    assert abs(got[7] - 421 / 2145) <= road["error_bound"] + 1e-15
    assert abs(got[1] - 4 / 2145) <= road["error_bound"] + 1e-15
    text = run("power", "--weights", UN, "--quota", "39", "--arithmetic", "float").output
    assert "Shapley-Shubik  floating point (Owen's integral" in text and "within" in text
    assert "Banzhaf         exact" in text and "float: asked for" in text


def test_power_auto_says_why_and_bodies_say_exact() -> None:
    r = run("power", "--weights", UN, "--quota", "39", "--json")
    game = valid("power", r)["game"]
    assert game["requested"] == "auto" and game["reason"].startswith("auto: the exact road is")
    assert game["arithmetic"]["shapley_shubik"]["arithmetic"] == "exact"
    assert {c["shapley_shubik"] for c in game["classes"]} == {"421/2145", "4/2145"}
    doc = valid("power", run("power", TAOBEI, "--n", "4", "--no-ternary", "--json"))
    assert doc["game"] is None
    assert {road["arithmetic"] for res in doc["results"]
            for road in res["arithmetic"].values()} == {"exact"}
    assert "exact (rational arithmetic; error 0), every index" in run(
        "power", TAOBEI, "--n", "4", "--no-ternary").output


# --- one parameter type for sizes, seeds and output folders ---------------------------

@pytest.mark.parametrize(("args", "needle"), [
    (["check", PREF, "--sizes", "9-3"], "the range 9-3 is reversed (fix: write the smaller "
                                        "size first: --sizes 3-9)"),
    (["compare", PREF, "--sizes", "9-3"], "--sizes 3-9"),
    (["check", PREF, "--sizes", "0-3"], "board size 0 is below 1"),
    (["check", PREF, "--sizes", ","], "no board sizes given"),
    (["check", PREF, "--sizes", "three"], "cannot read board sizes"),
    (["simulate", PREF, "--seed", "-1"], "field '--seed': -1 is not a whole number >= 0 "
                                         "(fix: write e.g. --seed 0)"),
    (["simulate", PREF, "--seed", "1.5"], "--seed"),
    (["simulate", PREF, "--meetings", "0"], "--meetings"),
    (["power", PREF, "--n", "1"], "field '--n': 1 is not a whole number >= 2"),
    (["power", "--weights", "3,2,1", "--quota", "4", "--arithmetic", "fast"],
     "field '--arithmetic': 'fast' is not one of auto, exact, float"),
    (["power", PREF, "--arithmetic", "float"], "field '--arithmetic': a body's rule has no "
                                               "floating road"),
    (["power", "--weights", "3,x", "--quota", "4"], "field '--weights': 'x' is not a whole"),
    (["power", "--weights", "3,2,1"], "field '--quota': a weighted game needs a quota"),
    (["power", "--weights", "3,2,1", "--quota", "7"], "7 is more than the total weight 6"),
    (["power", PREF, "--weights", "3,2,1", "--quota", "4"], "field 'INSTITUTIONS': applies"),
    (["power", "--weights", "3,2,1", "--quota", "4", "--n", "5"], "field '--n': applies"),
    (["power", PREF, "--quota", "4"], "field '--quota': applies to a weighted game only"),
    (["power"], "field 'INSTITUTIONS': no institution and no weighted game"),
    (["check", PREF, "--jobs", "0"], "--jobs"),
])
def test_bad_values_are_one_line_errors(args: list[str], needle: str) -> None:
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert r.output.startswith("error:") and r.output.count("\n") == 1, r.output
    assert needle in r.output


def test_output_folder_that_cannot_be_created(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    for args in (["simulate", PREF, "--meetings", "10", "--out", str(f)],
                 ["simulate", PREF, "--meetings", "10", "--out", str(f / "sub")],
                 ["power", PREF, "--n", "3", "--out", str(f)],
                 ["check", PREF, "--sizes", "3", "--report", str(f)]):
        r = run(*args)
        assert r.exit_code == 2 and r.output.startswith("error:"), r.output
        assert "fix: name a folder you can write" in r.output and str(f) in r.output


def test_sweep_missing_spec_creates_no_folder(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    r = run("sweep", "nope.toml")
    assert r.exit_code == 2 and not (tmp_path / "sweep_out").exists()


# --- fixes that name an action in the command that was run ----------------------------

def test_simulate_exact_with_the_example_board_says_drop_exact() -> None:
    r = run("simulate", PREF, "--board", str(EXAMPLES / "board_party_group.toml"), "--exact",
            "--meetings", "100")
    assert r.exit_code == 2 and r.output.count("\n") == 1, r.output
    assert "drop --exact" in r.output and "(simulate)" not in r.output
    assert "--conformity 0" in r.output
    r = run("simulate", PREF, "--board", str(EXAMPLES / "board_party_group.toml"), "--exact",
            "--conformity", "0", "--meetings", "100")  # the board's correlations remain
    assert r.exit_code == 2 and "drop --exact" in r.output and "--board file" in r.output
    r = run("simulate", PREF, "--exact", "--conformity", "0", "--size", "5", "--meetings", "100")
    assert r.exit_code == 0, r.output
    r = run("simulate", PREF, "--exact", "--order", "random", "--meetings", "100")
    assert r.exit_code == 2 and "--order last" in r.output and "drop --exact" in r.output


# --- one progress bar ------------------------------------------------------------------

@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[list[tuple[int, int]]]:
    """Record every progress bar the commands open, and its updates."""
    opened: list[list[tuple[int, int]]] = []

    @contextmanager
    def fake(total: int, description: str) -> Iterator[Callable[[int, int], None]]:
        seen: list[tuple[int, int]] = []
        opened.append(seen)
        yield lambda done, tot: seen.append((done, tot))

    import quorumlab.cli_proofs as cp
    import quorumlab.cli_sim as cs

    monkeypatch.setattr(cp, "progress", fake)
    monkeypatch.setattr(cs, "progress", fake)
    return opened


def test_check_sweep_and_large_simulate_report_progress(
        bars: list[list[tuple[int, int]]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import quorumlab.cli_sim as cs

    assert run("check", PREF, "--sizes", "3", "--jobs", "1", "--property",
               "quorum_reachable").exit_code == 0
    spec = tmp_path / "s.toml"
    spec.write_text(f'[sweep]\ninstitutions = ["{TAOBEI}"]\nmeetings = 200\n', encoding="utf-8")
    assert run("sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1").exit_code == 0
    monkeypatch.setattr(cs, "LARGE_SIMULATION", 1000)
    assert run("simulate", PREF, "--meetings", "500", "--size", "5").exit_code == 0
    assert len(bars) == 3
    for seen in bars:
        assert seen and seen[-1][0] == seen[-1][1] > 0


def test_progress_is_silent_when_piped_or_quiet(tmp_path: Path) -> None:
    """CliRunner's stderr is no terminal: no bar, no carriage return, nothing on stderr."""
    spec = tmp_path / "s.toml"
    spec.write_text(f'[sweep]\ninstitutions = ["{TAOBEI}"]\nmeetings = 200\n', encoding="utf-8")
    for args in (["check", PREF, "--sizes", "3", "--jobs", "1", "--property", "monotonic"],
                 ["-q", "sweep", str(spec), "--out", str(tmp_path / "o"), "--workers", "1"]):
        r = run(*args)
        assert r.exit_code == 0, r.output
        assert r.stderr == "" and "\r" not in r.output
    for mod in ("cli_proofs", "cli_sim"):
        src = (ROOT / "quorumlab" / f"{mod}.py").read_text(encoding="utf-8")
        assert "\\r" not in src and "isatty" not in src


def test_quiet_silences_the_progress_bar_even_on_a_terminal(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import click

    from quorumlab.console import Settings, progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    monkeypatch.setattr(click, "get_text_stream", lambda name: tty)
    with click.Context(click.Command("x"), obj=Settings(quiet=True)), \
            progress(3, "x") as update:
        update(3, 3)
    assert tty.getvalue() == ""


def test_group_verbose_lists_every_check() -> None:
    args = ["check", PREF, "--sizes", "3", "--jobs", "1", "--property", "quorum_reachable"]
    quiet = run(*args).stdout
    loud = CliRunner().invoke(main, ["-v", *args]).stdout
    assert "[ok]" not in quiet and "[ok]" in loud

    def untimed(text: str) -> str:  # each check line ends with its elapsed time
        return re.sub(r"\d+(\.\d+)? s$", "<t> s", text, flags=re.M)

    assert untimed(run(*args, "-v").stdout) == untimed(loud)


def test_board_and_sweep_files_read_from_stdin(tmp_path) -> None:
    """'-' reads a board file (simulate --board -) and a sweep file (sweep -) from stdin."""
    from pathlib import Path

    from click.testing import CliRunner

    from quorumlab.cli import main

    examples = Path(__file__).parent.parent / "simulations" / "examples"
    board = (examples / "board_party_group.toml").read_text(encoding="utf-8")
    r = CliRunner().invoke(main, ["simulate", "prefecture_medical_security_party_group",
                                  "--board", "-", "--meetings", "2000", "--seed", "1",
                                  "--out", str(tmp_path / "sim"), "--json"], input=board)
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(main, ["simulate", "prefecture_medical_security_party_group",
                                  "--board", "-", "--out", str(tmp_path / "bad")], input="x = ")
    assert r.exit_code == 2 and "<stdin>" in r.output
