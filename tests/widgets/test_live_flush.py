"""Charts take turns merging live bars: one chart a turn, the next after the last one painted."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QWidget

from widgets.chart.live_flush import MAX_WAIT_TURNS, LiveFlushScheduler


class _Chart(QWidget):
    def __init__(self, log: list[str], name: str, paints: bool = True) -> None:
        super().__init__()
        self.log, self.name, self.paints, self.pending = log, name, paints, 0

    def has_pending_live(self) -> bool:
        return self.pending > 0

    def flush_live(self) -> None:
        self.pending = 0
        self.log.append(self.name)
        if self.paints:
            self.update()

    def live_view(self) -> QWidget:
        return self


def _charts(qtbot, scheduler: LiveFlushScheduler, log: list[str], *names: str, paints: bool = True) -> list[_Chart]:
    charts = []
    for name in names:
        chart = _Chart(log, name, paints)
        qtbot.addWidget(chart)
        chart.show()
        scheduler.add(chart, chart.live_view())
        charts.append(chart)
    return charts


def test_each_chart_gets_its_own_turn_in_round_robin_order(qtbot) -> None:
    log: list[str] = []
    scheduler = LiveFlushScheduler(40)
    charts = _charts(qtbot, scheduler, log, "a", "b", "c", "d")
    assert scheduler.turn_ms == 10  # four charts: every chart still every 40 ms
    for chart in charts:
        chart.pending = 1
    scheduler.wake()
    qtbot.waitUntil(lambda: len(log) == 4, timeout=3000)
    assert log == ["a", "b", "c", "d"]
    qtbot.waitUntil(lambda: not scheduler._timer.isActive(), timeout=3000)  # nothing waits: it sleeps


def test_the_next_merge_waits_for_the_last_ones_paint(qtbot) -> None:
    log: list[str] = []
    scheduler = LiveFlushScheduler(40)
    a, b = _charts(qtbot, scheduler, log, "a", "b")
    a.pending = b.pending = 1
    scheduler._turn()
    assert log == ["a"] and scheduler._awaited() is a
    scheduler._turn()  # a has not painted yet: b waits
    assert log == ["a"]
    qtbot.waitUntil(lambda: scheduler._awaited is None, timeout=3000)  # a's paint arrived
    scheduler._turn()
    assert log == ["a", "b"]


def test_a_merge_that_paints_nothing_holds_the_others_a_few_turns_only(qtbot) -> None:
    log: list[str] = []
    scheduler = LiveFlushScheduler(40)
    a, b = _charts(qtbot, scheduler, log, "a", "b", paints=False)
    a.pending = b.pending = 1
    for _ in range(MAX_WAIT_TURNS + 2):
        scheduler._turn()
    assert log == ["a", "b"]


def test_a_destroyed_chart_leaves_the_turns(qtbot) -> None:
    log: list[str] = []
    scheduler = LiveFlushScheduler(40)
    a, b = _charts(qtbot, scheduler, log, "a", "b")
    assert scheduler.turn_ms == 20
    a.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(a), timeout=3000)
    b.pending = 1
    scheduler._turn()
    assert log == ["b"] and scheduler.turn_ms == 40
