"""Benchmark of the proof catalogue.  Run: ``python bench/bench_proofs.py [--quick]``.

Prints:

1. wall time of the whole catalogue on the five built-in institutions, n = 3..15, with
   two worker processes (the target is < 60 s on 2 cores);
2. time per property summed over every (institution, body, matter), per board size, and
   a fit of its growth with n (polynomial ``t ~ n^k`` versus exponential ``t ~ b^n``,
   whichever fits log-time better);
3. the largest n (up to ``--max-n``) for which each property's slowest single check
   still answers within 10 s;
4. the ratio against a baseline run in the same process: brute-force enumeration with
   the one semantics (:mod:`proofs.oracle`) on the pinned scope for n = 3..6.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import defaultdict

from model.loader import builtin_ids, load_institution
from proofs.context import Context
from proofs.options import CheckOptions, Scope
from proofs.oracle import build_table
from proofs.properties import all_properties
from proofs.runner import check_pair, distinct_pairs, run_suite


def _groups() -> list[tuple[str, str, str]]:
    return distinct_pairs(builtin_ids())


def _fit(ns: list[int], ts: list[float]) -> str:
    pts = [(n, t) for n, t in zip(ns, ts, strict=True) if t > 0]
    if len(pts) < 3:
        return "too fast to fit"

    def linfit(xs: list[float], ys: list[float]) -> tuple[float, float, float]:
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        sxx = sum((x - mx) ** 2 for x in xs)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sxx
        resid = sum((y - (my + slope * (x - mx))) ** 2 for x, y in zip(xs, ys, strict=True))
        return slope, my - slope * mx, resid

    logs = [math.log(t) for _, t in pts]
    k, _, r_poly = linfit([math.log(n) for n, _ in pts], logs)
    b, _, r_exp = linfit([float(n) for n, _ in pts], logs)
    if r_exp < r_poly:
        return f"exponential-looking: t ~ {math.exp(b):.2f}^n (poly fit n^{k:.1f} worse)"
    return f"polynomial: t ~ n^{k:.1f} (exp fit {math.exp(b):.2f}^n worse)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="sizes 3-9 only, no largest-n search")
    ap.add_argument("--max-n", type=int, default=25)
    args = ap.parse_args()
    sizes = tuple(range(3, 10 if args.quick else 16))

    t0 = time.perf_counter()
    rep = run_suite(builtin_ids(), CheckOptions(sizes=sizes), jobs=2)
    wall = time.perf_counter() - t0
    unknown = sum(1 for r in rep.results if r.status == "unknown")
    print(f"1. whole catalogue, 5 institutions, n={sizes[0]}..{sizes[-1]}, 2 workers: "
          f"{wall:.1f} s wall ({len(rep.results)} results, {unknown} unknown)")

    per: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    worst: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for r in rep.results:
        if r.n is not None:
            per[r.property_id][r.n] += r.seconds
            worst[r.property_id][r.n] = max(worst[r.property_id][r.n], r.seconds)
    print("\n2. seconds per property (sum over all bodies and matters of the 5 institutions)")
    print(f"{'property':30}" + "".join(f"{n:>7}" for n in sizes) + "  growth")
    for p in all_properties():
        if not p.per_size:
            continue
        ts = [per[p.id][n] for n in sizes]
        print(f"{p.id:30}" + "".join(f"{t:7.2f}" for t in ts) + "  " + _fit(list(sizes), ts))

    if not args.quick:
        print("\n3. largest n whose slowest single check answers within 10 s (searched up to "
              f"{args.max_n})")
        groups = _groups()
        for p in all_properties():
            if not p.per_size:
                continue
            best = sizes[-1] if max(worst[p.id].values(), default=0) < 10 else None
            n = sizes[-1]
            while best == n and n < args.max_n:
                n = min(args.max_n, n + 5)
                slowest = 0.0
                for ref, b, m in groups:
                    res = check_pair(load_institution(ref), b, m, CheckOptions(sizes=(n,),
                                     timeout_s=10), [p.id])
                    if any(x.status == "unknown" for x in res):
                        slowest = 10.0
                        break
                    slowest = max(slowest, max(x.seconds for x in res))
                if slowest < 10:
                    best = n
            print(f"{p.id:30} {best if best is not None else '<' + str(sizes[-1])}"
                  + (" (cap)" if best == args.max_n else ""))

    print("\n4. baseline: brute-force enumeration (numpy, one semantics) vs Z3, pinned scope")
    props = [p for p in all_properties() if p.oracle is not None and p.per_size]
    for n in (3, 4, 5, 6):
        tb = tz = 0.0
        rows = 0
        for ref, b, m in _groups():
            inst = load_institution(ref)
            t = time.perf_counter()
            table = build_table(inst, b, m, n, Scope(pinned=True))
            for p in props:
                p.oracle(table)  # type: ignore[misc]
            tb += time.perf_counter() - t
            rows += table.rows
            t = time.perf_counter()
            memo: dict[object, object] = {}
            for p in props:
                ctx = Context.make(inst, b, m, n, CheckOptions(sizes=(n,), scope=Scope(pinned=True)))
                ctx.memo = memo
                p.check(ctx)
            tz += time.perf_counter() - t
        print(f"n={n}: brute force {tb:6.2f} s ({rows} meetings), Z3 {tz:6.2f} s, "
              f"ratio brute/Z3 = {tb / tz:.2f}")


if __name__ == "__main__":
    main()
