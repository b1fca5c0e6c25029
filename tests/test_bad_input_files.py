"""Bad meeting, board and sweep files through the CLI: exit 2, one ``error:`` line naming the
file and the field, no traceback, and nothing written.

Each case writes one bad file into ``tmp_path`` and runs the command that reads it:
``decide FILE`` (meetings), ``simulate ID --board FILE`` (boards), ``sweep FILE`` (sweeps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from test_bad_input import EXAMPLE, assert_one_line_error, cli

PREF = "prefecture_medical_security_party_group"
BOARD = Path(__file__).resolve().parents[1] / "simulations" / "examples" / "board_party_group.toml"


@dataclass(frozen=True)
class Case:
    """One bad file: its name and text, the field it gets wrong, words of the message, and
    any good file written beside it (name, text)."""

    name: str
    text: str
    field: str
    words: tuple[str, ...]
    beside: tuple[tuple[str, str], ...] = ()


def meeting(**changes: Any) -> str:
    """The prefecture example meeting with ``changes`` ("matter.ad_hoc" reaches into tables,
    "members[1].portfolios" into lists; None deletes)."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for where, value in changes.items():
        *path, last = where.replace("[", ".").replace("]", "").split(".")
        node = data
        for key in path:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is None:
            del node[last]
        else:
            node[int(last) if last.isdigit() else last] = value
    return json.dumps(data, ensure_ascii=False)


def board(extra: str, head: str = "") -> str:
    """The example board with ``head`` added to its [board] table and ``extra`` at the end."""
    src = BOARD.read_text(encoding="utf-8").replace("[board]\n", "[board]\n" + head, 1)
    return src + "\n" + extra


def sweep(body: str) -> str:
    return f'[sweep]\ninstitutions = ["{PREF}"]\nmeetings = 200\n' + body


MEETINGS = [
    Case("quoted_false.json", meeting(**{"matter.ad_hoc": "false"}), "matter.ad_hoc",
         ("should be true or false, got 'false'",)),
    Case("portfolio_string.json", meeting(**{"members[1].portfolios": "personnel"}),
         "members[1].portfolios", ("should be a list, got 'personnel'",)),
    Case("negative_amount.json", meeting(**{"matter.amount": -5}), "matter.amount",
         ("greater than or equal to 0", "-5")),
    Case("fractional_amount.json", meeting(**{"matter.amount": 5000.5}), "matter.amount",
         ("a whole number", "5000.5")),
    Case("vote_word.json", meeting(**{"votes.li": "maybe"}), "votes.li",
         ("'maybe' is not a vote", "yes, no, abstain, defer")),
    Case("role.json", meeting(**{"members[0].role": "boss"}), "members[0].role",
         ("'boss'", "'leader', 'deputy', 'member'")),
    Case("id_number.json", meeting(present=["secretary", 3]), "present[1]",
         ("should be a quoted string, got 3",)),
    Case("present_absent.json", meeting(absent=["sun"]), "absent", ("not both",)),
    Case("unknown_key.json", meeting(vots={}), "vots", ("unknown field", "votes")),
    Case("matter_key.json", meeting(**{"matter.colour": "red"}), "matter.colour",
         ("unknown field", "category")),
    Case("opinions_list.json", meeting(written_opinions=["chen"]), "written_opinions",
         ("should be a table",)),
    Case("vote_called.json", meeting(vote_called="yes"), "vote_called",
         ("should be true or false",)),
    Case("members_table.json", meeting(members={"id": "secretary"}), "members",
         ("should be a list",)),
    Case("no_category.json", meeting(**{"matter.category": None}), "matter.category",
         ("is missing",)),
    Case("rules_not_beside.json", meeting(institution="my_rules.toml"), "institution",
         ("my_rules.toml' not found", "meeting file's folder")),
    Case("emergency.toml",
         'institution = "xiuzhou_district"\nbody = "leadership"\npresent = ["a"]\n'
         'members = [{ id = "a", role = "leader" }]\n[matter]\ncategory = "ordinary"\n'
         'emergency = "true"\n', "matter.emergency", ("should be true or false",)),
]

BOARDS = [
    Case("prob.toml", '[board]\nsize = 5\n[defaults]\nattendance = 1.5\n',
         "defaults.attendance", ("less than or equal to 1", "1.5")),
    Case("size_string.toml", '[board]\nsize = "15"\n', "board.size",
         ("a whole number", "'15'")),
    Case("role.toml", board('[[members]]\nid = "x"\nrole = "boss"\n'), "members[5].role",
         ("'boss'",)),
    Case("section.toml", board("[colours]\nsecretary = \"red\"\n"), "colours",
         ("unknown field", "board, defaults, members")),
    Case("count.toml", board('[[members]]\nid = "x"\ncount = 0\n'), "members[5].count",
         ("greater than or equal to 1",)),
    Case("size_and_members.toml", board("", head="size = 9\n"), "board.size",
         ("[[members]] lists the members",)),
    Case("correlation.toml", "[board]\nsize = 5\nattendance_correlation = 1.0\n",
         "board.attendance_correlation", ("less than 1",)),
    Case("portfolios.toml", board('[[members]]\nid = "x"\nportfolios = "finance"\n'),
         "members[5].portfolios", ("should be a list",)),
    Case("huge.toml", "[board]\nsize = 1000000000\n", "board.size",
         ("more than the limit", "QUORUMLAB_LIMIT_BOARD_MEMBERS")),
    Case("conformity.json", json.dumps({"board": {"size": 3}, "defaults": {"conformity": -1}}),
         "defaults.conformity", ("greater than or equal to 0",)),
]

