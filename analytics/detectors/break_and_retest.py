"""Break and retest of a key level.

Rule (each session on its own calendar hours; regular-session bars only; after Malkus'
``breakdown_retest_study.py``, wave2-references.md § 1.2):
* **Levels**: those of ``level_test`` — ``level_test.session_levels`` (prior day's high / low /
  close, pre-market high / low, pivots P / R1 / S1, known before the session opens) and the
  opening range high / low (``or_minutes`` = 15), which only bars starting at or after open +
  ``or_minutes`` may break. A caller may pass its own ``levels`` (ET day ordinal → {name: price}).
* **ATR** = ATR(``atr_period`` = 14; the simple mean of true ranges, ``mean_true_range``) of the
  regular bars up to the bar before the break bar;
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
  further; targets: the next one or two other levels between ``min_target_r`` (0.5) and 3 R
  ahead, else 1R and 2R (``level_test.level_targets``).
* **Confidence** = 0.3 break (close beyond the level in ATR, full at 0.5; neutral 0.5 without an
  ATR) + 0.3 retest (1 at the level, 0 at the tolerance's edge) + 0.2 volume (the break bar's
  volume against the previous 20 regular bars' mean, full at 2×; neutral 0.5 without volume)
  + 0.2 time (full at the open, none at the last entry minute).
Decided on the entry bar's close: nothing after it is read (no look-ahead).
``decide_from`` (``DetectorInputs.decide_from``): only bars from that index on are decided, the
earlier ones still read and counted for the filters (what the whole run finds from there on).
"""

from __future__ import annotations

import numpy as np

from analytics.detections import ConfidencePart, Detection, weighted_confidence
from analytics.detectors.level_names import level_name
from analytics.detectors.level_test import LevelGrid, level_grid, level_targets, regular_atr_before
from analytics.detectors.session_bars import SessionBars

NAME = "break_and_retest"


def break_and_retest(bars: SessionBars, levels: dict[int, dict[str, float]] | None = None, or_minutes: int = 15,
                     break_atr: float = 0.15, retest_atr: float = 0.3, tolerance_pct: float = 0.0005,
                     window: int = 8, confirm: int = 4, last_entry_before_close: int = 60,
                     min_target_r: float = 0.5, atr_period: int = 14, decide_from: int = 0) -> list[Detection]:
    grid = level_grid(bars, levels, or_minutes, decide_from)
    rows = grid.rows
    if not len(rows):
        return []
    atr_before = regular_atr_before(bars, grid, atr_period)
    first = int(np.searchsorted(rows, decide_from))  # the first regular bar decided
    since = max(0, first - window - confirm)  # the earliest break an entry from there can follow
    if since > 0 and not _armed(bars, grid, atr_before, (break_atr, tolerance_pct), since).any():
        return []  # no break near the bars decided: no entry on them (whatever came before)
    volume = None
    params = (break_atr, retest_atr, tolerance_pct, window, confirm)
    found: list[Detection] = []
    for k, hit in _hits(bars, grid, atr_before, params):  # k: level k upwards, len(names) + k downwards
        j, i = int(grid.session[hit[0]]), int(rows[hit[2]])
        last_entry = int(bars.close_minute[rows[grid.bounds[j]]]) - last_entry_before_close
        if i < decide_from or bars.minute[i] + bars.bar_seconds // 60 > last_entry:
            continue
        name, sign = grid.names[k % len(grid.names)], 1.0 if k < len(grid.names) else -1.0
        level = {**grid.base[j], **grid.or_levels[j]}[name]
        volume = np.nan_to_num(np.asarray(bars.volume, float), nan=0.0) if volume is None else volume
        parts = _parts(bars, grid, hit, level, sign, (float(atr_before[hit[0]]), last_entry), volume)
        bar_hit = (int(rows[hit[0]]), int(rows[hit[1]]), i, hit[3])
        found.append(_detection(bars, bar_hit, name, level, sign, grid.known(j, i), parts, min_target_r))
    return sorted(found, key=lambda d: (d.time, d.direction, next(iter(d.levels))))


