"""The README's rule-file examples are real TOML, and its shell examples name real commands."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from quorumlab.cli import main

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README, re.S)


@pytest.mark.parametrize("block", TOML_BLOCKS, ids=[f"toml{i}" for i in range(len(TOML_BLOCKS))])
def test_toml_blocks_parse(block: str) -> None:
    tomllib.loads(block)


def test_route_and_coverage_examples_run() -> None:
    """README "Routing by category and amount": seed 004 三重一大 一(五)1, 超过2万元 -> 党组会."""
    runner = CliRunner()
    r = runner.invoke(main, ["route", "city_medical_security_bureau", "--category", "large_funds",
                             "--amount", "20001"])
    assert r.exit_code == 0, r.output
    assert "party_group" in r.output and "三重一大 一(五)1" in r.output
    r = runner.invoke(main, ["route", "city_medical_security_bureau", "--category", "large_funds",
                             "--amount", "20000"])
    assert r.exit_code == 0 and "outside this category" in r.output  # 超过 is strict
    assert runner.invoke(main, ["coverage", "city_medical_security_bureau"]).exit_code == 0


def _tour_commands() -> list[str]:
    """The lines of the README's "A short tour" block, comments stripped."""
    block = README.split("## A short tour", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    return [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]


TOUR = _tour_commands()


@pytest.mark.slow
@pytest.mark.parametrize("command", TOUR, ids=[c.split()[1] if c.startswith("quorumlab") else
                                              c.split()[2] for c in TOUR])
def test_tour_commands_run_as_written(command: str, tmp_path: Path) -> None:
    """Every tour line runs from the repository root and exits 0 (outputs go to tmp)."""
    import shlex
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    line = command.replace(" out/", f" {tmp_path}/")
    stdin = None
    if " < " in line:
        line, src = line.split(" < ")
        stdin = (root / src.strip()).read_bytes()
    argv = shlex.split(line)
    if argv[0] == "quorumlab":
        argv = [sys.executable, "-m", "quorumlab", *argv[1:]]
    else:  # python -m quorumlab ...
        argv = [sys.executable, *argv[1:]]
    done = subprocess.run(argv, cwd=root, input=stdin, capture_output=True, timeout=300,
                          env={**__import__("os").environ, "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr.decode()[-2000:]


def _blocks_after(marker: str) -> list[str]:
    """The plain code blocks of the README's section ``marker`` (up to the next heading)."""
    section = README.split(marker, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return [body for lang, body in re.findall(r"^```(\w*)\n(.*?)^```", section, re.S | re.M)
            if not lang]


def test_example_board_findings_appear_as_shown() -> None:
    """README "Example boards in the catalogue": each excerpt is what `check` prints for
    those findings (finding numbers aside: they count the whole run's findings)."""
    blocks = _blocks_after("### Example boards in the catalogue")
    assert len(blocks) == 3
    r = CliRunner().invoke(main, ["check", "city_medical_security_bureau",
                                  "taobei_district_government", "xiuzhou_district",
                                  "--property", "duties_kept", "--property",
                                  "recusal_cannot_disable", "--property", "no_chair_stall",
                                  "--jobs", "1"])
    assert r.exit_code == 0, r.output
    out = re.sub(r"\bF\d+\b", "F", r.output)
    for block in blocks:
        for line in block.splitlines():
            assert re.sub(r"\bF\d+\b", "F", line) in out.splitlines(), line


def test_meeting_with_an_organisation_file_decides_as_shown() -> None:
    """README "Meeting files": the recusal lines of the organisation-file example."""
    block = next(b for b in _blocks_after("## Meeting files") if b.startswith("$ quorumlab"))
    command, *shown = block.splitlines()
    r = CliRunner().invoke(main, command.split()[2:])
    assert r.exit_code == 0, r.output
    for line in shown:
        if line != "...":
            assert line in r.output.splitlines(), line
