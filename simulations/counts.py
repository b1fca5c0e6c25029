"""Ordinary members as counts: the stand-in board of exact mode and the Monte Carlo.

Where members decide independently (no conformity, no correlated attendance or
judgement, no interests or written opinions) and the speaking order is fixed by the
rules (``"last"``) or its mirror (``"first"``), a meeting's outcome depends only on the
states (absent / yes / no / abstain / defer / silent) of a few *special* members -- the
leader, the deputies (who may chair), the portfolio owners and any member who would
chair before an owner -- and on the *counts* of
the other, *ordinary*, members in each state (:func:`count_problem` says when this
does not hold).  Both :mod:`simulations.exact` and :mod:`simulations.montecarlo`
decide such meetings on a :class:`StandIn` board: the special members, the first present
ordinary member (who may chair) and one entry per ordinary state, weighted by its count
(:class:`~model.meeting.MeetingTerms` ``weight``), through the one rule semantics.

:class:`CountSampler` draws meetings in this form: the state of the world, each special
member's state (the leader's jointly with his private signal), the ordinary members'
counts as a chain of binomials (a multinomial) and the first present one's state (each
present ordinary member is equally likely to be first: they are exchangeable).  It
applies where the ordinary members are also alike (:func:`sampler_problem`); the Monte
Carlo (:func:`simulations.montecarlo.simulate`) uses it then, and the per-member draw of
:mod:`simulations.meetings` otherwise.  Where both come from tables, a meeting is a key
(world, joint state, count cell, random flags) and :meth:`CountSampler.decide` decides
each key once through the semantics, then looks it up (:class:`Memo`).  Both draw from the same distribution of
outcomes (tested); they use the random stream differently, so one seed gives the same
results on the same path only.

Examples
--------
>>> from model.rules import RuleSpec
>>> from simulations.compositions import Board
>>> from simulations.meetings import MeetingModel
>>> board, model = Board.uniform(9, attendance=0.8), MeetingModel()
>>> count_problem(board, model) is None, sampler_problem(RuleSpec(), board, model) is None
(True, True)
>>> count_problem(Board.uniform(9, conformity=0.5), model)[0]
'conformity'
>>> draw = CountSampler.of(RuleSpec(), board, model).draw(1000, seed=1)
>>> draw.stand.board.n, draw.terms.n  # 4 special members, the first ordinary one, yes, no
(7, 9)
>>> here = sum(w * p for w, p in zip(draw.terms.weight, draw.terms.present, strict=True))
>>> bool(0 <= here.min() and here.max() <= 9)  # present members, counted through the classes
True
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from model.meeting import MeetingTerms
from model.rules import RuleSpec
from simulations.compositions import Board, BoardMember
from simulations.meetings import MeetingModel, chair_of, fixed_places
from simulations.rng import Seed, as_generator
from simulations.vectorised import BatchOutcome, evaluate_terms

__all__ = ["ABSENT", "YES", "NO", "ABSTAIN", "DEFER", "SILENT", "STATES", "Split", "split",
           "order_problem", "stand_terms", "any_head", "draw_flags", "flag_probabilities",
           "StandIn", "member_states", "vote_code", "chain", "count_problem",
           "sampler_problem", "CountSampler", "CountDraw", "Memo"]

# member states; 1..4 are the Vote codes, SILENT is present with Vote.NONE
ABSENT, YES, NO, ABSTAIN, DEFER, SILENT = range(6)
STATES = 6
TAIL = 1e-30
"""Count cells of alike ordinary members less likely than this in every world are left out."""
TABLE_LIMIT = 1 << 16
"""The sampler draws from a table of at most this many count cells (or joint states of
the special members); beyond, it draws binomials (or each special member)."""
_CHUNK = 1 << 22  # candidate cells expanded at a time


def count_problem(board: Board, model: MeetingModel) -> tuple[str, str, str] | None:
    """Why the members are not independent with a fixed order, as (field, message, fix),
    or None where a meeting's outcome depends only on the special members and counts."""
    if any(board.column("conformity")):
        return ("conformity", "members who conform are not independent",
                "use the Monte Carlo (simulate), or set every conformity to 0")
    return order_problem(board, model)


