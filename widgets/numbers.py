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


def signed(value: float, decimals: int) -> str:
    """Fixed decimals with no negative zero: -0.0004 at 3 decimals is "0.000", not "-0.000"."""
    if not math.isfinite(value):
        return MISSING
    text = f"{value:,.{decimals}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def greek(value: float) -> str:
    """A small greek (theta, vega in $/share) with two significant digits where it is small:
    "-1.25", "-0.35", "-0.042", "0.0031"; "0.00" when it rounds away (never "-0.00", never e+)."""
    size = abs(value) if math.isfinite(value) else 0.0
    if size < 0.00005:
        return signed(0.0, 2) if math.isfinite(value) else MISSING
    return signed(value, 2 if size >= 0.1 else 3 if size >= 0.01 else 4)


def compact_money(value: float) -> str:
    """Dollars with three significant digits and a unit: "$205M", "−$1.23B", "$12.3K", "$950"."""
    if not math.isfinite(value):
        return MISSING
    sign, v = ("−" if value < 0 else ""), abs(value)
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if round(v / div, 1) >= 1:  # ($999.96K reads $1.00M, not $1000K)
            scaled = v / div
            decimals = 2 if scaled < 9.995 else 1 if scaled < 99.95 else 0
            return f"{sign}${scaled:.{decimals}f}{unit}"
    return f"{sign}${v:,.0f}"
