"""How the Positions panel writes a position and its legs: dollars, greeks, marks and why a figure
is missing ("—" with the reason in the tooltip, never a 0 for unknown).

The rows are read from a tracker view (``app.core.positions.views.PositionView``, duck-typed: the
widgets never import the app) and a stored ``PositionRecord``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from PySide6.QtGui import QColor

from data.store.records import LegRecord, PositionRecord
from widgets.numbers import MISSING, greek, price, signed, strike

GAIN, LOSS, DIM = QColor("#26a69a"), QColor("#ef5350"), QColor("#8a8f98")
SEVERITY_COLORS = {"act": QColor("#ef5350"), "warn": QColor("#f6a343"), "info": QColor("#5c9ded")}
SEVERITY_RANK = {"info": 0, "warn": 1, "act": 2}
SEVERITY_NAMES = {"act": "Act", "warn": "Warn", "info": "Info"}
COLUMNS = ("Position", "Qty", "DTE", "Open", "Mark", "Value", "P&L", "P&L %", "Today", "Δ sh", "Δ $", "Θ/day",
           "Vega", "PoP", "Advice")
TIPS = {
    "Open": "Net premium paid (db) or received (cr) at the open, fees included; per share for a leg",
    "Mark": "Mid of the bid and ask, per share (bid / ask in the tooltip)",
    "Today": "P&L since yesterday's close (since the open for a position opened today)",
    "Δ sh": "Delta in shares of the underlying", "Δ $": "Delta in dollars (shares × the underlying price)",
    "Θ/day": "Theta: dollars per calendar day", "Vega": "Dollars per vol point of IV",
    "PoP": "Probability of profit at expiry, from the front expiry's at-the-money IV",
}


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    tip: str = ""
    color: QColor | None = None


def money(value: float, sign: bool = True) -> str:
    """"+$1,234", "−$56", "$0" (whole dollars: a position's money is read to the dollar)."""
    if not math.isfinite(value):
        return MISSING
    text = f"${abs(value):,.0f}"
    if text == "$0" or not sign:
        return ("−" if value < 0 and text != "$0" else "") + text
    return ("+" if value > 0 else "−") + text


def unlimited(value: float) -> str:
    return "unlimited" if math.isinf(value) else money(abs(value), sign=False)


def loss_text(value: float) -> str:
    """The max loss as a signed amount ("−$1,240"), "unlimited" when it is."""
    return "unlimited" if math.isinf(value) else money(value)


def pnl_color(value: float) -> QColor | None:
    return None if not math.isfinite(value) or value == 0 else GAIN if value > 0 else LOSS


def contract_name(leg: LegRecord) -> str:
    """"Dec 18 '26 5,900 P" for an option, "shares" for stock."""
    if leg.kind != "option" or leg.expiry is None:
        return f"{leg.symbol} shares"
    return f"{leg.expiry:%b %d '%y} {strike(leg.strike or math.nan)} {'C' if leg.is_call else 'P'}"


def quantity_summary(record: PositionRecord) -> str:
    """"1 × 4 legs" for a one-lot condor; the signed size for one leg."""
    if not record.legs:
        return MISSING
    if len(record.legs) == 1:
        return f"{record.legs[0].quantity:+,}"
    return f"{min(abs(x.quantity) for x in record.legs):,} × {len(record.legs)} legs"


def premium_cell(cost: float) -> Cell:
    if not math.isfinite(cost):
        return Cell(MISSING)
    return Cell(f"{money(abs(cost), sign=False)} {'cr' if cost < 0 else 'db'}",
                "Credit received at the open (fees included)" if cost < 0 else "Debit paid at the open (fees included)")


def pop_cell(pop: float, why: str = "") -> Cell:
    if math.isfinite(pop):
        return Cell(f"{100 * pop:.0f} %")
    return Cell(MISSING, why or "Unknown: no at-the-money IV for the front expiry")


def top_advice(advice) -> object | None:
    return max(advice, key=lambda a: SEVERITY_RANK.get(a.severity, 0), default=None)


def advice_cell(advice) -> Cell:
    best = top_advice(advice)
    if best is None:
        return Cell("")
    more = f" +{len(advice) - 1}" if len(advice) > 1 else ""
    tip = "\n".join(f"{SEVERITY_NAMES.get(a.severity, a.severity)}: {a.title}" for a in advice)
    rule = best.rule.replace("_", " ").capitalize()  # short: the title is in the tooltip and the detail
    return Cell(f"{SEVERITY_NAMES.get(best.severity, best.severity)}: {rule}{more}", tip,
                SEVERITY_COLORS.get(best.severity))


def _greek_cells(v, why: str) -> list[Cell]:
    def cell(x: float, text: str) -> Cell:
        return Cell(text, "" if math.isfinite(x) else why)

    return [cell(v.delta_shares, signed(v.delta_shares, 1)), cell(v.delta_dollars, money(v.delta_dollars)),
            cell(v.theta, money(v.theta) if abs(v.theta) >= 10 or not math.isfinite(v.theta) else signed(v.theta, 2)),
            cell(v.vega, money(v.vega) if abs(v.vega) >= 10 or not math.isfinite(v.vega) else signed(v.vega, 2))]


def _pnl_pct(value: float, why: str) -> Cell:
    return Cell(f"{value:+,.1f} %" if math.isfinite(value) else MISSING, "" if math.isfinite(value) else why,
                pnl_color(value))


def stale_reason(stale_after_s: float) -> str:
    return f"Stale mark: no fresh quote in the last {stale_after_s / 60:.0f} min — left out of the totals"


def leg_reason(leg_value, stale_after_s: float) -> str:
    if leg_value.missing:
        return "No two-sided quote for this contract: no mark, so no value, P&L or greeks"
    return stale_reason(stale_after_s) if leg_value.stale else ""


def position_cells(record: PositionRecord, view, stale_after_s: float) -> list[Cell]:
    """One row per position: live figures from ``view`` (None while it is being valued, or closed)."""
    name = Cell(f"{record.underlying} {record.strategy}", f"#{record.id}, opened {record.opened_at:%Y-%m-%d}")
    if record.status != "open":
        realized = record.realized
        return [name, Cell("closed"), Cell(""), Cell(""), Cell(""), Cell(""),
                Cell(money(realized), "Realized P&L: the cash of every fill, fees included", pnl_color(realized)),
                *[Cell("")] * 8]
    if view is None:
        wait = "Waiting for the tracker's first valuation of this position"
        return [name, Cell(quantity_summary(record)), *[Cell(MISSING, wait)] * 13]
    v = view.value
    why = _partial_reason(v, stale_after_s) or view.problem or "Unknown: no mark"
    dte = Cell(str(v.dte) if v.dte is not None else MISSING, "Days to the nearest expiry")
    return [name, Cell(quantity_summary(record)), dte, premium_cell(v.cost), Cell(""),
            Cell(money(v.value), _partial_reason(v, stale_after_s)),
            Cell(money(v.pnl), _partial_reason(v, stale_after_s) or ("" if math.isfinite(v.pnl) else why),
                 pnl_color(v.pnl)),
            _pnl_pct(v.pnl_pct, why), Cell(money(v.day_pnl), "" if math.isfinite(v.day_pnl) else why,
                                           pnl_color(v.day_pnl)),
            *_greek_cells(v, why), pop_cell(view.probability_of_profit, view.problem), advice_cell(view.advice)]


def _partial_reason(v, stale_after_s: float) -> str:
    if not v.partial:
        return ""
    bad = sum(1 for leg in v.legs if leg.missing or leg.stale)
    return (f"Partial: {bad} of {len(v.legs)} legs have no fresh mark (missing, or older than "
            f"{stale_after_s / 60:.0f} min) and are left out of the totals")


def leg_cells(leg: LegRecord, lv, today: date | None, stale_after_s: float) -> list[Cell]:
    """A leg row: its contract, size, open price, mark (bid/ask in the tooltip), P&L and greeks."""
    dte = (leg.expiry - today).days if leg.expiry is not None and today is not None else None
    head = [Cell(contract_name(leg), leg.symbol), Cell(f"{leg.quantity:+,}"),
            Cell(str(dte) if dte is not None else ""), Cell(price(leg.open_price), "Open price per share")]
    if lv is None:
        return [*head, *[Cell(MISSING, "Not valued yet")] * 11]
    why = leg_reason(lv, stale_after_s)
    quote = f"bid {price(lv.bid)} / ask {price(lv.ask)}"
    if math.isfinite(lv.iv):
        quote += f", IV {100 * lv.iv:.1f} %, gamma {greek(lv.gamma)}"
    mark = Cell(price(lv.mark), f"{why}\n{quote}".strip() if why else quote)
    return [*head, mark, Cell(money(lv.value), why), Cell(money(lv.pnl), why, pnl_color(lv.pnl)),
                   _pnl_pct(lv.pnl_pct, why), Cell(money(lv.day_pnl), why, pnl_color(lv.day_pnl)),
                   *_greek_cells(lv, why), Cell(""), Cell("")]


def is_dim(lv) -> bool:
    return lv is not None and (lv.missing or lv.stale)