def order_problem(board: Board, model: MeetingModel) -> tuple[str, str, str] | None:
    """:func:`count_problem` but for conformity: why a meeting's outcome does not depend
    only on the special members' states and the ordinary members' counts once everyone's
    stated position is known (correlations, interests, notes, an order that is random or
    depends on who attends), or None."""
    for name in ("attendance_correlation", "signal_correlation"):
        if getattr(board, name):
            return (f"board.{name}", "correlated members are not independent",
                    f"use the Monte Carlo (simulate), or set {name} = 0")
    for name in ("p_interested", "p_written_opinion"):
        if getattr(model, name):
            return (name, "interests and written opinions are not in the exact mode",
                    f"use the Monte Carlo (simulate), or set {name} = 0")
    if model.order not in ("last", "first"):
        return ("order", f"order {model.order!r} is random or depends on who attends",
                "use order 'last' or 'first', or the Monte Carlo")
    return None


def _special(board: Board, model: MeetingModel) -> list[int]:
    """The leader, the deputies, the owners of the matter's portfolio and every member
    before one of them in chair priority, in board order.  (The stand-in seats the
    ordinary members together, where the first one sits: so none may come before a
    special member in chair priority, else who chairs would depend on which of them
    attend -- a plain member who owns the portfolio, listed after another.)"""
    owners = board.owners(model.portfolio)
    named = {board.leader, *(i for i in range(board.n) if owners[i]),
             *(i for i, d in enumerate(board.deputies()) if d)}
    prio = board.chair_priority()
    last = max(prio.index(i) for i in named)
    return sorted(named | set(prio[:last]))


def _p_yes_given_signal(q: float, ties: str) -> tuple[float, float]:
    """P(votes yes | signal yes), P(votes yes | signal no) for a present non-abstainer."""
    if q > 0.5:
        return 1.0, 0.0
    if q < 0.5:
        return 0.0, 1.0
    return (0.5, 0.5) if ties == "coin" else (1.0, 0.0)


def member_states(m: BoardMember, right: bool, model: MeetingModel) -> tuple[np.ndarray, np.ndarray]:
    """(P(state), P(state and signal yes)) over the six member states, given the world:
    present, then silent (``p_silent``), else abstains, else yes or no, a no deferring
    with ``p_defer`` (the order of the Monte Carlo's draws)."""
    a, q, r = m.attendance, m.competence, m.abstain
    sil, d = model.p_silent, model.p_defer
    s = q if right else 1 - q
    yy, yn = _p_yes_given_signal(q, model.ties)
    p_yes_and_sy = s * yy
    p_yes = p_yes_and_sy + (1 - s) * yn
    speaks = a * (1 - sil)
    full = np.array([1 - a, speaks * (1 - r) * p_yes, speaks * (1 - r) * (1 - p_yes) * (1 - d),
                     speaks * r, speaks * (1 - r) * (1 - p_yes) * d, a * sil])
    no_sy = speaks * (1 - r) * (s - p_yes_and_sy)
    with_sy = np.array([(1 - a) * s, speaks * (1 - r) * p_yes_and_sy, no_sy * (1 - d),
                        speaks * r * s, no_sy * d, a * sil * s])
    return full, with_sy


def chain(p: np.ndarray, used: list[int]) -> list[float]:
    """The multinomial over ``used`` (rest absent) as a chain of binomials: the
    probability of each state among the members not yet placed in an earlier one."""
    rest = [float(p[ABSENT] + p[used[j:]].sum()) for j in range(len(used))]
    return [min(1.0, float(p[s]) / rest[j]) if rest[j] > 0 else 0.0 for j, s in enumerate(used)]


def _log_binomial(lf: np.ndarray, r: np.ndarray, c: np.ndarray, q: float) -> np.ndarray:
    """log P(Binomial(r, q) = c), elementwise; -inf where impossible."""
    with np.errstate(divide="ignore", invalid="ignore"):
        hit = np.where(c > 0, c * math.log(q) if q > 0 else -np.inf, 0.0)
        miss = np.where(r > c, (r - c) * math.log(1 - q) if q < 1 else -np.inf, 0.0)
    return lf[r] - lf[c] - lf[r - c] + hit + miss


def ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """The integers of the ranges [starts[i], starts[i] + sizes[i]), one after another."""
    offsets = np.cumsum(sizes) - sizes
    return np.repeat(starts - offsets, sizes) + np.arange(int(sizes.sum()))


