"""The meeting model: draw a batch of meetings of one board on one matter.

For each meeting, independently:

1. **State of the world.** ``yes_is_right`` ~ Bernoulli(``prior_yes``): whether passing
   the item is the correct decision.
2. **Private signals.** Member *i* privately judges the item right with probability
   ``competence[i]`` (Condorcet 1785; the jury theorem).  With ``signal_correlation``
   rho > 0 the board shares one probability per meeting, p ~ Beta with mean the board's
   mean competence and intra-class correlation rho (exchangeable, beta-binomial votes;
   Ladha 1992).
3. **Attendance.** Member *i* attends with probability ``attendance[i]``; with
   ``attendance_correlation`` r > 0 through a shared shock (Gaussian copula).
4. **Chair.** The leader if present, else the first present deputy, else the first
   present member.
5. **Speaking order** (``order``): ``"last"`` as the rules require (``last``: the chair, or
   where the rules name him the leader, speaks last; the portfolio owner first where
   the rules say so), ``"first"`` (that person first),
   ``"seniority"`` (board order: the leader, the deputies, the members), ``"random"``.
   Within these constraints the order is uniformly random when it can matter (someone
   conforms, or ``order="random"``), else by board order (it changes nothing then).
6. **Stated positions** (sequential, in speaking order).  Speaker *i* with signal
   s_i = +/-1 states ``sign(L_i s_i + c_i * lam * S)``, where L_i = logit(competence_i),
   c_i is the member's conformity, lam = logit(mean competence) and S is the sum of
   earlier stated positions (+1 yes, -1 no, 0 abstain), the leader's weighted
   1 + ``leader_influence``.  A tie is broken by a fair coin (``ties="coin"``, as in
   Bikhchandani, Hirshleifer & Welch 1992) or by the own signal (``ties="own"``).
   With c = 1, equal competence and no leader weight this is exactly the BHW
   cascade model; with c = 0 votes are independent (Condorcet).  Ottaviani &
   Sorensen (2001, "Order of advice on a committee", J. Public Econ.) study how
   the order in which experts of different standing speak changes what is revealed;
   the ``order`` switch lets one compare the leader speaking last with first.
7. **Votes.** A speaker abstains with probability ``abstain[i]`` (states 0), else votes
   as stated; a speaker whose stated position is "no" asks instead to defer (暂缓/缓议,
   ``Vote.DEFER``) with probability ``p_defer``; others heard him oppose passing now, so
   the herding above is unchanged.  Absent members leave no written opinion.

8. **Interests and notes** (off by default).  Each member has a personal interest in the
   item with probability ``p_interested``; a present interested member recuses (回避:
   stays, neither speaks nor votes) with probability ``p_recuse``.  An absent member leaves
   a written opinion (书面意见), his own private view, with probability ``p_written_opinion``.

9. **Silence** (an assumption of the model, reported with every result).  A present,
   non-recused member states no position at all (``Vote.NONE``: not in the speaking
   order, no vote) with probability ``p_silent``, independently; the chair and the leader
   too.  The default 0 assumes that **everyone present states a position**; rules that
   require positions (``positions_required``) or a last speaker only bite when
   ``p_silent > 0``.

The chair always puts the item to a vote; ``emergency``, ``ad_hoc`` and ``unclear`` (a
major question of the item is still unclear, 重大问题尚不清楚) are matter facts drawn per
meeting with probabilities ``p_emergency``, ``p_ad_hoc`` and ``p_unclear`` (0: never,
1: always).  ``amount`` is the item's amount in yuan (``None``: not recorded), which the
rule set's routes check; deputies are the board's members with role ``deputy``.

Arrays are stored member-major, shape ``(n, size)``, so each member's column of a
batch is contiguous for the numpy backend.

Examples
--------
>>> from simulations.compositions import Board
>>> b = draw_meetings(Board.uniform(5, attendance=0.8), MeetingModel(), 4, seed=1)
>>> b.size, b.present.shape, sorted(set(b.pos[:, 0].tolist()))[:2]
(4, (5, 4), [-1, 0])
>>> b.terms(0).n, b.meeting(0, "x", "b", "ordinary").leader_id
(5, 'm0')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from model.meeting import MatterFacts, Meeting, MeetingTerms, Member, Vote
from simulations.compositions import Board, BoardFileError
from simulations.rng import Seed, as_generator

__all__ = ["ORDERS", "MeetingModel", "MeetingBatch", "draw_meetings", "chair_of", "fixed_places"]

ORDERS = ("last", "first", "seniority", "random")
_EPS = 1e-9


@dataclass(frozen=True)
class MeetingModel:
    """How meetings unfold: speaking order, prior, tie rule, matter facts."""

    order: str = "last"
    last: str = "chair"
    prior_yes: float = 0.5
    ties: str = "coin"
    owner_speaks_first: bool = False
    portfolio: str | None = None
    p_emergency: float = 0.0
    p_ad_hoc: float = 0.0
    p_interested: float = 0.0
    p_recuse: float = 1.0
    p_written_opinion: float = 0.0
    p_silent: float = 0.0
    p_defer: float = 0.0
    p_unclear: float = 0.0
    amount: int | None = None

    def __post_init__(self) -> None:
        if self.order not in ORDERS:
            raise BoardFileError("order", f"unknown speaking order {self.order!r}",
                                 fix=f"use one of {', '.join(ORDERS)}")
        if self.last not in ("chair", "leader"):
            raise BoardFileError("last", f"{self.last!r} is not who speaks last",
                                 fix="use 'chair' or 'leader'")
        if self.ties not in ("coin", "own"):
            raise BoardFileError("ties", f"unknown tie rule {self.ties!r}", fix="use 'coin' or 'own'")
        for name in ("prior_yes", "p_emergency", "p_ad_hoc", "p_interested", "p_recuse",
                     "p_written_opinion", "p_silent", "p_defer", "p_unclear"):
            v = getattr(self, name)
            if not 0 <= v <= 1:
                raise BoardFileError(name, f"{v!r} is not a probability", fix="use a number in [0, 1]")
        if self.amount is not None and (not isinstance(self.amount, int)
                                        or isinstance(self.amount, bool) or self.amount < 0):
            raise BoardFileError("amount", f"{self.amount!r} is not an amount in yuan",
                                 fix="use a whole number >= 0, or leave it unset")

    @property
    def silence_note(self) -> str:
        """The silence assumption, in words (reported with every result)."""
        if self.p_silent == 0:
            return "assumed: every present member states a position (no silence)"
        return f"each present member stays silent with probability {self.p_silent:g}"


@dataclass(frozen=True)
class MeetingBatch:
    """``size`` meetings of one board, member-major arrays of shape ``(n, size)``."""

    board: Board
    model: MeetingModel
    present: np.ndarray  # bool (n, size)
    vote: np.ndarray  # int8 (n, size), Vote codes
    pos: np.ndarray  # int16 (n, size), -1 for non-speakers
    chair: np.ndarray  # int (size,), member index
    yes_is_right: np.ndarray  # bool (size,)
    leader_signal: np.ndarray  # bool (size,): the leader's private preference is yes
    emergency: np.ndarray | bool
    ad_hoc: np.ndarray | bool
    interested: np.ndarray | None = None  # bool (n, size), None: nobody
    recused: np.ndarray | None = None  # bool (n, size), None: nobody
    opinion: np.ndarray | None = None  # int8 (n, size) written opinions of the absent
    unclear: np.ndarray | bool = False  # a major question of the item is still unclear

    @property
    def size(self) -> int:
        return int(self.present.shape[1])

    @property
    def n(self) -> int:
        return self.board.n

    def _row(self, x: Any, j: int) -> bool:
        return bool(x[j]) if isinstance(x, np.ndarray) else bool(x)

    def _col(self, x: np.ndarray | None, j: int) -> list[bool]:
        return [False] * self.n if x is None else [bool(v) for v in x[:, j]]

    def terms(self, j: int) -> MeetingTerms[Any]:
        """Meeting ``j`` as concrete per-member terms (Python values)."""
        n = self.n
        return MeetingTerms(
            n=n, leader=self.board.leader,
            present=[bool(x) for x in self.present[:, j]], recused=self._col(self.recused, j),
            interested=self._col(self.interested, j),
            owner=list(self.board.owners(self.model.portfolio)),
            chair=[i == int(self.chair[j]) for i in range(n)],
            vote=[int(x) for x in self.vote[:, j]],
            opinion=[int(x) for x in self.opinion[:, j]] if self.opinion is not None else [0] * n,
            pos=[int(x) for x in self.pos[:, j]], emergency=self._row(self.emergency, j),
            ad_hoc=self._row(self.ad_hoc, j), vote_called=True, portfolio=self.model.portfolio,
            deputy=list(self.board.deputies()), unclear=self._row(self.unclear, j),
            amount=self.amount)

    @property
    def amount(self) -> int:
        """The item's amount in yuan; -1 when not recorded."""
        return -1 if self.model.amount is None else self.model.amount

    def meeting(self, j: int, institution: str, body: str, category: str) -> Meeting:
        """Meeting ``j`` as a :class:`model.meeting.Meeting` for the reference evaluator."""
        ids = [m.id for m in self.board.members]
        order = sorted((int(p), ids[i]) for i, p in enumerate(self.pos[:, j]) if p >= 0)
        present = frozenset(ids[i] for i in range(self.n) if self.present[i, j])
        recused = frozenset(ids[i] for i, r in enumerate(self._col(self.recused, j)) if r)
        involved = tuple(ids[i] for i, r in enumerate(self._col(self.interested, j)) if r)
        votes = {ids[i]: Vote(int(self.vote[i, j])) for i in range(self.n)
                 if self.vote[i, j] != int(Vote.NONE)}  # the silent have no entry
        notes = ({} if self.opinion is None else
                 {ids[i]: Vote(int(v)) for i, v in enumerate(self.opinion[:, j]) if v})
        return Meeting(
            institution, body,
            MatterFacts(category, amount=self.model.amount, portfolio=self.model.portfolio,
                        persons_involved=involved, emergency=self._row(self.emergency, j),
                        ad_hoc=self._row(self.ad_hoc, j), unclear=self._row(self.unclear, j)),
            tuple(Member(m.id, m.role, m.portfolios) for m in self.board.members),
            present, recused=recused, written_opinions=notes,
            speaking_order=tuple(i for _, i in order), votes=votes,
            chair=ids[int(self.chair[j])], vote_called=True)


