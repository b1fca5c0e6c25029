"""Meeting files against their schema (model/meeting_schema.py): strict values, closed tables,
rule-file paths read from the meeting file's folder, the committed JSON Schema, and random
mutations of the example meetings that must load or fail as one user error."""

from __future__ import annotations

import copy
import json
import os
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bad_input import assert_one_line_error, cli

from model.errors import MeetingFileError, QuorumlabError
from model.evaluator import decide
from model.io import load_meeting, meeting_from_dict, meeting_to_dict
from model.loader import INSTITUTIONS_DIR, builtin_ids
from model.meeting import ROLES, VOTE_WORDS, Meeting, Outcome, Vote
from model.meeting_schema import MemberSchema, meeting_file_json_schema
from simulations.meetings import ORDERS
from simulations.sweep import PARAMETERS, GridSchema, Order, SampleSchema

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "schemas" / "meeting-file.schema.json"
EXAMPLES = sorted((ROOT / "model" / "examples").glob("*.json"))
PREF = ROOT / "model" / "examples" / "prefecture_cadre_recusal.json"
XIUZHOU = ROOT / "model" / "examples" / "xiuzhou_personnel_silent_member.json"
REGENERATE = ('python -c "import json; from model.meeting_schema import meeting_file_json_schema '
              'as s; print(json.dumps(s(), indent=2, ensure_ascii=False))" '
              "> docs/schemas/meeting-file.schema.json")
VALIDATOR = jsonschema.Draft202012Validator(meeting_file_json_schema())


def example(path: Path = PREF) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def error_of(data: Any, base_dir: Path | None = None) -> str:
    with pytest.raises(MeetingFileError) as info:
        meeting_from_dict(data, base_dir)
    text = str(info.value)
    assert "\n" not in text and "(fix: " in text, text
    return text


# ------------------------------------------------------------------------ strict values
def test_a_quoted_false_is_an_error_not_true() -> None:
    """"false" used to be read as true, turning the prefecture example into an ad-hoc item
    (procedure_violation).  Without quotes the example passes: 5 of 7 present (3·5 >= 2·7,
    seed 001 第二十一条(四)), 4 yes of 7 due (2·4 > 7)."""
    data = example()
    data["matter"]["ad_hoc"] = "false"
    assert error_of(data) == ("field 'matter.ad_hoc': should be true or false, got 'false' "
                              "(fix: write ad_hoc = true or false, without quotes)")
    data["matter"]["ad_hoc"] = False
    assert decide(meeting_from_dict(data)).outcome == Outcome.PASSED


def test_portfolios_must_be_a_list() -> None:
    """A string used to be split into letters, hiding the personnel owner (the deputy)."""
    data = example(XIUZHOU)
    data["members"][1]["portfolios"] = "personnel"
    msg = error_of(data)
    assert msg.startswith("field 'members[1].portfolios': should be a list, got 'personnel'")
    data["members"][1]["portfolios"] = ["personnel"]
    assert meeting_from_dict(data).owns("deputy")


