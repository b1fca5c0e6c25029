"""Issue 12 conventions for the model commands (list, show, validate, decide, route, coverage):
one JSON document matching docs/schemas/<command>.schema.json; rich tables whose columns stay
aligned with Chinese text (display width measured by wcwidth); ``-`` reads a meeting from
standard input; every error's fix names an action in the command that was run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner, Result
from wcwidth import wcswidth

from model.coverage import STATUSES
from model.evaluator import decide
from model.io import meeting_to_dict
from model.loader import INSTITUTIONS_DIR, builtin_ids, load_institution
from model.meeting import Meeting
from quorumlab.cli import main
from quorumlab.console import cell_start

ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = ROOT / "docs" / "schemas"
EXAMPLES = sorted((ROOT / "model" / "examples").glob("*.json"))
EXAMPLE = ROOT / "model" / "examples" / "prefecture_cadre_recusal.json"
IDS = builtin_ids()
WIDTH = 100  # CliRunner's stdout is not a terminal: tables are 100 columns wide


def run(*args: str, input: str | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=input)
    assert "Traceback" not in result.output
    return result


def ok(*args: str, input: str | None = None) -> str:
    result = run(*args, input=input)
    assert result.exit_code == 0, result.output
    return result.stdout


def error_line(*args: str, input: str | None = None) -> str:
    """The one line a user error prints on stderr (exit status 2, nothing on stdout)."""
    result = run(*args, input=input)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    assert "(fix: " in lines[0]
    return lines[0]


def fix_of(line: str) -> str:
    return line.rsplit("(fix: ", 1)[1]


def json_of(command: str, *args: str, input: str | None = None) -> Any:
    """``quorumlab COMMAND ARGS --json``: exactly one JSON document on stdout, valid against
    docs/schemas/COMMAND.schema.json."""
    result = run(command, *args, "--json", input=input)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)  # one document: trailing text would not parse
    schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(doc, schema, cls=jsonschema.Draft202012Validator)
    return doc


def simple_meeting(iid: str) -> dict[str, Any]:
    """A plain meeting of the institution's first (body, matter): 7 members, 6 present."""
    body, matter = next(iter(load_institution(iid).pairs()))
    return meeting_to_dict(Meeting.simple(iid, body, matter, n=7, present=6, yes=4, no=2))


# ---- JSON against the schemas -------------------------------------------------------

def test_schemas_document_every_key() -> None:
    """Every property of every schema has a description (the schema is the documentation)."""
    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, sub in node.get("properties", {}).items():
                assert "description" in sub or "$ref" in sub, f"{where}.{key}"
            for key, sub in node.items():
                walk(sub, f"{where}.{key}")
        elif isinstance(node, list):
            for k, sub in enumerate(node):
                walk(sub, f"{where}[{k}]")

    for command in ("list", "show", "validate", "decide", "route", "coverage", "order", "stall"):
        schema = json.loads((SCHEMAS / f"{command}.schema.json").read_text(encoding="utf-8"))
        assert schema["description"] and schema["title"] == f"quorumlab {command} --json"
        jsonschema.Draft202012Validator.check_schema(schema)
        walk(schema, command)


def test_list_json() -> None:
    doc = json_of("list")
    assert [i["id"] for i in doc["institutions"]] == IDS
    for entry in doc["institutions"]:
        inst = load_institution(entry["id"])
        assert entry["seed"] == inst.seed
        assert [b["id"] for b in entry["bodies"]] == list(inst.bodies)


