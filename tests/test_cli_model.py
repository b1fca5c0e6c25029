"""The model commands of the CLI: list, show, validate, decide (text and --json, --reading)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from model.evaluator import decide
from model.io import load_meeting
from model.loader import INSTITUTIONS_DIR
from quorumlab.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "model" / "examples").glob("*.json"))
EXAMPLE = ROOT / "model" / "examples" / "prefecture_cadre_recusal.json"

# DOMAIN.md, "The five source institutions"
SEEDS = {
    "alxa_medical_security_bureau": "000",
    "prefecture_medical_security_party_group": "001",
    "xiuzhou_district": "002",
    "taobei_district_government": "003",
    "city_medical_security_bureau": "004",
}
# one clause of each seed that governs attendance, voting or speaking order
KEY_CLAUSES = {
    "alxa_medical_security_bureau": "seed 000, 第三条(二)",
    "prefecture_medical_security_party_group": "seed 001, 第二十一条(四)",
    "xiuzhou_district": "seed 002, 模本一 三、3",
    "taobei_district_government": "seed 003, 四(二)1",
    "city_medical_security_bureau": "seed 004, 议事规则 四(二)",
}
BODIES = {
    "alxa_medical_security_bureau": ["leadership"],
    "prefecture_medical_security_party_group": ["party_group"],
    "xiuzhou_district": ["leadership"],
    "taobei_district_government": ["plenary", "executive", "party_group", "topical"],
    "city_medical_security_bureau": ["party_group", "director_office"],
}


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


def ok(*args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result.output


def test_list_shows_the_five_institutions_with_seeds_and_bodies() -> None:
    out = ok("list")
    for iid, seed in SEEDS.items():
        assert f"{iid}  (seed {seed})" in out
    headers = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert len(headers) == 5
    for iid, bodies in BODIES.items():
        block = out.split(iid, 1)[1].split("(seed 00", 2)[1]
        for b in bodies:
            assert b in block, (iid, b)


@pytest.mark.parametrize("iid", sorted(SEEDS))
def test_show_prints_rules_with_citations_of_its_own_seed(iid: str) -> None:
    out = ok("show", iid)
    seed = SEEDS[iid]
    assert f"seed {seed}" in out
    assert KEY_CLAUSES[iid] in out
    cited = set(re.findall(r"seed (\d{3}),", out))
    assert cited == {seed}, cited  # every citation points at this institution's seed
    for body in BODIES[iid]:
        assert f"Body {body}" in out


def test_show_prints_chinese_threshold_words() -> None:
    out = ok("show", "prefecture_medical_security_party_group")
    assert "三分之二以上" in out and "超过半数" in out
    out = ok("show", "city_medical_security_bureau")
    assert "半数以上" in out and "超过2万元" in out


def test_show_accepts_a_rule_file_path() -> None:
    path = INSTITUTIONS_DIR / "taobei_district_government.toml"
    assert KEY_CLAUSES["taobei_district_government"] in ok("show", str(path))


@pytest.mark.parametrize("iid", sorted(SEEDS))
def test_validate_builtin_rule_files(iid: str) -> None:
    path = INSTITUTIONS_DIR / f"{iid}.toml"
    out = ok("validate", str(path))
    assert out.startswith(f"ok: rule file {path}: institution {iid}")
    bodies = len(BODIES[iid])
    assert f"{bodies} bodies" in out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_validate_example_meetings(path: Path) -> None:
    out = ok("validate", str(path))
    assert out.startswith(f"ok: meeting file {path}")


def test_examples_exist() -> None:
    assert EXAMPLE in EXAMPLES


def test_decide_example_text() -> None:
    """The example, by hand (seed 001 第二十一条(四)): 7 members, 5 present (15 >= 14);
    wang involved and recused; chen's written yes not counted; 4 yes: 8 > 7 (or > 6 with
    wang out of the base) -> passed under every reading; the secretary speaks last."""
    out = ok("decide", str(EXAMPLE))
    assert "Outcome: passed (通过)" in out
    assert "seed 001, 第二十一条(四)" in out
    assert "Readings DISAGREE" not in out


def test_decide_json_matches_library_and_hand() -> None:
    data = json.loads(ok("decide", str(EXAMPLE), "--json"))
    lib = decide(load_meeting(EXAMPLE))
    assert data["outcome"] == lib.outcome.label == "passed"
    assert data["tally"] == {"due": 7, "present": 5, "eligible": 4, "yes": 4, "no": 0,
                             "abstain": 0, "defer": 0}
    assert data["readings_agree"] is True
    assert [(e["reading"], e["outcome"]) for e in data["by_reading"]] == [
        (dict(c), o.label) for c, o in lib.by_reading]
    assert data["reading"] == dict(lib.reading)
    assert all({"rule", "cite", "en", "zh"} <= set(r) for r in data["reasons"])


def _close_split_meeting(tmp_path: Path) -> Path:
    """seed 001 ordinary item, 7 members all present, 4 yes : 3 no, secretary last."""
    members = [{"id": "sec", "role": "leader"}] + [{"id": f"m{i}"} for i in range(1, 7)]
    data = {
        "institution": "prefecture_medical_security_party_group",
        "body": "party_group",
        "matter": {"category": "ordinary"},
        "members": members,
        "present": [m["id"] for m in members],
        "speaking_order": [f"m{i}" for i in range(1, 7)] + ["sec"],
        "votes": {"sec": "yes", "m1": "yes", "m2": "yes", "m3": "yes",
                  "m4": "no", "m5": "no", "m6": "no"},
    }
    path = tmp_path / "close_split.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_decide_reading_option(tmp_path: Path) -> None:
    """第二十一条(四) 重大分歧: 4 : 3 is a split of one, deferred under the default close-split
    reading; under the chair's-judgement reading it passes (8 > 7)."""
    path = _close_split_meeting(tmp_path)
    default = json.loads(ok("decide", str(path), "--json"))
    assert default["outcome"] == "deferred"
    assert default["readings_agree"] is False
    assert "passed" in {e["outcome"] for e in default["by_reading"]}
    judged = json.loads(ok("decide", str(path), "--json", "--reading", "deferral=chair_judgement"))
    assert judged["outcome"] == "passed" and len(judged["by_reading"]) == 1
    close = json.loads(ok("decide", str(path), "--json", "--reading", "deferral=close_split"))
    assert close["outcome"] == "deferred"
    assert close["reading"]["deferral"] == "close_split"
    assert len(close["by_reading"]) == 1
    text = ok("decide", str(path), "--reading", "deferral=close_split")
    assert "Outcome: deferred (暂缓)" in text
    assert "deferral=close_split" in text


