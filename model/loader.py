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
    CUMULATIVE,
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
    Requirement,
    Route,
    RuleSet,
    Slot,
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
            layers = [("defaults", defaults, False), (f"{where}.rules", b.get("rules", {}), False)]
            layers += [(f"{where}.overrides.{key}", table, True) for key, table in overrides.items()
                       if key == mid or mid in groups.get(key, ())]
            rulesets[(bid, mid)] = replace(_ruleset(inst_id, bid, mid, layers), info=matters[mid])
    routes = _routes(data.get("routes", []), matters, bodies)
    rulesets = {k: replace(rs, routes=tuple(r for r in routes if r.category == k[1]))
                for k, rs in rulesets.items()}
    return Institution(
        id=inst_id, name=_req(head, "name", "institution"), name_zh=_req(head, "name_zh", "institution"),
        seed=_req(head, "seed", "institution"), source=_req(head, "source", "institution"),
        bodies=bodies, matters=matters, rulesets=rulesets, path=path,
        known_findings=dict(data.get("known_findings", {})), routes=routes,
    )


def _routes(raw: Any, matters: Mapping[str, Matter], bodies: Mapping[str, Body]) -> tuple[Route, ...]:
    """``[[routes]]`` in file order, then one route per body deciding a matter whose category
    carries an amount limit (the limit is where such an item must go)."""
    if not isinstance(raw, list):
        raise RuleFileError("routes", f"should be a list of tables, got {raw!r}",
                            fix='write [[routes]] category = "..." body = "..." cite = "..."')
    out: list[Route] = []
    for i, r in enumerate(raw):
        loc = f"routes[{i}]"
        category = _req(r, "category", loc)
        if category not in matters:
            raise RuleFileError(f"{loc}.category", f"unknown matter {category!r}",
                                fix=f"use one of {sorted(matters)}")
        body = r.get("body")
        decider = r.get("decider", "")
        if (body is None) == (not decider):
            raise RuleFileError(loc, "needs exactly one of body and decider",
                                fix='write body = "party_group" (a meeting) or decider = "分管局长" '
                                    "(an individual approval)")
        if body is not None and (not isinstance(body, str) or body not in bodies):
            raise RuleFileError(f"{loc}.body", f"unknown body {body!r}", fix=f"use one of {sorted(bodies)}")
        if body is not None and category not in bodies[body].matters:
            raise RuleFileError(f"{loc}.body", f"body {body!r} does not decide matter {category!r}",
                                fix=f"add {category!r} to [bodies.{body}].matters or route elsewhere")
        amount = _phrase(r["amount"], f"{loc}.amount", want=Bound) if "amount" in r else None
        if isinstance(amount, tuple):
            raise RuleFileError(f"{loc}.amount", "an amount phrase that mixes 以上 and 超过 is "
                                "ambiguous", fix="write one word: 超过 (strict) or 以上/及以上 (inclusive)")
        out.append(Route(category, body, amount, _req(r, "cite", loc), str(decider),
                         str(r.get("note", ""))))
    for m in matters.values():
        if m.amount is not None and not any(r.category == m.id for r in out):
            out.extend(Route(m.id, b.id, m.amount, m.amount_cite) for b in bodies.values()
                       if m.id in b.matters)
    return tuple(out)


def _ruleset(inst: str, body: str, matter: str,
             layers: list[tuple[str, Mapping[str, Any], bool]]) -> RuleSet:
    """Fold the layers: ``[defaults]`` and ``[bodies.B.rules]`` replace field values; a matter
    override replaces plain fields but ADDS to cumulative ones (every clause binds) unless the
    entry says ``replaces = "..."``."""
    values: dict[str, Any] = {}
    cite: dict[str, str] = {}
    notes: dict[str, str] = {}
    points: dict[str, OpenPoint] = {}

    def drop(name: str, loc: str) -> None:
        """A later layer sets ``name``: forget the earlier setting (and its point)."""
        for pid, p in list(points.items()):
            if name in p.fields:
                if len(p.fields) > 1:
                    raise RuleFileError(loc, f"this field is also set by the open point {pid!r} "
                                        "together with other fields", fix=f"restate point {pid!r} "
                                        "here with every field it ties")
                del points[pid]
        values.pop(name, None)
        notes.pop(name, None)

    for where, table, adds in layers:
        for name, entry in table.items():
            loc = f"{where}.{name}"
            if name == "points":
                for pid, pentry in _req(table, "points", where, dict).items():
                    point = _point(pid, pentry, f"{loc}.{pid}", multi=True)
                    if points.pop(pid, None) is not None:  # a later layer restates the point
                        for f in CUMULATIVE:
                            values[f] = tuple(x for x in values.get(f, ()) if x != Slot(pid))
                    for f in point.fields:
                        if f in CUMULATIVE:
                            values.setdefault(f, ())
                            values[f] = (*values[f], Slot(pid))
                        else:
                            drop(f, f"{loc}.{pid}")
                            values[f] = point.readings[0].values[f]
                            cite[f] = point.readings[0].cite
                    points[pid] = point
                continue
            if name not in FIELD_DOCS:
                raise RuleFileError(loc, "unknown rule field",
                                    fix=f"use one of {', '.join(RULE_FIELDS)}, or points")
            if name in CUMULATIVE:
                entries = entry if isinstance(entry, list) else [entry]
                keep = adds and not any(isinstance(e, dict) and "replaces" in e for e in entries)
                if not keep:
                    for pid in [pid for pid, p in points.items() if name in p.fields]:
                        del points[pid]
                    values[name] = ()
                for k, e in enumerate(entries):
                    eloc = f"{loc}[{k}]" if isinstance(entry, list) else loc
                    _need_table(name, e, eloc)
                    if "readings" in e:
                        pid = _req(e, "id", eloc) if "id" in e or name in points else name
                        points[pid] = _point(name, e, eloc, pid=pid)
                        values[name] = (*values[name], Slot(pid))
                    else:
                        _req(e, "cite", eloc)
                        v = _value(name, e, eloc)
                        if isinstance(v, tuple) and v and v[0] == "ambiguous":
                            pid = str(e.get("id", name))
                            points[pid] = OpenPoint(pid, "vague", tuple(
                                Reading(rn, {name: (Requirement(val, e["cite"], str(e.get("note", ""))),)},
                                        e["cite"], note) for rn, val, note in v[1]),
                                note=v[2], fields=(name,))
                            values[name] = (*values[name], Slot(pid))
                        elif v is not None:
                            values[name] = (*values[name], Requirement(v, e["cite"], str(e.get("note", ""))))
                    cite[name] = "; ".join(c for c in (cite.get(name, "") if keep or k else "",
                                                       str(e.get("cite", ""))) if c)
                    if e.get("note"):
                        notes[name] = "; ".join(x for x in (notes.get(name, ""), str(e["note"])) if x)
                continue
            _need_table(name, entry, loc)
            drop(name, loc)
            if "readings" in entry:
                points[name] = _point(name, entry, loc)
                values[name] = points[name].readings[0].value
                cite[name] = points[name].readings[0].cite
            else:
                c = _req(entry, "cite", loc)
                v = _value(name, entry, loc)
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


