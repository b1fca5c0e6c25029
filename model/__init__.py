"""quorumlab.model: rule specs, exact thresholds, the one semantics and the reference evaluator.

Path of a rule: ``institutions/<id>.toml`` -> :func:`load_institution` -> ``Institution``
-> ``RuleSet`` (per body and matter, with open points) -> ``RuleSpec`` (one reading) ->
:func:`evaluate` through a :class:`Backend` (Python here, numpy in simulations, Z3 in proofs).
"""

from model.backend import NP, PY, Backend, NumpyBackend, PythonBackend, Z3Backend
from model.errors import (
    InternalDisagreement,
    MeetingFileError,
    QuorumlabError,
    RuleFileError,
    ThresholdError,
    UnknownInstitutionError,
)
from model.evaluator import Decision, Reason, Tally, decide, ruleset_for
from model.io import dump_meeting, load_meeting, meeting_from_dict, meeting_to_dict
from model.loader import builtin_ids, load_institution, load_rule_file
from model.meeting import MatterFacts, Meeting, MeetingTerms, Member, Outcome, Vote
from model.rules import (
    Base,
    Body,
    Deferral,
    Institution,
    Matter,
    OpenPoint,
    Passing,
    Reading,
    RuleSet,
    RuleSpec,
)
from model.semantics import Evaluation, evaluate
from model.thresholds import Ambiguous, Bound, Share, parse_threshold

__all__ = [
    "NP", "PY", "Backend", "NumpyBackend", "PythonBackend", "Z3Backend",
    "InternalDisagreement", "MeetingFileError", "QuorumlabError", "RuleFileError",
    "ThresholdError", "UnknownInstitutionError",
    "Decision", "Reason", "Tally", "decide", "ruleset_for",
    "dump_meeting", "load_meeting", "meeting_from_dict", "meeting_to_dict",
    "builtin_ids", "load_institution", "load_rule_file",
    "MatterFacts", "Meeting", "MeetingTerms", "Member", "Outcome", "Vote",
    "Base", "Body", "Deferral", "Institution", "Matter", "OpenPoint", "Passing", "Reading",
    "RuleSet", "RuleSpec",
    "Evaluation", "evaluate",
    "Ambiguous", "Bound", "Share", "parse_threshold",
]
