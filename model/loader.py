"""Read rule files (TOML data, never code) into validated :class:`~model.rules.Institution` s.

Every field of every (body, matter) must be set, with a citation, somewhere in the
file: in ``[defaults]``, in ``[bodies.B.rules]`` or in ``[bodies.B.overrides.M]``
(later wins).  ``[bodies.B.groups]`` names sets of matters, so one override table
(``[bodies.B.overrides.GROUP]``) can serve several matters; overrides apply in file order.
Where the source is silent or vague the file says so with ``readings = [...]``; nothing
falls back to a silent default.

The shape of the file (tables, keys, types, enums, ranges, threshold phrases) is checked by
:mod:`model.rule_schema`; this module checks what needs the whole file: names that must
refer to a matter, body or group of the file, every field set once the layers are folded,
open points that do not collide, and the ``reading_combinations`` limit of each rule set.
A file that loads is one every other command can run on.

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

import math
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from model.datafile import read_data_file
from model.errors import QuorumlabError, RuleFileError, UnknownInstitutionError
from model.limits import enforce, limit
from model.rule_schema import MultiPoint, RuleFile, parse_rule_file
from model.rules import (
    CUMULATIVE,
    FIELD_DOCS,
    RULE_FIELDS,
    Base,
    Body,
    FourEyes,
    Institution,
    Matter,
    OpenPoint,
    Passing,
    Reading,
    Requirement,
    Route,
    RuleSet,
    Runners,
    Slot,
)
from model.thresholds import Ambiguous, Share

__all__ = ["load_institution", "load_rule_file", "builtin_ids", "INSTITUTIONS_DIR"]

INSTITUTIONS_DIR = Path(__file__).parent / "institutions"


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
    """Parse and validate one rule file; errors name the file and the field.

    The shape (tables, keys, types, enums, ranges, threshold phrases) is
    :mod:`model.rule_schema`'s; what needs the whole file is checked here."""
    path = Path(path)
    raw = parse_rule_file(read_data_file(path, RuleFileError), str(path))
    try:
        return _build(raw, str(path))
    except QuorumlabError as err:
        raise err.at(str(path)) from None


def _build(f: RuleFile, path: str) -> Institution:
    matters = {mid: Matter(id=mid, name=m.name, name_zh=m.name_zh, cite=m.cite,
                           portfolio=m.portfolio, collective=m.collective,
                           amount=m.amount.bound() if m.amount else None,
                           amount_cite=m.amount.cite if m.amount else "")
               for mid, m in f.matters.items()}
    bodies: dict[str, Body] = {}
    rulesets: dict[tuple[str, str], RuleSet] = {}
    for bid, b in f.bodies.items():
        where = f"bodies.{bid}"
        body_matters = tuple(b.matters if b.matters is not None else matters)
        for mid in body_matters:
            if mid not in matters:
                raise RuleFileError(f"{where}.matters", f"unknown matter {mid!r}",
                                    fix=f"define [matters.{mid}] or use one of {sorted(matters)}")
        if len(set(body_matters)) != len(body_matters):
            raise RuleFileError(f"{where}.matters", "lists a matter twice",
                                fix="list each matter once")
        bodies[bid] = Body(bid, b.name, b.name_zh, b.cite, body_matters)
        for gid, members in b.groups.items():
            if any(x not in body_matters for x in members):
                raise RuleFileError(f"{where}.groups.{gid}", f"should list matters of this body, "
                                    f"got {members!r}", fix=f"use matters from {list(body_matters)}")
        for key in b.overrides:
            if key not in body_matters and key not in b.groups:
                raise RuleFileError(f"{where}.overrides.{key}", "override for a matter this body "
                                    "does not decide", fix=f"use one of {list(body_matters)} or a "
                                    f"group of [{where}.groups]")
        for mid in body_matters:
            layers = [("defaults", f.defaults, False), (f"{where}.rules", b.rules, False)]
            layers += [(f"{where}.overrides.{key}", table, True) for key, table in b.overrides.items()
                       if key == mid or mid in b.groups.get(key, ())]
            rulesets[(bid, mid)] = replace(_ruleset(f.institution.id, bid, mid, layers),
                                           info=matters[mid])
    routes = _routes(f, matters, bodies)
    rulesets = {k: replace(rs, routes=tuple(r for r in routes if r.category == k[1]))
                for k, rs in rulesets.items()}
    for key in f.known_findings:
        pair = tuple(key.split("@", 1)[1].split("/", 1)) if "@" in key else None
        if pair is not None and pair not in rulesets:
            raise RuleFileError(f"known_findings.{key}", f"no body/matter {'/'.join(pair)!r} in "
                                "this file", fix="write PROPERTY@BODY/MATTER with one of "
                                f"{', '.join(f'{b}/{m}' for b, m in rulesets)}, or PROPERTY alone")
    head = f.institution
    return Institution(
        id=head.id, name=head.name, name_zh=head.name_zh, seed=head.seed, source=head.source,
        bodies=bodies, matters=matters, rulesets=rulesets, path=path,
        known_findings=dict(f.known_findings), routes=routes,
        separation=_separation(f, rulesets),
    )


