"""What an amendment changes: two versions of one rule file, compared.

:func:`amendment` compares OLD and NEW on every (body, matter) that either decides:

* **requirements**: per rule field, the requirements (value and citation; notes are
  cosmetic) added and removed, and the open points whose readings change;
* **meetings**: for each group of (body, matter) whose rules changed, every kind of
  outcome change (:data:`proofs.compare.CHANGES`) with the exact pattern of board sizes
  (over the sizes checked) at which some meeting changes that way, and one distinguishing
  meeting per pattern, decided under OLD and under NEW by the reference evaluator;
* **properties**: every property whose verdict, pattern of sizes or value changes
  (:func:`proofs.runner.changes`, as a regression against recorded expectations).

Examples
--------
>>> from pathlib import Path
>>> import tempfile
>>> from model.loader import INSTITUTIONS_DIR
>>> src = (INSTITUTIONS_DIR / "prefecture_medical_security_party_group.toml").read_text("utf-8")
>>> d = Path(tempfile.mkdtemp())
>>> _ = (d / "old.toml").write_text(src, "utf-8")
>>> _ = (d / "new.toml").write_text(src.replace('phrase = "超过半数", base = "due"',
...                                             'phrase = "超过半数", base = "present"'), "utf-8")
>>> a = amendment(d / "old.toml", d / "new.toml", sizes=(4,), property_ids=["min_yes_to_pass"])
>>> [(f.body, f.matter, f.field) for f in a.requirements][:1]
[('party_group', 'ordinary', 'passing')]
>>> [c.kind for c in a.meetings[0].changes]
['B passes, A does not']
>>> a.properties[0].changes  # 3 of 4 attend; more than half of 3 is 2, not a majority of 4
('verdict: holds -> fails', 'fails at n=: none -> 4', 'value at n=4: 3 -> 2')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from model.loader import load_institution
from model.rules import CUMULATIVE, Institution, RuleSet
from proofs.compare import OutcomeChange, Side, outcome_changes
from proofs.options import DEFAULT_TIMEOUT_S, CheckOptions, check_sizes
from proofs.runner import Expectation, Summary, changes, run_suite

__all__ = ["RequirementChange", "MeetingChanges", "PropertyChange", "Amendment", "amendment",
           "amendment_text", "amendment_dict"]


@dataclass(frozen=True)
class RequirementChange:
    """One rule field of one (body, matter): what it required before and after."""

    body: str
    matter: str
    field: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class MeetingChanges:
    """The outcome changes of a group of (body, matter) whose rules read alike."""

    pairs: tuple[str, ...]
    changes: tuple[OutcomeChange, ...]


@dataclass(frozen=True)
class PropertyChange:
    """A property whose verdict, pattern of sizes or value changes."""

    key: str
    before: Expectation
    after: Expectation
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Amendment:
    old: str
    new: str
    sizes: tuple[int, ...]
    requirements: tuple[RequirementChange, ...]
    meetings: tuple[MeetingChanges, ...]
    properties: tuple[PropertyChange, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.requirements or any(m.changes for m in self.meetings)
                    or self.properties)


def _describe(v: Any) -> str:
    if isinstance(v, tuple):
        return "; ".join(_describe(x) for x in v) or "none"
    describe = getattr(v, "describe", None)
    return str(describe()) if callable(describe) else repr(v)


def _items(rs: RuleSet | None, f: str) -> set[str]:
    """What field ``f`` requires: each cited requirement of a cumulative field, else the
    value with its citation; an open point's readings (by name and value)."""
    if rs is None:
        return set()
    point = next((p for p in rs.points if p.field == f), None)
    if point is not None:
        return {f"reading {r.name}: " + ", ".join(f"{k} = {_describe(v)}" for k, v in
                                                  r.values.items()) for r in point.readings}
    v = rs.values.get(f)
    if f in CUMULATIVE and isinstance(v, tuple):
        return {_describe(x) for x in v}
    return {f"{_describe(v)} ({rs.cite.get(f, '')})"} if f in rs.values else set()


def _fields(rs: RuleSet | None) -> set[str]:
    return set() if rs is None else set(rs.values) | {p.field for p in rs.points}


def _ruleset(inst: Institution, pair: tuple[str, str]) -> RuleSet | None:
    return inst.ruleset(*pair) if pair in inst.rulesets else None


def _reads(inst: Institution, rs: RuleSet) -> tuple[Any, ...]:
    m = inst.matters[rs.matter]
    return (repr(sorted(rs.values.items(), key=lambda kv: kv[0])), repr(rs.points),
            m.portfolio, repr(m.amount), repr(rs.routes))


def _requirements(old: Institution, new: Institution) -> list[RequirementChange]:
    out = []
    for pair in dict.fromkeys([*old.pairs(), *new.pairs()]):
        a, b = _ruleset(old, pair), _ruleset(new, pair)
        for f in sorted(_fields(a) | _fields(b)):
            before, after = _items(a, f), _items(b, f)
            if before != after:
                out.append(RequirementChange(*pair, f, tuple(sorted(before - after)),
                                             tuple(sorted(after - before))))
    return out


