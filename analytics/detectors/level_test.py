"""Level test: a touch and rejection of a key level.

Rule (each session on its own calendar hours; regular-session bars only):
* **Levels** of a session come from the bars themselves: ``analytics.levels.key_levels`` on every
  bar *before* the session's first regular bar gives the prior day's high / low / close, today's
  pre-market high / low and the classic pivots P / R1 / S1; the opening range high / low
  (``or_minutes`` = 15) counts only for bars starting at or after open + 15. A caller may pass
  its own ``levels`` (ET day ordinal → {name: price}) instead; NaN levels are skipped.
* **Tolerance** = max(``tolerance_pct`` (0.05 %) × level, ``tolerance_atr`` (0.1) × ATR(14) of the
  regular bars up to the bar before). ATR here and in every detector is
  ``analytics.indicators.mean_true_range``: the simple mean of the last 14 true ranges, whose
  finite memory makes a live window of two sessions decide exactly as the whole history.
* **Short (resistance)**: the bar opens below the level and the previous bar closed below it
  (approached from below), its high is within the tolerance of the level (L − tol ≤ high ≤
  L + tol; higher is a break, not a test) and it closes below the level by at least ``reject``
  (0.3) of its range (close ≤ L − 0.3 × (high − low)). **Long (support)** is the mirror.
* **Plan**: entry at the close; stop one tolerance beyond the level or the bar's extreme,
  whichever is further; targets: the next one or two other levels in the trade's direction
  between ``min_target_r`` (0.5) and ``max_target_r`` (3) R away, else 1R and 2R. One per level,
  direction and session; no entry in the last ``last_entry_before_close`` (60) minutes.
* **Confidence** = 0.4 rejection (close's distance from the level in bar ranges, full at 0.6)
  + 0.3 precision (1 at the level, 0 at the tolerance's edge) + 0.3 volume (against the previous
  20 regular bars' mean, full at 2×; neutral 0.5 without volume).
Decided on the rejecting bar's close: nothing after it is read (no look-ahead).
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.level_names import level_name
from analytics.detectors.session_bars import SessionBars
from analytics.indicators import mean_true_range
from analytics.levels import classic_pivots, key_levels

NAME = "level_test"
OR_LEVELS = ("or_high", "or_low")


def session_levels(bars: SessionBars, first: int) -> dict[str, float]:
    """Prior-day, pre-market and pivot levels known before the regular bar ``first`` opens."""
    lo = _prior_day_start(bars, first)
    found = key_levels(bars.day[lo:first], bars.minute[lo:first], bars.high[lo:first], bars.low[lo:first],
                       bars.close[lo:first], bars.volume[lo:first], open_minute=bars.open_minute[lo:first],
                       close_minute=bars.close_minute[lo:first], current_day=int(bars.day[first]))
    if found is None:
        return {}
    out = {"prior_high": found.prior_high, "prior_low": found.prior_low, "prior_close": found.prior_close,
           "premarket_high": found.premarket_high, "premarket_low": found.premarket_low,
           "pivot": found.pivots.p, "r1": found.pivots.r1, "s1": found.pivots.s1}
    return {k: float(v) for k, v in out.items() if math.isfinite(v)}


def _levels_before(bars: SessionBars, every: np.ndarray, day: np.ndarray, pos: int) -> dict[str, float]:
    """``session_levels`` at the regular bar ``every[pos]`` that opens its session (``every``: the
    regular bars, ``day`` their days), read straight off the bars: the prior session is the day of
    the regular bar before it, the pre-market its own day's bars before it."""
    if pos == 0:
        return {}  # no earlier session
    first, last = int(every[pos]), int(every[pos - 1])
    prior = every[int(np.searchsorted(day, day[pos - 1])):pos]
    ph, pl, pc = float(bars.high[prior].max()), float(bars.low[prior].min()), float(bars.close[last])
    today = int(np.searchsorted(bars.day, day[pos]))
    pre_h, pre_l = ((float(bars.high[today:first].max()), float(bars.low[today:first].min())) if first > today
                    else (math.nan, math.nan))
    pivots = classic_pivots(ph, pl, pc)
    out = {"prior_high": ph, "prior_low": pl, "prior_close": pc, "premarket_high": pre_h, "premarket_low": pre_l,
           "pivot": pivots.p, "r1": pivots.r1, "s1": pivots.s1}
    return {k: float(v) for k, v in out.items() if math.isfinite(v)}


def _prior_day_start(bars: SessionBars, first: int) -> int:
    """The first bar of the last day before bar ``first``'s with a regular bar: all ``key_levels``
    reads of the bars before ``first`` (that day's session, and ``first``'s day's pre-market)."""
    before = np.flatnonzero(bars.regular[:first] & (bars.day[:first] < bars.day[first]))
    if not len(before):
        return 0
    return int(np.searchsorted(bars.day[:first], bars.day[before[-1]]))


