"""pytest integration: prove a property in a ``def test_...`` and see the meeting on failure.

Examples
--------
>>> assert_property("prefecture_medical_security_party_group", "quorum_reachable",
...                 body="party_group", matter="ordinary", sizes=(5,))
>>> assert_property("prefecture_medical_security_party_group", "no_chair_veto",
...                 body="party_group", matter="ordinary", sizes=(5,))
Traceback (most recent call last):
...
AssertionError: no_chair_veto fails for prefecture_medical_security_party_group party_group/ordinary at n=5: ...
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from model.loader import load_institution
from proofs.options import CheckOptions
from proofs.render import result_text
from proofs.runner import check_pair

__all__ = ["assert_property"]


def assert_property(institution: str, property_id: str, *, body: str | None = None,
                    matter: str | None = None, sizes: Sequence[int] = (3, 4, 5, 6, 7),
                    expect: str = "holds", reading: Mapping[str, str] | None = None,
                    timeout_s: float = 10.0) -> None:
    """Assert that ``property_id`` has status ``expect`` at every size in ``sizes``.

    ``body`` and ``matter`` default to the first the rule file defines.  On failure the
    AssertionError message holds the rendered result with its counterexample meetings.
    ``unknown`` never passes.
    """
    inst = load_institution(institution)
    b = body or next(iter(inst.bodies))
    m = matter or inst.bodies[b].matters[0]
    results = check_pair(inst, b, m, CheckOptions(sizes=tuple(sizes), timeout_s=timeout_s),
                         [property_id], choice=reading)
    bad = [r for r in results if r.status != expect and not (expect == "holds" and
                                                             r.status in ("n/a",))]
    if bad:
        r = bad[0]
        where = f"n={r.n}" if r.n is not None else "every size"
        raise AssertionError(f"{property_id} {r.status} for {institution} {b}/{m} at {where}: "
                             f"{r.detail}\n{result_text(r)}")