def _logit(p: np.ndarray | float) -> Any:
    q = np.clip(p, _EPS, 1 - _EPS)
    return np.log(q / (1 - q))


def _attendance(board: Board, size: int, g: np.random.Generator) -> np.ndarray:
    a = np.asarray(board.column("attendance"))
    r = board.attendance_correlation
    if r == 0:
        return g.random((board.n, size), dtype=np.float32) < a.astype(np.float32)[:, None]
    nd = NormalDist()
    cut = np.array([math.inf if x >= 1 else -math.inf if x <= 0 else nd.inv_cdf(x) for x in a])
    shock = g.standard_normal(size, dtype=np.float32)
    own = g.standard_normal((board.n, size), dtype=np.float32)
    return math.sqrt(r) * shock + math.sqrt(1 - r) * own < cut[:, None]


def _signals(board: Board, right: np.ndarray, size: int, g: np.random.Generator) -> np.ndarray:
    """Private signals as booleans 'yes' (n, size)."""
    rho = board.signal_correlation
    if rho == 0:
        q = np.asarray(board.column("competence"), dtype=np.float32)[:, None]
    else:
        mean = float(np.mean(board.column("competence")))
        k = (1 - rho) / rho
        q = g.beta(max(mean * k, _EPS), max((1 - mean) * k, _EPS), size).astype(np.float32)[None, :]
    correct = g.random((board.n, size), dtype=np.float32) < q
    return correct == right[None, :]


