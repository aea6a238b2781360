"""Bottom axis for an index-based x: labels are US/Eastern times of the bars under the ticks."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pyqtgraph as pg

from data.bar_aggregation import et_day_and_minute
from data.market_calendar import ET

# Tick steps, finest first: minutes of the ET day for intraday bars, then calendar periods
MINUTE_STEPS = (1, 5, 10, 15, 30, 60, 120, 240)
PERIODS = ("day", "week", "month", "quarter", "year")
LABEL_PX = 72.0  # room per label ("Nov 30" / "12:30" and a gap): ticks closer are left out


def chart_date(moment: datetime) -> str:
    """The chart's one date style, in the readout, status line, header and axis: "Nov 30"."""
    return f"{moment:%b} {moment.day}"


class EtTimeAxis(pg.AxisItem):
    """Ticks on round ET times (hours and half hours on 5m, days on 1h, months on 1D), at the
    first bar of each period, as far apart as the labels need."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__("bottom", *args, **kwargs)
        # no units, so never a prefix: without this each x change re-set the label's HTML
        self.enableAutoSIPrefix(False)
        self._ts = np.empty(0, dtype=np.int64)
        self._local = np.empty(0, dtype=np.int64)  # ET minutes since 1970 of each bar (lazily)
        self._labels: dict[int, str] = {}  # tick index -> its text, for the ticks last chosen
        self.daily = False

    def set_timestamps(self, ts: np.ndarray, daily: bool, local: np.ndarray | None = None) -> None:
        """``local``: the bars' ET minutes since 1970 when the caller has them already (the
        ET conversion of a million bars is the dearest step of a load: done once, not twice)."""
        ts = np.asarray(ts, dtype=np.int64)
        if local is not None and len(local) == len(ts):
            self._ts, self.daily = ts, daily
            self._local = _extended(np.empty(0, dtype=np.int64), np.asarray(local, dtype=np.int64))  # with room
            self.picture = None
            self.update()
            return
        n = len(self._local)
        if not (0 < n <= len(ts) and ts[0] == self._ts[0] and ts[n - 1] == self._ts[n - 1]):
            n, self._local = 0, np.empty(0, dtype=np.int64)  # new bars, not the same ones extended
        if n < len(ts):  # an appended bar: only its minutes are new
            day, minute = et_day_and_minute(ts[n:])
            self._local = _extended(self._local, day * 1440 + minute)
        self._ts, self.daily = ts, daily
        self.picture = None
        self.update()

    def label_for(self, x: float) -> str:
        i = round(x)
        if not 0 <= i < len(self._ts):
            return ""
        moment = datetime.fromtimestamp(int(self._ts[i]), ET)
        return f"{chart_date(moment)} {moment:%Y}" if self.daily else f"{chart_date(moment)} {moment:%H:%M}"

    def tickValues(self, min_val, max_val, size):  # (pyqtgraph passes them by position)
        lo, hi = max(0, math.ceil(min_val)), min(len(self._ts) - 1, math.floor(max_val))
        if hi < lo or size <= 0:
            self._labels = {}
            return []
        first = max(0, lo - 1)  # the bar before the view tells whether its first bar starts a period
        local = self._local[first:hi + 1]
        step = self._choose_step(local, max(1, int(size // LABEL_PX)))
        starts = first + _period_starts(local, step)
        ticks = _spread(starts, LABEL_PX * (max_val - min_val) / size)
        self._labels = {int(i): self._tick_text(int(i), step) for i in ticks}
        return [(1.0, [float(i) for i in ticks])]

    def _choose_step(self, local: np.ndarray, max_ticks: int) -> int | str:
        """The finest step with at most ``max_ticks`` period starts in view (binary search: the
        count only falls as the step grows)."""
        steps: list[int | str] = [] if self.daily else [m for m in MINUTE_STEPS if m >= self._bar_minutes()]
        steps += list(PERIODS)
        lo, hi = 0, len(steps) - 1
        while lo < hi:
            mid = (lo + hi) // 2
            if len(_period_starts(local, steps[mid])) <= max_ticks:
                hi = mid
            else:
                lo = mid + 1
        return steps[lo]

    def _bar_minutes(self) -> int:
        gaps = np.diff(self._ts[-50:])
        return int(gaps.min() // 60) if len(gaps) and gaps.min() > 0 else 1

    def _tick_text(self, i: int, step: int | str) -> str:
        moment = datetime.fromtimestamp(int(self._ts[i]), ET)
        previous = datetime.fromtimestamp(int(self._ts[i - 1]), ET) if i > 0 else None
        if step == "year" or (step in ("month", "quarter") and (previous is None or previous.year != moment.year)):
            return moment.strftime("%Y")
        if step in ("month", "quarter"):
            return moment.strftime("%b")
        if isinstance(step, str) or previous is None or previous.date() != moment.date():
            return chart_date(moment)  # a new day is named by its date
        return moment.strftime("%H:%M")

    def tickStrings(self, values, scale, spacing):
        return [self._labels.get(round(v), "") for v in values]


def _extended(local: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``local`` with ``new`` after it, written into spare room of its buffer (a live bar a
    minute must not copy a million-bar array: amortised growth, as ``LiveBars``)."""
    n, base = len(local), local.base if local.base is not None else local
    if n == 0 or n + len(new) > len(base) or not np.shares_memory(base, local):
        # room for a day of 1m bars or more: a live session appends without copying
        grown = np.empty(n + len(new) + max(1024, (n + len(new)) // 16), dtype=np.int64)
        grown[:n] = local
        base = grown
    base[n:n + len(new)] = new
    return base[:n + len(new)]


def _period_starts(local: np.ndarray, step: int | str) -> np.ndarray:
    """Positions in ``local`` (ET minutes since 1970) where a new period of ``step`` begins."""
    if isinstance(step, int):
        key = local // step
    elif step == "day":
        key = local // 1440
    elif step == "week":
        key = (local // 1440 + 3) // 7  # Monday-based (day 0 was a Thursday)
    else:
        months = (local // 1440).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
        key = months // {"month": 1, "quarter": 3}.get(str(step), 12)
    return np.flatnonzero(np.r_[False, key[1:] != key[:-1]])


def _spread(ticks: np.ndarray, min_gap: float) -> list[int]:
    """Ticks at least ``min_gap`` bars apart (uneven sessions put period starts close)."""
    kept: list[int] = []
    for i in ticks.tolist():
        if not kept or i - kept[-1] >= min_gap:
            kept.append(i)
    return kept


class SessionBreaksItem(pg.GraphicsObject):
    """Faint vertical lines where a new US/Eastern day starts (only the visible ones)."""

    def __init__(self) -> None:
        super().__init__()
        self._breaks = np.empty(0)
        self._n = 0

    def set_breaks(self, break_index: np.ndarray, n: int) -> None:
        self.prepareGeometryChange()
        self._breaks, self._n = np.asarray(break_index, dtype=np.float64), n
        self.update()

    @property
    def break_index(self) -> np.ndarray:
        return self._breaks

    def boundingRect(self):
        from PySide6.QtCore import QRectF

        return QRectF(0, -1e12, max(self._n, 1), 2e12)

    def paint(self, p, *_args) -> None:
        from PySide6.QtCore import QLineF, QPointF
        from PySide6.QtGui import QColor, QPen

        vb = self.getViewBox()
        if vb is None or not len(self._breaks):
            return
        (x0, x1), (y0, y1) = vb.viewRange()
        visible = self._breaks[(self._breaks >= x0) & (self._breaks <= x1)]
        if len(visible) > vb.width() / 4:  # too dense to be useful (zoomed far out)
            return
        pen = QPen(QColor(128, 128, 128, 70))
        pen.setCosmetic(True)
        pen.setDashPattern([3, 3])
        p.setPen(pen)
        p.drawLines([QLineF(QPointF(x - 0.5, y0), QPointF(x - 0.5, y1)) for x in visible])
