"""Sweeps: many simulations over a grid (or a random sample) of board parameters and
institutions, run on local processes or on a Dask cluster; results as a tidy table.

Sweep file (TOML)::

    [sweep]
    institutions = ["all"]      # built-in ids, rule-file paths, or "all"
    pairs = "first"             # (body, matter) per institution: "first" or "all"
    meetings = 20000            # meetings per point
    seed = 1                    # the whole sweep is reproducible from this seed
    order = ["last", "first"]   # speaking orders (last = as the rules require)
    as_if_allowed = false       # true: counterfactual orders evaluated with last_speaker = none
    board = "board.toml"        # optional base board (path relative to this file)
    all_readings = false        # true: every reading combination even when there are many
    [sweep.reading]             # optional: readings of open points (point id = reading name)
    deferral = "close_split"

Every point runs once per combination of readings of its rule set's open points (those
agreeing with ``[sweep.reading]``; a named point that a rule set lacks does not restrict
it), on the same simulated meetings (one seed per point), and each row names its
``reading``.  More than 16 combinations of one rule set need ``[sweep.reading]`` or
``all_readings = true``.

    [grid]                      # every combination of these values
    size = [7, 15, 25]
    attendance = [0.6, 0.8, 1.0]

    [sample]                    # and/or `points` random points, uniform in [low, high]
    points = 10
    competence = [0.55, 0.9]
    size = [5, 30]              # integers for size

Parameters: ``size``, ``attendance``, ``competence``, ``conformity``, ``abstain``,
``leader_influence``, ``attendance_correlation``, ``signal_correlation``, ``order``, and
of the meeting model ``silent`` (P(a present member states no position); default 0, the
assumption that everyone states one), ``defer`` (P(a "no" is stated as 暂缓)),
``unclear`` (P(a major question of the item is unclear); true/false or a probability,
default false) and ``amount`` (the item's amount in yuan; default: not recorded).
Without ``board`` a point's board is :meth:`Board.uniform` of the point's size
(default 15).

Each row of the table is one quantity at one point: the point's parameters, then
``quantity``, ``value``, ``low``, ``high`` (95% Wilson interval).

Examples
--------
>>> from model.loader import load_institution
>>> from simulations.readings import reading_label
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset("party_group",
...                                                                           "ordinary")
>>> spec = sweep_from_dict({"sweep": {"institutions": ["prefecture_medical_security_party_group"],
...                                   "meetings": 2000, "seed": 3},
...                         "grid": {"attendance": [0.7, 1.0]}})
>>> len(points(spec)) == 2 * len(list(rs.choices()))  # every reading at every point
True
>>> rows = run_sweep(spec, workers=1)
>>> sorted({r["attendance"] for r in rows}), rows[0]["quantity"]
([0.7, 1.0], 'passed')
>>> sorted({r["reading"] for r in rows}) == sorted(map(reading_label, rs.choices()))
True
"""

from __future__ import annotations

import csv
import itertools
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.datafile import read_data_file
from model.errors import QuorumlabError
from model.loader import builtin_ids, load_institution
from simulations.compositions import Board, load_board
from simulations.montecarlo import simulate_institution
from simulations.readings import ReadingError, select_readings
from simulations.rng import as_generator, spawn_seeds

__all__ = ["SweepError", "SweepSpec", "SweepPoint", "PARAMETERS", "load_sweep", "sweep_from_dict",
           "points", "run_point", "run_sweep", "write_table"]

PARAMETERS = ("size", "attendance", "competence", "conformity", "abstain", "leader_influence",
              "attendance_correlation", "signal_correlation", "order", "silent", "defer",
              "unclear", "amount")
_MEMBER = ("attendance", "competence", "conformity", "abstain")
_BOARD = ("leader_influence", "attendance_correlation", "signal_correlation")
# sweep parameter -> MeetingModel field, and its value when the sweep does not set it
_MODEL = {"silent": ("p_silent", 0.0), "defer": ("p_defer", 0.0), "unclear": ("p_unclear", 0.0),
          "amount": ("amount", None)}


