"""The brief's sections from what the services already hold: open-position risk (the tracker's
views, their exit advice), today's macro releases, the week's reports on the watchlist, and the
watch items — setups close to their trigger, IV rank at an extreme, gaps, reports today.

Thresholds (what a trader scanning at 07:00 wants flagged, not a signal):
``NEAR_TRIGGER_PCT`` 0.5 % between the price and a waiting setup's entry; IV rank ≥ 80 or ≤ 20;
a gap of ≥ 1 % from the prior close.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date

from data.market_calendar import ET
from data.morning_brief import (
    BriefEarnings,
    BriefEvent,
    BriefPosition,
    PositionsRisk,
    SymbolLevels,
    WatchItem,
)
from data.store.records import EarningsEvent, MacroEvent, TrackedSetup

NEAR_TRIGGER_PCT = 0.5
IV_RANK_HIGH, IV_RANK_LOW = 80.0, 20.0
GAP_PCT = 1.0
WAITING = ("active",)  # a tracked setup not triggered yet


def positions_risk(views: Sequence, today: date) -> PositionsRisk:
    """Every open position with its P&L, days to expiry and advice; greeks totalled."""
    rows, delta, gamma, theta, vega = [], 0.0, 0.0, 0.0, 0.0
    for view in views:
        v = view.value
        expires_today = any(leg.expiry == today for leg in view.position.legs if leg.expiry is not None)
        rows.append(BriefPosition(v.position_id, v.underlying, v.strategy, round(v.pnl, 2), v.dte, expires_today,
                                  tuple(a.title for a in view.advice)))
        delta, gamma, theta, vega = delta + v.delta_dollars, gamma + v.gamma, theta + v.theta, vega + v.vega
    return PositionsRisk(tuple(rows), round(delta, 2), round(gamma, 4), round(theta, 2), round(vega, 2))


def macro_rows(events: Iterable[MacroEvent], moves: dict[str, str] | None = None) -> tuple[BriefEvent, ...]:
    moves = moves or {}
    ordered = sorted(events, key=lambda e: e.at)
    return tuple(BriefEvent(e.at.astimezone(ET).strftime("%H:%M"), e.title, e.kind, e.impact, moves.get(e.kind, ""))
                 for e in ordered)


def earnings_rows(events: Iterable[EarningsEvent], today: date) -> tuple[BriefEarnings, ...]:
    seen: set[tuple[str, date]] = set()
    out = []
    for e in sorted(events, key=lambda e: (e.report_date, e.symbol)):
        if (e.symbol, e.report_date) in seen:  # two sources, one report
            continue
        seen.add((e.symbol, e.report_date))
        out.append(BriefEarnings(e.symbol, e.report_date, e.timing, e.estimate_eps, e.report_date == today))
    return tuple(out)


def watch_items(levels: Sequence[SymbolLevels], setups: Iterable[TrackedSetup],
                earnings: Sequence[BriefEarnings]) -> tuple[WatchItem, ...]:
    last = {line.symbol: line.last for line in levels if line.last is not None}
    items: list[WatchItem] = []
    for s in setups:
        price = last.get(s.symbol)
        if s.status in WAITING and price and s.entry and abs(price - s.entry) / s.entry * 100 <= NEAR_TRIGGER_PCT:
            items.append(WatchItem("setup_near_trigger", s.symbol,
                                   f"{s.symbol} {s.detector.replace('_', ' ')} {s.direction}: {price:,.2f} is "
                                   f"{abs(price - s.entry) / s.entry * 100:.2f} % from the {s.entry:,.2f} entry",
                                   s.entry))
    for line in levels:
        estimated = bool(line.iv_rank_basis and "proxy" in line.iv_rank_basis)  # HV stands in: no extreme to flag
        if line.iv_rank is not None and not estimated and line.iv_rank >= IV_RANK_HIGH:
            items.append(WatchItem("iv_rank_high", line.symbol, f"{line.symbol} IV rank {line.iv_rank:.0f}: "
                                   "options are rich against their year"))
        elif line.iv_rank is not None and not estimated and line.iv_rank <= IV_RANK_LOW:
            items.append(WatchItem("iv_rank_low", line.symbol, f"{line.symbol} IV rank {line.iv_rank:.0f}: "
                                   "options are cheap against their year"))
        if line.gap_pct is not None and abs(line.gap_pct) >= GAP_PCT and line.prior_close is not None:
            up = line.gap_pct > 0
            items.append(WatchItem("gap_up" if up else "gap_down", line.symbol,
                                   f"{line.symbol} gaps {'up' if up else 'down'} {abs(line.gap_pct):.2f} % from the "
                                   f"{line.prior_close:,.2f} close", line.prior_close))
    for e in earnings:
        if e.today:
            when = {"bmo": "before the open", "amc": "after the close"}.get(e.timing, "today, time unknown")
            items.append(WatchItem("earnings", e.symbol, f"{e.symbol} reports {when}"))
    return tuple(items)


def impact_texts(symbol: str, rows: Sequence, ordinary, events: Sequence[MacroEvent]) -> dict[str, str]:
    """kind → "SPY moved 1.12 % close→close on past CPI days (n 36, ×1.6 ordinary days)": a release
    before the open moves the stock before the session, so close→close is its reaction; one during
    the session (FOMC 14:00, ISM 10:00), open→close."""
    first_at = {}
    for e in sorted(events, key=lambda e: e.at):
        first_at.setdefault(e.kind, e)
    out = {}
    for row in rows:
        event = first_at.get(row.kind)
        if event is None or not row.n:
            continue
        et = event.at.astimezone(ET)
        before_open = (et.hour, et.minute) < (9, 30)
        mean, ratio = (row.mean_cc, row.ratio_cc) if before_open else (row.mean_oc, row.ratio_oc)
        if math.isnan(mean):
            continue
        how = "close→close" if before_open else "open→close"
        times = "" if ordinary is None or math.isnan(ratio) else f", ×{ratio:.1f} ordinary days"
        out[row.kind] = f"{symbol} moved {mean:.2f} % {how} on past {event.title} days (n {row.n}{times})"
    return out
