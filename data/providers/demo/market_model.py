"""The deterministic simulated market behind the demo provider.

Every number is a pure function of (seed, symbol, session): the daily path is one seeded walk
over the XNYS sessions from 2005, each session's minutes come from an RNG keyed by
(seed, symbol, day), so any day can be produced alone, in any order, with the same result.
The walk is causal: a session's draws are the next row of one random stream, so the path up
to a day never depends on how far ahead the calendar reaches (which once moved every price
whenever the real date did).

One market factor, so symbols move together as they do: SPX is the market; every other
symbol's daily and minute log returns are ``beta × SPX's + its own`` (NDX β 1.2, ρ 0.9;
stocks by their profile), and an ETF that tracks an index is the index's path times its ratio
plus a small basis that returns to zero by the close (SPY ≈ SPX/10, QQQ ≈ NDX/41).

Shape of a day:
* day type (the market's) — trend up/down (a large open-to-close move loaded early: opening
  drive), range (little net move), normal; some days open with a gap;
* minute volatility high at the open, dipping at lunch, rising into the close;
* volume U-shaped and higher on bars that move more; indices have no volume;
* stocks/ETFs also have thin pre-market (04:00) and after-hours (to 20:00) minutes.
"""

from __future__ import annotations

import threading
import zlib
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from statistics import NormalDist

import numpy as np

from data.market_calendar import MarketCalendar
from data.models import Bars, Timeframe
from data.providers.demo.profiles import TRACKING, SymbolProfile, profile_for

_DAY_TYPES = ("normal", "trend_up", "trend_down", "range")
_DAY_TYPE_P = (0.40, 0.15, 0.15, 0.30)
_MEAN_REVERSION = 0.02  # per session, pulls log price toward the profile's level
# A day's type and gap come from standard normals (one stream, five per session), cut at
# the normal quantiles of the types' cumulative probabilities and of the 10 % gap days.
_DAY_TYPE_CUTS = np.array([NormalDist().inv_cdf(p) for p in list(accumulate(_DAY_TYPE_P))[:-1]])
_GAP_DAY_CUT = NormalDist().inv_cdf(0.06)
# The share of a day's σ (the profile's volatility, which the options' IV prices) realized from
# the open to the close: intraday moves are smaller than close-to-close ones and realized runs
# under implied, so an SPX at 15 % IV ranges ~1 % a day and a 0DTE straddle's move is mostly used
# 40-120 % (the full σ gave 2 % ranges and "272 % used" on ordinary days).
INTRADAY_SHARE = 0.7
_PLAN_BLOCK = 512  # plans are made for whole blocks of sessions (about two years)
_KIND_VOLUME = np.array([1.0, 1.3, 1.4, 0.8])  # volume multiple of each day type, in _DAY_TYPES' order


@dataclass(frozen=True, slots=True)
class DayPlan:
    day_type: str
    open: float
    close: float
    prev_close: float
    volume_mult: float


@dataclass(frozen=True, slots=True)
class PlanTable:
    """The day plans of consecutive sessions since 2005, as columns (row ``i``: session ``i``)."""

    kind: np.ndarray  # index into _DAY_TYPES
    open: np.ndarray
    close: np.ndarray
    prev_close: np.ndarray
    volume_mult: np.ndarray

    def __len__(self) -> int:
        return len(self.open)

    def plan(self, i: int) -> DayPlan:
        return DayPlan(_DAY_TYPES[self.kind[i]], float(self.open[i]), float(self.close[i]),
                       float(self.prev_close[i]), float(self.volume_mult[i]))

    def head(self, n: int) -> PlanTable:
        return PlanTable(self.kind[:n], self.open[:n], self.close[:n], self.prev_close[:n], self.volume_mult[:n])

    def scaled(self, ratio: float) -> PlanTable:
        """An ETF's plans from its index's: prices times the ETF's ratio."""
        return PlanTable(self.kind, self.open * ratio, self.close * ratio, self.prev_close * ratio, self.volume_mult)


def symbol_key(symbol: str) -> int:
    return zlib.crc32(symbol.encode())


def _round_tick(x: np.ndarray) -> np.ndarray:
    return np.round(x, 2)  # nearest double to the cent, no 572.3100000000001 noise


