"""Charts (the only module that imports matplotlib; Agg backend, files only).

Every chart is saved as PNG and SVG, with a title and axis labels a reader understands
without the code, and names the reading of the rule set's open points behind every
panel, bar or line (a chart never mixes readings unlabelled).  Inputs are the tidy rows
of :mod:`simulations.sweep` / :meth:`SimulationResult.rows`, or
:class:`~simulations.power.BodyPower` objects.

Examples
--------
>>> import tempfile
>>> from simulations.montecarlo import simulate_institution
>>> rs = simulate_institution("taobei_district_government", meetings=2000, seed=1)
>>> with tempfile.TemporaryDirectory() as d:
...     paths = plot_simulation(rs, d)
...     sorted(p.suffix for p in paths)
['.png', '.svg']
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from simulations.montecarlo import OUTCOME_KEYS, SimulationResult  # noqa: E402
from simulations.power import BodyPower, WeightedPower  # noqa: E402

__all__ = ["plot_outcomes", "plot_herding", "plot_power", "plot_simulation", "save"]

LABELS = {"passed": "passed", "rejected": "rejected", "deferred": "deferred",
          "no_quorum": "no quorum", "procedure_violation": "procedure violation",
          "not_held": "not held (nobody present)", "correct": "decision correct", "leader_followed": "outcome = leader's private view"}
AXES = {"attendance": "attendance probability per member", "size": "board size (members)",
        "conformity": "conformity (weight on positions already stated)",
        "competence": "competence (P(private judgement right))",
        "leader_influence": "leader's extra influence"}
COLOURS = {"passed": "tab:green", "rejected": "tab:red", "deferred": "tab:orange",
           "no_quorum": "tab:grey", "procedure_violation": "tab:purple",
           "not_held": "tab:olive", "correct": "tab:blue", "leader_followed": "tab:brown"}


def save(fig: Any, out_dir: str | Path, name: str) -> list[Path]:
    """Save ``fig`` as ``name``.png and ``name``.svg in ``out_dir``; close it."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{name}.png", out / f"{name}.svg"]
    fig.savefig(paths[0], dpi=120, bbox_inches="tight")
    fig.savefig(paths[1], bbox_inches="tight")
    plt.close(fig)
    return paths


def _short(inst: str) -> str:
    return Path(inst).stem.replace("_", " ")


def _fixed(rows: Sequence[Mapping[str, Any]], x: str, keep: Sequence[str]) -> tuple[list[Any], str]:
    """Rows where every swept parameter other than ``x`` and ``keep`` is held at one value:
    the largest attendance, size and competence swept, the order as the rules require,
    the smallest of anything else."""
    from simulations.sweep import PARAMETERS

    chosen: dict[str, Any] = {}
    for k in PARAMETERS:
        if k in (x, *keep):
            continue
        values = list(dict.fromkeys(r[k] for r in rows if k in r))
        if len(values) > 1:
            if k == "order":
                chosen[k] = "last" if "last" in values else values[0]
            else:
                chosen[k] = (max if k in ("attendance", "size", "competence") else min)(values)
    sel = [r for r in rows if all(r.get(k) == v for k, v in chosen.items())]
    note = ", ".join(f"{k} = {v}" for k, v in chosen.items())
    return sel, (f"(held fixed: {note})" if note else "")


def _wrap(label: str, width: int = 38) -> str:
    """A reading label broken into lines of about ``width`` characters at commas."""
    lines: list[str] = []
    for part in label.split(", "):
        if lines and len(lines[-1]) + len(part) + 2 <= width:
            lines[-1] += ", " + part
        else:
            lines.append(part)
    return ",\n".join(lines)