def _expand(parts: np.ndarray, logp: np.ndarray, k: int, q: float, lf: np.ndarray,
            log_tail: float) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Every child (one more count) of each partial cell whose probability is at least
    exp(log_tail); a child further than the Hoeffding bound from its mean is below it."""
    r = k - parts.sum(axis=1)
    reach = np.sqrt(r * -log_tail / 2)
    lo = np.clip(np.floor(r * q - reach), 0, r).astype(np.int64)
    hi = np.clip(np.ceil(r * q + reach), 0, r).astype(np.int64)
    sizes = hi - lo + 1
    ends = np.cumsum(sizes)
    start = 0
    while start < len(parts):  # a chunk of parents at a time: memory stays bounded
        stop = max(start + 1, int(np.searchsorted(ends, ends[start] - sizes[start] + _CHUNK)))
        idx = np.repeat(np.arange(start, stop), sizes[start:stop])
        c = ranges(lo[start:stop], sizes[start:stop])
        lp = logp[idx] + _log_binomial(lf, r[idx], c, q)
        keep = lp >= log_tail
        yield np.column_stack([parts[idx[keep]], c[keep]]), lp[keep]
        start = stop


def alike_cells(k: int, p: np.ndarray, used: list[int], first: bool,
                limit: int) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The count cells of k alike ordinary members (state probabilities ``p``): (cells
    with a first column for the first present member's state (0 where ``first`` is
    false), P(cell), a bound on the probability of the cells left out)."""
    lf = np.array([math.lgamma(i + 1) for i in range(k + 1)])
    log_tail = math.log(TAIL)
    counts, logp = np.zeros((1, 0), dtype=np.int64), np.zeros(1)
    for q in chain(p, used):
        grown = list(_expand(counts, logp, k, q, lf, log_tail))
        counts = np.concatenate([g for g, _ in grown])
        logp = np.concatenate([lp for _, lp in grown])
        if len(counts) > limit:
            return None
    prob = np.exp(logp)
    dropped = math.comb(k + len(used), len(used)) * TAIL
    if not first:
        return np.column_stack([np.zeros(len(counts), np.int64), counts]), prob, dropped
    # alike members: the first present one is in state s with probability count_s / present
    here = counts.sum(axis=1)
    nobody = np.flatnonzero(here == 0)
    rows, heads, shares = [nobody], [np.zeros(len(nobody), np.int64)], [np.ones(len(nobody))]
    for j, st in enumerate(used):
        some = np.flatnonzero(counts[:, j] > 0)
        rows.append(some)
        heads.append(np.full(len(some), st))
        shares.append(counts[some, j] / here[some])
    row = np.concatenate(rows)
    cells = np.column_stack([np.concatenate(heads), counts[row]])
    return cells, prob[row] * np.concatenate(shares), dropped


def special_combos(s: Split, leader: int) -> tuple[np.ndarray, dict[bool, tuple[np.ndarray, np.ndarray]]]:
    """Every joint state of the special members (combos, special) and, per world, its
    probability and its probability with the leader's signal yes."""
    combos = np.array(list(itertools.product(s.possible, repeat=len(s.special))), dtype=np.int8)
    by_world = {}
    for right, st in s.worlds.items():
        w = np.ones(len(combos))
        w_sy = np.ones(len(combos))  # and the leader's signal says yes
        for col, i in enumerate(s.special):
            full, with_sy = st[i]
            w = w * full[combos[:, col]]
            w_sy = w_sy * (with_sy if i == leader else full)[combos[:, col]]
        by_world[right] = (w, w_sy)
    return combos, by_world


def vote_code(state: Any) -> Any:
    """The Vote code of a member state (SILENT: present, no vote)."""
    return np.where(state == SILENT, 0, state)


@dataclass(frozen=True)
class Split:
    """A board split into special members (one by one) and ordinary ones (counted)."""

    special: list[int]
    ordinary: list[int]  # in chair-priority order
    first: bool  # the first present ordinary member's state is tracked
    used: list[int]  # states other than absent an ordinary member can be in
    possible: list[int]  # states some member can be in
    worlds: dict[bool, list[tuple[np.ndarray, np.ndarray]]]  # per world, per member: states