def _separation(f: RuleFile, rulesets: Mapping[tuple[str, str], RuleSet]
                ) -> tuple[tuple[Runners, ...], tuple[FourEyes, ...]] | None:
    """``[separation]``: reading names unique, pairs of portfolios the leader may not run."""
    sep = f.separation
    if sep is None:
        return None
    forbidden = {p for rs in rulesets.values() for p in rs.values["leader_may_not_own"]}
    if not forbidden:
        raise RuleFileError("separation", "no body lists a portfolio its leader may not run",
                            fix="set leader_may_not_own, or remove [separation]")
    for key, rows in (("runners", sep.runners), ("four_eyes", sep.four_eyes)):
        names = [r.name for r in rows]
        for i, n in enumerate(names):
            if names.index(n) != i:
                raise RuleFileError(f"separation.{key}[{i}].name", f"reading {n!r} appears twice",
                                    fix="give every reading a unique name")
    for i, r in enumerate(sep.four_eyes):
        for j, pair in enumerate(r.pairs):
            for p in pair:
                if p not in forbidden:
                    raise RuleFileError(f"separation.four_eyes[{i}].pairs[{j}]", f"{p!r} is not a "
                                        "portfolio the leader may not run",
                                        fix=f"use one of {', '.join(sorted(forbidden))}")
    return (tuple(Runners(r.name, None if r.roles is None else tuple(r.roles), r.cite, r.note)
                  for r in sep.runners),
            tuple(FourEyes(r.name, tuple((a, b) for a, b in r.pairs), r.cite, r.note)
                  for r in sep.four_eyes))


def _routes(f: RuleFile, matters: Mapping[str, Matter], bodies: Mapping[str, Body]
            ) -> tuple[Route, ...]:
    """``[[routes]]`` in file order, then one route per body deciding a matter whose category
    carries an amount limit (the limit is where such an item must go)."""
    out: list[Route] = []
    for i, r in enumerate(f.routes):
        loc = f"routes[{i}]"
        if r.category not in matters:
            raise RuleFileError(f"{loc}.category", f"unknown matter {r.category!r}",
                                fix=f"use one of {sorted(matters)}")
        if r.body is not None and r.body not in bodies:
            raise RuleFileError(f"{loc}.body", f"unknown body {r.body!r}", fix=f"use one of {sorted(bodies)}")
        if r.body is not None and r.category not in bodies[r.body].matters:
            raise RuleFileError(f"{loc}.body", f"body {r.body!r} does not decide matter {r.category!r}",
                                fix=f"add {r.category!r} to [bodies.{r.body}].matters or route elsewhere")
        out.append(Route(r.category, r.body, r.amount.bound() if r.amount else None, r.cite,
                         r.decider, r.note))
    for m in matters.values():
        if m.amount is not None and not any(r.category == m.id for r in out):
            out.extend(Route(m.id, b.id, m.amount, m.amount_cite) for b in bodies.values()
                       if m.id in b.matters)
    return tuple(out)


