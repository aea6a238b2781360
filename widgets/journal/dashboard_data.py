"""What the dashboard shows, computed in one pass off the GUI thread: the statistics, the
breakdown chosen, the trades of each day (for the heatmap's click-through), the recent trades."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from analytics.journal_stats import Group, JournalStats, breakdown, stats, table
from analytics.journal_trades import Trade
from data.market_calendar import ET
from widgets.journal.filters import Criteria, apply

BREAKDOWNS = (("setup", "Setup"), ("symbol", "Symbol"), ("tag", "Tag"), ("weekday", "Weekday (open)"),
              ("time_of_day", "Time of day (open, ET)"), ("dte", "Days to expiry at entry"),
              ("instrument", "Stock vs options"), ("gex_regime", "GEX regime at entry"),
              ("vwap_side", "Price vs VWAP at entry"))
RECENT = 12


@dataclass(frozen=True, slots=True)
class DashboardView:
    stats: JournalStats
    key: str
    groups: tuple[Group, ...]
    day_ids: dict[date, tuple[str, ...]]  # the closed trades of each New York close date
    recent: tuple[Trade, ...]  # the latest closes, newest first
    open_trades: int


def summarize(trades: Sequence[Trade], criteria: Criteria, key: str) -> DashboardView:
    chosen = apply(trades, criteria)
    t = table(chosen)
    days: dict[date, list[str]] = defaultdict(list)
    for trade in t.trades:
        days[trade.closed_at.astimezone(ET).date()].append(trade.id)
    return DashboardView(stats(t), key, tuple(breakdown(t, key)), {d: tuple(ids) for d, ids in days.items()},
                         tuple(reversed(t.trades[-RECENT:])), sum(1 for x in chosen if x.is_open))