def plot_outcomes(rows: Sequence[Mapping[str, Any]], x: str, out_dir: str | Path,
                  name: str | None = None) -> list[Path]:
    """Outcome probabilities (with 95% bands) against ``x`` ("attendance" or "size"), one
    panel per institution and reading of its open points (up to four panels a row)."""
    sel, note = _fixed(rows, x, ("institution", "body", "matter", "reading"))
    panels = list(dict.fromkeys((r["institution"], r.get("reading", "")) for r in sel))
    cols = min(4, len(panels))
    nrows = -(-len(panels) // cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(3.6 * cols + 1.5, 3.6 * nrows + 0.8),
                             sharey=True, squeeze=False, layout="constrained")
    flat = list(axes.flat)
    for ax in flat[len(panels):]:
        ax.set_visible(False)
    for ax, (inst, reading) in zip(flat, panels, strict=False):
        series: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
        for r in sel:
            if (r["institution"], r.get("reading", "")) == (inst, reading) \
                    and r["quantity"] in OUTCOME_KEYS:
                series[r["quantity"]].append((float(r[x]), r["value"], r["low"], r["high"]))
        for q in OUTCOME_KEYS:
            pts = sorted(series.get(q, []))
            if not pts or max(p[1] for p in pts) == 0:
                continue
            xs, ys, lo, hi = zip(*pts, strict=True)
            ax.plot(xs, ys, marker="o", ms=3, label=LABELS[q], color=COLOURS[q])
            ax.fill_between(xs, lo, hi, alpha=0.2, color=COLOURS[q])
        body = next((r["body"] for r in sel if r["institution"] == inst), "")
        ax.set_title(f"{_short(inst)} ({body})\nreading: {_wrap(reading)}", fontsize=7)
        ax.set_xlabel(AXES.get(x, x))
        ax.set_ylim(-0.02, 1.02)
        ax.grid(alpha=0.3)
    for row in axes:
        row[0].set_ylabel("probability per meeting")
    handles = {lab: h for ax in flat for h, lab in zip(*ax.get_legend_handles_labels(),
                                                       strict=True)}
    fig.legend(handles.values(), handles.keys(), fontsize=8, loc="outside right center")
    fig.suptitle(f"How often a meeting passes, rejects, defers or fails, by {AXES.get(x, x)}\n"
                 f"{note}", fontsize=10)
    return save(fig, out_dir, name or f"outcomes_vs_{x}")


def plot_herding(rows: Sequence[Mapping[str, Any]], out_dir: str | Path,
                 name: str = "herding_vs_conformity") -> list[Path]:
    """Decision accuracy and leader-following against conformity, one line per speaking
    order (the leader last as the rules require, or first) and reading of the open points."""
    sel, note = _fixed(rows, "conformity", ("order", "institution", "body", "matter", "reading"))
    inst = sel[0]["institution"] if sel else ""
    sel = [r for r in sel if r["institution"] == inst]
    fig, axes = plt.subplots(1, 2, figsize=(9, 4.2), sharey=True, layout="constrained")
    styles = {"last": "-", "first": "--", "random": ":", "seniority": "-."}
    for ax, q in zip(axes, ("correct", "leader_followed"), strict=True):
        for order, reading in dict.fromkeys((r["order"], r.get("reading", "")) for r in sel):
            pts = sorted((float(r["conformity"]), r["value"], r["low"], r["high"])
                         for r in sel if (r["order"], r.get("reading", "")) == (order, reading)
                         and r["quantity"] == q)
            if not pts:
                continue
            xs, ys, lo, hi = zip(*pts, strict=True)
            who = (f"leader (chair) speaks {order}" if order in ("last", "first")
                   else f"{order} order")
            ax.plot(xs, ys, styles.get(order, "-"), marker="o", ms=3,
                    label=f"{who}\nreading: {_wrap(reading)}")
            ax.fill_between(xs, lo, hi, alpha=0.2)
        ax.set_title(f"P({LABELS[q]})", fontsize=10)
        ax.set_xlabel(AXES["conformity"])
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("probability per meeting")
    handles = dict(zip(*reversed(axes[1].get_legend_handles_labels()), strict=True))
    fig.legend(handles.values(), handles.keys(), fontsize=6, loc="outside right center")
    allowed = any(r.get("spec_note") for r in sel)
    how = ("counterfactual orders evaluated as if the speaking-order rules did not exist"
           if allowed else "as the rules evaluate it: a forbidden order is a procedure violation")
    fig.suptitle(f"Herding: accuracy and leader-following vs conformity, {_short(inst)}\n"
                 f"({how}) {note}", fontsize=9)
    return save(fig, out_dir, name)


