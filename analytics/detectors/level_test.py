"""Level test: a touch and rejection of a key level.

Rule (each session on its own calendar hours; regular-session bars only):
* **Levels** of a session come from the bars themselves: ``analytics.levels.key_levels`` on every
  bar *before* the session's first regular bar gives the prior day's high / low / close, today's
  pre-market high / low and the classic pivots P / R1 / S1; the opening range high / low
  (``or_minutes`` = 15) counts only for bars starting at or after open + 15. A caller may pass
  its own ``levels`` (ET day ordinal → {name: price}) instead; NaN levels are skipped.
* **Tolerance** = max(``tolerance_pct`` (0.05 %) × level, ``tolerance_atr`` (0.1) × ATR(14) of the
  regular bars up to the bar before).
* **Short (resistance)**: the bar opens below the level and the previous bar closed below it
  (approached from below), its high is within the tolerance of the level (L − tol ≤ high ≤
  L + tol; higher is a break, not a test) and it closes below the level by at least ``reject``
  (0.3) of its range (close ≤ L − 0.3 × (high − low)). **Long (support)** is the mirror.
* **Plan**: entry at the close; stop one tolerance beyond the level or the bar's extreme,
  whichever is further; targets: the next one or two other levels in the trade's direction at
  least ``min_target_r`` (0.5) R away, else 1R and 2R. One per level, direction and session.
* **Confidence** = 0.4 rejection (close's distance from the level in bar ranges, full at 0.6)
  + 0.3 precision (1 at the level, 0 at the tolerance's edge) + 0.3 volume (against the previous
  20 regular bars' mean, full at 2×; neutral 0.5 without volume).
Decided on the rejecting bar's close: nothing after it is read (no look-ahead).
"""

from __future__ import annotations

import math

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.session_bars import SessionBars
from analytics.indicators import atr
from analytics.levels import key_levels

NAME = "level_test"
OR_LEVELS = ("or_high", "or_low")


def session_levels(bars: SessionBars, first: int) -> dict[str, float]:
    """Prior-day, pre-market and pivot levels known before the regular bar ``first`` opens."""
    found = key_levels(bars.day[:first], bars.minute[:first], bars.high[:first], bars.low[:first],
                       bars.close[:first], bars.volume[:first], open_minute=bars.open_minute[:first],
                       close_minute=bars.close_minute[:first], current_day=int(bars.day[first]))
    if found is None:
        return {}
    out = {"prior_high": found.prior_high, "prior_low": found.prior_low, "prior_close": found.prior_close,
           "premarket_high": found.premarket_high, "premarket_low": found.premarket_low,
           "pivot": found.pivots.p, "r1": found.pivots.r1, "s1": found.pivots.s1}
    return {k: float(v) for k, v in out.items() if math.isfinite(v)}


def opening_range(bars: SessionBars, rows: np.ndarray, minutes: int) -> tuple[dict[str, float], int]:
    """The session's opening range levels and the first row index allowed to use them."""
    since_open = bars.minute[rows] - bars.open_minute[rows]
    inside, after = rows[since_open < minutes], rows[since_open >= minutes]
    if not len(inside) or not len(after):
        return {}, len(bars)
    return {"or_high": float(bars.high[inside].max()), "or_low": float(bars.low[inside].min())}, int(after[0])


def level_test(bars: SessionBars, levels: dict[int, dict[str, float]] | None = None, or_minutes: int = 15,
               tolerance_pct: float = 0.0005, tolerance_atr: float = 0.1, reject: float = 0.3,
               min_target_r: float = 0.5, atr_period: int = 14) -> list[Detection]:
    regular = np.flatnonzero(bars.regular)
    if not len(regular):
        return []
    atr_before = np.full(len(bars), np.nan)
    atr_before[regular[1:]] = atr(bars.high[regular], bars.low[regular], bars.close[regular], atr_period)[:-1]
    found: list[Detection] = []
    starts = bars.session_starts()
    for s, e in zip(starts, np.r_[starts[1:], len(bars)], strict=True):
        rows = np.flatnonzero(bars.regular[s:e]) + s
        if not len(rows):
            continue
        if levels is not None:
            base, or_levels, or_from = dict(levels.get(int(bars.day[s]), {})), {}, len(bars)
        else:
            base = session_levels(bars, int(rows[0]))
            or_levels, or_from = opening_range(bars, rows, or_minutes)
        params = (tolerance_pct, tolerance_atr, reject, min_target_r)
        found.extend(_session(bars, rows, base, or_levels, or_from, atr_before, params))
    return sorted(found, key=lambda d: (d.time, d.direction, next(iter(d.levels))))


def _session(bars: SessionBars, rows: np.ndarray, base: dict[str, float], or_levels: dict[str, float],
             or_from: int, atr_before: np.ndarray, params: tuple[float, float, float, float]) -> list[Detection]:
    tolerance_pct, tolerance_atr, reject, min_target_r = params
    fired: set[tuple[str, str]] = set()
    out: list[Detection] = []
    for i in rows:
        known = {**base, **or_levels} if i >= or_from else base
        for name, level in known.items():
            tol = max(tolerance_pct * abs(level), tolerance_atr * atr_before[i] if np.isfinite(atr_before[i]) else 0)
            direction = _rejection(bars, int(i), level, tol, reject)
            if direction is None or (name, direction) in fired:
                continue
            fired.add((name, direction))
            out.append(_detection(bars, int(i), direction, name, level, tol, known, min_target_r,
                                  _volume_ratio(bars, int(i))))
    return out


def _rejection(bars: SessionBars, i: int, level: float, tol: float, reject: float) -> str | None:
    """"short" for a touch from below closing back under, "long" for the mirror, else None."""
    o, h, lo, c = (float(a[i]) for a in (bars.open, bars.high, bars.low, bars.close))
    prev = float(bars.close[i - 1]) if i > 0 else o
    width = h - lo
    if o < level and prev < level and level - tol <= h <= level + tol and c <= level - reject * width:
        return "short"
    if o > level and prev > level and level - tol <= lo <= level + tol and c >= level + reject * width:
        return "long"
    return None


def _volume_ratio(bars: SessionBars, i: int, n: int = 20) -> float:
    earlier = np.flatnonzero(bars.regular[:i])[-n:]
    base = float(np.mean(bars.volume[earlier])) if len(earlier) else 0.0
    return float(bars.volume[i]) / base if base > 0 else float("nan")


def level_targets(entry: float, risk: float, sign: float, name: str, known: dict[str, float],
                  min_target_r: float) -> tuple[float, ...]:
    """The next one or two levels other than ``name`` at least ``min_target_r`` R ahead, else 1R and 2R."""
    ahead = sorted((sign * (v - entry), v) for k, v in known.items()
                   if k != name and sign * (v - entry) >= min_target_r * risk)
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
    evidence = (f"{bars.symbol} tested {name.replace('_', ' ')} {level:,.2f} (within {tol:,.2f}) and "
                f"{verb} it, closing {side} at {entry:,.2f}.")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, stop, targets,
                     weighted_confidence(parts), parts, evidence, {name: level}, i)
