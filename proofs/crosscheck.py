"""A second opinion: every proof Z3 finds is re-asked of cvc5, from a plain SMT-LIB 2 file.

A property ``holds`` (or is ``vacuous``) because Z3 answered ``unsat`` to one or more
queries.  With :attr:`~proofs.options.CheckOptions.cross_check`, :func:`cross_checked`
keeps every query that Z3 answers ``unsat`` during one check (the hook
:data:`proofs.solve.ON_UNSAT` in :func:`proofs.solve.ask`: the solver's assertions and the
assumptions of that call, tracking literals included) and, when the verdict rests on them,
exports each one with :func:`to_smtlib` and asks cvc5 (:func:`second_opinion`):

=================  ==========================================================================
cvc5 answers       what it does to the verdict
=================  ==========================================================================
``unsat``          nothing; the reason says ``cvc5 agrees (k queries)``
``sat``            :exc:`~model.errors.InternalDisagreement`, naming the query (and its file)
unknown, timeout,  nothing; the reason says ``not cross-checked: ...`` (the verdict stays
error             what Z3 proved: cvc5's silence neither confirms nor refutes it)
=================  ==========================================================================

With :attr:`~proofs.options.CheckOptions.smtlib_dir` the same queries are written there,
one ``.smt2`` file each (``<institution>__<property>__<body>__<matter>__n<N>_<k>.smt2``),
for anyone to re-run with any SMT-LIB solver (``cvc5 FILE``, ``z3 FILE``).

The export is plain SMT-LIB 2: Z3's pseudo-boolean terms (``AtMost``, ``AtLeast``,
``PbEq``, ``PbLe``, ``PbGe``) become sums of ``ite`` terms, and the logic is the smallest
of QF_LIA, QF_LIRA, QF_NIA, QF_NIRA that the query fits (``ALL`` otherwise).

Examples
--------
>>> import z3
>>> a, b, c = z3.Bools("a b c")
>>> text = to_smtlib([z3.AtMost(a, b, c, 1), a], [b])
>>> text.splitlines()[0], "at-most" in text
('(set-logic QF_LIA)', False)
>>> second_opinion(text, 1000)
'unsat'
>>> second_opinion(to_smtlib([z3.AtMost(a, b, c, 1)], [b]), 1000)
'sat'
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import z3

from model.errors import InternalDisagreement, QuorumlabError
from proofs.results import PropertyResult, Verdict
from proofs.solve import ON_UNSAT

if TYPE_CHECKING:
    from proofs.context import Context
    from proofs.properties import Property

__all__ = ["KeptQuery", "to_smtlib", "second_opinion", "cross_checked", "cross_check_summary",
           "PROVED"]

PROVED = ("holds", "vacuous")
"""The verdicts that are proofs: the ``unsat`` answers behind them are re-asked of cvc5."""

_PB = {"at-most": "<=", "at-least": ">=", "pble": "<=", "pbge": ">=", "pbeq": "="}
_PB_HEAD = re.compile(r"\(\(_ (pbeq|pble|pbge|at-most|at-least)((?: -?\d+)+)\)")
_LOGICS = (("is-lia", "QF_LIA"), ("is-lira", "QF_LIRA"), ("is-nia", "QF_NIA"),
           ("is-nira", "QF_NIRA"))
"""Z3 probes (quantifiers allowed; checked apart: ``is-qflia`` rejects the ``(- 1)`` of a
negative numeral read back from SMT-LIB) and the logic each one implies."""


@dataclass(frozen=True)
class KeptQuery:
    """One query Z3 answered ``unsat``: the assertions and the assumptions of that call."""

    assertions: tuple[Any, ...]
    assumptions: tuple[Any, ...]

    def smtlib(self, note: str = "") -> str:
        return to_smtlib(self.assertions, self.assumptions, note)


def _sexpr_end(text: str, i: int) -> int:
    """The index just past the s-expression that starts at ``text[i]``."""
    depth = 0
    while True:
        c = text[i]
        if c in '|"':  # a quoted symbol up to the next bar; a string ("" escapes a quote)
            i = text.index(c, i + 1)
            while c == '"' and text.startswith('"', i + 1):
                i = text.index('"', i + 2)
            if depth == 0:
                return i + 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        elif depth == 0 and text[i + 1] in " \t\n()":
            return i + 1
        i += 1


def _pb_free(text: str) -> str:
    """SMT-LIB ``text`` with Z3's pseudo-boolean terms written as linear sums of ``ite``.

    ``((_ pble 4 3 2) a b)`` (bound, then one coefficient per argument) becomes
    ``(<= (+ (ite a 3 0) (ite b 2 0)) 4)``; ``at-most``/``at-least`` have coefficients 1.
    Innermost last in the text first, so a term nested in another's arguments is already
    rewritten when the outer one is read.

    >>> _pb_free("(assert ((_ pbeq 1 1 1) a |b c|))")
    '(assert (= (+ (ite a 1 0) (ite |b c| 1 0)) 1))'
    >>> _pb_free("(assert (not ((_ at-most 1) x)))")
    '(assert (not (<= (ite x 1 0) 1)))'
    """
    for m in reversed(list(_PB_HEAD.finditer(text))):
        bound, *coeffs = m.group(2).split()
        args, i = [], m.end()
        while True:
            while text[i].isspace():
                i += 1
            if text[i] == ")":
                break
            end = _sexpr_end(text, i)
            args.append(text[i:end])
            i = end
        ws = coeffs or ["1"] * len(args)
        terms = [f"(ite {a} {w} 0)" for a, w in zip(args, ws, strict=True)]
        total = terms[0] if len(terms) == 1 else f"(+ {' '.join(terms)})" if terms else "0"
        text = f"{text[:m.start()]}({_PB[m.group(1)]} {total} {bound}){text[i + 1:]}"
    return text


def to_smtlib(assertions: Sequence[Any], assumptions: Sequence[Any] = (), note: str = "") -> str:
    """A plain SMT-LIB 2 script asserting ``assertions`` and ``assumptions``, then ``check-sat``.

    It is unsatisfiable exactly when Z3 answered ``unsat`` to ``check(*assumptions)`` over
    ``assertions``.  ``note`` becomes a comment at the top.

    >>> x = z3.Int("x")
    >>> print(to_smtlib([x > 2], [x < 1], note="example"))  # doctest: +NORMALIZE_WHITESPACE
    ; example
    (set-logic QF_LIA)
    ; benchmark generated from python API
    (set-info :status unsat)
    (declare-fun x () Int)
    (assert
     (> x 2))
    (assert
     (< x 1))
    (check-sat)
    """
    s = z3.Solver()
    s.add(*assertions, *assumptions)
    body = _pb_free(s.to_smt2()).replace("(set-info :status unknown)",
                                         "(set-info :status unsat)", 1)
    goal = z3.Goal()
    goal.add(*z3.parse_smt2_string(body))  # read back by Z3: the export is plain SMT-LIB
    fits = [name for probe, name in _LOGICS if z3.Probe(probe)(goal) == 1.0]
    logic = fits[0] if fits and z3.Probe("has-quantifiers")(goal) == 0.0 else "ALL"
    head = "".join(f"; {line}\n" for line in note.splitlines())
    return f"{head}(set-logic {logic})\n{body}"


def _cvc5() -> Any:
    """The cvc5 module (the optional extra ``cross``); a one-line error if it is missing."""
    try:
        import cvc5
    except ImportError:
        raise QuorumlabError("cross_check", "the second solver, cvc5, is not installed",
                             fix="pip install cvc5 (or: pip install 'quorumlab[cross]')") from None
    return cvc5


def second_opinion(text: str, timeout_ms: int) -> str:
    """cvc5's answer to the SMT-LIB script ``text``: ``sat``, ``unsat`` or ``unknown (why)``.

    ``set-info`` is skipped: the ``:status unsat`` that :func:`to_smtlib` writes would make
    cvc5 raise an error instead of answering ``sat``.

    >>> second_opinion("(set-logic QF_LIA)(declare-fun x () Int)(assert (> x x))", 1000)
    'unsat'
    >>> second_opinion("(assert (> x 1))", 1000)[:33]
    'unknown (cvc5 could not read it: '
    """
    cvc5 = _cvc5()
    solver = cvc5.Solver(cvc5.TermManager())
    solver.setOption("tlimit-per", str(timeout_ms))
    parser = cvc5.InputParser(solver)
    try:
        parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "quorumlab")
        symbols = parser.getSymbolManager()
        while not (cmd := parser.nextCommand()).isNull():
            if cmd.getCommandName() not in ("check-sat", "set-info"):
                cmd.invoke(solver, symbols)
    except RuntimeError as err:  # cvc5 reports parse errors as RuntimeError
        return f"unknown (cvc5 could not read it: {' '.join(str(err).split())})"
    try:
        r = solver.checkSat()
    except RuntimeError as err:
        return f"unknown (cvc5 error: {' '.join(str(err).split())})"
    if r.isSat():
        return "sat"
    if r.isUnsat():
        return "unsat"
    return f"unknown ({r.getUnknownExplanation()}, limit {timeout_ms} ms)"


def _size(prop: Property, ctx: Context) -> str:
    return f"n{ctx.n}" if prop.per_size else "all"


def cross_checked(prop: Property, ctx: Context, run: Callable[[], Verdict]) -> Verdict:
    """``run()``, the check of ``prop`` on ``ctx``, with its proof re-asked of cvc5.

    Does nothing more than ``run()`` unless ``ctx.options`` asks for a cross-check or an
    SMT-LIB export.  A ``holds`` or ``vacuous`` verdict is re-asked, query by query (see
    the module docstring); other verdicts are returned as they are.
    """
    opts = ctx.options
    if not (opts.cross_check or opts.smtlib_dir is not None):
        return run()
    if opts.cross_check:
        _cvc5()  # before the check, not after it
    kept: list[KeptQuery] = []
    token = ON_UNSAT.set(lambda solver, assumptions: kept.append(
        KeptQuery(tuple(solver.assertions()), tuple(assumptions))))
    try:
        verdict = run()
    finally:
        ON_UNSAT.reset(token)
    if verdict.status not in PROVED or not kept:
        return verdict
    stem = re.sub(r"[^\w.-]", "_", "__".join((ctx.institution.id, prop.id, ctx.ruleset.body,
                                                ctx.ruleset.matter, _size(prop, ctx))))
    what = f"{prop.id} on {ctx.institution.id} {ctx.ruleset.body}/{ctx.ruleset.matter}"
    silent: list[str] = []
    for k, q in enumerate(kept, 1):
        text = q.smtlib(f"quorumlab: {what}, {_size(prop, ctx)}, query {k} of {len(kept)}; "
                        f"Z3 answered unsat ({verdict.status})")
        path = None
        if opts.smtlib_dir is not None:
            folder = Path(opts.smtlib_dir)
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{stem}_{k}.smt2"
            path.write_text(text, encoding="utf-8")
        if not opts.cross_check:
            continue
        answer = second_opinion(text, opts.timeout_ms)
        if answer == "sat":
            if path is None:  # keep the evidence: the error names a file either way
                fd, name = tempfile.mkstemp(prefix=f"{stem}_{k}_", suffix=".smt2")
                with os.fdopen(fd, "w", encoding="utf-8") as f:
                    f.write(text)
                path = Path(name)
            raise InternalDisagreement(f"Z3 proved {what} ({verdict.status}) but cvc5 finds the "
                                       f"query {k} of {len(kept)} satisfiable (the query: {path})")
        if answer != "unsat":
            silent.append(f"query {k}: {answer}")
    if not opts.cross_check:
        return verdict
    note = (f"not cross-checked: cvc5 gave no answer on {len(silent)} of {len(kept)} queries "
            f"({'; '.join(silent)})" if silent else f"cvc5 agrees ({len(kept)} queries)")
    return replace(verdict, reason="; ".join(r for r in (verdict.reason, note) if r))


def cross_check_summary(results: Iterable[PropertyResult]) -> str:
    """One line for a report: how many proofs cvc5 confirmed, and how many it left open.

    >>> r = PropertyResult("monotonic", "x", "b", "m", 5, "holds", "n=5", reason="cvc5 agrees (2 queries)")
    >>> cross_check_summary([r, replace(r, reason="not cross-checked: cvc5 gave no answer"),
    ...                      replace(r, reason=""), replace(r, status="fails")])
    'cross-check: cvc5 agrees on 1 proof, 1 not cross-checked, 1 rests on no unsat answer'
    """
    proved = [r for r in results if r.status in PROVED]
    agree = sum("cvc5 agrees" in r.reason for r in proved)
    silent = sum("not cross-checked" in r.reason for r in proved)
    rest = len(proved) - agree - silent
    return (f"cross-check: cvc5 agrees on {agree} proof{'s' * (agree != 1)}, {silent} not "
            f"cross-checked, {rest} rest{'s' * (rest == 1)} on no unsat answer")