def chair_of(board: Board, present: np.ndarray) -> np.ndarray:
    """Who chairs each meeting: the first present member in chair priority (the leader,
    the deputies, the members), the leader where nobody is present."""
    prio = np.asarray(board.chair_priority())
    chair = np.full(present.shape[1], board.leader)
    rest = np.flatnonzero(~present[board.leader])  # meetings without the leader, only
    if rest.size and len(prio) > 1:
        here = present[prio[1:, None], rest]
        first = np.argmax(here, axis=0)
        chair[rest] = np.where(here.any(axis=0), prio[1:][first], board.leader)
    return chair


def _classes(board: Board, model: MeetingModel, chair: np.ndarray, size: int) -> np.ndarray:
    """Speaking class per member and meeting (lower speaks earlier), int8 (n, size)."""
    n = board.n
    if model.order in ("seniority", "random"):
        return np.zeros((n, size), dtype=np.int8)
    owners = np.asarray(board.owners(model.portfolio))[:, None]
    owner_cls = 0 if model.order == "last" else 1
    cls = np.where(owners & model.owner_speaks_first, owner_cls, owner_cls + 1).astype(np.int8)
    cls = np.broadcast_to(cls, (n, size)).copy()
    who = chair if model.last == "chair" else np.full(size, board.leader)
    cls[who, np.arange(size)] = 2 if model.order == "last" else 0
    return cls


