"""Benchmark of ``check --all``: the two passes and the result cache.  Run:
``python bench/bench_check.py [--sizes 3-15] [--jobs 2] [--out FILE]``.

All in one process, on copies of the five built-in rule files (so that one can be edited),
with a fresh cache folder; each figure is a ratio against a run in the same process:

1. **polish everything** (the path before: every witness polished where it is found)
   against **two passes** (every check with polishing off, then only the results a report
   shows checked again, polished: ``run_suite``'s default), and **no polishing at all**
   (the floor).  Summaries must be identical.
2. **cold** (empty cache) against **warm** (the same run again) and **one rule file
   edited** (a comment appended to the largest one): what a pre-commit hook pays.  Results
   must be identical to the cold run's.

Wall-clock seconds and CPU seconds (this process and its workers) are printed; the machine
is shared, so the ratios are what count.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import proofs.runner as runner  # noqa: E402
from model.loader import builtin_ids, load_institution  # noqa: E402
from proofs.cache import ResultCache  # noqa: E402
from proofs.options import CheckOptions  # noqa: E402
from quorumlab.params import SIZES  # noqa: E402


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _timed(f: Callable[[], Any]) -> tuple[Any, float, float]:
    w, c = time.perf_counter(), _cpu()
    out = f()
    return out, time.perf_counter() - w, _cpu() - c


def _polish_everything(refs: list[str], opts: CheckOptions, jobs: int) -> list[Any]:
    insts = {ref: load_institution(ref) for ref in refs}
    _, tasks = runner.plan(insts, opts.sizes, None)
    return runner._run([replace(t, polish=True) for t in tasks], opts, jobs, None)


def _keys(results: Any) -> list[Any]:
    return sorted((r.institution, r.body, r.matter, r.property_id, r.n or 0, r.status,
                   r.value, r.facets) for r in results)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="3-15")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-polish", action="store_true", help="only section 2")
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    sizes = SIZES.convert(a.sizes, None, None)
    tmp = Path(tempfile.mkdtemp())
    refs = []
    for i in builtin_ids():
        dst = tmp / f"{i}.toml"
        shutil.copy(load_institution(i).path, dst)
        refs.append(str(dst))
    opts = CheckOptions(sizes=tuple(sizes))
    lines = [f"# check --all: two passes and the result cache (sizes {a.sizes}, "
             f"{a.jobs} workers)", ""]

    def row(name: str, wall: float, cpu: float, base: tuple[float, float] | None) -> None:
        ratio = "" if base is None else f" | {wall / base[0]:.3f}x | {cpu / base[1]:.3f}x"
        lines.append(f"| {name} | {wall:.1f} | {cpu:.1f}{ratio if base else ' | 1 | 1'} |")
        print(lines[-1], flush=True)

    head = ["| run | wall s | CPU s | wall ratio | CPU ratio |", "|---|---:|---:|---:|---:|"]
    if not a.skip_polish:
        lines += ["## 1. Polishing witnesses", "", *head]
        old, w0, c0 = _timed(lambda: _polish_everything(refs, opts, a.jobs))
        row("polish every witness (before)", w0, c0, None)
        new, w1, c1 = _timed(lambda: runner.run_suite(refs, opts, jobs=a.jobs))
        row("two passes (now)", w1, c1, (w0, c0))
        bare, w2, c2 = _timed(lambda: runner.run_suite(refs, replace(opts, polish=False),
                                                        jobs=a.jobs))
        row("no polishing (floor)", w2, c2, (w0, c0))
        same = _keys(old) == _keys(new.results) == _keys(bare.results)
        lines += ["", f"identical verdicts, values and facets: {'yes' if same else 'NO'}", ""]
    lines += ["## 2. The result cache", "", *head]
    cache = tmp / "cache"
    cold, w0, c0 = _timed(lambda: runner.run_suite(refs, opts, jobs=a.jobs,
                                                   cache=ResultCache(cache)))
    row("cold (empty cache)", w0, c0, None)
    warm, w1, c1 = _timed(lambda: runner.run_suite(refs, opts, jobs=a.jobs,
                                                   cache=ResultCache(cache)))
    row(f"warm ({warm.cached[0]} of {warm.cached[1]} tasks cached)", w1, c1, (w0, c0))
    big = max(refs, key=lambda r: len(list(load_institution(r).pairs())))
    Path(big).write_text(Path(big).read_text(encoding="utf-8") + "\n# edited\n",
                         encoding="utf-8")
    edit, w2, c2 = _timed(lambda: runner.run_suite(refs, opts, jobs=a.jobs,
                                                   cache=ResultCache(cache)))
    row(f"{Path(big).stem} edited ({edit.cached[0]} of {edit.cached[1]} cached)", w2, c2,
        (w0, c0))
    same = cold.results == warm.results and cold.summaries == warm.summaries
    lines += ["", f"warm results identical to cold (witnesses included): "
              f"{'yes' if same else 'NO'}; edited run's summaries identical: "
              f"{'yes' if edit.summaries == cold.summaries else 'NO'}", ""]
    if a.out:
        a.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
