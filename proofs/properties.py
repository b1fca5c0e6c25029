"""The property registry: named, documented properties a user can list and pick.

Each :class:`Property` carries its id, a one-line statement of what ``holds`` means (in
English and Chinese), the rule fields it is about, its Z3 check and the oracle the
differential test compares it with.  :mod:`proofs.catalogue` registers the built-in ones.

Examples
--------
>>> [p.id for p in all_properties()][:3]
['quorum_reachable', 'no_dead_zone', 'min_yes_to_pass']
>>> get_property("monotonic").title
'One more yes never turns a pass into a fail'
>>> get_property("nope")
Traceback (most recent call last):
...
model.errors.QuorumlabError: field 'property': unknown property 'nope' (fix: run 'quorumlab properties' to list them, e.g. quorum_reachable)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from model.errors import QuorumlabError
from proofs.crosscheck import cross_checked
from proofs.solve import Budget, settled
from proofs.witness import polishing

if TYPE_CHECKING:
    from proofs.context import Context
    from proofs.results import Verdict

__all__ = ["Property", "register", "get_property", "all_properties"]

_REGISTRY: dict[str, Property] = {}


@dataclass(frozen=True)
class Property:
    """One registered property.

    ``kind``: ``exists`` (something is possible), ``forall`` (nothing bad happens),
    ``exists_forall``, ``measure`` (an exact optimum compared with a bound),
    ``readings`` (compares readings), ``requirements`` (compares the requirements of a
    cumulative field, by their thresholds), ``matter`` (money limits; no board size).
    ``prove(ctx) -> Verdict`` runs Z3 (and raises :exc:`~proofs.solve.SolverUnknown` on
    an unanswered query); call it through :meth:`check`.  ``oracle(table) -> (status,
    value)`` is the exhaustive-enumeration verdict for the differential test (``None`` if
    not per meeting).
    """

    id: str
    title: str
    title_zh: str
    statement: str
    kind: str
    about: tuple[str, ...]
    prove: Callable[[Any], Any]
    oracle: Callable[[Any], tuple[str, int | None]] | None = None
    per_size: bool = True
    scope: str = ""
    """What a size-free result is about (default: "every board size")."""

    def check(self, ctx: Context) -> Verdict:
        """Run :attr:`prove` on ``ctx`` under one deadline of ``ctx.options.timeout_s`` for
        the encoding and every query; an unanswered step makes the verdict ``unknown``."""
        ctx.budget = Budget(ctx.options.timeout_s)
        with polishing(ctx.options.polish):
            return cross_checked(self, ctx, lambda: settled(lambda: self.prove(ctx)))


def register(prop: Property) -> Property:
    """Add ``prop`` to the catalogue (ids are unique)."""
    if prop.id in _REGISTRY:
        raise ValueError(f"property {prop.id!r} is registered twice")
    _REGISTRY[prop.id] = prop
    return prop


def _load() -> None:
    import proofs.catalogue  # noqa: F401  (registers the built-in properties)
    import proofs.parametric  # noqa: F401  (and the all-n ones)
    from proofs import boards  # noqa: F401  (and those of the example boards)


def all_properties() -> list[Property]:
    """Every registered property, in catalogue order."""
    _load()
    return list(_REGISTRY.values())


def get_property(prop_id: str) -> Property:
    """The property named ``prop_id``."""
    _load()
    if prop_id not in _REGISTRY:
        raise QuorumlabError("property", f"unknown property {prop_id!r}",
                             fix="run 'quorumlab properties' to list them, e.g. quorum_reachable")
    return _REGISTRY[prop_id]
