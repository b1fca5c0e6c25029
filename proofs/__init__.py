"""quorumlab.proofs: Z3 encoding, property catalogue, counterexamples.

Layers (mypyvy style): :mod:`proofs.symbolic` and :mod:`proofs.encode` turn a rule spec
into Z3 terms through the one semantics; :mod:`proofs.solve` asks (``unknown`` is its own
answer; :func:`proofs.solve.settled` is the one place it becomes a verdict);
:mod:`proofs.decode` turns a model back into a Meeting, which
:mod:`proofs.counterexample` re-decides with the reference evaluator.  Properties are
registered in :mod:`proofs.properties` (built-ins in :mod:`proofs.catalogue`), run by
:mod:`proofs.runner`, compared by :mod:`proofs.compare`, rendered by :mod:`proofs.render`;
:mod:`proofs.oracle` is the brute-force oracle of the differential test.
"""

from proofs.compare import Comparison, ComparisonRow, Side, compare
from proofs.context import Context
from proofs.counterexample import Witness, confirm
from proofs.options import CheckOptions, Scope, parse_sizes
from proofs.properties import Property, all_properties, get_property, register
from proofs.results import PropertyResult, Verdict
from proofs.runner import SuiteReport, Summary, check_pair, run_suite
from proofs.solve import Answer, Budget, Query, SolverUnknown, settled

__all__ = [
    "Comparison", "ComparisonRow", "Side", "compare",
    "Context",
    "Witness", "confirm",
    "CheckOptions", "Scope", "parse_sizes",
    "Property", "all_properties", "get_property", "register",
    "PropertyResult", "Verdict",
    "SuiteReport", "Summary", "check_pair", "run_suite",
    "Answer", "Budget", "Query", "SolverUnknown", "settled",
]
