"""Simulated listed options for the demo market: expirations, strikes, quotes, OI and volume.

Consistent with the simulated spot at every moment and deterministic for a seed:

* **Expirations** as listed: SPX/SPY/QQQ/NDX (and XSP) every session for two weeks — 0DTE
  included — then Friday weeklies and third-Friday monthlies (Thursday when Friday is a
  holiday), plus the next two Januaries; other symbols weeklies for six weeks and monthlies.
  SPX has PM-settled ``SPXW`` on every date and the AM-settled ``SPX`` monthly beside it (NDX:
  ``NDXP``/``NDX``, RUT: ``RUTW``/``RUT``).
* **Strikes** are listed around the previous close (fixed through the day, as exchanges list
  them) as densely as real chains: the usual increment near the money in weeklies and
  monthlies alike, wider in the wings and in far-dated expiries (``strikes.py``).
* **Volatility surface**: the symbol's volatility with an IV premium, a term structure (short
  dates a little lower), an SVI smile with a put skew (no butterfly arbitrage), a spot–vol response
  (indices bid up vol as they fall) and, for single stocks, an earnings jump in every expiry
  that spans the next demo earnings date.
* **Quotes**: theoretical prices from the injected pricing functions (``analytics.pricing`` in
  the app — the data layer does not import analytics) with a tick-rounded spread; IV and greeks
  as a provider reports them.
* **Open interest** is set overnight and spread as on real chains — monthlies and quarterlies
  hold the most, 0DTE little; round strikes and OTM call/put walls heavier (``strikes.py``) —
  so GEX reads like published figures; a stock's calls sit above spot and its puts below, so
  its GEX flips near spot. **Volume** builds through the session (0DTE trades most), near the
  money (a same-day expiry within about ±1 %), not where the OI is.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from data.market_calendar import ET, MarketCalendar, market_date
from data.option_chain import OptionChain
from data.providers.demo.profiles import SymbolProfile, profile_for
from data.providers.demo.strikes import (
    contract_noise,
    expiry_kind,
    expiry_open_interest,
    list_strikes,
    strike_weights,
    volume_weights,
)
from data.rates import RISK_FREE_RATE, dividend_yield, pays_index_yield
from data.symbols import OPTION_ROOT_UNDERLYING, SymbolKind, symbol_kind

DAILY_EXPIRY_SYMBOLS = frozenset({"SPX", "SPY", "QQQ", "NDX", "XSP"})
# index → its PM-settled root for dailies/weeklies (the index's own root is the AM monthly)
_PM_ROOT = {index: root for root, index in OPTION_ROOT_UNDERLYING.items()}


@dataclass(frozen=True)
class OptionPricing:
    """The option maths the demo needs, passed in by the app: ``bs_price(S, K, T, r, q, sigma,
    is_call)``, ``bs_greeks(...)`` (an object with ``delta``/``gamma``) and ``expiry_times(expiry,
    root, asof, close_of)`` in years."""

    bs_price: Callable
    bs_greeks: Callable
    expiry_times: Callable


def next_earnings(symbol: str, after: date) -> date | None:
    """The demo's next earnings date on or after ``after`` (single stocks only): once a quarter,
    3–6 weeks after the quarter ends, on a weekday fixed per symbol."""
    if symbol_kind(symbol) is not SymbolKind.STOCK:
        return None
    h = zlib.crc32(f"earnings:{symbol}".encode())
    for year in (after.year, after.year + 1):
        for month in (1, 4, 7, 10):
            day = date(year, month, 1) + timedelta(days=21 + h % 21)
            while day.weekday() >= 5:
                day += timedelta(days=1)
            if day >= after:
                return day
    return None


class DemoOptions:
    def __init__(self, calendar: MarketCalendar, pricing: OptionPricing, seed: int,
                 previous_close: Callable[[str, date], float]) -> None:
        self._calendar = calendar
        self._pricing = pricing
        self._seed = seed
        self._previous_close = previous_close  # (symbol, session day) → the prior session's close

    # -- listing ------------------------------------------------------------------------------
    def expirations(self, symbol: str, now: datetime) -> list[date]:
        """Listed expirations not yet expired at ``now``, nearest first."""
        return sorted({day for day, _root in self._listed(symbol, now)})

    def _listed(self, symbol: str, now: datetime) -> list[tuple[date, str]]:
        """(expiry, root) pairs: the PM root on every listed date, the AM root on monthlies."""
        today = market_date(now)
        # Listed out to the second January ahead of the as-of date (as exchanges list LEAPS),
        # never "as far as the calendar happens to reach", which moved with the real date.
        horizon = date(today.year + 2, 1, 31)
        sessions = [s for s in self._calendar.sessions_between(today, horizon) if s.close > now]
        if not sessions:
            return []
        days = [s.day for s in sessions]
        by_week: dict[tuple[int, int], date] = {}
        for d in days:
            by_week[d.isocalendar()[:2]] = d  # the week's last session: Friday, or Thursday before a holiday
        weeklies = sorted(by_week.values())
        open_days = set(days)
        monthly = sorted({self._monthly(d.year, d.month, open_days) for d in days} - {None})
        daily = symbol in DAILY_EXPIRY_SYMBOLS
        chosen = set(days[:10] if daily else []) | set(weeklies[: 8 if daily else 6])
        chosen |= set(monthly[:12 if daily else 9])
        chosen |= {m for m in monthly if m.month == 1 and m.year in (today.year + 1, today.year + 2)}
        plain = symbol.replace(".", "")  # OCC roots have no dot (BRK.B → BRKB)
        pm_root, am_root = _PM_ROOT.get(symbol, plain), plain
        pairs = [(d, pm_root) for d in sorted(chosen)]
        if am_root != pm_root:
            pairs += [(d, am_root) for d in sorted(chosen) if d in monthly and _am_open(d, now)]
        return pairs

    @staticmethod
    def _monthly(year: int, month: int, sessions: set[date]) -> date | None:
        first = date(year, month, 1)
        third_friday = first + timedelta(days=(4 - first.weekday()) % 7 + 14)
        for d in (third_friday, third_friday - timedelta(days=1)):
            if d in sessions:
                return d
        return None

    # -- the chain ----------------------------------------------------------------------------
    def chain(self, symbol: str, now: datetime, spot: float, expiration: date | None = None) -> OptionChain:
        profile = profile_for(symbol)
        session_day = self._calendar.last_session_at_or_before(market_date(now)).day
        reference = self._previous_close(symbol, session_day)
        pairs = [(d, r) for d, r in self._listed(symbol, now) if expiration is None or d == expiration]
        parts = [self._expiry_rows(profile, now, spot, reference, d, root) for d, root in pairs]
        columns = {k: np.concatenate([p[k] for p in parts]) if parts else np.empty(0)
                   for k in ("symbol", "strike", "is_call", "expiry", "root")}
        n = len(columns["strike"])
        asof = now.astimezone(ET)
        if n == 0:
            return _empty_chain(symbol, asof)
        strike, is_call, root = columns["strike"], columns["is_call"].astype(bool), columns["root"]
        expiry = columns["expiry"].astype("datetime64[D]")
        p = self._pricing
        T = p.expiry_times(expiry, root, now, self._calendar.close_at)
        r, q = RISK_FREE_RATE, dividend_yield(symbol)
        iv = self._surface(profile, now, spot, reference, strike, expiry, T, r, q)
        theo = np.asarray(p.bs_price(spot, strike, T, r, q, iv, is_call), dtype=float)
        greeks = p.bs_greeks(spot, strike, T, r, q, iv, is_call)
        bid, ask, tick = _quote(theo, symbol)
        oi, volume = self._activity(profile, session_day, now, reference, spot, strike, is_call, expiry, root)
        last = np.where(volume > 0, np.maximum(np.round(theo / tick) * tick, tick), np.nan)  # no print below a tick
        return OptionChain(symbol, asof, columns["symbol"], root, expiry, is_call, strike, bid, ask, last,
                           volume, oi, iv, np.asarray(greeks.delta, dtype=float),
                           np.asarray(greeks.gamma, dtype=float), np.zeros(n, dtype=bool))

    def _expiry_rows(self, profile: SymbolProfile, now: datetime, spot: float, reference: float, expiry: date,
                     root: str) -> dict[str, np.ndarray]:
        years = max((expiry - market_date(now)).days, 0.5) / 365.0
        strikes = list_strikes(profile, reference, years)
        n = len(strikes)
        prefix = f"{root}{expiry:%y%m%d}"
        thousandths = [round(k * 1000) for k in strikes.tolist()]
        occ = [f"{prefix}C{m:08d}" for m in thousandths] + [f"{prefix}P{m:08d}" for m in thousandths]
        return {"symbol": np.array(occ, dtype=object), "strike": np.concatenate([strikes, strikes]),
                "is_call": np.r_[np.ones(n, dtype=bool), np.zeros(n, dtype=bool)],
                "expiry": np.full(2 * n, np.datetime64(expiry, "D")),
                "root": np.full(2 * n, root, dtype=object)}

    def _surface(self, profile: SymbolProfile, now: datetime, spot: float, reference: float, strike: np.ndarray,
                 expiry: np.ndarray, T: np.ndarray, r: float, q: float) -> np.ndarray:
        is_index_like = pays_index_yield(profile.symbol) or symbol_kind(profile.symbol) is SymbolKind.INDEX
        base = profile.annual_vol * 1.08  # implied trades a little over realized
        move = spot / reference - 1.0 if reference > 0 else 0.0
        base *= max(0.5, 1.0 - (2.5 if is_index_like else 0.8) * move)  # spot down, vol up
        years = np.maximum(T, 1.0 / (365 * 24 * 60))
        atm = base * (0.88 + 0.12 * (1.0 - np.exp(-years / 0.25)))  # term structure: short a little lower
        event = next_earnings(profile.symbol, market_date(now))
        if event is not None:  # an earnings jump of ~3 daily sigmas in every expiry spanning it
            spans = expiry >= np.datetime64(event, "D")
            jump_var = (3.0 * profile.daily_vol) ** 2
            atm = np.where(spans, np.sqrt(atm**2 + jump_var / years), atm)
        # The smile is an SVI slice in total variance w(k) (Gatheral): its wings grow linearly
        # in log-moneyness, gently enough to leave no butterfly arbitrage (a quadratic smile in
        # vol does not). Scaled by the ATM standard deviation, so a 0DTE smile is as sharp in
        # standard deviations as a monthly one; rho sets the put skew.
        k = np.log(strike / (spot * np.exp((r - q) * years)))
        w0 = atm * atm * years
        width, slope = 1.5 * np.sqrt(w0), 0.5 * np.sqrt(w0)
        rho = -0.6 if is_index_like else -0.3
        w = (w0 - slope * width) + slope * (rho * k + np.sqrt(k * k + width * width))
        return np.sqrt(w / years)

    def _activity(self, profile: SymbolProfile, session_day: date, now: datetime, reference: float, spot: float,
                  strike: np.ndarray, is_call: np.ndarray, expiry: np.ndarray, root: np.ndarray
                  ) -> tuple[np.ndarray, np.ndarray]:
        """Open interest (set overnight: a function of the day, not of the live spot) and
        volume so far (each expiry's OI times a turnover that grows through the session, traded
        near the live money: ``volume_weights``)."""
        symbol = profile.symbol
        noise = contract_noise(self._seed, zlib.crc32(symbol.encode()), session_day, strike, is_call, expiry)
        oi, volume = np.zeros(len(strike)), np.zeros(len(strike))
        daily_listed = symbol in DAILY_EXPIRY_SYMBOLS
        session = self._calendar.session(session_day)
        elapsed = (now - session.open).total_seconds() / (session.close - session.open).total_seconds()
        progress = float(np.clip(elapsed, 0.0, 1.0)) ** 0.8  # front-loaded, like the tape
        for day, root_name in {(d, r) for d, r in zip(expiry.tolist(), root.tolist(), strict=True)}:
            rows = np.flatnonzero((expiry == np.datetime64(day, "D")) & (root == root_name))
            years = max((day - session_day).days, 0.5) / 365.0
            kind = expiry_kind(day, self._calendar.is_session)
            root_share = _root_share(symbol, root_name, kind)
            contracts = expiry_open_interest(profile, kind, years, root_share, daily_listed)
            oi[rows] = contracts * strike_weights(profile, reference, strike[rows], is_call[rows], years, noise[rows])
            turnover = 4.0 if day <= session_day else 0.4 / (1.0 + 8.0 * years)  # 0DTE changes hands most
            traded = contracts * turnover * progress
            volume[rows] = traded * volume_weights(profile, spot, strike[rows], years, noise[rows])
        return np.floor(oi), np.floor(volume)


def _root_share(symbol: str, root: str, kind: str) -> float:
    """On a monthly date an index lists two roots: the AM-settled monthly (the index's own root)
    holds the larger part of the open interest, the PM root the rest."""
    if kind not in ("monthly", "quarterly") or _PM_ROOT.get(symbol) is None:
        return 1.0
    return 0.6 if root == symbol else 0.5


def _am_open(expiry: date, now: datetime) -> bool:
    """An AM-settled contract stops trading the session before its expiry date."""
    return market_date(now) < expiry


def _quote(theo: np.ndarray, symbol: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bid/ask on the option tick around the theoretical price: $0.05/$0.10 for index options
    (below/above $3), $0.01/$0.05 otherwise; the spread widens with the price."""
    index = symbol_kind(symbol) is SymbolKind.INDEX
    tick = np.where(theo < 3.0, 0.05 if index else 0.01, 0.10 if index else 0.05)
    half = np.maximum(tick, 0.015 * theo) / 2.0
    bid = np.maximum(np.floor((theo - half) / tick + 1e-9) * tick, 0.0)
    ask = np.maximum(np.ceil((theo + half) / tick - 1e-9) * tick, bid + tick)
    return np.round(bid, 2), np.round(ask, 2), tick


def _empty_chain(symbol: str, asof: datetime) -> OptionChain:
    empty = np.empty(0)
    return OptionChain(symbol, asof, np.empty(0, dtype=object), np.empty(0, dtype=object),
                       np.empty(0, dtype="datetime64[D]"), np.empty(0, dtype=bool), empty, empty, empty, empty,
                       empty, empty, empty, empty, empty, np.empty(0, dtype=bool))
