"""The one parser of ``--reading POINT=NAME`` flags, shared by every command.

>>> parse_readings(("deferral=margin_1", "quorum=half"))
{'deferral': 'margin_1', 'quorum': 'half'}
>>> parse_readings(("deferral",))
Traceback (most recent call last):
...
model.errors.QuorumlabError: field '--reading': 'deferral' is not POINT=NAME (fix: write e.g. --reading deferral=margin_1 (see quorumlab show))
"""

from __future__ import annotations

from model.errors import QuorumlabError

__all__ = ["parse_readings"]


def parse_readings(values: tuple[str, ...], flag: str = "--reading") -> dict[str, str]:
    """``POINT=NAME`` flags (repeatable) as a choice mapping: open point id -> reading name."""
    out = {}
    for v in values:
        if "=" not in v:
            raise QuorumlabError(flag, f"{v!r} is not POINT=NAME",
                                 fix=f"write e.g. {flag} deferral=margin_1 (see quorumlab show)")
        k, _, r = v.partition("=")
        out[k.strip()] = r.strip()
    return out
