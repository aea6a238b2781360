"""The risk-free rate at each expiry's maturity from the Treasury par yield curve (the daily CMT
yields the Treasury publishes, and Massive serves at ``/fed/v1/treasury-yields``).

The par yields are bond-equivalent (semiannual compounding) percentages; option pricing wants a
continuously compounded rate: r = 2·ln(1 + y/2). Between tenors the continuous rate is linear in
maturity, flat beyond the ends (a 0DTE expiry takes the 1-month rate). The bill tenors' published
yields are bond-equivalent too, so the one conversion serves the whole curve (the bias of treating
a sub-6-month bill's yield as semiannual is below a basis point at today's levels).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

import numpy as np

TENORS = {"yield_1_month": 1 / 12, "yield_3_month": 0.25, "yield_6_month": 0.5, "yield_1_year": 1.0,
          "yield_2_year": 2.0, "yield_3_year": 3.0, "yield_5_year": 5.0, "yield_7_year": 7.0,
          "yield_10_year": 10.0, "yield_20_year": 20.0, "yield_30_year": 30.0}


@dataclass(frozen=True, eq=False)
class YieldCurve:
    asof: date
    tenors: np.ndarray  # years, ascending
    rates: np.ndarray  # continuously compounded, decimal
    source: str

    def rate(self, T: np.ndarray | float) -> np.ndarray:
        """The continuously compounded rate at maturities ``T`` (years)."""
        return np.interp(np.asarray(T, dtype=np.float64), self.tenors, self.rates)


def continuous_from_par(percent: float) -> float:
    """A semiannual bond-equivalent yield in percent → the continuously compounded rate (decimal)."""
    return 2.0 * math.log1p(percent / 200.0)


def curve_from_par_yields(asof: date, row: dict[str, object], source: str) -> YieldCurve | None:
    """One day's ``yield_*`` fields (percent) → the curve; None with fewer than two usable tenors."""
    points = []
    for field, tenor in TENORS.items():
        value = row.get(field)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and \
                -5.0 < float(value) < 50.0:
            points.append((tenor, continuous_from_par(float(value))))
    if len(points) < 2:
        return None
    points.sort()
    return YieldCurve(asof, np.array([p[0] for p in points]), np.array([p[1] for p in points]), source)
