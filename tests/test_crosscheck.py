"""The second opinion: Z3's proofs re-asked of cvc5 from a plain SMT-LIB 2 export.

Expectations are derived by hand: a pseudo-boolean constraint under a fixed assignment is
satisfiable exactly when the weighted count of the true atoms meets the bound.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import z3
from hypothesis import given, settings
from hypothesis import strategies as st

import proofs.crosscheck as crosscheck
from model.errors import InternalDisagreement
from model.loader import builtin_ids
from proofs.context import Context
from proofs.crosscheck import second_opinion, to_smtlib
from proofs.options import CheckOptions
from proofs.properties import get_property
from proofs.runner import run_suite
from proofs.solve import Query, optimize

WITNESSED = {"quorum_reachable", "complete", "speaking_order_exists", "no_dictator",
             "no_veto_player", "requirements_agree", "order_exists", "duties_separable",
             "duties_kept", "recusal_cannot_disable"}
"""Properties whose ``holds`` can rest on no unsat answer: a satisfiable query per case
(a meeting reaching each rule step; an order; a non-decisive member for each subject; a
valid portfolio assignment of the example board) or no solver at all (requirements_agree;
the example board's own assignment read against the rules; the exact search over related
outsiders, each case decided by the evaluator); see the table in proofs/solve.py."""


def _plain(text: str) -> None:
    """The export is plain SMT-LIB 2 in a linear logic, with no Z3-only syntax."""
    assert re.search(r"^\(set-logic (QF_LIA|QF_LIRA)\)$", text, re.M), text[:300]
    body = "\n".join(line for line in text.splitlines() if not line.startswith(";"))
    assert not re.search(r"pbeq|pble|pbge|at-most|at-least|\(_ ", body), body


KINDS = {"at_most": "<=", "at_least": ">=", "le": "<=", "ge": ">=", "eq": "=="}


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(sorted(KINDS)),
       coeffs=st.lists(st.integers(1, 4), min_size=1, max_size=5),
       bound=st.integers(0, 8), data=st.data())
def test_pseudo_boolean_export_means_what_z3_means(kind: str, coeffs: list[int], bound: int,
                                                   data: st.DataObject) -> None:
    xs = z3.Bools(" ".join(f"x{i}" for i in range(len(coeffs))))
    if kind in ("at_most", "at_least"):
        coeffs = [1] * len(xs)
    values = data.draw(st.lists(st.booleans(), min_size=len(xs), max_size=len(xs)))
    pb = {"at_most": lambda: z3.AtMost(*xs, bound), "at_least": lambda: z3.AtLeast(*xs, bound),
          "le": lambda: z3.PbLe(list(zip(xs, coeffs, strict=True)), bound),
          "ge": lambda: z3.PbGe(list(zip(xs, coeffs, strict=True)), bound),
          "eq": lambda: z3.PbEq(list(zip(xs, coeffs, strict=True)), bound)}[kind]()
    total = sum(c for c, v in zip(coeffs, values, strict=True) if v)
    holds = {"<=": total <= bound, ">=": total >= bound, "==": total == bound}[KINDS[kind]]
    fixed = [x if v else z3.Not(x) for x, v in zip(xs, values, strict=True)]
    # nested under a Boolean connective, as the well-formedness constraints are
    text = to_smtlib([z3.Implies(z3.Bool("track!1"), pb)], [z3.Bool("track!1"), *fixed])
    _plain(text)
    assert second_opinion(text, 5000) == ("sat" if holds else "unsat")


def test_tracked_query_with_assumptions_is_exported_whole() -> None:
    """Tracking literals and the assumptions of the call are part of the exported query."""
    x = z3.Int("x")
    q = Query(timeout_ms=5000)
    q.track("positive", x > 0)
    q.track("small", x < 5)
    kept: list[str] = []
    token = crosscheck.ON_UNSAT.set(lambda s, a: kept.append(to_smtlib(s.assertions(), a)))
    try:
        assert q.check([x > 7]).status == "unsat"  # unsat only because of the assumption
        assert q.check([x > 3]).status == "sat"    # sat answers are not kept
    finally:
        crosscheck.ON_UNSAT.reset(token)
    assert len(kept) == 1
    _plain(kept[0])
    assert second_opinion(kept[0], 5000) == "unsat"
    assert second_opinion(kept[0].replace("(> x 7)", "(> x 3)"), 5000) == "sat"


def test_optimize_query_is_exported() -> None:
    """An unsat z3.Optimize call exports its assertions (the objective is no assertion)."""
    x, y = z3.Ints("x y")
    kept: list[str] = []
    token = crosscheck.ON_UNSAT.set(lambda s, a: kept.append(to_smtlib(s.assertions(), a)))
    try:
        a, value = optimize([x + y >= 3, x <= 1, y <= 1], x + y, 5000)
    finally:
        crosscheck.ON_UNSAT.reset(token)
    assert (a.status, value) == ("unsat", None)
    _plain(kept[0])
    assert second_opinion(kept[0], 5000) == "unsat"


def _absentee(tmp_path: Path | None = None, cross: bool = True) -> tuple[Context, object]:
    from model.loader import load_institution

    inst = load_institution("prefecture_medical_security_party_group")
    opts = CheckOptions(sizes=(5,), cross_check=cross, smtlib_dir=tmp_path)
    ctx = Context.make(inst, "party_group", "ordinary", 5, opts)
    return ctx, get_property("absentee_opinions_irrelevant")


def test_holds_is_cross_checked_and_written(tmp_path: Path) -> None:
    ctx, prop = _absentee(tmp_path)
    v = prop.check(ctx)  # type: ignore[attr-defined]
    files = sorted(tmp_path.glob("*.smt2"))
    assert v.status == "holds"
    assert v.reason == f"cvc5 agrees ({len(files)} queries)" and files
    assert files[0].name == ("prefecture_medical_security_party_group__absentee_opinions_"
                             "irrelevant__party_group__ordinary__n5_1.smt2")
    for f in files:
        _plain(f.read_text(encoding="utf-8"))
        assert "(set-info :status unsat)" in f.read_text(encoding="utf-8")


def test_export_only_asks_no_second_solver(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setattr(crosscheck, "second_opinion", lambda *a: pytest.fail("asked cvc5"))
    ctx, prop = _absentee(tmp_path, cross=False)
    v = prop.check(ctx)  # type: ignore[attr-defined]
    assert v.status == "holds" and v.reason == "" and list(tmp_path.glob("*.smt2"))


def test_cvc5_sat_is_a_loud_internal_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setattr(crosscheck, "second_opinion", lambda text, ms: "sat")
    ctx, prop = _absentee(tmp_path)
    with pytest.raises(InternalDisagreement, match=r"cvc5 finds the query 1 of \d+ "
                       r"satisfiable \(the query: .*__n5_1\.smt2\)"):
        prop.check(ctx)  # type: ignore[attr-defined]


def test_disagreement_without_smtlib_dir_still_names_a_file(monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setattr(crosscheck, "second_opinion", lambda text, ms: "sat")
    ctx, prop = _absentee()
    with pytest.raises(InternalDisagreement) as err:
        prop.check(ctx)  # type: ignore[attr-defined]
    found = re.search(r"\(the query: (.*\.smt2)\)", str(err.value))
    assert found
    query = Path(found.group(1))
    _plain(query.read_text(encoding="utf-8"))
    query.unlink()


def test_cvc5_unknown_leaves_the_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(crosscheck, "second_opinion",
                        lambda text, ms: "unknown (timeout, limit 1 ms)")
    ctx, prop = _absentee()
    v = prop.check(ctx)  # type: ignore[attr-defined]
    assert v.status == "holds"
    assert v.reason.startswith("not cross-checked: cvc5 gave no answer on ")
    assert "unknown (timeout, limit 1 ms)" in v.reason


def test_a_proof_by_witness_asks_no_second_solver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only unsat answers are re-asked: quorum_reachable holds by a witness meeting."""
    from model.loader import load_institution

    monkeypatch.setattr(crosscheck, "second_opinion", lambda *a: pytest.fail("asked cvc5"))
    inst = load_institution("xiuzhou_district")
    ctx = Context.make(inst, "leadership", "major_decision", 5, CheckOptions(
        sizes=(5,), cross_check=True))
    v = get_property("quorum_reachable").check(ctx)
    assert v.status == "holds" and v.reason == ""  # holds by a witness: no unsat query