def _meetings(old: Institution, new: Institution, sizes: Sequence[int],
              options: CheckOptions) -> list[MeetingChanges]:
    groups: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
    for pair in old.pairs():
        if pair in new.rulesets:
            a, b = old.ruleset(*pair), new.ruleset(*pair)
            if _reads(old, a) != _reads(new, b):
                groups.setdefault((_reads(old, a), _reads(new, b)), []).append(pair)
    return [MeetingChanges(tuple(f"{b}/{m}" for b, m in pairs),
                           outcome_changes(Side.make(old, *pairs[0]), Side.make(new, *pairs[0]),
                                           sizes, options))
            for pairs in groups.values()]


def _properties(before: Sequence[Summary], after: Sequence[Summary]) -> list[PropertyChange]:
    old = {s.key: s for s in before}
    out = []
    for s in after:
        b = old.get(s.key)
        if b is None:
            continue
        found = changes(s.record, b.record, (*s.unknown_sizes, *b.unknown_sizes))
        if found:
            out.append(PropertyChange(s.key, b.record, s.record, found))
    return out


def amendment(old: str | Path, new: str | Path, sizes: Sequence[int],
              property_ids: Sequence[str] | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
              jobs: int = 1) -> Amendment:
    """Compare rule file ``old`` with ``new`` (ids or paths) at board sizes ``sizes``; the
    properties ``property_ids`` (``None``: the whole catalogue; empty: none)."""
    check_sizes(sizes)
    io, inn = load_institution(str(old)), load_institution(str(new))
    opts = CheckOptions(sizes=tuple(sizes), timeout_s=timeout_s)
    reqs = _requirements(io, inn)
    meetings = _meetings(io, inn, sizes, opts)
    props = [] if property_ids is not None and not property_ids else _properties(
        run_suite([str(old)], opts, property_ids, jobs=jobs).summaries,
        run_suite([str(new)], opts, property_ids, jobs=jobs).summaries)
    return Amendment(str(old), str(new), tuple(sizes), tuple(reqs), tuple(meetings),
                     tuple(props))


def _ns(ns: Sequence[int]) -> str:
    return ",".join(map(str, ns)) or "none"


def amendment_text(a: Amendment, lang: str = "en") -> str:
    """The amendment as text: requirements, meetings (one per pattern), properties."""
    from proofs.render import meeting_record

    lines = [f"diff OLD = {a.old}  NEW = {a.new}  (n={_ns(a.sizes)})", "", "requirements:"]
    lines += [f"  {r.body}/{r.matter} {r.field}:" + "".join(f"\n    - {x}" for x in r.removed)
              + "".join(f"\n    + {x}" for x in r.added) for r in a.requirements] or ["  none"]
    lines += ["", "meetings whose outcome changes (A = OLD, B = NEW):"]
    shown = False
    for m in a.meetings:
        for c in m.changes:
            shown = True
            unknown = f" (unknown at n={_ns(c.unknown)})" if c.unknown else ""
            lines.append(f"  {', '.join(m.pairs)}: {c.kind} at n={_ns(c.sizes)} of "
                         f"n={_ns(c.checked)}{unknown}")
            for w in c.witnesses:
                lines.append(f"    {w.note}: {w.outcome.label}")
                lines += ["      " + x for x in meeting_record(w.meeting, lang,
                                                               dict(w.reading)).splitlines()]
    if not shown:
        lines.append("  none")
    lines += ["", "properties whose verdict, sizes or value change:"]
    lines += [f"  {p.key}: {'; '.join(p.changes)}" for p in a.properties] or ["  none"]
    return "\n".join(lines)


def amendment_dict(a: Amendment) -> dict[str, Any]:
    """The amendment as a JSON-ready dict."""
    from model.io import meeting_to_dict

    return {
        "old": a.old, "new": a.new, "sizes": list(a.sizes), "unchanged": a.unchanged,
        "requirements": [{"body": r.body, "matter": r.matter, "field": r.field,
                          "removed": list(r.removed), "added": list(r.added)}
                         for r in a.requirements],
        "meetings": [{"pairs": list(m.pairs), "kind": c.kind, "sizes": list(c.sizes),
                      "checked": list(c.checked), "unknown": list(c.unknown),
                      "witnesses": [{"side": w.note.rsplit(" ", 1)[-1], "outcome": w.outcome.label,
                                     "reading": dict(w.reading),
                                     "meeting": meeting_to_dict(w.meeting)}
                                    for w in c.witnesses]}
                     for m in a.meetings for c in m.changes],
        "properties": [{"key": p.key, "changes": list(p.changes),
                        "before": p.before.__dict__, "after": p.after.__dict__}
                       for p in a.properties],
    }
