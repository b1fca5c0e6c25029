"""The oracle: exhaustive enumeration of small meetings, evaluated by the one semantics.

The differential test compares every Z3 verdict with the verdict computed here by brute
force.  :func:`build_table` enumerates every well-formed meeting of ``n`` members (someone
present, the chair present) that the outcome can tell apart: each member's state (absent
with each written opinion, recused, or present and silent or stating each position and,
if recusal matters, involved or not), and, where the rule terms mention them, the owner,
the chair, the deputies, every speaking order (all permutations), the emergency, ad-hoc,
unclear and vote-called flags, and the amount at every route boundary
(:func:`amount_values`: ``-1``, ``0`` and each limit and limit +- 1, one value of every
class of amounts the routes tell apart).  Dimensions the outcome term does not mention
are pinned to one well-formed value (sound: they cannot change any outcome).  The rows
are evaluated with :func:`model.semantics.evaluate` through the numpy backend (the same
rule code the reference evaluator runs), and each property's oracle reads the table.

Examples
--------
>>> from model.loader import load_institution
>>> from proofs.options import Scope
>>> inst = load_institution("prefecture_medical_security_party_group")
>>> t = build_table(inst, "party_group", "ordinary", 3, Scope(pinned=True))
>>> quorum_reachable(t), min_yes(t)
(('holds', None), ('holds', 2))
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from model.backend import NP
from model.meeting import MeetingTerms, Outcome, Vote
from model.rules import Institution, Matter, RuleSet, RuleSpec
from model.semantics import DEFERRALS, VIOLATIONS, Evaluation, evaluate
from proofs.options import Scope

__all__ = ["Table", "build_table", "table_size", "verdicts", "amount_values", "SPEAKING"]

PASSED = int(Outcome.PASSED)
# the speaking rules: who must state a position (silence breaks it), and in which order
SPEAKING = ("positions", "last_speaker", "owner_first")
ROLE_DIMS = {"no_dictator": ("chair", "owner"), "no_veto_player": ("chair", "owner"),
             "separation_of_duties": ("owner",)}


@dataclass
class Table:
    """Every enumerated meeting as one row of per-member arrays (shape ``(rows, n)``)."""

    ruleset: RuleSet
    choice: dict[str, str]
    matter: Matter
    n: int
    pinned: bool
    cols: dict[str, np.ndarray]
    setting_only: list[str]
    z3_constant: set[str]
    base: Evaluation = field(init=False)

    def __post_init__(self) -> None:
        self.base = self.evaluate()

    @property
    def spec(self) -> RuleSpec:
        return self.ruleset.spec(self.choice)

    @property
    def rows(self) -> int:
        return int(self.cols["present"].shape[0])

    def terms(self, **over: Any) -> MeetingTerms[Any]:
        c = {**self.cols, **over}
        speaker = c["present"] & ~c["recused"]
        n = self.n

        def col(name: str, i: int) -> Any:
            return c[name][:, i]

        return MeetingTerms(
            n=n, leader=0,
            present=[col("present", i) for i in range(n)],
            recused=[col("recused", i) for i in range(n)],
            interested=[col("interested", i) for i in range(n)],
            owner=[col("owner", i) for i in range(n)], chair=[col("chair", i) for i in range(n)],
            vote=[np.where(speaker[:, i], c["vote"][:, i], 0) for i in range(n)],
            opinion=[np.where(c["present"][:, i], 0, c["opinion"][:, i]) for i in range(n)],
            pos=[np.where(speaker[:, i], c["pos"][:, i], -1) for i in range(n)],
            emergency=c["emergency"], ad_hoc=c["ad_hoc"], vote_called=c["vote_called"],
            portfolio=self.matter.portfolio, deputy=[col("deputy", i) for i in range(n)],
            unclear=c["unclear"], amount=c["amount"])

    def evaluate(self, spec: RuleSpec | None = None, **over: Any) -> Evaluation:
        return evaluate(spec or self.spec, self.terms(**over), NP)

    def outcome(self, spec: RuleSpec | None = None, **over: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.evaluate(spec, **over).outcome), (self.rows,))

    def arr(self, x: Any) -> np.ndarray:
        return np.broadcast_to(np.asarray(x, dtype=bool), (self.rows,))

    @property
    def passed(self) -> np.ndarray:
        return self.outcome_base == PASSED

    @property
    def outcome_base(self) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.base.outcome), (self.rows,))

    @property
    def speaker(self) -> np.ndarray:
        return self.cols["present"] & ~self.cols["recused"]

    def setting_key(self) -> np.ndarray:
        c = self.cols
        key = np.zeros(self.rows, dtype=np.int64)
        for name in ("present", "recused", "interested", "owner", "chair", "deputy"):
            for i in range(self.n):
                key = key * 2 + c[name][:, i]
        key = ((key * 2 + c["emergency"]) * 2 + c["ad_hoc"]) * 2 + c["unclear"]
        _, amount = np.unique(c["amount"], return_inverse=True)
        return key * (int(amount.max(initial=0)) + 1) + amount.reshape(-1)

    def group_any(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per setting: (row index of one representative, any(values) over its rows)."""
        keys, first, inv = np.unique(self.setting_key(), return_index=True, return_inverse=True)
        out = np.zeros(len(keys), dtype=bool)
        np.logical_or.at(out, inv, values)
        return first, out


