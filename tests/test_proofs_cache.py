"""The result cache (proofs/cache.py) and the two passes of run_suite (check, then polish
only the witnesses a report shows).

A cached run must be the run it replaces: the same results, witnesses and summaries; any
change the results depend on (the rule file's bytes, an option) must miss; an unknown is
never kept; a damaged file is a miss, not an error."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.loader import load_institution
from model.meeting import Outcome
from proofs.cache import ResultCache
from proofs.options import CheckOptions
from proofs.runner import run_suite
from proofs.witness import irregularities
from quorumlab.cli import main

PREF = "prefecture_medical_security_party_group"
PROPS = ["no_chair_veto", "min_yes_to_pass", "quorum_reachable"]
OPTS = CheckOptions(sizes=(3, 4))


def _rule_copy(tmp_path: Path) -> Path:
    src = Path(load_institution(PREF).path)
    dst = tmp_path / "pref.toml"
    dst.write_bytes(src.read_bytes())
    return dst


def test_a_cached_run_is_the_run_it_replaces(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    first = run_suite([PREF], OPTS, PROPS, cache=cache)
    assert first.cached == (0, first.cached[1]) and first.cached[1] > 0
    again = ResultCache(tmp_path / "c")
    second = run_suite([PREF], OPTS, PROPS, cache=again)
    assert second.cached == (first.cached[1], first.cached[1])  # every task read back
    assert second.results == first.results  # witnesses, citations, seconds: all of it
    assert second.summaries == first.summaries
    assert any(r.witnesses for r in second.results)


def test_what_a_result_depends_on_is_in_its_key(tmp_path: Path) -> None:
    rule = _rule_copy(tmp_path)
    cache = ResultCache(tmp_path / "c")
    args = (str(rule), [("party_group", "ordinary")], OPTS, PROPS, [3], True)
    base = cache.key(*args)
    assert cache.key(*args) == base
    assert cache.key(str(rule), [("party_group", "ordinary")], replace(OPTS, timeout_s=5),
                     PROPS, [3], True) != base
    assert cache.key(str(rule), [("party_group", "ordinary")], replace(OPTS, polish=False),
                     PROPS, [3], True) != base
    assert cache.key(*args[:3], PROPS[:1], [3], True) != base
    assert cache.key(*args[:4], [4], True) != base
    # an edit anywhere in the rule file (here a comment) is a miss: the file's bytes are keyed
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache.key(*args) != base


def test_an_edited_rule_file_is_checked_again(tmp_path: Path) -> None:
    rule = _rule_copy(tmp_path)
    run_suite([str(rule)], OPTS, PROPS[:1], cache=ResultCache(tmp_path / "c"))
    rule.write_text(rule.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    rep = run_suite([str(rule)], OPTS, PROPS[:1], cache=ResultCache(tmp_path / "c"))
    assert rep.cached is not None and rep.cached[0] == 0


def test_unknown_is_never_kept_and_damaged_files_are_misses(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "c")
    quick = replace(OPTS, timeout_s=1e-6)
    rep = run_suite([PREF], quick, ["min_yes_to_pass"], cache=cache)
    assert {r.status for r in rep.results} == {"unknown"}
    assert not list((tmp_path / "c").rglob("*.json"))
    run_suite([PREF], OPTS, ["quorum_reachable"], cache=cache)
    files = list((tmp_path / "c").rglob("*.json"))
    assert files
    for f in files:
        f.write_text("{not json", encoding="utf-8")
    again = ResultCache(tmp_path / "c")
    rep = run_suite([PREF], OPTS, ["quorum_reachable"], cache=again)
    assert again.hits == 0 and {s.status for s in rep.summaries} == {"holds"}
    json.loads(files[0].read_text(encoding="utf-8"))  # replaced by a good file


def test_the_witness_a_finding_shows_is_polished(monkeypatch: pytest.MonkeyPatch) -> None:
    """seed 001 第二十一条: the chair may leave a vote uncalled.  The finding's meeting (at the
    smallest failing size) is polished as the property check alone polishes it: a regular
    meeting, and the same meeting with the vote not called (tests/test_witness.py)."""
    import proofs.witness

    monkeypatch.setattr(proofs.witness, "POLISH_SECONDS", 60.0)  # whatever the load
    rep = run_suite([PREF], OPTS, ["no_chair_veto"])
    s = next(s for s in rep.summaries if (s.body, s.matter) == ("party_group", "ordinary"))
    assert s.status == "fails" and s.failing_sizes[0] == 3
    r = next(r for r in rep.results if (r.body, r.matter, r.n) == ("party_group", "ordinary", 3))
    spec = load_institution(PREF).ruleset("party_group", "ordinary").spec(dict(r.reading))
    w1, w2 = r.witnesses
    assert irregularities(w1.meeting, spec) == ()
    assert irregularities(w2.meeting, spec) == ("vote not called",)
    assert w2.outcome != Outcome.PASSED


def test_check_says_how_much_came_from_the_cache(tmp_path: Path) -> None:
    args = ["check", PREF, "--sizes", "3", "--property", "quorum_reachable", "--jobs", "1"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "(0 of " in first.output
    second = CliRunner().invoke(main, args)
    tasks = second.output.split("(")[-1].split(" of ")[0]
    assert f"({tasks} of {tasks} tasks from the cache)" in second.output and int(tasks) > 0
    plain = CliRunner().invoke(main, [*args, "--no-cache"])
    assert "from the cache" not in plain.output


def test_a_cache_folder_that_cannot_be_written_is_a_note(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("QUORUMLAB_CACHE", str(blocked / "cache"))
    r = CliRunner().invoke(main, ["check", PREF, "--sizes", "3", "--property",
                                  "quorum_reachable", "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "note: results not cached:" in r.stderr and "QUORUMLAB_CACHE" in r.stderr
    assert "0 regressions" in r.stdout


def test_old_generations_are_pruned_on_the_first_write(tmp_path: Path) -> None:
    import os

    cache = ResultCache(tmp_path / "c")
    olds = []
    for k in range(4):  # four generations of other code, the newest last
        d = tmp_path / "c" / f"{k:016x}"
        (d / "ab").mkdir(parents=True)
        os.utime(d, (1000 + k, 1000 + k))
        olds.append(d)
    (tmp_path / "c" / "notes").mkdir()  # not a generation: left alone
    run_suite([PREF], CheckOptions(sizes=(3,)), ["quorum_reachable"], cache=cache)
    kept = sorted(d.name for d in (tmp_path / "c").iterdir())
    assert kept == sorted([cache.generation.name, olds[3].name, olds[2].name, "notes"])
