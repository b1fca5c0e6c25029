"""Read rule files (TOML data, never code) into validated :class:`~model.rules.Institution` s.

Every field of every (body, matter) must be set, with a citation, somewhere in the
file: in ``[defaults]``, in ``[bodies.B.rules]`` or in ``[bodies.B.overrides.M]``
(later wins).  ``[bodies.B.groups]`` names sets of matters, so one override table
(``[bodies.B.overrides.GROUP]``) can serve several matters; overrides apply in file order.  Where the source is silent or vague the file says so with
``readings = [...]``; nothing falls back to a silent default.

Examples
--------
>>> sorted(builtin_ids())[:2]
['alxa_medical_security_bureau', 'city_medical_security_bureau']
>>> load_institution("no_such_body")
Traceback (most recent call last):
...
model.errors.UnknownInstitutionError: field 'institution': no built-in institution or rule file 'no_such_body' (fix: use one of alxa_medical_security_bureau, city_medical_security_bureau, prefecture_medical_security_party_group, taobei_district_government, xiuzhou_district, or a path to a .toml rule file)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from model.datafile import read_data_file
from model.errors import QuorumlabError, RuleFileError, ThresholdError, UnknownInstitutionError
from model.rules import (
    ENUMS,
    FIELD_DOCS,
    RULE_FIELDS,
    Base,
    Body,
    Deferral,
    Institution,
    Matter,
    OpenPoint,
    Passing,
    Reading,
    RuleSet,
)
from model.thresholds import Ambiguous, Bound, Share, parse_threshold

__all__ = ["load_institution", "load_rule_file", "builtin_ids", "INSTITUTIONS_DIR"]

INSTITUTIONS_DIR = Path(__file__).parent / "institutions"
_POINT_KINDS = ("unspecified", "vague", "clauses")


def builtin_ids() -> list[str]:
    """Ids of the built-in seed institutions."""
    return sorted(p.stem for p in INSTITUTIONS_DIR.glob("*.toml") if "." not in p.stem)


def load_institution(id_or_path: str | Path) -> Institution:
    """Load a built-in institution by id, or any rule file by path."""
    text = str(id_or_path)
    if text in builtin_ids():
        return _load_cached(str(INSTITUTIONS_DIR / f"{text}.toml"))
    path = Path(text)
    if path.suffix == ".toml" and path.exists():
        return load_rule_file(path)
    raise UnknownInstitutionError(
        "institution", f"no built-in institution or rule file {text!r}",
        fix=f"use one of {', '.join(builtin_ids())}, or a path to a .toml rule file",
    )


@cache
def _load_cached(path: str) -> Institution:
    return load_rule_file(path)


def load_rule_file(path: str | Path) -> Institution:
    """Parse and validate one rule file; errors name the file and the field."""
    path = Path(path)
    data = read_data_file(path, RuleFileError)
    try:
        return _build(data, str(path))
    except QuorumlabError as err:
        raise err.at(str(path)) from None


_KIND_WORDS = {str: "string", dict: "table", int: "whole number", list: "list", object: "value"}


def _req(table: Mapping[str, Any], key: str, where: str, kind: type = str) -> Any:
    name = f"{where}.{key}" if where else key
    if not isinstance(table, dict):
        raise RuleFileError(where or key, f"should be a table, got {table!r}",
                            fix=f"write [{where or key}] as a table of fields")
    if key not in table:
        raise RuleFileError(name, "is missing", fix=f"add {key} = ... to [{where or 'top level'}]")
    value = table[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        word = _KIND_WORDS.get(kind, kind.__name__)
        raise RuleFileError(name, f"should be a {word}, got {value!r}", fix=f"write {key} as a {word}")
    return value


def _build(data: Mapping[str, Any], path: str) -> Institution:
    head = _req(data, "institution", "", dict)
    inst_id = _req(head, "id", "institution")
    matters: dict[str, Matter] = {}
    for mid, m in _req(data, "matters", "", dict).items():
        where = f"matters.{mid}"
        _req({mid: m}, mid, "matters", dict)
        amount, amount_cite = None, ""
        if "amount" in m:
            amount_t = _req(m, "amount", where, dict)
            amount = _phrase(amount_t, f"{where}.amount", want=Bound)
            amount_cite = _req(amount_t, "cite", f"{where}.amount")
        matters[mid] = Matter(
            id=mid, name=_req(m, "name", where), name_zh=_req(m, "name_zh", where),
            cite=_req(m, "cite", where), portfolio=m.get("portfolio"),
            collective=bool(m.get("collective", False)), amount=amount, amount_cite=amount_cite,
        )
    defaults = data.get("defaults", {})
    bodies: dict[str, Body] = {}
    rulesets: dict[tuple[str, str], RuleSet] = {}
    for bid, b in _req(data, "bodies", "", dict).items():
        where = f"bodies.{bid}"
        _req({bid: b}, bid, "bodies", dict)
        body_matters = tuple(_req(b, "matters", where, list) if "matters" in b else list(matters))
        for mid in body_matters:
            if mid not in matters:
                raise RuleFileError(f"{where}.matters", f"unknown matter {mid!r}",
                                    fix=f"define [matters.{mid}] or use one of {sorted(matters)}")
        bodies[bid] = Body(bid, _req(b, "name", where), _req(b, "name_zh", where),
                           _req(b, "cite", where), body_matters)
        overrides = b.get("overrides", {})
        groups = b.get("groups", {})
        for gid, members in groups.items():
            if not isinstance(members, list) or any(x not in body_matters for x in members):
                raise RuleFileError(f"{where}.groups.{gid}", f"should list matters of this body, "
                                    f"got {members!r}", fix=f"use matters from {list(body_matters)}")
        for key in overrides:
            if key not in body_matters and key not in groups:
                raise RuleFileError(f"{where}.overrides.{key}", "override for a matter this body "
                                    "does not decide", fix=f"use one of {list(body_matters)} or a "
                                    f"group of [{where}.groups]")
        for mid in body_matters:
            layers = [("defaults", defaults), (f"{where}.rules", b.get("rules", {}))]
            layers += [(f"{where}.overrides.{key}", table) for key, table in overrides.items()
                       if key == mid or mid in groups.get(key, ())]
            rulesets[(bid, mid)] = replace(_ruleset(inst_id, bid, mid, layers), info=matters[mid])
    return Institution(
        id=inst_id, name=_req(head, "name", "institution"), name_zh=_req(head, "name_zh", "institution"),
        seed=_req(head, "seed", "institution"), source=_req(head, "source", "institution"),
        bodies=bodies, matters=matters, rulesets=rulesets, path=path,
        known_findings=dict(data.get("known_findings", {})),
    )


def _ruleset(inst: str, body: str, matter: str, layers: list[tuple[str, Mapping[str, Any]]]) -> RuleSet:
    values: dict[str, Any] = {}
    cite: dict[str, str] = {}
    notes: dict[str, str] = {}
    points: dict[str, OpenPoint] = {}
    for where, table in layers:
        for name, entry in table.items():
            loc = f"{where}.{name}"
            if name not in FIELD_DOCS:
                raise RuleFileError(loc, "unknown rule field",
                                    fix=f"use one of {', '.join(RULE_FIELDS)}")
            if not isinstance(entry, dict):
                raise RuleFileError(loc, f"should be a table with a citation, got {entry!r}",
                                    fix=f'write {name} = {{ value = ..., cite = "seed NNN, 第X条" }}')
            points.pop(name, None)
            notes.pop(name, None)
            if "readings" in entry:
                points[name] = _point(name, entry, loc)
                values[name] = points[name].readings[0].value
                cite[name] = points[name].readings[0].cite
            else:
                c = _req(entry, "cite", loc)
                v = _value(name, entry, loc)
                if isinstance(v, tuple) and v and v[0] == "ambiguous":
                    points[name] = OpenPoint(
                        name, "vague",
                        tuple(Reading(n, val, c, note) for n, val, note in v[1]), note=v[2])
                    v = v[1][0][1]
                values[name] = v
                cite[name] = c
            note = entry.get("note", "")
            if entry.get("silent"):
                note = "UNSPECIFIED: the source is silent; the neutral reading is recorded" + (
                    f". {note}" if note else "")
            if note:
                notes[name] = note
    missing = [f for f in RULE_FIELDS if f not in values]
    if missing:
        raise RuleFileError(
            f"bodies.{body}.rules.{missing[0]}", f"not set for body {body!r}, matter {matter!r}",
            fix=f"set it ({FIELD_DOCS[missing[0]]}) with a citation, or give readings if the "
                "source is silent",
        )
    return RuleSet(inst, body, matter, values, cite, notes, tuple(points.values()))


def _point(name: str, entry: Mapping[str, Any], loc: str) -> OpenPoint:
    kind = entry.get("kind", "unspecified")
    if kind not in _POINT_KINDS:
        raise RuleFileError(f"{loc}.kind", f"unknown kind {kind!r}", fix=f"use one of {_POINT_KINDS}")
    raw = entry["readings"]
    if not isinstance(raw, list) or len(raw) < 2:
        raise RuleFileError(f"{loc}.readings", "needs at least two named readings",
                            fix="list each reading as { name = ..., value = ..., cite = ... }")
    readings = []
    for i, r in enumerate(raw):
        rloc = f"{loc}.readings[{i}]"
        rname = _req(r, "name", rloc)
        rcite = r.get("cite", entry.get("cite"))
        if not rcite:
            raise RuleFileError(f"{rloc}.cite", "is missing", fix="cite the clause (or cite the point)")
        v = _value(name, r, rloc)
        if isinstance(v, tuple) and v and v[0] == "ambiguous":
            raise RuleFileError(f"{rloc}", "a reading must be unambiguous",
                                fix="give the inclusive and strict readings as two readings")
        readings.append(Reading(rname, v, rcite, r.get("note", "")))
    if len({r.name for r in readings}) != len(readings):
        raise RuleFileError(f"{loc}.readings", "reading names repeat", fix="give each reading its own name")
    return OpenPoint(name, kind, tuple(readings), note=entry.get("note", ""))


def _phrase(entry: Mapping[str, Any], loc: str, want: type) -> Any:
    """A threshold from ``phrase`` or from ``num``/``den``/``strict``."""
    try:
        if "phrase" in entry:
            t = parse_threshold(_req(entry, "phrase", loc))
        elif "num" in entry:
            strict = entry.get("strict", False)
            if not isinstance(strict, bool):
                raise RuleFileError(f"{loc}.strict", f"should be true or false, got {strict!r}",
                                    fix="write strict = false (以上) or strict = true (超过)")
            t = Share(_req(entry, "num", loc, int), _req(entry, "den", loc, int), strict)
        else:
            raise RuleFileError(loc, "has no threshold",
                                fix='give phrase = "三分之二以上" or num = 2, den = 3, strict = false')
    except ThresholdError as err:
        raise RuleFileError(f"{loc}.phrase", err.message, fix=err.fix) from None
    if isinstance(t, Ambiguous):
        return ("ambiguous", t)
    if not isinstance(t, want):
        raise RuleFileError(f"{loc}.phrase", f"{entry.get('phrase')!r} is not a {want.__name__.lower()}"
                            " threshold", fix="use a share such as 三分之二以上 for quorum and passing,"
                            " an amount such as 5000元及以上 for money limits")
    return t


def _value(name: str, entry: Mapping[str, Any], loc: str) -> Any:
    """Turn one field entry (or one reading) into its typed value."""
    if name in ("quorum", "passing"):
        if entry.get("value") == "none":
            return None
        t = _phrase(entry, loc, want=Share)
        if name == "quorum":
            if isinstance(t, tuple):
                amb: Ambiguous = t[1]
                return ("ambiguous", [(("inclusive", "strict")[i], r, f"{r.describe()}")
                                      for i, r in enumerate(amb.readings)], amb.why)
            return t
        base_text = entry.get("base", "due")
        try:
            base = Base(base_text)
        except ValueError:
            raise RuleFileError(f"{loc}.base", f"unknown base {base_text!r}",
                                fix=f"use one of {[b.value for b in Base]}") from None
        if isinstance(t, tuple):
            amb = t[1]
            return ("ambiguous", [(("inclusive", "strict")[i], Passing(r, base), r.describe())
                                  for i, r in enumerate(amb.readings) if isinstance(r, Share)],
                    amb.why)
        return Passing(t, base)
    if name == "deferral":
        kind = entry.get("kind", "none")
        if kind not in ("none", "margin", "defer_votes"):
            raise RuleFileError(f"{loc}.kind", f"unknown deferral kind {kind!r}",
                                fix="use 'none', 'margin' or 'defer_votes'")
        share = _phrase(entry, loc, want=Share) if kind == "defer_votes" else None
        at_most = entry.get("at_most", 0)
        if not isinstance(at_most, int) or at_most < 0:
            raise RuleFileError(f"{loc}.at_most", f"should be a whole number >= 0, got {at_most!r}",
                                fix="write at_most = 1")
        return Deferral(kind, at_most, share, bool(entry.get("emergency_overrides", False)))
    value = _req(entry, "value", loc, object)
    if name in ENUMS:
        if value not in ENUMS[name]:
            raise RuleFileError(f"{loc}.value", f"{value!r} is not allowed",
                                fix=f"use one of {', '.join(map(repr, ENUMS[name]))}")
        return value
    if name == "leader_may_not_own":
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise RuleFileError(f"{loc}.value", f"should be a list of portfolio names, got {value!r}",
                                fix='write value = ["personnel", "finance"]')
        return tuple(value)
    if not isinstance(value, bool):
        raise RuleFileError(f"{loc}.value", f"should be true or false, got {value!r}",
                            fix="write value = true or value = false")
    return value
