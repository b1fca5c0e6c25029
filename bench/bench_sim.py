"""Benchmark of the simulation engine (run: ``python bench/bench_sim.py [--quick]``).

Prints four tables:

0. the engine against a *bare-numpy rule* measured in the same run (``--only bare``,
   ``--out FILE`` writes it as Markdown, see bench/sim.md): meetings per second at n = 15
   and 175, with and without herding, each rate the best of a few rounds that alternate
   engine and baseline (the machine is shared); the bare rule draws the same meetings
   and applies the thresholds by hand (quorum 2/3, yes > half of all members), with
   herding a random order (the chair last) and the cascade rule, speaker by speaker;
1. simulated meetings per second on one core at n = 15, 50, 175 (draw + decide through
   the one rule semantics on the numpy backend + tally), against a straightforward
   Python loop calling the reference evaluator (``model.evaluator.decide``, and the bare
   ``evaluate(spec, terms, PY)``), and against a Mesa agent-based model of the same
   committee (if ``mesa`` is installed: ``pip install quorumlab[bench]``);
2. power indices for n in {15, 50, 100, 175, 1000, 2977}: time and correctness against
   ``powerindex`` and ``powerindices`` (if installed), their failures flagged;
3. time to a 95% confidence half-width of 0.005 on P(passed);
4. with ``--before REV``: the engine against itself at git revision REV (``git archive``
   into a temporary folder), meetings per second with and without herding, each rate the
   best of five rounds of one child process per measurement, alternating.

Competitors run in a child process with a time limit.  Figures depend on the machine;
nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import random
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
if hasattr(os, "sched_setaffinity"):
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from model.backend import PY  # noqa: E402
from model.evaluator import decide  # noqa: E402
from model.loader import load_institution  # noqa: E402
from model.meeting import MatterFacts, Meeting, Member, Outcome, Vote  # noqa: E402
from model.semantics import evaluate  # noqa: E402
from simulations.compositions import Board  # noqa: E402
from simulations.montecarlo import batch_size, choose_method, model_for, simulate  # noqa: E402
from simulations.power import weighted_game  # noqa: E402
from simulations.readings import reading_label  # noqa: E402

INSTITUTION = "prefecture_medical_security_party_group"
BODY, MATTER = "party_group", "ordinary"


def table(title: str, header: list[str], rows: list[list[Any]]) -> None:
    cells = [header] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n## {title}\n")
    for k, r in enumerate(cells):
        print("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)))
        if k == 0:
            print("  ".join("-" * w for w in widths))


def reading() -> dict[str, str]:
    """The one reading of the open points benchmarked (named, and printed in the header)."""
    return next(load_institution(INSTITUTION).ruleset(BODY, MATTER).choices())


def setup(n: int, conformity: float = 0.0) -> tuple[Any, Any, Board, Any]:
    inst = load_institution(INSTITUTION)
    rs = inst.ruleset(BODY, MATTER)
    spec = rs.spec(reading())
    board = Board.uniform(n, attendance=0.9, competence=0.7, conformity=conformity,
                          leader_influence=1.0 if conformity else 0.0)
    return inst, rs, board, model_for(inst, MATTER, spec)


def engine_rate(n: int, meetings: int, conformity: float = 0.0, method: str = "auto") -> float:
    inst, rs, board, model = setup(n, conformity)
    spec = rs.spec(reading())
    simulate(spec, board, model, min(meetings, 1 << 16), seed=0, method=method)  # warm up
    t = time.perf_counter()
    simulate(spec, board, model, meetings, seed=1, method=method)
    return meetings / (time.perf_counter() - t)


def bare_numpy(n: int, meetings: int, conformity: float = 0.0, seed: int = 1) -> np.ndarray:
    """The rule written by hand in numpy, as a user would (the Mesa model's rule): the same
    meetings (attendance 0.9, competence 0.7; with ``conformity`` the cascade rule of
    simulations.meetings in a random order, the chair last, the leader's weight 2), in
    batches of the engine's size; returns the outcome counts."""
    g = np.random.default_rng(seed)
    counts = np.zeros(7, dtype=np.int64)
    step = batch_size(n)
    lam = math.log(0.7 / 0.3)
    done = 0
    while done < meetings:
        size = min(step, meetings - done)
        right = g.random(size) < 0.5
        present = g.random((n, size), dtype=np.float32) < 0.9
        signal = (g.random((n, size), dtype=np.float32) < 0.7) == right
        if conformity:
            key = g.random((size, n))
            key[:, 0] = 2.0  # the leader (who chairs when present) speaks last
            seq = np.argsort(key, axis=1).T
            here = np.take_along_axis(present, seq, axis=0)
            own = np.where(np.take_along_axis(signal, seq, axis=0), lam, -lam)
            weight = np.where(seq == 0, 2.0, 1.0)
            running = np.zeros(size)
            yes = np.zeros(size, dtype=np.int64)
            for k in range(n):
                ev = own[k] + conformity * lam * running
                says = np.where(ev > 0, 1.0, np.where(ev < 0, -1.0,
                                                      np.where(g.random(size) < 0.5, 1.0, -1.0)))
                says *= here[k]
                running += weight[k] * says
                yes += says > 0
        else:
            yes = (present & signal).sum(axis=0)
        held = present.sum(axis=0)
        out = np.where(3 * held < 2 * n, int(Outcome.NO_QUORUM),
                       np.where(2 * yes > n, int(Outcome.PASSED), int(Outcome.REJECTED)))
        counts += np.bincount(out, minlength=7)
        done += size
    return counts


def best_of(rounds: int, *runs: Any) -> list[float]:
    """Meetings per second of each (function, meetings) run: the best of ``rounds``
    rounds, the runs alternating within a round (so load on the machine hits all alike)."""
    best = [0.0] * len(runs)
    for _ in range(rounds):
        for k, (fn, meetings) in enumerate(runs):
            t = time.perf_counter()
            fn()
            best[k] = max(best[k], meetings / (time.perf_counter() - t))
    return best


GOALS = {(15, False): 0.8, (175, False): 0.8}  # engine / bare numpy
HERD_GOAL = 2_000_000  # meetings per second with herding at n = 15


def bare_table(quick: bool, out: Path | None) -> None:
    rows = []
    for n, meetings in ((15, 2_000_000), (175, 400_000)):
        meetings = meetings // 10 if quick else meetings
        for conformity in (0.0, 0.5):
            m = meetings // 4 if conformity else meetings
            inst, rs, board, model = setup(n, conformity)
            spec = rs.spec(reading())
            path = choose_method(spec, board, model)
            simulate(spec, board, model, 1 << 14, seed=0)  # warm up
            bare_numpy(n, 1 << 14, conformity)
            engine, bare = best_of(3 if quick else 5,
                                   (partial(simulate, spec, board, model, m, seed=1), m),
                                   (partial(bare_numpy, n, m, conformity), m))
            ratio = engine / bare
            goal = GOALS.get((n, bool(conformity)))
            if goal is not None:
                verdict = f"goal >= {goal}x: {'met' if ratio >= goal else 'missed'}"
            elif n == 15:
                verdict = (f"goal >= {HERD_GOAL / 1e6:g}M/s: "
                           f"{'met' if engine >= HERD_GOAL else 'missed'}")
            else:
                verdict = "-"
            rows.append([n, "yes" if conformity else "no", path, f"{engine:,.0f}", f"{bare:,.0f}",
                         f"{ratio:.2f}x", verdict])
    header = ["n", "herding", "engine path", "engine meetings/s", "bare numpy meetings/s",
              "engine / bare", "goal"]
    table("Engine against a bare-numpy rule, same run (best of alternating rounds)", header, rows)
    if out is not None:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")


_RATE_OF = """
import os, sys, time
os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
sys.path.insert(0, sys.argv[1])
from model.loader import load_institution
from simulations.compositions import Board
from simulations.montecarlo import model_for, simulate
n, m, conformity = int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
inst_id, body, matter = sys.argv[5:8]
inst = load_institution(inst_id)
rs = inst.ruleset(body, matter)
spec = rs.spec(next(rs.choices()))
board = Board.uniform(n, attendance=0.9, competence=0.7, conformity=conformity,
                      leader_influence=1.0 if conformity else 0.0)
model = model_for(inst, matter, spec)
simulate(spec, board, model, 1 << 14, seed=0)
t = time.perf_counter()
r = simulate(spec, board, model, m, seed=1)
print(m / (time.perf_counter() - t), r.method)
"""


def before_table(rev: str, quick: bool) -> None:
    """The engine here against the engine at git revision ``rev``, in child processes
    (one per measurement, the two alternating; the best of five rounds)."""
    here = Path(__file__).resolve().parent.parent
    cases = [(15, 1_000_000, 0.5), (175, 200_000, 0.5), (15, 2_000_000, 0.0), (175, 1_000_000, 0.0)]
    best: dict[tuple[int, float, str], tuple[float, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(here), "archive", rev], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        for _ in range(2 if quick else 5):
            for n, meetings, conformity in cases:
                for name, root in (("before", tmp), ("after", str(here))):
                    m = meetings // (40 if quick else 4 if name == "before" and conformity else 1)
                    out = subprocess.run([sys.executable, "-c", _RATE_OF, root, str(n), str(m),
                                          str(conformity), INSTITUTION, BODY, MATTER],
                                         check=True, capture_output=True,
                                         text=True, cwd=tmp).stdout.split()
                    key = (n, conformity, name)
                    if float(out[0]) > best.get(key, (0.0, ""))[0]:
                        best[key] = (float(out[0]), out[1])
    rows = []
    for n, _, conformity in cases:
        (b, bm), (a, am) = best[(n, conformity, "before")], best[(n, conformity, "after")]
        rows.append([n, "yes" if conformity else "no", bm, f"{b:,.0f}", am, f"{a:,.0f}",
                     f"{a / b:.2f}x"])
    table(f"The engine against itself at {rev} (meetings/s, best of alternating rounds)",
          ["n", "herding", "path before", "before", "path after", "after", "after / before"],
          rows)


def naive_rate(n: int, seconds: float, via_decide: bool) -> float:
    """A straightforward loop: draw one meeting with `random`, decide it, count outcomes."""
    inst, rs, board, _ = setup(n)
    choice = reading()
    spec = rs.spec(choice)
    rng = random.Random(1)
    members = tuple(Member(m.id, m.role, m.portfolios) for m in board.members)
    ids = [m.id for m in members]
    counts = [0] * 6
    done = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        right = rng.random() < 0.5
        present = [i for i in ids if rng.random() < 0.9]
        votes = {i: (Vote.YES if (rng.random() < 0.7) == right else Vote.NO) for i in present}
        chair = "m0" if "m0" in present else (present[0] if present else None)
        order = tuple([i for i in present if i != chair] + ([chair] if chair else []))
        m = Meeting(INSTITUTION, BODY, MatterFacts(MATTER), members, frozenset(present),
                    votes=votes, speaking_order=order, chair=chair)
        out = decide(m, rs, choice).outcome if via_decide else evaluate(spec, m.terms(), PY).outcome
        counts[int(out)] += 1
        done += 1
    return done / (time.perf_counter() - t0)


def mesa_rate(n: int, seconds: float) -> float | str:
    try:
        import mesa
    except ImportError:
        return "mesa not installed"

    class Person(mesa.Agent):  # type: ignore[misc, name-defined]
        def __init__(self, model: Any, leader: bool) -> None:
            super().__init__(model)
            self.leader = leader
            self.present = False
            self.vote = 0

        def step(self) -> None:
            r = self.model.random
            self.present = r.random() < 0.9
            self.vote = (1 if (r.random() < 0.7) == self.model.right else 2) if self.present else 0

    class Committee(mesa.Model):  # type: ignore[misc, name-defined]
        def __init__(self, n: int) -> None:
            super().__init__(seed=1)
            self.n = n
            self.right = True
            for i in range(n):
                Person(self, leader=(i == 0))
            self.counts = [0] * 6

        def step(self) -> None:
            self.right = self.random.random() < 0.5
            self.agents.do("step")
            present = sum(a.present for a in self.agents)
            yes = sum(a.vote == 1 for a in self.agents)
            # the rule written by hand as a Mesa user would: quorum 2/3, yes > 1/2 of due
            # (throughput only: it leaves out the open points and the speaking rules)
            if 3 * present < 2 * self.n:
                out = Outcome.NO_QUORUM
            elif 2 * yes > self.n:
                out = Outcome.PASSED
            else:
                out = Outcome.REJECTED
            self.counts[int(out)] += 1

    model = Committee(n)
    done = 0
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        model.step()
        done += 1
    return done / (time.perf_counter() - t0)


def _child(q: Any, lib: str, index: str, quota: int, weights: list[int]) -> None:
    try:
        t = time.perf_counter()
        if lib == "powerindex":
            import powerindex as px

            g = px.Game(quota, weights=weights)
            g.calc_banzhaf() if index == "banzhaf" else g.calc_shapley_shubik()
            vals = list(g.banzhaf if index == "banzhaf" else g.shapley_shubik)
        else:
            import powerindices

            if index == "banzhaf":
                vals = list(powerindices.compute_pbi(quota, weights))
            else:
                res = powerindices.compute_ssi(quota, weights)  # a list, despite its docstring
                vals = [res[w] for w in weights] if isinstance(res, dict) else list(res)
        q.put(("ok", time.perf_counter() - t, [float(v) for v in vals]))
    except ImportError:
        q.put(("not installed", 0.0, []))
    except Exception as err:  # noqa: BLE001 - the failure is the measurement
        q.put((type(err).__name__, time.perf_counter() - t, []))


def competitor(lib: str, index: str, quota: int, weights: list[int],
               limit: float) -> tuple[str, float, list[float]]:
    q: Any = mp.Queue()
    p = mp.Process(target=_child, args=(q, lib, index, quota, weights))
    p.start()
    p.join(limit)
    if p.is_alive():
        p.terminate()
        p.join()
        return (f"timeout > {limit:.0f}s", limit, [])
    return q.get() if not q.empty() else ("crashed", 0.0, [])


def verdict(status: str, got: list[float], exact: tuple[Fraction, ...],
            alt: tuple[Fraction, ...] | None = None) -> str:
    if status != "ok":
        return status
    arr = np.array(got, dtype=float)
    if not np.all(np.isfinite(arr)):
        return "WRONG: nan/inf"
    errs = [max(abs(float(e) - g) for e, g in zip(ref, got, strict=True))
            for ref in (exact, alt) if ref is not None]
    err = min(errs)
    if (arr < 0).any() or err > 1e-6:
        return f"WRONG (max error {err:.2g})"
    return f"ok (max error {err:.1g})"


def power_rows(sizes: list[int], limit: float) -> list[list[Any]]:
    rows = []
    rng = np.random.default_rng(7)
    for n in sizes:
        games = [("equal", [1] * n)]
        if n <= 1000:
            games.append(("weights 1..10", [int(x) for x in rng.integers(1, 11, n)]))
        for label, weights in games:
            quota = sum(weights) // 2 + 1
            t = time.perf_counter()
            banzhaf = weighted_game(weights, quota, shapley=False)
            t_b = time.perf_counter() - t
            t = time.perf_counter()
            both = weighted_game(weights, quota)
            t_s = time.perf_counter() - t
            assert both.banzhaf_swings == banzhaf.banzhaf_swings
            for index, secs, exact, alt in (
                    ("banzhaf", t_b, both.banzhaf_normalised, both.banzhaf_absolute),
                    ("shapley", t_s, both.shapley_shubik, None)):
                row = [n, label, index, f"{secs:.3f}s exact"]
                for lib in ("powerindex", "powerindices"):
                    status, took, got = competitor(lib, index, quota, weights, limit)
                    row.append(f"{took:.3f}s {verdict(status, got, exact, alt)}"
                               if status == "ok" else verdict(status, got, exact))
                rows.append(row)
    return rows


def ci_time(n: int) -> tuple[float, int, float]:
    inst, rs, board, model = setup(n)
    t = time.perf_counter()
    tally = simulate(rs.spec(reading()), board, model, 0, seed=3, batch=8192, half_width=0.005)
    p = tally.probabilities()["passed"]
    return time.perf_counter() - t, tally.meetings, p.half_width


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer meetings, shorter limits")
    ap.add_argument("--only", choices=["bare", "meetings", "power", "ci"], action="append",
                    help="run only these tables (repeatable)")
    ap.add_argument("--out", type=Path, help="write the bare-numpy table as Markdown here")
    ap.add_argument("--before", metavar="REV",
                    help="also measure the engine at git revision REV against this one")
    args = ap.parse_args()
    quick = args.quick
    only = set(args.only or ["bare", "meetings", "power", "ci"])
    print(f"# quorumlab simulation benchmark ({INSTITUTION}/{BODY}/{MATTER}, one core)")
    print(f"# reading of the open points: {reading_label(reading())}")
    if "bare" in only:
        bare_table(quick, args.out)
    if "meetings" in only:
        meetings_table(quick)
    if "power" in only:
        sizes = [15, 50, 100, 175, 1000, 2977]
        table("Power indices, weighted majority games, quota = half the weight + 1 (ours: exact "
              "Python ints, Shapley-Shubik time includes Banzhaf; competitors' floats checked)",
              ["n", "game", "index", "quorumlab", "powerindex", "powerindices"],
              power_rows(sizes, 20.0 if quick else 120.0))
    if "ci" in only:
        ci_table()
    if args.before:
        before_table(args.before, quick)


def meetings_table(quick: bool) -> None:
    rows = []
    for n, meetings in ((15, 4_000_000), (50, 1_000_000), (175, 300_000)):
        meetings = meetings // 10 if quick else meetings
        ours = engine_rate(n, meetings)
        herd = engine_rate(n, max(meetings // 4, 1 << 16), conformity=0.5)
        loop_decide = naive_rate(n, 1.0 if quick else 3.0, via_decide=True)
        loop_eval = naive_rate(n, 1.0 if quick else 3.0, via_decide=False)
        mesa = mesa_rate(n, 1.0 if quick else 3.0)
        mesa_txt = f"{mesa:,.0f}" if isinstance(mesa, float) else mesa
        ratio_mesa = f"{ours / mesa:,.0f}x" if isinstance(mesa, float) else "-"
        rows.append([n, f"{ours:,.0f}", f"{herd:,.0f}", f"{loop_decide:,.0f}",
                     f"{ours / loop_decide:,.0f}x", f"{loop_eval:,.0f}", f"{ours / loop_eval:,.0f}x",
                     mesa_txt, ratio_mesa])
    table("Meetings per second (one core)",
          ["n", "engine", "engine+herding", "loop decide()", "ratio", "loop evaluate(PY)",
           "ratio", "Mesa", "ratio"], rows)


def ci_table() -> None:
    rows = []
    for n in (15, 175):
        secs, used, hw = ci_time(n)
        rows.append([n, f"{secs:.3f}s", f"{used:,}", f"{hw:.4f}",
                     f"{math.ceil(1.96**2 * 0.25 / 0.005**2):,}"])
    table("Time to a 95% half-width of 0.005 on P(passed)",
          ["n", "time", "meetings", "half-width", "worst-case meetings (p = 1/2)"], rows)


if __name__ == "__main__":
    main()