@pytest.mark.parametrize(("change", "field", "words"), [
    (("matter", "emergency", 1), "matter.emergency", "should be true or false, got 1"),
    (("matter", "amount", -1), "matter.amount", "greater than or equal to 0"),
    (("matter", "amount", 5000.0), "matter.amount", "should be a whole number"),
    (("matter", "amount", True), "matter.amount", "should be a whole number"),
    (("matter", "amount", "5000"), "matter.amount", "should be a whole number"),
    (("matter", "persons_involved", "wang"), "matter.persons_involved", "should be a list"),
    (("matter", "colour", "red"), "matter.colour", "unknown field"),
    ((None, "present", ["secretary", 3]), "present[1]", "should be a quoted string, got 3"),
    ((None, "votes", {"li": "maybe"}), "votes.li", "'maybe' is not a vote"),
    ((None, "votes", {"li": 1}), "votes.li", "should be a quoted string"),
    ((None, "votes", ["li"]), "votes", "should be a table"),
    ((None, "written_opinions", {"chen": "perhaps"}), "written_opinions.chen", "is not a vote"),
    ((None, "vote_called", "yes"), "vote_called", "should be true or false"),
    ((None, "chair", 0), "chair", "should be a quoted string"),
    ((None, "speaking_order", "li"), "speaking_order", "should be a list"),
    ((None, "members", []), "members", "at least 1 item"),
    ((None, "members", [{"id": "a", "role": "boss"}]), "members[0].role",
     "should be one of 'leader', 'deputy', 'member', got 'boss'"),
    ((None, "members", [{"id": 7, "role": "leader"}]), "members[0].id", "quoted string"),
    ((None, "members", [{"role": "leader"}]), "members[0].id", "is missing"),
    ((None, "members", [{"id": "a", "role": "leader", "rank": 1}]), "members[0].rank",
     "unknown field"),
    ((None, "institution", ""), "institution", "at least 1 character"),
    ((None, "mood", "good"), "mood", "unknown field"),
])
def test_strict_closed_fields(change: tuple[str | None, str, Any], field: str, words: str) -> None:
    table, key, value = change
    data = example()
    (data[table] if table else data)[key] = value
    msg = error_of(data)
    assert msg.startswith(f"field '{field}': "), msg
    assert words in msg, msg


def test_unknown_key_lists_the_allowed_keys() -> None:
    data = example()
    data["vots"] = {}
    msg = error_of(data)
    for key in ("votes", "present", "absent", "written_opinions", "speaking_order"):
        assert key in msg.split("fix: ")[1]


def test_present_and_absent_exclude_each_other_and_absent_names_members() -> None:
    data = example()
    data["absent"] = ["sun"]
    assert error_of(data).startswith("field 'absent': give 'present' or 'absent', not both")
    del data["present"]
    data["absent"] = ["nobody"]
    assert error_of(data).startswith("field 'absent': unknown member id 'nobody'")
    data["absent"] = ["chen", "sun"]  # the example's absent members: the same meeting
    assert meeting_from_dict(data) == meeting_from_dict(example())


def test_every_vote_word_in_any_case_reads_as_its_vote() -> None:
    for word, name in VOTE_WORDS.items():
        for written in {word, word.upper(), word.capitalize()}:
            data = example()
            data["votes"] = {"li": written}
            data["speaking_order"] = ["li"]
            assert meeting_from_dict(data).votes["li"] == Vote[name]


def test_schema_word_lists_match_the_model() -> None:
    """Roles, speaking orders and sweep parameters are written once in the model; the schemas'
    fixed lists must stay equal to them."""
    assert typing.get_args(MemberSchema.model_fields["role"].annotation) == ROLES
    assert set(typing.get_args(Order)) == set(ORDERS)
    assert set(GridSchema.model_fields) == set(PARAMETERS)
    assert set(SampleSchema.model_fields) == set(PARAMETERS) - {"order"} | {"points"}


def test_board_size_is_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUORUMLAB_LIMIT_BOARD_MEMBERS", "6")
    msg = error_of(example())  # 7 members
    assert msg.startswith("field 'members': 7 members is more than the limit of 6")
    assert "QUORUMLAB_LIMIT_BOARD_MEMBERS=7" in msg
    monkeypatch.setenv("QUORUMLAB_LIMIT_BOARD_MEMBERS", "7")
    assert len(meeting_from_dict(example()).members) == 7


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 9), data=st.data())
def test_round_trip(n: int, data: st.DataObject) -> None:
    """meeting_from_dict(meeting_to_dict(m)) == m for meetings of any shape."""
    present = data.draw(st.integers(1, n))
    yes = data.draw(st.integers(0, present))
    no = data.draw(st.integers(0, present - yes))
    matter = data.draw(st.fixed_dictionaries({}, optional={
        "amount": st.integers(0, 10**7), "portfolio": st.sampled_from(["personnel", "finance"]),
        "emergency": st.booleans(), "ad_hoc": st.booleans(), "unclear": st.booleans()}))
    m = Meeting.simple("xiuzhou_district", "leadership", "ordinary", n=n, present=present,
                       yes=yes, no=no, **matter)
    assert meeting_from_dict(meeting_to_dict(m)) == m
    assert meeting_from_dict(json.loads(json.dumps(meeting_to_dict(m)))) == m


