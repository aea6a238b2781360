"""How the journal writes a trade's cells: New York times, signed dollars, R, holding time."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from data.market_calendar import ET
from widgets.numbers import MISSING, price

INSTRUMENTS = {"stock": "Stock", "option": "Option", "spread": "Spread"}
GAIN, LOSS = "#26a69a", "#ef5350"


def et_time(moment: datetime | None) -> str:
    """"2022-06-21 09:31" in New York (the market's clock, whatever the machine's zone)."""
    return MISSING if moment is None else moment.astimezone(ET).strftime("%Y-%m-%d %H:%M")


def money(value: float | None) -> str:
    """"+$1,234.50" / "−$99.00" / "$0.00": a P&L's sign is what a trader reads first."""
    if value is None or not math.isfinite(value):
        return MISSING
    if round(value, 2) == 0:
        return "$0.00"
    return f"{'+' if value > 0 else '−'}${abs(value):,.2f}"


def r_multiple(value: float | None) -> str:
    return MISSING if value is None or not math.isfinite(value) else f"{value:+.2f}R".replace("-", "−")


def holding(span: timedelta | None) -> str:
    """"45s", "12m", "3h 05m", "2d 4h"."""
    if span is None:
        return MISSING
    seconds = int(span.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if hours < 1:
        return f"{minutes}m"
    if days < 1:
        return f"{hours}h {minutes % 60:02d}m"
    return f"{days}d {hours % 24}h"


def quantity(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4f}".rstrip("0")


def maybe_price(value: float | None) -> str:
    return MISSING if value is None else price(value)


def pnl_color(value: float | None) -> str | None:
    if value is None or not math.isfinite(value) or round(value, 2) == 0:
        return None
    return GAIN if value > 0 else LOSS


def plural(n: int, word: str) -> str:
    """"1 row", "2 rows", "1,250 trades"."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"
