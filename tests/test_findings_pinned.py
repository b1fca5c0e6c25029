"""The distinct findings of the five institutions' full report (issue 9): their number is
stable, and each finding's meeting replays through ``decide`` to the claimed outcome.

``quorumlab check --all`` (n = 3..15) takes minutes, so the suite does not re-run it.  Its
findings are pinned in each suite file's ``[findings]`` table, written with the records
(``[expect]``) by ``check --all --write-expectations model/institutions``; the gate
(``check`` exiting 1 on a changed record) keeps the records true to the rules.  Here:

- the number of findings per institution is the one counted in the full report of
  2026-11-28 (alxa 6, city 23, prefecture 9, taobei 9, xiuzhou 6: 53);
- the pinned findings are exactly what the records and the rule files make, without
  solving: the failing records grouped as :func:`proofs.findings.distinct_findings`
  groups them (property, clauses, what the rules say there, failing and checked sizes);
- a small real run (n = 3..5, one property per institution) makes the findings the pinned
  ones predict for those sizes, and each of its meetings replays to its outcome.

A change names the findings that appeared (+) and disappeared (-).
"""

from __future__ import annotations

import pytest

from model.evaluator import decide
from model.loader import load_institution
from model.rules import RULE_FIELDS
from proofs.findings import (
    Pinned,
    distinct_findings,
    finding_changes,
    pinned_findings,
    rules_meaning,
    size_pattern,
)
from proofs.options import CheckOptions
from proofs.properties import all_properties
from proofs.runner import expectations, run_suite

ALXA = "alxa_medical_security_bureau"
CITY = "city_medical_security_bureau"
PREF = "prefecture_medical_security_party_group"
TAOBEI = "taobei_district_government"
XIUZHOU = "xiuzhou_district"
COUNTS = {ALXA: 6, CITY: 23, PREF: 9, TAOBEI: 9, XIUZHOU: 6}


def _pins(inst: str) -> tuple[Pinned, ...]:
    pins = pinned_findings(load_institution(inst))
    assert pins is not None, f"{inst}: no [findings] in its suite file (re-record it)"
    return pins


def test_the_number_of_distinct_findings_is_stable() -> None:
    got = {inst: len(_pins(inst)) for inst in COUNTS}
    assert sum(COUNTS.values()) == 53
    assert got == COUNTS, "\n".join(f"{i}: {got[i]} findings, not {COUNTS[i]}:\n  "
                                    + "\n  ".join(p.text() for p in _pins(i))
                                    for i in COUNTS if got[i] != COUNTS[i])


def _fields(clauses: tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(c.split(": ", 1)[0] for c in clauses))


def from_records(inst: str, pins: tuple[Pinned, ...]) -> list[Pinned]:
    """The findings the records make: each failing record, with the clauses its pinned
    finding names (unpinned: none), grouped by property, clauses, what the rules say on
    their fields (default reading), failing and checked sizes, in report order."""
    institution = load_institution(inst)
    exp = expectations(institution)
    clauses = {(p.property_id, place): p.clauses for p in pins for place in p.places}
    groups: dict[tuple[object, ...], list[tuple[str, tuple[int, ...], tuple[str, ...]]]] = {}
    for b, m in institution.pairs():
        rs = institution.ruleset(b, m)
        reading = next(iter(rs.choices()))
        for prop in all_properties():
            e = exp.get(f"{prop.id}@{b}/{m}")
            if e is None or e.status != "fails":
                continue
            cs = clauses.get((prop.id, f"{b}/{m}"), ())
            key = (prop.id, cs, rules_meaning(rs, reading, _fields(cs)), e.fails_at, e.sizes)
            groups.setdefault(key, []).append((f"{b}/{m}", e.fails_at, cs))
    out = []
    for (pid, *_rest, checked), places in groups.items():
        failing = places[0][1]
        pattern = size_pattern(failing, checked or ())[0] if failing else "every board size"
        out.append(Pinned(pid, tuple(p for p, _, _ in places), failing, pattern, places[0][2]))
    return out


@pytest.mark.parametrize("inst", list(COUNTS))
def test_pinned_findings_are_what_the_records_make(inst: str) -> None:
    pins = _pins(inst)
    changes = finding_changes(from_records(inst, pins), pins)
    assert not changes, f"{inst}: the records make other findings than pinned:\n" + "\n".join(
        changes)


@pytest.mark.parametrize("inst", list(COUNTS))
def test_pinned_clauses_are_the_rule_files(inst: str) -> None:
    """Each clause a finding names is where its rule file cites that field (or, for an open
    point, one of its readings) at every place of the finding."""
    institution = load_institution(inst)
    for p in _pins(inst):
        for place in p.places:
            rs = institution.ruleset(*place.split("/"))
            for c in p.clauses:
                field, cite = c.split(": ", 1)
                if field in RULE_FIELDS:
                    assert cite in rs.citation(field).split("; "), (p.key, place, c)
                else:
                    point = next(x for x in rs.points if x.field == field)
                    assert cite in {r.cite for r in point.readings}, (p.key, place, c)


SMALL = (3, 4, 5)
ONE_PROPERTY = {ALXA: "separation_of_duties", CITY: "min_no_vote_block", PREF: "no_chair_veto",
                TAOBEI: "separation_of_duties", XIUZHOU: "no_chair_veto"}


def predicted(inst: str, pid: str, sizes: tuple[int, ...]) -> list[Pinned]:
    """The findings a run of ``pid`` over ``sizes`` makes, by the pinned ones: each keeps
    its failing sizes among ``sizes`` (none: gone), and findings whose clauses, rules and
    sizes then agree merge (places in report order)."""
    institution = load_institution(inst)
    order = {f"{b}/{m}": k for k, (b, m) in enumerate(institution.pairs())}
    groups: dict[tuple[object, ...], list[Pinned]] = {}
    for p in _pins(inst):
        failing = tuple(n for n in p.failing if n in sizes)
        if p.property_id != pid or not failing:
            continue
        rs = institution.ruleset(*p.places[0].split("/"))
        meaning = rules_meaning(rs, next(iter(rs.choices())), _fields(p.clauses))
        groups.setdefault((p.clauses, meaning, failing), []).append(p)
    return [Pinned(pid, tuple(sorted((x for p in ps for x in p.places), key=order.__getitem__)),
                   failing, size_pattern(failing, sizes)[0], clauses)
            for (clauses, _, failing), ps in groups.items()]


@pytest.mark.parametrize(("inst", "pid"), ONE_PROPERTY.items())
def test_a_small_run_makes_the_pinned_findings_and_its_meetings_replay(inst: str, pid: str
                                                                       ) -> None:
    rep = run_suite([inst], CheckOptions(sizes=SMALL), [pid])
    found = distinct_findings(rep)
    want = predicted(inst, pid, SMALL)
    assert want, f"{inst}: no pinned finding of {pid} at n = 3..5 (choose another property)"
    changes = finding_changes(map(Pinned.of, found), want)
    assert not changes, f"{inst}, {pid} at n = 3..5, against the pinned findings:\n" + "\n".join(
        changes)
    for f in found:  # the meeting shown is the smallest failing size's, and replays
        assert f.result.n == min(f.failing) and f.result.witnesses, f.id
        for w in f.result.witnesses:
            assert len(w.meeting.members) == f.result.n
            assert decide(w.meeting, choice=dict(w.reading) or None).outcome == w.outcome, (
                f.id, w.note)