def _relevant(inst: Institution, rs: RuleSet, n: int, extra: tuple[str, ...]) -> set[str]:
    """Variable families that occur in the Z3 outcome term of the default reading or of a
    reading that changes one open point (plus ``extra``)."""
    from proofs.encode import encode, free_constants
    from proofs.symbolic import symbolic_meeting

    sm = symbolic_meeting(n, inst.matters[rs.matter].portfolio)
    names: set[str] = set()
    default = next(iter(rs.choices()))
    # the default reading and every single change of it (what the properties compare)
    choices = [default] + [{**default, p.field: r.name} for p in rs.points for r in p.readings]
    for choice in choices:
        names |= free_constants(encode(rs.spec(choice), sm.terms(), track=False).raw_outcome)
    return {x.split("_")[0] if x not in ("ad_hoc", "vote_called") else x for x in names} | set(extra)


def amount_values(rs: RuleSet) -> tuple[int, ...]:
    """One amount of every class the routes of ``rs`` tell apart: not recorded (``-1``),
    ``0``, and each route limit and its neighbours.

    >>> from model.loader import load_institution
    >>> rs = load_institution("prefecture_medical_security_party_group").ruleset(
    ...     "party_group", "large_funds")
    >>> amount_values(rs)
    (-1, 0, 4999, 5000, 5001)
    """
    out = {-1, 0}
    for r in rs.routes:
        if r.amount is not None:
            out |= {v for v in (r.amount.limit - 1, r.amount.limit, r.amount.limit + 1) if v >= 0}
    return tuple(sorted(out))


def table_size(inst: Institution, body: str, matter: str, n: int, scope: Scope,
               extra: tuple[str, ...] = ()) -> int:
    """How many rows :func:`build_table` would enumerate (before the chair filter)."""
    return int(np.prod([s for _, s in _dims(inst, inst.ruleset(body, matter), n, scope, extra)[0]]))


def _dims(inst: Institution, rs: RuleSet, n: int, scope: Scope, extra: tuple[str, ...]
          ) -> tuple[list[tuple[str, int]], set[str], list[tuple[int, int, bool]]]:
    rel = _relevant(inst, rs, n, extra)
    pinned = scope.pinned
    portfolio = inst.matters[rs.matter].portfolio
    opinions = range(5) if "opinion" in rel else range(1)
    inter = (False, True) if ("interested" in rel and not pinned) else (False,)
    # member states: (kind, value, interested); kind 0 absent, 1 recused, 2 speaker (value 0:
    # silent, else the stated position)
    states = [(0, o, False) for o in opinions] + [(1, 0, False)] + \
             [(2, v, x) for v in range(5) for x in inter]
    dims = [(f"state{i}", len(states)) for i in range(n)]
    if portfolio is not None and "owner" in rel and not pinned:
        dims.append(("owner", n + 1))
    if "chair" in rel and not pinned:
        dims.append(("chair", n))
    if "deputy" in rel and not pinned:
        dims.append(("deputy", 2 ** (n - 1)))  # any set of deputies among m1..m{n-1}
    if "pos" in rel and not pinned:
        dims.append(("pos", len(list(itertools.permutations(range(n))))))
    if "amount" in rel and not pinned:
        dims.append(("amount", len(amount_values(rs))))
    for flag in ("emergency", "vote_called") + (() if pinned else ("ad_hoc", "unclear")):
        if flag in rel:
            dims.append((flag, 2))
    return dims, rel, states


