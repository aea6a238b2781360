"""Gamma squeeze: price pressing a large gamma strike with rising volume where dealers are short
gamma (they must trade with the move, wave2-references.md § 1.7).

The GEX profile is the **latest options snapshot's** (``analytics.gex.GexProfile``), i.e. as of
now, not as of any past bar. So the detector only decides on bars at or after ``asof_index``
(default: the last bar — the service runs it on each newly closed bar), and without a profile
(``gex`` None — replay, back-tests and evaluations have no snapshot per bar) it finds nothing.

Rule (regular-session bars only; bar i at or after ``asof_index``):
* **Large strikes**: the call wall and the ``top_n`` (3) strikes with the largest |net GEX| for a
  long; the put wall and the same ``top_n`` strikes for a short.
* **Short gamma at the price**: the profile's total GEX re-priced at the bar's close (its
  ``grid_spot`` / ``grid_total``, i.e. which side of the flip; the total at spot without a grid)
  is negative in the profile's sign convention.
* **Long**: for a large strike S, the bar opened below S and the bar before it closed below S
  (approached from below), the bar closes at or above S − tolerance (tolerance = ``tolerance_pct``
  (0.2 %) × S; a close above S is a push through), and the close is in the top
  ``close_position`` (40 %) of the bar's range (close ≥ low + 0.6 × range). Several such strikes:
  the one nearest the close. **Short** is the mirror (from above, toward / through a put or
  large strike, close in the bottom 40 %).
* **Rising volume**: the mean volume of the last ``recent`` (3) regular bars up to i is at least
  ``volume_ratio`` (1.2) × the mean of the ``base`` (20) regular bars before them. An index uses
  ``proxy``'s volume as ``opening_drive.proxy_volume`` does (and the evidence says so); with no
  volume at all: no detection.
* **Filters**: the bar starts at least ``skip_first`` (30) minutes after the session's open (the
  opening bars' volume is every morning's, not a squeeze's; the ``recent`` bars then lie in the
  session) and ends no later than ``last_entry_before_close`` (30) minutes before its close; at
  most one per direction.
* **Plan**: entry at the close; stop at the lowest low (long) / highest high (short) of the last
  ``recent`` bars; targets: the next one or two large strikes (walls, top strikes, the flip) at
  least ``min_target_r`` (0.5) R ahead, else 1R and 2R.
* **Confidence** = 0.3 proximity (1 at or through the strike, 0 at the tolerance's edge) + 0.3
  volume (the ratio, full at 2×) + 0.2 strike (its |net GEX| against the largest strike's)
  + 0.2 close (its place in the bar's range, 0 at the limit, full at the extreme).
Decided on bar i's close with the profile as given: no later bar is read.
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.level_test import level_targets
from analytics.detectors.opening_drive import proxy_volume
from analytics.detectors.session_bars import SessionBars
from analytics.gex import GexProfile

NAME = "gamma_squeeze"


def large_strikes(gex: GexProfile, top_n: int = 3) -> dict[str, dict[str, float]]:
    """The large strikes by direction: {"long": {name: strike}, "short": {name: strike}}."""
    net = np.abs(np.nan_to_num(np.asarray(gex.by_strike.net, float)))
    order = [int(k) for k in np.argsort(-net, kind="stable")[:top_n] if net[k] > 0]
    top = {f"gamma_strike_{float(gex.by_strike.strike[k]):g}": float(gex.by_strike.strike[k]) for k in order}
    out: dict[str, dict[str, float]] = {}
    for direction, name, wall in (("long", "call_wall", gex.call_wall), ("short", "put_wall", gex.put_wall)):
        strikes = {k: v for k, v in top.items() if v != wall}
        out[direction] = {name: float(wall), **strikes} if wall is not None else strikes
    return out


def gamma_at(gex: GexProfile, price: float) -> float:
    """Total GEX re-priced at ``price`` (from the profile's grid), the total at spot without one."""
    if len(gex.grid_spot) and len(gex.grid_spot) == len(gex.grid_total):
        return float(np.interp(price, gex.grid_spot, gex.grid_total))
    return float(gex.total)


def gamma_squeeze(bars: SessionBars, gex: GexProfile | None, asof_index: int | None = None,
                  proxy: SessionBars | None = None, tolerance_pct: float = 0.002, top_n: int = 3, recent: int = 3,
                  base: int = 20, volume_ratio: float = 1.2, close_position: float = 0.4,
                  skip_first: int = 30, last_entry_before_close: int = 30, min_target_r: float = 0.5,
                  decide_from: int = 0) -> list[Detection]:
    if gex is None or not len(bars):
        return []
    start = len(bars) - 1 if asof_index is None else max(0, asof_index)
    strikes = large_strikes(gex, top_n)
    volume, source = proxy_volume(bars, proxy, len(bars))
    note = f" (volume from {source}, the index has none)" if source else ""
    found: dict[str, Detection] = {}
    ends = bars.minute + bars.bar_seconds // 60
    for i in range(start, len(bars)):
        if not bars.regular[i] or bars.minute[i] < bars.open_minute[i] + skip_first or \
                ends[i] > bars.close_minute[i] - last_entry_before_close:
            continue
        ratio = _volume_ratio(bars, volume, i, recent, base)
        if not ratio >= volume_ratio or gamma_at(gex, float(bars.close[i])) >= 0:
            continue
        for direction in ("long", "short"):
            hit = _pressed(bars, i, strikes[direction], 1.0 if direction == "long" else -1.0, tolerance_pct,
                           close_position)
            if hit is not None and direction not in found:
                plan = (recent, min_target_r, tolerance_pct, close_position, note)
                found[direction] = _detection(bars, i, direction, hit, gex, strikes, ratio, plan)
    return sorted((d for d in found.values() if d.bar_index >= decide_from), key=lambda d: (d.time, d.direction))


def _volume_ratio(bars: SessionBars, volume: np.ndarray, i: int, recent: int, base: int) -> float:
    rows = np.flatnonzero(bars.regular[:i + 1])
    if len(rows) < recent + base:
        return float("nan")
    now, before = volume[rows[-recent:]], volume[rows[-recent - base:-recent]]
    mean = float(np.mean(before))
    return float(np.mean(now)) / mean if np.isfinite(mean) and mean > 0 else float("nan")


def _pressed(bars: SessionBars, i: int, strikes: dict[str, float], sign: float, tolerance_pct: float,
             close_position: float) -> tuple[str, float] | None:
    """(name, strike) of the large strike bar ``i`` pushes toward / through in ``sign``'s direction."""
    o, h, lo, c = (float(a[i]) for a in (bars.open, bars.high, bars.low, bars.close))
    prev = float(bars.close[i - 1]) if i > 0 else o
    if h <= lo or (c - lo if sign < 0 else h - c) > close_position * (h - lo):
        return None
    near = [(abs(c - s), name, s) for name, s in strikes.items()
            if sign * (o - s) < 0 and sign * (prev - s) < 0 and sign * (c - s) >= -tolerance_pct * s]
    return min(near)[1:] if near else None


def _detection(bars: SessionBars, i: int, direction: str, hit: tuple[str, float], gex: GexProfile,
               strikes: dict[str, dict[str, float]], ratio: float,
               plan: tuple[int, float, float, float, str]) -> Detection:
    recent, min_target_r, tolerance_pct, close_position, note = plan
    name, strike = hit
    sign = 1.0 if direction == "long" else -1.0
    rows = np.flatnonzero(bars.regular[:i + 1])[-recent:]
    entry = float(bars.close[i])
    stop = float(bars.low[rows].min()) if sign > 0 else float(bars.high[rows].max())
    known = {k: v for k, v in {**strikes["long"], **strikes["short"],
                               **({"flip": gex.flip} if gex.flip is not None else {})}.items() if v != strike}
    targets = level_targets(entry, abs(entry - stop), sign, name, known, min_target_r)
    parts = _parts(bars, i, sign, strike, gex, ratio, (tolerance_pct, close_position))
    verb = "through" if sign * (entry - strike) > 0 else "into"
    side = "below" if sign > 0 else "above"
    evidence = (f"{bars.symbol} pushed from {side} {verb} the {_label(name)} {strike:,.2f} where dealers are short "
                f"gamma, closing {entry:,.2f} on {ratio:.1f}x its recent volume{note} (GEX from the "
                f"latest options snapshot).")
    return Detection(bars.symbol, NAME, direction, bars.bar_close(i), entry, stop, targets,
                     weighted_confidence(parts), parts, evidence,
                     {name: strike, **({"flip": gex.flip} if gex.flip is not None else {})}, i)


def _label(name: str) -> str:
    return name.replace("_", " ") if name in ("call_wall", "put_wall") else "large gamma strike"


def _parts(bars: SessionBars, i: int, sign: float, strike: float, gex: GexProfile, ratio: float,
           limits: tuple[float, float]) -> tuple[ConfidencePart, ...]:
    tolerance_pct, close_position = limits
    h, lo, c = float(bars.high[i]), float(bars.low[i]), float(bars.close[i])
    gap = max(0.0, sign * (strike - c))
    net = np.abs(np.nan_to_num(np.asarray(gex.by_strike.net, float)))
    at = np.flatnonzero(np.asarray(gex.by_strike.strike) == strike)
    size = float(net[at].max() / net.max()) if len(at) and net.max() > 0 else 0.0
    place = (c - lo) / (h - lo) if sign > 0 else (h - c) / (h - lo)
    return (ConfidencePart("proximity", 1.0 - min(1.0, gap / (tolerance_pct * strike)), 0.3),
            ConfidencePart("volume", min(1.0, ratio / 2), 0.3), ConfidencePart("strike", size, 0.2),
            ConfidencePart("close", max(0.0, 1.0 - (1.0 - place) / close_position), 0.2))
