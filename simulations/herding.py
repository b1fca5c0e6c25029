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
   meeting's state is one integer (the running sum of stated positions -- ordinary and
   deputies weigh 1, the leader 1 + ``leader_influence`` -- and how many ordinary members
   said yes so far); a speaker's chance to say yes given that state is one look-up in a
   table built with the same formula as :func:`simulations.meetings._stated` (an
   ordinary member's fresh signal folded in; a special member's signal drawn in step 1),
   and the statement one comparison with a uniform number;
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
from dataclasses import dataclass, replace
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
    order_problem,
    split,
    stand_terms,
)
from simulations.meetings import _EPS, MeetingModel, _logit
from simulations.rng import Seed, as_generator
from simulations.vectorised import BatchOutcome, evaluate_terms

__all__ = ["herd_problem", "HerdSampler"]

# a special member before the cascade: absent, silent, abstains, or states with signal yes / no
_GONE, _QUIET, _ABST, _SAYS_Y, _SAYS_N = range(5)
_TO_STATE = np.array([ABSENT, SILENT, ABSTAIN, YES, NO], dtype=np.int8)  # of those who state nothing
_NOBODY, _ORD_RIGHT, _ORD_WRONG = range(3)  # speaker types; special j: 3 + 2 j (+1: signal no)


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
    """How one state of the world draws the special members before the cascade: from a
    table of their joint pre-states where small, else member by member."""

    joint: counts._Table | None
    combos: np.ndarray  # (special, joint states) pre-state codes
    signal: np.ndarray  # (joint states,) the leader's signal says yes
    each: tuple[counts._Table, ...]  # per member over (signal no) * 5 + pre-state

    @classmethod
    def of(cls, dists: list[np.ndarray], leader_col: int) -> _Pre:
        # the leader keeps his signal; for the others it matters only when they state
        per = [d.ravel() if c == leader_col else np.concatenate([d.sum(axis=0)[:3], d[0, 3:4],
                                                                  d[1, 4:5]])
               for c, d in enumerate(dists)]
        each = tuple(counts._Table.of(d.ravel()) for d in dists)
        support = [np.flatnonzero(p > 0) for p in per]
        if np.prod([len(x) for x in support], dtype=float) > counts.TABLE_LIMIT:
            return cls(None, np.zeros((len(dists), 0), np.int8), np.zeros(0, bool), each)
        idx = np.array(list(itertools.product(*support)), dtype=np.int64).reshape(-1, len(per))
        prob = np.prod([per[c][idx[:, c]] for c in range(len(per))], axis=0)
        combos = np.array([idx[:, c] % 5 if c == leader_col else
                           np.array([0, 1, 2, 3, 4])[idx[:, c]] for c in range(len(per))],
                          dtype=np.int8)
        return cls(counts._Table.of(prob), np.ascontiguousarray(combos),
                   idx[:, leader_col] < 5, each)

    def draw(self, size: int, g: np.random.Generator,
             leader_col: int) -> tuple[np.ndarray, np.ndarray]:
        if self.joint is not None:
            at = self.joint.draw(g.random(size))
            return self.combos[:, at], self.signal[at]
        out = np.empty((len(self.each), size), dtype=np.int8)
        signal = np.zeros(size, dtype=bool)
        for c, table in enumerate(self.each):
            code = table.draw(g.random(size))
            if c == leader_col:
                signal = code < 5
            out[c] = code % 5
        return out, signal


