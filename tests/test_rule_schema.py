"""The rule-file schema (model/rule_schema.py): the committed JSON Schema, the built-in files
against it, the reading-combination cap, and random mutations of the built-in files that
either load (and then survive ``show`` and ``decide``) or fail as exactly one user error."""

from __future__ import annotations

import json
import math
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.errors import QuorumlabError, RuleFileError
from model.evaluator import decide
from model.limits import limit
from model.loader import INSTITUTIONS_DIR, builtin_ids, load_rule_file
from model.meeting import Meeting
from model.rule_schema import rule_file_json_schema
from quorumlab.render import institution_dict, render_institution

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "schemas" / "rule-file.schema.json"
REGENERATE = ("python -c \"import json; from model.rule_schema import rule_file_json_schema as s; "
              "open('docs/schemas/rule-file.schema.json', 'w', encoding='utf-8').write("
              "json.dumps(s(), indent=2, ensure_ascii=False) + '\\n')\"")
BUILTIN = {iid: tomllib.loads((INSTITUTIONS_DIR / f"{iid}.toml").read_text(encoding="utf-8"))
           for iid in builtin_ids()}


# ------------------------------------------------------------------------------ JSON Schema
def test_committed_json_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == rule_file_json_schema(), f"regenerate it: {REGENERATE}"


@pytest.mark.parametrize("iid", sorted(BUILTIN))
def test_builtin_rule_files_match_the_json_schema(iid: str) -> None:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(BUILTIN[iid])]
    assert errors == []


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    """The published schema is closed and typed like the loader's: an editor flags the same."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    data = json.loads(json.dumps(BUILTIN["prefecture_medical_security_party_group"]))
    data["defaults"]["deferral"]["readings"][0]["emergency_overrides"] = "false"
    assert not jsonschema.Draft202012Validator(schema).is_valid(data)
    data = json.loads(json.dumps(BUILTIN["prefecture_medical_security_party_group"]))
    data["bodies"]["party_group"]["matters"] = []
    assert not jsonschema.Draft202012Validator(schema).is_valid(data)


# ------------------------------------------------------------------------------ one gate
def _write(tmp: Path, data: Any, name: str = "rules.json") -> Path:
    path = tmp / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_ambiguous_matter_amount_is_rejected_at_load(tmp_path: Path) -> None:
    """超过5000元以上 mixes a strict and an inclusive word: a money limit must be one of them."""
    data = json.loads(json.dumps(BUILTIN["prefecture_medical_security_party_group"]))
    data["matters"]["large_funds"]["amount"]["phrase"] = "超过5000元以上"
    with pytest.raises(RuleFileError) as info:
        load_rule_file(_write(tmp_path, data))
    msg = str(info.value)
    assert "field 'matters.large_funds.amount.phrase'" in msg
    assert "超过 (strict)" in msg and "以上" in msg


def test_an_amount_in_people_is_not_money(tmp_path: Path) -> None:
    data = json.loads(json.dumps(BUILTIN["prefecture_medical_security_party_group"]))
    data["matters"]["large_funds"]["amount"]["phrase"] = "10人以上"
    with pytest.raises(RuleFileError, match="matters.large_funds.amount.phrase.*not money"):
        load_rule_file(_write(tmp_path, data))


# ------------------------------------------------------------------------------ reading cap
def _forty(values: list[Any]) -> dict[str, Any]:
    """An open point of 40 readings cycling through ``values``."""
    return {"kind": "vague", "cite": "x", "readings": [
        {"name": f"r{i}", "value": values[i % len(values)]} for i in range(40)]}


def test_reading_combinations_are_capped_at_load(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Three 40-reading points in the body rules.  The first (body, matter) in file order is
    (party_group, ordinary); its own override settles owner_absent, so three 2-reading
    defaults points remain (recused_in_base, deferral, ad_hoc): 2*2*2 * 40*40*40 = 512,000
    combinations.  The running product is 8, 320, 12,800: the second new point crosses 4096."""
    data = json.loads(json.dumps(BUILTIN["prefecture_medical_security_party_group"]))
    data.pop("separation")  # no bearing on the readings; keeps the file small
    rules = data["bodies"]["party_group"]["rules"]
    rules["last_speaker"] = _forty(["chair", "leader", "leader_not_first", "none"])
    rules["positions_required"] = _forty(["none", "any", "yes_no_defer"])
    rules["chair_delegation"] = _forty(["allowed", "forbidden", "leader_absent"])
    path = _write(tmp_path, data)
    assert path.stat().st_size < 12_000
    total = 2 ** 3 * 40 ** 3
    assert total == 512_000 and limit("reading_combinations") == 4096
    with pytest.raises(RuleFileError) as info:
        load_rule_file(path)
    msg = str(info.value)
    assert "field 'bodies.party_group.rules.positions_required'" in msg
    assert f"{total} reading combinations" in msg and "QUORUMLAB_LIMIT_READING_COMBINATIONS" in msg
    # the other matters keep the owner_absent point too: 2*2*2*2 * 40**3 = 1,024,000
    monkeypatch.setenv("QUORUMLAB_LIMIT_READING_COMBINATIONS", str(2 * total - 1))
    with pytest.raises(RuleFileError, match="'bodies.party_group.rules.chair_delegation': 1024000"):
        load_rule_file(path)
    monkeypatch.setenv("QUORUMLAB_LIMIT_READING_COMBINATIONS", str(2 * total))
    inst = load_rule_file(path)
    assert math.prod(len(p.readings) for p in inst.ruleset("party_group", "ordinary").points) \
        == total


