"""Sweeps: many simulations over a grid (or a random sample) of board parameters and
institutions, run on local processes or on a Dask cluster; results as a tidy table.

Sweep file (TOML)::

    [sweep]
    institutions = ["all"]      # built-in ids, rule-file paths, or "all"
    pairs = "first"             # (body, matter) per institution: "first" or "all"
    meetings = 20000            # meetings per point
    seed = 1                    # whole number >= 0; the sweep is reproducible from it
    order = ["last", "first"]   # speaking orders (last = as the rules require), or in [grid]
    as_if_allowed = false       # true: counterfactual orders evaluated with last_speaker = none
    board = "board.toml"        # optional base board (path relative to this file)
    all_readings = false        # true: every reading combination even when there are many
    [sweep.reading]             # optional: readings of open points (point id = reading name)
    deferral = "close_split"

The file is checked by :class:`SweepFileSchema` (closed: an unknown key is an error; values
typed and in range).  Relative paths are read from the sweep file's folder (from standard
input, ``-``: the working folder).  The number of points (institutions × orders × grid
combinations and sample points) is capped by the ``sweep_points`` limit.

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
import math
import multiprocessing
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from model.datafile import STDIN_NAME, display_name, read_data_file
from model.errors import QuorumlabError, UnknownInstitutionError
from model.limits import enforce
from model.loader import builtin_ids, load_institution
from model.schema import Strict, check, fail
from simulations.compositions import Board, load_board
from simulations.montecarlo import simulate_institution
from simulations.readings import ReadingError, select_readings
from simulations.rng import as_generator, spawn_seeds

__all__ = ["SweepError", "SweepSpec", "SweepPoint", "PARAMETERS", "load_sweep", "sweep_from_dict",
           "points", "run_point", "run_sweep", "write_table", "SweepFileSchema"]

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


# ------------------------------------------------------------------------- the file's shape
Prob = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Correlation = Annotated[float, Field(ge=0, lt=1, allow_inf_nan=False)]
Size = Annotated[int, Field(ge=1)]
Amount = Annotated[int, Field(ge=0)]
Order = Literal["last", "first", "seniority", "random"]
"""A speaking order (:data:`simulations.meetings.ORDERS`)."""


def _axis(fix: str) -> Any:
    return Field(None, min_length=1, json_schema_extra={"fix": fix})


class GridSchema(Strict):
    """``[grid]``: every combination of these values (each a non-empty list)."""

    size: list[Size] | None = _axis("write size = [7, 15, 25] (whole numbers >= 1)")
    attendance: list[Prob] | None = _axis("write attendance = [0.6, 0.8, 1.0] (each in [0, 1])")
    competence: list[Prob] | None = _axis("write competence = [0.6, 0.8] (each in [0, 1])")
    conformity: list[Weight] | None = _axis("write conformity = [0.0, 0.5, 1.0] (each >= 0)")
    abstain: list[Prob] | None = _axis("write abstain = [0.0, 0.1] (each in [0, 1])")
    leader_influence: list[Weight] | None = _axis("write leader_influence = [0.0, 1.0] (each >= 0)")
    attendance_correlation: list[Correlation] | None = _axis(
        "write attendance_correlation = [0.0, 0.3] (each in [0, 1))")
    signal_correlation: list[Correlation] | None = _axis(
        "write signal_correlation = [0.0, 0.3] (each in [0, 1))")
    order: list[Order] | None = _axis('write order = ["last", "first"]')
    silent: list[Prob] | None = _axis("write silent = [0.0, 0.2] (each in [0, 1])")
    defer: list[Prob] | None = _axis("write defer = [0.0, 0.3] (each in [0, 1])")
    unclear: list[bool | Prob] | None = _axis("write unclear = [false, true] or probabilities")
    amount: list[Amount] | None = _axis("write amount = [5000, 30000] (whole yuan >= 0)")


def _low_high(pair: list[Any]) -> list[Any]:
    if pair[0] > pair[1]:
        raise fail(f"low {pair[0]!r} is above high {pair[1]!r}", "write [low, high]")
    return pair


SizeRange = Annotated[list[Size], Field(min_length=2, max_length=2), AfterValidator(_low_high)]
ProbRange = Annotated[list[Prob], Field(min_length=2, max_length=2), AfterValidator(_low_high)]
WeightRange = Annotated[list[Weight], Field(min_length=2, max_length=2), AfterValidator(_low_high)]
CorrelationRange = Annotated[list[Correlation], Field(min_length=2, max_length=2),
                             AfterValidator(_low_high)]
AmountRange = Annotated[list[Amount], Field(min_length=2, max_length=2), AfterValidator(_low_high)]


_RANGE_FIX = {"fix": "write [low, high], e.g. [0.55, 0.9]"}


class SampleSchema(Strict):
    """``[sample]``: ``points`` random points, each parameter uniform in its [low, high]."""

    points: int = Field(0, ge=0, json_schema_extra={"fix": "write points = 10"})
    size: SizeRange | None = Field(None, json_schema_extra={"fix": "write size = [5, 30]"})
    attendance: ProbRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    competence: ProbRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    conformity: WeightRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    abstain: ProbRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    leader_influence: WeightRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    attendance_correlation: CorrelationRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    signal_correlation: CorrelationRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    silent: ProbRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    defer: ProbRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    unclear: ProbRange | None = Field(None, json_schema_extra=_RANGE_FIX)
    amount: AmountRange | None = Field(None, json_schema_extra={
        "fix": "write amount = [1000, 50000]"})


class SweepHeadSchema(Strict):
    """``[sweep]``."""

    institutions: list[Annotated[str, Field(min_length=1)]] = Field(
        ["all"], min_length=1, json_schema_extra={"fix": 'write institutions = ["all"] or ids'})
    pairs: Literal["first", "all"] = "first"
    meetings: int = Field(20_000, ge=1, json_schema_extra={"fix": "write meetings = 20000"})
    seed: int = Field(0, ge=0, json_schema_extra={"fix": "write seed = 1 (a whole number >= 0)"})
    order: Order | list[Order] = Field("last", json_schema_extra={
        "fix": 'write order = ["last", "first"]'})
    as_if_allowed: bool = False
    board: str | None = Field(None, min_length=1)
    reading: dict[str, str] = Field(default_factory=dict, json_schema_extra={
        "fix": 'write [sweep.reading] with deferral = "close_split"'})
    all_readings: bool = False


class SweepFileSchema(Strict):
    """A sweep file: ``[sweep]``, ``[grid]`` and ``[sample]``."""

    sweep: SweepHeadSchema = SweepHeadSchema()
    grid: GridSchema = GridSchema()
    sample: SampleSchema = SampleSchema()


def sweep_from_dict(data: Any, source: str = "") -> SweepSpec:
    """Validate a parsed sweep file (see the module docstring).  Relative paths in it (rule
    files, the board) are read from the folder of ``source``, else from the working folder."""
    try:
        return _build(data, source)
    except QuorumlabError as err:
        raise err.at(source) if source else err from None


def _build(data: Any, source: str) -> SweepSpec:
    f = check(SweepFileSchema, data, SweepError)
    head = f.sweep
    from_file = bool(source) and source != STDIN_NAME
    base = Path(source).parent if from_file else Path()
    insts = tuple(builtin_ids()) if "all" in head.institutions else tuple(
        str(base / i) if i.endswith(".toml") else i for i in head.institutions)
    for k, i in enumerate(insts):
        try:
            load_institution(i)
        except UnknownInstitutionError as err:
            raise SweepError(f"sweep.institutions[{k}]", err.message, fix=err.fix) from None
    # the file's order of the parameters fixes the order of the points, hence their seeds
    grid = {k: tuple(getattr(f.grid, k)) for k in data.get("grid", {})}
    sample = {k: tuple(getattr(f.sample, k)) for k in data.get("sample", {}) if k != "points"}
    if sample and not f.sample.points:
        raise SweepError("sample.points", "is missing", fix="add points = 10 to [sample]")
    orders = grid.pop("order", None)
    if orders is not None and "order" in head.model_fields_set:
        raise SweepError("grid.order", "is set, and so is sweep.order", fix="keep one of the two")
    if orders is None:
        orders = (head.order,) if isinstance(head.order, str) else tuple(head.order)
    board = None
    if head.board is not None:
        path = base / head.board
        if not path.is_file():
            folder = "the sweep file's folder" if from_file else "the working folder"
            raise SweepError("sweep.board", f"board file {str(path)!r} not found (a relative path "
                             f"is read from {folder})", fix="correct the path")
        board = load_board(path)
        for table, values in (("grid", grid), ("sample", sample)):
            if "size" in values:
                raise SweepError(f"{table}.size", "a sweep with a board file cannot vary size",
                                 fix=f"remove size from [{table}] or the board from [sweep]")
    for table, values in (("grid", grid), ("sample", sample)):
        if "size" in values:
            enforce("board_members", max(values["size"]), SweepError, f"{table}.size")
    enforce("meetings", head.meetings, SweepError, "sweep.meetings")
    settings = (0 if not grid and f.sample.points else math.prod(map(len, grid.values()))) \
        + f.sample.points
    enforce("sweep_points", len(insts) * len(orders) * settings, SweepError,
            "grid" if grid else "sample.points")
    return SweepSpec(insts, head.pairs, head.meetings, head.seed, orders, head.as_if_allowed,
                     board, grid, sample, f.sample.points, source, dict(head.reading),
                     head.all_readings)


def load_sweep(path: str | Path) -> SweepSpec:
    """Read a sweep file (``-``: standard input); errors name the file, the field and a fix."""
    return sweep_from_dict(read_data_file(path, SweepError), display_name(path))


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