def opening_range(bars: SessionBars, rows: np.ndarray, minutes: int) -> tuple[dict[str, float], int]:
    """The session's opening range levels and the first row index allowed to use them."""
    since_open = bars.minute[rows] - bars.open_minute[rows]
    inside, after = rows[since_open < minutes], rows[since_open >= minutes]
    if not len(inside) or not len(after):
        return {}, len(bars)
    return {"or_high": float(bars.high[inside].max()), "or_low": float(bars.low[inside].min())}, int(after[0])


@dataclass(frozen=True, eq=False)
class LevelGrid:
    """Every session's levels over the regular bars, for masks over all of them at once:
    ``value[k, p]`` is level ``names[k]`` at the regular bar ``rows[p]`` — NaN where that bar's
    session has no such level or it is not known yet (the opening range before ``or_from``)."""

    rows: np.ndarray  # the regular bars' indices (of the sessions kept)
    every: np.ndarray  # every regular bar's index: rows is every[offset:] (sessions over before
    offset: int  # decide_from are left out)
    session: np.ndarray  # each regular bar's session number
    bounds: np.ndarray  # session j's regular bars are rows[bounds[j]:bounds[j + 1]]
    names: list[str]
    value: np.ndarray  # (len(names), len(rows))
    base: list[dict[str, float]]  # per session: the levels known at its open
    or_levels: list[dict[str, float]]  # and its opening range levels, known from bar or_from[j] on
    or_from: list[int]

    def known(self, j: int, i: int) -> dict[str, float]:
        """The levels of session ``j`` known at bar ``i``."""
        return {**self.base[j], **self.or_levels[j]} if i >= self.or_from[j] else self.base[j]


def level_grid(bars: SessionBars, levels: dict[int, dict[str, float]] | None, or_minutes: int,
               decide_from: int = 0) -> LevelGrid:
    """The sessions' levels from the bars (``session_levels`` + ``opening_range``) or ``levels``;
    sessions whose last regular bar comes before bar ``decide_from`` are left out."""
    every = np.flatnonzero(bars.regular)
    every_day, offset = bars.day[every], 0
    if decide_from > 0 and len(every):
        first = int(np.searchsorted(every, decide_from))  # the first regular bar to decide on
        offset = int(np.searchsorted(every_day, every_day[first])) if first < len(every) else len(every)
    rows, day = every[offset:], every_day[offset:]
    starts = np.flatnonzero(np.concatenate(([True], day[1:] != day[:-1]))) if len(rows) else np.empty(0, np.int64)
    bounds = np.append(starts, len(rows))
    base, or_levels, or_from = [], [], []
    for a, b in itertools.pairwise(bounds):
        if levels is not None:
            found, (opening, since) = dict(levels.get(int(day[a]), {})), ({}, len(bars))
        else:
            found = _levels_before(bars, every, every_day, offset + int(a))
            opening, since = opening_range(bars, rows[a:b], or_minutes)
        base.append(found)
        or_levels.append(opening)
        or_from.append(since)
    names = list(dict.fromkeys(k for j in range(len(base)) for k in (*base[j], *or_levels[j])))
    at = {name: k for k, name in enumerate(names)}
    value = np.full((len(names), len(rows)), np.nan)
    for j, (a, b) in enumerate(itertools.pairwise(bounds)):
        for name, v in base[j].items():
            value[at[name], a:b] = v
        c = a + int(np.searchsorted(rows[a:b], or_from[j]))
        for name, v in or_levels[j].items():
            value[at[name], c:b] = v
    session = np.repeat(np.arange(len(starts)), np.diff(bounds))
    return LevelGrid(rows, every, offset, session, bounds, names, value, base, or_levels, or_from)


def regular_atr_before(bars: SessionBars, grid: LevelGrid, period: int) -> np.ndarray:
    """ATR(``period``) of the regular bars up to the one before each of ``grid.rows``."""
    every = grid.every
    before = mean_true_range(bars.high[every], bars.low[every], bars.close[every], period)[:-1]
    return np.concatenate((np.full(1, np.nan), before))[grid.offset:]


