"""The selected trade's market at entry, in a trader's shorthand: price against VWAP and the nearest
key level, the levels, the options picture (GEX regime, flip, walls, IV and its rank, the day's
expected move used) and MAE/MFE — or, for a part not recorded, why."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from analytics.journal_trades import Trade
from analytics.trade_context import LevelsAtEntry
from data.market_calendar import ET
from data.store.records import OptionsContext
from widgets.journal import cells
from widgets.numbers import MISSING, price

WAITING = "The market context at entry is read from the provider's bars after the trade is stored…"


def _signed_pct(value: float) -> str:
    return f"{value:+.2f} %".replace("-", "−")


def _points(value: float) -> str:
    return f"{value:+,.2f}".replace("-", "−")


def levels_line(levels: LevelsAtEntry) -> str:
    parts = [f"Price {price(levels.price)}"]
    if levels.vwap is not None and levels.vwap_distance_pct is not None:
        parts.append(f"VWAP {price(levels.vwap)} ({_signed_pct(levels.vwap_distance_pct)})")
    if levels.nearest is not None:
        n = levels.nearest
        parts.append(f"nearest {n.name} {price(n.price)} ({_points(n.distance)})")
    order = ("PDH", "PDL", "PDC", "PMH", "PML", "ORH", "ORL", "P", "R1", "S1")
    named = " · ".join(f"{k} {price(levels.levels[k])}" for k in order if k in levels.levels)
    return " · ".join(parts) + (f"<br>Levels: {named}" if named else "")


def options_line(o: OptionsContext) -> str:
    walls = ", ".join(f"{label} {price(v)}" for label, v in (("flip", o.flip), ("call wall", o.call_wall),
                                                             ("put wall", o.put_wall)) if v is not None)
    iv = MISSING if o.iv_30d is None else f"{o.iv_30d * 100:.1f} %"
    rank = "" if o.iv_rank is None else f" (rank {o.iv_rank:.0f})"
    move = ""
    if o.move_at_open is not None and o.move_used_fraction is not None:
        move = f" · expected move used {o.move_used_fraction * 100:.0f} % of ±{o.move_at_open:,.2f}"
    at = o.at.astimezone(ET).strftime("%H:%M")
    return f"Options at {at} ET: {o.regime}" + (f", {walls}" if walls else "") + f"\nIV 30d {iv}{rank}{move}"


def excursion_line(trade: Trade) -> str:
    if trade.mae is None or trade.mfe is None:
        return ""
    def with_r(dollars: float) -> str:
        return cells.money(dollars) + (f" ({cells.r_multiple(dollars / trade.risk)})" if trade.risk else "")
    return f"MAE {with_r(trade.mae)} · MFE {with_r(trade.mfe)}"


def context_html(trade: Trade | None) -> str:
    if trade is None:
        return ""
    c = trade.context
    if c is None:
        return f"<i>{html.escape(WAITING, quote=False)}</i>"
    lines = ["<b>At entry</b>"]
    if c.levels is not None:
        lines.append(levels_line(c.levels))
    if c.options is not None:
        lines.append(html.escape(options_line(c.options), quote=False).replace("\n", "<br>"))
    if excursion := excursion_line(trade):
        lines.append(html.escape(excursion, quote=False))
    lines += [f"<span style='color:gray'>{html.escape(n, quote=False)}</span>" for n in c.notes]
    return "<br>".join(lines)


class TradeContextView(QLabel):
    def __init__(self) -> None:
        super().__init__(wordWrap=True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def show_trade(self, trade: Trade | None) -> None:
        self.setText(context_html(trade))
