"""Herding without drawing every member: the cascade by speaking position, vectorised
over meetings, the ordinary members as counts.

With conformity (:mod:`simulations.meetings`, item 6) a member's stated position depends
on the positions stated before his, so members are not independent and the counts path
(:mod:`simulations.counts`) does not apply.  But where the ordinary members are alike
(the same attendance, competence, abstention and conformity) and the order is fixed by
the rules up to a uniformly random order within each class (``order`` ``"last"`` or
``"first"``; :func:`herd_problem`), they are *exchangeable*: what a speaker states
depends only on his own signal and on the running sum of earlier statements, and the
ordinary speakers between two special ones are interchangeable.  :class:`HerdSampler`
draws a block of meetings as

1. the state of the world; each special member's (the leader, deputies, owners, see
   :func:`simulations.counts.split`) attendance, silence, abstention and signal, jointly
   from one table (the leader's signal always: the Monte Carlo reports whether the
   outcome followed it); the ordinary members' counts of voters, abstainers and silent
   members, from a table of count cells;
2. who chairs and so speaks last (or first), and where each special speaker stands
   among the others of his class: the order of a class is uniformly random, so the
   special members are inserted one by one at uniform places among the ordinary
   speakers (an insertion order that gives every interleaving the same probability);
   abstainers state nothing, so only the speakers who state yes or no take part;
3. the cascade as a loop over speaking positions, vectorised across the block: each
   meeting's state is one integer, the running sum of stated positions (ordinary
   members and deputies weigh 1, the leader 1 + ``leader_influence``; kept as the
   others' net count and the leader's statement); a speaker's chance to say yes given
   that state is one look-up in a table built with the same formula as
   :func:`simulations.meetings._stated` (an ordinary member's fresh signal folded in; a
   special member's signal drawn in step 1), the statement one comparison with 31
   random bits, and the state's move one more look-up; the ordinary members' yeses
   follow from the final sum and the special members' statements;
4. the outcome decided through the one rule semantics on the counts path's stand-in
   board (:func:`simulations.counts.stand_terms`): each key -- the special members'
   final states, the ordinary members' counts per state, the state of the first present
   ordinary member (who may chair) and the random flags -- is decided once and looked up
   after (a dense :class:`~simulations.counts.Memo`, or the distinct keys of each block
   where the keys would be too many).

The meetings have the distribution of :func:`simulations.meetings.draw_meetings` (the
per-member path), drawn from another random stream: tests/test_sim_herding.py compares
the two on every built-in (body, matter) pair.

Examples
--------
>>> from model.rules import RuleSpec
>>> from simulations.compositions import Board
>>> from simulations.meetings import MeetingModel
>>> board = Board.uniform(9, attendance=0.9, conformity=2.0)
>>> herd_problem(RuleSpec(), board, MeetingModel()) is None
True
>>> d = HerdSampler.of(RuleSpec(), board, MeetingModel(prior_yes=1.0)).draw(2000, seed=1)
>>> here = sum(w * (v == 1) for w, v in zip(d.terms.weight, d.terms.vote, strict=True))
>>> gone = sum(w * (v == 2) for w, v in zip(d.terms.weight, d.terms.vote, strict=True))
>>> bool(((here == 0) | (gone == 0)).all())  # conformity 2: all copy the first speaker
True
>>> herd_problem(RuleSpec(), board, MeetingModel(order="random"))[0]
'order'
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields, replace
from typing import Any

import numpy as np

from model.rules import RuleSpec
from simulations import counts
from simulations.compositions import Board
from simulations.counts import (
    ABSENT,
    ABSTAIN,
    DEFER,
    NO,
    SILENT,
    STATES,
    YES,
    CountDraw,
    Memo,
    Split,
    StandIn,
    alike_cells,
    any_head,
    chain,
    draw_flags,
    flag_probabilities,
    order_problem,
    split,
    stand_terms,
)
from simulations.meetings import _EPS, MeetingModel, _logit
from simulations.rng import Seed, as_generator
from simulations.vectorised import BatchOutcome, evaluate_terms

__all__ = ["herd_problem", "HerdSampler", "KEY_LIMIT"]

# a special member before the cascade: absent, silent, abstains, or states with signal yes / no
_GONE, _QUIET, _ABST, _SAYS_Y, _SAYS_N = range(5)
_FIXED = np.array([ABSENT, SILENT, ABSTAIN, NO, NO], dtype=np.int8)  # a speaker: NO (YES = NO - 1)
_NOBODY, _ORD_RIGHT, _ORD_WRONG = range(3)  # speaker types; special j: 3 + 2 j (+1: signal no)
_ONE = 1 << 31  # the cascade compares 31 random bits with P(yes) * 2^31
KEY_LIMIT = 1 << 56
"""Meetings are keyed (and each key decided once) where the keys, flags aside, are fewer
than this; beyond, every meeting is decided anew."""


def herd_problem(spec: RuleSpec, board: Board, model: MeetingModel) -> tuple[str, str, str] | None:
    """Why :class:`HerdSampler` does not apply, as (field, message, fix), or None: the
    conditions of :func:`simulations.counts.order_problem` (conformity allowed) and
    ordinary members who are alike, conformity included."""
    problem = order_problem(board, model)
    if problem is not None:
        return problem
    s = split(spec, board, model)
    conf = board.column("conformity")
    if any(not np.array_equal(w[i][0], w[s.ordinary[0]][0]) or conf[i] != conf[s.ordinary[0]]
           for w in s.worlds.values() for i in s.ordinary):
        return ("board", "the ordinary members differ",
                "give the ordinary members the same attendance, competence, abstention "
                "and conformity")
    return None


def _special_pre(a: float, sil: float, r: float, s: float) -> np.ndarray:
    """P(pre-state, signal) of one member, shape (2, 5): row 0 signal yes, row 1 no."""
    speaks = a * (1 - sil)
    out = np.zeros((2, 5))
    for row, p in ((0, s), (1, 1 - s)):
        out[row, :3] = [(1 - a) * p, a * sil * p, speaks * r * p]
    out[0, _SAYS_Y] = speaks * (1 - r) * s
    out[1, _SAYS_N] = speaks * (1 - r) * (1 - s)
    return out


@dataclass(frozen=True)
class _Pre:
    """How one state of the world draws the special members before the cascade: their
    joint pre-states (``combos``, (special, states); the leader's ``signal``; ``prob``)
    where few, and member by member (``each``, over (signal no) * 5 + pre-state)."""

    combos: np.ndarray | None
    signal: np.ndarray
    prob: np.ndarray
    each: tuple[counts._Table, ...]
    table: counts._Table | None

    @classmethod
    def of(cls, dists: list[np.ndarray], leader: int) -> _Pre:
        # the leader keeps his signal; for the others it matters only when they state
        per = [d.ravel() if c == leader else np.concatenate([d.sum(axis=0)[:3], d[0, 3:4],
                                                              d[1, 4:5]])
               for c, d in enumerate(dists)]
        each = tuple(counts._Table.of(d.ravel()) for d in dists)
        support = [np.flatnonzero(p > 0) for p in per]
        if np.prod([len(x) for x in support], dtype=float) > counts.TABLE_LIMIT:
            return cls(None, np.zeros(0, bool), np.zeros(0), each, None)
        idx = np.array(list(itertools.product(*support)), dtype=np.int64).reshape(-1, len(per))
        prob = np.prod([per[c][idx[:, c]] for c in range(len(per))], axis=0)
        combos = np.array([idx[:, c] % 5 for c in range(len(per))], dtype=np.int8)
        return cls(combos, idx[:, leader] < 5, prob, each, counts._Table.of(prob))

    def draw(self, size: int, g: np.random.Generator,
             leader: int) -> tuple[np.ndarray, np.ndarray]:
        """(pre-states (special, size), the leader's signal (size,))."""
        if self.combos is not None and self.table is not None:
            at = self.table.draw(g.random(size))
            return self.combos[:, at], self.signal[at]
        out = np.empty((len(self.each), size), dtype=np.int8)
        signal = np.zeros(size, dtype=bool)
        for c, table in enumerate(self.each):
            code = table.draw(g.random(size))
            if c == leader:
                signal = code < 5
            out[c] = code % 5
        return out, signal


@dataclass(frozen=True)
class _Columns:
    """What the cascade needs of draws before it (one column per joint draw of the
    special members' pre-states and the ordinary members' counts): the leader's signal;
    per special member his speaker type (as an offset into the chance table, 0 if he
    states nothing), his final state if he says no or states nothing, the first place he
    may take (his class's first place, the ordinary speakers before it included) and the
    number of places in his class he may take when inserted (``slots``); per pair of
    special members (``pairs``) whether they speak in one class; the number of speakers;
    whether an ordinary member chairs (no special member present, some ordinary one
    present, the chair speaks last / first); the ordinary voters, abstainers and silent."""

    signal: np.ndarray
    kind: np.ndarray
    fixed: np.ndarray
    base: np.ndarray
    slots: np.ndarray
    same: np.ndarray
    total: np.ndarray
    pinnable: np.ndarray
    voters: np.ndarray
    abst: np.ndarray
    quiet: np.ndarray

    def take(self, idx: np.ndarray) -> _Columns:
        return _Columns(*(np.take(getattr(self, f.name), idx, axis=-1) for f in fields(self)))

    @staticmethod
    def concat(parts: list[_Columns]) -> _Columns:
        return _Columns(*(np.concatenate([getattr(p, f.name) for p in parts], axis=-1)
                          for f in fields(_Columns)))


@dataclass(frozen=True)
class _Layout:
    """The speaking classes of a board: the leader's column, the special members' columns
    in chair priority, who owns the portfolio and must speak first, the places of the
    owners' class, the middle class (with the ordinary members) and the class of who
    speaks last (order "last") or first, whether that is the chair, the cascade states
    per speaker type, and the pairs of special members who may share a class."""

    leader_col: int
    chair_cols: list[int]
    owner_first: np.ndarray
    groups: tuple[int, int, int]
    by_chair: bool
    states: int
    pairs: list[tuple[int, int]]

    def columns(self, pre: np.ndarray, signal: np.ndarray, ordinary: np.ndarray) -> _Columns:
        nsp, k = pre.shape
        voters, abst, quiet = ordinary
        speak = pre >= _SAYS_Y
        chair = np.full(k, -1, dtype=np.int64)
        for c in reversed(self.chair_cols):
            chair = np.where(pre[c] != _GONE, c, chair)
        who = chair if self.by_chair else np.full(k, self.leader_col)
        g_own, g_mid, g_who = self.groups
        cols = np.arange(nsp)[:, None]
        grp = np.where(who[None, :] == cols, g_who, np.where(self.owner_first[:, None], g_own, g_mid))
        grp = np.where(speak, grp, -1)
        size = np.array([(grp == g).sum(axis=0) for g in range(3)])  # (3, k)
        first = np.array([np.zeros(k, np.int64), size[0], size[0] + size[1]])
        same = np.array([speak[i] & (grp[i] == grp[j]) for i, j in self.pairs],
                        dtype=bool).reshape(len(self.pairs), k)
        prior = np.zeros((nsp, k), dtype=np.int64)
        for (_, j), both in zip(self.pairs, same, strict=True):
            prior[j] += both
        base = np.take_along_axis(first, np.where(speak, grp, 0), axis=0) + (grp > g_mid) * voters
        kind = np.where(speak, (3 + 2 * cols + (pre == _SAYS_N)) * self.states, 0)
        here = voters + abst + quiet
        return _Columns(signal, kind.astype(np.int32), _FIXED[pre], base.astype(np.int32),
                        (prior + 1 + (grp == g_mid) * voters).astype(np.int32), same,
                        (speak.sum(axis=0) + voters).astype(np.int32),
                        (pre == _GONE).all(axis=0) & (here > 0) & self.by_chair,
                        voters.astype(np.int32), abst.astype(np.int32), quiet.astype(np.int32))


@dataclass(frozen=True)
class _Keying:
    """A meeting's key, flags aside: the special members' final states (``codes``: each
    possible state's digit), the ordinary members' counts (``cells``: the rank of each
    count vector among those summing to at most k, where that table is small; else the
    counts' mixed-radix number) and the head's state (``heads``), as one mixed-radix
    number below ``keys``."""

    codes: np.ndarray  # (STATES,) digit of each state of a special member
    heads: np.ndarray  # (STATES,) digit of each state of the first ordinary member
    cells: np.ndarray | None  # rank of each mixed-radix count vector
    base: int  # k + 1
    place: tuple[int, ...]  # place values: special members, the counts, the head
    keys: int

    @classmethod
    def of(cls, gone: list[int], nsp: int, k: int, used: list[int]) -> _Keying:
        codes = np.zeros(STATES, dtype=np.int64)
        codes[gone] = np.arange(len(gone))
        heads = np.zeros(STATES, dtype=np.int64)
        heads[[ABSENT, *used]] = np.arange(1 + len(used))
        mixed = (k + 1) ** len(used)
        cells = None
        n_cells = mixed
        if used and mixed <= counts.MEMO_LIMIT:  # rank the count vectors with sum <= k
            digits = np.indices((k + 1,) * len(used)).reshape(len(used), -1)[::-1]
            ok = digits.sum(axis=0) <= k
            cells = (np.cumsum(ok) - 1).astype(np.int32)
            n_cells = int(ok.sum())
        place = [1 + len(used)]  # the head's digit is last
        for base in [n_cells] + [len(gone)] * nsp:
            place.insert(0, place[0] * base)
        return cls(codes, heads, cells, k + 1, tuple(place[1:]) + (1,), place[0])

    def key(self, special: np.ndarray, cnt: np.ndarray, head: np.ndarray) -> np.ndarray:
        nsp = len(special)
        key = np.zeros(special.shape[1], dtype=np.int64)
        for j in range(nsp):
            key += self.codes[special[j]] * self.place[j]
        mixed = np.zeros_like(key)
        for j in range(len(cnt)):
            mixed += cnt[j] * self.base ** j
        key += (mixed if self.cells is None else self.cells[mixed]) * self.place[nsp]
        return key + self.heads[head]


@dataclass(frozen=True)
class HerdSampler:
    """Draws meetings with herding as special members' states and ordinary members'
    counts through a vectorised cascade (see the module); build with :meth:`of` where
    :func:`herd_problem` finds no problem."""

    board: Board
    model: MeetingModel
    split: Split
    stand: StandIn
    lay: _Layout
    pre: dict[bool, _Pre]
    ordinary: tuple[list[int], counts._Table | None, np.ndarray, list[float]]
    chance: np.ndarray  # (types * states,) uint32: P(says yes | type, cascade state) * 2^31
    move: np.ndarray  # (types * states,) int32: at type * states + said, the state's change
    keying: _Keying
    joint: tuple[tuple[counts._Table, counts._Table], _Columns] | None  # see _joint

    @classmethod
    def of(cls, spec: RuleSpec, board: Board, model: MeetingModel) -> HerdSampler:
        s0 = split(spec, board, model)
        k = len(s0.ordinary)
        leader_col = s0.special.index(board.leader)
        m0 = board.members[s0.ordinary[0]] if k else board.members[board.leader]
        a, r, sil = m0.attendance, m0.abstain, model.p_silent
        says = a * (1 - sil) * (1 - r)
        used = sorted({*([YES, NO] if says > 0 else []), *([DEFER] if says * model.p_defer else []),
                       *([ABSTAIN] if a * (1 - sil) * r else []), *([SILENT] if a * sil else [])})
        s = replace(s0, used=used if k else [])
        # the ordinary members before the cascade: states, cells (YES standing for "states")
        p6 = np.zeros(STATES)
        p6[[ABSENT, YES, ABSTAIN, SILENT]] = [1 - a, says, a * (1 - sil) * r, a * sil]
        pre_used = [st for st in (YES, ABSTAIN, SILENT) if p6[st] > 0] if k else []
        found = alike_cells(k, p6, pre_used, False, counts.TABLE_LIMIT) if pre_used else None
        cells, values = None, np.zeros((len(pre_used), 1), np.int32)
        if found is not None:
            at, prob, _ = found
            cells, values = counts._Table.of(prob), np.ascontiguousarray(at[:, 1:].T.astype(np.int32))
        ordinary = (pre_used, cells, values, chain(p6, pre_used))
        chance, move, width = cls._cascade_tables(board, model, s, leader_col, k)
        owners = board.owners(model.portfolio)
        prio = board.chair_priority()
        nsp = len(s.special)
        lay = _Layout(leader_col, sorted(range(nsp), key=lambda c: prio.index(s.special[c])),
                      np.array([owners[i] and model.owner_speaks_first for i in s.special]),
                      (0, 1, 2) if model.order == "last" else (1, 2, 0), model.last == "chair",
                      width, [(i, j) for j in range(nsp) for i in range(j)])
        pre = {right: _Pre.of([_special_pre(board.members[i].attendance, sil,
                                            board.members[i].abstain,
                                            board.members[i].competence if right
                                            else 1 - board.members[i].competence)
                               for i in s.special], leader_col)
               for right in (True, False)}
        gone = [ABSENT, YES, NO] + [SILENT] * (sil > 0) + [DEFER] * (model.p_defer > 0) + [
            ABSTAIN] * any(board.members[i].abstain > 0 for i in s.special)
        return cls(board, model, s, StandIn.of(board, s), lay, pre, ordinary, chance, move,
                   _Keying.of(sorted(gone), nsp=nsp, k=k, used=s.used),
                   cls._joint(lay, pre, ordinary, found))

    @staticmethod
    def _joint(lay: _Layout, pre: dict[bool, _Pre], ordinary: tuple[Any, ...],
               found: Any) -> tuple[tuple[counts._Table, counts._Table], _Columns] | None:
        """Per world, a table over (special joint pre-state, ordinary count cell) pairs,
        and the columns of both worlds' pairs (the wrong world's after the right one's),
        where the special members and the ordinary counts come from tables and the pairs
        are few; else None (then each block's draws are laid out anew)."""
        pre_used = ordinary[0]
        if pre_used and found is None:
            return None
        o_prob = found[1] if pre_used else np.ones(1)
        o_vals = np.zeros((3, len(o_prob)), dtype=np.int64)
        if pre_used:
            o_vals[[(YES, ABSTAIN, SILENT).index(st) for st in pre_used]] = found[0][:, 1:].T
        tables, parts = [], []
        for right in (True, False):
            w = pre[right]
            if w.combos is None or len(w.prob) * len(o_prob) > counts.TABLE_LIMIT:
                return None
            prob = np.outer(w.prob, o_prob).ravel()
            keep = np.flatnonzero(prob > 0)
            sp, oc = keep // len(o_prob), keep % len(o_prob)
            tables.append(counts._Table.of(prob[keep]))
            parts.append(lay.columns(w.combos[:, sp], w.signal[sp], o_vals[:, oc]))
        return (tables[0], tables[1]), _Columns.concat(parts)

    @staticmethod
    def _cascade_tables(board: Board, model: MeetingModel, s: Split, leader_col: int,
                        k: int) -> tuple[np.ndarray, np.ndarray, int]:
        """P(says yes | type, state) * 2^31 and the state's moves.  A state is 3 (m + n)
        + (l + 1) for a running sum m + l (1 + leader_influence) (m: the others'
        statements, l: the leader's): ``width`` states per speaker type."""
        n = board.n
        comp = np.asarray(board.column("competence"))
        conf = np.asarray(board.column("conformity"))
        lam = float(_logit(float(np.mean(comp))))
        width = 3 * (2 * n + 1)
        idx = np.arange(width)
        running = (idx // 3 - n) + (idx % 3 - 1) * (1.0 + board.leader_influence)

        def p_yes(i: int, sign: float) -> np.ndarray:  # as simulations.meetings._stated
            ev = running * (conf[i] * lam) + sign * _logit(comp[i])
            tie = 0.5 if model.ties == "coin" else float(sign > 0)
            return np.where(np.abs(ev) <= _EPS, tie, (ev > 0).astype(float))

        rows, moves = [np.zeros(width)], [(0, 0)]
        for sy in ((comp[s.ordinary[0]], 1 - comp[s.ordinary[0]]) if k else (0.0, 0.0)):
            o = s.ordinary[0] if k else 0  # right world, wrong world: signal yes with sy
            rows.append(sy * p_yes(o, 1.0) + (1 - sy) * p_yes(o, -1.0) if k else np.zeros(width))
            moves.append((-3, 3))
        for c, i in enumerate(s.special):
            d = 1 if c == leader_col else 3
            rows += [p_yes(i, 1.0), p_yes(i, -1.0)]
            moves += [(-d, d), (-d, d)]
        chance = np.round(np.concatenate(rows) * _ONE)
        move = np.zeros(len(chance), dtype=np.int32)
        for t, (down, up) in enumerate(moves):
            move[t * width: t * width + 2] = (down, up)
        return chance.astype(np.uint32), move, width

    # -- drawing ------------------------------------------------------------------------

    def draw(self, size: int, seed: Seed = None) -> CountDraw:
        """``size`` meetings on the stand-in board (sorted by the state of the world)."""
        raw = self._raw(size, as_generator(seed))
        return CountDraw(self.stand, self._terms(raw, np.arange(size)), raw["right"],
                         raw["signal"])

    def memo(self) -> Memo | None:
        """An empty dense table of decided keys, or None where the keys would be too many
        (then :meth:`decide` decides the distinct keys of each block)."""
        keys = self._keys()
        return Memo.of(keys) if keys <= counts.MEMO_LIMIT else None

    def decide(self, spec: RuleSpec, size: int, seed: Seed = None,
               memo: Memo | None = None) -> tuple[BatchOutcome, np.ndarray, np.ndarray]:
        """``size`` meetings decided through the one semantics, each key once (in ``memo``
        across blocks, else within the block): (outcomes, the right decision, the
        leader's signal)."""
        raw = self._raw(size, as_generator(seed))
        key = raw["key"]
        if key is None:  # keys beyond 64 bits: every meeting anew
            got = evaluate_terms(spec, self._terms(raw, np.arange(size)), size)
            return got, raw["right"], raw["signal"]
        if memo is None:
            _, rows, inverse = np.unique(key, return_index=True, return_inverse=True)
            got = evaluate_terms(spec, self._terms(raw, rows), len(rows))
            out = BatchOutcome(got.outcome[inverse], got.yes[inverse], got.no[inverse])
            return out, raw["right"], raw["signal"]
        miss = np.flatnonzero(memo.outcome[key] < 0)
        if miss.size:
            keys, first = np.unique(key[miss], return_index=True)
            rows = miss[first]
            got = evaluate_terms(spec, self._terms(raw, rows), len(rows))
            memo.outcome[keys], memo.yes[keys], memo.no[keys] = got.outcome, got.yes, got.no
        return (BatchOutcome(memo.outcome[key], memo.yes[key], memo.no[key]),
                raw["right"], raw["signal"])

    def _keys(self) -> int:
        """How many keys there are (meetings are keyed in 63 bits where this fits)."""
        flags = flag_probabilities(self.model).values()
        return self.keying.keys << sum(p not in (0.0, 1.0) for p in flags)

    def _terms(self, raw: dict[str, Any], rows: np.ndarray) -> Any:
        flags = {k: v if isinstance(v, bool) else v[rows] for k, v in raw["flags"].items()}
        state = np.empty((self.stand.board.n, len(rows)), dtype=np.int8)
        state[self.stand.special] = raw["special"][:, rows]
        return stand_terms(self.board.n, self.stand, self.split, self.model, state,
                           raw["head"][rows], raw["counts"][:, rows], flags, len(rows))

    def _ordinary_pre(self, size: int, g: np.random.Generator) -> np.ndarray:
        """(voters, abstainers, silent) among the ordinary members, shape (3, size)."""
        pre_used, cells, values, links = self.ordinary
        out = np.zeros((3, size), dtype=np.int32)
        rows = [(YES, ABSTAIN, SILENT).index(st) for st in pre_used]
        if not pre_used:
            return out
        if cells is not None:
            out[rows] = np.take(values, cells.draw(g.random(size)), axis=1)
            return out
        left = np.full(size, len(self.split.ordinary), dtype=np.int64)
        for row, q in zip(rows, links, strict=True):
            out[row] = g.binomial(left, q)
            left -= out[row]
        return out

    def _raw(self, size: int, g: np.random.Generator) -> dict[str, Any]:
        s, model, lay = self.split, self.model, self.lay
        nsp, cols = len(s.special), np.arange(size)
        n_right = int(g.binomial(size, model.prior_yes))
        right = cols < n_right
        if self.joint is not None:
            (t_right, t_wrong), table = self.joint
            at = np.empty(size, dtype=np.intp)
            at[:n_right] = t_right.draw(g.random(n_right))
            at[n_right:] = t_wrong.draw(g.random(size - n_right)) + len(t_right.cum)
            c = table.take(at)
        else:
            pre = np.empty((nsp, size), dtype=np.int8)
            signal = np.empty(size, dtype=bool)
            for world, part in ((True, slice(0, n_right)), (False, slice(n_right, size))):
                if part.stop > part.start:
                    pre[:, part], signal[part] = self.pre[world].draw(part.stop - part.start, g,
                                                                      lay.leader_col)
            c = lay.columns(pre, signal, self._ordinary_pre(size, g))
        voters, abst, quiet = c.voters, c.abst, c.quiet
        here = voters + abst + quiet
        # no special member present: an ordinary member chairs (and speaks last / first)
        pinned = np.flatnonzero(c.pinnable)
        chair_says = np.zeros(size, dtype=bool)
        chair_abst = np.zeros(size, dtype=bool)
        if pinned.size:
            pick = (g.random(len(pinned)) * here[pinned]).astype(np.int32)
            chair_says[pinned] = pick < voters[pinned]
            chair_abst[pinned] = (pick >= voters[pinned]) & (pick < voters[pinned] + abst[pinned])
        # each special speaker inserted at a uniform place of his class, one after another
        u = g.random((nsp, size), dtype=np.float32)
        rank = np.empty((nsp, size), dtype=np.int32)
        for j in range(nsp):
            np.multiply(u[j], c.slots[j], out=rank[j], casting="unsafe")
            for p, (i, jj) in enumerate(lay.pairs):
                if jj == j:
                    rank[i] += c.same[p] & (rank[i] >= rank[j])
        total = c.total  # an ordinary chair is one of the voters
        steps = int(total.max(initial=0))
        place = np.where(c.kind > 0, c.base + rank, steps)
        said, state = self._cascade(g, right, total, place, c.kind, steps)
        spoke = np.take(said.ravel(), place * size + cols)
        # the ordinary yeses: the others' net m = yes - no among the non-leader speakers
        lead = lay.leader_col
        others = total - (c.kind[lead] > 0)
        yes = (state // 3 - self.board.n + others) // 2
        for j in range(nsp):
            if j != lead:
                yes -= spoke[j]
        special = c.fixed - spoke.view(np.int8)
        if model.p_defer > 0:
            special[(special == NO) & (g.random((nsp, size)) < model.p_defer)] = DEFER
        # the ordinary members' counts
        nos = voters - yes
        defer = g.binomial(nos, model.p_defer).astype(np.int32) if model.p_defer > 0 else 0 * nos
        by_state = {YES: yes, NO: nos - defer, DEFER: defer, ABSTAIN: abst, SILENT: quiet}
        cnt = np.array([by_state[st] for st in s.used], dtype=np.int32).reshape(len(s.used), size)
        last = np.where(chair_says, total - 1 if model.order == "last" else 0, steps)
        head = self._head(g, cnt, here, pinned, chair_says, chair_abst,
                          np.take(said.ravel(), last * size + cols), nos, defer)
        key = self.keying.key(special, cnt, head) if self.keying.keys < KEY_LIMIT else None
        flags, key = draw_flags(model, size, g, key)
        return {"right": right, "signal": c.signal, "special": special, "counts": cnt,
                "head": head, "flags": flags, "key": key}

    def _cascade(self, g: np.random.Generator, right: np.ndarray, total: np.ndarray,
                 place: np.ndarray, kind: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Whether the speaker at each place says yes, (places + 1, size; the last row, a
        scratch row, False), and the final cascade state: the loop over speaking
        positions, vectorised across the meetings."""
        size = len(right)
        states = self.lay.states
        at = np.zeros((steps + 1, size), dtype=np.int32)  # speaker type * states
        np.multiply(np.arange(steps)[:, None] < total[None, :],
                    np.where(right, _ORD_RIGHT * states, _ORD_WRONG * states).astype(np.int32),
                    out=at[:steps])
        for j in range(len(kind)):
            np.put(at, place[j] * size + np.arange(size), kind[j])
        said = np.zeros((steps + 1, size), dtype=bool)
        state = np.full(size, 3 * self.board.n + 1, dtype=np.int32)
        idx = np.empty(size, dtype=np.int32)
        bar = np.empty(size, dtype=np.uint32)
        move = np.empty(size, dtype=np.int32)
        rand = g.bit_generator.random_raw((steps * size + 1) // 2).view(np.uint32)
        rand = rand[:steps * size].reshape(steps, size)
        rand >>= np.uint32(1)  # 31 random bits
        for t in range(steps):
            np.add(at[t], state, out=idx)
            np.take(self.chance, idx, out=bar)
            np.less(rand[t], bar, out=said[t])
            np.add(at[t], said[t], out=idx)
            np.take(self.move, idx, out=move)
            state += move
        return said, state

    def _head(self, g: np.random.Generator, cnt: np.ndarray, here: np.ndarray,
              pinned: np.ndarray, chair_says: np.ndarray, chair_abst: np.ndarray,
              chair_yes: np.ndarray, nos: np.ndarray, defer: np.ndarray) -> np.ndarray:
        """The first present ordinary member's state: where he chairs and speaks last
        (``pinned``), his own; else, where it matters (:attr:`Split.first`), a present
        ordinary member's at random (they are exchangeable), else any present one's."""
        s, size = self.split, len(here)
        if not s.ordinary:
            return np.zeros(size, dtype=np.int8)
        if s.first:
            used = np.array(s.used, dtype=np.int8)
            pick = (g.random(size) * here).astype(np.int32)
            at = (pick[None, :] >= np.cumsum(cnt, axis=0)).sum(axis=0)
            head = np.where(here > 0, used[np.minimum(at, len(used) - 1)], ABSENT).astype(np.int8)
        else:
            head = any_head(s.used, cnt, size)
        if pinned.size:
            chair = np.where(chair_abst[pinned], ABSTAIN, SILENT).astype(np.int8)
            says = chair_says[pinned]
            chair[says] = np.where(chair_yes[pinned][says], YES, NO)
            if self.model.p_defer > 0:  # one of the no-sayers, as likely as any to defer
                no = np.flatnonzero(chair == NO)
                at_no = pinned[no]
                chair[no[g.random(len(no)) * nos[at_no] < defer[at_no]]] = DEFER
            head[pinned] = chair
        return head
