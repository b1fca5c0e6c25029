"""The simulation commands: ``simulate``, ``sweep`` and ``power``.

:func:`register` adds them to the ``quorumlab`` click group.  User errors
(:class:`model.errors.QuorumlabError`) become one line on stderr and exit status 2.

None of them picks a reading of an open point silently: each runs every combination of
readings of the rule set (or those agreeing with ``--reading POINT=NAME``, repeatable,
the flag of ``decide`` and ``compare``) and labels every result, row and chart with the
reading that produced it.  Above 16 combinations it asks for ``--reading`` or
``--all-readings``.

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
import sys
from pathlib import Path
from typing import TextIO

import click

from quorumlab.errors import user_errors
from quorumlab.readings import parse_readings

__all__ = ["register", "TerminalProgress"]


class TerminalProgress:
    """A progress bar on ``stream`` (stderr), drawn only when it is a terminal."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.active = self.stream.isatty()

    def __call__(self, done: int, total: int) -> None:
        if not self.active:
            return
        filled = int(self.width * done / max(total, 1))
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def reading_options(fn: click.decorators.FC) -> click.decorators.FC:
    """``--reading POINT=NAME`` (repeatable) and ``--all-readings``, shared by the commands."""
    fn = click.option("--all-readings", is_flag=True,
                      help="Run every combination of readings even when there are more than 16.")(fn)
    return click.option("--reading", multiple=True, metavar="POINT=NAME",
                        help="Run only the readings that agree with this reading of an open "
                        "point (repeatable); default: every combination.")(fn)


def _table(rows: list[tuple[str, str]]) -> str:
    w = max(len(a) for a, _ in rows)
    return "\n".join(f"{a:<{w}}  {b}" for a, b in rows)


@click.command("simulate")
@click.argument("institution")
@click.option("--body", help="Body id (default: the first the rule file defines).")
@click.option("--matter", help="Matter category (default: the body's first).")
@click.option("--board", "board_file", type=click.Path(dir_okay=False),
              help="Board composition file (TOML/JSON); default: alike members, see --size.")
@click.option("--size", default=15, show_default=True, help="Board size without --board.")
@click.option("--attendance", type=float, help="Override every member's attendance probability.")
@click.option("--competence", type=float, help="Override every member's competence.")
@click.option("--conformity", type=float, help="Override every member's conformity.")
@click.option("--leader-influence", type=float, help="Override the leader's extra influence.")
@click.option("--prior-yes", default=0.5, show_default=True,
              help="Probability that passing the item is the right decision.")
@click.option("--interested", default=0.0, show_default=True,
              help="Probability that a member has a personal interest in the item.")
@click.option("--recuse", default=1.0, show_default=True,
              help="Probability that a present interested member recuses (回避).")
@click.option("--written-opinions", default=0.0, show_default=True,
              help="Probability that an absent member sends a written opinion (书面意见).")
@click.option("--silent", default=0.0, show_default=True,
              help="Probability that a present member states no position (0: the assumption "
              "that everyone states one).")
@click.option("--defer", default=0.0, show_default=True,
              help="Probability that a member against the item asks to defer it (暂缓) instead.")
@click.option("--unclear", default=0.0, show_default=True,
              help="Probability that a major question of the item is still unclear (1: always).")
@click.option("--amount", type=int, help="The item's amount in yuan (checked against routes).")
@click.option("--meetings", default=100_000, show_default=True, help="Meetings to simulate.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed (same seed, same numbers).")
@click.option("--order", type=click.Choice(["last", "first", "random", "seniority"]), default="last",
              show_default=True, help="Speaking order: the chair last (as the rules require), ...")
@click.option("--as-if-allowed", is_flag=True,
              help="Evaluate a counterfactual order as if the speak-last rule did not exist.")
