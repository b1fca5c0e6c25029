"""The second opinion on every proof of the five institutions, n = 3..9, and what it costs.

Run: ``python bench/bench_crosscheck.py [--sizes 3-9] [--smtlib DIR]``.

Runs the whole catalogue on the five built-in institutions twice in this process, without
and with ``cross_check`` (cvc5 re-asked every unsat query behind a ``holds`` or
``vacuous``), and prints for each run the wall and CPU time (both solvers run in this
process, so CPU time is the fair measure on a shared machine), the ratio, and how many
proofs cvc5 confirmed or left unanswered.  A disagreement raises
:exc:`~model.errors.InternalDisagreement` (exit 1).  Exit 1 too if any proof was left
unanswered: that is the test "the cross-check agrees with Z3 on every holds at n <= 9"
(the suite, tests/test_crosscheck.py, runs n = 3 and 9 only).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from model.loader import builtin_ids
from proofs.crosscheck import PROVED
from proofs.options import CheckOptions, parse_sizes
from proofs.runner import SuiteReport, run_suite


def _run(options: CheckOptions) -> tuple[SuiteReport, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    rep = run_suite(builtin_ids(), options)
    return rep, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3-9")
    ap.add_argument("--smtlib", type=Path, default=None, help="also write the queries here")
    args = ap.parse_args()
    sizes = parse_sizes(args.sizes, "--sizes")
    base, w0, c0 = _run(CheckOptions(sizes=sizes))
    print(f"without cross-check: wall {w0:.1f} s, cpu {c0:.1f} s")
    rep, w1, c1 = _run(CheckOptions(sizes=sizes, cross_check=True, smtlib_dir=args.smtlib))
    print(f"with cross-check:    wall {w1:.1f} s, cpu {c1:.1f} s "
          f"(ratio wall {w1 / w0:.2f}, cpu {c1 / c0:.2f})")
    same = [(r.key, r.n, r.status) for r in base.results] == \
        [(r.key, r.n, r.status) for r in rep.results]
    print(f"verdicts unchanged by the cross-check: {same}")
    proved = [r for r in rep.results if r.status in PROVED]
    kinds = Counter("agrees" if "cvc5 agrees" in r.reason else
                    "not cross-checked" if "not cross-checked" in r.reason else
                    "no unsat query (witnessed)" for r in proved)
    print(f"{len(proved)} proofs (holds, vacuous) at n in {args.sizes}: {dict(kinds)}")
    for r in proved:
        if "not cross-checked" in r.reason:
            print(f"  {r.institution} {r.key} n={r.n}: {r.reason}")
    return 0 if same and not kinds["not cross-checked"] else 1


if __name__ == "__main__":
    sys.exit(main())