@dataclass(frozen=True)
class HerdSampler:
    """Draws meetings with herding as special members' states and ordinary members'
    counts through a vectorised cascade (see the module); build with :meth:`of` where
    :func:`herd_problem` finds no problem."""

    board: Board
    model: MeetingModel
    split: Split
    stand: StandIn
    leader_col: int
    pre: dict[bool, _Pre]
    ordinary: tuple[list[int], counts._Table | None, np.ndarray, list[float]]
    chance: np.ndarray  # (types * states,) float32: P(says yes | speaker type, cascade state)
    step: np.ndarray  # (types * 2,) int32: the state's change when he says no / yes
    states: int  # cascade states per speaker type
    width: int  # cascade states per ordinary yes count (the running sums)
    groups: tuple[int, int, int]  # the places of the owners', the middle and the last class
    chair_cols: list[int]  # the special members' columns in chair priority
    owner_first: np.ndarray  # (special,) owns the portfolio and must speak first

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
        pre = {}
        for right in (True, False):
            dists = []
            for i in s.special:
                m = board.members[i]
                dists.append(_special_pre(m.attendance, sil, m.abstain,
                                          m.competence if right else 1 - m.competence))
            pre[right] = _Pre.of(dists, leader_col)
        chance, step, width = cls._cascade_tables(board, model, s, leader_col, k)
        owners = board.owners(model.portfolio)
        groups = (0, 1, 2) if model.order == "last" else (1, 2, 0)
        prio = board.chair_priority()
        return cls(board, model, s, StandIn.of(board, s), leader_col, pre, ordinary,
                   chance, step, len(chance) // (3 + 2 * len(s.special)), width, groups,
                   sorted(range(len(s.special)), key=lambda c: prio.index(s.special[c])),
                   np.array([owners[i] and model.owner_speaks_first for i in s.special]))

    @staticmethod
    def _cascade_tables(board: Board, model: MeetingModel, s: Split, leader_col: int,
                        k: int) -> tuple[np.ndarray, np.ndarray, int]:
        """P(says yes | type, state) and the state's steps.  A state is ``sum + width *
        yes``: ``sum`` = 3 (m + n) + (l + 1) for a running sum m + l (1 + leader_influence)
        (m: the others' statements, l: the leader's), ``yes``: ordinary members' yeses."""
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

        rows = [np.zeros(width)]
        if k:
            q = comp[s.ordinary[0]]
            for sy in (q, 1 - q):  # right world, wrong world
                rows.append(sy * p_yes(s.ordinary[0], 1.0) + (1 - sy) * p_yes(s.ordinary[0], -1.0))
        else:
            rows += [np.zeros(width)] * 2
        steps = [0, 0, -3, 3 + width, -3, 3 + width]
        for c, i in enumerate(s.special):
            rows += [p_yes(i, 1.0), p_yes(i, -1.0)]
            d = 1 if c == leader_col else 3
            steps += [-d, d, -d, d]
        chance = np.concatenate([np.tile(r, k + 1) for r in rows]).astype(np.float32)
        return chance, np.array(steps, dtype=np.int32), width

    # -- drawing ------------------------------------------------------------------------

    def draw(self, size: int, seed: Seed = None) -> CountDraw:
        """``size`` meetings on the stand-in board (sorted by the state of the world)."""
        raw = self._raw(size, as_generator(seed))
        return CountDraw(self.stand, self._terms(raw, np.arange(size)), raw["right"],
                         raw["signal"])

    def memo(self) -> Memo | None:
        """An empty dense table of decided keys, or None where the keys would be too many
        (then :meth:`decide` decides the distinct keys of each block)."""
        keys = self._radix()
        return Memo.of(keys) if keys <= counts.MEMO_LIMIT else None

    def decide(self, spec: RuleSpec, size: int, seed: Seed = None,
               memo: Memo | None = None) -> tuple[BatchOutcome, np.ndarray, np.ndarray]:
        """``size`` meetings decided through the one semantics, each key once (in ``memo``
        across blocks, else within the block): (outcomes, the right decision, the
        leader's signal)."""
        raw = self._raw(size, as_generator(seed))
        key = raw["key"]
        if memo is None:
            keys, rows, inverse = np.unique(key, return_index=True, return_inverse=True)
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

    def _flag_p(self) -> dict[str, float]:
        m = self.model
        return {"emergency": m.p_emergency, "ad_hoc": m.p_ad_hoc, "unclear": m.p_unclear}

    def _radix(self) -> int:
        k = len(self.split.ordinary)
        flags = sum(p not in (0.0, 1.0) for p in self._flag_p().values())
        return (STATES ** (len(self.split.special) + 1)) * (k + 1) ** len(self.split.used) << flags

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
            out[rows] = values[:, cells.draw(g.random(size))]
            return out
        left = np.full(size, len(self.split.ordinary), dtype=np.int64)
        for row, q in zip(rows, links, strict=True):
            out[row] = g.binomial(left, q)
            left -= out[row]
        return out

    def _raw(self, size: int, g: np.random.Generator) -> dict[str, Any]:
        s, model = self.split, self.model
        nsp, cols = len(s.special), np.arange(size)
        n_right = int(g.binomial(size, model.prior_yes))
        right = cols < n_right
        pre = np.empty((nsp, size), dtype=np.int8)
        signal = np.empty(size, dtype=bool)
        for world, part in ((True, slice(0, n_right)), (False, slice(n_right, size))):
            if part.stop > part.start:
                pre[:, part], signal[part] = self.pre[world].draw(part.stop - part.start, g,
                                                                   self.leader_col)
        voters, abst, quiet = self._ordinary_pre(size, g)
        here = voters + abst + quiet
        # who chairs: the first present special member in chair priority (-1: none)
        chair = np.full(size, -1, dtype=np.int64)
        for c in reversed(self.chair_cols):
            chair = np.where(pre[c] != _GONE, c, chair)
        by_chair = model.last == "chair"
        who = chair if by_chair else np.full(size, self.leader_col)
        # no special member present: an ordinary member chairs, and speaks last / first
        pinned = (chair < 0) & (here > 0) & by_chair
        pick = (g.random(size) * here).astype(np.int32)
        chair_says = pinned & (pick < voters)
        # the classes: owners who speak first, the middle (with the ordinary), who is last
        g_own, g_mid, g_who = self.groups
        says = pre >= _SAYS_Y
        grp = np.where(who[None, :] == np.arange(nsp)[:, None], g_who,
                       np.where(self.owner_first[:, None], g_own, g_mid))
        grp = np.where(says, grp, -1)
        size_g = np.zeros((3, size), dtype=np.int32)
        size_g[g_mid] = voters - chair_says
        size_g[g_who] += chair_says
        rank = np.zeros((nsp, size), dtype=np.int32)
        u = g.random((nsp, size))
        for j in range(nsp):  # insert special member j at a uniform place of his class
            on = grp[j] >= 0
            gj = np.where(on, grp[j], 0)
            r = (u[j] * (size_g[gj, cols] + 1)).astype(np.int32)
            for i in range(j):
                rank[i] += on & (grp[i] == grp[j]) & (rank[i] >= r)
            rank[j] = r
            size_g[gj, cols] += on
        start = np.zeros((3, size), dtype=np.int32)
        start[1] = size_g[0]
        start[2] = size_g[0] + size_g[1]
        total = start[2] + size_g[2]
        place = start[np.where(grp >= 0, grp, 0), cols] + rank  # (special, size)
        said, yes = self._cascade(g, right, total, says, place, pre)
        # the special members' final states
        spoke = np.zeros((nsp, size), dtype=bool)
        for j in range(nsp):
            on = np.flatnonzero(says[j])
            spoke[j, on] = said[place[j, on], on]
        special = np.where(says, np.where(spoke, YES, NO), _TO_STATE[pre]).astype(np.int8)
        if model.p_defer > 0:
            special[(special == NO) & (g.random((nsp, size)) < model.p_defer)] = DEFER
        # the ordinary members' counts
        nos = voters - yes
        defer = g.binomial(nos, model.p_defer).astype(np.int32) if model.p_defer > 0 else 0 * nos
        by_state = {YES: yes, NO: nos - defer, DEFER: defer, ABSTAIN: abst, SILENT: quiet}
        cnt = np.array([by_state[st] for st in s.used], dtype=np.int32).reshape(len(s.used), size)
        chair_abst = pinned & ~chair_says & (pick < voters + abst)
        head = self._head(g, cnt, here, pinned, chair_says, chair_abst, said, start[g_who],
                          nos, defer)
        flags: dict[str, np.ndarray | bool] = {}
        key = np.zeros(size, dtype=np.int64)
        for j in range(nsp):
            key = key * STATES + special[j]
        for j in range(len(s.used)):
            key = key * (len(s.ordinary) + 1) + cnt[j]
        key = key * STATES + head
        for name, p in self._flag_p().items():
            if p in (0.0, 1.0):
                flags[name] = bool(p)
            else:
                flags[name] = g.random(size) < p
                key = key * 2 + flags[name]
        return {"right": right, "signal": signal, "special": special, "counts": cnt,
                "head": head, "flags": flags, "key": key}

    def _cascade(self, g: np.random.Generator, right: np.ndarray, total: np.ndarray, says: np.ndarray,
                 place: np.ndarray, pre: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Whether the speaker at each place says yes, (places, size), and how many
        ordinary members said yes: the loop over speaking positions, vectorised across the
        meetings."""
        size = len(right)
        steps = int(total.max(initial=0))
        if steps == 0:
            return np.zeros((0, size), dtype=bool), np.zeros(size, dtype=np.int32)
        kind = np.where(np.arange(steps)[:, None] < total[None, :],
                        np.where(right, _ORD_RIGHT, _ORD_WRONG)[None, :], _NOBODY).astype(np.int32)
        for j in range(len(says)):
            on = np.flatnonzero(says[j])
            kind[place[j, on], on] = 3 + 2 * j + (pre[j, on] == _SAYS_N)
        at_chance = kind * self.states
        at_step = kind * 2
        said = np.empty((steps, size), dtype=bool)
        state = np.full(size, 3 * self.board.n + 1, dtype=np.int32)
        idx = np.empty(size, dtype=np.int32)
        p = np.empty(size, dtype=np.float32)
        move = np.empty(size, dtype=np.int32)
        rand = g.random((steps, size), dtype=np.float32)
        for t in range(steps):
            np.add(at_chance[t], state, out=idx)
            np.take(self.chance, idx, out=p, mode="clip")
            np.less(rand[t], p, out=said[t])
            np.add(at_step[t], said[t], out=idx)
            np.take(self.step, idx, out=move, mode="clip")
            state += move
        return said, state // self.width

    def _head(self, g: np.random.Generator, cnt: np.ndarray, here: np.ndarray,
              pinned: np.ndarray, chair_says: np.ndarray, chair_abst: np.ndarray,
              said: np.ndarray, who_place: np.ndarray, nos: np.ndarray,
              defer: np.ndarray) -> np.ndarray:
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
        if pinned.any():
            chair = np.where(chair_abst, ABSTAIN, SILENT).astype(np.int8)
            on = np.flatnonzero(chair_says)
            yes = said[who_place[on], on]
            chair[on] = np.where(yes, YES, NO)
            if self.model.p_defer > 0:  # one of the no-sayers, as likely as any to defer
                no = on[~yes]
                chair[no[g.random(len(no)) * nos[no] < defer[no]]] = DEFER
            head = np.where(pinned, chair, head)
        return head