@pytest.mark.parametrize("iid", IDS)
def test_show_json(iid: str) -> None:
    doc = json_of("show", iid)
    inst = load_institution(iid)
    assert doc["id"] == iid and doc["seed"] == inst.seed
    assert [(r["body"], r["matter"]) for r in doc["rulesets"]] == list(inst.pairs())
    assert len(doc["routes"]) == len(inst.routes)
    for rs, out in zip(inst.rulesets.values(), doc["rulesets"], strict=True):
        assert [p["id"] for p in out["open_points"]] == [p.field for p in rs.points]
        for field, entry in out["fields"].items():
            point = rs.point_of(field)
            if "open_point" in entry:  # a field an open point sets: its readings say how
                assert point is not None and entry["open_point"] == point.field
            else:
                assert entry["cite"] == rs.cite[field] and entry["cite"].startswith(
                    f"seed {inst.seed},")


def test_show_json_of_a_rule_file_path() -> None:
    path = INSTITUTIONS_DIR / "xiuzhou_district.toml"
    assert json_of("show", str(path))["id"] == "xiuzhou_district"


@pytest.mark.parametrize("iid", IDS)
def test_validate_json_rule_file_and_meeting(iid: str) -> None:
    path = INSTITUTIONS_DIR / f"{iid}.toml"
    doc = json_of("validate", str(path))
    assert doc["kind"] == "rule_file" and doc["institution"] == iid
    assert doc["bodies"] == list(load_institution(iid).bodies)
    meeting = simple_meeting(iid)
    doc = json_of("validate", "-", input=json.dumps(meeting, ensure_ascii=False))
    assert doc == {"ok": True, "kind": "meeting", "file": "<stdin>", "institution": iid,
                   "body": meeting["body"], "matter": meeting["matter"]["category"],
                   "members": 7, "present": 6}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_validate_and_decide_json_of_the_examples(path: Path) -> None:
    assert json_of("validate", str(path))["file"] == str(path)
    doc = json_of("decide", str(path))
    assert doc == json.loads(json.dumps(decide(_load(path)).to_dict()))


def _load(path: Path) -> Meeting:
    from model.io import load_meeting

    return load_meeting(path)


@pytest.mark.parametrize("iid", IDS)
def test_decide_json_for_every_institution(iid: str) -> None:
    meeting = simple_meeting(iid)
    doc = json_of("decide", "-", input=json.dumps(meeting, ensure_ascii=False))
    assert doc["institution"] == iid and len(doc["by_reading"]) >= 1
    first = doc["by_reading"][0]
    one = json_of("decide", "-", *[f"--reading={k}={v}" for k, v in first["reading"].items()],
                  input=json.dumps(meeting, ensure_ascii=False))
    assert one["outcome"] == first["outcome"] and len(one["by_reading"]) == 1


@pytest.mark.parametrize("iid", IDS)
def test_route_json(iid: str) -> None:
    inst = load_institution(iid)
    for category in inst.matters:
        doc = json_of("route", iid, "--category", category)
        assert doc["category"] == category and doc["amount"] is None
    for r in inst.routes:
        if r.amount is not None:
            amount = r.amount.limit + (1 if r.amount.op in (">", ">=") else -1)
            doc = json_of("route", iid, "--category", r.category, "--amount", str(amount))
            assert r.cite in {x["cite"] for x in doc["routes"]}


def test_route_json_outside_the_category() -> None:
    """seed 004 三重一大 一(五)1: 超过2万元 is strict, so 20000 yuan is not large_funds."""
    doc = json_of("route", "city_medical_security_bureau", "--category", "large_funds",
                  "--amount", "20000")
    assert doc["routes"] == [] and doc["outside_category"] is True and doc["must_decide"] is None


@pytest.mark.parametrize("iid", IDS)
def test_coverage_json(iid: str) -> None:
    doc = json_of("coverage", iid)
    assert doc["institution"] == iid and doc["status"] is None
    for status in STATUSES:
        sub = json_of("coverage", iid, "--status", status)
        assert sub["shown"] == doc["counts"][status] == len(sub["clauses"])


# ---- tables -------------------------------------------------------------------------

def blocks(text: str, header_starts: tuple[str, ...]) -> list[list[str]]:
    """The tables of ``text``: from a header line to the next blank line."""
    out: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith(header_starts):
            current = [line]
            out.append(current)
        elif current is not None and line.strip():
            current.append(line)
        else:
            current = None
    return out