@click.option("--exact", is_flag=True, help="Also compute exact probabilities (independent members).")
@reading_options
@click.option("--out", type=click.Path(file_okay=False), help="Write CSV, JSON and charts here.")
@user_errors
def simulate_cmd(institution: str, body: str | None, matter: str | None, board_file: str | None,
                 size: int, attendance: float | None, competence: float | None,
                 conformity: float | None, leader_influence: float | None, prior_yes: float,
                 interested: float, recuse: float, written_opinions: float, silent: float,
                 defer: float, unclear: float, amount: int | None, meetings: int, seed: int,
                 order: str, as_if_allowed: bool, exact: bool, reading: tuple[str, ...],
                 all_readings: bool, out: str | None) -> None:
    """Monte Carlo of INSTITUTION's meetings (an id or a rule-file path), once per reading
    of its open points."""
    from simulations.compositions import Board, load_board
    from simulations.exact import exact_institution
    from simulations.montecarlo import simulate_institution

    board = load_board(board_file) if board_file else Board.uniform(size, attendance=0.9)
    overrides = {k: v for k, v in (("attendance", attendance), ("competence", competence),
                                   ("conformity", conformity),
                                   ("leader_influence", leader_influence)) if v is not None}
    if overrides:
        board = board.with_values(**overrides)
    named = parse_readings(reading)
    extras = {"prior_yes": prior_yes, "p_interested": interested, "p_recuse": recuse,
              "p_written_opinion": written_opinions, "p_silent": silent, "p_defer": defer,
              "p_unclear": unclear, "amount": amount}
    results = simulate_institution(institution, body=body, matter=matter, board=board,
                                   meetings=meetings, seed=seed, order=order, reading=named,
                                   all_readings=all_readings, as_if_allowed=as_if_allowed,
                                   model_args=extras)
    first = results[0]
    exacts = exact_institution(institution, body=first.body, matter=first.matter, board=board,
                               order=order, reading=named, all_readings=all_readings,
                               **extras) if exact else [None] * len(results)
    head = [("institution", f"{first.institution} / {first.body} / {first.matter}"),
            ("board", f"{board.name or 'board'}: {board.n} members; chair speaks {order}"),
            ("meetings", f"{first.meetings:,} per reading, the same for each (seed {seed})"),
            ("assumption", first.assumption),
            ("readings", f"{len(results)} combination(s) of the open points")]
    if first.spec_note:
        head.append(("note", first.spec_note))
    blocks = [_table(head)]
    for r, ex in zip(results, exacts, strict=True):
        lines = [("reading", r.reading_label)]
        for k, e in r.probabilities.items():
            text = f"{e.value:.4f}  [{e.low:.4f}, {e.high:.4f}]"
            if ex is not None:
                text += f"   exact {ex.probabilities[k].value:.4f}"
            lines.append((f"P({k})", text))
        lines.append(("mean yes - no", f"{r.mean_margin():.3f}"))
        blocks.append(_table(lines))
    click.echo("\n\n".join(blocks))
    if out:
        from simulations.plotting import plot_simulation
        from simulations.sweep import write_table

        d = Path(out)
        write_table([row for r in results for row in r.rows()], d / "simulation.csv")
        summary = {"institution": first.institution, "body": first.body, "matter": first.matter,
                   "order": first.order, "meetings": first.meetings, "seed": seed, "n": first.n,
                   "note": first.spec_note, "assumption": first.assumption,
                   "results": [{"reading": dict(r.reading), "reading_label": r.reading_label,
                                "probabilities": {k: vars(e) for k, e in r.probabilities.items()},
                                "exact": ({k: e.value for k, e in ex.probabilities.items()}
                                          if ex else None),
                                "margins": {str(k): v for k, v in r.margins.items()}}
                               for r, ex in zip(results, exacts, strict=True)]}
        (d / "simulation.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False),
                                           encoding="utf-8")
        plot_simulation(results, d)
        click.echo(f"wrote {d}/simulation.csv, simulation.json, simulation.png, simulation.svg")


@click.command("sweep")
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--out", type=click.Path(file_okay=False), default="sweep_out", show_default=True,
              help="Directory for the table (sweep.csv) and charts.")
