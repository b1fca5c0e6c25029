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
    """How one state of the world draws the special members before the cascade: from a
    table of their joint pre-states where small (``joint``, whose columns ``cols``
    describe), else member by member (``each``, over (signal no) * 5 + pre-state)."""

    joint: counts._Table | None
    cols: _Specials | None
    each: tuple[counts._Table, ...]

    @classmethod
    def of(cls, dists: list[np.ndarray], lay: _Layout) -> _Pre:
        leader = lay.leader_col
        # the leader keeps his signal; for the others it matters only when they state
        per = [d.ravel() if c == leader else np.concatenate([d.sum(axis=0)[:3], d[0, 3:4],
                                                              d[1, 4:5]])
               for c, d in enumerate(dists)]
        each = tuple(counts._Table.of(d.ravel()) for d in dists)
        support = [np.flatnonzero(p > 0) for p in per]
        if np.prod([len(x) for x in support], dtype=float) > counts.TABLE_LIMIT:
            return cls(None, None, each)
        idx = np.array(list(itertools.product(*support)), dtype=np.int64).reshape(-1, len(per))
        prob = np.prod([per[c][idx[:, c]] for c in range(len(per))], axis=0)
        combos = np.array([idx[:, c] % 5 for c in range(len(per))], dtype=np.int8)
        return cls(counts._Table.of(prob), lay.specials(combos, idx[:, leader] < 5), each)

    def draw(self, size: int, g: np.random.Generator, lay: _Layout) -> tuple[np.ndarray, _Specials]:
        """Column of each meeting in the returned :class:`_Specials`."""
        if self.joint is not None and self.cols is not None:
            return self.joint.draw(g.random(size)), self.cols
        out = np.empty((len(self.each), size), dtype=np.int8)
        signal = np.zeros(size, dtype=bool)
        for c, table in enumerate(self.each):
            code = table.draw(g.random(size))
            if c == lay.leader_col:
                signal = code < 5
            out[c] = code % 5
        return np.arange(size), lay.specials(out, signal)


@dataclass(frozen=True)
class _Specials:
    """What the cascade needs of joint pre-states of the special members (one column per
    joint state): the leader's signal, who states yes or no, his speaker type (as an
    offset into the chance table), his final state if he says no or states nothing, and
    where he speaks: his class's first place (``start``, plus the ordinary speakers where
    his class comes ``after`` the middle one), the special speakers of his class placed
    before him (``prior``), whether his class is the ``middle`` one, and (``same``, i < j)
    whether two speak in one class."""

    signal: np.ndarray
    speak: np.ndarray
    kind: np.ndarray
    fixed: np.ndarray
    start: np.ndarray
    after: np.ndarray
    prior: np.ndarray
    middle: np.ndarray
    same: np.ndarray
    speakers: np.ndarray
    nobody: np.ndarray