class SweepError(QuorumlabError, ValueError):
    """A sweep file is malformed, or its engine is unavailable."""


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: institutions, (body, matter) choice, grid and sample."""

    institutions: tuple[str, ...]
    pairs: str = "first"
    meetings: int = 20_000
    seed: int = 0
    orders: tuple[str, ...] = ("last",)
    as_if_allowed: bool = False
    board: Board | None = None
    grid: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    sample: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    sample_points: int = 0
    source: str = ""
    reading: Mapping[str, str] = field(default_factory=dict)
    all_readings: bool = False


@dataclass(frozen=True)
class SweepPoint:
    """One simulation of a sweep (picklable, so it can travel to a worker)."""

    institution: str
    body: str
    matter: str
    params: Mapping[str, Any]
    meetings: int
    seed: int
    as_if_allowed: bool
    board: Board | None
    reading: Mapping[str, str] = field(default_factory=dict)


def _list(v: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(v, list) or not v:
        raise SweepError(where, f"should be a non-empty list, got {v!r}", fix="write e.g. [0.6, 0.8]")
    return tuple(v)


def sweep_from_dict(data: Mapping[str, Any], source: str = "") -> SweepSpec:
    """Validate a parsed sweep file (see the module docstring)."""
    try:
        return _build(data, source)
    except QuorumlabError as err:
        raise err.at(source) if source else err from None


def _build(data: Mapping[str, Any], source: str) -> SweepSpec:
    for k in data:
        if k not in ("sweep", "grid", "sample"):
            raise SweepError(k, "unknown section", fix="use [sweep], [grid] and [sample]")
    head = dict(data.get("sweep", {}))
    known = {"institutions", "pairs", "meetings", "seed", "order", "as_if_allowed", "board",
             "reading", "all_readings"}
    for k in head:
        if k not in known:
            raise SweepError(f"sweep.{k}", "unknown key", fix=f"use one of {', '.join(sorted(known))}")
    insts = _list(head.get("institutions", ["all"]), "sweep.institutions")
    if "all" in insts:
        insts = tuple(builtin_ids())
    for i in insts:
        load_institution(Path(source).parent / i if source and i.endswith(".toml") else i)
    if source:
        insts = tuple(str(Path(source).parent / i) if i.endswith(".toml") else i for i in insts)
    pairs = head.get("pairs", "first")
    if pairs not in ("first", "all"):
        raise SweepError("sweep.pairs", f"{pairs!r} is not allowed", fix="use 'first' or 'all'")
    meetings = head.get("meetings", 20_000)
    if not isinstance(meetings, int) or meetings < 1:
        raise SweepError("sweep.meetings", f"{meetings!r} is not a count", fix="write meetings = 20000")
    seed = head.get("seed", 0)
    if not isinstance(seed, int):
        raise SweepError("sweep.seed", f"{seed!r} is not an integer", fix="write seed = 1")
    orders = head.get("order", ["last"])
    orders = _list([orders] if isinstance(orders, str) else orders, "sweep.order")
    board = None
    if "board" in head:
        board = load_board(Path(source).parent / head["board"] if source else head["board"])
    grid = {}
    for k, v in dict(data.get("grid", {})).items():
        if k not in PARAMETERS:
            raise SweepError(f"grid.{k}", "unknown parameter", fix=f"use one of {', '.join(PARAMETERS)}")
        grid[k] = _list(v, f"grid.{k}")
    sample_t = dict(data.get("sample", {}))
    n_points = sample_t.pop("points", 0)
    if not isinstance(n_points, int) or n_points < 0:
        raise SweepError("sample.points", f"{n_points!r} is not a count", fix="write points = 10")
    sample = {}
    for k, v in sample_t.items():
        if k not in PARAMETERS or k == "order":
            raise SweepError(f"sample.{k}", "unknown or non-numeric parameter",
                             fix=f"use one of {', '.join(p for p in PARAMETERS if p != 'order')}")
        lo_hi = _list(v, f"sample.{k}")
        if len(lo_hi) != 2 or not all(isinstance(x, int | float) for x in lo_hi) or lo_hi[0] > lo_hi[1]:
            raise SweepError(f"sample.{k}", f"{v!r} is not a range", fix="write [low, high]")
        sample[k] = (lo_hi[0], lo_hi[1])
    if sample and not n_points:
        raise SweepError("sample.points", "is missing", fix="add points = 10 to [sample]")
    if "order" in grid:
        orders = grid.pop("order")
    reading = head.get("reading", {})
    if not isinstance(reading, dict) or not all(isinstance(v, str) for v in reading.values()):
        raise SweepError("sweep.reading", f"should be a table of point = reading, got {reading!r}",
                         fix='write [sweep.reading] with deferral = "close_split"')
    for k in ("amount",):
        for v in grid.get(k, ()):
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise SweepError(f"grid.{k}", f"{v!r} is not an amount in yuan",
                                 fix="write e.g. amount = [5000, 30000]")
    return SweepSpec(insts, pairs, meetings, seed, tuple(orders), bool(head.get("as_if_allowed", False)),
                     board, grid, sample, n_points, source, dict(reading),
                     bool(head.get("all_readings", False)))


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep file; errors name the file, the field and a fix."""
    path = Path(path)
    data = read_data_file(path, SweepError)
    return sweep_from_dict(data, str(path))


