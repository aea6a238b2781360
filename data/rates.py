"""Default financing inputs for option maths when a provider supplies none.

A flat risk-free rate and the trailing dividend yields of the index products traders price
most; single stocks default to 0 (their discrete dividends matter little inside a month).
"""

from __future__ import annotations

RISK_FREE_RATE = 0.04  # continuously compounded
_DIVIDEND_YIELD = {"SPX": 0.013, "SPY": 0.013, "XSP": 0.013, "DJI": 0.018, "DIA": 0.018, "NDX": 0.006,
                   "QQQ": 0.006, "RUT": 0.012, "IWM": 0.012}


def dividend_yield(symbol: str) -> float:
    return _DIVIDEND_YIELD.get(symbol, 0.0)


def pays_index_yield(symbol: str) -> bool:
    """True for the index products in the table (their options trade with index-like skew)."""
    return symbol in _DIVIDEND_YIELD
