"""``check --report``: index.html (self-contained, rendered by headless Chromium: every finding
and its meeting visible, members named by role), a short Markdown, counts that add up."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from quorumlab.cli import main

PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"
COUNTS = re.compile(r"(\d+) checks = (\d+) hold \+ (\d+) fail \+ (\d+) vacuous \+ (\d+) unknown "
                    r"\+ (\d+) n/a")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One run over two institutions: the report folder and the console output."""
    d = tmp_path_factory.mktemp("report") / "rep"
    r = CliRunner().invoke(main, ["check", PREF, TAOBEI, "--sizes", "3-4", "--jobs", "1",
                                  "--property", "no_chair_veto", "--property",
                                  "min_no_vote_block", "--report", str(d)])
    assert r.exit_code == 0, r.output
    return d, r.stdout


class _Visible(HTMLParser):
    """The text of the page outside <style>, <script> and <head>, the ids, and whether any
    resource would be fetched from the network."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.ids: dict[str, list[str]] = {}
        self.remote: list[str] = []
        self._skip = 0
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("style", "script", "head"):
            self._skip += 1
        for k in ("src", "href"):
            if (a.get(k) or "").startswith(("http:", "https:", "//")):
                self.remote.append(a[k] or "")
        if tag == "script":
            self.remote.append("<script>")
        if a.get("id"):
            self.ids[a["id"] or ""] = []
        if tag == "section":
            self._open.append(a.get("id") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head"):
            self._skip -= 1
        if tag == "section" and self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)
            for i in self._open:
                self.ids.setdefault(i, []).append(data)


def _chromium_dom(page: Path, tmp: Path) -> str:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium); "
                    "index.html was not rendered")
    r = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                        "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={tmp}", "--dump-dom", page.resolve().as_uri()],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


def test_index_html_renders_every_finding_and_its_meeting(report: tuple[Path, str],
                                                           tmp_path: Path) -> None:
    d, _ = report
    data = json.loads((d / "report.json").read_text(encoding="utf-8"))
    findings = data["findings"]
    assert findings, "the prefecture's chair can withhold the vote: at least one finding"
    p = _Visible()
    p.feed(_chromium_dom(d / "index.html", tmp_path))
    assert p.remote == [], "no script and no network resource"
    text = " ".join(p.text)
    witnesses = {w["id"]: w for w in data["witnesses"]}
    for f in findings:
        [sid] = [i for i in p.ids if i.endswith(f"-{f['id']}")]
        section = " ".join(p.ids[sid])
        assert f["scope"] in section and f["property"] in text  # in the table of contents
        w = witnesses[f["witness"]]
        assert f"outcome: {w['outcome']}" in section
        # the meeting table: one row per member, named by role, never by id
        roles = [m["role"] for m in w["meeting"]["members"]]
        assert "leader" in section
        for role in ("deputy", "member"):
            if roles.count(role):
                assert f"{role} {roles.count(role)}" in section
        assert not re.search(r"\bm\d+\b", section), "members are named by role"
        for c in f["clauses"]:
            assert c["cite"] in section and c["quote"] in section
        # a meeting whose vote was not called prints it only when it did not pass
        assert ("vote not called" in section) == (
            not w["meeting"]["vote_called"] and w["outcome"] != "passed")
    # the summary table adds up, per institution and in all
    for inst in data["institutions"]:
        assert inst["total"] == sum(inst[s] for s in ("holds", "fails", "vacuous", "unknown",
                                                       "n/a"))
        assert re.search(re.escape(inst["institution"]) + r"\s+" + r"\s+".join(
            str(inst[k]) for k in ("holds", "fails", "vacuous", "unknown", "n/a", "total")), text)


def test_console_summary_adds_up_and_names_every_file(report: tuple[Path, str]) -> None:
    d, out = report
    totals = [m for m in COUNTS.finditer(out)]
    assert len(totals) == 3  # two institutions and the run
    for m in totals:
        total, *parts = map(int, m.groups())
        assert total == sum(parts)
    wrote = {ln.removeprefix("wrote ") for ln in out.splitlines() if ln.startswith("wrote ")}
    assert {str(d / x) for x in ("index.html", "report.json", "report.md", "junit.xml",
                                 "report.txt")} <= wrote


def test_markdown_is_short_and_json_holds_each_witness_once(report: tuple[Path, str]) -> None:
    d, _ = report
    data = json.loads((d / "report.json").read_text(encoding="utf-8"))
    md = (d / "report.md").read_text(encoding="utf-8")
    # a line per finding and a few per institution, not one row per check
    assert len(md.splitlines()) <= 15 + 10 * len(data["institutions"]) + len(data["findings"])
    assert all(f"| {f['id']} | {f['property']} |" in md for f in data["findings"])
    ids = [w["id"] for w in data["witnesses"]]
    assert len(ids) == len(set(ids))
    referenced = {i for r in data["results"] for i in r["witnesses"]}
    referenced |= {f["witness"] for f in data["findings"] if f["witness"]}
    assert referenced == set(ids)
    for f in data["findings"]:  # each finding's meeting is written once, with its ids
        meeting = json.loads((d / "counterexamples" / f"{f['witness']}.json").read_text(
            encoding="utf-8"))
        assert {m["id"] for m in meeting["members"]} == {
            m["id"] for m in next(w for w in data["witnesses"]
                                  if w["id"] == f["witness"])["meeting"]["members"]}


@pytest.mark.parametrize(("institution", "body", "matter", "outcome"), [
    # seed 001, 第二十一条(四): 主持人根据讨论情况, 决定是否进入表决程序: no vote called, no
    # decision (deferred); the item had every vote, so the flag is what matters
    (PREF, "party_group", "ordinary", "deferred"),
    # seed 003 gives the chair no such call: a unanimous full meeting passes, called or not
    (TAOBEI, "executive", "major_decision", "passed"),
])
def test_vote_not_called_is_printed_only_where_it_matters(institution: str, body: str,
                                                          matter: str, outcome: str) -> None:
    from dataclasses import replace

    from model.meeting import Meeting
    from proofs.render import meeting_record

    m = replace(Meeting.simple(institution, body, matter, n=5, present=5, yes=5),
                vote_called=False)
    text = meeting_record(m)
    assert f"outcome: {outcome}" in text
    assert ("vote not called" in text) == (outcome != "passed")
    assert "m0" not in text and "leader" in text  # named by role
