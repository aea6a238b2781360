"""Notifications panel: market-time stamps shown in New York time, newest first."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from widgets.notifications_panel import NotificationsPanel, NotificationView


def test_times_show_in_et_as_the_market_clock_stamped_them(qtbot) -> None:
    panel = NotificationsPanel()
    qtbot.addWidget(panel)
    fired = datetime(2030, 3, 6, 14, 38, tzinfo=UTC)  # 09:38 EST on the simulated clock
    panel.set_notifications([NotificationView(1, "alert", "SPY crossed 680", "at 680.02", fired),
                             NotificationView(2, "alert", "QQQ above 610", "at 610.10", fired.replace(minute=52))])
    model = panel.model
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == "Time (ET)"
    assert model.data(model.index(0, 0)) == "Mar 06 09:52:00" and model.data(model.index(1, 0)) == "Mar 06 09:38:00"
    assert model.data(model.index(0, 1)) == "QQQ above 610\nat 610.10"  # title over the whole message


def test_a_long_message_is_wrapped_whole_in_a_narrow_panel(qtbot) -> None:
    panel = NotificationsPanel()
    qtbot.addWidget(panel)
    panel.resize(320, 400)
    panel.show()
    message = "SPY traded above 600.00 at 600.12 (alert #3, repeats; next check once price moves away by 0.05 %)"
    panel.set_notifications([NotificationView(1, "alert", "SPY crossed 600", message,
                                              datetime(2030, 3, 6, 14, 38, tzinfo=UTC))])
    qtbot.waitUntil(lambda: panel.table.rowHeight(0) > 0)
    table = panel.table
    width = table.columnWidth(1)
    lines = table.fontMetrics().boundingRect(0, 0, width - 8, 10_000, int(Qt.TextFlag.TextWordWrap),
                                             panel.model.data(panel.model.index(0, 1))).height()
    assert table.rowHeight(0) >= lines  # every wrapped line of the message has its room