def split(spec: RuleSpec, board: Board, model: MeetingModel) -> Split:
    """Split ``board`` for ``spec`` under ``model`` (see the module)."""
    # the first present ordinary member may chair: his state matters where the chief
    # decides or where he may stay silent (and so break a speaking rule)
    first = spec.decision_mode == "chief_decides" or model.p_silent > 0
    special = _special(board, model)
    ordinary = [i for i in board.chair_priority() if i not in special]
    worlds = {right: [member_states(m, right, model) for m in board.members]
              for right in (True, False)}
    possible = [st for st in range(STATES)
                if any(full[st] > 0 for w in worlds.values() for full, _ in w)]
    used = [st for st in possible if st != ABSENT
            and any(worlds[r][i][0][st] > 0 for r in worlds for i in ordinary)]
    return Split(special, ordinary, first, used, possible, worlds)


@dataclass(frozen=True)
class StandIn:
    """A board of the special members, the first ordinary member (who may chair) and one
    member per ordinary state after him (a class, counted by its weight), in board order
    (the ordinary ones where the first ordinary member sits), and their entries in it."""

    board: Board
    special: list[int]  # entry of each special member
    head: int  # entry of the first ordinary member, -1 if there is none
    classes: list[int]  # entry of each class, in the order of ``used``

    @classmethod
    def of(cls, board: Board, s: Split) -> StandIn:
        keyed = [((i, 0), board.members[i]) for i in s.special]
        if s.ordinary:
            head = board.members[s.ordinary[0]]
            keyed.append(((s.ordinary[0], 0), head))
            keyed += [((s.ordinary[0], 1 + j), replace(head, id=f"{head.id} ({st})"))
                      for j, st in enumerate(s.used)]
        keyed.sort(key=lambda km: km[0])
        where = {key: e for e, (key, _) in enumerate(keyed)}
        first = s.ordinary[0] if s.ordinary else -1
        return cls(replace(board, members=tuple(m for _, m in keyed)),
                   [where[(i, 0)] for i in s.special], where.get((first, 0), -1),
                   [where[(first, 1 + j)] for j in range(len(s.used))] if s.ordinary else [])


def sampler_problem(spec: RuleSpec, board: Board,
                    model: MeetingModel) -> tuple[str, str, str] | None:
    """Why :class:`CountSampler` does not apply (as :func:`count_problem`), or None: the
    conditions of :func:`count_problem` and ordinary members who are alike."""
    problem = count_problem(board, model)
    if problem is not None:
        return problem
    s = split(spec, board, model)
    if any(not np.array_equal(w[i][0], w[s.ordinary[0]][0])
           for w in s.worlds.values() for i in s.ordinary):
        return ("board", "the ordinary members differ",
                "give the ordinary members the same attendance, competence and abstention")
    return None




@dataclass(frozen=True)
class _Table:
    """Draws index i with probability ``p[i]`` by inverse CDF, started from a guide table
    (Chen & Asau 1974) of twice as many buckets as indices: a step or two from the guide
    finds most draws; the few left (in buckets of many unlikely indices) are binary-searched."""

    cum: np.ndarray
    guide: np.ndarray

    @classmethod
    def of(cls, p: np.ndarray) -> _Table:
        cum = np.cumsum(p, dtype=np.float64)
        cum /= cum[-1]
        cum[-1] = 1.0
        buckets = 2 * len(cum)
        guide = np.searchsorted(cum, np.arange(buckets) / buckets, side="right")
        return cls(cum, guide)

    def draw(self, u: np.ndarray) -> np.ndarray:
        """The index i with cum[i-1] <= u < cum[i], for each u in [0, 1)."""
        i = self.guide[(u * len(self.guide)).astype(np.intp)]
        for _ in range(2):
            i += self.cum[i] <= u
        left = np.flatnonzero(self.cum[i] <= u)
        if left.size:
            i[left] = np.searchsorted(self.cum, u[left], side="right")
        return i