SWEEPS = [
    Case("grid_prob.toml", sweep("[grid]\nattendance = [0.5, 2]\n"), "grid.attendance[1]",
         ("less than or equal to 1",)),
    Case("order.toml", sweep('order = "lst"\n'), "sweep.order", ("'lst'", "'last'")),
    Case("sweep_key.toml", sweep("mettings = 5\n"), "sweep.mettings",
         ("unknown field", "meetings")),
    Case("sample_range.toml", sweep("[sample]\npoints = 2\nattendance = [0.9, 0.5]\n"),
         "sample.attendance", ("low 0.9 is above high 0.5",)),
    Case("seed.toml", sweep("seed = -1\n"), "sweep.seed", ("greater than or equal to 0",)),
    Case("grid_key.toml", sweep("[grid]\nheight = [1]\n"), "grid.height",
         ("unknown field", "attendance")),
    Case("points.toml", sweep("[grid]\nattendance = [" + ", ".join(["0.5"] * 400) + "]\n"
                              "competence = [" + ", ".join(["0.6"] * 400) + "]\n"), "grid",
         ("160000 grid points", "QUORUMLAB_LIMIT_SWEEP_POINTS")),
    Case("board_missing.toml", sweep('board = "no_board.toml"\n'), "sweep.board",
         ("no_board.toml' not found",)),
    Case("board_size.toml", sweep('board = "b.toml"\n[grid]\nsize = [5, 7]\n'), "grid.size",
         ("cannot vary size",), beside=(("b.toml", "[board]\nsize = 3\n"),)),
    Case("institution.toml", '[sweep]\ninstitutions = ["nope"]\n', "sweep.institutions[0]",
         ("'nope'", PREF)),
    Case("meetings.toml", "[sweep]\nmeetings = 0\n", "sweep.meetings",
         ("greater than or equal to 1",)),
    Case("unclear.toml", sweep('[grid]\nunclear = ["yes"]\n'), "grid.unclear[0]",
         ("true or false",)),
]


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def _run(kind: str, path: Path, out: Path) -> Any:
    if kind == "meeting":
        return cli("decide", str(path))
    if kind == "board":
        return cli("simulate", PREF, "--board", str(path), "--meetings", "100", "--out", str(out))
    return cli("sweep", str(path), "--out", str(out), "--workers", "1")


@pytest.mark.parametrize(("kind", "case"), [
    *(("meeting", c) for c in MEETINGS), *(("board", c) for c in BOARDS),
    *(("sweep", c) for c in SWEEPS)], ids=lambda x: x if isinstance(x, str) else x.name)
def test_bad_file_is_one_error_line(kind: str, case: Case, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a default output folder would land here too
    for name, text in case.beside:
        (tmp_path / name).write_text(text, encoding="utf-8")
    path = tmp_path / case.name
    path.write_text(case.text, encoding="utf-8")
    before = _files(tmp_path)
    line = assert_one_line_error(_run(kind, path, tmp_path / "out"), f"field '{case.field}'",
                                 *case.words)
    assert line.startswith(f"error: {path}: field '{case.field}': "), line
    assert "(fix: " in line
    assert _files(tmp_path) == before, "nothing is written"


def test_the_table_is_large_and_distinct() -> None:
    cases = [*MEETINGS, *BOARDS, *SWEEPS]
    assert len(cases) >= 25
    assert len({c.name for c in cases}) == len(cases)


def test_user_error_in_a_sweep_worker_is_one_line(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A user error raised inside a worker process of a 2-worker sweep reaches the CLI as one
    ``error:`` line, exit 2 (QuorumlabError pickles; no BrokenProcessPool).  The spec skips the
    file's checks, so the bad attendance is first seen by the worker's Board."""
    import simulations.sweep as sweep_module

    spec_file = tmp_path / "ok.toml"
    spec_file.write_text(sweep(""), encoding="utf-8")
    checked = sweep_module.load_sweep(spec_file)
    monkeypatch.setattr(sweep_module, "load_sweep",
                        lambda _: replace(checked, grid={"attendance": (0.5, 1.5)}))
    r = cli("sweep", str(spec_file), "--out", str(tmp_path / "out"), "--workers", "2")
    line = assert_one_line_error(r, "attendance", "1.5 is not a probability")
    assert "BrokenProcessPool" not in r.output and "Traceback" not in r.output, line
    assert not (tmp_path / "out").exists()