def first_per_session(grid: LevelGrid, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(level k, position p) of the first True of each level's row of ``mask`` in each session."""
    k, p = np.nonzero(mask)
    key = k * (len(grid.bounds) + 1) + grid.session[p]
    first = np.concatenate(([True], key[1:] != key[:-1])) if len(key) else np.empty(0, bool)
    return k[first], p[first]


def level_test(bars: SessionBars, levels: dict[int, dict[str, float]] | None = None, or_minutes: int = 15,
               tolerance_pct: float = 0.0005, tolerance_atr: float = 0.1, reject: float = 0.3,
               min_target_r: float = 0.5, atr_period: int = 14, last_entry_before_close: int = 60,
               decide_from: int = 0) -> list[Detection]:
    grid = level_grid(bars, levels, or_minutes, decide_from)
    rows = grid.rows
    if not len(rows):
        return []
    atr_before = regular_atr_before(bars, grid, atr_period)
    level = grid.value
    by_atr = np.where(np.isfinite(atr_before), tolerance_atr * atr_before, 0.0)
    first = int(np.searchsorted(rows, decide_from))  # the first regular bar decided
    with np.errstate(invalid="ignore"):
        if first > 0:  # no test on the bars decided: nothing to find (whatever came before)
            tail = np.maximum(tolerance_pct * np.abs(level[:, first:]), by_atr[first:])
            if not np.logical_or(*_rejections(bars, rows[first:], level[:, first:], tail, reject)).any():
                return []
        tol = np.maximum(tolerance_pct * np.abs(level), by_atr)
        short, long = _rejections(bars, rows, level, tol, reject)
    late = bars.minute[rows] + bars.bar_seconds // 60 > bars.close_minute[rows] - last_entry_before_close
    short, long = short & ~late, long & ~late
    found: list[Detection] = []
    for direction, mask in (("short", short), ("long", long)):
        for k, p in zip(*first_per_session(grid, mask), strict=True):
            i, j, name = int(rows[p]), int(grid.session[p]), grid.names[k]
            if i < decide_from:
                continue
            known = grid.known(j, i)
            found.append(_detection(bars, i, direction, name, known[name], float(tol[k, p]), known, min_target_r,
                                    _volume_ratio(bars, grid.every, int(p) + grid.offset)))
    return sorted(found, key=lambda d: (d.time, d.direction, next(iter(d.levels))))


def _rejections(bars: SessionBars, rows: np.ndarray, level: np.ndarray, tol: np.ndarray,
                reject: float) -> tuple[np.ndarray, np.ndarray]:
    """Per level and regular bar: a touch from below closing back under (short), the mirror (long)."""
    o, h, lo, c = (a[rows] for a in (bars.open, bars.high, bars.low, bars.close))
    prev = np.concatenate((bars.open[:1], bars.close[:-1]))[rows]  # the bar before (the first bar: its own open)
    pull = reject * (h - lo)
    # o < L and prev < L is max(o, prev) < L (and the mirror): exact, one test per level fewer
    short = (np.maximum(o, prev) < level) & (level - tol <= h) & (h <= level + tol) & (c <= level - pull)
    long = (np.minimum(o, prev) > level) & (level - tol <= lo) & (lo <= level + tol) & (c >= level + pull)
    return short, long & ~short


def _volume_ratio(bars: SessionBars, rows: np.ndarray, p: int, n: int = 20) -> float:
    """Bar ``rows[p]``'s volume against the mean of the ``n`` regular bars before it."""
    earlier = rows[max(0, p - n):p]
    base = float(np.mean(bars.volume[earlier])) if len(earlier) else 0.0
    return float(bars.volume[rows[p]]) / base if base > 0 else float("nan")


def level_targets(entry: float, risk: float, sign: float, name: str, known: dict[str, float],
                  min_target_r: float, max_target_r: float = 3.0) -> tuple[float, ...]:
    """The next one or two levels other than ``name`` between ``min_target_r`` and ``max_target_r``
    R ahead (a level 30 R away is not a plan for an intraday trade), else 1R and 2R."""
    ahead = sorted((sign * (v - entry), v) for k, v in known.items()
                   if k != name and min_target_r * risk <= sign * (v - entry) <= max_target_r * risk)
    if ahead:
        return tuple(v for _d, v in ahead[:2])
    return entry + sign * risk, entry + 2 * sign * risk


def _detection(bars: SessionBars, i: int, direction: str, name: str, level: float, tol: float,
               known: dict[str, float], min_target_r: float, ratio: float) -> Detection:
    sign = 1.0 if direction == "long" else -1.0
    entry, high, low = float(bars.close[i]), float(bars.high[i]), float(bars.low[i])
    stop = min(level, low) - tol if direction == "long" else max(level, high) + tol
    risk = abs(entry - stop)
    targets = level_targets(entry, risk, sign, name, known, min_target_r)
    extreme = low if direction == "long" else high
    width = high - low
    parts = (ConfidencePart("rejection", min(1.0, sign * (entry - level) / width / 0.6) if width > 0 else 0.0, 0.4),
             ConfidencePart("precision", 1.0 - min(1.0, abs(extreme - level) / tol) if tol > 0 else 1.0, 0.3),
             ConfidencePart("volume", min(1.0, ratio / 2) if np.isfinite(ratio) else 0.5, 0.3))
    verb, side = ("held", "above") if direction == "long" else ("rejected", "below")
    reach = abs(extreme - level)
    came = "touched" if (extreme - level) * sign <= 0 else f"came within {reach:,.2f} of"
    evidence = (f"{bars.symbol} {came} {level_name(name)} {level:,.2f} (tolerance {tol:,.2f}) and "
                f"{verb} it, closing {side} at {entry:,.2f}.")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, stop, targets,
                     weighted_confidence(parts), parts, evidence, {name: level}, i)
