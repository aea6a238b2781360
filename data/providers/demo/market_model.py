"""The deterministic simulated market behind the demo provider.

Every number is a pure function of (seed, symbol, session): the daily path is one seeded walk
over the XNYS sessions from 2005, each session's minutes come from an RNG keyed by
(seed, symbol, day), so any day can be produced alone, in any order, with the same result.
The walk is causal: a session's draws are the next row of one random stream, so the path up
to a day never depends on how far ahead the calendar reaches (which once moved every price
whenever the real date did).

Shape of a day:
* day type — trend up/down (a large open-to-close move loaded early: opening drive), range
  (little net move), normal; some days open with a gap;
* minute volatility high at the open, dipping at lunch, rising into the close;
* volume U-shaped and higher on bars that move more; indices have no volume;
* stocks/ETFs also have thin pre-market (04:00) and after-hours (to 20:00) minutes.
"""

from __future__ import annotations

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
_GAP_DAY_CUT = NormalDist().inv_cdf(0.10)
_PLAN_BLOCK = 512  # plans are made for whole blocks of sessions (about two years)


@dataclass(frozen=True, slots=True)
class DayPlan:
    day_type: str
    open: float
    close: float
    prev_close: float
    volume_mult: float


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
        self._plans = lru_cache(maxsize=64)(self._make_plans)
        self.session_bars = lru_cache(maxsize=2048)(self._make_session_bars)

    def profile(self, symbol: str) -> SymbolProfile:
        return profile_for(symbol)

    # -- daily path ---------------------------------------------------------------------
    def day_plan(self, symbol: str, day) -> DayPlan:
        i = self.calendar.session_number(day)
        return self._plans(symbol, (i // _PLAN_BLOCK + 1) * _PLAN_BLOCK)[i]

    def _make_plans(self, symbol: str, n: int) -> tuple[DayPlan, ...]:
        """Plans of the first ``n`` sessions since 2005 (the same prefix for any ``n``)."""
        prof = profile_for(symbol)
        if prof.tracks:
            ratio = TRACKING[symbol][1]
            return tuple(DayPlan(p.day_type, p.open * ratio, p.close * ratio, p.prev_close * ratio,
                                 p.volume_mult) for p in self._plans(prof.tracks, n))
        draws = np.random.default_rng([self.seed, symbol_key(symbol), 0]).standard_normal((n, 5))
        kinds = np.searchsorted(_DAY_TYPE_CUTS, draws[:, 3])
        gap_day = draws[:, 4] < _GAP_DAY_CUT
        z = draws[:, :3]
        sd = prof.daily_vol
        plans: list[DayPlan] = []
        log_level = np.log(prof.base_price)
        log_close = log_level
        for i in range(n):
            kind = _DAY_TYPES[kinds[i]]
            gap = z[i, 0] * 0.25 * sd
            if gap_day[i]:
                gap = np.sign(z[i, 0] or 1.0) * (0.6 + 0.9 * min(abs(z[i, 2]), 1.0)) * sd
            if kind == "trend_up":
                move = (1.0 + 0.5 * abs(z[i, 1])) * sd
            elif kind == "trend_down":
                move = -(1.0 + 0.5 * abs(z[i, 1])) * sd
            elif kind == "range":
                move = 0.3 * z[i, 1] * sd
            else:
                move = 0.8 * z[i, 1] * sd
            pull = -_MEAN_REVERSION * (log_close - log_level)
            log_open = log_close + gap + pull
            prev_close = float(np.exp(log_close))
            log_close = log_open + move
            vol_mult = {"trend_up": 1.3, "trend_down": 1.4, "range": 0.8}.get(kind, 1.0)
            vol_mult *= 1.3 if gap_day[i] else 1.0
            plans.append(DayPlan(kind, float(np.exp(log_open)), float(np.exp(log_close)),
                                 prev_close, vol_mult * float(np.exp(0.2 * z[i, 2]))))
        return tuple(plans)

    # -- intraday -------------------------------------------------------------------------
    def _make_session_bars(self, symbol: str, day) -> Bars:
        """All 1-minute bars of one session (extended hours included where the symbol has them)."""
        prof = profile_for(symbol)
        plan = self.day_plan(symbol, day)
        session = self.calendar.session(day)
        own_key = symbol_key(symbol)
        path_key = symbol_key(prof.tracks or symbol)

        def rng_for(key: int, part: int) -> np.random.Generator:
            return np.random.default_rng([self.seed, key, day.toordinal(), part])

        n = int((session.close - session.open).total_seconds() // 60)
        sd = prof.daily_vol
        parts = []
        if prof.extended_hours:
            n_pre = int((session.open - session.premarket_open).total_seconds() // 60)
            pre = _bridge_path(rng_for(own_key, 1), n_pre, np.full(n_pre, 0.3 * sd / np.sqrt(n_pre)),
                               np.log(plan.prev_close), np.log(plan.open))
            parts.append((session.premarket_open, pre, 0.03 / n_pre))
        weights = _regular_vol_shape(n)
        path_sd = profile_for(prof.tracks).daily_vol if prof.tracks else sd
        sigma = path_sd * weights / np.sqrt(np.sum(weights**2))
        if plan.day_type == "range":
            sigma = sigma * 0.6
        reg = _bridge_path(rng_for(path_key, 2), n, sigma, np.log(plan.open), np.log(plan.close))
        parts.append((session.open, reg, None))
        if prof.extended_hours:
            n_post = int((session.after_hours_close - session.close).total_seconds() // 60)
            post_sigma = np.full(n_post, 0.2 * sd / np.sqrt(n_post))
            post_rng = rng_for(own_key, 3)
            end = np.log(plan.close) + post_rng.standard_normal() * 0.2 * sd
            post = _bridge_path(post_rng, n_post, post_sigma, np.log(plan.close), end)
            parts.append((session.close, post, 0.02 / n_post))

        rng = rng_for(own_key, 4)  # wicks and volume
        cols: dict[str, list[np.ndarray]] = {k: [] for k in ("ts", "o", "h", "l", "c", "v")}
        for start, (log_open_prev, log_path, sigma_m), ext_share in parts:
            m = len(log_path)
            opens = np.exp(np.r_[log_open_prev, log_path[:-1]])
            closes = np.exp(log_path)
            wick = np.exp(np.abs(rng.standard_normal((2, m))) * 0.4 * sigma_m)
            highs = np.maximum(opens, closes) * wick[0]
            lows = np.minimum(opens, closes) / wick[1]
            if prof.daily_volume:
                moved = np.abs(log_path - np.r_[log_open_prev, log_path[:-1]]) / sigma_m
                if ext_share is None:
                    shape = _regular_volume_shape(m)
                    share = shape / shape.sum()
                else:
                    share = np.full(m, ext_share)
                noise = np.exp(0.35 * rng.standard_normal(m))
                vols = np.round(prof.daily_volume * plan.volume_mult * share * noise * (0.7 + 0.3 * moved))
            else:
                vols = np.zeros(m)
            cols["ts"].append(int(start.timestamp()) + 60 * np.arange(m, dtype=np.int64))
            for key, arr in (("o", opens), ("h", highs), ("l", lows), ("c", closes), ("v", vols)):
                cols[key].append(arr)
        o, h, l, c = (_round_tick(np.concatenate(cols[k])) for k in ("o", "h", "l", "c"))
        h = np.maximum.reduce([h, o, c])
        l = np.minimum.reduce([l, o, c])
        return Bars(symbol, Timeframe.M1, np.concatenate(cols["ts"]), o, h, l, c, np.concatenate(cols["v"]))

    def regular_close(self, symbol: str, day) -> float:
        """Last regular-session minute close of ``day`` (what "previous close" means)."""
        bars = self.session_bars(symbol, day)
        session = self.calendar.session(day)
        i = int(np.searchsorted(bars.ts, int(session.close.timestamp()))) - 1
        return float(bars.close[i])


def _regular_vol_shape(n: int) -> np.ndarray:
    m = np.arange(n, dtype=float)
    lunch = 0.35 * np.exp(-(((m - n * 0.47) / (n * 0.15)) ** 2))
    return 1.0 + 1.6 * np.exp(-m / 20.0) + 0.5 * np.exp(-(n - 1 - m) / 25.0) - lunch


def _regular_volume_shape(n: int) -> np.ndarray:
    m = np.arange(n, dtype=float)
    lunch = 0.3 * np.exp(-(((m - n * 0.47) / (n * 0.15)) ** 2))
    return 1.0 + 3.0 * np.exp(-m / 15.0) + 2.0 * np.exp(-(n - 1 - m) / 12.0) - lunch


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
