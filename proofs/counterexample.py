"""Witness meetings, re-checked by the reference evaluator before they are returned.

A :class:`Witness` is a concrete meeting a property check produced (a counterexample,
or an example showing that something is possible) with the outcome the Z3 encoding
claims for it.  :func:`confirm` re-runs the meeting through
:func:`model.evaluator.decide`; a disagreement raises
:class:`~model.errors.InternalDisagreement` (a bug in quorumlab, never user error).

Examples
--------
>>> from model.meeting import Meeting, Outcome
>>> from model.loader import load_institution
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset("party_group",
...                                                                          "ordinary")
>>> m = Meeting.simple("prefecture_medical_security_party_group", "party_group", "ordinary",
...                    n=3, present=3, yes=3)
>>> confirm(m, rs, {}, Outcome.PASSED, "example").outcome.label
'passed'
>>> confirm(m, rs, {}, Outcome.REJECTED, "example")
Traceback (most recent call last):
...
model.errors.InternalDisagreement: Z3 claims rejected for 'example' but the reference evaluator decides passed
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from model.errors import InternalDisagreement
from model.evaluator import decide
from model.meeting import Meeting, Outcome
from model.rules import RuleSet

__all__ = ["Witness", "confirm"]


@dataclass(frozen=True)
class Witness:
    """A decoded meeting, the outcome the encoding claims (confirmed), and what it shows."""

    label: str
    meeting: Meeting
    outcome: Outcome
    reading: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


def confirm(meeting: Meeting, ruleset: RuleSet, choice: Mapping[str, str], claimed: Outcome | int,
            label: str, note: str = "") -> Witness:
    """Replay ``meeting`` through the reference evaluator under reading ``choice``."""
    claimed = Outcome(int(claimed))
    actual = decide(meeting, ruleset, dict(choice)).outcome
    if actual != claimed:
        raise InternalDisagreement(
            f"Z3 claims {claimed.label} for {label!r} but the reference evaluator decides "
            f"{actual.label}")
    return Witness(label, meeting, claimed, dict(choice), note)
