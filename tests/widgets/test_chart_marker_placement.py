"""Where a marker goes when its time is not inside a shown bar: a pre-market alert on a
regular-hours chart was drawn on the last regular bar (Nov 30 15:55) with its text cut at the
price axis ("Alert above 6…"); now it sits at the right edge, its text left of it, and moves
onto the session's first bar when that arrives."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt

from data.market_calendar import ET
from data.models import Bar, Bars, Timeframe
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.markers import _label_box, marker_index


def _ts(day: int, hour: int, minute: int) -> int:
    return int(datetime(2026, 11, day, hour, minute, tzinfo=ET).astimezone(UTC).timestamp())


def _regular_5m() -> Bars:
    """Nov 27 (half day, to 13:00) and Nov 30, regular hours, 5-minute bars."""
    ts = np.r_[np.arange(_ts(27, 9, 30), _ts(27, 13, 0), 300), np.arange(_ts(30, 9, 30), _ts(30, 16, 0), 300)]
    close = 680.0 + np.sin(np.arange(len(ts)) / 7)
    return Bars("SPY", Timeframe.M5, ts.astype(np.int64), close, close + 0.3, close - 0.3, close, np.full(len(ts), 1e4))


def test_marker_index_rules() -> None:
    ts = _regular_5m().ts
    n, last = len(ts), len(ts) - 1
    assert marker_index(ts, 300, _ts(30, 15, 57)) == last  # inside the last bar
    assert marker_index(ts, 300, _ts(30, 16, 0) + 30) == last  # its quote, before the next bar arrives
    assert marker_index(ts, 300, _ts(30, 17, 0)) == n  # after hours: the right edge
    assert marker_index(ts, 300, _ts(30, 8, 0)) == int(np.searchsorted(ts, _ts(30, 9, 30)))  # pre-market: the open
    assert marker_index(ts, 300, _ts(27, 14, 0)) == int(np.searchsorted(ts, _ts(27, 12, 55)))  # the nearer bar
    assert marker_index(ts, 300, _ts(27, 9, 0)) == -1  # before the bars


def test_a_pre_market_alert_on_a_regular_hours_chart_sits_at_the_right_edge(qtbot) -> None:
    bars = _regular_5m()
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    panel.set_bars("SPY", bars, None)
    n = panel.bar_count
    pre = int(datetime(2026, 12, 1, 8, 5, tzinfo=ET).timestamp())
    assert panel.marker_index(pre) == n  # not Nov 30 15:55
    marker = panel.add_markers([_marker(pre, panel.marker_index(pre))])[0]
    assert marker.index == n and panel.markers.markers[0].index == n
    panel.apply_bar(Bar("SPY", Timeframe.M1, int(datetime(2026, 12, 1, 9, 30, tzinfo=ET).timestamp()),
                        681.0, 681.2, 680.8, 681.1, 100.0, False))
    panel.flush_live()
    assert panel.markers.markers[0].index == n  # the day's first bar took the right-edge slot's place


def _marker(ts: int, index: int):
    from widgets.chart.markers import Marker

    return Marker(ts, index, 680.5, "Alert above 680.50", "#ffab00")


def test_a_marker_text_at_the_right_edge_goes_left_of_it() -> None:
    box, align = _label_box(QPointF(990, 100), 120, 0, 1000)
    assert box.right() <= 990 and align & Qt.AlignmentFlag.AlignRight
    box, align = _label_box(QPointF(5, 100), 120, 0, 1000)
    assert box.left() >= 5 and align & Qt.AlignmentFlag.AlignLeft
    box, _align = _label_box(QPointF(500, 100), 120, 0, 1000)
    assert isinstance(box, QRectF) and box.center().x() == 500
