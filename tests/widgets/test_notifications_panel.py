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
    assert model.data(model.index(0, 0)) == "03-06 09:52:00" and model.data(model.index(1, 0)) == "03-06 09:38:00"