@dataclass(frozen=True)
class _Layout:
    """The speaking classes of a board: the leader's column, the special members' columns
    in chair priority, who owns the portfolio and must speak first, the places of the
    owners' class, the middle class (with the ordinary members) and the class of who
    speaks last (order "last") or first, and whether that is the chair."""

    leader_col: int
    chair_cols: list[int]
    owner_first: np.ndarray
    groups: tuple[int, int, int]
    by_chair: bool
    states: int  # cascade states per speaker type

    def specials(self, pre: np.ndarray, signal: np.ndarray) -> _Specials:
        nsp, k = pre.shape
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
        on = np.where(speak, grp, 0)
        same = np.zeros((nsp, nsp, k), dtype=bool)
        for i in range(nsp):
            for j in range(i + 1, nsp):
                same[i, j] = speak[i] & (grp[i] == grp[j])
        prior = same.sum(axis=0).astype(np.int32)
        kind = np.where(speak, (3 + 2 * cols + (pre == _SAYS_N)) * self.states, 0)
        return _Specials(signal, speak, kind.astype(np.int32), _FIXED[pre],
                         np.take_along_axis(first, on, axis=0).astype(np.int32),
                         speak & (grp > g_mid), prior, speak & (grp == g_mid), same,
                         speak.sum(axis=0).astype(np.int32), (pre == _GONE).all(axis=0))


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
    width: int  # cascade states per ordinary yes count (the running sums)
    keying: _Keying

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
        lay = _Layout(leader_col,
                      sorted(range(len(s.special)), key=lambda c: prio.index(s.special[c])),
                      np.array([owners[i] and model.owner_speaks_first for i in s.special]),
                      (0, 1, 2) if model.order == "last" else (1, 2, 0), model.last == "chair",
                      width * (k + 1))
        pre = {right: _Pre.of([_special_pre(board.members[i].attendance, sil,
                                            board.members[i].abstain,
                                            board.members[i].competence if right
                                            else 1 - board.members[i].competence)
                               for i in s.special], lay)
               for right in (True, False)}
        gone = [ABSENT, YES, NO] + [SILENT] * (sil > 0) + [DEFER] * (model.p_defer > 0) + [
            ABSTAIN] * any(board.members[i].abstain > 0 for i in s.special)
        return cls(board, model, s, StandIn.of(board, s), lay, pre, ordinary, chance, move,
                   width, _Keying.of(sorted(gone), nsp=len(s.special), k=k, used=s.used))

    @staticmethod
    def _cascade_tables(board: Board, model: MeetingModel, s: Split, leader_col: int,
                        k: int) -> tuple[np.ndarray, np.ndarray, int]:
        """P(says yes | type, state) * 2^31 and the state's moves.  A state is ``sum +
        width * yes``: ``sum`` = 3 (m + n) + (l + 1) for a running sum m + l (1 +
        leader_influence) (m: the others' statements, l: the leader's), ``yes``: the
        ordinary members' yeses so far."""
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
            moves.append((-3, 3 + width))
        for c, i in enumerate(s.special):
            d = 1 if c == leader_col else 3
            rows += [p_yes(i, 1.0), p_yes(i, -1.0)]
            moves += [(-d, d), (-d, d)]
        chance = np.concatenate([np.tile(np.round(r * _ONE), k + 1) for r in rows])
        move = np.zeros(len(chance), dtype=np.int32)
        states = width * (k + 1)
        for t, (down, up) in enumerate(moves):
            move[t * states: t * states + 2] = (down, up)
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

    def _flag_p(self) -> dict[str, float]:
        m = self.model
        return {"emergency": m.p_emergency, "ad_hoc": m.p_ad_hoc, "unclear": m.p_unclear}

    def _keys(self) -> int:
        """How many keys there are (meetings are keyed in 63 bits where this fits)."""
        return self.keying.keys << sum(p not in (0.0, 1.0) for p in self._flag_p().values())

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
        at: list[tuple[np.ndarray, _Specials]] = []
        for world, m in ((True, n_right), (False, size - n_right)):
            if m:
                at.append(self.pre[world].draw(m, g, lay))

        def per(name: str) -> np.ndarray:  # a _Specials field, per meeting
            return np.concatenate([np.take(getattr(sp, name), c, axis=-1) for c, sp in at],
                                  axis=-1)

        signal = per("signal")
        voters, abst, quiet = self._ordinary_pre(size, g)
        here = voters + abst + quiet
        # no special member present: an ordinary member chairs (and speaks last / first)
        pinned = np.flatnonzero(per("nobody") & (here > 0)) if lay.by_chair else cols[:0]
        chair_says = np.zeros(size, dtype=bool)
        chair_abst = np.zeros(size, dtype=bool)
        if pinned.size:
            pick = (g.random(len(pinned)) * here[pinned]).astype(np.int32)
            chair_says[pinned] = pick < voters[pinned]
            chair_abst[pinned] = (pick >= voters[pinned]) & (pick < voters[pinned] + abst[pinned])
        middle = voters - chair_says  # ordinary speakers in the middle class
        # each special speaker inserted at a uniform place of his class, one after another
        speak, prior, mid, same = per("speak"), per("prior"), per("middle"), per("same")
        u = g.random((nsp, size), dtype=np.float32)
        rank = np.empty((nsp, size), dtype=np.int32)
        for j in range(nsp):
            slots = prior[j] + 1 + mid[j] * middle
            rank[j] = u[j] * slots
            for i in range(j):
                rank[i] += same[i, j] & (rank[i] >= rank[j])
        total = per("speakers") + voters
        steps = int(total.max(initial=0))
        place = np.where(speak, per("start") + per("after") * middle + rank, steps)
        said, yes = self._cascade(g, right, total, place, per("kind"), steps)
        spoke = np.take(said.ravel(), place * size + cols)
        special = per("fixed") - spoke.view(np.int8)
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
        flags: dict[str, np.ndarray | bool] = {}
        key: np.ndarray | None = None
        if self.keying.keys < KEY_LIMIT:
            key = self.keying.key(special, cnt, head)
        for name, p in self._flag_p().items():
            if p in (0.0, 1.0):
                flags[name] = bool(p)
            else:
                flags[name] = g.random(size) < p
                if key is not None:
                    key = key * 2 + flags[name]
        return {"right": right, "signal": signal, "special": special, "counts": cnt,
                "head": head, "flags": flags, "key": key}

    def _cascade(self, g: np.random.Generator, right: np.ndarray, total: np.ndarray,
                 place: np.ndarray, kind: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
        """Whether the speaker at each place says yes, (places + 1, size; the last row, a
        scratch row, False), and how many ordinary members said yes: the loop over
        speaking positions, vectorised across the meetings."""
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
        return said, state // self.width

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
