"""The market context at a journal trade's entry: where price stood against its key levels and VWAP,
and what the options market said (GEX regime, flip and walls, IV rank, the day's expected move used).

Read only from what was known *before* the entry: the key levels and VWAP come from the 1-minute
bars that closed before the entry's minute (the bar the trade was entered in is still forming),
and the options picture from the newest options-context record at or before the entry, on the same
New York day and at most ``OPTIONS_MAX_AGE`` old (an older one would describe another market).
The price is the trade's own fill for a stock trade, else the underlying's last close before entry.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from analytics.levels import SessionHours, key_levels
from data.bar_aggregation import et_day_and_minute
from data.market_calendar import ET
from data.models import Bars
from data.store.records import OptionsContext

if TYPE_CHECKING:
    from analytics.journal_trades import Trade

OPTIONS_MAX_AGE = timedelta(minutes=30)
VERSION = 1  # of the stored JSON: a context of another version is made again


@dataclass(frozen=True, slots=True)
class NearestLevel:
    name: str  # PDH, PDL, PDC, PMH, PML, ORH, ORL, VWAP, P, R1, S1
    price: float
    distance: float  # price − level, in the underlying's points
    distance_pct: float  # of the level


@dataclass(frozen=True, slots=True)
class LevelsAtEntry:
    price: float  # the underlying at entry
    vwap: float | None  # the session's VWAP so far (None before the first regular bar)
    vwap_distance_pct: float | None  # (price − VWAP) / VWAP × 100
    levels: dict[str, float]  # name → price, finite only
    nearest: NearestLevel | None


@dataclass(frozen=True, slots=True)
class TradeContext:
    symbol: str
    entry_at: datetime
    levels: LevelsAtEntry | None
    options: OptionsContext | None
    notes: tuple[str, ...] = field(default=())  # why a part is missing, in the trader's words


def levels_at_entry(bars: Bars, entry: datetime, price: float | None = None, or_minutes: int = 15,
                    hours: SessionHours | None = None) -> LevelsAtEntry | None:
    """Key levels and VWAP from the 1-minute ``bars`` that closed before ``entry``'s minute.

    None when no earlier session is in the bars (no prior-day levels to stand against)."""
    cutoff = int(entry.timestamp()) // 60 * 60
    before = bars.ts < cutoff
    if not before.any():
        return None
    ts = bars.ts[before]
    day, minute = et_day_and_minute(ts)
    opens, closes = (hours or SessionHours.regular()).per_bar(day)
    entry_day = int(et_day_and_minute(np.array([cutoff], dtype=np.int64))[0][0])
    kl = key_levels(day, minute, bars.high[before], bars.low[before], bars.close[before], bars.volume[before],
                    or_minutes=or_minutes, open_minute=opens, close_minute=closes, current_day=entry_day)
    if kl is None:
        return None
    at = float(bars.close[before][-1]) if price is None else float(price)
    vwap = kl.vwap if math.isfinite(kl.vwap) and int(day[-1]) == entry_day else None
    named = {"PDH": kl.prior_high, "PDL": kl.prior_low, "PDC": kl.prior_close, "PMH": kl.premarket_high,
             "PML": kl.premarket_low, "ORH": kl.or_high, "ORL": kl.or_low, "VWAP": vwap if vwap else math.nan,
             "P": kl.pivots.p, "R1": kl.pivots.r1, "S1": kl.pivots.s1}
    levels = {name: round(float(v), 4) for name, v in named.items() if v is not None and math.isfinite(v)}
    return LevelsAtEntry(at, vwap, None if not vwap else (at - vwap) / vwap * 100.0, levels, _nearest(at, levels))


def _nearest(price: float, levels: dict[str, float]) -> NearestLevel | None:
    if not levels:
        return None
    name, level = min(levels.items(), key=lambda kv: abs(price - kv[1]))
    return NearestLevel(name, level, price - level, (price - level) / level * 100.0 if level else math.nan)


def options_at_entry(records: list[OptionsContext], entry: datetime,
                     max_age: timedelta = OPTIONS_MAX_AGE) -> OptionsContext | None:
    """The newest record at or before ``entry`` on its New York day, no older than ``max_age``."""
    day = entry.astimezone(ET).date()
    usable = [r for r in records if r.at <= entry and entry - r.at <= max_age and r.at.astimezone(ET).date() == day]
    return max(usable, key=lambda r: r.at) if usable else None


# -- JSON (the store keeps a context as one JSON text) ------------------------------------------


def to_json(context: TradeContext) -> dict[str, Any]:
    out = asdict(context) | {"version": VERSION}
    out["entry_at"] = context.entry_at.isoformat()
    if context.options is not None:
        out["options"]["at"] = context.options.at.isoformat()
    return out


def from_json(data: dict[str, Any]) -> TradeContext:
    levels = data.get("levels")
    if levels is not None:
        nearest = levels.get("nearest")
        levels = LevelsAtEntry(**{**levels, "nearest": NearestLevel(**nearest) if nearest else None})
    options = data.get("options")
    if options is not None:
        options = OptionsContext(**{**options, "at": datetime.fromisoformat(options["at"])})
    return TradeContext(data["symbol"], datetime.fromisoformat(data["entry_at"]), levels, options,
                        tuple(data.get("notes", ())))


def readable(data: dict[str, Any]) -> bool:
    """Whether a stored context is of this version and reads back (else it is made again)."""
    if data.get("version") != VERSION:
        return False
    try:
        from_json(data)
    except (KeyError, TypeError, ValueError):
        return False
    return True


Stored = dict[str, tuple[dict[str, Any], float | None, float | None]]  # trade id → (JSON, MAE, MFE)


def with_context(trades: list[Trade], stored: Stored) -> list[Trade]:
    """The trades with their stored context at entry and MAE/MFE (dollars)."""
    out = []
    for trade in trades:
        found = stored.get(trade.id)
        if found is not None and readable(found[0]):
            trade = replace(trade, context=from_json(found[0]), mae=found[1], mfe=found[2])
        out.append(trade)
    return out
