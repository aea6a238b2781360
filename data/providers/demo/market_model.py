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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate
from statistics import NormalDist

import numpy as np

from data.market_calendar import MarketCalendar, SessionBounds
from data.models import Bars, Timeframe
from data.providers.demo.minutes import (
    KeptSessions,
    Part,
    basis,
    bridge_paths,
    minutes_ohlcv,
    regular_vol_shape,
    skip_draws,
)
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
# The numbers' version: bump it whenever a change moves any price (tests/data/test_demo_plans.py
# pins a digest per version), so daily bars kept in data folders (``DayBarFile``) are rebuilt.
MODEL_VERSION = 1
_BATCH_DAYS = 64  # sessions built together (a few MB of temporaries)
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
        self._kept = KeptSessions(2048)
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
        return self._regular_paths(symbol, [day])[0]

    def _regular_paths(self, symbol: str, days: Sequence[date]) -> np.ndarray:
        """Log closes of the regular session's minutes (unrounded) of ``days`` (sessions of one
        length), a row a day: the factor model's output: the market's own bridge, ``beta ×`` the
        factor's path plus an own bridge, or the tracked index's path times the ETF's ratio plus
        a basis pinned to zero at the close."""
        prof, plans = profile_for(symbol), [self.day_plan(symbol, day) for day in days]
        n = _shape_of(self.calendar.session(days[0]))[1]
        weights = regular_vol_shape(n)
        shape = weights / np.sqrt(np.sum(weights**2))
        rngs = [self._rng(symbol, day, 2) for day in days]
        if prof.tracks:
            return self._paths_of(prof.tracks, days) + np.log(TRACKING[symbol][1]) + basis(rngs, n)
        log_open = np.log([p.open for p in plans])[:, None]
        if prof.factor is None:
            range_days = np.array([0.6 if p.day_type == "range" else 1.0 for p in plans])[:, None]
            sigma = INTRADAY_SHARE * prof.daily_vol * shape * range_days
            return bridge_paths(rngs, n, sigma, log_open, np.log([p.close for p in plans])[:, None])
        market = self._paths_of(prof.factor, days)
        loading = prof.beta * (market - np.log([self.day_plan(prof.factor, day).open for day in days])[:, None])
        own_end = np.log([p.close / p.open for p in plans])[:, None] - loading[:, -1:]
        own = bridge_paths(rngs, n, INTRADAY_SHARE * prof.idio_vol / 252**0.5 * shape, 0.0, own_end)
        return log_open + loading + own

    def _paths_of(self, symbol: str, days: Sequence[date]) -> np.ndarray:
        """``_regular_paths``, one session's from the cache (minutes are asked for day by day,
        and a stock's and an ETF's are built on the market's or the index's of the same day)."""
        return self._paths(symbol, days[0])[None, :] if len(days) == 1 else self._regular_paths(symbol, days)

    def _rng(self, symbol: str, day, part: int) -> np.random.Generator:
        return np.random.default_rng([self.seed, symbol_key(symbol), day.toordinal(), part])

    def session_bars(self, symbol: str, day: date) -> Bars:
        """All 1-minute bars of one session (extended hours included where the symbol has them)."""
        return self.sessions_bars(symbol, [day])[0]

    def sessions_bars(self, symbol: str, days: Sequence[date]) -> list[Bars]:
        """``session_bars`` of each day: kept ones as they are, the others built together."""
        prof = profile_for(symbol)
        found = {day: self._kept.get((symbol, day)) for day in days}
        for (n_pre, n, n_post), batch in self._batches([day for day, bars in found.items() if bars is None]):
            columns = self._sessions(symbol, batch)
            for row, day in enumerate(batch):
                session = self.calendar.session(day)
                parts = ((session.premarket_open, n_pre), (session.open, n), (session.close, n_post))
                ts = np.concatenate([int(start.timestamp()) + 60 * np.arange(m, dtype=np.int64)
                                     for start, m in (parts if prof.extended_hours else parts[1:2])])
                bars = found[day] = Bars(prof.symbol, Timeframe.M1, ts, *(c[row] for c in columns))
                self._kept.put((symbol, day), bars)
        return [found[day] for day in days]

    def regular_day_bars(self, symbol: str, days: Sequence[date]) -> list[tuple[float, ...]]:
        """(open, high, low, close, volume) of each day's regular session: what aggregating its
        minutes gives, for many sessions at once."""
        bars: dict[date, tuple[float, ...]] = {}
        for _shape, batch in self._batches(days):
            o, h, l, c, v = self._sessions(symbol, batch, regular_only=True)
            for row in zip(batch, o[:, 0], h.max(axis=1), l.min(axis=1), c[:, -1], v.sum(axis=1), strict=True):
                bars[row[0]] = tuple(float(x) for x in row[1:])
        return [bars[day] for day in days]

    def _batches(self, days: Sequence[date]) -> Iterator[tuple[tuple[int, int, int], list[date]]]:
        """``days`` in batches of one session shape (half days apart), cache-sized."""
        by_shape: dict[tuple[int, int, int], list[date]] = {}
        for day in days:
            by_shape.setdefault(_shape_of(self.calendar.session(day)), []).append(day)
        for shape, same in by_shape.items():
            for i in range(0, len(same), _BATCH_DAYS):
                yield shape, same[i:i + _BATCH_DAYS]

    def _sessions(self, symbol: str, days: Sequence[date], regular_only: bool = False) -> tuple[np.ndarray, ...]:
        """(open, high, low, close, volume) minutes of ``days`` (sessions of one shape), a row a
        day, extended hours included where the symbol has them, unless ``regular_only`` (daily
        bars: the pre-market's random draws are still made, the regular minutes' follow them)."""
        prof, plans = profile_for(symbol), [self.day_plan(symbol, day) for day in days]
        sd = prof.daily_vol
        reg = self._paths_of(symbol, days)
        weights = regular_vol_shape(reg.shape[1])
        log_open = np.log([p.open for p in plans])[:, None]
        parts = [Part(log_open, reg, INTRADAY_SHARE * sd * weights / np.sqrt(np.sum(weights**2)), None)]
        bar_rngs = [self._rng(symbol, day, 4) for day in days]
        if prof.extended_hours and regular_only:
            skip_draws(bar_rngs, _shape_of(self.calendar.session(days[0]))[0], bool(prof.daily_volume))
        elif prof.extended_hours:
            n_pre, _n, n_post = _shape_of(self.calendar.session(days[0]))
            pre_start = np.log([p.prev_close for p in plans])[:, None]
            pre_sigma = np.full(n_pre, 0.3 * sd / np.sqrt(n_pre))
            pre = bridge_paths([self._rng(symbol, day, 1) for day in days], n_pre, pre_sigma, pre_start, log_open)
            post_rngs = [self._rng(symbol, day, 3) for day in days]
            end = reg[:, -1:] + np.array([rng.standard_normal() for rng in post_rngs])[:, None] * 0.2 * sd
            post_sigma = np.full(n_post, 0.2 * sd / np.sqrt(n_post))
            post = bridge_paths(post_rngs, n_post, post_sigma, reg[:, -1:], end)
            parts = [Part(pre_start, pre, pre_sigma, 0.03 / n_pre), *parts,
                     Part(reg[:, -1:], post, post_sigma, 0.02 / n_post)]
        volume_mult = np.array([p.volume_mult for p in plans])
        return minutes_ohlcv(prof.daily_volume, volume_mult, parts, bar_rngs)

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


def _shape_of(session: SessionBounds) -> tuple[int, int, int]:
    """Minutes of the session's pre-market, regular session and after hours."""
    return (int((session.open - session.premarket_open).total_seconds() // 60),
            int((session.close - session.open).total_seconds() // 60),
            int((session.after_hours_close - session.close).total_seconds() // 60))
