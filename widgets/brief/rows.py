"""How the brief's records read in the panel's tables (one function per section), and the prices a
row offers to the chain and the alerts (its levels)."""

from __future__ import annotations

import math

from data.market_calendar import ET
from data.morning_brief import BriefEarnings, BriefEvent, BriefPosition, MorningBrief, PositionsRisk, SymbolLevels
from widgets.numbers import MISSING

TIMING = {"bmo": "before the open", "amc": "after the close", "unknown": "time not given"}
IMPACT = {"high": "High", "medium": "Medium", "low": "Low"}


def _p(value: float | None) -> str:
    return MISSING if value is None or not math.isfinite(value) else f"{value:,.2f}"


def _signed_pct(value: float | None) -> str:
    return MISSING if value is None else f"{value:+.2f} %".replace("-", "−")


def title(brief: MorningBrief) -> str:
    made = brief.generated_at.astimezone(ET).strftime("%H:%M")
    kind = {"scheduled": "made at the 07:00 run", "on-demand": "refreshed", "preview": "a preview"}.get(brief.trigger,
                                                                                                        brief.trigger)
    return (f"<b>Morning brief {brief.market_date:%A %d %B %Y}</b> — {brief.watchlist} "
            f"({kind}, {made} ET)")


def level_cells(x: SymbolLevels) -> tuple[str, ...]:
    move = MISSING
    if x.expected_move is not None:
        move = f"±{x.expected_move:,.2f}" + (f" ({x.expected_move_pct:.2f} %)" if x.expected_move_pct else "")
    regime = {"positive gamma": "+γ", "negative gamma": "−γ"}.get(x.gex_regime or "", MISSING)
    rank = MISSING if x.iv_rank is None else f"{x.iv_rank:.0f}" + ("*" if x.iv_rank_basis and "proxy" in
                                                                     x.iv_rank_basis else "")
    return (x.symbol, _p(x.last), _signed_pct(x.gap_pct), _p(x.prior_high), _p(x.prior_low), _p(x.prior_close),
            _p(x.premarket_high), _p(x.premarket_low), _p(x.pivot), _p(x.r1), _p(x.s1), regime, _p(x.gex_flip),
            _p(x.call_wall), _p(x.put_wall), move, rank)


def macro_cells(e: BriefEvent) -> tuple[str, ...]:
    return (e.time_et, e.title, IMPACT.get(e.impact, e.impact), e.moves)


def earnings_cells(e: BriefEarnings) -> tuple[str, ...]:
    day = "today" if e.today else f"{e.report_date:%a %d %b}"
    estimate = MISSING if e.estimate_eps is None else f"{e.estimate_eps:.2f}"
    return (day, e.symbol, TIMING.get(e.timing, e.timing), estimate)


def position_cells(p: BriefPosition) -> tuple[str, ...]:
    dte = MISSING if p.dte is None else ("expires today" if p.expires_today else f"{p.dte}")
    pnl = f"{'+' if p.pnl > 0 else '−' if p.pnl < 0 else ''}${abs(p.pnl):,.2f}"  # the journal's way
    return (p.underlying, p.strategy, pnl, dte, "; ".join(p.advice) or MISSING)


def _dollars(value: float) -> str:
    return f"{'−' if value < 0 else ''}${abs(value):,.0f}"


def greeks_line(risk: PositionsRisk) -> str:
    if not risk.positions:
        return "No open positions."
    gamma = f"{risk.gamma:,.3f}".replace("-", "−")
    return (f"Totals: Δ {_dollars(risk.delta_dollars)} · Γ {gamma} · Θ {_dollars(risk.theta)}/day · "
            f"vega {_dollars(risk.vega)}")


def row_prices(brief: MorningBrief | None, is_levels: bool, is_watch: bool, row: int) -> list[tuple[str, float]]:
    """The levels a levels row (or a watch item's price) offers: (label, price), finite only."""
    if brief is None:
        return []
    if is_watch and 0 <= row < len(brief.watch_items):
        item = brief.watch_items[row]
        return [("the level", item.price)] if item.price is not None else []
    if not is_levels or not 0 <= row < len(brief.levels):
        return []
    x = brief.levels[row]
    named = (("PDH", x.prior_high), ("PDL", x.prior_low), ("PMH", x.premarket_high), ("PML", x.premarket_low),
             ("the GEX flip", x.gex_flip), ("the call wall", x.call_wall), ("the put wall", x.put_wall))
    return [(label, v) for label, v in named if v is not None and math.isfinite(v)]
