"""Bad input: every user error is ONE clear message naming the file, the field and the fix.

Each case is checked twice: the library exception (``model.errors.*``) and the CLI
(``quorumlab validate|decide|show`` through ``click.testing.CliRunner``): exit code 2, one
line starting with ``error:``, no traceback.  Bad files are written into ``tmp_path``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from model.errors import (
    MeetingFileError,
    QuorumlabError,
    RuleFileError,
    ThresholdError,
    UnknownInstitutionError,
)
from model.evaluator import decide
from model.io import load_meeting
from model.loader import INSTITUTIONS_DIR, load_institution, load_rule_file
from model.thresholds import parse_threshold
from quorumlab.cli import main

RULES = INSTITUTIONS_DIR / "prefecture_medical_security_party_group.toml"
EXAMPLE = Path(__file__).resolve().parents[1] / "model" / "examples" / "prefecture_cadre_recusal.json"


# ------------------------------------------------------------------------------ helpers
def rule_file(tmp_path: Path, old: str, new: str, name: str = "bad_rules.toml") -> Path:
    src = RULES.read_text(encoding="utf-8")
    assert old in src, old
    path = tmp_path / name
    path.write_text(src.replace(old, new, 1), encoding="utf-8")
    return path


def meeting_file(tmp_path: Path, name: str = "bad_meeting.json", **changes: Any) -> Path:
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(result: Result, *parts: str) -> str:
    """Exit 2, exactly one non-empty line, starting with 'error:', containing ``parts``."""
    text = result.output
    assert "Traceback" not in text
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 2, text
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    line = lines[0]
    assert line.startswith("error:"), line
    for part in parts:
        assert part in line, (part, line)
    return line


def message_of(exc_type: type[Exception], fn: Any, *args: Any) -> str:
    with pytest.raises(exc_type) as info:
        fn(*args)
    text = str(info.value)
    assert "\n" not in text
    return text


# ------------------------------------------------------------------------------ rule files
def test_malformed_toml_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('[institution\nid = "x"\n', encoding="utf-8")
    msg = message_of(RuleFileError, load_rule_file, path)
    assert str(path) in msg and "not valid TOML" in msg and "line 1" in msg
    assert "fix:" in msg
    assert_one_line_error(cli("validate", str(path)), str(path), "not valid TOML", "line 1")
    assert_one_line_error(cli("show", str(path)), str(path), "not valid TOML")


def test_unknown_rule_field(tmp_path: Path) -> None:
    path = rule_file(tmp_path, "[defaults]\n",
                     '[defaults]\nspeaker_order = { value = "leader", cite = "seed 001, 第二十一条(四)" }\n')
    msg = message_of(RuleFileError, load_rule_file, path)
    assert str(path) in msg
    assert "field 'defaults.speaker_order'" in msg and "unknown field" in msg
    assert "last_speaker" in msg  # the fix lists the known fields
    assert_one_line_error(cli("validate", str(path)), str(path), "defaults.speaker_order",
                          "unknown field", "last_speaker")


def test_missing_citation(tmp_path: Path) -> None:
    path = rule_file(tmp_path, 'quorum = { phrase = "三分之二以上", cite = "seed 001, 第二十一条(四)",',
                     'quorum = { phrase = "三分之二以上",')
    msg = message_of(RuleFileError, load_rule_file, path)
    assert str(path) in msg and "field 'defaults.quorum.cite'" in msg and "missing" in msg
    assert "fix: cite the clause" in msg
    assert_one_line_error(cli("validate", str(path)), str(path), "defaults.quorum.cite", "missing")


def test_unknown_threshold_phrase(tmp_path: Path) -> None:
    msg = message_of(ThresholdError, parse_threshold, "三分之二左右")
    assert "'三分之二左右'" in msg and "三分之二以上" in msg and "超过半数" in msg
    path = rule_file(tmp_path, 'quorum = { phrase = "三分之二以上",', 'quorum = { phrase = "三分之二左右",')
    msg = message_of(RuleFileError, load_rule_file, path)
    assert str(path) in msg and "field 'defaults.quorum.phrase'" in msg
    assert "unknown threshold phrase '三分之二左右'" in msg
    assert "fix: use one of" in msg and "三分之二以上" in msg
    assert_one_line_error(cli("validate", str(path)), str(path), "defaults.quorum.phrase",
                          "三分之二左右", "三分之二以上")


def test_threshold_over_100_percent(tmp_path: Path) -> None:
    msg = message_of(ThresholdError, parse_threshold, "三分之五以上")
    assert "'三分之五以上'" in msg and "100%" in msg and "fix:" in msg
    path = rule_file(tmp_path, 'passing = { phrase = "超过半数",', 'passing = { phrase = "三分之五以上",')
    msg = message_of(RuleFileError, load_rule_file, path)
    assert str(path) in msg and "field 'defaults.passing.phrase'" in msg and "100%" in msg
    assert_one_line_error(cli("validate", str(path)), str(path), "defaults.passing.phrase",
                          "三分之五以上", "100%")


def test_bad_enum_value(tmp_path: Path) -> None:
    path = rule_file(tmp_path, 'recusal = { value = "required",', 'recusal = { value = "sometimes",')
    msg = message_of(RuleFileError, load_rule_file, path)
    assert "field 'defaults.recusal.value'" in msg and "'sometimes'" in msg and "'required'" in msg
    assert_one_line_error(cli("validate", str(path)), "defaults.recusal.value", "sometimes")


def test_body_entry_not_a_table(tmp_path: Path) -> None:
    src = RULES.read_text(encoding="utf-8")
    head = src.split("[bodies.party_group]", 1)[0]
    path = tmp_path / "bad_body.toml"
    path.write_text("bodies = { party_group = 3 }\n" + head, encoding="utf-8")
    msg = message_of(RuleFileError, load_rule_file, path)
    assert "bodies.party_group" in msg


def test_structured_threshold_non_integer_numerator(tmp_path: Path) -> None:
    path = rule_file(tmp_path, 'quorum = { phrase = "三分之二以上",', 'quorum = { num = "two", den = 3,')
    msg = message_of(RuleFileError, load_rule_file, path)
    assert "defaults.quorum.num" in msg


def test_top_level_table_of_wrong_type_names_the_field(tmp_path: Path) -> None:
    src = RULES.read_text(encoding="utf-8")
    start = src.index("[institution]")
    end = src.index("[matters.ordinary]")
    path = tmp_path / "bad_head.toml"
    path.write_text('institution = "x"\n' + src[:start] + src[end:], encoding="utf-8")
    msg = message_of(RuleFileError, load_rule_file, path)
    assert "field 'institution'" in msg


# ------------------------------------------------------------------------------ institutions
def test_unknown_institution_id() -> None:
    msg = message_of(UnknownInstitutionError, load_institution, "no_such_body")
    assert "'no_such_body'" in msg and "field 'institution'" in msg
    for iid in ("alxa_medical_security_bureau", "xiuzhou_district", "taobei_district_government"):
        assert iid in msg
    assert_one_line_error(cli("show", "no_such_body"), "no_such_body", "xiuzhou_district")


def test_unknown_institution_in_meeting_file_names_the_file(tmp_path: Path) -> None:
    path = meeting_file(tmp_path, institution="no_such_body")
    assert_one_line_error(cli("decide", str(path)), str(path), "institution", "no_such_body")


def test_unknown_body_in_meeting_file_names_the_meeting_file(tmp_path: Path) -> None:
    path = meeting_file(tmp_path, body="plenary")
    line = assert_one_line_error(cli("validate", str(path)), "body", "plenary")
    assert str(path) in line
    assert "institutions/prefecture_medical_security_party_group.toml" not in line


def test_unknown_body_in_meeting_is_one_line_error(tmp_path: Path) -> None:
    """Whatever file it names, the unknown body is one line with the field and the fix."""
    path = meeting_file(tmp_path, body="plenary")
    with pytest.raises(RuleFileError) as info:
        decide(load_meeting(path))
    assert "field 'body'" in str(info.value) and "'party_group'" in str(info.value)
    assert_one_line_error(cli("decide", str(path)), "field 'body'", "plenary", "party_group")


# ------------------------------------------------------------------------------ meeting files
@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"votes": {"zz": "yes", "deputy": "yes"}}, "field 'votes'",
         ("unknown member id 'zz'", "fix: use one of", "secretary")),
        ({"votes": {"chen": "yes"}}, "field 'votes.chen'",
         ("'chen' is absent but has a vote", "written_opinions")),
        ({"votes": {"wang": "yes"}}, "field 'votes.wang'",
         ("'wang' recused but has a vote", "fix: remove the vote")),
        ({"votes": {"deputy": "maybe"}}, "field 'votes.deputy'",
         ("'maybe' is not a vote", "yes, no, abstain, defer")),
        ({"members": [{"id": "secretary", "role": "leader"}, {"id": "deputy", "role": "leader"},
                      {"id": "li"}, {"id": "wang"}, {"id": "zhao"}, {"id": "chen"},
                      {"id": "sun"}]},
         "field 'members'", ("2 members have role 'leader'", "exactly one")),
        ({"written_opinions": {"li": "yes"}}, "field 'written_opinions.li'",
         ("'li' is present",)),
        ({"absent": ["sun"]}, "field 'absent'", ("not both",)),
        ({"vots": {}}, "field 'vots'", ("unknown field", "votes")),
        ({"recused": ["chen"]}, "field 'recused.chen'", ("recused but is absent",)),
    ],
    ids=["unknown-member", "absent-and-voting", "recused-voting", "bad-vote-word",
         "two-leaders", "present-written-opinion", "present-and-absent", "unknown-field",
         "absent-recused"],
)
def test_bad_meeting_file(tmp_path: Path, changes: dict[str, Any], field: str,
                          words: tuple[str, ...]) -> None:
    path = meeting_file(tmp_path, **changes)
    msg = message_of(MeetingFileError, load_meeting, path)
    assert msg.startswith(f"{path}: {field}:"), msg
    for w in words:
        assert w in msg, (w, msg)
    assert "(fix: " in msg
    for command in ("validate", "decide"):
        assert_one_line_error(cli(command, str(path)), str(path), field, *words)


def test_meeting_json_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"institution": "xiuzhou_district",\n  "body": }\n', encoding="utf-8")
    msg = message_of(MeetingFileError, load_meeting, path)
    assert str(path) in msg and "not valid JSON" in msg and "line 2" in msg
    assert "fix: correct the syntax" in msg
    for command in ("validate", "decide"):
        assert_one_line_error(cli(command, str(path)), str(path), "not valid JSON", "line 2")


def test_meeting_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.json"
    assert_one_line_error(cli("decide", str(path)), str(path), "not found")


def test_bad_reading_option(tmp_path: Path) -> None:
    """--reading must be POINT=NAME with a known reading."""
    path = meeting_file(tmp_path, name="ok.json")
    assert_one_line_error(cli("decide", str(path), "--reading", "deferral"), "--reading",
                          "POINT=NAME")
    assert_one_line_error(cli("decide", str(path), "--reading", "deferral=coin_toss"),
                          "deferral", "coin_toss", "close_split")


def test_all_user_errors_share_one_base_class() -> None:
    for cls in (RuleFileError, MeetingFileError, ThresholdError, UnknownInstitutionError):
        assert issubclass(cls, QuorumlabError)