@dataclass(frozen=True)
class _World:
    """How one state of the world draws the special members and the ordinary counts:
    from a table of joint states / count cells where small, else one by one / by a
    chain of binomials."""

    joint: _Table | None  # over (special joint state, leader's signal) pairs
    combos: np.ndarray  # (special, pairs) joint state of each pair
    says_yes: np.ndarray  # (pairs,) the leader's signal in each pair
    each: tuple[_Table, ...]  # per special member (the leader: state, then state + 6 if no)
    cells: _Table | None  # over the ordinary count cells
    values: np.ndarray  # (1 + used, cells): the first present member's state, the counts
    links: tuple[float, ...]  # the chain of binomials over the used states

    @classmethod
    def of(cls, s: Split, right: bool, leader: int) -> _World:
        states = s.worlds[right]
        joint, combos, says_yes = None, np.zeros((len(s.special), 0), np.int8), np.zeros(0, bool)
        if len(s.possible) ** len(s.special) <= TABLE_LIMIT:
            all_combos, by_world = special_combos(s, leader)
            w, w_sy = by_world[right]
            p = np.concatenate([w_sy, w - w_sy])
            keep = np.flatnonzero(p > 0)
            joint = _Table.of(p[keep])
            combos = np.ascontiguousarray(all_combos[keep % len(all_combos)].T)
            says_yes = keep < len(all_combos)
        each = tuple(_Table.of(np.concatenate([states[i][1], states[i][0] - states[i][1]])
                               if i == leader else states[i][0]) for i in s.special)
        cells, values, links = None, np.zeros((1 + len(s.used), 0), np.int32), ()
        if s.ordinary:
            p_member = states[s.ordinary[0]][0]
            links = tuple(chain(p_member, s.used))
            found = alike_cells(len(s.ordinary), p_member, s.used, s.first, TABLE_LIMIT)
            if found is not None:
                at, prob, _ = found
                cells, values = _Table.of(prob), np.ascontiguousarray(at.T.astype(np.int32))
        return cls(joint, combos, says_yes, each, cells, values, links)

    @property
    def cells_n(self) -> int:
        """How many count cells the table holds (1 where there is no table)."""
        return 1 if self.cells is None else len(self.cells.cum)

    @property
    def keys(self) -> int:
        """How many (joint state, count cell) keys this world has (0: no table)."""
        return 0 if self.joint is None else len(self.joint.cum) * self.cells_n

    def special(self, size: int, g: np.random.Generator,
                leader_col: int) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
        """The joint state's index in the table (None: drawn one by one), the (special,
        size) states and the leader's signal (size,)."""
        if self.joint is not None:
            pair = self.joint.draw(g.random(size))
            return pair, self.combos[:, pair], self.says_yes[pair]
        out = np.empty((len(self.each), size), dtype=np.int8)
        signal = np.zeros(size, dtype=bool)
        for col, table in enumerate(self.each):
            code = table.draw(g.random(size))
            if col == leader_col:
                signal = code < STATES
                code %= STATES
            out[col] = code
        return None, out, signal

    def ordinary(self, k: int, size: int, g: np.random.Generator,
                 first: bool) -> tuple[np.ndarray | None, np.ndarray]:
        """The count cell's index in the table (None: drawn as a chain of binomials) and
        (1 + used, size): the first present ordinary member's state (0 if untracked or
        nobody) and the counts in each used state."""
        if self.cells is not None:
            cell = self.cells.draw(g.random(size))
            return cell, self.values[:, cell]
        out = np.zeros((1 + len(self.links), size), dtype=np.int32)
        left = np.full(size, k, dtype=np.int64)
        for j, q in enumerate(self.links):
            out[1 + j] = g.binomial(left, q)
            left -= out[1 + j]
        if first:  # each present ordinary member is as likely to be the first
            here = out[1:].sum(axis=0)
            pick = (g.random(size) * here).astype(np.int32)
            at = (pick[None, :] >= np.cumsum(out[1:], axis=0)).sum(axis=0)
            out[0] = np.where(here > 0, 1 + at, 0)  # the class, turned into a state below
        return None, out


@dataclass(frozen=True)
class CountDraw:
    """A batch of meetings on the stand-in board: ``terms`` (per-entry arrays over the
    meetings, the classes weighted by their counts, ``n`` the real board's size), the
    state of the world and the leader's private signal per meeting."""

    stand: StandIn
    terms: MeetingTerms[Any]
    yes_is_right: np.ndarray
    leader_signal: np.ndarray