def build_table(inst: Institution, body: str, matter: str, n: int, scope: Scope,
                choice: Mapping[str, str] | None = None, extra: tuple[str, ...] = ()) -> Table:
    """Enumerate every distinguishable meeting of ``n`` members in ``scope``."""
    from proofs.encode import encode
    from proofs.symbolic import pinned_positions, symbolic_meeting

    rs = inst.ruleset(body, matter)
    full = next(iter(rs.choices()))
    full.update(choice or {})
    mat = inst.matters[matter]
    dims, rel, states = _dims(inst, rs, n, scope, extra)
    by_kind = [[k for k, st_ in enumerate(states) if st_[0] == kind] for kind in range(3)]
    patterns = scope.patterns if scope.patterns is not None else \
        tuple(itertools.product(range(3), repeat=n))
    member_rows = np.concatenate([
        np.array(list(itertools.product(*[by_kind[c] for c in p])), dtype=np.int64).reshape(-1, n)
        for p in patterns if len(p) == n]) if n else np.zeros((1, 0), dtype=np.int64)
    others = [(name, s) for name, s in dims if not name.startswith("state")]
    n_other = int(np.prod([s for _, s in others]))
    total = member_rows.shape[0] * n_other
    idx = np.arange(total, dtype=np.int64)
    digit: dict[str, np.ndarray] = {}
    rest = idx % n_other
    for name, size in reversed(others):
        digit[name] = rest % size
        rest = rest // size
    srow = member_rows[idx // n_other]
    st = np.array(states, dtype=np.int64)
    kind = st[srow, 0]
    val = st[srow, 1]
    inter = st[srow, 2].astype(bool)
    present, recused = kind >= 1, kind == 1
    vote = np.where(kind == 2, val, 0)
    opinion = np.where(kind == 0, val, 0)
    anyone = present.any(axis=1)
    ar = np.arange(n)
    if "chair" in digit:
        chair = digit["chair"][:, None] == ar[None, :]
    else:  # the leader if present, else the first present member
        first = np.where(present[:, 0], 0, np.argmax(present, axis=1))
        chair = first[:, None] == ar[None, :]
    if "deputy" in digit:  # bit i-1 of the digit: member i is a deputy (never the leader)
        deputy = (ar[None, :] > 0) & ((digit["deputy"][:, None] >> np.maximum(ar - 1, 0)) & 1
                                      ).astype(bool)
    else:
        deputy = np.broadcast_to((ar == 1) if scope.pinned else (ar < 0), (total, n)).copy()
    amounts = np.array(amount_values(rs), dtype=np.int64)
    amount = amounts[digit["amount"]] if "amount" in digit else np.full(total, -1, np.int64)
    owner_idx = 1 if (mat.portfolio is not None and n > 1) else None
    if "owner" in digit:
        owner = digit["owner"][:, None] == ar[None, :]
    elif scope.pinned and owner_idx is not None:
        owner = np.broadcast_to(ar == owner_idx, (total, n)).copy()
    else:
        owner = np.zeros((total, n), dtype=bool)
    if "pos" in digit:
        perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
        pos = perms[digit["pos"]]
    else:
        pp = pinned_positions(n, owner_idx if scope.pinned else None) if scope.pinned \
            else list(range(n))
        pos = np.broadcast_to(np.array(pp), (total, n)).copy()
    flags = {f: (digit[f].astype(bool) if f in digit else np.full(total, f == "vote_called"))
             for f in ("emergency", "ad_hoc", "vote_called", "unclear")}
    keep = anyone & (chair & present).any(axis=1)  # well formed: someone and the chair present
    cols = {"present": present, "recused": recused, "interested": inter, "owner": owner,
            "chair": chair, "deputy": deputy, "vote": vote, "opinion": opinion, "pos": pos,
            "amount": amount, **flags}
    cols = {k: v[keep] for k, v in cols.items()}
    sm = symbolic_meeting(n, mat.portfolio)
    enc = encode(rs.spec(full), sm.terms(), track=False)
    setting = {str(v) for v in sm.setting_vars()}
    from proofs.encode import free_constants

    setting_only = [k for k in (*VIOLATIONS, *DEFERRALS)
                    if (enc.checks[k] is True) or (not isinstance(enc.checks[k], bool)
                                                   and free_constants(enc.checks[k]) <= setting)]
    const = {k for k, v in enc.checks.items() if isinstance(v, bool)}
    del rel
    return Table(rs, full, mat, n, scope.pinned, cols, setting_only, const)


# ------------------------------------------------------------------------- oracles ----------

Result = tuple[str, int | None]


def quorum_reachable(t: Table) -> Result:
    return ("holds" if (t.outcome_base != int(Outcome.NO_QUORUM)).any() else "fails", None)


def _dead(t: Table, recusal: bool) -> Result:
    c = t.base.checks
    premise = t.arr(c["quorum_met"]).copy()
    for k in t.setting_only:
        premise &= ~t.arr(c[k])
    some = t.cols["recused"].any(axis=1)
    premise &= some if recusal else ~some
    first, can_pass = t.group_any(t.passed)
    prem = premise[first]
    if not prem.any():
        return ("vacuous", None)
    return ("fails" if (prem & ~can_pass).any() else "holds", None)


def no_dead_zone(t: Table) -> Result:
    return _dead(t, recusal=False)


def recusal_keeps_decidable(t: Table) -> Result:
    if t.spec.recusal != "required":
        return ("n/a", None)
    return _dead(t, recusal=True)


def min_yes(t: Table) -> Result:
    p = t.passed
    if not p.any():
        return ("vacuous", None)
    yes = np.broadcast_to(np.asarray(t.base.tally["yes"]), (t.rows,))
    v = int(yes[p].min())
    return ("holds" if 2 * v > t.n else "fails", v)


def _bits(mask: np.ndarray) -> np.ndarray:
    return (mask.astype(np.int64) << np.arange(mask.shape[1], dtype=np.int64)).sum(axis=1)


def _block(t: Table, acting: np.ndarray) -> Result:
    """The smallest coalition whose members can all act (in some meeting) and, acting, leave
    no meeting that passes."""
    p = t.passed
    if not p.any():
        return ("vacuous", 0)
    every = _bits(acting)
    b = every[p]
    for k in range(1, t.n + 1):
        for coal in itertools.combinations(range(t.n), k):
            cm = sum(1 << i for i in coal)
            if not ((b & cm) == cm).any() and ((every & cm) == cm).any():
                return ("holds" if k >= 2 else "fails", k)
    return ("holds", None)


def min_stay_away_block(t: Table) -> Result:
    return _block(t, ~t.cols["present"])


def min_no_vote_block(t: Table) -> Result:
    return _block(t, t.speaker & (t.cols["vote"] == int(Vote.NO)))


def absentee_opinions_irrelevant(t: Table) -> Result:
    if t.cols["present"].all():
        return ("vacuous", None)
    other = t.outcome(opinion=np.zeros_like(t.cols["opinion"]))
    return ("fails" if (other != t.outcome_base).any() else "holds", None)


def monotonic(t: Table) -> Result:
    p = t.passed
    met = False
    for i in range(t.n):
        v = t.cols["vote"][:, i]
        rows = p & t.speaker[:, i] & (v != int(Vote.YES)) & (v != int(Vote.NONE))
        if not rows.any():
            continue
        met = True
        v2 = t.cols["vote"].copy()
        v2[:, i] = int(Vote.YES)
        if (t.outcome(vote=v2)[rows] != PASSED).any():
            return ("fails", None)
    return ("holds" if met else "vacuous", None)


def _power(t: Table, dictator: bool) -> Result:
    c, sp, out = t.cols, t.speaker, t.outcome_base
    yes = sp & (c["vote"] == int(Vote.YES))
    subjects = [(yes[:, i], np.ones(t.rows, bool)) for i in range(t.n)]
    subjects.append(((c["chair"] & yes).any(axis=1), np.ones(t.rows, bool)))
    if t.matter.portfolio is not None:
        subjects.append(((c["owner"] & yes).any(axis=1), c["owner"].any(axis=1)))
    passed = out == PASSED
    decided = passed | (out == int(Outcome.REJECTED))
    premise_ok, found = False, False
    for says, prem in subjects:
        base = prem & (decided if dictator else passed)
        goal = base & ((passed ^ says) if dictator else ~says)
        if goal.any():
            premise_ok = True
            continue
        if (base & says & passed).any():
            premise_ok = found = True
    if not premise_ok and not found:
        return ("vacuous", None)
    return ("fails" if found else "holds", None)


def no_dictator(t: Table) -> Result:
    return _power(t, dictator=True)


def no_veto_player(t: Table) -> Result:
    return _power(t, dictator=False)


def no_chair_veto(t: Table) -> Result:
    rows = t.passed & t.cols["vote_called"]
    if not rows.any():
        return ("vacuous", None)
    other = t.outcome(vote_called=np.zeros_like(t.cols["vote_called"]))
    lawful = (other != PASSED) & (other != int(Outcome.PROCEDURE_VIOLATION))
    return ("fails" if lawful[rows].any() else "holds", None)


def speaking_order_exists(t: Table) -> Result:
    names = [k for k in SPEAKING if k not in t.z3_constant]
    if not names:
        return ("holds", None)
    c = t.base.checks
    bad = np.zeros(t.rows, dtype=bool)
    for k in names:
        bad |= t.arr(c[k])
    first, ok = t.group_any(~bad)
    held = t.arr(c["quorum_met"])[first]
    if not held.any():
        return ("vacuous", None)
    return ("fails" if (held & ~ok).any() else "holds", None)


def _readings(t: Table, kinds: tuple[str, ...]) -> Result:
    points = [p for p in t.ruleset.points if p.kind in kinds]
    if not points:
        return ("n/a", None)
    for p in points:
        outs = [t.outcome(t.ruleset.spec({**t.choice, p.field: r.name})) for r in p.readings]
        if any((a != b).any() for a, b in itertools.combinations(outs, 2)):
            return ("fails", None)
    return ("holds", None)


def clauses_agree(t: Table) -> Result:
    return _readings(t, ("clauses",))


def vague_readings_agree(t: Table) -> Result:
    return _readings(t, ("vague", "unspecified"))


def complete(t: Table) -> Result:
    c = t.base.checks
    quorum = t.arr(c["quorum_met"])
    viol = np.zeros(t.rows, bool)
    for k in VIOLATIONS:
        viol |= t.arr(c[k])
    defer = np.zeros(t.rows, bool)
    for k in DEFERRALS:
        defer |= t.arr(c[k])
    steps = []
    if "quorum_met" not in t.z3_constant:
        steps.append(~quorum)
    steps += [quorum & t.arr(c[k]) for k in VIOLATIONS if k not in t.z3_constant]
    steps += [quorum & ~viol & t.arr(c[k]) for k in DEFERRALS if k not in t.z3_constant]
    passes = t.arr(c["passes"])
    steps += [quorum & ~viol & ~defer & passes, quorum & ~viol & ~defer & ~passes]
    live = sum(1 for s in steps if s.any())
    return ("fails" if live < len(steps) else "holds", live)


def separation_of_duties(t: Table) -> Result:
    if t.matter.portfolio is None:
        return ("n/a", None)
    own = t.cols["owner"][:, 0]
    if not own.any():
        return ("vacuous", None)
    return ("fails" if (own & t.passed).any() else "holds", None)


def no_split_evasion(t: Table) -> Result:
    b = t.matter.amount
    if b is None:
        return ("n/a", None)
    for total in range(2, 2 * b.limit + 5):  # every total and every split, vectorised
        if not b.holds(total):
            continue
        x1 = np.arange(1, total, dtype=np.int64)
        if (~b.holds(x1) & ~b.holds(total - x1)).any():
            return ("fails", total)
    return ("holds", None)


def verdicts(t: Table, property_ids: list[str]) -> dict[str, Result]:
    """The oracle verdict of each property on this table."""
    from proofs.properties import get_property

    out = {}
    for pid in property_ids:
        fn = get_property(pid).oracle
        if fn is not None:
            out[pid] = fn(t)
    return out
