"""VWAP reclaim / reject.

Rule (each session on its own calendar hours; regular-session bars only):
* **VWAP**: anchored at the session's regular open, Σ(typical × volume) / Σ volume over the
  session's regular bars so far, typical = (H + L + C) / 3. A bar before which the session has
  traded no volume has no VWAP — an index (SPX, NDX) whose bars carry zero volume therefore has
  no VWAP here and gets **no detections** (no proxy VWAP in this module).
* **Reclaim (long)**: a bar closes strictly above VWAP and the ``k`` (3) bars just before it in
  the session all closed strictly below their own VWAP. **Reject (short)**: the mirror — a
  close strictly below after ``k`` closes strictly above. A close on VWAP, or a bar without
  VWAP, belongs to neither side and breaks a run. A wick through VWAP is not a cross.
* **Filters**: the bar starts at least ``skip_first`` (5) minutes after the open and ends no
  later than ``last_entry_before_close`` (60) minutes before the session's close. At most one
  long and one short per session (the first of each).
* **Plan**: entry at the crossing bar's close; stop at the lowest low (long) / highest high
  (short) of the ``k`` bars before it and the crossing bar itself; targets 1R and 2R.
* **Confidence** = 0.4 volume (the bar's volume against the mean of the session's regular bars
  so far, full at 2×) + 0.3 distance (close beyond VWAP in ATR(``atr_period`` = 14) units,
  full at 0.5 ATR; neutral 0.5 before the ATR exists) + 0.3 time (full at open + ``skip_first``,
  none at the last entry minute).
Decided on the crossing bar's close: nothing after it is read (no look-ahead; the ATR is
Wilder's, computed from past bars only).
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.session_bars import SessionBars
from analytics.indicators import mean_true_range

NAME = "vwap_reclaim"


def session_vwap(bars: SessionBars, rows: np.ndarray) -> np.ndarray:
    """VWAP at each of one session's regular ``rows`` (in time order); NaN while the session
    has traded no volume."""
    typical = (bars.high[rows] + bars.low[rows] + bars.close[rows]) / 3.0
    volume = np.nan_to_num(np.asarray(bars.volume[rows], float), nan=0.0).clip(min=0.0)
    traded = np.cumsum(volume)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(traded > 0, np.cumsum(typical * volume) / traded, np.nan)


def vwap_reclaim(bars: SessionBars, k: int = 3, skip_first: int = 5, last_entry_before_close: int = 60,
                 atr_period: int = 14, decide_from: int = 0) -> list[Detection]:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    crossings = []
    regular = bars.regular
    starts = bars.session_starts()
    for s, e in zip(starts, np.append(starts[1:], len(bars)), strict=True):
        rows = np.flatnonzero(regular[s:e]) + s
        if len(rows) > k and rows[-1] >= decide_from:
            crossings.extend(_session(bars, rows, k, skip_first, last_entry_before_close, decide_from))
    if not crossings:
        return []
    ranges = mean_true_range(bars.high, bars.low, bars.close, atr_period)  # for the distance part only
    found = [_detection(bars, rows, j, k, direction, line, ranges, (skip_first, last_entry))
             for rows, j, direction, line, last_entry in crossings]
    return sorted(found, key=lambda d: (d.time, d.direction))


def _session(bars: SessionBars, rows: np.ndarray, k: int, skip_first: int, last_entry_before_close: int,
             decide_from: int) -> list[tuple[np.ndarray, int, str, np.ndarray, int]]:
    """(rows, j, direction, VWAP line, last entry minute) of the session's first reclaim and reject."""
    line = session_vwap(bars, rows)
    with np.errstate(invalid="ignore"):
        side = np.sign(np.nan_to_num(bars.close[rows] - line, nan=0.0))
    since_open = bars.minute[rows] - bars.open_minute[rows]
    last_entry = bars.close_minute[rows] - last_entry_before_close
    allowed = (since_open >= skip_first) & (bars.minute[rows] + bars.bar_seconds // 60 <= last_entry)
    found = []
    for direction, sign in (("long", 1.0), ("short", -1.0)):
        was = np.concatenate(([0], np.cumsum(side == -sign)))  # closes on the other side before each bar
        run = was[k:-1] - was[:-k - 1] == k  # run[j - k]: the k bars before j all on the other side
        crossed = np.flatnonzero(allowed[k:] & (side[k:] == sign) & run)
        if len(crossed) and rows[crossed[0] + k] >= decide_from:
            j = int(crossed[0]) + k
            found.append((rows, j, direction, line, int(last_entry[j])))
    return found


def _detection(bars: SessionBars, rows: np.ndarray, j: int, k: int, direction: str, line: np.ndarray,
               ranges: np.ndarray, window: tuple[int, int]) -> Detection:
    i, sign = int(rows[j]), (1.0 if direction == "long" else -1.0)
    recent = rows[j - k:j + 1]
    entry = float(bars.close[i])
    stop = float(bars.low[recent].min()) if direction == "long" else float(bars.high[recent].max())
    risk = abs(entry - stop)
    level = float(line[j])
    parts = _parts(bars, rows, j, sign, level, float(ranges[i]), window)
    side, was = ("above", "below") if direction == "long" else ("below", "above")
    ratio = _volume_ratio(bars, rows, j)
    evidence = (f"{bars.symbol} closed {entry:,.2f} {side} its session VWAP {level:,.2f} after {k} closes "
                f"{was} it, on {ratio:.1f}x the session's average volume.")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, stop,
                     (entry + sign * risk, entry + 2 * sign * risk), weighted_confidence(parts), parts,
                     evidence, {"vwap": level}, i)


def _volume_ratio(bars: SessionBars, rows: np.ndarray, j: int) -> float:
    base = float(np.mean(bars.volume[rows[:j + 1]]))
    return float(bars.volume[rows[j]]) / base if base > 0 else float("nan")


def _parts(bars: SessionBars, rows: np.ndarray, j: int, sign: float, level: float, bar_atr: float,
           window: tuple[int, int]) -> tuple[ConfidencePart, ...]:
    i = int(rows[j])
    ratio = _volume_ratio(bars, rows, j)
    volume = min(1.0, ratio / 2) if np.isfinite(ratio) else 0.5
    if np.isfinite(bar_atr) and bar_atr > 0:
        distance = min(1.0, max(0.0, sign * (float(bars.close[i]) - level) / bar_atr / 0.5))
    else:
        distance = 0.5
    first = int(bars.open_minute[i]) + window[0]
    span = max(1, window[1] - first)
    time_left = 1.0 - min(1.0, max(0.0, (int(bars.minute[i]) - first) / span))
    return (ConfidencePart("volume", volume, 0.4), ConfidencePart("distance", distance, 0.3),
            ConfidencePart("time", time_left, 0.3))
