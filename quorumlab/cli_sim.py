"""The simulation commands: ``simulate``, ``sweep`` and ``power``.

:func:`register` adds them to the ``quorumlab`` click group.  User errors
(:class:`model.errors.QuorumlabError`) become one line on stderr and exit status 2.

None of them picks a reading of an open point silently: each runs every combination of
readings of the rule set (or those agreeing with ``--reading POINT=NAME``, repeatable,
the flag of ``decide`` and ``compare``) and labels every result, row and chart with the
reading that produced it.  Above 16 combinations it asks for ``--reading`` or
``--all-readings``.

``power --weights W --quota Q`` takes a weighted game instead of institutions; its
Shapley-Shubik indices are exact or floating-point as ``--arithmetic`` says (``auto``, the
default, chooses by the exact road's estimated time and says why), and every output names
the arithmetic and error bound of every index (a body's rule: always exact).

Each takes ``--json`` (one document on stdout; docs/schemas/<command>.schema.json) and
names every file it writes ("wrote ...", or the JSON key ``files``).  ``--out`` folders are
created if missing and written only when the command succeeds, holding only the last run's
files (:mod:`quorumlab.outputs`); every option is typed (:mod:`quorumlab.params`), and
``--size``, ``--meetings``, ``--n`` and ``--workers`` are held to their limits
(:mod:`model.limits`).  ``sweep`` and a large ``simulate`` show one progress bar on
stderr (:func:`quorumlab.console.progress`), silent when piped or with ``--quiet``.

Examples
--------
>>> from click.testing import CliRunner
>>> group = click.Group()
>>> register(group)
>>> sorted(group.commands)
['power', 'simulate', 'sweep']
>>> r = CliRunner().invoke(group, ["simulate", "no_such_body"])
>>> r.exit_code, r.output.splitlines()[-1][:40]
(2, "error: field 'institution': no built-in ")
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource
from wcwidth import wcswidth

from model.errors import QuorumlabError
from model.limits import enforce
from quorumlab.console import emit_json, progress
from quorumlab.errors import BODY_FLAGS, as_flags, user_errors
from quorumlab.outputs import staged
from quorumlab.params import (
    OUT_DIR,
    PROBABILITY,
    SCHEDULER,
    SEED,
    WEIGHT,
    WEIGHTS,
    OneOf,
    WholeNumber,
)
from quorumlab.readings import reading_option

__all__ = ["register", "LARGE_SIMULATION", "exact_fix"]

LARGE_SIMULATION = 1_000_000
"""``simulate`` shows a progress bar when meetings x reading combinations reach this."""


_METHOD = {"counts": "ordinary members drawn as counts (independent, alike)",
           "herding": "the cascade by speaking position, ordinary members as counts (alike)",
           "members": "every member drawn"}
"""How ``simulate`` says which path drew the meetings (simulations.montecarlo)."""


def exact_fix(field: str | None) -> str:
    """What to change in ``simulate`` when exact mode refuses (the error's ``field``).

    >>> exact_fix("conformity")
    'drop --exact to use the Monte Carlo, or add --conformity 0 to make the members independent'
    """
    mc = "drop --exact to use the Monte Carlo"
    if field == "conformity":
        return f"{mc}, or add --conformity 0 to make the members independent"
    if field in ("board.attendance_correlation", "board.signal_correlation"):
        return f"{mc}, or set {field.split('.', 1)[1]} = 0 in the --board file"
    if field == "p_interested":
        return f"{mc}, or drop --interested (no member with a personal interest)"
    if field == "p_written_opinion":
        return f"{mc}, or drop --written-opinions"
    if field == "order":
        return f"use --order last or --order first, or {mc}"
    if field == "board":
        return f"{mc}, or use a smaller board (--size, or fewer members in --board)"
    return mc


def _number(x: float) -> float | None:
    """A float for JSON: ``None`` for NaN (no meeting decided by votes)."""
    return None if math.isnan(x) else x


def reading_options(fn: click.decorators.FC) -> click.decorators.FC:
    """``--reading POINT=NAME`` (repeatable) and ``--all-readings``, shared by the commands."""
    fn = click.option("--all-readings", is_flag=True,
                      help="Run every combination of readings even when there are more than 16.")(fn)
    return reading_option(help="Run only the readings that agree with this reading of an open "
                          "point (repeatable); default: every combination.")(fn)


def _require_pyarrow() -> None:
    """Raise the one-line error of ``sweep --parquet`` without pyarrow."""
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise QuorumlabError("--parquet", "writing Parquet needs pyarrow",
                             fix="pip install pyarrow, or drop --parquet") from None


def _table(rows: list[tuple[str, str]]) -> str:
    """Two columns (what, value), padded by display width (labels may be Chinese)."""
    w = max(wcswidth(a) for a, _ in rows)
    return "\n".join(f"{a}{' ' * (w - wcswidth(a))}  {b}" for a, b in rows)


@click.command("simulate")
@click.argument("institution")
@click.option("--body", help="Body id (default: the first the rule file defines).")
@click.option("--matter", help="Matter category (default: the body's first).")
@click.option("--board", "board_file", type=click.Path(dir_okay=False),
              help="Board composition file (TOML/JSON); default: alike members, see --size.")
@click.option("--size", type=WholeNumber(1, 15, "--size", limit="board_members"), default=15,
              show_default=True, help="Board size without --board (limit: board_members).")
@click.option("--attendance", type=PROBABILITY,
              help="Override every member's attendance probability.")
@click.option("--competence", type=PROBABILITY, help="Override every member's competence.")
@click.option("--conformity", type=WEIGHT, help="Override every member's conformity (>= 0).")
@click.option("--leader-influence", type=WEIGHT,
              help="Override the leader's extra influence (>= 0).")
@click.option("--prior-yes", type=PROBABILITY, default=0.5, show_default=True,
              help="Probability that passing the item is the right decision.")
@click.option("--interested", type=PROBABILITY, default=0.0, show_default=True,
              help="Probability that a member has a personal interest in the item.")
@click.option("--recuse", type=PROBABILITY, default=1.0, show_default=True,
              help="Probability that a present interested member recuses (回避).")
@click.option("--written-opinions", type=PROBABILITY, default=0.0, show_default=True,
              help="Probability that an absent member sends a written opinion (书面意见).")
@click.option("--silent", type=PROBABILITY, default=0.0, show_default=True,
              help="Probability that a present member states no position (0: the assumption "
              "that everyone states one).")
@click.option("--defer", type=PROBABILITY, default=0.0, show_default=True,
              help="Probability that a member against the item asks to defer it (暂缓) instead.")
@click.option("--unclear", type=PROBABILITY, default=0.0, show_default=True,
              help="Probability that a major question of the item is still unclear (1: always).")
@click.option("--amount", type=WholeNumber(0, 30000, "--amount"),
              help="The item's amount in yuan (checked against routes).")
@click.option("--meetings", type=WholeNumber(1, 100_000, "--meetings", limit="meetings"),
              default=100_000, show_default=True,
              help="Meetings to simulate (limit: meetings).")
@click.option("--seed", type=SEED, default=0, show_default=True,
              help="Seed, a whole number >= 0 (same seed, same numbers).")
@click.option("--order", type=OneOf(["last", "first", "random", "seniority"]), default="last",
              show_default=True, help="Speaking order: the chair last (as the rules require), ...")
@click.option("--as-if-allowed", is_flag=True,
              help="Evaluate a counterfactual order as if the speak-last rule did not exist.")
@click.option("--exact", is_flag=True, help="Also compute exact probabilities (independent members).")
@reading_options
@click.option("--out", type=OUT_DIR,
              help="Write CSV, JSON and charts in this folder (created if missing; the previous "
              "run's files there are replaced, other files kept).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (docs/schemas/simulate.schema.json).")
@user_errors
def simulate_cmd(institution: str, body: str | None, matter: str | None, board_file: str | None,
                 size: int, attendance: float | None, competence: float | None,
                 conformity: float | None, leader_influence: float | None, prior_yes: float,
                 interested: float, recuse: float, written_opinions: float, silent: float,
                 defer: float, unclear: float, amount: int | None, meetings: int, seed: int,
                 order: str, as_if_allowed: bool, exact: bool, reading: dict[str, str],
                 all_readings: bool, out: Path | None, as_json: bool) -> None:
    """Monte Carlo of INSTITUTION's meetings (an id or a rule-file path), once per reading
    of its open points."""
    from simulations.compositions import Board, load_board
    from simulations.exact import ExactModeError, exact_institution
    from simulations.montecarlo import resolve, simulate_institution
    from simulations.readings import select_readings

    board = load_board(board_file) if board_file else Board.uniform(size, attendance=0.9)
    where = "--board" if board_file else "--size"
    enforce("board_members", board.n, QuorumlabError, where)
    if exact:
        enforce("exact_size", board.n, QuorumlabError, where)
    overrides = {k: v for k, v in (("attendance", attendance), ("competence", competence),
                                   ("conformity", conformity),
                                   ("leader_influence", leader_influence)) if v is not None}
    if overrides:
        board = board.with_values(**overrides)
    named = reading
    extras = {"prior_yes": prior_yes, "p_interested": interested, "p_recuse": recuse,
              "p_written_opinion": written_opinions, "p_silent": silent, "p_defer": defer,
              "p_unclear": unclear, "amount": amount}
    with as_flags(BODY_FLAGS):
        inst, body, matter, rs = resolve(institution, body, matter)
    combos = select_readings(rs, named, all_readings=all_readings)
    exacts: list[Any] = [None] * len(combos)
    if exact:  # before the Monte Carlo: a refusal costs no run
        try:
            exacts = exact_institution(inst, body=body, matter=matter, board=board, order=order,
                                       reading=named, all_readings=all_readings, **extras)
        except ExactModeError as err:
            raise QuorumlabError(err.field, err.message, fix=exact_fix(err.field),
                                 file=err.file) from None
    results = []
    total = meetings * len(combos) if meetings * len(combos) >= LARGE_SIMULATION else 0
    with progress(total, "simulating") as update:
        for k, choice in enumerate(combos):  # same seed per combination: the same meetings
            results += simulate_institution(inst, body=body, matter=matter, board=board,
                                            meetings=meetings, seed=seed, order=order,
                                            reading=choice, all_readings=True,
                                            as_if_allowed=as_if_allowed, model_args=extras)
            if total:
                update((k + 1) * meetings, total)
    first = results[0]
    summary = {"institution": first.institution, "body": first.body, "matter": first.matter,
               "order": first.order, "meetings": first.meetings, "seed": seed, "n": first.n,
               "board": board.name or None, "note": first.spec_note,
               "assumption": first.assumption,
               "results": [{"reading": dict(r.reading), "reading_label": r.reading_label,
                            "method": r.method,
                            "probabilities": {k: vars(e) for k, e in r.probabilities.items()},
                            "exact": ({k: e.value for k, e in ex.probabilities.items()}
                                      if ex else None),
                            "mean_margin": _number(r.mean_margin()),
                            "margins": {str(k): v for k, v in r.margins.items()}}
                           for r, ex in zip(results, exacts, strict=True)]}
    with staged() as staging:
        if out:
            from simulations.plotting import plot_simulation
            from simulations.sweep import write_table

            d = staging.folder(out, "--out")
            write_table([row for r in results for row in r.rows()], d / "simulation.csv")
            (d / "simulation.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False),
                                               encoding="utf-8")
            plot_simulation(results, d)
    files = staging.written
    if as_json:
        emit_json(summary | {"out": str(out) if out else None, "files": files})
        return
    head = [("institution", f"{first.institution} / {first.body} / {first.matter}"),
            ("board", f"{board.name or 'board'}: {board.n} members; chair speaks {order}"),
            ("meetings", f"{first.meetings:,} per reading, the same for each (seed {seed})"),
            ("assumption", first.assumption),
            ("readings", f"{len(results)} combination(s) of the open points")]
    if first.spec_note:
        head.append(("note", first.spec_note))
    blocks = [_table(head)]
    for r, ex in zip(results, exacts, strict=True):
        lines = [("reading", r.reading_label), ("method", _METHOD[r.method])]
        for k, e in r.probabilities.items():
            text = f"{e.value:.4f}  [{e.low:.4f}, {e.high:.4f}]"
            if ex is not None:
                text += f"   exact {ex.probabilities[k].value:.4f}"
            lines.append((f"P({k})", text))
        lines.append(("mean yes - no", f"{r.mean_margin():.3f}"))
        blocks.append(_table(lines))
    click.echo("\n\n".join(blocks))
    for f in files:
        click.echo(f"wrote {f}")


@click.command("sweep")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--out", type=OUT_DIR, default="sweep_out", show_default=True,
              help="Folder for the table (sweep.csv) and charts (created if missing; the "
              "previous run's files there are replaced, other files kept).")
@click.option("--workers", type=WholeNumber(1, 4, "--workers", limit="workers"),
              help="Local processes (default: one per core; 1 = in process; limit: workers).")
@click.option("--scheduler", type=SCHEDULER,
              help="Dask scheduler address (tcp://host:8786) to run on a cluster.")
@click.option("--parquet", is_flag=True, help="Also write sweep.parquet (needs pyarrow).")
@reading_options
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (docs/schemas/sweep.schema.json).")
@user_errors
def sweep_cmd(spec: str, out: Path, workers: int | None, scheduler: str | None,
              parquet: bool, reading: dict[str, str], all_readings: bool, as_json: bool) -> None:
    """Run the sweep described by SPEC (a TOML file; see simulations/examples/), every point
    once per reading of its rule set's open points (--reading narrows, as [sweep.reading])."""
    from dataclasses import replace

    from simulations.plotting import plot_herding, plot_outcomes
    from simulations.sweep import load_sweep, run_sweep, write_table

    if parquet:  # before the run: a missing engine costs no run and writes nothing
        _require_pyarrow()
    s = load_sweep(spec)
    s = replace(s, reading={**s.reading, **reading},
                all_readings=s.all_readings or all_readings)
    with progress(0, "sweeping") as update:
        rows = run_sweep(s, workers=workers, scheduler=scheduler, on_progress=update)
    with staged() as staging:
        d = staging.folder(out, "--out")
        write_table(rows, d / "sweep.csv")
        if parquet:
            write_table(rows, d / "sweep.parquet")
        for x in ("attendance", "size"):
            if len({r[x] for r in rows}) > 1:
                plot_outcomes(rows, x, d)
        if len({r["conformity"] for r in rows}) > 1:
            plot_herding(rows, d)
    paths = staging.written
    sims = len({(r["institution"], r["body"], r["matter"], r["reading"], r["seed"]) for r in rows})
    labels = list(dict.fromkeys(r["reading"] for r in rows))
    if as_json:
        emit_json({"spec": spec, "rows": len(rows), "simulations": sims,
                   "institutions": list(dict.fromkeys(r["institution"] for r in rows)),
                   "readings": labels, "out": str(out), "files": paths})
        return
    click.echo(f"{len(rows)} rows from {sims} simulations "
               f"({len(labels)} reading combination(s), column 'reading')")
    for p in paths:
        click.echo(f"wrote {p}")


_ARITHMETIC_HELP = (
    "Arithmetic of a weighted game's Shapley-Shubik indices: exact (fractions; a minute or "
    "more at 1,000 players of weights 1..100), float (floating point, under a second there; "
    "every index within a proven bound on truncation and quadrature error, rounding aside, "
    "which the sum check covers) or auto, the default: exact where the exact road is "
    "estimated within 10 s, else float -- so a small game answers exactly and a large one "
    "in seconds rather than minutes.  Banzhaf indices and a body's rule are always exact.  "
    "The output names the arithmetic and error bound of every index, and why auto chose.")


def _road(road: Any) -> dict[str, Any]:
    """A :class:`simulations.power.Road` as JSON."""
    return {"arithmetic": road.arithmetic, "error_bound": road.error_bound,
            "nodes": road.nodes, "sum_defect": road.sum_defect}


def _power_files(out: Path | None, data: Any, chart: Callable[[Path], None]) -> list[str]:
    """With ``--out``: write ``power.json`` (``data``) and ``chart(folder)`` there, staged;
    the files written (none without ``--out``)."""
    with staged() as staging:
        if out:
            d = staging.folder(out, "--out")
            (d / "power.json").write_text(json.dumps(data, indent=2, ensure_ascii=False),
                                          encoding="utf-8")
            chart(d)
    return staging.written


@click.command("power")
@click.argument("institutions", nargs=-1)
@click.option("--body", help="Body id (default: the first).")
@click.option("--matter", help="Matter category (default: the body's first).")
@click.option("--n", "n", type=WholeNumber(2, 15, "--n", limit="power_players"), default=15,
              show_default=True, help="Number of members (2 or more; limit: power_players).")
@click.option("--no-ternary", is_flag=True, help="Skip the yes/no/absent (ternary) measures.")
@reading_options
@click.option("--weights", type=WEIGHTS,
              help="A weighted game [quota; weights] instead of institutions: the players' "
              "weights, comma-separated, or @FILE (limits: power_players, power_quota).")
@click.option("--quota", type=WholeNumber(1, 51, "--quota", limit="power_quota"),
              help="The weighted game's quota: a coalition wins when its weight reaches it.")
@click.option("--arithmetic", type=OneOf(("auto", "exact", "float")),  # power.ARITHMETIC
              default="auto", show_default=True,
              help=_ARITHMETIC_HELP)
@click.option("--out", type=OUT_DIR,
              help="Write JSON and a chart in this folder (created if missing; the previous "
              "run's files there are replaced, other files kept).")
@click.option("--json", "as_json", is_flag=True,
              help="Print one JSON document (docs/schemas/power.schema.json).")
@user_errors
def power_cmd(institutions: tuple[str, ...], body: str | None, matter: str | None, n: int,
              no_ternary: bool, reading: dict[str, str], all_readings: bool,
              weights: tuple[int, ...] | None, quota: int | None, arithmetic: str,
              out: Path | None, as_json: bool) -> None:
    """Exact Banzhaf and Shapley-Shubik indices of each INSTITUTION's decision rule
    (ids or rule-file paths; several give one chart side by side), once per reading; or,
    with --weights and --quota, of a weighted game (Shapley-Shubik as --arithmetic says)."""
    if weights is not None:
        _power_game(weights, quota, arithmetic, out, as_json)
        return
    if quota is not None:
        raise QuorumlabError("--quota", "applies to a weighted game only",
                             fix="add --weights, or drop --quota")
    if not institutions:
        raise QuorumlabError("INSTITUTIONS", "no institution and no weighted game",
                             fix="name an institution (quorumlab list), or give --weights "
                             "and --quota")
    if arithmetic == "float":
        raise QuorumlabError("--arithmetic", "a body's rule has no floating road (its members "
                             "are alike, so its indices are counted exactly in O(n))",
                             fix="drop --arithmetic float, or give a weighted game with --weights")
    from simulations.power import Road, body_power

    with as_flags(BODY_FLAGS):
        results = [p for i in institutions
                   for p in body_power(i, n=n, body=body, matter=matter, reading=reading,
                                       all_readings=all_readings,
                                       ternary=False if no_ternary else None)]
    exact = _road(Road("exact"))
    data = [{"institution": p.institution, "body": p.body, "matter": p.matter, "n": p.n,
             "reading": dict(p.reading), "reading_label": p.reading_label,
             "chair_vetoes": p.chair_vetoes, "chair_dictates": p.chair_dictates,
             "banzhaf_swings": [str(p.banzhaf_swings[0]), str(p.banzhaf_swings[1])],
             "banzhaf_normalised": [str(p.banzhaf_normalised[0]),
                                    str(p.banzhaf_normalised[1])],
             "shapley_shubik": [str(p.shapley_shubik[0]), str(p.shapley_shubik[1])],
             "arithmetic": {"banzhaf": exact, "shapley_shubik": exact, "ternary": exact},
             "ternary": {w: ({k: str(v) for k, v in vars(t).items()} if t else None)
                         for w, t in (("chair", p.ternary_chair),
                                      ("member", p.ternary_member))},
             "note": "index 0 = the chair (leader), index 1 = any ordinary member"}
            for p in results]
    def chart(d: Path) -> None:
        from simulations.plotting import plot_power

        plot_power(results, d)

    files = _power_files(out, data, chart)
    if as_json:
        emit_json({"results": data, "game": None, "out": str(out) if out else None,
                   "files": files})
        return
    for p in results:
        rows = [("institution", f"{p.institution} / {p.body} / {p.matter}, n = {p.n}"),
                ("reading", p.reading_label),
                ("arithmetic", Road("exact").describe + ", every index"),
                ("chair", f"vetoes: {p.chair_vetoes}, dictates: {p.chair_dictates}")]
        for who, i in (("chair", 0), ("member", 1)):
            rows.append((f"{who} Banzhaf (abs)", f"{float(p.banzhaf_absolute[i]):.6g}"))
            rows.append((f"{who} Banzhaf (norm)", f"{float(p.banzhaf_normalised[i]):.6g}"))
            rows.append((f"{who} Shapley-Shubik", f"{float(p.shapley_shubik[i]):.6g}"))
        for who, t in (("chair", p.ternary_chair), ("member", p.ternary_member)):
            if t is not None:
                rows.append((f"{who} ternary", f"no->yes {float(t.no_to_yes):.4g}, absent->yes "
                             f"{float(t.absent_to_yes):.4g}, no->absent "
                             f"{float(t.no_to_absent):.4g}"))
        click.echo(_table(rows) + "\n")
    for f in files:
        click.echo(f"wrote {f}")


def _power_game(weights: tuple[int, ...], quota: int | None, arithmetic: str,
                out: Path | None, as_json: bool) -> None:
    """``power --weights``: the indices of ``[quota; weights]``, one row per distinct
    weight, every index labelled with its arithmetic and error bound."""
    ctx = click.get_current_context()
    for name, flag in (("institutions", "INSTITUTIONS"), ("body", "--body"),
                       ("matter", "--matter"), ("n", "--n"), ("no_ternary", "--no-ternary"),
                       ("reading", "--reading"), ("all_readings", "--all-readings")):
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None):
            raise QuorumlabError(flag, "applies to institutions, not to a weighted game "
                                 "(--weights)", fix=f"drop {flag}, or drop --weights")
    total = sum(weights)
    if quota is None or quota > total:
        raise QuorumlabError("--quota", "a weighted game needs a quota" if quota is None else
                             f"{quota} is more than the total weight {total}",
                             fix=f"write a quota in 1..{total}, e.g. --quota {total // 2 + 1} "
                             "(a simple majority of the weight)")
    from simulations.power import weighted_power

    with as_flags({"arithmetic": "--arithmetic"}):
        r = weighted_power(weights, quota, arithmetic)
    exact = r.shapley_road.arithmetic == "exact"
    groups: dict[int, list[int]] = {}
    for i, w in enumerate(weights):
        groups.setdefault(w, []).append(i)
    classes = [{"weight": w, "players": ids,
                "banzhaf_swings": str(r.banzhaf_swings[ids[0]]),
                "banzhaf_normalised": str(r.banzhaf_normalised[ids[0]]),
                "shapley_shubik": str(r.shapley_shubik[ids[0]]) if exact
                else float(r.shapley_shubik[ids[0]])}
               for w, ids in sorted(groups.items(), reverse=True)]
    game = {"weights": list(weights), "quota": quota, "n": r.n, "total_weight": total,
            "requested": arithmetic, "reason": r.reason,
            "arithmetic": {"banzhaf": _road(r.banzhaf_road),
                           "shapley_shubik": _road(r.shapley_road)},
            "classes": classes,
            "note": "one entry per distinct weight, heaviest first (players of equal weight "
                    "have equal indices); players are 0-based positions in --weights"}
    def chart(d: Path) -> None:
        from simulations.plotting import plot_weighted_power

        plot_weighted_power(r, d)

    files = _power_files(out, game, chart)
    if as_json:
        emit_json({"results": [], "game": game, "out": str(out) if out else None,
                   "files": files})
        return
    head = [("game", f"[{quota}; {r.n} players], total weight {total}"),
            ("arithmetic", r.reason),
            ("Banzhaf", r.banzhaf_road.describe),
            ("Shapley-Shubik", r.shapley_road.describe)]
    lines = [("weight", "players", "Banzhaf (abs)", "Banzhaf (norm)", "Shapley-Shubik")]
    for c in classes:
        i = c["players"][0]
        lines.append((str(c["weight"]), str(len(c["players"])),
                      f"{float(r.banzhaf_absolute[i]):.6g}",
                      f"{float(r.banzhaf_normalised[i]):.6g}",
                      f"{float(r.shapley_shubik[i]):.6g}"))
    widths = [max(len(row[k]) for row in lines) for k in range(5)]
    click.echo(_table(head) + "\n")
    click.echo("\n".join("  ".join(x.rjust(wd) for x, wd in zip(row, widths, strict=True))
                         for row in lines) + "\n")
    for f in files:
        click.echo(f"wrote {f}")


def register(group: click.Group) -> None:
    """Add ``simulate``, ``sweep`` and ``power`` to ``group``."""
    group.add_command(simulate_cmd)
    group.add_command(sweep_cmd)
    group.add_command(power_cmd)