def _armed(bars: SessionBars, grid: LevelGrid, atr_before: np.ndarray, params: tuple[float, float],
           since: int) -> np.ndarray:
    """Every bar from position ``since`` on that would break a level were nothing armed yet: rows
    of levels upwards, then the same levels downwards (columns: positions from ``since``)."""
    break_atr, tolerance_pct = params
    rows, level = grid.rows, grid.value[:, since:]
    close = bars.close[rows]
    prev = np.concatenate((close[:1], close[:-1]))
    prev[grid.bounds[:-1]] = bars.open[rows[grid.bounds[:-1]]]  # the session's first bar: its own open
    close, prev, atr_before = close[since:], prev[since:], atr_before[since:]
    with np.errstate(invalid="ignore"):
        margin = np.where(np.isfinite(atr_before), break_atr * atr_before, tolerance_pct * np.abs(level))
        beyond, before = close - level, prev - level  # −x is exact: the downward tests are the mirror
        return np.concatenate(((beyond >= margin) & (before <= 0), (beyond <= -margin) & (before >= 0)))


def _hits(bars: SessionBars, grid: LevelGrid, atr_before: np.ndarray,
          params: tuple[float, float, float, int, int]) -> list[tuple[int, tuple[int, int, int, float]]]:
    """(k, (break, retest, entry position, tolerance)) of each level's first break and retest in
    each direction and session: k < len(names) upwards, len(names) + k downwards (positions index
    ``grid.rows``)."""
    break_atr, retest_atr, tolerance_pct, window, confirm = params
    level = grid.value
    finite = np.isfinite(atr_before)
    k, p = np.nonzero(_armed(bars, grid, atr_before, (break_atr, tolerance_pct), 0))
    at = level[k % len(grid.names), p]
    tol = np.maximum(tolerance_pct * np.abs(at), np.where(finite[p], retest_atr * atr_before[p], 0.0))
    outcome = _attempts(bars, grid, (np.where(k < len(grid.names), 1.0, -1.0), p, at, tol), window, confirm)
    hits: list[tuple[int, tuple[int, int, int, float]]] = []
    current, free_from, done = (-1, -1), -1, False
    for c, (kc, pc) in enumerate(zip(k.tolist(), p.tolist(), strict=True)):
        key = (kc, int(grid.session[pc]))
        if key != current:
            current, free_from, done = key, -1, False
        if done or pc <= free_from:
            continue  # a break already armed (or this session's found) takes the bar
        retest, entry, ends = outcome[c]
        if entry >= 0:
            hits.append((kc, (pc, retest, entry, float(tol[c]))))
            done = True
        else:
            free_from = ends
    return hits


def _attempts(bars: SessionBars, grid: LevelGrid, breaks: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
              window: int, confirm: int) -> list[tuple[int, int, int]]:
    """Each break (its direction, position, level and tolerance) played out alone: (retest,
    entry, -1) positions when it confirms, else (-1, -1, the position that disarms it; a huge
    number when the session ends first)."""
    sign, p, level, tol = (b[:, None] for b in breaks)
    rows, n, width = grid.rows, len(grid.rows), window + confirm + 1
    step = np.arange(1, width + 1)
    at = p + step
    valid = at < grid.bounds[grid.session[p[:, 0]] + 1][:, None]
    at = rows[np.minimum(at, n - 1)]
    close, low, high = bars.close[at], bars.low[at], bars.high[at]
    up = sign > 0
    beyond, reach = sign * (close - level), sign * (np.where(up, low, high) - level)
    off = valid & ((beyond <= 0) | (reach < -tol))  # closed back or poked too far through
    first_off = np.where(off.any(1), off.argmax(1), width)
    touch = valid & ~off & (reach <= tol) & (step <= window)
    retest = np.where(touch.any(1), touch.argmax(1), width)
    retested = retest < first_off
    r = np.minimum(retest, width - 1)
    picked = np.arange(len(r)), r
    ahead_r = np.where(up[:, 0], high[picked], low[picked])[:, None]
    after = (step > r[:, None] + 1) & (step <= r[:, None] + 1 + confirm)
    entry_ok = valid & ~off & after & (sign * (close - ahead_r) > 0)
    entry = np.where(entry_ok.any(1), entry_ok.argmax(1), width)
    won = retested & (entry < first_off)
    stop = np.minimum(first_off, np.where(retested, r + confirm + 1, window))
    stop_valid = valid[np.arange(len(r)), np.minimum(stop, width - 1)] & (stop < width)
    ends = np.where(stop_valid, p[:, 0] + 1 + stop, np.iinfo(np.int64).max)
    return [(pc + 1 + rc, pc + 1 + ec, -1) if w else (-1, -1, e)
            for pc, rc, ec, w, e in zip(p[:, 0].tolist(), r.tolist(), entry.tolist(), won.tolist(), ends.tolist(),
                                        strict=True)]


