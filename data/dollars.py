"""Dollar amounts written compactly, one rule for every place that shows the same number (the GEX
panel's total and the coach's GEX card): "$17.68B", "−$1.53B", "$205.00M", "$950"."""

from __future__ import annotations

import math

MISSING = "—"


def compact_dollars(value: float | None, decimals: int = 2) -> str:
    if value is None or not math.isfinite(value):
        return MISSING
    sign, v = ("−" if value < 0 else ""), abs(value)
    for div, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if v >= div:
            return f"{sign}${v / div:,.{decimals}f}{unit}"
    return f"{sign}${v:,.0f}"