def _ruleset(inst: str, body: str, matter: str, layers: list[tuple[str, Any, bool]]) -> RuleSet:
    """Fold the layers: ``[defaults]`` and ``[bodies.B.rules]`` replace field values; a matter
    override replaces plain fields but ADDS to cumulative ones (every clause binds) unless the
    entry says ``replaces = "..."``."""
    values: dict[str, Any] = {}
    cite: dict[str, str] = {}
    notes: dict[str, str] = {}
    points: dict[str, OpenPoint] = {}
    where_point: dict[str, str] = {}  # point id -> where the file sets it

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

    def add_point(point: OpenPoint, loc: str) -> None:
        if point.field in points:
            raise RuleFileError(loc, f"the open point {point.field!r} is already set for body "
                                f"{body!r}, matter {matter!r}", fix="give this point its own id "
                                "(id = \"...\")")
        points[point.field] = point
        where_point[point.field] = loc

    for where, table, adds in layers:
        for name, entry in table.items():
            loc = f"{where}.{name}"
            if name == "points":
                for pid, pentry in entry.items():
                    if pid in FIELD_DOCS:
                        raise RuleFileError(f"{loc}.{pid}", "a named point takes the name of a "
                                            "rule field", fix="name the point after what it ties, "
                                            "e.g. bulk_purchase_decider")
                    point = _multi_point(pid, pentry, f"{loc}.{pid}")
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
                    add_point(point, f"{loc}.{pid}")
                continue
            if name in CUMULATIVE:
                entries = entry if isinstance(entry, list) else [entry]
                keep = adds and not any(e.replaces is not None for e in entries)
                if not keep:
                    for pid in [pid for pid, p in points.items() if name in p.fields]:
                        del points[pid]
                    values[name] = ()
                for k, e in enumerate(entries):
                    eloc = f"{loc}[{k}]" if isinstance(entry, list) else loc
                    if _is_point(e):
                        if e.id is None and name in points:
                            raise RuleFileError(f"{eloc}.id", "is missing", fix=f"add id = ... to "
                                                f"[{eloc}]: this field already has an open point")
                        pid = e.id or name
                        add_point(_point(name, e, pid=pid), eloc)
                        values[name] = (*values[name], Slot(pid))
                    else:
                        v = e.typed()
                        if isinstance(v, Ambiguous):
                            pid = e.id or name
                            add_point(_ambiguous_point(name, pid, e, v), eloc)
                            values[name] = (*values[name], Slot(pid))
                        elif v is not None:
                            values[name] = (*values[name], Requirement(v, e.cite, e.note))
                    cite[name] = "; ".join(c for c in (cite.get(name, "") if keep or k else "",
                                                       e.cite or "") if c)
                    if e.note:
                        notes[name] = "; ".join(x for x in (notes.get(name, ""), e.note) if x)
                continue
            drop(name, loc)
            if _is_point(entry):
                add_point(_point(name, entry), loc)
                values[name] = points[name].readings[0].value
                cite[name] = points[name].readings[0].cite
            else:
                values[name] = entry.typed()
                cite[name] = entry.cite
            note = entry.note
            if getattr(entry, "silent", False):
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
    _cap_combinations(points, where_point)
    return RuleSet(inst, body, matter, values, cite, notes, tuple(points.values()))


def _cap_combinations(points: Mapping[str, OpenPoint], where: Mapping[str, str]) -> None:
    """Every combination of readings is decided in turn (``decide``, ``check``, ``simulate``):
    their number is capped by the ``reading_combinations`` limit, blamed on the point that
    crosses it."""
    total = math.prod(len(p.readings) for p in points.values())
    if total <= limit("reading_combinations"):
        return
    running = 1
    for pid, p in points.items():
        running *= len(p.readings)
        if running > limit("reading_combinations"):
            enforce("reading_combinations", total, RuleFileError, where[pid])


def _is_point(entry: Any) -> bool:
    return hasattr(entry, "readings")


def _ambiguous_point(name: str, pid: str, e: Any, amb: Ambiguous) -> OpenPoint:
    """A plain quorum or passing entry whose phrase mixes 以上 and 超过: both readings."""
    def rule(share: Any) -> Any:
        return Passing(share, Base(e.base)) if name == "passing" else share
    return OpenPoint(pid, "vague", tuple(
        Reading(rn, {name: (Requirement(rule(r), e.cite, e.note),)}, e.cite, r.describe())
        for rn, r in zip(("inclusive", "strict"), amb.readings, strict=True)
        if isinstance(r, Share)), note=amb.why, fields=(name,))


def _point(name: str, entry: Any, pid: str | None = None) -> OpenPoint:
    """An open point of one field (``field = { readings = [...] }``)."""
    readings = tuple(
        Reading(r.name, {name: _reading_value(name, r, r.cite or entry.cite)},
                r.cite or entry.cite, r.note) for r in entry.readings)
    return OpenPoint(pid or name, entry.kind, readings, note=entry.note, fields=(name,))


def _multi_point(pid: str, entry: MultiPoint, loc: str) -> OpenPoint:
    """A named point whose readings each ``set`` several fields (a regime)."""
    readings: list[Reading] = []
    for i, r in enumerate(entry.readings):
        rcite = r.cite or entry.cite or ""
        vals = {f: _reading_value(f, fe, fe.cite or rcite) for f, fe in r.set.items()}
        if readings and set(vals) != set(readings[0].values):
            raise RuleFileError(f"{loc}.readings[{i}].set", f"sets {sorted(vals)}, but the first "
                                f"reading sets {sorted(readings[0].values)}",
                                fix="every reading of a point sets the same fields")
        readings.append(Reading(r.name, vals, rcite, r.note))
    return OpenPoint(pid, entry.kind, tuple(readings), note=entry.note,
                     fields=tuple(readings[-1].values))


def _reading_value(name: str, r: Any, rcite: str) -> Any:
    """One reading's value of ``name``; a cumulative field gives a tuple of requirements."""
    v = r.typed()
    if name in CUMULATIVE:
        return () if v is None else (Requirement(v, rcite, r.note),)
    return v
