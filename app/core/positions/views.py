"""One open position as the panel and the coach see it: its live value, its payoff read and the
exit advice, worked out together from one set of marks (off the event loop)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np

from analytics.exit_advice import advise
from analytics.exit_rules.model import Advice, ExitParams, UnderlyingStop
from analytics.payoff import ExpiryPayoff, expiry_payoff, front_close, probability_of_profit
from analytics.position_marks import marks_for, share_mark
from analytics.position_value import PositionValue, value_positions
from analytics.positions import ContractMark, Position
from app.core.positions.chains import ChainView
from data.models import Quote

STALE_AFTER_S = 180.0  # a mark older than this (market time) is stale: flagged, never shown as live


@dataclass(frozen=True, eq=False)
class PositionView:
    position: Position
    value: PositionValue
    payoff: ExpiryPayoff | None  # None: it could not be read (a later leg without an IV …)
    probability_of_profit: float  # NaN when unknown
    advice: tuple[Advice, ...]
    stop_level: float | None
    problem: str  # why some of it is missing ("" when all is there)
    r: float = 0.0  # the chain's rate and dividend yield the values were read with (the risk graph's)
    q: float = 0.0


@dataclass(frozen=True, slots=True)
class ValuationInput:
    """What the tracker hands the pool: immutable records and snapshots only."""

    positions: tuple[tuple[Position, float | None], ...]  # (position, its stop on the underlying)
    chains: Mapping[str, ChainView]
    quotes: Mapping[str, Quote]
    problems: Mapping[str, str]  # underlying -> why its chain is missing
    today: date
    now: datetime
    params: ExitParams
    close_of: Callable[[date], datetime]
    prev_closes: Mapping[str, float] = field(default_factory=dict)  # contract -> the last session's closing mark


def build_views(job: ValuationInput) -> list[PositionView]:
    """Marks for every leg, the values of all positions in one pass, then each payoff and advice."""
    marks = _marks(job)
    positions = [p for p, _stop in job.positions]
    values = value_positions(positions, marks, job.today, job.now, STALE_AFTER_S) if positions else []
    return [_view(p, stop, v, marks, job) for (p, stop), v in zip(job.positions, values, strict=True)]


def _marks(job: ValuationInput) -> dict[str, ContractMark]:
    marks: dict[str, ContractMark] = {}
    wanted: dict[str, set[str]] = {}
    for position, _stop in job.positions:
        wanted.setdefault(position.underlying, set()).update(leg.symbol for leg in position.legs)
    for underlying, symbols in wanted.items():
        view = job.chains.get(underlying)
        if view is not None:
            marks.update(marks_for(view.chain, view.greeks, symbols, view.spot, job.now, prev_close=job.prev_closes))
        quote = job.quotes.get(underlying)
        if quote is not None and math.isfinite(quote.last) and quote.last > 0:  # shares: the live quote
            marks[underlying] = share_mark(underlying, quote.last, _at(quote), bid=quote.bid, ask=quote.ask,
                                           prev_close=quote.prev_close)
    return marks


def _at(quote: Quote) -> datetime:
    from datetime import UTC

    return datetime.fromtimestamp(quote.ts, UTC)


def _view(position: Position, stop_level: float | None, value: PositionValue, marks: dict[str, ContractMark],
          job: ValuationInput) -> PositionView:
    view = job.chains.get(position.underlying)
    spot = value.underlying_price if math.isfinite(value.underlying_price) else (view.spot if view else math.nan)
    problem = job.problems.get(position.underlying, "") if any(leg.is_option for leg in position.legs) else ""
    payoff, pop = _payoff(position, view, spot, marks, job)
    stop = UnderlyingStop(stop_level, "below" if _long_delta(value) else "above") if stop_level else None
    advice = advise(position, marks, view.chain if view else None, view.greeks if view else None, spot, job.now,
                    job.params, stop=stop, close_of=job.close_of) if math.isfinite(spot) else []
    return PositionView(position, value, payoff, pop, tuple(advice), stop_level, problem,
                        view.r if view else 0.0, view.q if view else 0.0)


def _long_delta(value: PositionValue) -> bool:
    return not (math.isfinite(value.delta_shares) and value.delta_shares < 0)


def _payoff(position: Position, view: ChainView | None, spot: float, marks: dict[str, ContractMark],
            job: ValuationInput) -> tuple[ExpiryPayoff | None, float]:
    ivs = {leg.symbol: marks[leg.symbol].iv for leg in position.legs if leg.symbol in marks}
    try:
        payoff = expiry_payoff(position, ivs, view.r if view else 0.0, view.q if view else 0.0, job.close_of)
    except ValueError:  # a later leg with no IV: the model read needs it
        return None, math.nan
    close = front_close(position, job.close_of)
    if close is None or view is None:
        return payoff, math.nan
    years = max(0.0, (close - job.now).total_seconds()) / (365.0 * 86400)
    return payoff, probability_of_profit(payoff, spot, _atm_iv(view, payoff.expiry, spot), years, view.r, view.q)


def _atm_iv(view: ChainView, expiry: date | None, spot: float) -> float:
    """The front expiry's at-the-money IV (the call nearest the spot): what the PoP reads."""
    if expiry is None:
        return math.nan
    rows = np.flatnonzero((view.chain.expiry == np.datetime64(expiry, "D")) & view.chain.is_call)
    if not len(rows):
        return math.nan
    iv = float(view.greeks.iv[rows[np.argmin(np.abs(view.chain.strike[rows] - spot))]])
    return iv if math.isfinite(iv) and iv > 0 else math.nan
