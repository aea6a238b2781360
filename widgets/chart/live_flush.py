"""One timer merges every chart's queued live bars, one chart a turn.

With a timer per chart, four charts became due in the same loop turn, and Qt painted all four in
one long pass (the loop stalled for their sum). Here the charts take turns: with ``n`` charts
the timer runs every ``period / n`` ms and flushes the next chart that has bars waiting, so each
chart still updates every ``period`` ms while a turn holds one chart's merge and repaint. The
next chart waits until the last one has painted (a few turns at most): Qt paints a window's
dirty widgets together, so a merge made before that paint would join it.
"""

from __future__ import annotations

import weakref

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QWidget

MIN_TURN_MS = 5
MAX_WAIT_TURNS = 3  # a merge that changed nothing visible brings no paint


class LiveFlushScheduler(QObject):
    def __init__(self, period_ms: int) -> None:
        super().__init__()
        self.period_ms = period_ms
        self._charts: list[weakref.ref] = []  # weak: a chart dropped by its owner is not kept alive
        self._next = 0
        self._awaited: weakref.ref | None = None  # the view whose paint the next merge waits for
        self._waited = 0
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # coarse timers drift into each other
        self._timer.timeout.connect(self._turn)

    def add(self, chart: QWidget, view: QWidget) -> None:
        """``chart`` has ``has_pending_live()`` and ``flush_live()``, and paints into ``view``; it
        leaves once deleted (no ``destroyed`` connection: a slot of an object being deallocated
        must never run)."""
        self._prune()
        self._charts.append(weakref.ref(chart))
        view.installEventFilter(self)
        self._timer.setInterval(self.turn_ms)

    def _prune(self) -> None:
        self._charts = [ref for ref in self._charts if (c := ref()) is not None and shiboken6.isValid(c)]
        if self._timer.interval() != self.turn_ms:  # (setting it restarts a running timer)
            self._timer.setInterval(self.turn_ms)
        if not self._charts:
            self._timer.stop()

    @property
    def turn_ms(self) -> int:
        return max(MIN_TURN_MS, self.period_ms // max(1, len(self._charts)))

    def wake(self) -> None:
        """A chart queued a bar: turns run until none has bars waiting."""
        if not self._timer.isActive():
            self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._awaited is not None and watched is self._awaited():
            self._awaited = None
        return False

    def _turn(self) -> None:
        if self._awaited is not None and self._waited < MAX_WAIT_TURNS:
            self._waited += 1
            return
        self._awaited = None
        self._prune()
        for _ in range(len(self._charts)):
            chart = self._charts[self._next % len(self._charts)]()
            self._next = (self._next + 1) % len(self._charts)
            if chart is not None and chart.has_pending_live():
                chart.flush_live()
                self._awaited, self._waited = weakref.ref(chart.live_view()), 0
                return
        self._timer.stop()  # nothing waits: the timer sleeps until the next bar


_scheduler: LiveFlushScheduler | None = None


def scheduler(period_ms: int) -> LiveFlushScheduler:
    """The application's scheduler (made with the first chart)."""
    global _scheduler
    if _scheduler is None:
        _scheduler = LiveFlushScheduler(period_ms)
    return _scheduler