@dataclass(frozen=True)
class _Order:
    """A random speaking order of a batch: ``pos[i, j]`` member i's place in meeting j (-1
    if he states nothing), ``seq[k, j]`` the member at place k (the silent last), and the
    flat indices that gather a member-major array into place order (``into``) and back
    (``back``)."""

    pos: np.ndarray
    seq: np.ndarray
    into: np.ndarray
    back: np.ndarray


def _order(board: Board, model: MeetingModel, present: np.ndarray, chair: np.ndarray,
           g: np.random.Generator) -> _Order:
    """Random order within the class constraints: the members sorted by class plus a
    float32 uniform (the silent last, ties by board order).  A non-negative float32's
    bits sort like the float, so each key is packed with the member's index into one
    integer and the keys of each meeting are sorted (meeting-major) instead of an argsort
    -- the same orders, from the same random numbers, as the stable argsort of the keys."""
    n, size = present.shape
    cols = np.arange(size)
    key = _classes(board, model, chair, size) + g.random((n, size), dtype=np.float32)
    key[~present] = 99.0
    bits = max(1, (n - 1).bit_length())
    dtype = np.uint64
    key = key.T.view(np.uint32).astype(dtype, order="C")
    key <<= dtype(bits)
    key |= np.arange(n, dtype=dtype)
    key.sort(axis=1)
    seq = (key & dtype((1 << bits) - 1)).T.astype(np.intp, order="C")  # (n, size), place-major
    into = seq * size + cols
    rank = np.empty(n * size, dtype=np.intp)
    rank[into.ravel()] = np.repeat(np.arange(n, dtype=np.intp), size)
    rank = rank.reshape(n, size)
    pos = np.where(present, rank, -1).astype(np.int16)
    return _Order(pos, seq, into, rank * size + cols)


def fixed_places(board: Board, model: MeetingModel, present: np.ndarray,
                 chair: np.ndarray) -> np.ndarray:
    """Board order within the class constraints, without sorting: places (n, size).

    Present members are numbered in board order (owners first where they must speak
    first); then the one member who must speak last (or first) is moved there."""
    n, size = present.shape
    cols = np.arange(size)
    owners = board.owners(model.portfolio)
    front = [i for i in range(n) if owners[i] and model.owner_speaks_first
             and model.order in ("last", "first")]
    pos = np.full((n, size), -1, dtype=np.int16)
    running = np.zeros(size, dtype=np.int16)
    for i in front + [i for i in range(n) if i not in front]:
        np.copyto(pos[i], running, where=present[i])
        running += present[i]
    if model.order in ("last", "first"):
        who = chair if model.last == "chair" else np.full(size, board.leader)
        here = present[who, cols]
        mine = np.where(here, pos[who, cols], -1)[None, :]
        if model.order == "last":
            pos -= (pos > mine) & (mine >= 0)
            pos[who, cols] = np.where(here, running - 1, -1)
        else:
            pos += (pos >= 0) & (pos < mine)
            pos[who, cols] = np.where(here, 0, -1)
    return pos


