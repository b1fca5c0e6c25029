"""The CI gate: an edit to a copy of a rule file that changes a value exits 1 and names it.

Expectations are recorded on the unedited copy (verdict, sizes, pattern, values), then each
edit of EDITS is checked against them.  The changed values are derived by hand from the rule
text of seed 001 第二十一条(四) (quorum 三分之二以上 of the members; passing 超过半数 of those due):

* quorum 三分之二以上 -> 超过半数, n = 5: the quorum goes from 4 present (3*4 >= 2*5) to 3
  (2*3 > 5); passing needs 3 yes either way.  So two members staying away blocked every
  meeting before (3 present), and now three must (2 present): min_stay_away_block 2 -> 3.
* passing base due -> present, n = 4: the quorum needs 3 present (3*3 >= 2*4); more than half
  of 3 present is 2 yes, where more than half of 4 due is 3: min_yes_to_pass 3 -> 2, and
  2 yes of 4 is no majority, so it now fails.
* recusal required -> none: recusal_keeps_decidable no longer applies (n/a).
* unclear_matter no_effect -> defer: one more rule step (an unclear item is deferred) decides
  some meeting, so the value of ``complete`` (its live rule steps) grows by one.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.loader import INSTITUTIONS_DIR
from quorumlab.cli_proofs import check_cmd

PREF = "prefecture_medical_security_party_group"
PROPS = ["min_yes_to_pass", "min_stay_away_block", "recusal_keeps_decidable", "complete"]
ARGS = ["--sizes", "4,5", "--jobs", "1", *[x for p in PROPS for x in ("--property", p)]]

QUORUM = ('quorum = { phrase = "三分之二以上"', 'quorum = { phrase = "超过半数"')
BASE = ('passing = { phrase = "超过半数", base = "due"', 'passing = { phrase = "超过半数", base = "present"')
RECUSAL = ('recusal = { value = "required"', 'recusal = { value = "none"')
UNCLEAR = ('unclear_matter = { value = "no_effect"', 'unclear_matter = { value = "defer"')
NOTE = ('note = "未到会党组成员书面意见不得计入票数"', 'note = "written opinions of absent members are not counted"')

EDITS = [
    pytest.param(QUORUM, [r"min_stay_away_block@party_group/ordinary",
                          r"value at n=5: 2 -> 3"], id="quorum"),
    pytest.param(BASE, [r"min_yes_to_pass@party_group/ordinary", r"verdict: holds -> fails",
                        r"value at n=4: 3 -> 2"], id="passing-base"),
    pytest.param(RECUSAL, [r"recusal_keeps_decidable@party_group/ordinary",
                           r"verdict: fails -> n/a"], id="recusal"),
    pytest.param(UNCLEAR, [r"complete@party_group/ordinary"], id="deferral"),
]


def edited(folder: Path, edit: tuple[str, str]) -> Path:
    """A copy of the prefecture rule file with one edit (which must apply exactly once)."""
    src = (INSTITUTIONS_DIR / f"{PREF}.toml").read_text(encoding="utf-8")
    old, new = edit
    assert src.count(old) == 1, old
    f = folder / "rules.toml"
    f.write_text(src.replace(old, new), encoding="utf-8")
    return f


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The expectations of the unedited file, recorded by ``check --write-expectations``."""
    d = tmp_path_factory.mktemp("recorded")
    shutil.copy(INSTITUTIONS_DIR / f"{PREF}.toml", d / "rules.toml")
    r = CliRunner().invoke(check_cmd, [str(d / "rules.toml"), *ARGS, "--write-expectations",
                                       str(d / "rules.expect.toml")])
    assert r.exit_code == 0, r.output
    return d / "rules.expect.toml"


@pytest.mark.parametrize("edit,named", EDITS)
def test_an_edit_that_changes_a_value_exits_1(tmp_path: Path, recorded: Path,
                                              edit: tuple[str, str], named: list[str]) -> None:
    f = edited(tmp_path, edit)
    shutil.copy(recorded, tmp_path / "rules.expect.toml")
    r = CliRunner().invoke(check_cmd, [str(f), *ARGS])
    assert r.exit_code == 1, r.output
    for pattern in named:
        assert re.search(pattern, r.output), (pattern, r.output)
    assert "[regression]" in r.output and "changed: " in r.output


def test_adding_a_deferral_adds_one_live_rule_step(tmp_path: Path, recorded: Path) -> None:
    f = edited(tmp_path, UNCLEAR)
    shutil.copy(recorded, tmp_path / "rules.expect.toml")
    r = CliRunner().invoke(check_cmd, [str(f), *ARGS])
    steps = re.findall(r"value at n=(\d+): (\d+) -> (\d+)", r.output)
    assert {n for n, _, _ in steps} == {"4", "5"}
    assert all(int(after) == int(before) + 1 for _, before, after in steps)


def test_a_value_change_shows_the_meeting_at_that_size(tmp_path: Path, recorded: Path) -> None:
    f = edited(tmp_path, QUORUM)
    shutil.copy(recorded, tmp_path / "rules.expect.toml")
    r = CliRunner().invoke(check_cmd, [str(f), *ARGS])
    block = r.output.split("min_stay_away_block (", 1)[1]
    assert "n=5" in block.splitlines()[0] and "[value 3]" in block.splitlines()[0]
    assert "outcome: no_quorum" in block  # three of five away: two present, no quorum


def test_a_cosmetic_edit_exits_0(tmp_path: Path, recorded: Path) -> None:
    f = edited(tmp_path, NOTE)
    shutil.copy(recorded, tmp_path / "rules.expect.toml")
    r = CliRunner().invoke(check_cmd, [str(f), *ARGS])
    assert r.exit_code == 0, r.output
    assert "changed:" not in r.output


def test_a_verdict_only_expectation_still_compares_the_verdict(tmp_path: Path) -> None:
    f = edited(tmp_path, BASE)
    (tmp_path / "rules.expect.toml").write_text('[expect]\nmin_yes_to_pass = "holds"\n',
                                                encoding="utf-8")
    r = CliRunner().invoke(check_cmd, [str(f), "--sizes", "4", "--jobs", "1",
                                       "--property", "min_yes_to_pass"])
    assert r.exit_code == 1 and "verdict: holds -> fails" in r.output, r.output


def test_a_malformed_record_is_one_line(tmp_path: Path) -> None:
    f = edited(tmp_path, NOTE)
    (tmp_path / "rules.expect.toml").write_text(
        '[expect]\nmin_yes_to_pass = { status = "holds", sizes = "4" }\n', encoding="utf-8")
    r = CliRunner().invoke(check_cmd, [str(f), "--sizes", "4", "--property", "min_yes_to_pass"])
    assert r.exit_code == 2
    assert r.output.startswith("error: ") and "sizes" in r.output and r.output.count("\n") == 1