@dataclass(frozen=True)
class CountSampler:
    """Draws meetings as special members' states and ordinary members' counts (see the
    module); build with :meth:`of` where :func:`sampler_problem` finds no problem."""

    board: Board
    model: MeetingModel
    split: Split
    stand: StandIn
    leader_col: int  # the leader's column among the special members
    worlds: dict[bool, _World]

    @classmethod
    def of(cls, spec: RuleSpec, board: Board, model: MeetingModel) -> CountSampler:
        s = split(spec, board, model)
        return cls(board, model, s, StandIn.of(board, s), s.special.index(board.leader),
                   {right: _World.of(s, right, board.leader) for right in (True, False)})

    def draw(self, size: int, seed: Seed = None) -> CountDraw:
        """``size`` meetings on the stand-in board.  The meetings come sorted by the
        state of the world (the right decision is yes first): they are independent, so
        the order changes nothing that is counted."""
        raw = self._raw(size, as_generator(seed))
        return CountDraw(self.stand, self._terms(raw.state, raw.cells, raw.flags, size),
                         raw.right, raw.signal)

    def decide(self, spec: RuleSpec, size: int, seed: Seed = None,
               memo: Memo | None = None) -> tuple[BatchOutcome, np.ndarray, np.ndarray]:
        """``size`` meetings drawn as :meth:`draw` draws them (the same random stream) and
        decided through the one semantics: (outcomes, the right decision, the leader's
        signal).  Where both worlds draw from tables (:meth:`memo`), a meeting is one
        key -- (world, special joint state, count cell, the random flags) -- and each
        key is decided once, the first time it is drawn, then looked up."""
        g = as_generator(seed)
        raw = self._raw(size, g)
        if memo is None or raw.key is None:
            return (evaluate_terms(spec, self._terms(raw.state, raw.cells, raw.flags, size), size),
                    raw.right, raw.signal)
        miss = np.flatnonzero(memo.outcome[raw.key] < 0)
        if miss.size:
            keys, first = np.unique(raw.key[miss], return_index=True)
            rows = miss[first]
            flags = {k: v if isinstance(v, bool) else v[rows] for k, v in raw.flags.items()}
            got = evaluate_terms(spec, self._terms(raw.state[:, rows], raw.cells[:, rows],
                                                   flags, len(rows)), len(rows))
            memo.outcome[keys], memo.yes[keys], memo.no[keys] = got.outcome, got.yes, got.no
        return (BatchOutcome(memo.outcome[raw.key], memo.yes[raw.key], memo.no[raw.key]),
                raw.right, raw.signal)

    def memo(self) -> Memo | None:
        """An empty table of decided keys for :meth:`decide`, or None where a world draws
        the special members or the counts one by one, or the keys would be too many."""
        worlds = (self.worlds[True], self.worlds[False])
        if any(w.joint is None or (self.split.ordinary and w.cells is None) for w in worlds):
            return None
        flags = sum(p not in (0.0, 1.0) for p in flag_probabilities(self.model).values())
        keys = sum(w.keys for w in worlds) << flags
        return Memo.of(keys) if keys <= MEMO_LIMIT else None


    def _raw(self, size: int, g: np.random.Generator) -> _Raw:
        s, stand = self.split, self.stand
        n_right = int(g.binomial(size, self.model.prior_yes))
        right = np.arange(size) < n_right
        state = np.empty((stand.board.n, size), dtype=np.int8)
        signal = np.empty(size, dtype=bool)
        cells = np.empty((1 + len(s.used), size), dtype=np.int32)
        key: np.ndarray | None = np.zeros(size, dtype=np.int64)
        offset = 0
        for world, part in ((True, slice(0, n_right)), (False, slice(n_right, size))):
            w = self.worlds[world]
            m = part.stop - part.start
            if m:
                pair, state[stand.special, part], signal[part] = w.special(m, g, self.leader_col)
                cell = None
                if s.ordinary:
                    cell, cells[:, part] = w.ordinary(len(s.ordinary), m, g, s.first)
                if key is not None and pair is not None and (cell is not None or not s.ordinary):
                    key[part] = offset + pair * w.cells_n + (0 if cell is None else cell)
                else:
                    key = None
            offset += w.keys
        flags, key = draw_flags(self.model, size, g, key)
        return _Raw(right, state, signal, cells, flags, key)

    def _terms(self, state: np.ndarray, cells: np.ndarray,
               flags: dict[str, np.ndarray | bool], size: int) -> MeetingTerms[Any]:
        """The stand-in board's terms of meetings given the special members' states
        (filled in ``state``) and the ordinary members' count cells."""
        s = self.split
        head = None
        if s.ordinary and s.first:  # from the table: a state; from the chain: a class (1 + j)
            used = np.array([ABSENT, *s.used], dtype=np.int8)
            head = cells[0] if self.worlds[True].cells is not None else used[cells[0]]
        return stand_terms(self.board.n, self.stand, s, self.model, state, head, cells[1:],
                           flags, size)


