"""quorumlab.simulations: Monte Carlo, exact probabilities, power indices, sweeps, plots.

Flow: a :class:`Board` (who sits, how each behaves) and a :class:`MeetingModel` (speaking
order, prior) -> :func:`draw_meetings` (a batch of meetings as member-major numpy arrays)
-> :func:`outcomes` (the one rule semantics, :func:`model.semantics.evaluate`, on the
numpy backend) -> :func:`simulate` / :func:`simulate_institution` (probabilities with 95%
intervals, one result per reading of the rule set's open points, each labelled; see
:mod:`simulations.readings`).  :func:`exact_probabilities` computes the same exactly for independent
members; :mod:`simulations.power` gives exact voting power (and, for large weighted
games, Shapley-Shubik in floating point with a proven bound, :func:`weighted_power`); :mod:`simulations.sweep` runs
grids on local processes or Dask; :mod:`simulations.plotting` draws the charts (the only
matplotlib importer).  Every stochastic function takes ``seed`` (int, Generator or None),
normalised by :func:`simulations.rng.as_generator`.
"""

from simulations.compositions import Board, BoardFileError, BoardMember, load_board
from simulations.estimates import Estimate, proportion
from simulations.exact import ExactModeError, ExactResult, exact_institution, exact_probabilities
from simulations.meetings import ORDERS, MeetingBatch, MeetingModel, draw_meetings
from simulations.montecarlo import SimulationResult, simulate, simulate_institution
from simulations.power import (
    BodyPower,
    PowerError,
    PowerIndices,
    TernaryPower,
    WeightedPower,
    body_power,
    sampled_power,
    shapley_shubik_float,
    weighted_game,
    weighted_power,
)
from simulations.readings import MAX_READINGS, ReadingError, reading_label, select_readings
from simulations.rng import Seed, as_generator
from simulations.sweep import SweepError, SweepSpec, load_sweep, run_sweep, write_table
from simulations.vectorised import BatchOutcome, outcomes

__all__ = [
    "Board", "BoardFileError", "BoardMember", "load_board",
    "Estimate", "proportion",
    "ExactModeError", "ExactResult", "exact_institution", "exact_probabilities",
    "ORDERS", "MeetingBatch", "MeetingModel", "draw_meetings",
    "SimulationResult", "simulate", "simulate_institution",
    "BodyPower", "PowerError", "PowerIndices", "TernaryPower", "body_power", "sampled_power",
    "shapley_shubik_float", "weighted_game", "WeightedPower", "weighted_power",
    "MAX_READINGS", "ReadingError", "reading_label", "select_readings",
    "Seed", "as_generator",
    "SweepError", "SweepSpec", "load_sweep", "run_sweep", "write_table",
    "BatchOutcome", "outcomes",
]