def points(spec: SweepSpec) -> list[SweepPoint]:
    """Every point of the sweep, in a fixed order, each with its own derived seed."""
    keys = list(spec.grid)
    settings: list[dict[str, Any]] = [] if not keys and spec.sample_points else [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(spec.grid[k] for k in keys))]
    if spec.sample_points:
        g = as_generator(spec.seed)
        for _ in range(spec.sample_points):
            p = {k: (int(g.integers(lo, hi + 1)) if k == "size" else float(g.uniform(lo, hi)))
                 for k, (lo, hi) in spec.sample.items()}
            settings.append(p)
    work = []
    named: set[str] = set()
    for inst_id in spec.institutions:
        inst = load_institution(inst_id)
        pairs = list(inst.pairs())
        for body, matter in (pairs[:1] if spec.pairs == "first" else pairs):
            rs = inst.ruleset(body, matter)
            named |= {p.field for p in rs.points} & set(spec.reading)
            readings = select_readings(rs, spec.reading, all_readings=spec.all_readings,
                                       strict=False)
            for order in spec.orders:
                for s in settings:
                    work.append((inst_id, body, matter, {**s, "order": order}, readings))
    unknown = set(spec.reading) - named
    if unknown:
        raise ReadingError("sweep.reading", f"no rule set of the sweep has an open point "
                           f"{sorted(unknown)[0]!r}", fix="name a point of one of its rule sets")
    seeds = spawn_seeds(spec.seed, len(work))  # one per point, shared by its readings
    return [SweepPoint(i, b, m, p, spec.meetings, s, spec.as_if_allowed, spec.board, c)
            for (i, b, m, p, readings), s in zip(work, seeds, strict=True) for c in readings]


def _board(point: SweepPoint) -> Board:
    p = point.params
    base = point.board if point.board is not None else Board.uniform(int(p.get("size", 15)))
    if point.board is not None and "size" in p:
        raise SweepError("grid.size", "a sweep with a board file cannot vary size",
                         fix="remove size from [grid] or the board from [sweep]")
    vals = {k: p[k] for k in (*_MEMBER, *_BOARD) if k in p}
    return base.with_values(**vals) if vals else base


def run_point(point: SweepPoint) -> list[dict[str, Any]]:
    """Simulate one point; its rows of the tidy table."""
    board = _board(point)
    model_args = {name: float(point.params[k]) if k != "amount" else point.params[k]
                  for k, (name, _) in _MODEL.items() if k in point.params}
    [r] = simulate_institution(point.institution, body=point.body, matter=point.matter,
                               board=board, meetings=point.meetings, seed=point.seed,
                               order=str(point.params.get("order", "last")),
                               reading=point.reading, as_if_allowed=point.as_if_allowed,
                               model_args=model_args)
    params = {k: point.params.get(k, _default(board, k)) for k in PARAMETERS}
    params["size"] = board.n
    return [{**row, **params, "institution": r.institution} for row in r.rows()]


def _default(board: Board, k: str) -> Any:
    if k in _MEMBER:
        col = board.column(k)
        return col[0] if len(set(col)) == 1 else "mixed"
    if k in _BOARD:
        return getattr(board, k)
    if k in _MODEL:
        return _MODEL[k][1]
    return ""


def run_sweep(spec: SweepSpec, *, workers: int | None = None, scheduler: str | None = None,
              on_progress: Callable[[int, int], None] | None = None) -> list[dict[str, Any]]:
    """Run every point: in this process (``workers=1``), on local processes (default), or
    on a Dask cluster (``scheduler="tcp://host:8786"``).  Rows come back in point order, so
    the table does not depend on where or in what order points ran."""
    work = points(spec)
    total = len(work)
    results: list[list[dict[str, Any]]] = [[] for _ in work]

    def done(k: int) -> None:
        if on_progress is not None:
            on_progress(k, total)

    if scheduler is not None:
        try:
            from dask.distributed import Client, as_completed
        except ImportError:
            raise SweepError("scheduler", "Dask distributed is not installed",
                             fix="pip install 'dask[distributed]' (or run without --scheduler)") from None
        with Client(scheduler) as client:
            futures = client.map(run_point, work, pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            for k, fut in enumerate(as_completed(futures), 1):
                results[index[fut.key]] = fut.result()
                done(k)
    elif workers == 1 or total == 1:
        for k, pt in enumerate(work, 1):
            results[k - 1] = run_point(pt)
            done(k)
    else:
        # a fresh server process forks the workers: safe even if this process runs threads
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futs = {pool.submit(run_point, pt): i for i, pt in enumerate(work)}
            from concurrent.futures import as_completed as local_completed

            for k, fut in enumerate(local_completed(futs), 1):
                results[futs[fut]] = fut.result()
                done(k)
    return [row for rows in results for row in rows]


def write_table(rows: Sequence[Mapping[str, Any]], path: str | Path) -> Path:
    """Write the tidy table as CSV, or Parquet when ``path`` ends in ``.parquet`` (needs
    pyarrow)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(dict.fromkeys(k for r in rows for k in r))
    if path.suffix == ".parquet":
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise SweepError("out", "writing Parquet needs pyarrow",
                             fix="pip install pyarrow, or write a .csv file") from None
        pq.write_table(pa.Table.from_pylist([dict(r) for r in rows]), path)
        return path
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path
