"""Journal insights over a window (7/30/90 days) and the live nudge while trading.

Each insight is a plain sentence with its numbers and the trades behind it. Definitions:

* **Window**: the closed trades whose close falls in (now − days, now]; the statistics are those
  of analytics.journal_stats (scratches neither win nor lose).
* **Time of day / setup**: the breakdown groups with at least ``min_group`` trades; the best and
  the worst by net P&L (two insights, when at least two groups qualify).
* **Revenge trading**: a trade opened within ``revenge_minutes`` (15) after a losing trade closed,
  and bigger than it (opened strictly after the close: the remainder of a flip fill is not one).
  "Bigger" compares the risk when both trades have a planned stop, else the cost (entry ×
  quantity × multiplier).
* **Overtrading**: New York days (of the open) with more than ``overtrade_trades`` (5) trades,
  their net per day against the other days'; a warning when they did worse.
* **Realised R:R** = average win / |average loss|, against the break-even ratio of the window's
  win rate, (1 − p) / p; a warning below it.
* **Stop adherence**: losses with a risk (from the planned stop, or the risk-per-trade preference)
  that lost more than the risk by over ``stop_tolerance`` (10 %).
* **Sizing consistency**: coefficient of variation (population std / mean) of the risk per trade
  over the trades with a planned stop, else of their cost; a warning above ``sizing_cv`` (0.5).
* **Live nudge** (``live_nudge``): looks at the newest trade opened by ``now`` only, so a caller
  shows each nudge once (key: kind + trade id). In order: a trade opened within
  ``nudge_minutes`` (20) after two losses in a row ("tilt"), a revenge-sized trade (as above),
  the trade that takes the day past ``overtrade_trades``. Never blocking: it only returns a note.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from analytics.journal_stats import breakdown, stats
from analytics.journal_trades import Trade
from data.market_calendar import ET


@dataclass(frozen=True, slots=True)
class InsightParams:
    revenge_minutes: float = 15.0
    overtrade_trades: int = 5
    stop_tolerance: float = 0.10
    sizing_cv: float = 0.5
    min_group: int = 3
    nudge_minutes: float = 20.0
    nudge_losses: int = 2


@dataclass(frozen=True, slots=True)
class Insight:
    kind: str
    title: str
    message: str
    severity: str  # warn / info
    trade_ids: tuple[str, ...]


def _money(x: float) -> str:
    return f"{'−' if x < 0 else '+'}${abs(x):,.2f}"


def _is_loss(t: Trade) -> bool:
    return t.closed_at is not None and not t.is_scratch and t.net_pnl < 0


def _size(t: Trade, other: Trade) -> tuple[float, float]:
    """Comparable sizes of two trades: their risks when both have a planned stop, else their costs."""
    if t.planned_stop is not None and other.planned_stop is not None and t.risk and other.risk:
        return t.risk, other.risk
    return t.cost, other.cost


def insights(trades: Sequence[Trade], now: datetime, days: int = 7,
             params: InsightParams | None = None) -> list[Insight]:
    """Every insight over the last ``days`` days to ``now`` (aware), warnings first."""
    p = params or InsightParams()
    start = now - timedelta(days=days)
    window = [t for t in trades if t.closed_at is not None and start < t.closed_at <= now]
    if not window:
        return []
    out = [*_best_worst(window, "time_of_day", "time of day", p), *_best_worst(window, "setup", "setup", p)]
    for rule in (_revenge, _overtrading, _reward_risk, _stop_adherence, _sizing):
        found = rule(window, p)
        if found is not None:
            out.append(found)
    return sorted(out, key=lambda i: i.severity != "warn")


def _best_worst(window: list[Trade], key: str, what: str, p: InsightParams) -> list[Insight]:
    groups = [g for g in breakdown(window, key) if g.trades >= p.min_group]
    if len(groups) < 2:
        return []
    groups.sort(key=lambda g: g.net_pnl)
    label = (lambda g: f"{g.label}–{_slot_end(g.label)} ET") if key == "time_of_day" else (lambda g: g.label)
    out = []
    for g, which in ((groups[-1], "best"), (groups[0], "worst")):
        rate = "no wins or losses" if math.isnan(g.win_rate) else f"win rate {g.win_rate:.0%}"
        out.append(Insight(
            f"{key}_{which}", f"Your {which} {what}: {label(g)}",
            f"{label(g)}: {g.trades} trades, {rate}, {_money(g.net_pnl)} net.",
            "warn" if which == "worst" and g.net_pnl < 0 else "info", g.trade_ids))
    return out


def _slot_end(label: str) -> str:
    h, m = map(int, label.split(":"))
    end = h * 60 + m + 30
    return f"{end // 60:02d}:{end % 60:02d}"


def revenge_pairs(trades: Sequence[Trade], minutes: float) -> list[tuple[Trade, Trade]]:
    """(loss, the bigger trade opened within ``minutes`` after the loss closed) pairs."""
    losses = sorted((t for t in trades if _is_loss(t)), key=lambda t: t.closed_at)
    ordered = sorted(trades, key=lambda t: t.opened_at)
    opens = np.array([t.opened_at.timestamp() for t in ordered])
    pairs = []
    for loss in losses:
        end = loss.closed_at.timestamp()
        lo = int(np.searchsorted(opens, end, side="right"))  # strictly after: a flip's own remainder is not one
        hi = int(np.searchsorted(opens, end + minutes * 60, side="right"))
        for t in ordered[lo:hi]:
            if t is not loss and (sizes := _size(t, loss))[0] > sizes[1]:
                pairs.append((loss, t))
    return pairs


def _revenge(window: list[Trade], p: InsightParams) -> Insight | None:
    pairs = revenge_pairs(window, p.revenge_minutes)
    if not pairs:
        return None
    after = list({t.id: t for _, t in pairs}.values())
    closed = [t for t in after if t.closed_at is not None]
    net = sum(t.net_pnl for t in closed)
    losses = sum(1 for t in closed if _is_loss(t))
    return Insight(
        "revenge", "Bigger trades right after a loss",
        f"{len(after)} time(s) you opened a bigger trade within {p.revenge_minutes:g} minutes of a loss; "
        f"those trades netted {_money(net)} ({losses} of {len(closed)} lost).",
        "warn", tuple(t.id for t in after) + tuple(dict.fromkeys(loss.id for loss, _ in pairs)))


def _overtrading(window: list[Trade], p: InsightParams) -> Insight | None:
    by_day: dict = defaultdict(list)
    for t in window:
        by_day[t.opened_at.astimezone(ET).date()].append(t)
    busy = {d: ts for d, ts in by_day.items() if len(ts) > p.overtrade_trades}
    if not busy:
        return None
    busy_net = sum(t.net_pnl for ts in busy.values() for t in ts)
    calm = [t for d, ts in by_day.items() if d not in busy for t in ts]
    calm_days = len(by_day) - len(busy)
    per_busy = busy_net / len(busy)
    per_calm = sum(t.net_pnl for t in calm) / calm_days if calm_days else math.nan
    other = f"; on the other {calm_days} day(s) {_money(per_calm)} a day" if calm_days else ""
    worse = per_busy < 0 or (calm_days > 0 and per_busy < per_calm)
    return Insight(
        "overtrading", "Days with many trades",
        f"On {len(busy)} day(s) with more than {p.overtrade_trades} trades you netted {_money(busy_net)} "
        f"({_money(per_busy)} a day){other}.",
        "warn" if worse else "info", tuple(t.id for ts in busy.values() for t in ts))


def _reward_risk(window: list[Trade], p: InsightParams) -> Insight | None:
    s = stats(window)
    if not s.wins or not s.losses:
        return None
    ratio = s.average_win / abs(s.average_loss)
    needed = (1 - s.win_rate) / s.win_rate
    return Insight(
        "reward_risk", "Realised reward:risk",
        f"Realised reward:risk {ratio:.2f} (average win {_money(s.average_win)}, average loss "
        f"{_money(s.average_loss)}); at your {s.win_rate:.1%} win rate break-even needs {needed:.2f}.",
        "warn" if ratio < needed else "info",
        tuple(t.id for t in window if t.net_pnl != 0 and not t.is_scratch))


def _stop_adherence(window: list[Trade], p: InsightParams) -> Insight | None:
    planned = [t for t in window if _is_loss(t) and t.risk]
    if not planned:
        return None
    beyond = [t for t in planned if -t.net_pnl > t.risk * (1 + p.stop_tolerance)]
    if not beyond:
        return Insight("stop_adherence", "Stops kept",
                       f"All {len(planned)} losses with a planned risk stayed within it "
                       f"(+{p.stop_tolerance:.0%}).", "info", ())
    worst = min(beyond, key=lambda t: t.net_pnl / t.risk)
    r_text = f"{worst.net_pnl / worst.risk:.1f}R".replace("-", "−")
    return Insight(
        "stop_adherence", "Losses beyond the planned stop",
        f"{len(beyond)} of {len(planned)} losses with a planned risk lost more than it by over "
        f"{p.stop_tolerance:.0%} (worst: {r_text} on {worst.symbol}).",
        "warn", tuple(t.id for t in beyond))


def _sizing(window: list[Trade], p: InsightParams) -> Insight | None:
    with_stop = [t for t in window if t.planned_stop is not None and t.risk]
    used, what = (with_stop, "risk") if len(with_stop) >= 2 else (window, "cost")
    values = np.array([t.risk if what == "risk" else t.cost for t in used], dtype=float)
    if len(values) < 2 or values.mean() <= 0:
        return None
    cv = float(values.std() / values.mean())
    return Insight(
        "sizing", "Sizing consistency",
        f"Your {what} per trade varied by {cv:.0%} (coefficient of variation; {_money(values.min())} to "
        f"{_money(values.max())} over {len(values)} trades); consistent sizing keeps it under {p.sizing_cv:.0%}.",
        "warn" if cv > p.sizing_cv else "info", tuple(t.id for t in used))


def live_nudge(trades_today: Sequence[Trade], now: datetime, params: InsightParams | None = None) -> Insight | None:
    """A note about the newest trade opened by ``now`` when it starts a bad pattern, else None."""
    p = params or InsightParams()
    opened = sorted((t for t in trades_today if t.opened_at <= now), key=lambda t: t.opened_at)
    if not opened:
        return None
    latest = opened[-1]
    before = sorted((t for t in opened if t.closed_at is not None and t.closed_at <= latest.opened_at),
                    key=lambda t: t.closed_at)
    last = before[-p.nudge_losses:]
    gap = (latest.opened_at - last[-1].closed_at) if last else None
    if len(last) == p.nudge_losses and all(map(_is_loss, last)) and gap <= timedelta(minutes=p.nudge_minutes):
        return Insight(
            "tilt", f"Trade {len(opened)} right after {p.nudge_losses} losses",
            f"You opened {latest.symbol} {gap.total_seconds() / 60:.0f} minutes after {p.nudge_losses} losses in a "
            f"row ({_money(sum(t.net_pnl for t in last))}). Is this trade in your plan?",
            "warn", (latest.id, *(t.id for t in last)))
    pairs = [(loss, t) for loss, t in revenge_pairs([*before[-1:], latest], p.revenge_minutes) if t is latest]
    if pairs:
        loss = pairs[0][0]
        return Insight(
            "revenge", "A bigger trade right after a loss",
            f"{latest.symbol} is bigger than the {loss.symbol} trade that just lost {_money(loss.net_pnl)}.",
            "warn", (latest.id, loss.id))
    if len(opened) == p.overtrade_trades + 1:
        return Insight("overtrading", f"Trade {len(opened)} today",
                       f"This is trade {len(opened)} today, past your {p.overtrade_trades}-trade mark.",
                       "info", tuple(t.id for t in opened))
    return None