@pytest.mark.parametrize("iid", IDS)
def test_show_citation_column_aligned(iid: str) -> None:
    """In every table of ``show`` (100 columns), each citation starts at the column of the
    'cite' header, measured in display columns (a Chinese character is two)."""
    out = ok("show", iid)
    seed = load_institution(iid).seed
    tables = blocks(out, ("field ", "category / amount "))
    assert len(tables) >= len(load_institution(iid).bodies)
    checked = 0
    for table in tables:
        start = cell_start(table[0], "cite")
        assert start > 0
        for line in table[1:]:
            if f"seed {seed}," in line:
                assert cell_start(line, f"seed {seed},") == start, (table[0], line)
                checked += 1
    assert checked >= 10
    assert any(wcswidth(line) > len(line) for t in tables for line in t)  # Chinese in the tables
    assert max(wcswidth(line) for line in out.splitlines()) <= WIDTH  # long values wrap


@pytest.mark.parametrize("iid", IDS)
def test_show_keeps_its_information(iid: str) -> None:
    """Open points with every reading, tied fields, each cumulative requirement with its
    cite, and the routes, as before the tables."""
    out = ok("show", iid)
    flat = " ".join(out.split())
    inst = load_institution(iid)
    for rs in inst.rulesets.values():
        for p in rs.points:
            assert f"OPEN {p.field!r}" in out
            for r in p.readings:
                assert f"- {r.name}" in out
            if len(p.fields) > 1:
                assert f"ties {', '.join(p.fields)}" in flat
        for f in ("quorum", "passing"):
            for item in rs.values[f]:
                if hasattr(item, "cite"):
                    assert item.cite.split("; ")[0] in out
    for r in inst.routes:
        assert r.category in out and r.cite.split("; ")[0] in out
    if inst.routes:
        assert "Routes (first match" in out


def test_list_route_and_coverage_are_tables() -> None:
    out = ok("list")
    assert out.count("body ") >= len(IDS)  # one body table per institution
    assert max(wcswidth(line) for line in out.splitlines()) <= WIDTH
    out = ok("route", "city_medical_security_bureau", "--category", "durable_goods_purchase")
    lines = out.splitlines()
    head = cell_start(lines[0], "cite")
    cites = [line for line in lines if "seed 004," in line]
    assert len(cites) == 2 and {cell_start(line, "seed 004,") for line in cites} == {head}
    assert lines[[i for i, line in enumerate(lines) if "body party_group" in line][0]
                 ].startswith("->")
    assert "DISAGREE" in out
    out = ok("coverage", "city_medical_security_bureau")
    header = out.splitlines()[0]
    quotes = [line for line in out.splitlines() if line.lstrip().startswith("「")]
    assert quotes and {cell_start(q, "「") for q in quotes} == {cell_start(header, "fields / why")}
    assert max(wcswidth(line) for line in out.splitlines()) <= WIDTH


# ---- standard input -----------------------------------------------------------------

def test_decide_from_stdin_json_and_toml() -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert ok("decide", "-", input=text) == ok("decide", str(EXAMPLE))
    assert ok("decide", "-", "--json", input=text) == ok("decide", str(EXAMPLE), "--json")
    toml = "\n".join([
        'institution = "prefecture_medical_security_party_group"', 'body = "party_group"',
        'present = ["sec", "m1", "m2", "m3", "m4"]',
        'members = [{ id = "sec", role = "leader" }, { id = "m1" }, { id = "m2" }, '
        '{ id = "m3" }, { id = "m4" }]',
        "[matter]", 'category = "ordinary"',
        "[votes]", 'sec = "yes"', 'm1 = "yes"', 'm2 = "yes"', 'm3 = "yes"', 'm4 = "no"'])
    doc = json.loads(ok("decide", "-", "--json", input=toml))
    assert doc["outcome"] == "passed" and doc["tally"]["yes"] == 4  # 4 > 5/2 (第二十一条(四))
    assert ok("validate", "-", input=toml).startswith("ok: meeting file <stdin>: 5 members")