def _clock(bars: SessionBars, i: int) -> str:
    minute = int(bars.minute[i])
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _parts(bars: SessionBars, grid: LevelGrid, hit: tuple[int, int, int, float], level: float, sign: float,
           at_break: tuple[float, int], volume: np.ndarray) -> tuple[ConfidencePart, ...]:
    """The confidence parts of a hit given in positions of ``grid.rows`` (``at_break``: the ATR
    before the break bar and the session's last entry minute)."""
    (brk, retest, entry_bar), tol = (int(grid.rows[q]) for q in hit[:3]), hit[3]
    a, last_entry = at_break
    beyond = sign * (float(bars.close[brk]) - level)
    strength = min(1.0, beyond / a / 0.5) if np.isfinite(a) and a > 0 else 0.5
    touch = float(bars.low[retest] if sign > 0 else bars.high[retest])
    precision = 1.0 - min(1.0, abs(touch - level) / tol) if tol > 0 else 1.0
    at = hit[0] + grid.offset
    earlier = grid.every[max(0, at - 20):at]  # the 20 regular bars before the break
    base = float(np.mean(volume[earlier])) if len(earlier) else 0.0
    ratio = float(volume[brk]) / base if base > 0 else float("nan")
    open_minute = int(bars.open_minute[entry_bar])
    time_left = 1.0 - min(1.0, max(0.0, (int(bars.minute[entry_bar]) - open_minute) / max(1, last_entry - open_minute)))
    return (ConfidencePart("break", strength, 0.3), ConfidencePart("retest", precision, 0.3),
            ConfidencePart("volume", min(1.0, ratio / 2) if np.isfinite(ratio) else 0.5, 0.2),
            ConfidencePart("time", time_left, 0.2))


def _detection(bars: SessionBars, hit: tuple[int, int, int, float], name: str, level: float, sign: float,
               known: dict[str, float], parts: tuple[ConfidencePart, ...], min_target_r: float) -> Detection:
    brk, retest, i, tol = hit
    entry = float(bars.close[i])
    if sign > 0:
        extreme = float(bars.low[retest:i + 1].min())
        stop = min(level, extreme) - tol
    else:
        extreme = float(bars.high[retest:i + 1].max())
        stop = max(level, extreme) + tol
    targets = level_targets(entry, abs(entry - stop), sign, name, known, min_target_r)
    side, edge = ("above", "high") if sign > 0 else ("below", "low")
    evidence = (f"{bars.symbol} broke {side} {level_name(name)} {level:,.2f} on the {_clock(bars, brk)} "
                f"bar, came back to {extreme:,.2f} on the {_clock(bars, retest)} bar and closed {entry:,.2f}, "
                f"{side} the retest bar's {edge}.")
    return Detection(bars.symbol, NAME, "long" if sign > 0 else "short", bars.bar_close(i), entry, stop, targets,
                     weighted_confidence(parts), parts, evidence, {name: level}, i)
