"""The proof commands: ``check``, ``compare`` and ``properties``.

:func:`register` adds them to the ``quorumlab`` click group.  A user error
(:class:`model.errors.QuorumlabError`) becomes one line on stderr and exit status 2;
``check`` exits 1 on a regression (a result that differs from the recorded expectation,
or ``unknown`` where one is recorded).  Each takes ``--json`` (one document on stdout;
docs/schemas/<command>.schema.json).  ``check`` shows one progress bar on stderr (silent
when piped or with ``--quiet``), checks every argument and precondition before the run,
writes its files only when it succeeds (:mod:`quorumlab.outputs`) and names each; ``compare``
ends with one overall verdict over the sizes checked.

Examples
--------
>>> from click.testing import CliRunner
>>> group = click.Group()
>>> register(group)
>>> sorted(group.commands)
['check', 'compare', 'properties']
>>> r = CliRunner().invoke(group, ["check", "no_such_body"])
>>> r.exit_code, r.output.splitlines()[-1][:40]
(2, "error: field 'institution': no built-in ")
>>> r = CliRunner().invoke(group, ["check", "prefecture_medical_security_party_group",
...                                "--sizes", "5", "--property", "quorum_reachable"])
>>> r.exit_code
0
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from model.errors import QuorumlabError
from model.loader import builtin_ids, load_institution
from proofs.cache import ResultCache, default_cache_dir
from proofs.compare import Side, compare, default_pair
from proofs.context import institution_ref
from proofs.crosscheck import cross_check_summary
from proofs.options import CheckOptions, Scope
from proofs.render import (
    comparison_dict,
    comparison_text,
    properties_dict,
    properties_text,
    report_dict,
    report_json,
    report_junit,
    report_markdown,
    report_text,
)
from proofs.runner import expectation_diff, expectation_lines, expectations, run_suite
from quorumlab.console import emit_json, progress, settings
from quorumlab.errors import B_FLAGS, BODY_FLAGS, as_flags, user_errors
from quorumlab.outputs import Outputs, staged
from quorumlab.params import OUT_DIR, OUT_FILE, SECONDS, SIZES, OutFile, proof_run_options
from quorumlab.readings import full_choice, reading_option

__all__ = ["register"]


@click.command("check")
@click.argument("institutions", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Check the five built-in institutions.")
@proof_run_options("3-15")
@click.option("--pinned", is_flag=True, help="Fix the setting (see proofs.options.Scope).")
@click.option("--strict", is_flag=True, help="Also exit 1 on findings no expectation records.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the report as one JSON document (docs/schemas/check.schema.json).")
@click.option("--zh", is_flag=True, help="Print the text report in Chinese.")
@click.option("--verbose", "-v", is_flag=True,
              help="List every check, not only findings (as quorumlab -v check).")
@click.option("--junit", type=OUT_FILE,
              help="Write JUnit XML here (missing folders are created).")
@click.option("--markdown", type=OUT_FILE,
              help="Write a Markdown report here (missing folders are created).")
@click.option("--report", "report_dir", type=OUT_DIR,
              help="Write index.html, report.json, report.md, junit.xml, report.txt and one "
              "counterexample meeting per distinct finding (counterexamples/*.json) in this folder (created if missing; the "
              "previous run's files there are replaced, other files kept).")
@click.option("--write-expectations", "expect_file", type=OutFile(folder_ok=True),
              help="Record this run's results as a suite file ([expect] table): a file for one "
              "institution, or an existing directory to write <id>.expect.toml for each.")
@click.option("--diff-expectations", "diff_file", type=OUT_FILE,
              help="Write a Markdown list of every verdict that differs from the recorded "
              "expectations (run before re-recording them).")
@click.option("--cross-check", is_flag=True,
              help="Re-prove every holds/vacuous with a second solver, cvc5, from an SMT-LIB "
              "export; a disagreement is an internal error (needs: pip install 'quorumlab[cross]').")
@click.option("--smtlib", "smtlib_dir", type=OUT_DIR,
              help="Write the SMT-LIB 2 query behind every proof here "
              "(<institution>__<property>__<body>__<matter>__n<N>_<k>.smt2; re-run with cvc5 or z3).")
@click.option("--no-cache", is_flag=True,
              help="Solve everything again, reading and keeping no cached results.  The "
              "cache ($QUORUMLAB_CACHE, else $XDG_CACHE_HOME/quorumlab or ~/.cache/quorumlab) "
              "keys each result on the code, the rule file's bytes, the options and Z3's "
              "version, and never keeps an unknown.")
@user_errors
def check_cmd(institutions: tuple[str, ...], all_: bool, sizes: tuple[int, ...],
              props: tuple[str, ...], timeout: float, jobs: int, pinned: bool, strict: bool,
              as_json: bool, zh: bool, verbose: bool, junit: Path | None, markdown: Path | None,
              report_dir: Path | None, expect_file: Path | None, diff_file: Path | None,
              cross_check: bool, smtlib_dir: Path | None, no_cache: bool) -> None:
    """Prove the property catalogue on rule files (ids or paths); exit 1 on regressions,
    2 on a user error.  Every file written is named in the output ("wrote ...", or the
    JSON key "files"); files are written only when the whole run succeeds.

    To re-record the built-in expectations after a rule change: ``quorumlab check --all
    --diff-expectations diff.md --write-expectations model/institutions`` (review diff.md)."""
    refs = list(dict.fromkeys(list(institutions) + (builtin_ids() if all_ else [])))
    if not refs:
        raise QuorumlabError("institution", "nothing to check",
                             fix="name an institution id or rule file, or add --all")
    insts = [load_institution(r) for r in refs]  # every precondition before the run
    if expect_file and not expect_file.is_dir() and len(insts) > 1:
        raise QuorumlabError("--write-expectations", "a suite file is for one rule file",
                             fix="check one institution at a time, or name a directory")
    recorded = ({institution_ref(inst): expectations(inst) for inst in insts}
                if diff_file else {})
    with staged() as out:  # the SMT-LIB files land only if the whole run succeeds
        smt = out.folder(smtlib_dir, "--smtlib") if smtlib_dir else None
        opts = CheckOptions(sizes=sizes, timeout_s=timeout, scope=Scope(pinned=pinned),
                            cross_check=cross_check, smtlib_dir=smt)
        cache = None if no_cache else ResultCache(default_cache_dir())
        with progress(0, "checking") as update:
            rep = run_suite(refs, opts, list(props) or None, jobs=jobs, strict=strict,
                            progress=update, cache=cache)
        if cache and cache.unwritable:
            click.echo(f"note: results not cached: {cache.unwritable} (set QUORUMLAB_CACHE "
                       "to a writable folder, or pass --no-cache)", err=True)
        if junit:
            _text(out.file(junit, "--junit"), report_junit(rep))
        if markdown:
            _text(out.file(markdown, "--markdown"), report_markdown(rep))
        if report_dir:
            _write_report(out.folder(report_dir, "--report"), rep)
        if diff_file:
            _text(out.file(diff_file, "--diff-expectations"), expectation_diff(rep, recorded))
        if expect_file:
            _write_expectations(out, expect_file, rep)
    if as_json:
        emit_json(report_dict(rep) | {"files": out.written})
    else:
        detail = verbose or settings().verbose > 0
        click.echo(report_text(rep, "zh" if zh else "en", detail))
        if cross_check:
            click.echo(cross_check_summary(rep.results))
        for line in _wrote(out.written, smtlib_dir):
            click.echo(line)
    sys.exit(rep.exit_code)


def _wrote(written: list[str], smtlib_dir: Path | None) -> list[str]:
    """One line per file written, except the SMT-LIB queries (thousands at n = 3..9): their
    folder and how many.

    >>> _wrote(["r/index.html", "q/a.smt2", "q/b.smt2"], Path("q"))
    ['wrote r/index.html', 'wrote 2 SMT-LIB files in q']
    """
    queries = {f for f in written if smtlib_dir is not None and Path(f).is_relative_to(smtlib_dir)}
    lines = [f"wrote {f}" for f in written if f not in queries]
    if smtlib_dir is not None:
        lines.append(f"wrote {len(queries)} SMT-LIB files in {smtlib_dir}")
    return lines


def _text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to a staged ``path``, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _write_expectations(out: Outputs, target: Path, rep: Any) -> None:
    """One suite file per checked rule file: ``target`` itself, or ``target/<stem>.expect.toml``:
    the records ([expect]) and the distinct findings they make ([findings])."""
    from proofs.findings import Pinned, by_institution, distinct_findings, finding_lines

    findings = distinct_findings(rep)
    for inst in dict.fromkeys(s.institution for s in rep.summaries):
        f = target / f"{Path(inst).stem}.expect.toml" if target.is_dir() else target
        lines = expectation_lines(s for s in rep.summaries if s.institution == inst)
        lines += ["", *finding_lines(map(Pinned.of, by_institution(findings, inst)))]
        _text(out.file(f, "--write-expectations"), "\n".join(lines) + "\n")


def _write_report(d: Path, rep: Any) -> None:
    """The report files and one counterexample meeting per distinct finding, in the
    (staging) folder ``d``."""
    from model.io import dump_meeting
    from proofs.boards import BOARD_PROPERTIES, witness_files
    from proofs.findings import distinct_findings
    from proofs.html import report_html

    files = {}
    for f in distinct_findings(rep):
        if f.witness is None:
            continue
        name = f"counterexamples/{f.witness_id}.json"
        files[f.id] = name
        if f.result.property_id in BOARD_PROPERTIES:  # with the board file, every meeting
            for fname, bm in witness_files(d / "counterexamples", f.witness_id, f.result.witnesses):
                _text(d / "counterexamples" / fname, dump_meeting(bm) + "\n")
            continue
        m = f.witness.meeting
        if m.institution.endswith(".toml"):  # a meeting file reads a rule file from its
            # folder; the staging folder sits beside the report folder, so the path holds
            cx = (d / "counterexamples").resolve()
            m = replace(m, institution=os.path.relpath(Path(m.institution).resolve(), cx))
        _text(d / name, dump_meeting(m) + "\n")
    _text(d / "index.html", report_html(rep, files))
    _text(d / "report.json", report_json(rep))
    _text(d / "report.md", report_markdown(rep, files))
    _text(d / "junit.xml", report_junit(rep))
    _text(d / "report.txt", report_text(rep, "en", meetings=True) + "\n\n"
          + report_text(rep, "zh", meetings=True))


@click.command("compare")
@click.argument("a")
@click.argument("b", required=False)
@click.option("--body", help="Body of A (default: its first).")
@click.option("--matter", help="Matter of A (default: the first both decide, else A's first).")
@click.option("--body-b", help="Body of B (default: --body if B has it, else B's first).")
@click.option("--matter-b", help="Matter of B (default: --matter if B has it).")
@reading_option(help="A's reading of an open point (repeatable).")
@reading_option("--reading-b", help="B's reading of an open point (repeatable).")
@click.option("--sizes", type=SIZES, default="3-9", show_default=True,
              help="Board sizes, e.g. 3-15 or 5,7 (smaller first; limit: check_size).")
@click.option("--timeout", type=SECONDS, default=10.0, show_default=True,
              help="Seconds per board size.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (docs/schemas/compare.schema.json).")
@click.option("--zh", is_flag=True, help="Print meeting records in Chinese.")
@user_errors
def compare_cmd(a: str, b: str | None, body: str | None, matter: str | None, body_b: str | None,
                matter_b: str | None, reading: dict[str, str], reading_b: dict[str, str],
                sizes: tuple[int, ...], timeout: float, as_json: bool, zh: bool) -> None:
    """Which of A and B is stricter, per board size, with distinguishing meetings, and one
    overall verdict over the sizes checked (A implies B, B implies A, equivalent, neither).

    B defaults to A (compare two readings with --reading / --reading-b)."""
    ia = load_institution(a)
    ib = load_institution(b) if b else ia
    ba, ma, bb, mb = default_pair(ia, ib)
    ba = body or ba
    if matter is None and body is not None:
        ma = ia.bodies[ba].matters[0] if ba in ia.bodies else ma
    ma = matter or ma
    bb = body_b or (ba if ba in ib.bodies else bb)
    mb = matter_b or (ma if bb in ib.bodies and ma in ib.bodies[bb].matters else mb)
    with as_flags(BODY_FLAGS):
        side_a = Side.make(ia, ba, ma, full_choice(ia.ruleset(ba, ma), reading))
    with as_flags(B_FLAGS):
        side_b = Side.make(ib, bb, mb, full_choice(ib.ruleset(bb, mb), reading_b, "--reading-b"))
    c = compare(side_a, side_b, sizes, CheckOptions(sizes=sizes, timeout_s=timeout))
    if as_json:
        emit_json(comparison_dict(c))
    else:
        click.echo(comparison_text(c, "zh" if zh else "en"))


@click.command("properties")
@click.option("--zh", is_flag=True, help="Titles in Chinese.")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (docs/schemas/properties.schema.json).")
def properties_cmd(zh: bool, as_json: bool) -> None:
    """List the property catalogue."""
    if as_json:
        emit_json(properties_dict())
    else:
        click.echo(properties_text("zh" if zh else "en"))


def register(group: click.Group) -> None:
    """Add ``check``, ``compare`` and ``properties`` to ``group``."""
    group.add_command(check_cmd)
    group.add_command(compare_cmd)
    group.add_command(properties_cmd)
