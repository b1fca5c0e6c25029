"""The clause ledger of an institution: every clause of its seed that bears on meetings.

A ledger sits next to its rule file as ``<id>.coverage.toml`` and lists, one
``[[clause]]`` table per clause, the citation, a short verbatim quote, a topic, the rule
fields that encode the clause and a status:

``encoded``
    the rule file encodes the clause (``fields`` names where);
``open_point``
    the rule file encodes it as an open point with named readings;
``out_of_scope``
    the model does not encode it; ``why`` says why (required), and ``fields`` is empty.

An optional ``note`` (not in the design's format) says how the fields read the clause.

Reviewers audit a rule file's fidelity with it (``quorumlab coverage ID``).  This module
only loads and validates; it never prints.  Unknown keys, statuses, topics and field
names are errors that name the file, the row and the field, with a fix.

Examples
--------
>>> ledger = load_ledger("prefecture_medical_security_party_group")
>>> ledger.seed
'001'
>>> sorted(ledger.counts())
['encoded', 'open_point', 'out_of_scope']
>>> [e.fields for e in ledger.entries if e.text.startswith("局党组会议必须有三分之二以上")]
[('quorum',)]

A malformed row names the row and field, and says how to fix it:

>>> parse_ledger({"clause": [{"cite": "seed 001, 第十九条", "text": "x", "topic": "chairing",
...                           "fields": [], "status": "out_of_scope"}]},
...              institution="demo", seed="001", file="demo.coverage.toml")
Traceback (most recent call last):
...
model.errors.RuleFileError: demo.coverage.toml: field 'clause[0].why': an out_of_scope clause needs a reason (fix: add why = "..." saying why the model does not encode it)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.datafile import read_data_file
from model.errors import RuleFileError, UnknownInstitutionError
from model.loader import INSTITUTIONS_DIR, builtin_ids
from model.rules import RULE_FIELDS

__all__ = [
    "STATUSES",
    "TOPICS",
    "EXTRA_FIELDS",
    "LEDGER_SUFFIX",
    "LedgerEntry",
    "Ledger",
    "ledger_path",
    "load_ledger",
    "parse_ledger",
    "known_field",
]

LEDGER_SUFFIX = ".coverage.toml"
STATUSES: tuple[str, ...] = ("encoded", "open_point", "out_of_scope")
# design section 8; "quorum" is accepted too because the design's own example uses it
TOPICS: tuple[str, ...] = (
    "attendance", "quorum", "voting", "speaking", "deferral", "chairing", "ad_hoc",
    "separation", "routing", "money", "recusal", "scope", "procedure", "other",
)
# rule fields of design v2 that may not be in model.rules.RULE_FIELDS yet, and the
# non-field places a clause can be encoded in ("matters.<id>", "bodies.<id>" by prefix)
EXTRA_FIELDS: tuple[str, ...] = ("positions_required", "unclear_matter", "routes", "separation")
_PREFIXED = re.compile(r"^(matters|bodies)\.[A-Za-z0-9_]+$")
_CITE = re.compile(r"^seed (\d{3}), \S")
_KEYS = ("cite", "text", "topic", "fields", "status", "why", "note")


def known_field(name: str) -> bool:
    """True if ``name`` may appear in a ledger's ``fields``.

    >>> [known_field(f) for f in ("quorum", "unclear_matter", "matters.cadre", "bodies.", "quorom")]
    [True, True, True, False, False]
    """
    return name in RULE_FIELDS or name in EXTRA_FIELDS or bool(_PREFIXED.match(name))


@dataclass(frozen=True)
class LedgerEntry:
    """One clause of a seed and how (or whether) the rule file encodes it."""

    cite: str
    text: str
    topic: str
    fields: tuple[str, ...]
    status: str
    why: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"cite": self.cite, "text": self.text, "topic": self.topic,
                "fields": list(self.fields), "status": self.status, "why": self.why,
                "note": self.note}


@dataclass(frozen=True)
class Ledger:
    """The clause ledger of one institution, in file order."""

    institution: str
    seed: str | None
    path: str
    entries: tuple[LedgerEntry, ...]

    def counts(self) -> dict[str, int]:
        """Number of clauses per status (every status present, zero included)."""
        c = Counter(e.status for e in self.entries)
        return {s: c.get(s, 0) for s in STATUSES}

    def with_status(self, status: str) -> tuple[LedgerEntry, ...]:
        """The clauses of one status, in file order."""
        if status not in STATUSES:
            raise RuleFileError("status", f"unknown status {status!r}",
                                fix=f"use one of {', '.join(STATUSES)}")
        return tuple(e for e in self.entries if e.status == status)

    def cites(self) -> frozenset[str]:
        return frozenset(e.cite for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        return {"institution": self.institution, "seed": self.seed, "ledger": self.path,
                "counts": self.counts(), "clauses": [e.to_dict() for e in self.entries]}


def ledger_path(institution_id_or_rule_path: str | Path) -> Path:
    """The ledger file of a built-in id, a rule file path, or a ledger path itself."""
    text = str(institution_id_or_rule_path)
    if text in builtin_ids():
        return INSTITUTIONS_DIR / f"{text}{LEDGER_SUFFIX}"
    path = Path(text)
    if path.name.endswith(LEDGER_SUFFIX):
        return path
    if path.suffix == ".toml":
        return path.with_name(path.stem + LEDGER_SUFFIX)
    raise UnknownInstitutionError(
        "institution", f"no built-in institution or rule file {text!r}",
        fix=f"use one of {', '.join(builtin_ids())}, or a path to a .toml rule file",
    )


def load_ledger(institution_id_or_rule_path: str | Path) -> Ledger:
    """Load and validate the ledger of a built-in institution or of a rule file.

    The seed number comes from the rule file next to the ledger (``[institution].seed``);
    every ``cite`` must start with ``seed NNN,`` of that seed.
    """
    path = ledger_path(institution_id_or_rule_path)
    institution = path.name[: -len(LEDGER_SUFFIX)]
    if not path.exists():
        raise RuleFileError(None, f"no clause ledger for {institution!r}",
                            fix=f"write {path.name} next to the rule file (design section 8)",
                            file=str(path))
    rule_file = path.with_name(institution + ".toml")
    seed = None
    if rule_file.exists():
        inst = read_data_file(rule_file, RuleFileError).get("institution", {})
        seed = str(inst.get("seed")) if isinstance(inst, dict) and inst.get("seed") else None
    data = read_data_file(path, RuleFileError)
    return parse_ledger(data, institution=institution, seed=seed, file=str(path))


def parse_ledger(data: Any, *, institution: str, seed: str | None, file: str) -> Ledger:
    """Validate parsed ledger data (a dict with a ``clause`` list) into a :class:`Ledger`."""
    if not isinstance(data, dict):
        raise RuleFileError(None, "a ledger is a table of [[clause]] entries",
                            fix="write [[clause]] tables", file=file)
    extra = sorted(set(data) - {"clause"})
    if extra:
        raise RuleFileError(extra[0], f"unknown top-level key {extra[0]!r}",
                            fix="a ledger holds only [[clause]] tables", file=file)
    rows = data.get("clause")
    if not isinstance(rows, list) or not rows:
        raise RuleFileError("clause", "no [[clause]] entries",
                            fix="add one [[clause]] table per clause of the seed", file=file)
    entries = []
    seen: set[tuple[str, str]] = set()
    for i, row in enumerate(rows):
        entry = _entry(row, f"clause[{i}]", seed, file)
        if (entry.cite, entry.text) in seen:
            raise RuleFileError(f"clause[{i}]", f"duplicate clause {entry.cite!r} / {entry.text!r}",
                                fix="delete the repeated row", file=file)
        seen.add((entry.cite, entry.text))
        entries.append(entry)
    return Ledger(institution=institution, seed=seed, path=file, entries=tuple(entries))


def _entry(row: Any, where: str, seed: str | None, file: str) -> LedgerEntry:
    def err(key: str | None, msg: str, fix: str) -> RuleFileError:
        return RuleFileError(f"{where}.{key}" if key else where, msg, fix=fix, file=file)

    if not isinstance(row, dict):
        raise err(None, "not a table", "write each clause as a [[clause]] table")
    for key in row:
        if key not in _KEYS:
            raise err(key, f"unknown key {key!r}", f"use only {', '.join(_KEYS)}")
    strings = {}
    for key in ("cite", "text", "topic", "status", "why", "note"):
        value = row.get(key, "")
        if not isinstance(value, str):
            raise err(key, f"{value!r} is not a string", f'write {key} = "..."')
        strings[key] = value.strip()
    for key in ("cite", "text", "topic", "status"):
        if not strings[key]:
            raise err(key, "missing or empty", f'add {key} = "..." (see design section 8)')
    m = _CITE.match(strings["cite"])
    if not m:
        raise err("cite", f"{strings['cite']!r} is not a seed citation",
                  'cite as "seed 004, 议事规则 四(二)" (file prefix, comma, the clause numbering)')
    if seed is not None and m.group(1) != seed:
        raise err("cite", f"{strings['cite']!r} cites seed {m.group(1)}, but this institution's "
                  f"seed is {seed}", f'cite as "seed {seed}, ..."')
    if strings["topic"] not in TOPICS:
        raise err("topic", f"unknown topic {strings['topic']!r}", f"use one of {', '.join(TOPICS)}")
    if strings["status"] not in STATUSES:
        raise err("status", f"unknown status {strings['status']!r}",
                  f"use one of {', '.join(STATUSES)}")
    fields = row.get("fields", [])
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise err("fields", f"{fields!r} is not a list of field names", 'write fields = ["quorum"]')
    for f in fields:
        if not known_field(f):
            raise err("fields", f"unknown rule field {f!r}",
                      f"use a rule field ({', '.join((*RULE_FIELDS, *EXTRA_FIELDS))}), "
                      "or matters.<id> / bodies.<id>")
    if strings["status"] == "out_of_scope":
        if not strings["why"]:
            raise err("why", "an out_of_scope clause needs a reason",
                      'add why = "..." saying why the model does not encode it')
        if fields:
            raise err("fields", "an out_of_scope clause is encoded by no field",
                      "empty the list, or set status to encoded / open_point")
    elif not fields:
        raise err("fields", f"a clause with status {strings['status']!r} names no field",
                  "name the rule fields that encode it, or set status = \"out_of_scope\" with a why")
    return LedgerEntry(cite=strings["cite"], text=strings["text"], topic=strings["topic"],
                       fields=tuple(fields), status=strings["status"], why=strings["why"],
                       note=strings["note"])
