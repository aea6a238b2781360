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


def test_a_far_alert_is_asked_about_without_blocking_and_no_keeps_the_form(qtbot) -> None:
    from PySide6.QtWidgets import QMessageBox

    from app.core.alert_distance import far_alert
    from widgets.alerts_panel import AlertsPanel

    panel = AlertsPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.far_question_for = lambda s, p: (f.question() if (f := far_alert(s, p, 595.12)) else None)
    created: list[dict] = []
    panel.create_requested.connect(created.append)
    panel.prefill("SPY", "crosses", 5000.0, source="chart")
    panel.create_button.click()  # returns at once: the question is open, not exec'd
    box = panel.far_question
    assert box is not None and box.isVisible() and not created
    assert box.text() == "SPY is at 595.12; an alert at 5,000.00 is 740 % away. Set it anyway?"
    box.button(QMessageBox.StandardButton.No).click()
    assert not created and panel.far_question is None
    assert (panel.symbol.text(), panel.price.text(), panel.condition.currentText()) == ("SPY", "5000.00", "crosses")
    panel.create_button.click()
    panel.far_question.button(QMessageBox.StandardButton.Yes).click()
    assert [c["price"] for c in created] == [5000.0] and created[0]["source"] == "chart"
    panel.price.setText("601")  # near the price: set at once, no question
    panel.create_button.click()
    assert panel.far_question is None and [c["price"] for c in created] == [5000.0, 601.0]
