"""The 0DTE dashboard's numbers for one underlying at one moment.

Built on ``expected_move``: the same-day expiry's straddle-implied and 1σ moves, the move
priced at the open (ATM IV over the whole session) with how much of it the day has used and
what remains, the most traded same-day contracts, and per-contract theta clock and gamma risk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

import numpy as np

from analytics.chain_greeks import ChainGreeks
from analytics.expected_move import (
    ExpectedMove,
    GammaRisk,
    ThetaPoint,
    ZeroDteMove,
    expected_moves,
    gamma_risk,
    theta_clock,
    top_by_volume,
    zero_dte_move,
)
from analytics.pricing import bs_price
from data.option_chain import OptionChain, am_settled


@dataclass(frozen=True, eq=False)
class ZeroDteSummary:
    expiry: date
    move: ExpectedMove  # straddle-implied and 1σ to the close, ATM strike and IV
    day: ZeroDteMove | None  # None before the open price is known
    top_rows: list[int]  # chain rows, most traded first
    rows: np.ndarray  # every same-day contract (for the contract picker)


def same_day_rows(chain: OptionChain, today: date) -> np.ndarray:
    """Rows expiring ``today``, PM-settled only (an AM-settled contract stopped trading yesterday)."""
    am = am_settled(*chain.root_codes)
    return np.flatnonzero((chain.expiry == np.datetime64(today, "D")) & ~chain.adjusted & ~am)


def zero_dte_summary(chain: OptionChain, spot: float, T: np.ndarray, iv: np.ndarray, today: date,
                     open_price: float | None, session_open: datetime, session_close: datetime,
                     now: datetime) -> ZeroDteSummary | None:
    """None when nothing expires ``today`` (or its ATM straddle is not quoted)."""
    rows = same_day_rows(chain, today)
    if not len(rows):
        return None
    mask = np.zeros(len(chain), dtype=bool)
    mask[rows] = True
    sub = chain.select(mask)
    strikes = np.unique(sub.strike)
    atm = strikes[np.argmin(np.abs(strikes - spot))]
    atm_rows = rows[chain.strike[rows] == atm]
    atm_iv = float(np.nanmean(iv[atm_rows])) if len(atm_rows) else float("nan")
    moves = expected_moves(sub, spot, T[rows], {today: atm_iv})
    if not moves:
        return None
    day = None
    if open_price is not None and np.isfinite(atm_iv):
        day = zero_dte_move(open_price, spot, atm_iv, session_open, session_close, min(now, session_close))
    top = [int(rows[i]) for i in top_by_volume(sub, today, n=10)]
    return ZeroDteSummary(today, moves[0], day, top, rows)


def contract_risk(chain: OptionChain, row: int, spot: float, T: float, iv: float, r: float, q: float,
                  now: datetime, close: datetime, greeks: ChainGreeks | None = None
                  ) -> tuple[GammaRisk, list[ThetaPoint]]:
    """Gamma risk and leverage now, and the value path to the close at today's spot and IV.

    With ``greeks`` (the snapshot's ``chain_greeks``) the contract's delta and gamma are the
    ones the chain and GEX panels show, and ``r``/``q`` its expiry's parity-forward carry."""
    k, call = float(chain.strike[row]), bool(chain.is_call[row])
    if greeks is not None:
        r, q = float(greeks.rate[row]), float(greeks.carry_q[row])
    risk = gamma_risk(spot, k, T, r, q, iv, call)
    if greeks is not None and np.isfinite(greeks.gamma[row]) and np.isfinite(greeks.delta[row]):
        delta, gamma = float(greeks.delta[row]), float(greeks.gamma[row])
        value = float(bs_price(spot, k, T, r, q, iv, call))
        risk = replace(risk, delta=delta, gamma=gamma, dollar_gamma=gamma * 100 * spot * spot * 0.01,
                       leverage=delta * spot / value if value > 0 else float("nan"))
    return risk, theta_clock(spot, k, r, q, iv, call, min(now, close), close, step_minutes=10)
