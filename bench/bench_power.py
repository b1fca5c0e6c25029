"""Benchmark of the weighted-game power indices (run: ``python bench/bench_power.py``).

Every time is printed as a ratio against a baseline measured in the same run:

* the previous exact road (``simulations/power.py`` at commit ``BASELINE``, main before
  this round: uint64 residues reduced at every addition, gathered swing windows; read
  with ``git show``): ``prev / new`` is the speed-up, and its answers must equal the new
  ones exactly (the run stops with an error otherwise);
* ``powerindex`` and ``powerindices`` (floating point; ``pip install quorumlab[bench]``):
  ``theirs / new``, with their largest error against our exact answer;
* for Shapley-Shubik, ``shapley_shubik_float`` (Owen's integral, floating point) against
  the exact new and previous code and ``powerindex``, with its largest error against the
  exact index and the proven bound it reports (truncation and quadrature, rounding
  aside);
* the issue's goal, 2 s for Shapley-Shubik with weights 1..100 at n = 1,000: ``time / 2 s``
  for the exact and for the floating-point road.

Games: n players with weights drawn uniformly from 1..10 or 1..100 (seed 7), quota a
simple majority of the weight.  Each computation runs in a child process with a time
limit, one at a time, on one core.  Figures depend on the machine; nothing here is
asserted by the test suite.
"""

from __future__ import annotations

import argparse
import importlib.util
import multiprocessing as mp
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
from bench_sim import competitor, table, verdict  # noqa: E402 - pins one core

from simulations.power import PowerIndices, shapley_shubik_float, weighted_game  # noqa: E402

BASELINE = "835732d"  # main before this round: residues reduced at every addition
GOAL_SECONDS = 2.0


