"""Opening-range breakout.

Rule (each session on its own calendar hours; regular-session bars only):
* **Range**: high and low of the bars *starting* in [open, open + N) minutes, N = 5, 15 or 30
  (the ``opening_range_minutes`` preference). The range is known once a bar starts at or after
  open + N; a session without bars in the window has no range.
* **Break**: the first later bar that closes beyond the range (``by="close"``, the default) or
  trades beyond it (``by="wick"``): above the high is long, below the low is short — strictly
  beyond, as edgeful counts. At most one long and one short per session.
* **Filters**: no entry in the last ``last_entry_before_close`` minutes of the session (60);
  range width between ``min_width`` and ``max_width`` of the range's midpoint (0.05 %–3 %).
* **Plan**: entry at the breaking bar's close (``by="close"``) or at the range edge
  (``by="wick"``); stop at the opposite side of the range; targets 1R and 2R.
* **Confidence** = 0.4 volume (the breaking bar's volume against the range bars' mean, full at
  2×; neutral 0.5 without volume, e.g. an index) + 0.3 strength (close beyond the edge in range
  widths, full at 0.5) + 0.3 time (full at the range's end, none at the last entry minute).
Decided on the breaking bar's close: nothing after it is read (no look-ahead).

``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).

``orb_outcomes`` labels whole sessions as edgeful does (double break, up only, down only, none;
by wick or by close) for the statistics beside the detections.
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.session_bars import SessionBars

NAME = "opening_range_breakout"


def _sessions(bars: SessionBars, minutes: int, decide_from: int = 0):
    """(range bars, bars after the range, range high, range low) per session (those ending
    before bar ``decide_from`` left out)."""
    regular = bars.regular
    starts = bars.session_starts()
    for s, e in zip(starts, np.append(starts[1:], len(bars)), strict=True):
        if e <= decide_from:
            continue
        rows = np.flatnonzero(regular[s:e]) + s
        if not len(rows):
            continue
        since_open = bars.minute[rows] - bars.open_minute[rows]
        inside, after = rows[since_open < minutes], rows[since_open >= minutes]
        if not len(inside) or not len(after):
            continue
        yield inside, after, float(bars.high[inside].max()), float(bars.low[inside].min())


def orb_outcomes(bars: SessionBars, minutes: int = 15, by: str = "wick") -> list[str]:
    """Per session with a complete range: "double", "up", "down" or "none" (strict inequalities
    over all bars after the range until the close)."""
    up_values, down_values = (bars.high, bars.low) if by == "wick" else (bars.close, bars.close)
    labels = []
    for _inside, after, orh, orl in _sessions(bars, minutes):
        up, down = bool((up_values[after] > orh).any()), bool((down_values[after] < orl).any())
        labels.append("double" if up and down else "up" if up else "down" if down else "none")
    return labels


def opening_range_breakout(bars: SessionBars, minutes: int = 15, by: str = "close",
                           last_entry_before_close: int = 60, min_width: float = 0.0005,
                           max_width: float = 0.03, decide_from: int = 0) -> list[Detection]:
    if by not in ("close", "wick"):
        raise ValueError(f"by must be 'close' or 'wick', not {by!r}")
    found: list[Detection] = []
    for inside, after, orh, orl in _sessions(bars, minutes, decide_from):
        width = orh - orl
        if not min_width <= width / ((orh + orl) / 2) <= max_width:
            continue
        last_entry = bars.close_minute[after] - last_entry_before_close
        allowed = after[bars.minute[after] + bars.bar_seconds // 60 <= last_entry]
        for direction in ("long", "short"):
            beyond = _beyond(bars, allowed, direction, orh, orl, by)
            if len(beyond) and beyond[0] >= decide_from:
                found.append(_detection(bars, int(beyond[0]), direction, inside, orh, orl, minutes, by,
                                        int(last_entry[0])))
    return sorted(found, key=lambda d: (d.time, d.direction))


def _beyond(bars: SessionBars, rows: np.ndarray, direction: str, orh: float, orl: float, by: str) -> np.ndarray:
    if direction == "long":
        values = bars.close[rows] if by == "close" else bars.high[rows]
        return rows[values > orh]
    values = bars.close[rows] if by == "close" else bars.low[rows]
    return rows[values < orl]


def _detection(bars: SessionBars, i: int, direction: str, inside: np.ndarray, orh: float, orl: float,
               minutes: int, by: str, last_entry: int) -> Detection:
    sign = 1.0 if direction == "long" else -1.0
    edge, opposite = (orh, orl) if direction == "long" else (orl, orh)
    entry = float(bars.close[i]) if by == "close" else edge
    risk = abs(entry - opposite)
    parts = _parts(bars, i, inside, sign, edge, orh - orl, minutes, last_entry)
    ratio = _volume_ratio(bars, i, inside)
    said = "closed" if by == "close" else "traded"
    side = "above the high" if direction == "long" else "below the low"
    how_much = f" on {ratio:.1f}x the range's average volume" if np.isfinite(ratio) else " (no volume: an index)"
    evidence = (f"{bars.symbol} {said} {float(bars.close[i] if by == 'close' else edge):,.2f} {side} of its "
                f"{minutes}-minute opening range ({orl:,.2f}–{orh:,.2f}){how_much}.")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, opposite,
                     (entry + sign * risk, entry + 2 * sign * risk), weighted_confidence(parts), parts,
                     evidence, {"or_high": orh, "or_low": orl}, i)


def _volume_ratio(bars: SessionBars, i: int, inside: np.ndarray) -> float:
    base = float(np.mean(bars.volume[inside]))
    return float(bars.volume[i]) / base if base > 0 else float("nan")


def _parts(bars: SessionBars, i: int, inside: np.ndarray, sign: float, edge: float, width: float,
           minutes: int, last_entry: int) -> tuple[ConfidencePart, ...]:
    ratio = _volume_ratio(bars, i, inside)
    volume = min(1.0, ratio / 2) if np.isfinite(ratio) else 0.5
    strength = min(1.0, max(0.0, sign * (float(bars.close[i]) - edge) / width / 0.5)) if width > 0 else 0.0
    range_end = int(bars.open_minute[i]) + minutes
    span = max(1, last_entry - range_end)
    time_left = 1.0 - min(1.0, max(0.0, (int(bars.minute[i]) - range_end) / span))
    return (ConfidencePart("volume", volume, 0.4), ConfidencePart("strength", strength, 0.3),
            ConfidencePart("time", time_left, 0.3))
