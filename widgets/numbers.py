"""How the tables write numbers: thousands separators, fixed decimals, never an exponent.

Python's ``g`` format turns 17,580 into "1.758e+04"; a trader reads volumes, open interest
and strikes in full ("17,580"). Compact forms (12.3K) belong only to columns that say so.
"""

from __future__ import annotations

import math

MISSING = "—"


def count(value: float) -> str:
    """Contracts, shares: "17,580"."""
    return f"{value:,.0f}" if math.isfinite(value) else MISSING


def price(value: float, decimals: int = 2) -> str:
    """"5,950.25"."""
    return f"{value:,.{decimals}f}" if math.isfinite(value) else MISSING


def strike(value: float) -> str:
    """A strike as listed: "5,950", "72.5", "112.25" (no trailing zeros, no exponent)."""
    if not math.isfinite(value):
        return MISSING
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(fraction: float, decimals: int = 1) -> str:
    """A decimal fraction as a percentage: 0.1234 -> "12.3%"."""
    return f"{100 * fraction:,.{decimals}f}%" if math.isfinite(fraction) else MISSING