def test_second_opinion_reports_unreadable_input() -> None:
    assert second_opinion("(assert (> y 1))", 1000).startswith("unknown (cvc5 could not read")


# A representative subset of "the cross-check agrees with Z3 on every holds of the five
# institutions at n <= 9" that fits the suite's budget: every property on every distinct
# (body, matter) of the five at n = 3 (with the all-n proofs), and one institution at
# n = 9 (about 30 s of CPU in all).  The full run, n = 3..9 on all five (several minutes),
# is bench/bench_crosscheck.py.
@pytest.mark.parametrize("ref,n", [*((ref, 3) for ref in builtin_ids()),
                                   ("alxa_medical_security_bureau", 9)])
def test_cvc5_agrees_on_every_proof(ref: str, n: int, tmp_path: Path) -> None:
    rep = run_suite([ref], CheckOptions(sizes=(n,), cross_check=True, smtlib_dir=tmp_path))
    proved = [r for r in rep.results if r.status in crosscheck.PROVED]
    silent = [f"{r.key} n={r.n}: {r.reason}" for r in proved if "cross-checked" in r.reason]
    assert not silent
    agreed = [r for r in proved if re.fullmatch(r"cvc5 agrees \(\d+ queries\)", r.reason)]
    assert agreed
    # a proof without the note rested on no unsat answer: a witness found by Z3 and
    # re-decided by the evaluator (quorum reachable, every rule step reached, ...)
    assert {r.property_id for r in proved if not r.reason} <= WITNESSED
    files = list(tmp_path.glob("*.smt2"))
    assert files
    for f in files:
        _plain(f.read_text(encoding="utf-8"))


def test_logic_is_the_smallest_that_fits() -> None:
    x, y = z3.Ints("x y")
    r = z3.Real("r")

    def logic(*terms: z3.BoolRef) -> str:
        return to_smtlib(terms).splitlines()[0]

    assert logic(x > -1, z3.If(x > 2, y, 3) == x) == "(set-logic QF_LIA)"
    assert logic(z3.ToReal(x) < r) == "(set-logic QF_LIRA)"
    assert logic(x * y == 6) == "(set-logic QF_NIA)"
    assert logic(z3.ForAll([y], y * 0 <= x)) == "(set-logic ALL)"
    assert second_opinion(to_smtlib([x * y == 6, x > 6, y > 0]), 5000) == "unsat"
