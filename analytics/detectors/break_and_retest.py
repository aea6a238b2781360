"""Break and retest of a key level.

Rule (each session on its own calendar hours; regular-session bars only; after Malkus'
``breakdown_retest_study.py``, wave2-references.md § 1.2):
* **Levels**: those of ``level_test`` — ``level_test.session_levels`` (prior day's high / low /
  close, pre-market high / low, pivots P / R1 / S1, known before the session opens) and the
  opening range high / low (``or_minutes`` = 15), which only bars starting at or after open +
  ``or_minutes`` may break. A caller may pass its own ``levels`` (ET day ordinal → {name: price}).
* **ATR** = ATR(``atr_period`` = 14) of the regular bars up to the bar before the break bar;
  before it exists, ``tolerance_pct`` × level stands in for the break margin.
* **Break (long)**: a bar closes at least ``break_atr`` (0.15) ATR above the level and the bar
  before it in the session closed at or below it (the session's first bar: its own open).
  Tolerance = max(``tolerance_pct`` (0.05 %) × level, ``retest_atr`` (0.3) × that ATR).
* **Retest**: within the next ``window`` (8) bars a bar's low comes back to within the tolerance
  of the level (low ≤ level + tolerance). **Entry**: within ``confirm`` (4) bars after the retest
  bar, a bar closes above the retest bar's high.
* **Invalidation** (then a new break may arm it again): any bar after the break closing at or
  below the level, or trading more than the tolerance below it, or the retest / entry not
  arriving in time. **Short** is the mirror (a close below, a high back up, a close below the
  retest bar's low).
* **Filters**: at most one per level, direction and session; the entry bar ends no later than
  ``last_entry_before_close`` (60) minutes before the session's close.
* **Plan**: entry at the entry bar's close; stop one tolerance beyond the level or the retest's
  extreme (lowest low / highest high from the retest bar to the entry bar), whichever is
  further; targets: the next one or two other levels at least ``min_target_r`` (0.5) R ahead,
  else 1R and 2R (``level_test.level_targets``).
* **Confidence** = 0.3 break (close beyond the level in ATR, full at 0.5; neutral 0.5 without an
  ATR) + 0.3 retest (1 at the level, 0 at the tolerance's edge) + 0.2 volume (the break bar's
  volume against the previous 20 regular bars' mean, full at 2×; neutral 0.5 without volume)
  + 0.2 time (full at the open, none at the last entry minute).
Decided on the entry bar's close: nothing after it is read (no look-ahead).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.level_test import level_targets, opening_range, session_levels
from analytics.detectors.session_bars import SessionBars
from analytics.indicators import atr

NAME = "break_and_retest"


def break_and_retest(bars: SessionBars, levels: dict[int, dict[str, float]] | None = None, or_minutes: int = 15,
                     break_atr: float = 0.15, retest_atr: float = 0.3, tolerance_pct: float = 0.0005,
                     window: int = 8, confirm: int = 4, last_entry_before_close: int = 60,
                     min_target_r: float = 0.5, atr_period: int = 14) -> list[Detection]:
    regular = np.flatnonzero(bars.regular)
    if not len(regular):
        return []
    atr_before = np.full(len(bars), np.nan)
    atr_before[regular[1:]] = atr(bars.high[regular], bars.low[regular], bars.close[regular], atr_period)[:-1]
    params = (break_atr, retest_atr, tolerance_pct, window, confirm)
    found: list[Detection] = []
    starts = bars.session_starts()
    for s, e in zip(starts, np.r_[starts[1:], len(bars)], strict=True):
        rows = np.flatnonzero(bars.regular[s:e]) + s
        if not len(rows):
            continue
        if levels is not None:
            base, or_levels, or_from = dict(levels.get(int(bars.day[s]), {})), {}, len(bars)
        else:
            base, (or_levels, or_from) = session_levels(bars, int(rows[0])), opening_range(bars, rows, or_minutes)
        last_entry = int(bars.close_minute[rows[0]]) - last_entry_before_close
        for name, level in {**base, **or_levels}.items():
            first = or_from if name in or_levels else 0
            for sign in (1.0, -1.0):
                hit = _find(bars, rows, level, sign, first, atr_before, params)
                if hit is None or bars.minute[hit[2]] + bars.bar_seconds // 60 > last_entry:
                    continue
                known = {**base, **or_levels} if hit[2] >= or_from else base
                found.append(_detection(bars, hit, name, level, sign, known, atr_before, (min_target_r, last_entry)))
    return sorted(found, key=lambda d: (d.time, d.direction, next(iter(d.levels))))


def _find(bars: SessionBars, rows: np.ndarray, level: float, sign: float, first: int, atr_before: np.ndarray,
          params: tuple[float, float, float, int, int]) -> tuple[int, int, int, float] | None:
    """(break bar, retest bar, entry bar, tolerance) of the session's first break and retest of
    ``level`` upwards (``sign`` = 1) or downwards (−1), else None."""
    break_atr, retest_atr, tolerance_pct, window, confirm = params
    back, ahead = (bars.low, bars.high) if sign > 0 else (bars.high, bars.low)
    brk = retest = -1
    tol = 0.0
    for k, i in enumerate(rows.tolist()):
        beyond = sign * (float(bars.close[i]) - level)
        if brk < 0:
            a = float(atr_before[i])
            prev = float(bars.close[rows[k - 1]]) if k else float(bars.open[i])
            margin = break_atr * a if np.isfinite(a) else tolerance_pct * abs(level)
            if i >= first and beyond >= margin and sign * (prev - level) <= 0:
                brk, retest = k, -1
                tol = max(tolerance_pct * abs(level), retest_atr * a if np.isfinite(a) else 0.0)
        elif beyond <= 0 or sign * (float(back[i]) - level) < -tol:  # closed back or poked too far through
            brk = -1
        elif retest < 0:
            if k - brk > window:
                brk = -1
            elif sign * (float(back[i]) - level) <= tol:
                retest = k
        elif k - retest > confirm:
            brk = -1
        elif sign * (float(bars.close[i]) - float(ahead[rows[retest]])) > 0:
            return int(rows[brk]), int(rows[retest]), i, tol
    return None


def _clock(bars: SessionBars, i: int) -> str:
    minute = int(bars.minute[i])
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _volume_ratio(bars: SessionBars, i: int, n: int = 20) -> float:
    earlier = np.flatnonzero(bars.regular[:i])[-n:]
    volume = np.nan_to_num(np.asarray(bars.volume, float), nan=0.0)
    base = float(np.mean(volume[earlier])) if len(earlier) else 0.0
    return float(volume[i]) / base if base > 0 else float("nan")


def _parts(bars: SessionBars, hit: tuple[int, int, int, float], level: float, sign: float, atr_before: np.ndarray,
           last_entry: int) -> tuple[ConfidencePart, ...]:
    brk, retest, entry_bar, tol = hit
    a = float(atr_before[brk])
    beyond = sign * (float(bars.close[brk]) - level)
    strength = min(1.0, beyond / a / 0.5) if np.isfinite(a) and a > 0 else 0.5
    touch = float(bars.low[retest] if sign > 0 else bars.high[retest])
    precision = 1.0 - min(1.0, abs(touch - level) / tol) if tol > 0 else 1.0
    ratio = _volume_ratio(bars, brk)
    open_minute = int(bars.open_minute[entry_bar])
    time_left = 1.0 - min(1.0, max(0.0, (int(bars.minute[entry_bar]) - open_minute) / max(1, last_entry - open_minute)))
    return (ConfidencePart("break", strength, 0.3), ConfidencePart("retest", precision, 0.3),
            ConfidencePart("volume", min(1.0, ratio / 2) if np.isfinite(ratio) else 0.5, 0.2),
            ConfidencePart("time", time_left, 0.2))


def _detection(bars: SessionBars, hit: tuple[int, int, int, float], name: str, level: float, sign: float,
               known: dict[str, float], atr_before: np.ndarray, plan: tuple[float, int]) -> Detection:
    min_target_r, last_entry = plan
    brk, retest, i, tol = hit
    entry = float(bars.close[i])
    if sign > 0:
        extreme = float(bars.low[retest:i + 1].min())
        stop = min(level, extreme) - tol
    else:
        extreme = float(bars.high[retest:i + 1].max())
        stop = max(level, extreme) + tol
    targets = level_targets(entry, abs(entry - stop), sign, name, known, min_target_r)
    parts = _parts(bars, hit, level, sign, atr_before, last_entry)
    side, edge = ("above", "high") if sign > 0 else ("below", "low")
    evidence = (f"{bars.symbol} broke {side} {name.replace('_', ' ')} {level:,.2f} on the {_clock(bars, brk)} "
                f"bar, came back to {extreme:,.2f} on the {_clock(bars, retest)} bar and closed {entry:,.2f}, "
                f"{side} the retest bar's {edge}.")
    return Detection(bars.symbol, NAME, "long" if sign > 0 else "short", bars.bar_close(i), entry, stop, targets,
                     weighted_confidence(parts), parts, evidence, {name: level}, i)
