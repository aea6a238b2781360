"""A small synthetic option chain priced by Black–Scholes, for the strategy and valuation tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

import numpy as np

from analytics.option_time import expiry_times
from analytics.pricing import bs_greeks, bs_price
from data.option_chain import OptionChain
from data.symbols import OptionSymbol

ASOF = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 11:00 ET
TODAY = date(2026, 12, 1)
DEC18, DEC24, JAN15 = date(2026, 12, 18), date(2026, 12, 24), date(2027, 1, 15)


def make_chain(underlying: str = "SPX", spot: float = 6600.0, strikes=None, listings=None, sigma: float = 0.18,
               r: float = 0.04, half_spread: float = 0.10, asof: datetime = ASOF,
               decimals: int | None = 2) -> OptionChain:
    """Every (expiry, root) of ``listings`` × call/put × strike, quoted mid ± ``half_spread``
    (rounded to ``decimals``; None keeps the model price exactly)."""
    strikes = np.arange(6400.0, 6810.0, 10.0) if strikes is None else np.asarray(strikes, float)
    listings = listings or [(DEC18, "SPXW"), (DEC18, "SPX"), (DEC24, "SPXW"), (JAN15, "SPXW")]
    rows = [(e, root, c, k) for e, root in listings for c in (True, False) for k in strikes]
    expiry = np.array([e for e, *_ in rows], dtype="datetime64[D]")
    root = np.array([x for _, x, _, _ in rows], dtype=object)
    is_call = np.array([c for *_, c, _ in rows])
    strike = np.array([k for *_, k in rows])
    T = expiry_times(expiry, root, asof)
    price = np.asarray(bs_price(spot, strike, T, r, 0.0, sigma, is_call))
    g = bs_greeks(spot, strike, T, r, 0.0, sigma, is_call)
    symbol = [OptionSymbol(x, underlying, e, c, k).occ.replace(" ", "") for e, x, c, k in rows]
    n = len(rows)
    tick = (lambda x: x) if decimals is None else (lambda x: np.round(x, decimals))
    bid = np.maximum(tick(price - half_spread), 0.0)
    return OptionChain(underlying, asof, symbol, root, expiry, is_call, strike, bid, tick(price + half_spread),
                       tick(price), np.zeros(n), np.zeros(n), np.full(n, sigma), g.delta, g.gamma,
                       np.zeros(n, bool))
