"""Voting power: Banzhaf and Shapley-Shubik indices, exact, and Shapley-Shubik in floats.

Four roads, all exact except :func:`shapley_shubik_float` and :func:`sampled_power`:

* :func:`weighted_game` -- a weighted majority game ``[quota; w_1, ..., w_n]``, optionally
  with veto players, by generating functions, exactly (no overflow at any n).  The table
  of coalitions by weight (and, for Shapley-Shubik, by size) is built once, O(n * quota)
  cells for Banzhaf and at most O(n^2 * quota) for Shapley-Shubik, of which only the
  cells a coalition can reach are touched; each distinct weight then costs O(quota / w)
  additions (:func:`_window`); O(n) when all weights are equal.  Exact counts have up to
  n bits: for large Shapley-Shubik tables they are built as uint64 residues modulo
  2^64 and primes below 2^56 (reduced every 7 players, :func:`_table_lazy`) and put
  together by the Chinese remainder theorem (:func:`_counts`), but n = 1,000 with weights
  1..100 still takes about a minute (see bench/power.md).
* :func:`shapley_shubik_float` -- the same Shapley-Shubik indices in floating point, by
  Owen's integral (one short FFT per quadrature node), in under a second at that size,
  with a proven bound on its truncations and on the quadrature's error
  (:func:`quadrature_bound`), rounding aside; not exact.  :func:`weighted_power` takes
  one road or the other (``quorumlab power --weights --arithmetic exact|float|auto``)
  and labels every index with its road and error bound.
* :func:`body_power` -- a body's own decision rule.  Every member present, each votes yes
  or no; the chair may be special (the chief decides, the chair calls the vote).  The
  outcome of every profile is decided by the rule semantics (:func:`model.semantics.evaluate`,
  which reads every cumulative quorum and passing requirement, the chair-delegation
  conditions and the rest) as a function f(k, c) of the number k of other members voting
  yes and the chair's vote c, which is all it can depend on when the other members are
  alike (none of them a deputy, nobody silent); indices follow by exact counting, once
  per combination of readings of the rule set's open points, each labelled.  With ``ternary=True`` a member may also stay away (the third option of
  Felsenthal & Machover's ternary voting games, 1997): each other member is yes, no
  or absent with probability 1/3 and the result gives, for the chair and for an ordinary
  member, the probability that switching no->yes, absent->yes and no->absent changes
  whether the item passes (the last can be negative power: staying away can block a
  quorum that a "no" vote would have completed).
* :func:`sampled_power` -- Monte Carlo estimates (with 95% intervals) for any board,
  where members are not alike (portfolio owners, deputies) so the rule is not a
  weighted game.

References: Banzhaf (1965); Shapley & Shubik (1954); Felsenthal & Machover (1998),
*The Measurement of Voting Power*; generating functions after Brams & Affuso (1976);
Kakimura & Terai (2025), *Computing Power Indices in Weighted Majority Games with Formal
Power Series* (arXiv:2511.14995), for reading each player's swings off one table; Owen
(1972), *Multilinear extensions of games*, for Shapley-Shubik as an integral.

Examples
--------
>>> r = weighted_game([4, 3, 2, 1], 6)
>>> r.banzhaf_swings, [str(x) for x in r.shapley_shubik]
((5, 3, 3, 1), ['5/12', '1/4', '1/4', '1/12'])
>>> from model.loader import load_institution
>>> rs = load_institution("prefecture_medical_security_party_group").ruleset(
...     "party_group", "ordinary")
>>> bodies = body_power("prefecture_medical_security_party_group", n=7, matter="ordinary")
>>> [b.reading for b in bodies] == list(rs.choices())  # every reading, labelled
True
>>> sorted({(tuple(str(x) for x in b.shapley_shubik[:2]), b.chair_vetoes) for b in bodies})
[(('3/7', '2/21'), True), (('4/7', '1/14'), True)]
>>> big = weighted_game([1] * 2977, 1489)
>>> big.shapley_shubik[0] == big.shapley_shubik[-1] and sum(big.shapley_shubik) == 1
True
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from model.backend import NP
from model.errors import QuorumlabError
from model.limits import enforce, limit
from model.meeting import MeetingTerms, Outcome, Vote
from model.rules import Institution, RuleSpec
from model.semantics import evaluate
from simulations.compositions import Board
from simulations.estimates import Estimate, proportion
from simulations.meetings import MeetingModel, chair_of, fixed_places
from simulations.montecarlo import resolve
from simulations.readings import reading_label, reading_specs
from simulations.rng import Seed, as_generator

__all__ = ["PowerError", "PowerIndices", "BodyPower", "TernaryPower", "weighted_game",
           "ShapleyFloat", "shapley_shubik_float", "quadrature_bound", "exact_seconds",
           "ARITHMETIC", "Road", "WeightedPower", "weighted_power",
           "anonymous_game", "brute_force", "body_power", "sampled_power", "sampled_shapley"]


class PowerError(QuorumlabError, ValueError):
    """A game or rule for which the requested index cannot be computed."""


@dataclass(frozen=True)
class PowerIndices:
    """Exact indices per player (swings are counts over the 2^(n-1) coalitions of others)."""

    banzhaf_swings: tuple[int, ...]
    shapley_shubik: tuple[Fraction, ...]

    @property
    def n(self) -> int:
        return len(self.banzhaf_swings)

    @property
    def banzhaf_absolute(self) -> tuple[Fraction, ...]:
        """Penrose-Banzhaf measure: swings / 2^(n-1)."""
        return tuple(Fraction(s, 2 ** (self.n - 1)) for s in self.banzhaf_swings)

    @property
    def banzhaf_normalised(self) -> tuple[Fraction, ...]:
        total = sum(self.banzhaf_swings)
        return tuple(Fraction(s, total) if total else Fraction(0) for s in self.banzhaf_swings)


def _check_game(weights: Sequence[int], quota: int) -> None:
    if not weights:
        raise PowerError("weights", "no players", fix="give at least one weight")
    if any(not isinstance(w, int | np.integer) or w < 0 for w in weights):
        raise PowerError("weights", f"weights must be whole numbers >= 0, got {list(weights)[:5]}",
                         fix="scale the weights to integers")
    if not isinstance(quota, int | np.integer) or not 0 < quota <= sum(weights):
        raise PowerError("quota", f"quota {quota!r} is not in 1..{sum(weights)}",
                         fix="use a quota between 1 and the total weight")


def anonymous_game(n: int, wins: Callable[[int], bool]) -> PowerIndices:
    """All players alike: a coalition wins iff ``wins(size)``.  Exact, O(n) big-int terms.

    >>> anonymous_game(5, lambda k: k >= 3).banzhaf_swings
    (6, 6, 6, 6, 6)
    """
    swings = sum(math.comb(n - 1, k) for k in range(n) if wins(k + 1) and not wins(k))
    pivotal = sum(1 for k in range(n) if wins(k + 1) and not wins(k))
    return PowerIndices((swings,) * n, (Fraction(pivotal, n),) * n)


_WRAP = 0  # the modulus 2^64: numpy's uint64 arithmetic wraps, so nothing is reduced
_PRIME_BITS = 56  # prime moduli below 2^56: 2^7 residues add up without overflowing uint64


def _is_prime(m: int) -> bool:
    """Miller-Rabin with the first 12 prime bases: deterministic below 3.3e24."""
    bases = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)
    if m < 2 or any(m % b == 0 for b in bases):
        return m in bases
    d, r = m - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for b in bases:
        x = pow(b, d, m)
        if x in (1, m - 1):
            continue
        for _ in range(r - 1):
            x = x * x % m
            if x == m - 1:
                break
        else:
            return False
    return True


@functools.cache
def _moduli(bits: int) -> tuple[int, ...]:
    """2^64 (``_WRAP``) and the largest primes below 2^56, as few as make a product
    above 2^bits (so every count below 2^bits is its residues' only solution)."""
    out, room, m = [_WRAP], 1 << 64, 1 << _PRIME_BITS
    while room <= 1 << bits:
        m -= 1
        if _is_prime(m):
            out.append(m)
            room *= m
    return tuple(out)


def _add(a: np.ndarray, b: np.ndarray, mod: int | None) -> np.ndarray:
    """a + b: Python integers if ``mod`` is None, else residues (uint64) mod ``mod``."""
    x = a + b
    if mod:  # x < 2 mod: subtract mod where that does not wrap below 0
        np.minimum(x, x - np.uint64(mod), out=x)
    return x


def _sub(a: np.ndarray, b: np.ndarray, mod: int | None) -> np.ndarray:
    """a - b, as :func:`_add`."""
    x = a - b
    if mod:  # x wrapped below 0 exactly when adding mod brings it back below mod
        np.minimum(x, x + np.uint64(mod), out=x)
    return x


def _spans(weights: Sequence[int], cap: int) -> Iterator[tuple[int, list[int], list[int],
                                                               list[int]]]:
    """The updates that build the table by coalition size, player by player: (w, rows, lo,
    hi) adds row r - 1, shifted w columns right, into row r between columns lo and hi, for
    each r of ``rows`` (downwards: row r - 1 still lacks the player).

    Players are added heaviest first, so after j of them a coalition of r weighs at least
    the r last added and at most the r first: each row is updated only between those two
    sums, which skips most of the table's zeros (about 4 in 5 cells at 1,000 players of
    weights 1..100)."""
    order = sorted(weights, reverse=True)
    s = np.array(list(itertools.accumulate(order, initial=0)))  # s[r]: the r heaviest
    for j, w in enumerate(order, start=1):
        rows = j - int(np.searchsorted(s, s[j] - cap, side="right"))  # sizes below cap
        r = np.arange(rows, 0, -1)
        lo, hi = s[j] - s[j - r], np.minimum(s[r - 1] + w, cap - 1)
        keep = lo <= hi
        yield w, r[keep].tolist(), lo[keep].tolist(), hi[keep].tolist()


def _table(weights: Sequence[int], cap: int, sizes: bool, mod: int | None = None,
           out: np.ndarray | None = None) -> np.ndarray:
    """Coefficients of prod(1 + y x^w) over ``weights`` (each < cap) truncated to x-degree
    < cap, as Python integers (or, with ``mod``, their residues as uint64): shape (k+1, cap)
    by coalition size if ``sizes`` (k the largest size of a coalition lighter than cap;
    rows updated as :func:`_spans` says), else (1, cap).  ``out``: a zeroed array of at
    least k+1 rows and cap columns to build it in (by size only)."""
    t = out if out is not None else np.zeros(
        (len(weights) + 1 if sizes else 1, cap), dtype=object if mod is None else np.uint64)
    t[0, 0] = 1
    if not sizes:
        for total, w in zip(itertools.accumulate(weights), weights, strict=True):
            hi = min(total, cap - 1)
            t[0, w:hi + 1] = _add(t[0, w:hi + 1], t[0, :hi + 1 - w], mod)
        return t
    if mod:
        return _table_lazy(weights, cap, mod, t)
    top = 0
    for w, rows, los, his in _spans(weights, cap):
        top = max(top, rows[0] if rows else 0)
        for r, lo, hi in zip(rows, los, his, strict=True):
            dst = t[r, lo:hi + 1]
            dst += t[r - 1, lo - w:hi + 1 - w]
    return t[:top + 1]


_LAZY = 63 - _PRIME_BITS  # players added between reductions modulo a prime below 2^56


def _table_lazy(weights: Sequence[int], cap: int, mod: int, t: np.ndarray) -> np.ndarray:
    """:func:`_table` by size modulo the prime ``mod`` (below 2^56) in ``t``, reducing
    only every ``_LAZY`` = 7 players.  Every cell is below mod after a reduction, and
    adding a player at most doubles the bound (a cell gains one cell of the row below,
    which this player has not touched yet), so 7 players leave every cell below
    2^7 mod < 2^63: nothing wraps.  Each row is then reduced (``%``) over the columns
    those players touched.  One addition per cell and player instead of an addition, a
    subtraction and a minimum."""
    touched: dict[int, list[int]] = {}
    top = 0
    step = np.uint64(mod)

    def reduce() -> None:
        for r, (lo, hi) in touched.items():
            t[r, lo:hi + 1] %= step
        touched.clear()

    for j, (w, rows, los, his) in enumerate(_spans(weights, cap), start=1):
        top = max(top, rows[0] if rows else 0)
        for r, lo, hi in zip(rows, los, his, strict=True):
            dst = t[r, lo:hi + 1]
            dst += t[r - 1, lo - w:hi + 1 - w]
            span = touched.setdefault(r, [lo, hi])
            span[0], span[1] = min(span[0], lo), max(span[1], hi)
        if j % _LAZY == 0:
            reduce()
    reduce()
    return t[:top + 1]


def _build_seconds(weights: Sequence[int], cap: int, moduli: int,
                   n_free: int) -> tuple[float, float]:
    """Estimated seconds to build the table by size (:func:`_table`) in Python integers
    and once per modulus in uint64.  Costs per update and per cell as measured on the
    development machine (2026): a Python-integer update about 2 us plus 30 + 0.13 n ns a
    cell (the integers have up to n bits); a uint64 update about 2.5 us plus 1.25 ns a
    cell, per modulus (with the lazy reduction of :func:`_table_lazy`; 3.6 us and 1.8 ns
    before it)."""
    calls = cells = 0
    for _, rows, los, his in _spans(weights, cap):
        calls += len(rows)
        cells += sum(his) - sum(los) + len(rows)
    as_ints = calls * 2e-6 + cells * (30 + 0.13 * n_free) * 1e-9
    return as_ints, moduli * (calls * 2.5e-6 + cells * 1.25e-9)


def _residues_pay(weights: Sequence[int], cap: int, moduli: int, n_free: int) -> bool:
    """Whether building the table once per modulus in uint64 is cheaper than once in
    Python integers (:func:`_build_seconds`).  Small tables (weights 1..10) are all call
    overhead, which residues only multiply."""
    as_ints, as_residues = _build_seconds(weights, cap, moduli, n_free)
    return as_residues < as_ints


def exact_seconds(weights: Sequence[int], quota: int) -> float:
    """Estimated seconds :func:`weighted_game` takes for Shapley-Shubik (no veto players)
    on the development machine: the cheaper of its two ways to build the table
    (:func:`_build_seconds`), which is most of the work.  An estimate, to choose between
    the exact and the floating-point road, not a promise (bench/power.md has the
    measurements: 1,000 players of weights 1..100 take minutes).

    >>> exact_seconds([7] * 5 + [1] * 10, 39) < 0.01
    True
    >>> import numpy as np
    >>> exact_seconds(np.random.default_rng(7).integers(1, 101, 1000).tolist(), 25_000) > 30
    True
    """
    _check_game(weights, quota)
    free = [int(w) for w in weights]
    if len(set(free)) == 1:  # all alike: closed form (:func:`anonymous_game`)
        return 0.0
    light = [w for w in free if w < quota]
    return min(_build_seconds(light, quota, len(_moduli(len(free) + 1)), len(free)))


def _prefix(table: np.ndarray, mod: int | None) -> np.ndarray:
    """Row prefix sums, ``prefix[:, e] = sum(table[:, :e])`` (mod ``mod``); reuses
    ``table``'s memory."""
    if not mod:  # Python integers, or uint64 wrapping round 2^64
        np.cumsum(table, axis=1, out=table)
    else:  # 2^7 residues below 2^56 sum below 2^63: reduce after each such stretch
        carry = np.zeros(table.shape[0], dtype=np.uint64)
        stretch = 1 << (63 - _PRIME_BITS)
        for c0 in range(0, table.shape[1], stretch):
            part = table[:, c0:c0 + stretch]
            np.cumsum(part, axis=1, out=part)
            part %= np.uint64(mod)
            part[:] = _add(part, carry[:, None], mod)
            carry = part[:, -1].copy()
    return np.concatenate([np.zeros((table.shape[0], 1), dtype=table.dtype), table], axis=1)


_BLOCK = 1 << (63 - _PRIME_BITS)  # residues below 2^56: 2^7 of them sum below 2^63


def _top(weights: Sequence[int], cap: int) -> int:
    """The largest size of a coalition of ``weights`` lighter than ``cap`` (the last row
    :func:`_table` fills)."""
    return max((rows[0] for _, rows, _, _ in _spans(weights, cap) if rows), default=0)


def _reduce(a: np.ndarray, mod: int) -> None:
    """a -= mod where a >= mod, in place, for a < 2 mod (row by row: no big temporary)."""
    step = np.uint64(mod)
    for row in a.reshape(a.shape[0], -1):
        np.minimum(row, row - step, out=row)


def _prefix_rows(a: np.ndarray, mod: int) -> None:
    """Inclusive prefix sums along each row of ``a`` (uint64 residues), in place, modulo
    ``mod`` (0: 2^64, by wrap-around).  For a prime, the row is cut into blocks of 2^7
    residues (below 2^56, so a block sums below 2^63): one cumsum and one reduction per
    block, then the blocks' totals are summed the same way (recursively) and added back.
    ``a``'s row length must be a multiple of the block (or ``mod`` 0).

    >>> a = np.arange(2 * 256, dtype=np.uint64).reshape(2, 256) * np.uint64(97)
    >>> _prefix_rows(a, 101)
    >>> [int(x) for x in a[:, -1]] == [sum(range(256)) * 97 % 101,
    ...                               sum(range(256, 512)) * 97 % 101]
    True
    """
    if not mod:
        np.cumsum(a, axis=1, out=a)
        return
    rows, cols = a.shape
    if cols <= _BLOCK:
        np.cumsum(a, axis=1, out=a)
        a %= np.uint64(mod)
        return
    b = a.reshape(rows, cols // _BLOCK, _BLOCK)
    np.cumsum(b, axis=2, out=b)
    b %= np.uint64(mod)
    totals = b[:, :, -1].copy()  # block totals, reduced; their prefix sums carry over
    pad = -totals.shape[1] % _BLOCK
    totals = np.concatenate([totals, np.zeros((rows, pad), dtype=np.uint64)], axis=1)
    _prefix_rows(totals, mod)
    b[:, 1:, :] += totals[:, :b.shape[1] - 1, None]
    _reduce(b, mod)


def _residue_prefix(light: Sequence[int], cap: int, mod: int) -> tuple[np.ndarray, int]:
    """The table by size (:func:`_table`) modulo ``mod``, turned into row prefix sums in
    its own memory: (``full``, R), where ``full[R + k, e]`` = sum(table[k, :e]) (so
    column 0 is 0) for the R table rows, with R zero rows above and one below, which let
    :func:`_window_residues` read its diagonals as strided views.  The columns run to a
    multiple of the prefix block (:func:`_prefix_rows`); the extra ones are never read."""
    r = _top(light, cap) + 1
    width = -(-cap // _BLOCK) * _BLOCK
    full = np.zeros((2 * r + 1, width + 1), dtype=np.uint64)
    _table(light, cap, True, mod, out=full[r:2 * r, 1:])
    _prefix_rows(full[r:2 * r, 1:], mod)
    return full, r


def _window_residues(full: np.ndarray, r: int, w: int, need: int, mod: int) -> np.ndarray:
    """:func:`_window` (own player divided out, by size) on :func:`_residue_prefix`'s
    layout, without gathering: with P the prefix rows and
    A[k] = sum_(t=0..T) (-1)^t P[k - t, need - t w], T = (need - 1) // w, the window is
    A[k] + A[k + 1] - P[k + 1, need] (the blocks' right ends give A[k]; their left ends,
    shifted one size down, give the rest), and A's terms lie on a line of constant stride
    -(C + w) in the flat array of C columns: one strided view, summed row by row."""
    cols = full.shape[1]
    steps = min((need - 1) // w, r)  # t > k reads the zero rows above: not needed past r
    flat = full.reshape(-1)
    start = r * cols + need
    view = np.lib.stride_tricks.as_strided(
        flat[start:], shape=(r + 1, steps + 1),
        strides=(cols * flat.itemsize, -(cols + w) * flat.itemsize), writeable=False)
    a = _sub(_row_sums(view[:, 0::2], mod), _row_sums(view[:, 1::2], mod), mod)
    return _sub(_add(a[:-1], a[1:], mod), full[r + 1:2 * r + 1, need], mod)


def _window(prefix: np.ndarray, w: int, need: int, own: bool, by_size: bool,
            mod: int | None = None) -> np.ndarray:
    """Per coalition size, how many coalitions of the other table players weigh in
    [need - w, need - 1] (a player of weight ``w`` swings there), from row prefix sums
    ``prefix[:, e] = sum(table[:, :e])``.

    ``own``: the player's factor (1 + y x^w) is in the table and is divided out.  With
    1/(1 + y x^w) = sum_t (-y)^t x^(tw), coefficient d of the quotient is
    sum_t (-1)^t table[k-t, d-tw]; as d runs over the window and t >= 0, e = d - tw runs
    over 0..need-1 exactly once (t = (need-1-e) // w), so the window sum is an
    alternating sum of blocks of w consecutive table columns, block t shifted t sizes
    down -- O(need / w) additions instead of a division per column (Kakimura & Terai,
    2025, read the quotient off the same way).  With ``mod``, residues (by size only)."""
    if not own:
        return _sub(prefix[:, need], prefix[:, max(need - w, 0)], mod)
    if not by_size:
        t = np.arange((need - 1) // w + 1)
        blocks = prefix[0, need - t * w] - prefix[0, np.maximum(need - (t + 1) * w, 0)]
        return np.array([blocks[0::2].sum() - blocks[1::2].sum()], dtype=object)
    rows = prefix.shape[0]
    t = np.arange(min((need - 1) // w + 1, rows))  # block t lands t sizes down: < rows
    block = _sub(prefix[:, need - t * w], prefix[:, np.maximum(need - (t + 1) * w, 0)], mod)
    padded = np.zeros((len(t) + rows, len(t)), dtype=prefix.dtype)
    padded[len(t):] = block
    moved = padded[len(t) + np.arange(rows)[:, None] - t, t]  # moved[k, t] = block[k - t, t]
    return _sub(_row_sums(moved[:, 0::2], mod), _row_sums(moved[:, 1::2], mod), mod)


def _row_sums(m: np.ndarray, mod: int | None) -> np.ndarray:
    """Sums along rows (mod ``mod``, reducing before uint64 could overflow)."""
    if not mod:
        return m.sum(axis=1)
    out = np.zeros(m.shape[0], dtype=np.uint64)
    stretch = 1 << (63 - _PRIME_BITS)
    for c0 in range(0, m.shape[1], stretch):
        out = _add(out, m[:, c0:c0 + stretch].sum(axis=1) % np.uint64(mod), mod)
    return out


def weighted_game(weights: Sequence[int], quota: int, vetoers: Sequence[int] = (), *,
                  shapley: bool = True) -> PowerIndices:
    """Exact Banzhaf and Shapley-Shubik indices of ``[quota; weights]`` where a coalition
    must also contain every player in ``vetoers``.

    The generating function prod(1 + y x^w) over the other players (y counts members, x
    weighs them), truncated below the quota, is built once; each distinct weight's swings
    are read off it as an alternating sum of column blocks (:func:`_window`), so the
    per-weight cost is O(quota / w) and nothing is divided.

    Parameters
    ----------
    weights : sequence of int
    quota : int
        A coalition wins iff its weight is >= quota (and it holds every veto player).
    vetoers : sequence of int
        Indices of veto players.
    shapley : bool
        Also compute Shapley-Shubik (by coalition size: n times the work); if False
        ``shapley_shubik`` is empty.

    Examples
    --------
    The UN Security Council (5 permanent members of weight 7 with a veto in effect,
    10 elected of weight 1, quota 39):

    >>> un = weighted_game([7] * 5 + [1] * 10, 39)
    >>> str(un.shapley_shubik[0]), str(un.shapley_shubik[-1])
    ('421/2145', '4/2145')
    >>> un.banzhaf_swings[0], un.banzhaf_swings[-1]
    (848, 84)
    """
    _check_game(weights, quota)
    weights = [int(w) for w in weights]
    n = len(weights)
    veto = set(vetoers)
    if not veto and len(set(weights)) == 1:
        w0 = weights[0]
        return anonymous_game(n, lambda k: k * w0 >= quota)
    free = [weights[j] for j in range(n) if j not in veto]
    need = quota - sum(weights[j] for j in veto)  # what the free players must add
    keys = list(dict.fromkeys((w, i in veto) for i, w in enumerate(weights)))
    light = [w for w in free if w < max(need, 1)]
    moduli: tuple[int | None, ...] = (None,)
    if shapley and _residues_pay(light, max(need, 1), len(_moduli(len(free) + 1)), len(free)):
        moduli = _moduli(len(free) + 1)
    counts = _counts(light, need, keys, len(free), shapley, moduli)
    fact = [math.factorial(k) for k in range(n + 1)]
    found = {key: _finish(counts[key], key[1], len(veto), fact, shapley) for key in keys}
    swings = tuple(found[(w, i in veto)][0] for i, w in enumerate(weights))
    ss = tuple(found[(w, i in veto)][1] for i, w in enumerate(weights)) if shapley else ()
    return PowerIndices(swings, ss)


Key = tuple[int, bool]  # (weight, veto player?)


def _counts(light: list[int], need: int, keys: list[Key], n_free: int, shapley: bool,
            moduli: Sequence[int | None]) -> dict[Key, np.ndarray | None]:
    """Per (weight, veto?), how many coalitions of free players make such a player swing,
    by coalition size if ``shapley`` (else one total), as Python integers; None if never.

    ``light``: the free players lighter than ``need`` (the heavier ones are in no losing
    coalition).  A veto player swings with every coalition of free players weighing
    >= need (and the other vetoers); a free player when the free players with him weigh
    in [need - w, need - 1] (with every vetoer).

    ``moduli``: (None,) for Python integers; else the table is built once per modulus in
    uint64 (:func:`_moduli`: 2^64 by wrap-around, then primes below 2^56), and the counts
    are put together from their residues by the Chinese remainder theorem (Garner).  That
    is exact when the moduli multiply to more than every count: each is a number of sets
    of at most ``n_free`` players, below 2^(n_free + 1), which :func:`_moduli` exceeds.
    At 1,000 players that takes 18 moduli; a cell costs about 1.25 ns per modulus against
    about 160 ns as a Python integer of up to 1,000 bits (:func:`_residues_pay`).  With
    residues, the table is built lazily reduced (:func:`_table_lazy`) in a padded layout
    (:func:`_residue_prefix`) whose swing windows are strided views
    (:func:`_window_residues`)."""
    combs = [math.comb(n_free, k) for k in range(n_free + 1)] if shapley else [2 ** n_free]
    res: dict[Key, list[np.ndarray]] = {key: [] for key in keys}
    for mod in moduli:
        padded = r = None
        if mod is not None and shapley:  # residues by size: strided windows
            padded, r = _residue_prefix(light, max(need, 1), mod)
            prefix = padded[r:2 * r]
        else:
            prefix = _prefix(_table(light, max(need, 1), shapley, mod), mod)
        for w, is_veto in keys:
            if is_veto:  # every coalition of free players, less those weighing < need
                full = combs if mod is None else [c % (mod or 1 << 64) for c in combs]
                got = np.array(full, dtype=prefix.dtype)
                if need > 0:
                    rows = prefix.shape[0]
                    got[:rows] = _sub(got[:rows], prefix[:, need], mod)
            elif w == 0 or need <= 0:
                continue
            elif padded is not None and r is not None and w < need:
                got = _window_residues(padded, r, w, need, mod or 0)
            else:
                got = _window(prefix, w, need, own=w < need, by_size=shapley, mod=mod)
            res[(w, is_veto)].append(got)
        del prefix, padded
    return {key: (None if not r else r[0] if moduli[0] is None else _crt(r, moduli))
            for key, r in res.items()}


def _crt(residues: list[np.ndarray], moduli: Sequence[int | None]) -> np.ndarray:
    """The numbers (Python integers) with these residues modulo each of the pairwise
    coprime ``moduli`` (``_WRAP`` standing for 2^64), each below their product (Garner's
    mixed-radix reconstruction).

    >>> _crt([np.array([3, 0], dtype=np.uint64), np.array([1, 4], dtype=np.uint64)], (5, 7))
    array([8, 25], dtype=object)
    """
    x = residues[0].astype(object) % (moduli[0] or 1 << 64)
    big = moduli[0] or 1 << 64
    for r, m in zip(residues[1:], moduli[1:], strict=True):
        m = m or 1 << 64
        x = x + big * ((r.astype(object) - x) * pow(big, -1, m) % m)
        big *= m
    return x


def _finish(counts: np.ndarray | None, is_veto: bool, n_veto: int, fact: list[int],
            shapley: bool) -> tuple[int, Fraction]:
    """(swings, Shapley-Shubik index) of a player from the :func:`_counts` of its kind:
    the coalitions by size of the free players, plus every other vetoer."""
    if counts is None:
        return 0, Fraction(0)
    if not shapley:
        return int(counts[0]), Fraction(0)
    n = len(fact) - 1
    extra = n_veto - 1 if is_veto else n_veto
    num = sum(int(c) * fact[k + extra] * fact[n - 1 - k - extra]
              for k, c in enumerate(counts) if c)
    return int(sum(counts)), Fraction(num, fact[n])


_TAIL = 1e-20  # what each index may lose outside the integration interval (proven bound)


@dataclass(frozen=True)
class ShapleyFloat:
    """Shapley-Shubik indices in floating point (:func:`shapley_shubik_float`).

    ``tail_bound`` is proven: no index changes by more than that from the two
    truncations (the integral's tails outside the interval the quadrature covers, and the
    tails of the weight distribution folded by a short FFT).  ``quadrature_bound`` is
    proven too: the Gauss rule's error on that interval (:func:`quadrature_bound`; 0 when
    ``exact_rule``, the rule having at least half as many nodes as there are players, so
    that it integrates the polynomial integrand exactly).  ``error_bound``, their sum,
    bounds each index's distance from the exact one before rounding; rounding is not
    bounded, and ``sum_defect`` (|sum - 1|, which is 0 for the true indices) checks it
    with the rest (measured: a relative 1e-14 against the exact indices, bench/power.md)."""

    values: tuple[float, ...]
    nodes: int
    exact_rule: bool
    tail_bound: float
    sum_defect: float
    quadrature_bound: float = 0.0

    @property
    def error_bound(self) -> float:
        """Proven bound on |value - exact index| for every player, rounding aside."""
        return self.tail_bound + self.quadrature_bound


def quadrature_bound(players: int, a: float, b: float, nodes: int) -> float:
    """A proven bound on the error of the ``nodes``-point Gauss-Legendre rule on [a, b]
    for every integrand p(t) = sum_S c_S t^|S| (1 - t)^(players - |S|) with 0 <= c_S <= 1
    over the subsets S of ``players`` others (an Owen integrand: the probability that the
    others joining with probability t land in a window).

    Such a p is a polynomial, and on every complex t, |p(t)| <= (|t| + |1 - t|)^players
    (the sum over all S of |t|^|S| |1 - t|^(players - |S|)).  Mapped to [-1, 1], if
    |g| <= M on the Bernstein ellipse E_rho, g's Chebyshev coefficients obey
    |a_k| <= 2 M rho^(-k) (Trefethen, *Approximation Theory and Approximation Practice*,
    2013, Theorem 8.1).  The m-node Gauss rule is exact up to degree 2m - 1 and symmetric
    (odd T_k cost nothing), and for even k it errs on T_k by at most
    2 + 2 / (k^2 - 1) (its weights sum to 2, |T_k| <= 1, int T_k = -2 / (k^2 - 1)), so by
    at most c = 32/15 once k >= 4 (m >= 2; c = 8/3 for m = 1).  Summing over even
    k >= 2m: error <= 2 c M rho^(2 - 2m) / (rho^2 - 1) (Theorem 19.3 there, whose rule has
    m = n + 1 nodes), times (b - a) / 2 on [a, b].  M is the largest |t| + |1 - t| on
    the ellipse's image around [a, b] (maximum modulus), taken over 4,096 points of its
    boundary plus what lies between them (the function moves by at most 2 A per radian,
    A the semi-major axis), to the power ``players``; the bound is the least over a grid
    of rho.

    >>> quadrature_bound(10, 0.0, 1.0, 6) == 0.0  # degree 10 <= 2 * 6 - 1: exact
    True
    >>> 0 < quadrature_bound(999, 0.32, 0.68, 48) < 1e-13 < quadrature_bound(999, 0.32, 0.68, 24)
    True
    """
    if 2 * nodes - 1 >= players or b <= a:
        return 0.0
    half, mid, k = (b - a) / 2, (a + b) / 2, 4096
    theta = np.linspace(0, 2 * np.pi, k, endpoint=False)[None, :]
    rho = np.geomspace(1.01, 64.0, 160)[:, None]
    semi_a, semi_b = half * (rho + 1 / rho) / 2, half * (rho - 1 / rho) / 2
    t = mid + semi_a * np.cos(theta) + 1j * semi_b * np.sin(theta)
    top = (np.abs(t) + np.abs(1 - t)).max(axis=1) + (2 * np.pi / k) * semi_a[:, 0]
    rho = rho[:, 0]
    c = 32 / 15 if nodes >= 2 else 8 / 3
    log_err = (math.log(half * 2 * c) + players * np.log(top) + (2 - 2 * nodes) * np.log(rho)
               - np.log(rho * rho - 1))
    return float(np.exp(log_err.min()))


def _fft_length(size: int) -> int:
    """The least 2^a 3^b 5^c >= size (a fast length for numpy's FFT)."""
    best = 1 << max(size - 1, 1).bit_length()
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            v = p35
            while v < size:
                v *= 2
            best = min(best, v)
            p35 *= 3
        p5 *= 5
    return best


def shapley_shubik_float(weights: Sequence[int], quota: int, *, nodes: int = 48,
                         tol: float = 1e-12) -> ShapleyFloat:
    """Shapley-Shubik indices of ``[quota; weights]`` in floating point, for games too big
    for :func:`weighted_game` (n = 1,000 players of weights 1..100 in about half a second,
    against minutes exactly, agreeing with the exact indices to a relative 1e-14: see
    bench/power.md).  Not exact: use :func:`weighted_game` where the time allows.

    Owen's multilinear extension: a player of weight w has index
    int_0^1 P_t(the others weigh in [quota - w, quota - 1]) dt, each other player joining
    with probability t -- a polynomial in t of degree < n (the Beta integral of
    k! (n-1-k)! / n!).  Outside an interval [a, b] the integrand is provably below
    1e-20 (Hoeffding's bound on the total weight; ``tail_bound``); on [a, b] a Gauss-Legendre
    rule with ``nodes`` points (exact when that is at least n / 2) evaluates it, with a
proven bound on its error (:func:`quadrature_bound`).  At each
    node the distribution of the total weight is one inverse FFT of
    prod_w (1 - t + t z^w)^(m_w) over the distinct weights w (m_w players each, summed as
    logarithms), as short as Hoeffding's bound allows (:func:`_owen`: about 10 standard
    deviations either side of the mean weight at t = 1/2, not the whole range of weights),
    and each distinct weight's window for the others is read off it without dividing:
    with r = -t / (1 - t) the quotient by (1 - t + t z^w) has window sum
    sum_(e < quota) D(e) r^floor((quota-1-e)/w) / (1 - t), and for t > 1/2 the same from
    above with r = -(1 - t)/t, so |r| <= 1 and no error is amplified.  Until the proven
    quadrature bound is within ``tol`` and the indices sum to 1 within ``tol``, the rule
    is doubled (up to n / 2 nodes, where it is exact).

    >>> r = shapley_shubik_float([7] * 5 + [1] * 10, 39)  # UN Security Council: 421/2145
    >>> r.exact_rule, abs(r.values[0] - 421 / 2145) < 1e-14, abs(r.values[-1] - 4 / 2145) < 1e-14
    (True, True, True)
    """
    _check_game(weights, quota)
    weights = [int(w) for w in weights]
    if nodes < 1:
        raise PowerError("nodes", f"{nodes} quadrature nodes", fix="use nodes >= 1")
    free = [w for w in weights if w]
    total, top, sq = sum(free), max(free), sum(w * w for w in free)
    gap = math.sqrt(math.log(1 / _TAIL) * sq / 2)  # Hoeffding: exp(-2 gap^2 / sq) = _TAIL
    a = max(0.0, (quota - top - gap) / total)
    b = min(1.0, (quota - 1 + top + gap) / total)
    whole = -(-len(free) // 2)  # Gauss nodes that integrate degree len(free) - 1 exactly
    distinct = sorted(set(free))
    counts = [free.count(w) for w in distinct]
    m = min(nodes, whole)
    while True:
        got, fold = _owen(distinct, counts, quota, a, b, m)
        values = tuple(got[w] if w else 0.0 for w in weights)
        defect = abs(math.fsum(values) - 1)
        quad = quadrature_bound(len(free) - 1, a, b, m)
        if m >= whole or (defect <= tol and quad <= tol):
            return ShapleyFloat(values, m, m >= whole, (a + 1 - b) * _TAIL + fold, defect, quad)
        m = min(2 * m, whole)


def _owen(distinct: list[int], counts: list[int], quota: int, a: float, b: float,
          nodes: int) -> tuple[dict[int, float], float]:
    """int_a^b of each distinct weight's swing probability by ``nodes`` Gauss points (see
    :func:`shapley_shubik_float`), and a proven bound on what folding changed.

    The FFT is shorter than the range of weights when that range is wide: at node t the
    distribution is read only within size/2 - 2 of its mean t * total, where it wraps round
    nothing else; by Hoeffding's bound the weight lies outside that stretch with
    probability at most 2 exp(-2 u^2 / sum w^2), u = size/2 - 2, and each window sum
    reads each value at most once with a factor of modulus at most 2, once as a wrapped
    value and once as a skipped one: the error is at most 8 exp(-2 u^2 / sum w^2)."""
    total = sum(w * c for w, c in zip(distinct, counts, strict=True))
    sq = sum(w * w * c for w, c in zip(distinct, counts, strict=True))
    reach = math.sqrt(math.log(8 / _TAIL) * sq / 2)  # 8 exp(-2 reach^2 / sq) = _TAIL
    size = _fft_length(min(total + 1, 2 * math.ceil(reach) + 4))
    fold = 0.0 if size > total else 8 * math.exp(-2 * (size / 2 - 2) ** 2 / sq)
    half = size // 2
    k = np.arange(half + 1)
    theta = 2 * np.pi * k / size
    cos, sin = np.cos(theta)[:, None], np.sin(theta)[:, None]
    x, wq = np.polynomial.legendre.leggauss(nodes)
    ts = (a + b) / 2 + (b - a) / 2 * x
    wq = wq * (b - a) / 2
    span = max(quota, total + 1 - quota)
    steps = np.arange(span)[:, None]
    out = np.zeros(len(distinct))
    chunk = max(1, min(16, 2_000_000 // (half + 1)))
    for c0 in range(0, nodes, chunk):
        t = ts[c0:c0 + chunk]
        # log(1 - t + t e^(-i theta)) on the upper half circle; the lower half is conjugate
        with np.errstate(divide="ignore"):  # t = 1/2 at theta = pi: log 0, exp(-inf) = 0
            re = 0.5 * np.log1p(-2 * t * (1 - t) * (1 - cos))
        im = np.concatenate([np.arctan2(-t * sin, (1 - t) + t * cos)] * 2)
        im[half + 1:] *= -1
        s_re = np.zeros((half + 1, len(t)))
        s_im = np.zeros_like(s_re)
        tmp = np.empty_like(s_re)
        for w, c in zip(distinct, counts, strict=True):
            j = k * w % size
            up = j > half
            j[up] = size - j[up]
            np.take(re, j, axis=0, out=tmp)
            tmp *= c
            s_re += tmp
            j[up] += half + 1  # the conjugate (negated) copy of the angle
            np.take(im, j, axis=0, out=tmp)
            tmp *= c
            s_im += tmp
        dist = np.fft.irfft(np.exp(s_re) * (np.cos(s_im) + 1j * np.sin(s_im)), size, axis=0)
        # from the quota down (t <= 1/2) or up (t > 1/2), within the unwrapped stretch
        low = t <= 0.5
        e = np.where(low, quota - 1 - steps, quota + steps)
        lo = np.clip(np.rint(t * total) - size // 2, 0, total + 1 - size)
        keep = (e >= lo) & (e < lo + size) & (e <= total)
        seg = np.zeros((span + 1, len(t)), dtype=np.longdouble)
        seg[1:] = np.where(keep, dist[e % size, np.arange(len(t))], 0.0)
        prefix = np.cumsum(seg, axis=0)
        ratio = np.where(low, t / (1 - t), (1 - t) / t)  # |r|, r negative
        powers = np.exp(steps * np.log(ratio)) * np.where(steps % 2, -1.0, 1.0)
        scale = wq[c0:c0 + chunk] / np.where(low, 1 - t, t)
        for i, w in enumerate(distinct):
            ends = np.minimum(np.arange(0, span + w, w), span)
            blocks = np.diff(prefix[ends], axis=0).astype(float)
            out[i] += float((blocks * powers[:len(blocks)]).sum(axis=0) @ scale)
    return dict(zip(distinct, out.tolist(), strict=True)), fold


ARITHMETIC = ("auto", "exact", "float")
"""The roads :func:`weighted_power` takes for Shapley-Shubik (Banzhaf is always exact)."""
AUTO_SECONDS = 10.0
"""``auto`` takes the exact road when :func:`exact_seconds` estimates it within this."""


@dataclass(frozen=True)
class Road:
    """How one index was computed: ``arithmetic`` "exact" (``error_bound`` 0) or "float"
    (``error_bound`` the proven bound on every player's |value - exact index| before
    rounding, :attr:`ShapleyFloat.error_bound`, with the Gauss ``nodes`` and the
    ``sum_defect`` that checks rounding too)."""

    arithmetic: str
    error_bound: float = 0.0
    nodes: int | None = None
    sum_defect: float | None = None

    @property
    def describe(self) -> str:
        """One line for people.

        >>> Road("exact").describe
        'exact (rational arithmetic; error 0)'
        """
        if self.arithmetic == "exact":
            return "exact (rational arithmetic; error 0)"
        return (f"floating point (Owen's integral, {self.nodes} Gauss nodes): each index within "
                f"{self.error_bound:.2g} of the exact one (proven bound on truncation and "
                f"quadrature; rounding aside: the indices sum to 1 within {self.sum_defect:.2g})")


@dataclass(frozen=True)
class WeightedPower:
    """Indices of ``[quota; weights]`` by :func:`weighted_power`, each labelled with its
    :class:`Road`; ``shapley_shubik`` holds Fractions (exact) or floats (float road)."""

    weights: tuple[int, ...]
    quota: int
    requested: str
    reason: str
    banzhaf_swings: tuple[int, ...]
    shapley_shubik: tuple[Fraction | float, ...]
    banzhaf_road: Road
    shapley_road: Road

    @property
    def n(self) -> int:
        return len(self.weights)

    @property
    def banzhaf_absolute(self) -> tuple[Fraction, ...]:
        return PowerIndices(self.banzhaf_swings, ()).banzhaf_absolute

    @property
    def banzhaf_normalised(self) -> tuple[Fraction, ...]:
        return PowerIndices(self.banzhaf_swings, ()).banzhaf_normalised


def weighted_power(weights: Sequence[int], quota: int, arithmetic: str = "auto", *,
                   budget: float = AUTO_SECONDS) -> WeightedPower:
    """Banzhaf (exact) and Shapley-Shubik indices of ``[quota; weights]``, Shapley-Shubik by
    the road ``arithmetic`` asks for: "exact" (:func:`weighted_game`), "float"
    (:func:`shapley_shubik_float`, with its proven error bound), or "auto": exact when
    :func:`exact_seconds` estimates that within ``budget`` seconds and its table within the
    ``power_cells`` limit (:mod:`model.limits`; "exact" past that limit is an error), else
    float.  The result names the road of each index and, for "auto", why (``reason``).

    >>> un = weighted_power([7] * 5 + [1] * 10, 39)
    >>> un.shapley_road.arithmetic, str(un.shapley_shubik[0]), un.reason[:29]
    ('exact', '421/2145', 'auto: the exact road is estim')
    >>> f = weighted_power([7] * 5 + [1] * 10, 39, "float")
    >>> f.shapley_road.arithmetic, abs(f.shapley_shubik[0] - 421 / 2145) < 1e-15
    ('float', True)
    """
    if arithmetic not in ARITHMETIC:
        raise PowerError("arithmetic", f"{arithmetic!r} is not one of {', '.join(ARITHMETIC)}",
                         fix="write exact, float or auto")
    _check_game(weights, quota)
    weights = tuple(int(w) for w in weights)
    road, reason = arithmetic, f"{arithmetic}: asked for"
    cells = 0 if arithmetic == "float" else (
        _top([w for w in weights if w < quota], quota) + 1) * quota
    if arithmetic == "auto":
        secs = exact_seconds(weights, quota)
        road = "exact" if secs <= budget and cells <= limit("power_cells") else "float"
        reason = (f"auto: the exact road is estimated at {secs:.2g} s, "
                  f"{'within' if secs <= budget else 'more than'} {budget:g} s")
        if cells > limit("power_cells"):
            reason += f", and its table of {cells} cells is over the power_cells limit"
    if road == "exact":
        enforce("power_cells", cells, PowerError, "arithmetic")
        r = weighted_game(weights, quota)
        return WeightedPower(weights, quota, arithmetic, reason, r.banzhaf_swings,
                             r.shapley_shubik, Road("exact"), Road("exact"))
    swings = weighted_game(weights, quota, shapley=False).banzhaf_swings
    f = shapley_shubik_float(weights, quota)
    return WeightedPower(weights, quota, arithmetic, reason, swings, f.values, Road("exact"),
                         Road("float", f.error_bound, f.nodes, f.sum_defect))


def brute_force(weights: Sequence[int], quota: int, vetoers: Sequence[int] = ()) -> PowerIndices:
    """The same indices by enumerating all 2^n coalitions (for tests, n <= 15)."""
    n = len(weights)
    if n > 20:
        raise PowerError("weights", f"{n} players are too many to enumerate", fix="use weighted_game")
    veto = set(vetoers)

    def wins(mask: int) -> bool:
        return (sum(weights[j] for j in range(n) if mask >> j & 1) >= quota
                and all(mask >> v & 1 for v in veto))

    win = [wins(m) for m in range(1 << n)]
    swings = [0] * n
    ss = [Fraction(0)] * n
    for m in range(1 << n):
        for i in range(n):
            if not m >> i & 1 and win[m | 1 << i] and not win[m]:
                swings[i] += 1
                k = bin(m).count("1")
                ss[i] += Fraction(math.factorial(k) * math.factorial(n - 1 - k), math.factorial(n))
    return PowerIndices(tuple(swings), tuple(ss))


@dataclass(frozen=True)
class TernaryPower:
    """Felsenthal-Machover style ternary measures (others yes / no / absent, 1/3 each):
    the probability that a member's switch changes whether the item passes (signed)."""

    no_to_yes: Fraction
    absent_to_yes: Fraction
    no_to_absent: Fraction


@dataclass(frozen=True)
class BodyPower(PowerIndices):
    """Indices of a body's decision rule; member 0 is the leader, who chairs."""

    institution: str = ""
    body: str = ""
    matter: str = ""
    chair_vetoes: bool = False
    chair_dictates: bool = False
    ternary_chair: TernaryPower | None = None
    ternary_member: TernaryPower | None = None
    reading: Mapping[str, str] = field(default_factory=dict)

    @property
    def reading_label(self) -> str:
        """The combination of readings that produced these indices."""
        return reading_label(self.reading)


def _passes(spec: RuleSpec, n: int, present: np.ndarray, vote: np.ndarray,
            discretion: bool) -> np.ndarray:
    """Whether the item passes in each profile (columns); member 0 leads and chairs when
    present; everyone present speaks, the chair last; nobody owns the matter.  With
    ``discretion`` a chair who may decide whether to call the vote calls it only when he
    votes yes."""
    size = present.shape[1]
    board = Board.uniform(n, deputies=0)
    chair_idx = chair_of(board, present)
    is_chair = chair_idx[None, :] == np.arange(n)[:, None]
    pos = fixed_places(board, MeetingModel(), present, chair_idx)
    terms: MeetingTerms[Any] = MeetingTerms(
        n=n, leader=0, present=list(present), recused=[False] * n, interested=[False] * n,
        owner=[False] * n, chair=list(is_chair), vote=list(vote), opinion=[0] * n, pos=list(pos),
        emergency=False, ad_hoc=False, portfolio=None, deputy=[False] * n,
        vote_called=(vote[chair_idx, np.arange(size)] == int(Vote.YES)) if discretion else True)
    out = np.broadcast_to(np.asarray(evaluate(spec, terms, NP).outcome), (size,))
    return np.asarray(out == int(Outcome.PASSED))


def body_power(institution: str | Path | Institution, *, n: int = 15, body: str | None = None,
               matter: str | None = None, reading: Mapping[str, str] | None = None,
               all_readings: bool = False, ternary: bool | None = None,
               discretion: bool = True) -> list[BodyPower]:
    """Exact indices of a body's rule on ``n`` alike members (member 0 leads and chairs),
    one :class:`BodyPower` per combination of readings (all, or those agreeing with
    ``reading``; see :mod:`simulations.readings`), each labelled with its reading.

    ``ternary`` (default: when n <= 400) adds the yes/no/absent measures.  ``discretion``:
    where the rules let the chair decide whether to put the item to a vote
    (``chair_calls_vote``), he withholds the vote on items he opposes -- the chair's special
    power, which makes him a veto player.
    """
    inst, body, matter, rs = resolve(institution, body, matter)
    if n < 2:
        raise PowerError("n", f"{n} members", fix="use n >= 2")
    return [_spec_power(spec, n, ternary, discretion, inst.id, body, matter, choice)
            for choice, spec in reading_specs(rs, reading, all_readings=all_readings)]


def _spec_power(spec: RuleSpec, n: int, ternary: bool | None, discretion: bool, inst: str,
                body: str, matter: str, choice: dict[str, str]) -> BodyPower:
    """:func:`body_power` for one concrete spec."""
    # binary game, all present: f(k others yes, chair yes?)
    ks = np.arange(n)
    prof = []
    for c in (1, 2):
        st = _arrange(n, np.full(n, c), None, np.zeros(n, dtype=np.int8), ks, n - 1 - ks)
        prof.append(_passes(spec, n, st != 0, st, discretion and spec.chair_calls_vote))
    f_yes, f_no = prof
    fact = [math.factorial(k) for k in range(n + 1)]
    chair_sw = sum(math.comb(n - 1, k) for k in range(n) if f_yes[k] and not f_no[k])
    chair_ss = Fraction(sum(1 for k in range(n) if f_yes[k] and not f_no[k]), n)
    mem_sw, mem_num = 0, 0
    for f, c in ((f_yes, 1), (f_no, 0)):
        for k in range(n - 1):
            if f[k + 1] and not f[k]:
                mem_sw += math.comb(n - 2, k)
                mem_num += math.comb(n - 2, k) * fact[k + c] * fact[n - 1 - k - c]
    mem_ss = Fraction(mem_num, fact[n])
    vetoes = not f_no.any() and f_yes.any()
    dictates = bool(f_yes.all() and not f_no.any())
    t_chair = t_mem = None
    if ternary if ternary is not None else n <= 400:
        t_chair, t_mem = _ternary(spec, n, discretion and spec.chair_calls_vote)
    return BodyPower((chair_sw,) + (mem_sw,) * (n - 1), (chair_ss,) + (mem_ss,) * (n - 1),
                     inst, body, matter, bool(vetoes), dictates, t_chair, t_mem, choice)


def _arrange(n: int, lead: np.ndarray, me: np.ndarray | None, first: np.ndarray, ky: np.ndarray,
             kn: np.ndarray) -> np.ndarray:
    """States (0 absent, 1 yes, 2 no) of one profile per column: member 0 in state ``lead``;
    if ``me`` is given, the last member in that state; the others (members 1..) hold ``ky``
    yes and ``kn`` no votes, the first present of them voting ``first`` (1 or 2; 0 = no
    constraint), then the other yes, then no, then the absent."""
    size = len(ky)
    state = np.zeros((n, size), dtype=np.int8)
    state[0] = lead
    if me is not None:
        state[n - 1] = me
    rest = n - 1 - (me is not None)
    fixed = first > 0
    y = ky - (first == 1)
    k = kn - (first == 2)
    idx = np.arange(rest - 1)[:, None]
    tail = np.where(idx < y, 1, np.where(idx < y + k, 2, 0))
    state[1:1 + rest] = np.where(fixed, np.vstack([first[None, :], tail]),
                                 np.where(np.arange(rest)[:, None] < ky, 1,
                                          np.where(np.arange(rest)[:, None] < ky + kn, 2, 0)))
    return state


def _ternary(spec: RuleSpec, n: int, discretion: bool) -> tuple[TernaryPower, TernaryPower]:
    """Exact ternary measures for the chair (member 0) and an ordinary member (the last).

    Others are yes / no / absent with probability 1/3 each.  Profiles are grouped by the
    counts of yes and no among the others and, when the leader is away, by the vote of
    the member who then chairs (the first present in board order): given the counts that
    member votes yes in a share ky / (ky + kn) of the arrangements.
    """
    results = []
    for who in ("chair", "member"):
        rest = n - 1 if who == "chair" else n - 2
        grid = np.array([(a, b) for a in range(rest + 1) for b in range(rest + 1 - a)])
        ky, kn = grid[:, 0], grid[:, 1]
        count = np.array([math.factorial(rest) // (math.factorial(int(a)) * math.factorial(int(b))
                                                   * math.factorial(rest - int(a) - int(b)))
                          for a, b in grid], dtype=object)
        acc = {"no_to_yes": Fraction(0), "absent_to_yes": Fraction(0), "no_to_absent": Fraction(0)}
        lead_states = (None,) if who == "chair" else (0, 1, 2)
        for lead in lead_states:
            res: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
            for mine in (0, 1, 2):
                leader_state = mine if who == "chair" else lead
                parts = []
                if leader_state == 0:  # someone else chairs: split by his vote
                    for fv in (1, 2):
                        share = np.where(ky + kn > 0, (ky if fv == 1 else kn), 0)
                        keep = share > 0
                        w = [Fraction(int(c) * int(s), int(y + k)) for c, s, y, k in
                             zip(count[keep], share[keep], ky[keep], kn[keep], strict=True)]
                        st = _arrange(n, np.full(keep.sum(), 0), None if who == "chair" else
                                      np.full(keep.sum(), mine), np.full(keep.sum(), fv),
                                      ky[keep], kn[keep])
                        parts.append((np.array(w, dtype=object), st))
                    none = (ky + kn) == 0
                    st = _arrange(n, np.full(none.sum(), 0), None if who == "chair" else
                                  np.full(none.sum(), mine), np.zeros(none.sum(), dtype=np.int8),
                                  ky[none], kn[none])
                    parts.append((count[none], st))
                else:
                    st = _arrange(n, np.full(len(ky), leader_state), None if who == "chair" else
                                  np.full(len(ky), mine), np.zeros(len(ky), dtype=np.int8), ky, kn)
                    parts.append((count, st))
                res[mine] = [(w, _passes(spec, n, st != 0, st, discretion).astype(int))
                             for w, st in parts]
            for name, a, b in (("no_to_yes", 1, 2), ("absent_to_yes", 1, 0), ("no_to_absent", 0, 2)):
                acc[name] += sum((Fraction(sum(w * p)) for w, p in res[a]), Fraction(0))
                acc[name] -= sum((Fraction(sum(w * p)) for w, p in res[b]), Fraction(0))
        total = 3 ** (n - 1)
        results.append(TernaryPower(*(acc[k] / total for k in
                                      ("no_to_yes", "absent_to_yes", "no_to_absent"))))
    return results[0], results[1]


def _board_terms(spec: RuleSpec, board: Board, vote: list[Any], portfolio: str | None,
                 calls: bool, size: int) -> MeetingTerms[Any]:
    """Everyone present; the leader chairs and speaks last, owners first where required."""
    n, leader = board.n, board.leader
    owners = board.owners(portfolio)
    others = [i for i in range(n) if i != leader]
    first = [i for i in others if owners[i] and spec.owner_speaks_first]
    order = first + [i for i in others if i not in first] + [leader]
    place = {m: k for k, m in enumerate(order)}
    present = np.ones(size, dtype=bool)
    return MeetingTerms(
        n=n, leader=leader, present=[present] * n, recused=[False] * n, interested=[False] * n,
        owner=list(owners), chair=[j == leader for j in range(n)], vote=vote, opinion=[0] * n,
        pos=[np.full(size, place[i], dtype=np.int16) for i in range(n)], emergency=False,
        ad_hoc=False, vote_called=(vote[leader] == int(Vote.YES)) if calls else True,
        portfolio=portfolio, deputy=list(board.deputies()))


def _passed(spec: RuleSpec, terms: MeetingTerms[Any], size: int) -> np.ndarray:
    out = np.broadcast_to(np.asarray(evaluate(spec, terms, NP).outcome), (size,))
    return np.asarray(out == int(Outcome.PASSED))


def sampled_power(spec: RuleSpec, board: Board, samples: int = 20_000, seed: Seed = None,
                  portfolio: str | None = None, discretion: bool = True) -> dict[str, Estimate]:
    """Monte Carlo Banzhaf measure per member of ``board`` (all present, yes/no with
    probability 1/2 each; the leader chairs and speaks last, portfolio owners first where
    the rules say so): the share of sampled profiles in which the member's vote decides
    whether the item passes, with a 95% interval.  ``discretion`` as in :func:`body_power`."""
    g = as_generator(seed)
    n = board.n
    vote = list(np.where(g.random((n, samples)) < 0.5, int(Vote.YES), int(Vote.NO)).astype(np.int8))
    calls = discretion and spec.chair_calls_vote
    out: dict[str, Estimate] = {}
    for i, m in enumerate(board.members):
        res = []
        for v in (int(Vote.YES), int(Vote.NO)):
            vv = list(vote)
            vv[i] = np.full(samples, v, dtype=np.int8)
            res.append(_passed(spec, _board_terms(spec, board, vv, portfolio, calls, samples),
                               samples))
        out[m.id] = proportion(int(np.count_nonzero(res[0] & ~res[1])), samples)
    return out


def sampled_shapley(spec: RuleSpec, board: Board, samples: int = 20_000, seed: Seed = None,
                    portfolio: str | None = None, discretion: bool = True) -> dict[str, Estimate]:
    """Monte Carlo Shapley-Shubik index per member: in uniformly random orders of joining
    the "yes" side (the rest vote no), the share in which the member turns the item from
    not passed to passed, with a 95% interval."""
    g = as_generator(seed)
    n = board.n
    order = np.argsort(g.random((n, samples)), axis=0)  # order[k, s]: k-th to join
    rank = np.empty_like(order)
    rank[order, np.arange(samples)[None, :]] = np.arange(n)[:, None]
    calls = discretion and spec.chair_calls_vote
    pivot = np.full(samples, -1)
    for k in range(n + 1):
        vote = list(np.where(rank < k, int(Vote.YES), int(Vote.NO)).astype(np.int8))
        passed = _passed(spec, _board_terms(spec, board, vote, portfolio, calls, samples), samples)
        newly = passed & (pivot < 0)
        if k > 0:
            pivot[newly] = order[k - 1][newly]
        if (pivot >= 0).all():
            break
    return {m.id: proportion(int(np.count_nonzero(pivot == i)), samples)
            for i, m in enumerate(board.members)}
