"""Gap fill (fading an opening gap back toward the prior close).

Rule (each session on its own calendar hours; regular-session bars only):
* **Prior close**: the close of the previous session's last regular bar, provided that bar ends
  at that session's own close minute (16:00, or 13:00 on a half day — ``close_minute`` of the
  bars tells); a previous session cut short in the data gives no prior close and no gap.
* **Open**: the open of the session's first regular bar, provided it starts at the session's
  open minute. **Gap** = (open − prior close) / prior close; a gap needs |gap| ≥ ``min_gap``
  (0.003 = 0.3 %).
* **Fade (gap up → short)**: the first bar starting within ``first_minutes`` (60) of the open
  that closes strictly below the session's open; gap down → long on a close strictly above it.
* **Already filled**: once any regular bar of the session so far (the fading bar included) has
  traded at or through the prior close, the session gives no detection.
* **Plan**: entry at the fading bar's close; stop at the session's high (gap up) / low (gap down)
  so far; targets the gap's midpoint (open + prior close) / 2, then the prior close — each
  dropped when it is less than ``min_target_r`` (0.5) R beyond the entry; with neither left the
  session gives no detection (a fill that pays less than half the risk is no trade). At most one
  detection per session.
* **Confidence** = 0.4 fade (share of the gap already given back at the close, full at half) +
  0.3 volume (the bar's volume against the session's mean so far, full at 2×; neutral 0.5
  without volume, e.g. an index) + 0.3 time (full at the open, none at open + ``first_minutes``).
Decided on the fading bar's close: nothing after it is read (no look-ahead).
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.session_bars import SessionBars

NAME = "gap_fill"


def session_gaps(bars: SessionBars):
    """(regular rows, prior close, open) of each session with a prior close and an open."""
    regular = bars.regular
    starts = bars.session_starts()
    prior: float | None = None
    for s, e in zip(starts, np.append(starts[1:], len(bars)), strict=True):
        rows = np.flatnonzero(regular[s:e]) + s
        if not len(rows):
            continue
        first, last = int(rows[0]), int(rows[-1])
        if prior is not None and bars.minute[first] == bars.open_minute[first]:
            yield rows, prior, float(bars.open[first])
        ends_at_close = bars.minute[last] + bars.bar_seconds // 60 == bars.close_minute[last]
        prior = float(bars.close[last]) if ends_at_close else None


def gap_fill(bars: SessionBars, min_gap: float = 0.003, first_minutes: int = 60, min_target_r: float = 0.5,
             decide_from: int = 0) -> list[Detection]:
    found: list[Detection] = []
    for rows, prior, session_open in session_gaps(bars):
        if rows[-1] < decide_from or abs(session_open - prior) / prior < min_gap:
            continue
        j = _fade(bars, rows, prior, session_open, first_minutes)
        if j is not None and rows[j] >= decide_from:
            detection = _detection(bars, rows, j, prior, session_open, first_minutes, min_target_r)
            if detection is not None:
                found.append(detection)
    return found


def _fade(bars: SessionBars, rows: np.ndarray, prior: float, session_open: float,
          first_minutes: int) -> int | None:
    """Index into ``rows`` of the fading bar, or None (no fade in time, or filled first)."""
    up = session_open > prior
    late = bars.minute[rows] - bars.open_minute[rows] >= first_minutes
    filled = bars.low[rows] <= prior if up else bars.high[rows] >= prior  # nothing left to fade toward
    faded = bars.close[rows] < session_open if up else bars.close[rows] > session_open
    ends = late | filled | faded
    if not ends.any():
        return None
    j = int(ends.argmax())  # the first bar that is late, fills or fades, in that order
    return None if late[j] or filled[j] else j


def _detection(bars: SessionBars, rows: np.ndarray, j: int, prior: float, session_open: float,
               first_minutes: int, min_target_r: float) -> Detection | None:
    i, so_far = int(rows[j]), rows[:j + 1]
    direction, sign = ("short", -1.0) if session_open > prior else ("long", 1.0)
    entry = float(bars.close[i])
    stop = float(bars.high[so_far].max()) if direction == "short" else float(bars.low[so_far].min())
    middle = (session_open + prior) / 2
    risk = abs(entry - stop)
    targets = tuple(t for t in (middle, prior) if sign * (t - entry) >= min_target_r * risk)
    if not targets:
        return None  # the fill pays less than half the risk: no trade
    parts = _parts(bars, so_far, prior, session_open, first_minutes)
    gap = (session_open - prior) / prior
    evidence = (f"{bars.symbol} gapped {'up' if gap > 0 else 'down'} {abs(gap):.2%} (open {session_open:,.2f}, "
                f"prior close {prior:,.2f}) and closed {entry:,.2f} back {'below' if gap > 0 else 'above'} "
                f"the open, unfilled.")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, stop, targets,
                     weighted_confidence(parts), parts, evidence,
                     {"prior_close": prior, "open": session_open, "gap_mid": middle}, i)


def _parts(bars: SessionBars, so_far: np.ndarray, prior: float, session_open: float,
           first_minutes: int) -> tuple[ConfidencePart, ...]:
    i = int(so_far[-1])
    faded = (session_open - float(bars.close[i])) / (session_open - prior)
    base = float(np.mean(bars.volume[so_far]))
    volume = min(1.0, float(bars.volume[i]) / base / 2) if base > 0 else 0.5
    elapsed = (int(bars.minute[i]) - int(bars.open_minute[i])) / max(1, first_minutes)
    return (ConfidencePart("fade", min(1.0, max(0.0, faded / 0.5)), 0.4), ConfidencePart("volume", volume, 0.3),
            ConfidencePart("time", 1.0 - min(1.0, max(0.0, elapsed)), 0.3))
