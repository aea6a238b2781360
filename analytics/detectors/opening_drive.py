"""Opening drive (Dalton's Open-Drive), for the SPX / NDX indices and any symbol.

Rule (each session on its own calendar hours; regular-session bars only):
* **Drive window**: the bars starting in [open, open + ``minutes``) (30, the "A period"; 15 also
  works). The session's first bar must start at the open and every bar of the window must be
  there; it is decided on the close of the window's last bar.
* **Typical opening range**: the mean high − low of the same window over the up to ``lookback``
  (10) previous sessions with a complete window; at least ``min_sessions`` (5) are needed.
* **Up drive (long)**, all of: close − open of the session ≥ ``move`` (0.6) × the typical opening
  range; the window never trades more than ``hold_pct`` (0.05 %) of the open below the open
  (an open-drive moves away at once); at least ``one_sided`` (60 %) of its bars close above
  their open; the last close is within ``pullback`` (1/3) of the window's range from its high
  (a shallow pullback). **Down drive (short)** is the mirror. At most one per session.
* **Plan**: entry at the deciding bar's close; stop at the window's midpoint ((high + low) / 2);
  targets 1R and 2R.
* **Volume**: the window's volume against the mean of the same window over the same previous
  sessions. An index has no volume of its own (SPX, NDX — the keys of ``VOLUME_PROXY`` — or a
  symbol whose bars so far carry no volume): then ``proxy``'s bars (SPY's for SPX, QQQ's for NDX)
  stand in, matched by bar start time (same bar size), and the evidence says so; without a
  proxy the volume part is neutral.
* **Confidence** = 0.35 move (in typical opening ranges, full at 2 × ``move``) + 0.25 volume
  (full at 2×; neutral 0.5 without volume) + 0.2 one-sidedness (share of bars closing in the
  drive's direction, 0 at half, full at all) + 0.2 pullback (full at the extreme, none at the
  ``pullback`` limit).
Decided on the window's last bar's close: only that session's window and earlier sessions are
read (no look-ahead; the proxy is read at the same bar times only).
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.session_bars import SessionBars

NAME = "opening_drive"
HOLD_PCT_TEXT = "0.05 %"  # ``hold_pct``'s default, as the evidence says it
VOLUME_PROXY = {"SPX": "SPY", "NDX": "QQQ"}  # index → the ETF whose volume stands in for its own


def proxy_volume(bars: SessionBars, proxy: SessionBars | None, upto: int) -> tuple[np.ndarray, str | None]:
    """Volume of ``bars[:upto]`` and where it came from: the symbol's own (None) or, for an index
    (a ``VOLUME_PROXY`` key, or no volume in these bars), ``proxy``'s at the same bar start times
    (NaN where it has no bar); all NaN for an index without a proxy ("")."""
    own = np.nan_to_num(np.asarray(bars.volume[:upto], float), nan=0.0)
    if bars.symbol not in VOLUME_PROXY and (own > 0).any():
        return own, None
    out = np.full(upto, np.nan)
    if proxy is None or not len(proxy) or proxy.bar_seconds != bars.bar_seconds:
        return out, ""
    at = np.searchsorted(proxy.ts, bars.ts[:upto]).clip(max=len(proxy) - 1)
    same = proxy.ts[at] == bars.ts[:upto]
    out[same] = np.nan_to_num(np.asarray(proxy.volume, float)[at[same]], nan=0.0)
    return out, proxy.symbol


def _windows(bars: SessionBars, minutes: int) -> np.ndarray:
    """Each session's complete drive window (a row of bar indices), sessions without one left out."""
    n = minutes * 60 // bars.bar_seconds
    rows = np.flatnonzero(bars.regular)
    if not len(rows) or n < 1:
        return np.empty((0, max(n, 0)), np.int64)
    day, since_open = bars.day[rows], bars.minute[rows] - bars.open_minute[rows]
    starts = np.flatnonzero(np.concatenate(([True], day[1:] != day[:-1])))
    inside = np.add.reduceat((since_open < minutes).astype(np.int64), starts)  # a prefix of each session's
    complete = starts[(inside == n) & (since_open[starts] == 0)]
    return rows[complete[:, None] + np.arange(n)]