def test_builtin_rule_files_are_under_the_cap() -> None:
    for iid in BUILTIN:
        inst = load_rule_file(INSTITUTIONS_DIR / f"{iid}.toml")
        for rs in inst.rulesets.values():
            assert math.prod(len(p.readings) for p in rs.points) <= limit("reading_combinations")


# ------------------------------------------------------------------------------ mutations
def _places(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key and list index in ``node``, as a path from the top."""
    out: list[tuple[Any, ...]] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, child in items:
        out.append((*at, key))
        out.extend(_places(child, (*at, key)))
    return out


def _leaves(node: Any) -> list[Any]:
    if isinstance(node, dict):
        return [x for v in node.values() for x in _leaves(v)]
    if isinstance(node, list):
        return [x for v in node for x in _leaves(v)]
    return [node]


PLACES = {iid: _places(data) for iid, data in BUILTIN.items()}
LEAVES = {iid: sorted({x for x in _leaves(data) if not isinstance(x, bool)}, key=repr)
          for iid, data in BUILTIN.items()}
ODD = [0, -1, 10**30, "false", "true", [], {}, True, False, "", "none", 2.5, ["x"]]


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, Any]:
    """A built-in rule file with one to three edits: a key dropped, or a value replaced by an
    odd value or by another string or number taken from the same file."""
    iid = draw(st.sampled_from(sorted(BUILTIN)))
    data = json.loads(json.dumps(BUILTIN[iid]))
    for _ in range(draw(st.integers(1, 3))):
        place = draw(st.sampled_from(PLACES[iid]))
        parent = data
        try:
            for key in place[:-1]:
                parent = parent[key]
            parent[place[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this place
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[place[-1]]
        else:
            parent[place[-1]] = draw(st.sampled_from(ODD) | st.sampled_from(LEAVES[iid]))
    return iid, data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_rule_files_load_or_fail_as_one_user_error(case: tuple[str, Any]) -> None:
    iid, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = _write(Path(tmp), data, f"{iid}.json")
        try:
            inst = load_rule_file(path)
        except QuorumlabError as err:
            assert "\n" not in str(err) and str(path) in str(err)
            return
        render_institution(inst)
        json.dumps(institution_dict(inst), ensure_ascii=False)
        for body, matter in inst.pairs():
            meeting = Meeting.simple(str(path), body, matter, n=5, present=4, yes=3, no=1,
                                     amount=20000)
            try:
                decide(meeting, inst)
            except QuorumlabError:
                pass
