"""Hand-made position records and tracker views for the Positions panel's tests (no engine): an SPX
iron condor valued from hand-set marks, one leg of it optionally stale, and a closed spread."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from analytics.exit_rules.model import ActionLeg, Advice, SuggestedAction
from analytics.payoff import expiry_payoff
from analytics.position_value import value_positions
from analytics.positions import ContractMark
from app.core.positions.legs import to_position
from app.core.positions.views import PositionView
from data.store.records import LegFill, LegRecord, PositionEvent, PositionRecord

NOW = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)  # Tuesday 12:00 ET
EXPIRY = date(2026, 3, 20)
SPOT = 5950.0
# (strike, call?, quantity, open price, mark bid, mark ask, delta, theta, vega)
CONDOR = ((5800.0, False, 1, 4.0, 2.9, 3.1, -0.06, -0.9, 1.5), (5850.0, False, -1, 7.0, 5.4, 5.6, -0.10, -1.4, 2.4),
          (6050.0, True, -1, 6.5, 4.9, 5.1, 0.09, -1.3, 2.3), (6100.0, True, 1, 3.5, 2.4, 2.6, 0.05, -0.8, 1.4))


def occ(k: float, call: bool) -> str:
    return f"SPXW260320{'C' if call else 'P'}{int(k * 1000):08d}"


def condor_record(id_: int = 7, *, notes: str = "") -> PositionRecord:
    legs = tuple(LegRecord("option", occ(k, c), "SPX", q, p, EXPIRY, c, k, 100)
                 for k, c, q, p, *_rest in CONDOR)
    opened = PositionEvent(1, id_, "opened", NOW - timedelta(days=2), tuple(LegFill(x.symbol, x.quantity, x.open_price)
                                                                          for x in legs), 600.0, "")
    return PositionRecord(id_, "SPX", "iron condor", "open", legs, NOW - timedelta(days=2), None, "manual", notes,
                          None, (opened,))


def closed_record(id_: int = 3) -> PositionRecord:
    at = NOW - timedelta(days=5)
    fills = (LegFill(occ(5900, False), -1, 10.0), LegFill(occ(5850, False), 1, 6.0))
    closes = (LegFill(occ(5900, False), 1, 5.0), LegFill(occ(5850, False), -1, 3.5))
    events = (PositionEvent(1, id_, "opened", at, fills, 400.0, ""),
              PositionEvent(2, id_, "closed", at + timedelta(days=1), closes, -150.0, "closed"))
    return PositionRecord(id_, "SPX", "bull put spread", "closed", (), at, at + timedelta(days=1), "manual", "", None,
                          events)


def marks(stale_symbol: str | None = None) -> dict[str, ContractMark]:
    out = {}
    for k, c, _q, _p, bid, ask, delta, theta, vega in CONDOR:
        asof = NOW - timedelta(minutes=10) if occ(k, c) == stale_symbol else NOW
        out[occ(k, c)] = ContractMark(occ(k, c), bid, ask, math.nan, SPOT, asof, 0.18, delta, 0.001, theta, vega)
    return out


def advice(position_id: int = 7) -> tuple[Advice, ...]:
    close = SuggestedAction("close", tuple(ActionLeg(occ(k, c), "sell" if q > 0 else "buy", 1, (b + a) / 2, "close",
                                                     EXPIRY, c, k) for k, c, q, _p, b, a, *_r in CONDOR),
                            net_price=-3.1, net_amount=-310.0, locked_in_profit=290.0)
    return (Advice("take_profit", "act", "Take profit: 48 % of the credit kept", position_id,
                   {"credit_kept_pct": 48.3, "pnl_usd": 290.0}, close, "50"),
            Advice("time_decay", "info", "21 DTE or less: manage the trade", position_id, {"dte_days": 17.0}))


def condor_view(record: PositionRecord | None = None, *, stale_symbol: str | None = None,
                with_advice: bool = True) -> PositionView:
    position = to_position(record or condor_record())
    value = value_positions([position], marks(stale_symbol), NOW.date(), NOW, 180.0)[0]
    payoff = expiry_payoff(position, [0.18] * 4, 0.04, 0.0)
    return PositionView(position, value, payoff, 0.64, advice(position.id) if with_advice else (), None, "", 0.04, 0.0)