def _old_module() -> Any:
    """The previous ``simulations.power``, or None where git cannot show it."""
    root = Path(__file__).resolve().parent.parent
    try:
        src = subprocess.run(["git", "show", f"{BASELINE}:simulations/power.py"], cwd=root,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "old_power.py"
    path.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("old_power", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["old_power"] = mod
    spec.loader.exec_module(mod)
    return mod


def _ours(q: Any, which: str, weights: list[int], quota: int, shapley: bool) -> None:
    if which == "float":
        t = time.perf_counter()
        f = shapley_shubik_float(weights, quota)
        q.put(("ok", time.perf_counter() - t, (f.values, f.error_bound)))
        return
    game = weighted_game
    if which == "old":
        old = _old_module()
        if old is None:
            q.put(("no git", 0.0, None))
            return
        game = old.weighted_game
    t = time.perf_counter()
    r = game(weights, quota, shapley=shapley)
    q.put(("ok", time.perf_counter() - t, (r.banzhaf_swings, r.shapley_shubik)))


def run(which: str, weights: list[int], quota: int, shapley: bool,
        limit: float) -> tuple[str, float, Any]:
    """(status, seconds, (swings, shapley_shubik)) of ``which`` = "new" or "old"; for
    "float", (status, seconds, (the floating-point indices, their proven bound)))."""
    q: Any = mp.Queue()
    p = mp.Process(target=_ours, args=(q, which, weights, quota, shapley))
    p.start()
    t = time.perf_counter()
    while p.is_alive() and time.perf_counter() - t < limit and q.empty():
        time.sleep(0.05)
    if q.empty():
        if not p.is_alive():
            return (f"crashed (exit {p.exitcode})", 0.0, None)
        p.terminate()
        p.join()
        return (f"> {limit:.0f}s", limit, None)
    out = q.get()
    p.join()
    return out


def ratio(status: str, theirs: float, ours: float) -> str:
    """``theirs / ours`` as a speed-up; a time-out gives a lower bound."""
    if status == "ok":
        return f"{theirs / ours:.3g}x"
    if status.startswith(">") or status.startswith("timeout"):
        return f"> {theirs / ours:.3g}x (timed out)"
    return status


def rel_error(got: tuple[float, ...], exact: tuple[Any, ...]) -> float:
    """Largest relative error of ``got`` against the exact indices (absolute where 0)."""
    return max(abs(g - float(e)) / (float(e) or 1.0) for g, e in zip(got, exact, strict=True))


def abs_error(got: tuple[float, ...], exact: tuple[Any, ...]) -> float:
    """Largest absolute error of ``got`` against the exact indices."""
    return max(abs(g - float(e)) for g, e in zip(got, exact, strict=True))


def rows(sizes: list[int], limit: float,
         prev_limit: float) -> tuple[list[list[Any]], list[list[Any]], dict]:
    out, flo, goal = [], [], {}
    rng = np.random.default_rng(7)
    for top in (10, 100):
        for n in sizes:
            weights = [int(x) for x in rng.integers(1, top + 1, n)]
            quota = sum(weights) // 2 + 1
            for index, shapley in (("banzhaf", False), ("shapley", True)):
                status, secs, got = run("new", weights, quota, shapley, limit * 4)
                if status != "ok":
                    out.append([n, f"1..{top}", index, status, "", "", ""])
                    continue
                r = PowerIndices(*got)
                o_status, o_secs, o_got = run("old", weights, quota, shapley, prev_limit)
                if o_got is not None and o_got != got:
                    raise SystemExit(f"n = {n}, weights 1..{top}, {index}: the previous "
                                     "exact road answers differently")
                same = "" if o_got is None else " same"
                row = [n, f"1..{top}", index, f"{secs:.3g}s",
                       ratio(o_status, o_secs, secs) + same]
                exact = r.shapley_shubik if shapley else r.banzhaf_normalised
                alt = None if shapley else r.banzhaf_absolute
                px = None
                for lib in ("powerindex", "powerindices"):
                    c_status, c_secs, c_got = competitor(lib, index, quota, weights, limit)
                    px = px or (c_status, c_secs)
                    row.append(f"{ratio(c_status, c_secs, secs)}, "
                               f"{verdict(c_status, c_got, exact, alt)}")
                out.append(row)
                if not shapley:
                    continue
                f_status, f_secs, f_got = run("float", weights, quota, True, limit)
                if f_status != "ok":
                    flo.append([n, f"1..{top}", f_status, "", "", "", "", ""])
                    continue
                values, bound = f_got
                err = abs_error(values, exact)
                flo.append([n, f"1..{top}", f"{f_secs:.3g}s", f"{secs / f_secs:.3g}x",
                            ratio(o_status, o_secs, f_secs), ratio(px[0], px[1], f_secs),
                            f"{rel_error(values, exact):.1g}",
                            f"{err:.1g} {'<=' if err <= bound else '> (rounding)'} {bound:.1g}"])
                if top == 100 and n == 1000:
                    goal = {"exact": secs, "float": f_secs, "old": (o_status, o_secs),
                            "powerindex": px}
    return out, flo, goal


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="n up to 300, 30 s limits")
    ap.add_argument("--limit", type=float, default=120.0, help="seconds per peer run")
    ap.add_argument("--prev-limit", type=float, default=300.0,
                    help="seconds per run of the previous exact road")
    args = ap.parse_args()
    sizes = [100, 300] if args.quick else [100, 300, 1000]
    limit = 30.0 if args.quick else args.limit
    found, flo, goal = rows(sizes, limit, 60.0 if args.quick else args.prev_limit)
    table("Exact power indices: new time, and each baseline's time as a multiple of it",
          ["n", "weights", "index", "new, exact (the unit)", "prev / new", "powerindex / new",
           "powerindices / new"], found)
    table("Shapley-Shubik in floating point (shapley_shubik_float): its time, and each "
          "baseline's as a multiple of it",
          ["n", "weights", "float (the unit)", "new exact / float", "prev exact / float",
           "powerindex / float", "max relative error vs exact",
           "max abs error vs proven bound"], flo)
    if goal:
        print(f"\nGoal (Shapley-Shubik, weights 1..100, n = 1,000, under {GOAL_SECONDS:g} s):")
        for road in ("exact", "float"):
            secs = goal[road]
            print(f"  {road}: {secs:.3g} s, {secs / GOAL_SECONDS:.3g}x the goal "
                  f"({'met' if secs <= GOAL_SECONDS else 'missed'})")
        print(f"  exact, previous road: {ratio(*goal['old'], goal['exact'])} the new "
              "exact road's time")
        print(f"  float against the same run: new exact / float = "
              f"{goal['exact'] / goal['float']:.3g}x, prev exact / float = "
              f"{ratio(*goal['old'], goal['float'])}, powerindex / float = "
              f"{ratio(*goal['powerindex'], goal['float'])}")


if __name__ == "__main__":
    main()
