"""Benchmark of exact mode (run: ``python bench/bench_exact.py [--quick] [--out FILE]``).

Exact probabilities of the prefecture party group's ordinary items (default reading,
the chair speaking last) on ``Board.uniform(n, attendance=0.9)`` -- the leader, three
deputies, n - 4 alike ordinary members -- by the two methods of
:mod:`simulations.exact`:

* ``materialised``: one full n-member representative meeting per (special states, count
  cell), the baseline (the method before issue 11); run at the sizes it finishes;
* ``cells``: the semantics evaluated on the count cells directly.

Every figure is a RATIO against the baseline measured in the same run: time and peak
memory (tracemalloc, which sees numpy's allocations) of ``cells`` over ``materialised``
at the same n, and, at sizes the baseline does not reach, over the baseline at the
largest n it ran.  Seconds are printed for the goal (n = 3000 under 1 s) only, with the
machine's load average, since they depend on the machine.  The two methods' results are
compared where both run.  Nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.loader import load_institution  # noqa: E402
from simulations.compositions import Board  # noqa: E402
from simulations.exact import ExactResult, exact_probabilities  # noqa: E402
from simulations.montecarlo import model_for  # noqa: E402

INSTITUTION = "prefecture_medical_security_party_group"
BODY, MATTER = "party_group", "ordinary"
GOAL_N, GOAL_SECONDS = 3000, 1.0


def run(n: int, method: str, repeat: int) -> tuple[float, float, ExactResult]:
    """Best time over ``repeat`` runs, peak traced memory (bytes) of one run, the result."""
    inst = load_institution(INSTITUTION)
    spec = inst.ruleset(BODY, MATTER).default()
    board = Board.uniform(n, attendance=0.9)
    model = model_for(inst, MATTER, spec)
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        result = exact_probabilities(spec, board, model, method=method)
        best = min(best, time.perf_counter() - t)
    tracemalloc.start()
    exact_probabilities(spec, board, model, method=method)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return best, peak, result


def gap(a: ExactResult, b: ExactResult) -> float:
    return max(abs(a.probabilities[k].value - b.probabilities[k].value) for k in a.probabilities)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes, one repeat")
    ap.add_argument("--out", type=Path, help="also write the table (Markdown) to this file")
    args = ap.parse_args()
    both = [15, 50, 100] if args.quick else [15, 50, 100, 175]
    alone = [500, 1000, GOAL_N] if args.quick else [500, 1000, 2000, GOAL_N, 5000]
    repeat = 1 if args.quick else 3
    rows: list[list[Any]] = []
    base: tuple[int, float, float] | None = None
    for n in both:
        t_old, m_old, old = run(n, "materialised", 1 if n >= 175 else repeat)
        t_new, m_new, new = run(n, "cells", repeat)
        base = (n, t_old, m_old)
        rows.append([n, f"materialised at n = {n}", f"{t_new / t_old:.4f}",
                     f"{m_new / m_old:.4f}", f"{gap(new, old):.1e}", new.representatives])
    assert base is not None
    seconds = {}
    for n in alone:
        t_new, m_new, new = run(n, "cells", repeat)
        seconds[n] = t_new
        rows.append([n, f"materialised at n = {base[0]}", f"{t_new / base[1]:.4f}",
                     f"{m_new / base[2]:.4f}", "-", new.representatives])
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = ["| n | baseline (same run) | time cells / baseline | peak memory cells / baseline "
             "| max abs difference | (special states, cell) pairs decided |",
             "|---:|---|---:|---:|---:|---:|"]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    goal = seconds.get(GOAL_N)
    verdict = ("met" if goal is not None and goal < GOAL_SECONDS else
               f"missed by {goal - GOAL_SECONDS:.2f} s" if goal is not None else "not run")
    lines += ["", f"Goal: exact mode at n = {GOAL_N} under {GOAL_SECONDS:g} s: {verdict} "
              f"({goal:.2f} s best of {repeat}; load average {load:.1f} on "
              f"{os.cpu_count()} cores)." if goal is not None else "Goal not run."]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
