"""Bad command lines (issue 8, items 3 and 5): every bad flag value, unknown option, missing
argument and value over a limit is ONE line ``error: ...`` naming the flag, exit status 2,
no traceback, nothing on stdout and no file left behind.

Each case runs in an empty ``tmp_path`` (the working folder, and the place every output
flag points into): after the command, the folder holds exactly what it held before.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from model.limits import LIMITS
from quorumlab.cli import main
from quorumlab.params import PROBABILITY, SECONDS, WEIGHT, ParamError, WholeNumber

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "model" / "examples" / "prefecture_cadre_recusal.json"
PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"
SPEC = "spec.toml"  # written into tmp_path by the test: a valid one-point sweep
OUT = "out"  # an output folder under tmp_path that must never appear


def _limit_text(name: str, value: int) -> str:
    """What the error of limit ``name`` says, from model/limits.py's table."""
    lim = LIMITS[name]
    return f"{value} {lim.unit} is more than the limit of {lim.default}"


# (command line, the flag the error names, another piece of the message, environment)
CASES: list[tuple[list[str], str, str, dict[str, str]]] = [
    (["order", "alxa_medical_security_bureau", "--body", "leadership", "--matter", "finance", "--owner", "m9"], "--owner", "unknown member 'm9'", {}),
    (["order", "alxa_medical_security_bureau", "--body", "leadership", "--matter", "finance", "--absent", "m9"], "--absent", "unknown member 'm9'", {}),
    (["order", "alxa_medical_security_bureau", "--body", "leadership", "--matter", "finance", "--chair", "m9"], "--chair", "unknown member 'm9'", {}),
    (["order", "alxa_medical_security_bureau", "--body", "leadership", "--matter", "finance", "--n", "0"], "--n", "whole number >= 1", {}),
    (["stall", PREF, "--body", "party_group", "--matter", "ordinary", "--who", "mob"], "--who", "'mob' is not one of", {}),
    (["stall", PREF, "--body", "party_group", "--matter", "ordinary", "--backers", "2"], "--backers", "not a majority", {}),
    (["stall", PREF, "--body", "party_group", "--matter", "ordinary", "--minority", "1"], "--minority", "for --who minority", {}),
    (["stall", PREF, "--body", "party_group", "--matter", "ordinary", "--amended", "nope", "--from", "2"], "--amended", "'nope'", {}),
    (["stall", PREF, "--body", "party_group", "--matter", "ordinary", "--amended", PREF, "--from", "1"], "--from", "whole number >= 2", {}),
    (["stall", PREF, "--body", "party_group", "--matter", "ordinary", "--meetings", "99"], "--meetings", "limit of 12", {}),
    (["simulate", PREF, "--meetings", "0", "--out", OUT], "--meetings", "whole number >= 1", {}),
    (["simulate", PREF, "--seed", "-1", "--out", OUT], "--seed", "-1 is not a whole number", {}),
    (["simulate", PREF, "--seed", "1.5"], "--seed", "1.5", {}),
    (["check", PREF, "--timeout", "nan", "--report", OUT], "--timeout", "nan is not", {}),
    (["check", PREF, "--timeout", "inf"], "--timeout", "inf is not", {}),
    (["check", PREF, "--timeout", "0"], "--timeout", "> 0", {}),
    (["check", PREF, "--timeout", "-1"], "--timeout", "-1 is not", {}),
    (["compare", PREF, "--timeout", "ten"], "--timeout", "ten is not", {}),
    (["check", PREF, "--jobs", "0"], "--jobs", "whole number >= 1", {}),
    (["sweep", SPEC, "--workers", "0", "--out", OUT], "--workers", "whole number >= 1", {}),
    (["sweep", SPEC, "--scheduler", "localhost", "--out", OUT], "--scheduler",
     "tcp://127.0.0.1:8786", {}),
    (["simulate", PREF, "--prior-yes", "1.5"], "--prior-yes", "a probability in [0, 1]", {}),
    (["simulate", PREF, "--attendance", "nan"], "--attendance", "a probability", {}),
    (["simulate", PREF, "--silent", "-0.1"], "--silent", "a probability", {}),
    (["simulate", PREF, "--competence", "2"], "--competence", "a probability", {}),
    (["simulate", PREF, "--interested", "some"], "--interested", "some is not", {}),
    (["simulate", PREF, "--recuse", "1.01"], "--recuse", "a probability", {}),
    (["simulate", PREF, "--written-opinions", "-1"], "--written-opinions", "probability", {}),
    (["simulate", PREF, "--defer", "nan"], "--defer", "a probability", {}),
    (["simulate", PREF, "--unclear", "1e400"], "--unclear", "a probability", {}),
    (["simulate", PREF, "--conformity", "-1"], "--conformity", "a weight >= 0", {}),
    (["simulate", PREF, "--leader-influence", "inf"], "--leader-influence", "a weight", {}),
    (["simulate", PREF, "--order", "sideways"], "--order", "last, first, random, seniority", {}),
    (["coverage", PREF, "--status", "done"], "--status", "'done' is not one of", {}),
    (["route", TAOBEI, "--category", "large_funds", "--amount", "-5"], "--amount", "-5", {}),
    (["check", PREF, "--sizes", "9-3"], "--sizes", "reversed", {}),
    (["check", PREF, "--property", "no_such_property"], "--property", "no_such_property", {}),
    (["decide", str(EXAMPLE), "--reading", "deferral"], "--reading", "is not POINT=NAME", {}),
    (["compare", PREF, "--reading-b", "=chair_judgement"], "--reading-b", "POINT=NAME", {}),
    (["simulate", PREF, "--reading", "deferral=close_split", "--reading",
      "deferral=chair_judgement"], "--reading", "given two readings", {}),
    (["power", PREF, "--reading", "deferral"], "--reading", "POINT=NAME", {}),
    (["sweep", SPEC, "--reading", "x", "--out", OUT], "--reading", "POINT=NAME", {}),
    (["compare", PREF, "--reading", "deferral=coin"], "--reading deferral", "'coin'", {}),
    (["compare", PREF, "--body-b", "senate"], "--body-b", "no body 'senate'", {}),
    (["compare", PREF, TAOBEI, "--matter-b", "lunch"], "--matter-b", "'lunch'", {}),
    (["simulate", PREF, "--matter", "lunch", "--out", OUT], "--matter", "'lunch'", {}),
    (["power", PREF, "--body", "senate", "--out", OUT], "--body", "'senate'", {}),
    (["check", PREF, "--junit", "."], "--junit", "is a folder, not a file", {}),
    (["check", PREF, "--markdown", "."], "--markdown", "is a folder, not a file", {}),
    (["check", PREF, "--diff-expectations", f"{SPEC}/d.md"], "--diff-expectations",
     "is a file", {}),
    (["simulate", PREF, "--out", SPEC], "--out", "is a file, not a folder", {}),
    (["sweep", SPEC, "--out", f"{SPEC}/sub"], "--out", "cannot create the folder", {}),
    (["power", PREF, "--out", SPEC], "--out", "is a file, not a folder", {}),
    (["check", PREF, "--report", EXAMPLE.as_posix()], "--report", "is a file", {}),
    (["check", PREF, "--smtlib", EXAMPLE.as_posix()], "--smtlib", "is a file", {}),
    (["check", PREF, TAOBEI, "--write-expectations", "e.toml", "--report", OUT],
     "--write-expectations", "a suite file is for one rule file", {}),
    (["check", PREF, "--bogus"], "--bogus", "no such option", {}),
    (["route", TAOBEI], "--category", "missing option", {}),
    (["simulate", PREF, "--board", "."], "--board", "is a directory", {}),
    # limits (model/limits.py): the error names the limit's variable
    (["power", PREF, "--n", "100000", "--out", OUT], "--n",
     _limit_text("power_players", 100000), {}),
    (["power", "--weights", "3,x", "--quota", "4", "--out", OUT], "--weights",
     "'x' is not a whole number >= 0", {}),
    (["power", "--weights", "@missing.txt", "--quota", "4"], "--weights",
     "cannot read missing.txt", {}),
    (["power", "--weights", "600000,600000", "--quota", "4", "--out", OUT], "--weights",
     _limit_text("power_quota", 1200000), {}),
    (["power", "--weights", "3,2,1", "--quota", "0", "--out", OUT], "--quota",
     "whole number >= 1", {}),
    (["power", "--weights", "3,2,1", "--quota", "4", "--arithmetic", "fast", "--out", OUT],
     "--arithmetic", "'fast' is not one of auto, exact, float", {}),
    (["power", "--weights", "7,7,7,7,7,1,1,1,1,1,1,1,1,1,1", "--quota", "39", "--arithmetic",
      "exact", "--out", OUT], "--arithmetic", "585 table cells", {"QUORUMLAB_LIMIT_POWER_CELLS": "100"}),
    (["check", PREF, "--sizes", "3-100000000000"], "--sizes",
     _limit_text("check_size", 100000000000), {}),
    (["compare", PREF, "--sizes", "5,401"], "--sizes", "QUORUMLAB_LIMIT_CHECK_SIZE=401", {}),
    (["simulate", PREF, "--meetings", "100000001", "--out", OUT], "--meetings",
     "QUORUMLAB_LIMIT_MEETINGS=100000001", {}),
    (["simulate", PREF, "--size", "5001"], "--size", _limit_text("board_members", 5001), {}),
    (["simulate", PREF, "--size", "5001", "--exact", "--conformity", "0"], "--size",
     "QUORUMLAB_LIMIT_EXACT_SIZE=5001", {"QUORUMLAB_LIMIT_BOARD_MEMBERS": "6000"}),
    (["check", PREF, "--jobs", "65"], "--jobs", "QUORUMLAB_LIMIT_WORKERS=65", {}),
    (["simulate", PREF, "--meetings", "10"], "QUORUMLAB_LIMIT_MEETINGS", "got 'lots'",
     {"QUORUMLAB_LIMIT_MEETINGS": "lots"}),
]


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