# ------------------------------------------------------------------------ rule-file paths
def _rules(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "my_rules.toml"
    path.write_text((INSTITUTIONS_DIR / "prefecture_medical_security_party_group.toml")
                    .read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _meeting_naming(folder: Path, institution: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = example()
    data["institution"] = institution
    path = folder / "meeting.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_relative_rule_file_is_read_from_the_meeting_folder_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule file in the working folder, none beside the meeting: an error naming the path
    looked at (it used to fall back to the working folder)."""
    monkeypatch.chdir(tmp_path)
    _rules(tmp_path)
    meeting = _meeting_naming(tmp_path / "a", "my_rules.toml")
    resolved = str(Path("a") / "my_rules.toml")
    with pytest.raises(MeetingFileError) as info:
        load_meeting(Path("a") / "meeting.json")
    assert str(info.value).startswith(f"{Path('a') / 'meeting.json'}: field 'institution': "
                                      f"rule file {resolved!r} not found (a relative path is "
                                      "read from the meeting file's folder)")
    assert_one_line_error(cli("decide", str(meeting)), "field 'institution'",
                          str(tmp_path / "a" / "my_rules.toml"), "not found")
    _rules(tmp_path / "a")  # beside the meeting: found
    assert load_meeting(Path("a") / "meeting.json").institution == resolved
    assert cli("decide", str(meeting)).exit_code == 0


def test_stdin_reads_a_relative_rule_file_from_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = json.dumps({**example(), "institution": "my_rules.toml"}, ensure_ascii=False)
    r = cli_input(text, "decide", "-")
    assert_one_line_error(r, "<stdin>", "field 'institution'", "'my_rules.toml' not found",
                          "working folder")
    _rules(tmp_path)
    assert cli_input(text, "decide", "-").exit_code == 0


def test_absolute_rule_file_path(tmp_path: Path) -> None:
    rules = _rules(tmp_path / "rules")
    meeting = _meeting_naming(tmp_path / "elsewhere", str(rules))
    assert load_meeting(meeting).institution == str(rules)
    os.remove(rules)
    with pytest.raises(MeetingFileError, match=f"rule file '{rules}' not found"):
        load_meeting(meeting)


def test_counterexample_of_a_relative_rule_file_replays_from_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check --report writes the rule file's path relative to the counterexample's folder,
    so the meeting file replays from anywhere."""
    monkeypatch.chdir(tmp_path)
    _rules(tmp_path)
    r = cli("check", "my_rules.toml", "--sizes", "4", "--jobs", "1", "--property",
            "no_chair_veto", "--report", "rep")
    assert r.exit_code in (0, 1), r.output
    [first, *_] = sorted((tmp_path / "rep" / "counterexamples").glob("*.json"))
    assert json.loads(first.read_text(encoding="utf-8"))["institution"] == str(
        Path("..") / ".." / "my_rules.toml")
    assert cli("decide", str(first)).exit_code == 0


def cli_input(text: str, *args: str) -> Any:
    from click.testing import CliRunner

    from quorumlab.cli import main

    return CliRunner().invoke(main, list(args), input=text)


# ------------------------------------------------------------------------ JSON Schema
def test_committed_json_schema_is_the_generated_one() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == meeting_file_json_schema(), f"regenerate it: {REGENERATE}"


def test_json_schema_is_valid_documents_every_field_and_accepts_the_examples() -> None:
    schema = meeting_file_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert EXAMPLES
    for path in EXAMPLES:
        errors = [e.message for e in validator.iter_errors(example(path))]
        assert not errors, (path.name, errors)
    for name, sub in [("", schema), *schema["$defs"].items()]:
        for key, prop in sub["properties"].items():
            assert "description" in prop, f"{name}.{key}"


@pytest.mark.parametrize(("change", "path"), [
    ({"present": ["secretary"], "absent": ["sun"]}, None),
    ({"matter": {"category": "cadre", "ad_hoc": "false"}}, ["matter", "ad_hoc"]),
    ({"votes": {"li": "maybe"}}, ["votes", "li"]),
    ({"members": [{"id": "a", "role": "leader", "portfolios": "personnel"}]},
     ["members", 0, "portfolios"]),
    ({"mood": 1}, None),
])
def test_json_schema_rejects_what_the_loader_rejects(change: dict[str, Any],
                                                     path: list[Any] | None) -> None:
    data = {**example(), **change}
    errors = list(VALIDATOR.iter_errors(data))
    assert errors
    if path is not None:
        assert [list(e.absolute_path) for e in errors] == [path]
    error_of(data)


# ------------------------------------------------------------------------ random mutations
_KEYS = ["institution", "body", "matter", "members", "present", "absent", "recused",
         "written_opinions", "speaking_order", "votes", "chair", "vote_called", "category",
         "amount", "portfolio", "persons_involved", "emergency", "ad_hoc", "unclear", "id",
         "role", "portfolios", "note"]
_WORDS = ["secretary", "deputy", "li", "wang", "zhao", "chen", "sun", "director", "personnel",
          "leader", "member", "false", "true", "x.toml", "../x.toml", "/", "", "\x00.toml",
          *VOTE_WORDS, *builtin_ids(), "party_group", "leadership", "cadre", "ordinary"]
_SCALARS = (st.none() | st.booleans() | st.integers(-2, 10**6) | st.integers()
            | st.floats(allow_nan=True) | st.text(max_size=6) | st.sampled_from(_WORDS))
_IDS = st.sampled_from(_WORDS[:9])
_PLAUSIBLE = (st.sampled_from(_WORDS) | st.booleans() | st.integers(0, 20_000)
              | st.lists(_IDS, max_size=4, unique=True)
              | st.dictionaries(_IDS, st.sampled_from(list(VOTE_WORDS)), max_size=4))
_VALUES = _PLAUSIBLE | _PLAUSIBLE | st.recursive(
    _SCALARS, lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(_KEYS + _WORDS), inner, max_size=3), max_leaves=6)


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of the kind of ``value``: a flag, a count, a word, fewer items."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(0, 20_000)
    if isinstance(value, str):
        return st.sampled_from(_WORDS)
    if isinstance(value, list) and value:
        return st.permutations(value).flatmap(lambda v: st.integers(0, len(v)).map(
            lambda k: v[:k]))
    if isinstance(value, dict) and value:
        return st.sets(st.sampled_from(sorted(value))).map(
            lambda keys: {k: v for k, v in value.items() if k in keys})
    return _VALUES


def _places(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document (the paths of all nodes, the root included)."""
    out = [path]
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else ()
    for key, sub in items:
        out += _places(sub, (*path, key))
    return out


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    doc = copy.deepcopy(example(draw(st.sampled_from(EXAMPLES))))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        place = draw(st.sampled_from(_places(doc)))
        if not place:
            doc = draw(_VALUES) if draw(st.integers(0, 9)) == 0 else doc
            continue
        parent = doc
        for key in place[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(["tweak", "tweak", "replace", "delete", "add"]))
        if op == "tweak":  # a value of the same kind: often still a valid meeting
            parent[place[-1]] = draw(_like(parent[place[-1]]))
        elif op == "replace":
            parent[place[-1]] = draw(_VALUES)
        elif op == "delete":
            del parent[place[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(_KEYS + _WORDS))] = draw(_VALUES)
        else:
            parent.append(draw(_VALUES))
        if not isinstance(doc, dict | list):
            break
    return doc


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=mutated())
def test_mutated_examples_load_or_fail_as_one_user_error(doc: Any) -> None:
    """A mutated example meeting loads, or raises one one-line QuorumlabError; a loaded
    meeting is decided, or refused with one QuorumlabError (an unknown body, say), and the
    JSON Schema accepts every file the loader accepts."""
    try:
        meeting = meeting_from_dict(doc)
    except QuorumlabError as err:
        assert "\n" not in str(err) and err.fix, str(err)
        return
    errors = [e.message for e in VALIDATOR.iter_errors(doc)]
    assert not errors, errors
    try:
        decision = decide(meeting)
    except QuorumlabError as err:
        assert "\n" not in str(err), str(err)
        return
    assert decision.outcome in Outcome