def test_stdin_meeting_names_a_rule_file_relative_to_the_working_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "my_rules.toml").write_text(
        (INSTITUTIONS_DIR / "xiuzhou_district.toml").read_text(encoding="utf-8"), encoding="utf-8")
    meeting = simple_meeting("xiuzhou_district")
    meeting["institution"] = "my_rules.toml"
    monkeypatch.chdir(tmp_path)
    doc = json.loads(ok("decide", "-", "--json", input=json.dumps(meeting, ensure_ascii=False)))
    assert doc["outcome"] == decide(Meeting.simple("xiuzhou_district", meeting["body"],
                                                   meeting["matter"]["category"], n=7,
                                                   present=6, yes=4, no=2)).outcome.label
    assert ok("validate", "-", input=json.dumps(meeting)).startswith("ok: meeting file <stdin>")


@pytest.mark.parametrize("command", ["decide", "validate"])
def test_stdin_errors_name_stdin(command: str) -> None:
    line = error_line(command, "-", input='{"institution": "xiuzhou_district",\n "body": }\n')
    assert line.startswith("error: <stdin>: not valid JSON") and "line 2" in line
    line = error_line(command, "-", input="institution = [\n")
    assert line.startswith("error: <stdin>: not valid JSON or TOML")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["votes"] = {"zz": "yes"}
    line = error_line(command, "-", input=json.dumps(data))
    assert line.startswith("error: <stdin>: field 'votes': unknown member id 'zz'")
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["body"] = "plenary"
    assert error_line(command, "-", input=json.dumps(data)).startswith(
        "error: <stdin>: field 'body'")
    line = error_line(command, "-", input="")
    assert "<stdin>" in line and "empty" in line


def test_validate_stdin_rule_file_asks_for_its_path() -> None:
    text = (INSTITUTIONS_DIR / "xiuzhou_district.toml").read_text(encoding="utf-8")
    line = error_line("validate", "-", input=text)
    assert "<stdin>" in line and "quorumlab validate" in fix_of(line)


# ---- errors lead to an action in the command that was run ---------------------------

def test_route_unknown_category_fix_names_the_flag() -> None:
    line = error_line("route", "taobei_district_government", "--category", "large_funds")
    assert "'large_funds'" in line
    assert fix_of(line).startswith("give --category one of") and "investment_funds" in line


def test_decide_unknown_reading_fix_names_the_flag() -> None:
    line = error_line("decide", str(EXAMPLE), "--reading", "deferral=coin_toss")
    assert "coin_toss" in line and str(EXAMPLE) not in line  # the flag is wrong, not the file
    assert "--reading deferral=close_split" in fix_of(line)
    line = error_line("decide", str(EXAMPLE), "--reading", "quorum_word=strict")
    assert "quorum_word" in line
    assert fix_of(line).startswith("drop --reading quorum_word=strict") and "deferral" in line
    line = error_line("decide", str(EXAMPLE), "--reading", "deferral")
    assert "--reading deferral=" in fix_of(line)


def test_coverage_without_ledger_fix_names_the_argument(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text((INSTITUTIONS_DIR / "xiuzhou_district.toml").read_text(encoding="utf-8"),
                    encoding="utf-8")
    line = error_line("coverage", str(path))
    assert "no clause ledger" in line and "mine.coverage.toml" in fix_of(line)
    assert "xiuzhou_district" in fix_of(line)  # or give a built-in id


def test_show_unknown_institution_fix_names_the_argument() -> None:
    line = error_line("show", "no_such_body")
    assert all(iid in fix_of(line) for iid in IDS) and "rule file" in fix_of(line)
