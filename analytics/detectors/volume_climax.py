"""Volume climax (exhaustion) reversal.

Rule (regular-session bars only, read as one continuous history across sessions):
* **Volume**: the bar's volume ≥ ``k`` (3) × the mean volume of the ``n`` (20) regular bars
  before it — the bars before it only, so a session's first bars compare against the prior
  session's last bars; fewer than ``n`` earlier bars, or a zero baseline, is no climax. No
  volume at all (an index) → no detections.
* **Range**: high − low ≥ ``range_atr`` (1.5) × ATR(``atr_period`` = 14) of the bar before it.
* **Prior move**: down (for a long) = the previous bar of the same session closed below the
  session's open (its first regular bar's open) and EMA(``ema_span`` = 9) of closes fell into
  the previous bar (ema[j−1] < ema[j−2]); up (for a short) is the mirror. A session's first
  bar has no previous bar of its own and never fires.
* **Close**: after a down move, a close in the upper ``outer`` (1/3) of the range → long;
  after an up move, a close in the lower third → short.
* **Time**: no entry in the last ``last_entry_before_close`` (30) minutes of the session (the
  closing volume surge is not exhaustion; the bar must end by close − 30).
* **Plan**: entry at the bar's close; stop ``stop_atr`` (0.1) ATR beyond the bar's low (long)
  or high (short); targets 1R and 2R. At most one long and one short per session.
* **Confidence** = 0.4 volume (ratio, full at 2k) + 0.3 range (range / ATR, full at 3×)
  + 0.3 close (depth into the outer part, full at the extreme).
Decided on the climax bar's close: nothing after it is read (no look-ahead).
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.session_bars import SessionBars
from analytics.indicators import ema, mean_true_range

NAME = "volume_climax"


def volume_climax(bars: SessionBars, k: float = 3.0, n: int = 20, range_atr: float = 1.5,
                  atr_period: int = 14, ema_span: int = 9, outer: float = 1 / 3,
                  stop_atr: float = 0.1, last_entry_before_close: int = 30, decide_from: int = 0) -> list[Detection]:
    rows = np.flatnonzero(bars.regular)
    volume = np.nan_to_num(np.asarray(bars.volume, float)[rows], nan=0.0)
    if len(rows) <= n or not (volume > 0).any():
        return []
    high, low, close = (np.asarray(a, float)[rows] for a in (bars.high, bars.low, bars.close))
    ranges = mean_true_range(high, low, close, atr_period)
    trend = ema(close, ema_span)
    baseline = np.convolve(volume, np.ones(n) / n, "valid")[:-1]  # baseline[j - n]: mean of j-n..j-1
    bar_end = bars.minute[rows] + bars.bar_seconds // 60
    allowed = bar_end <= bars.close_minute[rows] - last_entry_before_close
    found: list[Detection] = []
    fired: set[tuple[int, str]] = set()
    j0 = max(n, 2)
    base_at, range_before = baseline[j0 - n:], ranges[j0 - 1:-1]
    with np.errstate(invalid="ignore"):
        climax = (allowed[j0:] & (base_at > 0) & (volume[j0:] >= k * base_at) & np.isfinite(range_before)
                  & (range_before > 0))
    if decide_from > 0:  # the sessions over before bar decide_from: nothing to decide there
        first = int(np.searchsorted(rows, decide_from))
        if first == len(rows):
            return []
        climax[:max(0, int(np.searchsorted(bars.day[rows], bars.day[rows[first]])) - j0)] = False
    for j in (np.flatnonzero(climax) + j0).tolist():
        base = baseline[j - n]
        direction = _direction(bars, rows, j, trend, high[j] - low[j], close[j] - low[j], outer)
        if direction is None or high[j] - low[j] < range_atr * ranges[j - 1]:
            continue
        key = (int(bars.day[rows[j]]), direction)
        if key not in fired:
            fired.add(key)
            if rows[j] >= decide_from:
                found.append(_detection(bars, int(rows[j]), direction, volume[j] / base, float(ranges[j - 1]),
                                        k, stop_atr, outer))
    return found


def _direction(bars: SessionBars, rows: np.ndarray, j: int, trend: np.ndarray, width: float,
               from_low: float, outer: float) -> str | None:
    """"long" after a down move with a close in the upper part, "short" the mirror, else None."""
    i, prev = int(rows[j]), int(rows[j - 1])
    if width <= 0 or bars.day[prev] != bars.day[i] or not np.isfinite(trend[j - 2]):
        return None
    first = int(rows[np.searchsorted(bars.day[rows], bars.day[i])])
    session_open, prev_close = float(bars.open[first]), float(bars.close[prev])
    position = from_low / width
    if prev_close < session_open and trend[j - 1] < trend[j - 2] and position >= 1 - outer:
        return "long"
    if prev_close > session_open and trend[j - 1] > trend[j - 2] and position <= outer:
        return "short"
    return None


def _detection(bars: SessionBars, i: int, direction: str, ratio: float, atr_value: float, k: float,
               stop_atr: float, outer: float) -> Detection:
    sign = 1.0 if direction == "long" else -1.0
    high, low, entry = float(bars.high[i]), float(bars.low[i]), float(bars.close[i])
    extreme = low if direction == "long" else high
    stop = extreme - sign * stop_atr * atr_value
    risk = abs(entry - stop)
    width = high - low
    depth = (entry - low) / width if direction == "long" else (high - entry) / width
    parts = (ConfidencePart("volume", min(1.0, ratio / (2 * k)), 0.4),
             ConfidencePart("range", min(1.0, width / atr_value / 3), 0.3),
             ConfidencePart("close", min(1.0, max(0.0, (depth - (1 - outer)) / outer)), 0.3))
    move, half = ("a down move", "upper") if direction == "long" else ("an up move", "lower")
    evidence = (f"{bars.symbol} printed {ratio:.1f}x its prior bars' average volume on a {width / atr_value:.1f}-ATR "
                f"bar after {move} and closed at {entry:,.2f} in the {half} part of its range.")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, stop,
                     (entry + sign * risk, entry + 2 * sign * risk), weighted_confidence(parts), parts,
                     evidence, {"climax_high": high, "climax_low": low}, i)