def test_decide_two_readings_at_once() -> None:
    data = json.loads(ok("decide", str(EXAMPLE), "--json", "--reading",
                         "recused_in_base=recused_excluded", "--reading", "deferral=close_split"))
    assert data["reading"]["recused_in_base"] == "recused_excluded"
    assert data["reading"]["deferral"] == "close_split"
    assert data["tally"]["due"] == 6  # wang (recused) left out of the base
    assert data["outcome"] == "passed"  # 8 > 6, 4 : 0 is no close split


def test_decide_meeting_on_a_rule_file_path(tmp_path: Path) -> None:
    """A meeting may name a rule file (relative to the meeting file) instead of an id.

    seed 001 第十一条(六)33 (5000元及以上) + 第二十一条(四): 5 of 5 present, 5 yes -> passed;
    the money-limit reason cites its clause for a rule-file path too.
    """
    rules = tmp_path / "my_rules.toml"
    rules.write_text((INSTITUTIONS_DIR / "prefecture_medical_security_party_group.toml")
                     .read_text(encoding="utf-8"), encoding="utf-8")
    members = [{"id": "sec", "role": "leader"}] + [{"id": f"m{i}"} for i in range(1, 5)]
    data = {
        "institution": "my_rules.toml", "body": "party_group",
        "matter": {"category": "large_funds", "amount": 5000},
        "members": members, "absent": [],
        "speaking_order": ["m1", "m2", "m3", "m4", "sec"],
        "votes": {"sec": "同意", "m1": "赞成", "m2": "yes", "m3": "YES", "m4": "同意"},
    }
    path = tmp_path / "meeting.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = json.loads(ok("decide", str(path), "--json"))
    assert out["outcome"] == "passed"
    assert out["tally"]["yes"] == 5
    money = [r for r in out["reasons"] if r["rule"] == "routes"]
    assert money and money[0]["cite"] == "seed 001, 第十一条(六)33"
    assert "NOT" not in money[0]["en"] and "fits no route" not in money[0]["en"]


def _toml_meeting(tmp_path: Path) -> tuple[Path, Path]:
    json_path = _close_split_meeting(tmp_path)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    lines = [f'institution = "{data["institution"]}"', f'body = "{data["body"]}"',
             f'present = {json.dumps(data["present"])}',
             f'speaking_order = {json.dumps(data["speaking_order"])}',
             "members = [" + ", ".join(
                 f'{{ id = "{m["id"]}", role = "{m.get("role", "member")}" }}'
                 for m in data["members"]) + "]",
             "[matter]", 'category = "ordinary"', "[votes]"]
    lines += [f'{k} = "{v}"' for k, v in data["votes"].items()]
    toml_path = tmp_path / "close_split.toml"
    toml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return json_path, toml_path


def test_decide_toml_meeting_same_as_json(tmp_path: Path) -> None:
    """The TOML meeting format gives the same decision as the JSON one (close split 4 : 3)."""
    json_path, toml_path = _toml_meeting(tmp_path)
    a = json.loads(ok("decide", str(json_path), "--json"))
    b = json.loads(ok("decide", str(toml_path), "--json"))
    assert a == b
    assert a["outcome"] == "deferred"  # 第二十一条(四) close split of one, the default reading


def test_validate_toml_meeting(tmp_path: Path) -> None:
    _, toml_path = _toml_meeting(tmp_path)
    assert ok("validate", str(toml_path)).startswith(f"ok: meeting file {toml_path}")


@pytest.mark.parametrize("kind", ["rule", "meeting"])
def test_schema_command_prints_the_committed_json_schema(kind: str) -> None:
    """`quorumlab schema KIND` prints exactly docs/schemas/KIND-file.schema.json."""
    result = CliRunner().invoke(main, ["schema", kind])
    assert result.exit_code == 0, result.output
    committed = Path(__file__).resolve().parents[1] / "docs" / "schemas" / f"{kind}-file.schema.json"
    assert json.loads(result.output) == json.loads(committed.read_text(encoding="utf-8"))