@click.option("--workers", type=int, help="Local processes (default: one per core; 1 = in process).")
@click.option("--scheduler", help="Dask scheduler address (tcp://host:8786) to run on a cluster.")
@click.option("--parquet", is_flag=True, help="Also write sweep.parquet (needs pyarrow).")
@reading_options
@user_errors
def sweep_cmd(spec: str, out: str, workers: int | None, scheduler: str | None,
              parquet: bool, reading: tuple[str, ...], all_readings: bool) -> None:
    """Run the sweep described by SPEC (a TOML file; see simulations/examples/), every point
    once per reading of its rule set's open points (--reading narrows, as [sweep.reading])."""
    from dataclasses import replace

    from simulations.plotting import plot_herding, plot_outcomes
    from simulations.sweep import load_sweep, run_sweep, write_table

    s = load_sweep(spec)
    s = replace(s, reading={**s.reading, **parse_readings(reading)},
                all_readings=s.all_readings or all_readings)
    rows = run_sweep(s, workers=workers, scheduler=scheduler, on_progress=TerminalProgress())
    d = Path(out)
    paths = [write_table(rows, d / "sweep.csv")]
    if parquet:
        paths.append(write_table(rows, d / "sweep.parquet"))
    for x in ("attendance", "size"):
        if len({r[x] for r in rows}) > 1:
            paths += plot_outcomes(rows, x, d)
    if len({r["conformity"] for r in rows}) > 1:
        paths += plot_herding(rows, d)
    sims = len({(r["institution"], r["body"], r["matter"], r["reading"], r["seed"]) for r in rows})
    click.echo(f"{len(rows)} rows from {sims} simulations "
               f"({len({r['reading'] for r in rows})} reading combination(s), column 'reading')")
    for p in paths:
        click.echo(f"wrote {p}")


@click.command("power")
@click.argument("institutions", nargs=-1, required=True)
@click.option("--body", help="Body id (default: the first).")
@click.option("--matter", help="Matter category (default: the body's first).")
@click.option("--n", "n", default=15, show_default=True, help="Number of members.")
@click.option("--no-ternary", is_flag=True, help="Skip the yes/no/absent (ternary) measures.")
@reading_options
@click.option("--out", type=click.Path(file_okay=False), help="Write JSON and a chart here.")
@user_errors
def power_cmd(institutions: tuple[str, ...], body: str | None, matter: str | None, n: int,
              no_ternary: bool, reading: tuple[str, ...], all_readings: bool,
              out: str | None) -> None:
    """Exact Banzhaf and Shapley-Shubik indices of each INSTITUTION's decision rule
    (ids or rule-file paths; several give one chart side by side), once per reading."""
    from simulations.power import body_power

    named = parse_readings(reading)
    results = [p for i in institutions
               for p in body_power(i, n=n, body=body, matter=matter, reading=named,
                                   all_readings=all_readings,
                                   ternary=False if no_ternary else None)]
    for p in results:
        rows = [("institution", f"{p.institution} / {p.body} / {p.matter}, n = {p.n}"),
                ("reading", p.reading_label),
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
    if out:
        from simulations.plotting import plot_power

        d = Path(out)
        d.mkdir(parents=True, exist_ok=True)
        data = [{"institution": p.institution, "body": p.body, "matter": p.matter, "n": p.n,
                 "reading": dict(p.reading), "reading_label": p.reading_label,
                 "chair_vetoes": p.chair_vetoes, "chair_dictates": p.chair_dictates,
                 "banzhaf_swings": [str(p.banzhaf_swings[0]), str(p.banzhaf_swings[1])],
                 "banzhaf_normalised": [str(p.banzhaf_normalised[0]),
                                        str(p.banzhaf_normalised[1])],
                 "shapley_shubik": [str(p.shapley_shubik[0]), str(p.shapley_shubik[1])],
                 "ternary": {w: ({k: str(v) for k, v in vars(t).items()} if t else None)
                             for w, t in (("chair", p.ternary_chair),
                                          ("member", p.ternary_member))},
                 "note": "index 0 = the chair (leader), index 1 = any ordinary member"}
                for p in results]
        (d / "power.json").write_text(json.dumps(data, indent=2, ensure_ascii=False),
                                      encoding="utf-8")
        paths = plot_power(results, d)
        click.echo(f"wrote {d / 'power.json'}, {', '.join(str(x) for x in paths)}")


def register(group: click.Group) -> None:
    """Add ``simulate``, ``sweep`` and ``power`` to ``group``."""
    group.add_command(simulate_cmd)
    group.add_command(sweep_cmd)
    group.add_command(power_cmd)
