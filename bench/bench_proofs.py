"""Benchmark of the proof catalogue.  Run: ``python bench/bench_proofs.py [--quick] [--out FILE]``.

Prints (and with ``--out`` writes as Markdown):

1. ``check --all``-like work (the five built-in institutions, every property, n = 3..6 by
   default, one process) on the current path against the *previous path in the same
   process*: rule sets shared only when their values, citations and names are equal (the
   old de-duplication key), every refinement of an exists-forall query encoded again
   through the semantics, one encoding per (spec, tag), and no symmetry breaking of the
   outer settings.  Verdicts and values must be identical; the ratio is what counts.
2. the largest n (on a ladder up to ``--max-n``) at which each per-size property answers
   within 10 s on one rule set (prefecture party group, ordinary matter), with the
   counted meeting (:func:`proofs.symbolic.counted_meeting`; for the exists-forall
   properties with the setting counted apart from the conduct, :class:`proofs.conduct.Split`),
   and without it (``count_from = 0``) for comparison.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("QUORUMLAB_LIMIT_CHECK_SIZE", "100000")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import proofs.catalogue as cat  # noqa: E402
import proofs.runner as runner  # noqa: E402
from model.loader import builtin_ids, load_institution  # noqa: E402
from proofs.context import Context  # noqa: E402
from proofs.encode import encode  # noqa: E402
from proofs.options import CheckOptions  # noqa: E402
from proofs.properties import all_properties  # noqa: E402
from proofs.runner import run_suite  # noqa: E402

LADDER = (16, 25, 50, 100, 200, 500, 1000, 2000, 5000)
REF, BODY, MATTER = "prefecture_medical_security_party_group", "party_group", "ordinary"


def _old_share_key(inst: Any, rs: Any) -> tuple[Any, ...]:
    """The de-duplication key before issue 11: values with citations, names, limits."""
    m = inst.matters[rs.matter]
    return (repr(sorted(rs.values.items(), key=lambda kv: kv[0])), repr(rs.points),
            m.portfolio, repr(m.amount))


_ENCODED: dict[int, tuple[Any, Any, Any]] = {}  # id(encoding) -> (it, meeting, spec)


def _old_instantiate(enc: Any, pairs: Any, tag: str = "", track: bool = True) -> Any:
    """A refinement encoded again through the semantics (the previous path)."""
    _, sm, spec = _ENCODED[id(enc)]
    got = {str(v): x for v, x in pairs}
    values = {k: tuple(got.get(str(v), v) for v in getattr(sm, k))
              for k in ("vote", "opinion", "pos")}
    values["vote_called"] = got.get(str(sm.vote_called), sm.vote_called)
    return encode(spec, sm.with_conduct(values).terms(), tag=tag, track=track)


def _old_setup(self: Context, q: Any, sm: Any, spec: Any = None, tag: str = "",
               wf: bool = True, symmetric: bool = False) -> Any:
    """``Context.setup`` before issue 11: one encoding per (meeting, spec, tag), so every
    pair of readings and every second meeting encoded its spec again."""
    spec = spec or self.spec
    key, old = ("enc", id(sm), spec, q.cores), ("old-enc", id(sm), spec, tag, q.cores)
    if old in self.memo:
        self.memo[key] = self.memo[old]
    else:
        self.memo.pop(key, None)
    enc = _SETUP(self, q, sm, spec, tag, wf, symmetric)
    self.memo[old] = self.memo[key]
    _ENCODED[id(enc)] = (enc, sm, spec)
    return enc


_SETUP = Context.setup


@contextlib.contextmanager
def old_path() -> Iterator[None]:
    """Swap in the previous path for the duration (one process: workers would not see it)."""
    saved = (runner._share_key, cat.setting_symmetry, cat.instantiate, Context.setup,
             Context.meeting)

    def old_meeting(self: Context, tag: str = "", counted: bool = False) -> Any:
        return saved[4](self, tag, False)

    runner._share_key = _old_share_key
    cat.setting_symmetry = lambda sm: []
    cat.instantiate = _old_instantiate
    Context.setup = _old_setup  # type: ignore[method-assign]
    Context.meeting = old_meeting  # type: ignore[method-assign]
    try:
        yield
    finally:
        (runner._share_key, cat.setting_symmetry, cat.instantiate, Context.setup,
         Context.meeting) = saved  # type: ignore[method-assign]
        _ENCODED.clear()


def _records(rep: Any) -> dict[tuple[str, str], Any]:
    return {(s.institution, s.key): s.record for s in rep.summaries}


def catalogue_ratio(sizes: tuple[int, ...]) -> list[str]:
    opts = CheckOptions(sizes=sizes, timeout_s=60)
    t0 = time.perf_counter()
    with old_path():
        old = run_suite(builtin_ids(), opts, jobs=1)
    t_old = time.perf_counter() - t0
    t0 = time.perf_counter()
    new = run_suite(builtin_ids(), opts, jobs=1)
    t_new = time.perf_counter() - t0
    same = _records(old) == _records(new)
    groups_old = sum(len({_old_share_key(i, i.ruleset(b, m)) for b, m in i.pairs()})
                     for i in map(load_institution, builtin_ids()))
    groups_new = len(runner.distinct_pairs(builtin_ids()))
    return [
        f"- workload: five institutions, every property, n = {sizes[0]}..{sizes[-1]}, one "
        f"process, {len(new.results)} results",
        f"- previous path: {t_old:.1f} s ({groups_old} rule sets checked)",
        f"- current path: {t_new:.1f} s ({groups_new} rule sets checked)",
        f"- ratio current / previous: **{t_new / t_old:.2f}**",
        f"- identical verdicts, sizes and values: {'yes' if same else 'NO'}; regressions "
        f"against the expectation files: {len(new.regressions)}",
    ]


def largest_n(max_n: int, count_from: int, only: set[str] | None = None
              ) -> dict[str, tuple[int | None, str, bool]]:
    """Per property: the largest n of the ladder answered within 10 s (stopping at the first
    that is not), the slowest answer, and whether a counted meeting was used."""
    inst = load_institution(REF)
    out: dict[str, tuple[int | None, str, bool]] = {}
    for p in all_properties():
        if not p.per_size or (only is not None and p.id not in only):
            continue
        best: int | None = None
        note, counted = "", False
        for n in [x for x in LADDER if x <= max_n]:
            ctx = Context.make(inst, BODY, MATTER, n, CheckOptions(sizes=(3,), timeout_s=10,
                                                                  count_from=count_from))
            t = time.perf_counter()
            v = p.check(ctx)
            dt = time.perf_counter() - t
            counted = counted or any(k[0] == "meeting" and k[-1] for k in ctx.memo)
            if v.status == "unknown" or dt >= 10:
                note = f"n={n}: {v.status} after {dt:.1f} s"
                break
            best, note = n, f"{dt:.2f} s at n={n} ({v.status})"
        out[p.id] = (best, note, counted)
        print(f"  {p.id}: {best} ({note})", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="n = 3..4 and a ladder up to 200")
    ap.add_argument("--max-n", type=int, default=5000)
    ap.add_argument("--skip-catalogue", action="store_true")
    ap.add_argument("--skip-ladder", action="store_true")
    ap.add_argument("--out", help="also write the tables here (Markdown)")
    args = ap.parse_args()
    max_n = 200 if args.quick else args.max_n
    lines = ["# Proof catalogue (issue 11, items 1-2)", "",
             f"`python bench/bench_proofs.py`, {time.strftime('%H:%M UTC', time.gmtime())}, "
             f"load average {os.getloadavg()[0]:.1f} on the shared 2-core machine.", ""]
    if not args.skip_catalogue:
        lines += ["## 1. check --all-like work, current vs previous path (same process)", ""]
        lines += catalogue_ratio((3, 4) if args.quick else (3, 4, 5, 6))
        lines.append("")
        print("\n".join(lines), flush=True)
    if args.skip_ladder:
        if args.out:
            with open(args.out, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
        return
    counted = largest_n(max_n, CheckOptions().count_from)
    members = largest_n(max_n, 0, {pid for pid, (_, _, used) in counted.items() if used})
    table = ["## 2. Largest n answered within 10 s (one rule set: "
             f"{REF} {BODY}/{MATTER}; ladder {', '.join(map(str, LADDER))})", "",
             "| property | counted meeting | largest n | per member only | slowest answer |",
             "|---|---|---:|---:|---|"]
    for pid, (best, note, used) in counted.items():
        mb = members[pid][0] if pid in members else best
        table.append(f"| {pid} | {'yes' if used else 'no'} | {best or '<16'} | "
                     f"{mb or '<16'} | {note} |")
    print("\n".join(table))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("\n".join(lines + table) + "\n")


if __name__ == "__main__":
    main()