@pytest.mark.parametrize(("args", "flag", "needle", "env"), CASES,
                         ids=[" ".join(c[0][:1] + c[0][2:])[:60] for c in CASES])
def test_bad_command_line_is_one_line(args: list[str], flag: str, needle: str,
                                      env: dict[str, str], tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    (tmp_path / SPEC).write_text(f'[sweep]\ninstitutions = ["{TAOBEI}"]\nmeetings = 100\n',
                                 encoding="utf-8")
    before = _files(tmp_path)
    r: Result = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    assert isinstance(r.exception, SystemExit), repr(r.exception)
    assert "Traceback" not in r.output and r.stdout == ""
    lines = r.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert flag in lines[0] and needle in lines[0], lines[0]
    assert "(fix: " in lines[0]
    assert _files(tmp_path) == before  # nothing written, no staging folder left


def test_the_table_covers_every_option_with_a_value() -> None:
    """Every option that takes a value, of every command, has a bad case above (only
    --category is free text: the rule file checks it, as it does --body)."""
    tried = {c[1].split()[0] for c in CASES} | {"--category"}
    for name, cmd in main.commands.items():
        for p in cmd.params:
            if p.param_type_name == "option" and not getattr(p, "is_flag", False):
                assert max(p.opts, key=len) in tried, (name, p.opts)


# --- the number types, over their whole domain ---------------------------------------------

def _rejects(param_type: object, text: str) -> bool:
    try:
        param_type.convert(text, None, None)  # type: ignore[attr-defined]
    except ParamError as err:
        assert "\n" not in err.message and "(fix: write e.g." in err.message
        return True
    return False


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_probability_is_a_finite_number_in_0_1(x: float) -> None:
    ok = math.isfinite(x) and 0 <= x <= 1
    assert _rejects(PROBABILITY, repr(x)) is not ok
    if ok:
        assert PROBABILITY.convert(repr(x), None, None) == x


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_seconds_and_weights(x: float) -> None:
    assert _rejects(SECONDS, repr(x)) is not (math.isfinite(x) and 0 < x <= 1_000_000)
    assert _rejects(WEIGHT, repr(x)) is not (math.isfinite(x) and x >= 0)


@given(st.integers(min_value=-10**6, max_value=10**6))
def test_whole_numbers_and_their_limit(n: int) -> None:
    """--n: whole numbers from 2 up to the power_players limit."""
    n_type = WholeNumber(2, 15, "--n", limit="power_players")
    ok = 2 <= n <= LIMITS["power_players"].default
    assert _rejects_whole(n_type, str(n)) is not ok


def _rejects_whole(param_type: WholeNumber, text: str) -> bool:
    try:
        param_type.convert(text, None, None)
    except ParamError as err:
        assert "\n" not in err.message and err.message.startswith("field '--n'")
        return True
    return False


# --- the README's Limits table is model/limits.py's LIMITS ---------------------------------

def test_readme_limits_table_is_the_limits_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Limits\n", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| ([\d,]+) ([^|]+?) \| `(\w+)` \|", section, re.M)
    assert [(name, int(default.replace(",", "")), unit, env)
            for name, default, unit, env in rows] == [
        (lim.name, lim.default, lim.unit, lim.env) for lim in LIMITS.values()]


def test_no_arguments_still_shows_the_help() -> None:
    """click's "no arguments: show the help" is no user error: the usage, not one line."""
    r = CliRunner().invoke(main, [])
    assert "Usage:" in r.output and "Commands:" in r.output and "error:" not in r.output
    r = CliRunner().invoke(main, ["chek"])
    assert r.exit_code == 2 and len(r.stderr.splitlines()) == 1
    assert r.stderr.startswith("error: no such command 'chek'.") and "'check'" in r.stderr
    assert r.stderr.endswith("(fix: see quorumlab --help)\n")