class DemoMarket:
    """Produces sessions of 1-minute bars for any symbol, reproducibly for a seed."""

    def __init__(self, calendar: MarketCalendar, seed: int = 7) -> None:
        self.calendar = calendar
        self.seed = seed
        # Per-instance caches (a bound lru_cache would keep the instance alive forever).
        self._plan_tables: dict[str, PlanTable] = {}
        # One builder at a time: threads asking for the same symbol's plans at start-up wait for
        # the first one's (a few ms) instead of each building them (re-entrant: a stock's plans
        # are built from the market's, an ETF's from its index's).
        self._plans_lock = threading.RLock()
        self.session_bars = lru_cache(maxsize=2048)(self._make_session_bars)
        self._paths = lru_cache(maxsize=2048)(self._make_path)

    def profile(self, symbol: str) -> SymbolProfile:
        return profile_for(symbol)

    # -- daily path ---------------------------------------------------------------------
    def day_plan(self, symbol: str, day) -> DayPlan:
        i = self.calendar.session_number(day)
        return self._plans(symbol, i + 1).plan(i)

    def _plans(self, symbol: str, n: int) -> PlanTable:
        """Plans of at least the first ``n`` sessions since 2005 (any longer table has the same
        first ``n``: the walk is causal), built for whole blocks of sessions."""
        table = self._plan_tables.get(symbol)
        if table is not None and len(table) >= n:
            return table
        with self._plans_lock:
            table = self._plan_tables.get(symbol)
            if table is None or len(table) < n:
                table = self._plan_tables[symbol] = self._make_plans(symbol, -(-n // _PLAN_BLOCK) * _PLAN_BLOCK)
            return table

    def _make_plans(self, symbol: str, n: int) -> PlanTable:
        """Plans of the first ``n`` sessions since 2005 (the same prefix for any ``n``)."""
        prof = profile_for(symbol)
        if prof.tracks:
            return self._plans(prof.tracks, n).head(n).scaled(TRACKING[symbol][1])
        draws = np.random.default_rng([self.seed, symbol_key(symbol), 0]).standard_normal((n, 5))
        if prof.factor is None:
            kinds = np.searchsorted(_DAY_TYPE_CUTS, draws[:, 3])
            gaps, moves = _own_moves(kinds, draws, prof.daily_vol)
            return _walk(prof, gaps, moves, kinds, draws)
        market = self._plans(prof.factor, n).head(n)
        gaps, moves = _own_moves(np.zeros(n, dtype=np.intp), draws, prof.idio_vol / 252**0.5)
        gaps = prof.beta * np.log(market.open / market.prev_close) + gaps
        moves = prof.beta * np.log(market.close / market.open) + moves
        return _walk(prof, gaps, moves, market.kind, draws)

    # -- intraday -------------------------------------------------------------------------
    def _make_path(self, symbol: str, day) -> np.ndarray:
        """Log closes of the regular session's minutes (unrounded), the factor model's output:
        the market's own bridge, ``beta ×`` the factor's path plus an own bridge, or the tracked
        index's path times the ETF's ratio plus a basis pinned to zero at the close."""
        prof, plan = profile_for(symbol), self.day_plan(symbol, day)
        session = self.calendar.session(day)
        n = int((session.close - session.open).total_seconds() // 60)
        weights = _regular_vol_shape(n)
        shape = weights / np.sqrt(np.sum(weights**2))
        if prof.tracks:
            index = self._paths(prof.tracks, day)
            return index + np.log(TRACKING[symbol][1]) + _basis(self._rng(symbol, day, 2), n)
        if prof.factor is None:
            sigma = INTRADAY_SHARE * prof.daily_vol * shape * (0.6 if plan.day_type == "range" else 1.0)
            return _bridge_path(self._rng(symbol, day, 2), n, sigma, np.log(plan.open), np.log(plan.close))[1]
        market, m_plan = self._paths(prof.factor, day), self.day_plan(prof.factor, day)
        loading = prof.beta * (market - np.log(m_plan.open))
        own_end = np.log(plan.close / plan.open) - loading[-1]
        own = _bridge_path(self._rng(symbol, day, 2), n, INTRADAY_SHARE * prof.idio_vol / 252**0.5 * shape, 0.0,
                           own_end)[1]
        return np.log(plan.open) + loading + own

    def _rng(self, symbol: str, day, part: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, symbol_key(symbol), day.toordinal(), part])

    def _make_session_bars(self, symbol: str, day) -> Bars:
        """All 1-minute bars of one session (extended hours included where the symbol has them)."""
        prof = profile_for(symbol)
        plan = self.day_plan(symbol, day)
        session = self.calendar.session(day)
        sd = prof.daily_vol
        reg = self._paths(symbol, day)
        weights = _regular_vol_shape(len(reg))
        reg_sigma = INTRADAY_SHARE * sd * weights / np.sqrt(np.sum(weights**2))
        parts = [(session.open, (np.log(plan.open), reg, reg_sigma), None)]
        if prof.extended_hours:
            n_pre = int((session.open - session.premarket_open).total_seconds() // 60)
            pre = _bridge_path(self._rng(symbol, day, 1), n_pre, np.full(n_pre, 0.3 * sd / np.sqrt(n_pre)),
                               np.log(plan.prev_close), np.log(plan.open))
            n_post = int((session.after_hours_close - session.close).total_seconds() // 60)
            post_rng = self._rng(symbol, day, 3)
            end = reg[-1] + post_rng.standard_normal() * 0.2 * sd
            post = _bridge_path(post_rng, n_post, np.full(n_post, 0.2 * sd / np.sqrt(n_post)), reg[-1], end)
            parts = [(session.premarket_open, pre, 0.03 / n_pre), *parts, (session.close, post, 0.02 / n_post)]
        return self._bars_from_paths(prof, plan, parts, self._rng(symbol, day, 4))

    def _bars_from_paths(self, prof: SymbolProfile, plan: DayPlan, parts: list, rng: np.random.Generator) -> Bars:
        """OHLCV minutes from log-price paths: wicks around each move, volume that follows the
        session's U shape (flat shares in extended hours) and the size of each move."""
        cols: dict[str, list[np.ndarray]] = {k: [] for k in ("ts", "o", "h", "l", "c", "v")}
        for start, (log_open_prev, log_path, sigma_m), ext_share in parts:
            m = len(log_path)
            log_opens = _after(log_open_prev, log_path[:-1])
            opens = np.exp(log_opens)
            closes = np.exp(log_path)
            wick = np.exp(np.abs(rng.standard_normal((2, m))) * 0.4 * sigma_m)
            vols = np.zeros(m)
            if prof.daily_volume:
                moved = np.abs(log_path - log_opens) / sigma_m
                shape = _regular_volume_shape(m) if ext_share is None else np.full(m, 1.0)
                share = shape / shape.sum() if ext_share is None else shape * ext_share
                noise = np.exp(0.35 * rng.standard_normal(m))
                vols = np.round(prof.daily_volume * plan.volume_mult * share * noise * (0.7 + 0.3 * moved))
            cols["ts"].append(int(start.timestamp()) + 60 * np.arange(m, dtype=np.int64))
            for key, arr in (("o", opens), ("h", np.maximum(opens, closes) * wick[0]),
                             ("l", np.minimum(opens, closes) / wick[1]), ("c", closes), ("v", vols)):
                cols[key].append(arr)
        o, h, l, c = (_round_tick(np.concatenate(cols[k])) for k in ("o", "h", "l", "c"))
        h = np.maximum.reduce([h, o, c])
        l = np.minimum.reduce([l, o, c])
        return Bars(prof.symbol, Timeframe.M1, np.concatenate(cols["ts"]), o, h, l, c, np.concatenate(cols["v"]))

    def regular_close(self, symbol: str, day) -> float:
        """Last regular-session minute close of ``day`` (what "previous close" means)."""
        bars = self.session_bars(symbol, day)
        session = self.calendar.session(day)
        i = int(np.searchsorted(bars.ts, int(session.close.timestamp()))) - 1
        return float(bars.close[i])


def _own_moves(kinds: np.ndarray, z: np.ndarray, sd: float) -> tuple[np.ndarray, np.ndarray]:
    """(gap, open-to-close move) in log terms of each session, from its kind (an index into
    _DAY_TYPES) and its row of draws ``z``."""
    gap = z[:, 0] * 0.2 * sd  # SPX ±0.2 % on most days
    news = (0.4 + 0.5 * np.minimum(np.abs(z[:, 2]), 1.0)) * sd  # news gaps: SPX 0.4-0.9 %
    gap = np.where(z[:, 4] < _GAP_DAY_CUT, np.where(z[:, 0] == 0.0, 1.0, np.sign(z[:, 0])) * news, gap)
    swing = 1.0 + 0.5 * np.abs(z[:, 1])
    scale = np.choose(kinds, [0.65 * z[:, 1], swing, -swing, 0.3 * z[:, 1]])  # in _DAY_TYPES' order
    return gap, scale * INTRADAY_SHARE * sd


def _walk(prof: SymbolProfile, gaps: np.ndarray, moves: np.ndarray, kinds: np.ndarray, draws: np.ndarray
          ) -> PlanTable:
    """Chain (gap, move) pairs into day plans, pulled gently toward the profile's level."""
    log_level = float(np.log(prof.base_price))
    log_opens, log_closes = [], []
    log_close = log_level
    for gap, move in zip(gaps.tolist(), moves.tolist(), strict=True):  # causal: each day opens off the last close
        log_open = log_close + gap - _MEAN_REVERSION * (log_close - log_level)
        log_close = log_open + move
        log_opens.append(log_open)
        log_closes.append(log_close)
    closes = np.exp(np.array(log_closes))
    prev_closes = np.exp(np.array([log_level, *log_closes[:-1]]))
    gap_day = draws[:, 4] < _GAP_DAY_CUT
    vol_mult = _KIND_VOLUME[kinds] * np.where(gap_day, 1.3, 1.0) * np.exp(0.2 * draws[:, 2])
    return PlanTable(np.asarray(kinds, dtype=np.intp), np.exp(np.array(log_opens)), closes, prev_closes, vol_mult)


def _basis(rng: np.random.Generator, n: int, sd: float = 1.0e-4, phi: float = 0.9) -> np.ndarray:
    """An ETF's log premium to its index ratio: AR(1) noise of ``sd``, pinned to 0 at the close."""
    shocks = rng.standard_normal(n) * sd * np.sqrt(1 - phi * phi)
    level = float(rng.standard_normal() * sd)
    levels = []
    for shock in shocks.tolist():  # (Python floats: the same sums as numpy's, several times faster)
        level = phi * level + shock
        levels.append(level)
    out = np.array(levels)
    return out - out[-1] * np.arange(1, n + 1) / n


@lru_cache(maxsize=16)  # a few session lengths (full days, half days): read-only arrays
def _regular_vol_shape(n: int) -> np.ndarray:
    m = np.arange(n, dtype=float)
    lunch = 0.35 * np.exp(-(((m - n * 0.47) / (n * 0.15)) ** 2))
    return _read_only(1.0 + 1.6 * np.exp(-m / 20.0) + 0.5 * np.exp(-(n - 1 - m) / 25.0) - lunch)


@lru_cache(maxsize=16)
def _regular_volume_shape(n: int) -> np.ndarray:
    m = np.arange(n, dtype=float)
    lunch = 0.3 * np.exp(-(((m - n * 0.47) / (n * 0.15)) ** 2))
    return _read_only(1.0 + 3.0 * np.exp(-m / 15.0) + 2.0 * np.exp(-(n - 1 - m) / 12.0) - lunch)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _after(first: float, rest: np.ndarray) -> np.ndarray:
    """``first`` then ``rest`` (np.r_ without its index parsing, ~10 µs a call)."""
    out = np.empty(len(rest) + 1)
    out[0] = first
    out[1:] = rest
    return out


def _bridge_path(rng: np.random.Generator, n: int, sigma: np.ndarray, start: float, end: float
                 ) -> tuple[float, np.ndarray, np.ndarray]:
    """Log-price path of ``n`` minutes from ``start`` to exactly ``end``.

    A random walk with per-minute volatility ``sigma``, pinned by a variance-weighted bridge:
    the drift lands where volatility is high (the open), which is how opening drives look.
    """
    steps = rng.standard_normal(n) * sigma
    walk = np.cumsum(steps)
    var = np.cumsum(sigma**2)
    path = start + walk + (end - start - walk[-1]) * (var / var[-1])
    return start, path, sigma