def opening_drive(bars: SessionBars, proxy: SessionBars | None = None, minutes: int = 30, move: float = 0.6,
                  hold_pct: float = 0.0005, one_sided: float = 0.6, pullback: float = 1 / 3, lookback: int = 10,
                  min_sessions: int = 5, decide_from: int = 0) -> list[Detection]:
    windows = _windows(bars, minutes)
    if len(windows) <= min_sessions or windows[-1, -1] < decide_from:
        return []  # too few sessions, or none to decide
    high, low = bars.high[windows].max(1), bars.low[windows].min(1)
    span = high - low
    typical = np.array([np.mean(span[max(0, k - lookback):k]) if k else np.nan for k in range(len(windows))])
    counted = np.arange(len(windows)) - np.maximum(0, np.arange(len(windows)) - lookback) >= min_sessions
    signs = _drives(bars, windows, typical, (high, low), (move, hold_pct, one_sided, pullback))
    found: list[Detection] = []
    for k in np.flatnonzero(counted & (signs != 0) & (windows[:, -1] >= decide_from)).tolist():
        prior = list(windows[max(0, k - lookback):k])
        found.append(_detection(bars, windows[k], prior, float(signs[k]), float(typical[k]), proxy,
                                (move, pullback, minutes)))
    return found


def _drives(bars: SessionBars, windows: np.ndarray, typical: np.ndarray, extremes: tuple[np.ndarray, np.ndarray],
            params: tuple[float, float, float, float]) -> np.ndarray:
    """Per window: 1.0 for an up drive, −1.0 for a down drive, 0.0 for neither."""
    move, hold_pct, one_sided, pullback = params
    high, low = extremes
    o, c = bars.open[windows[:, 0]], bars.close[windows[:, -1]]
    sign = np.where(c > o, 1.0, -1.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        moved = ~((typical <= 0) | (high <= low) | (sign * (c - o) < move * typical))  # NaN: as the rule's scan
        back = np.where(sign > 0, o - low, high - o)
        closing_with = np.mean(sign[:, None] * (bars.close[windows] - bars.open[windows]) > 0, axis=1)
        given_back = np.where(sign > 0, high - c, c - low) / (high - low)
        drive = moved & (back <= hold_pct * o) & (closing_with >= one_sided) & (given_back <= pullback)
    return np.where(drive, sign, 0.0)


def _volume_note(bars: SessionBars, rows: np.ndarray, prior: list[np.ndarray],
                 proxy: SessionBars | None) -> tuple[float, str]:
    """The window's volume against the prior sessions' (NaN without volume) and how to say it."""
    volume, source = proxy_volume(bars, proxy, int(rows[-1]) + 1)
    past = [float(volume[w].sum()) for w in prior if np.isfinite(volume[w]).all()]
    now = float(volume[rows].sum())
    ratio = now / float(np.mean(past)) if past and np.isfinite(now) and np.mean(past) > 0 else float("nan")
    if source == "":
        return ratio, " (no volume: an index without a proxy)"
    said = f", on {ratio:.1f}x its usual opening volume" if np.isfinite(ratio) else " (no volume to compare)"
    return ratio, said + (f" (volume from {source}, the index has none)" if source else "")


def _detection(bars: SessionBars, rows: np.ndarray, prior: list[np.ndarray], sign: float, typical: float,
               proxy: SessionBars | None, params: tuple[float, float, int]) -> Detection:
    move, pullback, minutes = params
    i = int(rows[-1])
    o, entry = float(bars.open[rows[0]]), float(bars.close[i])
    high, low = float(bars.high[rows].max()), float(bars.low[rows].min())
    stop = (high + low) / 2
    risk = abs(entry - stop)
    ratio, said = _volume_note(bars, rows, prior, proxy)
    closing_with = float(np.mean(sign * (bars.close[rows] - bars.open[rows]) > 0))
    given_back = (high - entry if sign > 0 else entry - low) / (high - low)
    parts = (ConfidencePart("move", min(1.0, sign * (entry - o) / typical / (2 * move)), 0.35),
             ConfidencePart("volume", min(1.0, ratio / 2) if np.isfinite(ratio) else 0.5, 0.25),
             ConfidencePart("one_sided", max(0.0, 2 * closing_with - 1), 0.2),
             ConfidencePart("pullback", 1.0 - min(1.0, given_back / pullback), 0.2))
    way = "up" if sign > 0 else "down"
    evidence = (f"{bars.symbol} drove {way} {abs(entry - o) / o:.2%} from its {o:,.2f} open in the first {minutes} "
                f"minutes ({abs(entry - o) / typical:.1f}x its usual opening range), never more than "
                f"{HOLD_PCT_TEXT} back through the open{said}.")
    return Detection(bars.symbol, NAME, "long" if sign > 0 else "short", bars.bar_close(i), entry, stop,
                     (entry + sign * risk, entry + 2 * sign * risk), weighted_confidence(parts), parts, evidence,
                     {"open": o, "drive_high": high, "drive_low": low, "midpoint": stop}, i)
