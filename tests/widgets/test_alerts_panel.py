"""Alerts panel fed with records: prefill, edit, filter and validation."""

from __future__ import annotations

from datetime import UTC, datetime


def test_alerts_panel_prefill_edit_filter_and_validation(qtbot) -> None:

    from data.store.records import Alert
    from widgets.alerts_panel import AlertsPanel

    panel = AlertsPanel()
    qtbot.addWidget(panel)
    created: list[dict] = []
    updated: list[tuple[int, dict]] = []
    panel.create_requested.connect(created.append)
    panel.update_requested.connect(lambda i, v: updated.append((i, v)))
    panel.prefill("SPY", "crosses", 601.5, source="chart")
    assert (panel.symbol.text(), panel.price.text(), panel.condition.currentText()) == ("SPY", "601.50", "crosses")
    panel.price.setText("abc")
    panel._create()
    assert not panel.error_label.isHidden() and "not a price" in panel.error_label.text() and not created
    panel.price.setText("601.5")
    panel._create()
    assert created == [{"symbol": "SPY", "condition": "crosses", "price": 601.5, "repeat": False, "notes": "",
                        "source": "chart"}]
    now = datetime.now(UTC)
    alerts = [Alert(1, "SPY", "above", 600.0, False, "active", "chart", "", now, None),
              Alert(2, "QQQ", "below", 500.0, True, "triggered", "panel", "dip", now, now)]
    panel.set_alerts(alerts)
    assert panel.model.rowCount() == 1  # the filter starts on "active"
    panel.status_filter.setCurrentText("all")
    assert panel.model.rowCount() == 2
    panel.table.selectRow(0)
    panel._on_row_clicked(panel.model.index(0, 0))
    panel.price.setText("605")
    panel._save()
    assert updated == [(1, {"condition": "above", "price": 605.0, "repeat": False, "notes": ""})]