def flag_probabilities(model: MeetingModel) -> dict[str, float]:
    """P(emergency), P(ad hoc), P(unclear): the matter facts drawn per meeting."""
    return {"emergency": model.p_emergency, "ad_hoc": model.p_ad_hoc, "unclear": model.p_unclear}


def draw_flags(model: MeetingModel, size: int, g: np.random.Generator,
               key: np.ndarray | None) -> tuple[dict[str, np.ndarray | bool], np.ndarray | None]:
    """The matter facts of ``size`` meetings (a constant where the probability is 0 or 1),
    and ``key`` (None: none) with one more binary digit per fact drawn."""
    flags: dict[str, np.ndarray | bool] = {}
    for name, p in flag_probabilities(model).items():
        if p in (0.0, 1.0):
            flags[name] = bool(p)
        else:
            flags[name] = g.random(size) < p
            if key is not None:
                key = key * 2 + flags[name]
    return flags, key


def any_head(used: list[int], counts: np.ndarray, size: int) -> np.ndarray:
    """The first used state with a count (ABSENT where none): the first present ordinary
    member's state where it does not matter which one he is in."""
    head = np.zeros(size, dtype=np.int8)
    for j in reversed(range(len(used))):
        head = np.where(counts[j] > 0, np.int8(used[j]), head)
    return head


def stand_terms(n: int, stand: StandIn, s: Split, model: MeetingModel, state: np.ndarray,
                head: np.ndarray | None, counts: np.ndarray, flags: dict[str, np.ndarray | bool],
                size: int) -> MeetingTerms[Any]:
    """The stand-in board's terms of ``size`` meetings of a board of ``n`` members: the
    special members' states (filled in ``state``), the first present ordinary member's
    state (``head``; None: any present one, :func:`any_head`) and the ordinary members'
    counts in each state of ``s.used`` (the head included)."""
    weight: list[Any] = [1] * stand.board.n
    if s.ordinary:
        head = any_head(s.used, counts, size) if head is None else np.asarray(head, np.int8)
        state[stand.head] = head
        for j, entry in enumerate(stand.classes):
            rest = counts[j] - (head == s.used[j])
            state[entry] = np.where(rest > 0, s.used[j], ABSENT)
            weight[entry] = rest
    present = state != ABSENT
    vote = vote_code(state).astype(np.int8)
    chair = chair_of(stand.board, present)
    pos = fixed_places(stand.board, model, present & (vote != 0), chair)
    e = stand.board.n
    return MeetingTerms(
        n=n, leader=stand.board.leader, present=list(present),
        recused=[False] * e, interested=[False] * e,
        owner=list(stand.board.owners(model.portfolio)),
        chair=list(chair[None, :] == np.arange(e)[:, None]), vote=list(vote),
        opinion=[0] * e, pos=list(pos), emergency=flags["emergency"],
        ad_hoc=flags["ad_hoc"], vote_called=True, portfolio=model.portfolio,
        deputy=list(stand.board.deputies()), unclear=flags["unclear"],
        amount=-1 if model.amount is None else model.amount, weight=weight)


@dataclass(frozen=True)
class _Raw:
    """A batch of draws before the stand-in's terms are built: the world, the special
    members' states (the ordinary entries are filled by the terms), the leader's signal,
    the count cells, the random flags, and each meeting's memo key (None: no memo)."""

    right: np.ndarray
    state: np.ndarray
    signal: np.ndarray
    cells: np.ndarray
    flags: dict[str, np.ndarray | bool]
    key: np.ndarray | None


MEMO_LIMIT = 1 << 22
"""At most this many memo keys (special joint state x count cell x random flags, both
worlds): beyond, every meeting is decided anew."""


@dataclass(frozen=True)
class Memo:
    """Decided keys of :meth:`CountSampler.decide`: outcome (-1: not decided yet), yes, no."""

    outcome: np.ndarray
    yes: np.ndarray
    no: np.ndarray

    @classmethod
    def of(cls, keys: int) -> Memo:
        return cls(np.full(keys, -1, np.int8), np.zeros(keys, np.int32), np.zeros(keys, np.int32))