def _need_table(name: str, entry: Any, loc: str) -> None:
    if not isinstance(entry, dict):
        raise RuleFileError(loc, f"should be a table with a citation, got {entry!r}",
                            fix=f'write {name} = {{ value = ..., cite = "seed NNN, 第X条" }}')


def _point(name: str, entry: Mapping[str, Any], loc: str, *, multi: bool = False,
           pid: str | None = None) -> OpenPoint:
    """An open point: per-field shorthand (``field = { readings = [...] }``) or, with ``multi``,
    a named point whose readings each ``set`` several fields (a regime)."""
    if not isinstance(entry, dict):
        raise RuleFileError(loc, f"should be a table, got {entry!r}",
                            fix="write kind = ..., cite = ..., readings = [...]")
    kind = entry.get("kind", "unspecified")
    if kind not in _POINT_KINDS:
        raise RuleFileError(f"{loc}.kind", f"unknown kind {kind!r}", fix=f"use one of {_POINT_KINDS}")
    raw = entry.get("readings")
    if not isinstance(raw, list) or len(raw) < 2:
        raise RuleFileError(f"{loc}.readings", "needs at least two named readings",
                            fix="list each reading as { name = ..., value = ..., cite = ... }")
    readings = []
    fields: tuple[str, ...] | None = None
    for i, r in enumerate(raw):
        rloc = f"{loc}.readings[{i}]"
        rname = _req(r, "name", rloc)
        rcite = r.get("cite", entry.get("cite"))
        if not rcite:
            raise RuleFileError(f"{rloc}.cite", "is missing", fix="cite the clause (or cite the point)")
        if multi:
            sets = _req(r, "set", rloc, dict)
            vals = {}
            for f, fe in sets.items():
                if f not in FIELD_DOCS:
                    raise RuleFileError(f"{rloc}.set.{f}", "unknown rule field",
                                        fix=f"use one of {', '.join(RULE_FIELDS)}")
                _need_table(f, fe, f"{rloc}.set.{f}")
                vals[f] = _reading_value(f, {"cite": rcite, **fe}, f"{rloc}.set.{f}")
            if fields is not None and set(vals) != set(fields):
                raise RuleFileError(f"{rloc}.set", f"sets {sorted(vals)}, but the first reading sets "
                                    f"{sorted(fields)}", fix="every reading of a point sets the same fields")
            fields = tuple(vals)
        else:
            vals = {name: _reading_value(name, {"cite": rcite, **r}, rloc)}
        readings.append(Reading(rname, vals, rcite, r.get("note", "")))
    if len({r.name for r in readings}) != len(readings):
        raise RuleFileError(f"{loc}.readings", "reading names repeat", fix="give each reading its own name")
    return OpenPoint(pid or name, kind, tuple(readings), note=entry.get("note", ""),
                     fields=fields if multi and fields else (name,))


def _reading_value(name: str, r: Mapping[str, Any], rloc: str) -> Any:
    """One reading's value of ``name``; a cumulative field gives a tuple of requirements."""
    v = _value(name, r, rloc)
    if isinstance(v, tuple) and v and v[0] == "ambiguous":
        raise RuleFileError(f"{rloc}", "a reading must be unambiguous",
                            fix="give the inclusive and strict readings as two readings")
    if name in CUMULATIVE:
        return () if v is None else (Requirement(v, str(r["cite"]), str(r.get("note", ""))),)
    return v


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
        overrides = entry.get("emergency_overrides", False)
        if not isinstance(overrides, bool):
            raise RuleFileError(f"{loc}.emergency_overrides", f"should be true or false, got "
                                f"{overrides!r}", fix="write emergency_overrides = true (or false)")
        return Deferral(kind, at_most, share, overrides)
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
    if name == "chair_calls_vote" and value == "when_split":
        return value
    if not isinstance(value, bool):
        extra = ' (or "when_split")' if name == "chair_calls_vote" else ""
        raise RuleFileError(f"{loc}.value", f"should be true or false{extra}, got {value!r}",
                            fix=f"write value = true or value = false{extra}")
    return value
