"""The one seed helper: every stochastic function of :mod:`simulations` takes
``seed: int | numpy.random.Generator | None`` and passes it through :func:`as_generator`.

Integers seed a PCG64 generator, so the same seed gives the same numbers on any
machine and numpy version that keeps PCG64's stream (numpy's documented policy).

Examples
--------
>>> a, b = as_generator(7), as_generator(7)
>>> bool(a.random() == b.random())
True
>>> g = as_generator(1)
>>> as_generator(g) is g
True
>>> as_generator("x")
Traceback (most recent call last):
...
TypeError: seed must be an int, a numpy.random.Generator or None, got 'x'
"""

from __future__ import annotations

import numpy as np

__all__ = ["Seed", "as_generator", "spawn_seeds"]

Seed = int | np.random.Generator | None


def as_generator(seed: Seed) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    Parameters
    ----------
    seed : int, Generator or None
        An int (reproducible), an existing generator (used as is), or None (fresh entropy).
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, int | np.integer) and not isinstance(seed, bool)):
        return np.random.Generator(np.random.PCG64(None if seed is None else int(seed)))
    raise TypeError(f"seed must be an int, a numpy.random.Generator or None, got {seed!r}")


def spawn_seeds(seed: Seed, k: int) -> list[int]:
    """``k`` independent integer seeds derived from ``seed`` (for parallel work items).

    >>> spawn_seeds(3, 2) == spawn_seeds(3, 2)
    True
    """
    g = as_generator(seed)
    return [int(x) for x in g.integers(0, 2**63 - 1, size=k, dtype=np.int64)]
