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
