"""How both setups tables write a plan: targets, R:R, hit rates, market times, directions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from PySide6.QtGui import QColor

from analytics.detections import MIN_CASES, wilson_interval
from data.market_calendar import ET
from widgets.numbers import MISSING, price

LONG, SHORT = QColor("#26a69a"), QColor("#ef5350")


def targets_text(targets: Sequence[float]) -> str:
    return " / ".join(price(t) for t in targets) or MISSING


def risk_reward(entry: float, stop: float, targets: Sequence[float]) -> float:
    risk = abs(entry - stop)
    return abs(targets[0] - entry) / risk if targets and risk > 0 else math.nan


def rr_text(value: float) -> str:
    return f"{value:.1f}" if math.isfinite(value) else MISSING


def direction_text(direction: str) -> str:
    return direction.capitalize()


def direction_color(direction: str) -> QColor:
    return LONG if direction == "long" else SHORT


def hit_rate_cell(hits: int | None, cases: int | None) -> tuple[str, str]:
    """(text, tooltip): "54 % (40–67) n=41" — the rate, its 95 % Wilson interval and the cases —
    over at least ``MIN_CASES`` cases, else a dash and why."""
    if cases is None or hits is None:
        return MISSING, f"No track record for this setup on this symbol yet (fewer than {MIN_CASES} cases)."
    if cases < MIN_CASES:
        return MISSING, f"Only {cases} past cases: fewer than {MIN_CASES}, too few to read a hit rate from."
    rate = round(100 * hits / cases)
    low, high = (round(100 * x) for x in wilson_interval(hits, cases))
    return (f"{rate} % ({low}–{high}) n={cases}",
            f"Reached its first target in {hits} of {cases} past cases on this symbol; "
            f"95 % interval {low} %–{high} %.")


def et_time(at: datetime, with_date: bool = True) -> str:
    """Market time, as the tables show it: "12-01 10:42" (ET)."""
    return at.astimezone(ET).strftime("%m-%d %H:%M" if with_date else "%H:%M:%S")


def age_text(decided_at: datetime, now: datetime | None) -> str:
    """Minutes since the bar it was decided on, on the market clock: "12 min", "2 h 05"."""
    if now is None:
        return MISSING
    minutes = max(0, int((now - decided_at).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 24 * 60:
        return f"{minutes // 60} h {minutes % 60:02d}"
    return f"{minutes // (24 * 60)} d"
