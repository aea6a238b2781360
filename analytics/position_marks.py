"""Contract marks for held legs from one chain snapshot: quotes from the chain, greeks from
``ChainGreeks`` (the app's one set of greeks per contract), in one vectorised pass.

A chain of 20,000 rows holds the few hundred contracts the positions use; they are found by a
numeric key (expiry, call/put, strike × 1000) sorted once, not by a dictionary of every symbol,
and only the contracts asked for become ``ContractMark`` objects. Roots that share a date and
strike (``SPX`` and ``SPXW``) are told apart by the symbol itself.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import numpy as np

from analytics.chain_greeks import ChainGreeks
from analytics.positions import ContractMark
from data.option_chain import OptionChain

_NAN = math.nan
_EPOCH = date(1970, 1, 1).toordinal()
_STRIKE_SPAN = 10**9  # strike × 1000 stays below this (an 8-digit OCC strike field)
_MAX_ROOTS = 4  # roots listing one date, type and strike (SPX/SPXW): the longest run to scan


def share_mark(symbol: str, price: float, asof: datetime, bid: float = _NAN, ask: float = _NAN,
               prev_close: float = _NAN) -> ContractMark:
    """The mark of shares (or an index) at ``price``: delta 1 per share, no other greeks."""
    return ContractMark(symbol, bid, ask, price, price, asof, _NAN, 1.0, 0.0, 0.0, 0.0, prev_close)


def _chain_keys(chain: OptionChain) -> np.ndarray:
    days = chain.expiry.astype("int64")
    return (days * 2 + chain.is_call) * _STRIKE_SPAN + np.rint(chain.strike * 1000).astype("int64")


def _symbol_keys(symbols: list[str]) -> np.ndarray:
    """The same key read from OCC symbols (ROOT YYMMDD C/P STRIKE×1000); −1 for anything else."""
    days: dict[str, int] = {}
    keys = np.full(len(symbols), -1, dtype="int64")
    for i, s in enumerate(symbols):
        tail = s[-15:]
        if len(s) < 16 or tail[6] not in "CP" or not tail[:6].isdigit() or not tail[7:].isdigit():
            continue
        d = days.get(tail[:6])
        if d is None:
            try:
                d = days[tail[:6]] = date(2000 + int(tail[:2]), int(tail[2:4]), int(tail[4:6])).toordinal() - _EPOCH
            except ValueError:
                continue
        keys[i] = (d * 2 + (tail[6] == "C")) * _STRIKE_SPAN + int(tail[7:])
    return keys


def chain_rows(chain: OptionChain, symbols: Iterable[str]) -> np.ndarray:
    """Row of each symbol in ``chain`` (−1 where the chain does not list it)."""
    symbols = list(symbols)
    rows = np.full(len(symbols), -1, dtype=np.int64)
    if not symbols or len(chain) == 0:
        return rows
    keys = _chain_keys(chain)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    want = _symbol_keys(symbols)
    wanted = np.array(symbols, dtype=object)
    pos = np.searchsorted(sorted_keys, want, side="left")
    todo = np.flatnonzero(want >= 0)
    for step in range(_MAX_ROOTS):
        at = np.minimum(pos[todo] + step, len(keys) - 1)
        same_key = sorted_keys[at] == want[todo]
        candidate = order[at]
        hit = same_key & (chain.symbol[candidate] == wanted[todo])
        rows[todo[hit]] = candidate[hit]
        todo = todo[same_key & ~hit]
        if todo.size == 0:
            break
    return rows


def marks_for(chain: OptionChain, greeks: ChainGreeks, symbols: Iterable[str], spot: float,
              now: datetime | None = None, prev_close: Mapping[str, float] | np.ndarray | None = None,
              ) -> dict[str, ContractMark]:
    """Marks of ``symbols`` (OCC contracts of this chain, or its underlying's ticker) as of the
    chain's ``asof`` (``now`` when the chain has none): bid/ask/last from the chain, IV and greeks
    from ``greeks`` (per share, units of ``analytics.pricing``), ``spot`` as the underlying price.

    ``prev_close`` is the previous session's close by symbol (or an array aligned with the chain
    rows); without it a mark's ``prev_close`` is NaN (today's P&L unknown). Symbols the chain does
    not list get no mark — the valuation flags them missing.
    """
    symbols = list(dict.fromkeys(symbols))
    asof = chain.asof or now
    spot = float(spot)
    marks: dict[str, ContractMark] = {}
    if chain.underlying in symbols:
        marks[chain.underlying] = share_mark(chain.underlying, spot, asof, prev_close=_prev(prev_close,
                                                                                            chain.underlying))
    rows = chain_rows(chain, symbols)
    found = np.flatnonzero(rows >= 0)
    r = rows[found]
    if isinstance(prev_close, np.ndarray):
        closes = np.asarray(prev_close, dtype=float)[r].tolist()
    else:
        closes = [_prev(prev_close, symbols[i]) for i in found.tolist()]
    columns = (chain.bid[r], chain.ask[r], chain.last[r], greeks.iv[r], greeks.delta[r], greeks.gamma[r],
               greeks.theta[r], greeks.vega[r])
    for i, bid, ask, last, iv, delta, gamma, theta, vega, close in zip(
            found.tolist(), *(c.tolist() for c in columns), closes, strict=True):
        s = symbols[i]
        marks[s] = ContractMark(s, bid, ask, last, spot, asof, iv, delta, gamma, theta, vega, close)
    return marks


def marks_from_chain(chain: OptionChain, greeks: ChainGreeks, spot: float, now: datetime | None = None,
                     prev_close: Mapping[str, float] | np.ndarray | None = None) -> dict[str, ContractMark]:
    """Marks of every contract in the chain (``marks_for`` asks only for the ones held)."""
    return marks_for(chain, greeks, chain.symbol.tolist(), spot, now, prev_close)


def _prev(prev_close: Mapping[str, float] | np.ndarray | None, symbol: str) -> float:
    if prev_close is None or isinstance(prev_close, np.ndarray):
        return _NAN
    value = prev_close.get(symbol)
    return _NAN if value is None else float(value)
