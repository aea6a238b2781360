"""A watchlist symbol's line in the brief: prior-day high/low/close, pre-market high/low and pivots
from the provider's minutes (extended hours), and — where the provider has options — GEX regime,
flip and walls, the front expiry's expected move, 30-day IV and its rank, from one chain read the
way the options panels read it (``app.core.option_chains._analyse``)."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np

from app.core.logging_setup import redact
from app.core.snapshots import IvRankView, OptionsSnapshot
from data.market_calendar import MarketCalendar, market_date
from data.models import Bars, Timeframe
from data.providers.base import MarketDataProvider, OptionsProvider
from data.providers.errors import ProviderError

log = logging.getLogger(__name__)
LOOKBACK = timedelta(days=6)  # back to the prior session over a long weekend
EPOCH = date(1970, 1, 1)

if TYPE_CHECKING:
    from analytics.yield_curve import YieldCurve

Rank = Callable[[OptionsSnapshot], Awaitable[IvRankView | None]]


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


def levels_from_bars(symbol: str, bars: Bars, today: date, last: float | None):
    from analytics.levels import SessionHours, key_levels
    from data.bar_aggregation import et_day_and_minute
    from data.morning_brief import SymbolLevels

    if not len(bars):
        return SymbolLevels(symbol, last, *([None] * 10), note=f"No {symbol} bars before today.")
    day, minute = et_day_and_minute(bars.ts)
    opens, closes = SessionHours.regular().per_bar(day)
    kl = key_levels(day, minute, bars.high, bars.low, bars.close, bars.volume, open_minute=opens,
                    close_minute=closes, current_day=(today - EPOCH).days)
    last = last if last is not None else float(bars.close[-1])
    if kl is None:
        return SymbolLevels(symbol, last, *([None] * 10), note=f"No {symbol} session before today in the bars.")
    p = kl.pivots
    # the gap is the regular open's against the prior close once the session has opened (after it,
    # last − close is the day's change, not a gap); before the open, the pre-market price's
    regular_today = np.flatnonzero((day == (today - EPOCH).days) & (minute >= opens) & (minute < closes))
    reference = float(bars.open[regular_today[0]]) if len(regular_today) else last
    gap = (reference - kl.prior_close) / kl.prior_close * 100 if kl.prior_close else None
    return SymbolLevels(symbol, _num(last), _num(kl.prior_high), _num(kl.prior_low), _num(kl.prior_close),
                        _num(kl.premarket_high), _num(kl.premarket_low), _num(p.p), _num(p.r1), _num(p.s1),
                        _num(p.r2), _num(p.s2), _num(gap))


def _options_part(snap: OptionsSnapshot, today: date, calendar: MarketCalendar) -> dict:
    """Today's expected move: the same-day straddle when the symbol has a 0DTE expiry; else the
    front expiry's straddle per session (÷ √ sessions to it: variance adds up by session)."""
    from analytics.expected_move import expected_moves

    atm = {pt.expiry: pt.atm_iv for pt in snap.iv.term.points}
    moves = [m for m in expected_moves(snap.chain, snap.spot, snap.greeks.T, atm) if m.expiry >= today]
    front = min(moves, key=lambda m: m.expiry) if moves else None
    move = basis = None
    if front is not None:
        sessions = max(1, len(calendar.sessions_between(today, front.expiry)))
        move = front.straddle / math.sqrt(sessions)
        day = f"{front.expiry:%b} {front.expiry.day}"
        basis = "0DTE straddle" if front.expiry == today else f"{day} straddle ÷ √{sessions}"
    return {"gex_regime": snap.gex.regime, "gex_flip": _num(snap.gex.flip), "call_wall": _num(snap.gex.call_wall),
            "put_wall": _num(snap.gex.put_wall), "iv_30d": _num(snap.iv.atm_30d),
            "expected_move": _num(move), "expected_move_basis": basis,
            "expected_move_pct": _num(move / snap.spot * 100) if move and snap.spot else None,
            "expected_move_expiry": front.expiry if front else None}


async def symbol_levels(provider: MarketDataProvider, calendar: MarketCalendar, symbol: str, now: datetime,
                        rank: Rank, with_options: bool = True, curve: YieldCurve | None = None):
    """The symbol's brief line; what could not be read is said in ``note`` (never raised)."""
    from app.core.option_chains import ChainUnavailableError, read_snapshot
    from data.morning_brief import SymbolLevels

    today = market_date(now)
    problem = provider.symbol_problem(symbol)
    if problem:
        return SymbolLevels(symbol, *([None] * 11), note=problem)
    try:
        quote = await provider.get_quote(symbol)
        bars = await provider.get_bars(symbol, Timeframe.M1, now - LOOKBACK, now, extended=True)
    except ProviderError as exc:
        return SymbolLevels(symbol, *([None] * 11), note=f"No {symbol} prices: {redact(str(exc))}")
    last = quote.last if quote.last and math.isfinite(quote.last) else None
    line = await asyncio.to_thread(levels_from_bars, symbol, bars, today, last)
    if not with_options or not isinstance(provider, OptionsProvider) or last is None:
        return line
    try:
        snap = await read_snapshot(provider, calendar, symbol, curve, quote=quote)
    except ChainUnavailableError as exc:
        return replace(line, note=(line.note + f" {exc}").strip())
    part = await asyncio.to_thread(_options_part, snap, today, calendar)
    ranked = await rank(snap)
    if ranked is not None and ranked.rank is not None:
        part["iv_rank"], part["iv_rank_basis"] = _num(ranked.rank.rank), ranked.rank.basis
    return replace(line, **part)