def plot_power(results: Sequence[BodyPower], out_dir: str | Path, name: str = "power") -> list[Path]:
    """Chair's and an ordinary member's normalised Banzhaf and Shapley-Shubik indices."""
    fig, ax = plt.subplots(figsize=(max(6, 1.8 * len(results) + 3), 4.2), layout="constrained")
    width = 0.2
    labels = [f"{_short(r.institution)}\n{r.body} n={r.n}\nreading: {_wrap(r.reading_label, 24)}"
              for r in results]
    series = [("chair: Banzhaf", lambda r: r.banzhaf_normalised[0]),
              ("chair: Shapley-Shubik", lambda r: r.shapley_shubik[0]),
              ("member: Banzhaf", lambda r: r.banzhaf_normalised[1]),
              ("member: Shapley-Shubik", lambda r: r.shapley_shubik[1])]
    for k, (label, get) in enumerate(series):
        xs = [i + (k - 1.5) * width for i in range(len(results))]
        ax.bar(xs, [float(get(r)) for r in results], width, label=label)
    ax.set_xticks(range(len(results)), labels, fontsize=6)
    ax.set_ylabel("share of voting power")
    ax.set_title("Voting power of the chair and of an ordinary member (exact)\n"
                 "(all present, yes/no votes; the chair withholds the vote where the rules let him)",
                 fontsize=9)
    fig.legend(fontsize=7, loc="outside right center")
    ax.grid(axis="y", alpha=0.3)
    return save(fig, out_dir, name)


def plot_weighted_power(result: WeightedPower, out_dir: str | Path,
                        name: str = "power") -> list[Path]:
    """Normalised Banzhaf and Shapley-Shubik index per distinct weight of a weighted game,
    each series labelled with the arithmetic that produced it."""
    weights = sorted(set(result.weights))
    first = {w: result.weights.index(w) for w in weights}
    fig, ax = plt.subplots(figsize=(7, 4.2), layout="constrained")
    for label, road, values in (
            ("Banzhaf (normalised)", result.banzhaf_road, result.banzhaf_normalised),
            ("Shapley-Shubik", result.shapley_road, result.shapley_shubik)):
        bound = "" if road.arithmetic == "exact" else f", within {road.error_bound:.1g}"
        ax.plot(weights, [float(values[first[w]]) for w in weights], marker=".",
                label=f"{label}: {road.arithmetic}{bound}")
    ax.set_xlabel("weight")
    ax.set_ylabel("index of one player of that weight")
    ax.set_title(f"Weighted game [{result.quota}; {result.n} players]\n{result.reason}",
                 fontsize=9)
    ax.legend(fontsize=7)
    ax.grid(alpha=0.3)
    return save(fig, out_dir, name)


def plot_simulation(results: Sequence[SimulationResult], out_dir: str | Path,
                    name: str = "simulation") -> list[Path]:
    """Outcome probabilities (with 95% intervals) and the yes - no margin distribution of
    one (body, matter), one bar group and one line per reading of its open points."""
    results = list(results)
    first = results[0]
    fig, (a, b) = plt.subplots(1, 2, figsize=(12, 4.2 + 0.25 * len(results)),
                               layout="constrained")
    keys = [*OUTCOME_KEYS, "correct", "leader_followed"]
    height = 0.8 / len(results)
    for k, r in enumerate(results):
        est = [r.probabilities[q] for q in keys]
        ys = [i - 0.4 + (k + 0.5) * height for i in range(len(keys))]
        label = f"reading: {_wrap(r.reading_label, 60)}"
        a.barh(ys, [e.value for e in est], height,
               xerr=[[e.value - e.low for e in est], [e.high - e.value for e in est]],
               label=label)
        total = sum(r.margins.values())
        ks = sorted(r.margins)
        b.plot(ks, [r.margins[m] / total for m in ks], marker="o", ms=3, label=label)
    a.set_yticks(range(len(keys)), [LABELS[q] for q in keys])
    a.set_xlim(0, 1)
    a.set_xlabel("probability per meeting (95% interval)")
    a.invert_yaxis()
    b.set_xlabel("yes votes minus no votes")
    b.set_ylabel("share of meetings")
    handles, labels = a.get_legend_handles_labels()
    fig.legend(handles, labels, fontsize=7, loc="outside lower center")
    fig.suptitle(f"{_short(first.institution)} / {first.body} / {first.matter}: "
                 f"{first.meetings:,} simulated meetings per reading, board of {first.n}, "
                 f"chair speaks {first.order}\n{first.assumption}", fontsize=10)
    return save(fig, out_dir, name)
