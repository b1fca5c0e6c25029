"""Estimates with confidence intervals.

Proportions use the Wilson score interval (good near 0 and 1, never outside [0, 1]).
An exact probability is an :class:`Estimate` whose interval is the point itself.

Examples
--------
>>> e = proportion(50, 100)
>>> e.value, round(e.low, 4), round(e.high, 4)
(0.5, 0.4038, 0.5962)
>>> proportion(0, 10).low
0.0
>>> round(proportion(30, 100).stderr, 4)
0.0458
"""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["Estimate", "proportion", "Z95"]

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A probability with a 95% interval; ``trials`` is 0 for an exact value."""

    value: float
    low: float
    high: float
    trials: int = 0

    @property
    def exact(self) -> bool:
        return self.trials == 0

    @property
    def stderr(self) -> float:
        """Binomial standard error sqrt(p(1-p)/N) (0 for an exact value)."""
        return 0.0 if self.exact else math.sqrt(self.value * (1 - self.value) / self.trials)

    @property
    def half_width(self) -> float:
        return (self.high - self.low) / 2

    @classmethod
    def point(cls, value: float) -> Estimate:
        return cls(float(value), float(value), float(value), 0)


def proportion(k: int, n: int, z: float = Z95) -> Estimate:
    """Wilson score interval for ``k`` successes in ``n`` trials."""
    if n <= 0:
        return Estimate(math.nan, 0.0, 1.0, 0)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return Estimate(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)), n)