def _stated(board: Board, model: MeetingModel, signal: np.ndarray, present: np.ndarray,
            abstain: np.ndarray | None, order: _Order | None,
            g: np.random.Generator) -> np.ndarray:
    """Whether each member states "no" (bool (n, size)); abstainers are silent to others.
    Where someone conforms, speaker by speaker (vectorised over meetings) in place order."""
    n, size = signal.shape
    comp = np.asarray(board.column("competence"))
    tie_members = np.abs(comp - 0.5) < _EPS
    conf = np.asarray(board.column("conformity"))
    if order is None:  # independent members: the sign of the own log-likelihood ratio
        says_no = signal == (comp < 0.5)[:, None]
        if tie_members.any():
            coin = g.random((n, size), dtype=np.float32) < 0.5 if model.ties == "coin" else signal
            says_no[tie_members] = ~coin[tie_members]
        return says_no

    def placed(x: np.ndarray) -> np.ndarray:  # row k = the k-th speaker of each meeting
        return np.take(x.ravel(), order.into)

    def by_member(v: np.ndarray, same: bool) -> Any:  # a member constant in place order
        return float(v[0]) if same else v[order.seq]

    sign = np.where(placed(signal), 1.0, -1.0)
    llr = sign * by_member(_logit(comp), bool((comp == comp[0]).all()))
    pull = by_member(conf * float(_logit(float(np.mean(comp)))), bool((conf == conf[0]).all()))
    weight = np.ones(n)
    weight[board.leader] += board.leader_influence
    w = by_member(weight, board.leader_influence == 0)
    speaking = placed(present if abstain is None else present & ~abstain)
    coin = g.random((n, size), dtype=np.float32) < 0.5 if model.ties == "coin" else signal
    tie = np.where(placed(coin), 1.0, -1.0)
    ordered = np.zeros((n, size))
    running = np.zeros(size)
    ev, small, step = np.empty(size), np.empty(size, dtype=bool), np.empty(size)
    for k in range(int(present.sum(axis=0).max(initial=0))):  # the silent come last
        pk = pull if np.ndim(pull) == 0 else pull[k]
        np.multiply(running, pk, out=ev)
        ev += llr[k]
        a = ordered[k]
        np.sign(ev, out=a)
        np.less_equal(np.abs(ev, out=step), _EPS, out=small)
        np.copyto(a, tie[k], where=small)
        a *= speaking[k]
        running += a if np.ndim(w) == 0 else np.multiply(a, w[k], out=step)  # scalar w: 1
    return np.take(ordered.ravel(), order.back) < 0


def draw_meetings(board: Board, model: MeetingModel, size: int, seed: Seed = None) -> MeetingBatch:
    """Draw ``size`` meetings (see the module docstring for the model).

    Parameters
    ----------
    board : Board
    model : MeetingModel
    size : int
        Number of meetings in the batch.
    seed : int, Generator or None
    """
    g = as_generator(seed)
    n = board.n
    right = g.random(size) < model.prior_yes
    signal = _signals(board, right, size, g)
    present = _attendance(board, size, g)
    abst_p = np.asarray(board.column("abstain"), dtype=np.float32)
    abstain = (g.random((n, size), dtype=np.float32) < abst_p[:, None]) if abst_p.any() else None
    chair = chair_of(board, present)
    interested = recused = None
    speaks = present  # who states a position
    if model.p_interested > 0:
        interested = g.random((n, size), dtype=np.float32) < np.float32(model.p_interested)
        recused = interested & present
        if model.p_recuse < 1:
            recused &= g.random((n, size), dtype=np.float32) < np.float32(model.p_recuse)
        speaks = present & ~recused
    if model.p_silent > 0:
        speaks = speaks & (g.random((n, size), dtype=np.float32) >= np.float32(model.p_silent))
    if any(board.column("conformity")) or model.order == "random":
        order: _Order | None = _order(board, model, speaks, chair, g)
        pos = order.pos
    else:
        pos, order = fixed_places(board, model, speaks, chair), None
    says_no = _stated(board, model, signal, speaks, abstain, order, g)
    # YES = 1, NO = 2, NONE = 0 for the absent, the recused and the silent; abstainers as drawn
    vote = says_no.view(np.int8) + np.int8(1)
    vote *= speaks.view(np.int8)
    if abstain is not None:
        vote[abstain & speaks] = int(Vote.ABSTAIN)
    if model.p_defer > 0:
        vote[(vote == int(Vote.NO))
             & (g.random((n, size), dtype=np.float32) < np.float32(model.p_defer))] = int(Vote.DEFER)
    opinion = None
    if model.p_written_opinion > 0:  # an absent member's note: his own private view
        writes = ~present & (g.random((n, size), dtype=np.float32)
                             < np.float32(model.p_written_opinion))
        own_no = signal == (np.asarray(board.column("competence")) < 0.5)[:, None]
        opinion = np.where(writes, own_no.view(np.int8) + np.int8(1), 0).astype(np.int8)

    def flag(p: float) -> np.ndarray | bool:
        return bool(p) if p in (0.0, 1.0) else g.random(size) < p

    return MeetingBatch(board, model, present, vote, pos, chair, right, signal[board.leader].copy(),
                        flag(model.p_emergency), flag(model.p_ad_hoc), interested, recused, opinion,
                        flag(model.p_unclear))
