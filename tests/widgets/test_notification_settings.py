"""The "Notifications & risk" rows: values shown without echo, changes leave as preference signals,
a bad quiet-hours text is said under the rows and nothing leaves, the snooze asks once."""

from __future__ import annotations

from data.store.preference_specs import NOTIFICATION_KINDS, SPECS, STRIKE_RANGE_CHOICES, validate
from data.store.records import ALERT_TYPES

SNOOZES = (("15m", "15 minutes"), ("1h", "1 hour"), ("open", "Until the next open"), ("off", "Resume"))


def _rows(qtbot):
    from PySide6.QtWidgets import QFormLayout, QWidget

    from widgets.notification_settings import NotificationSettingsRows

    host = QWidget()
    qtbot.addWidget(host)
    rows = NotificationSettingsRows(NOTIFICATION_KINDS, STRIKE_RANGE_CHOICES, SNOOZES, host, ALERT_TYPES)
    rows.check = validate
    rows.add_to(QFormLayout(host))
    changed: list[tuple[str, object]] = []
    rows.preference_changed.connect(lambda key, value: changed.append((key, value)))
    return host, rows, changed


def test_values_are_shown_without_signals_and_changes_leave_checked(qtbot) -> None:
    _host, rows, changed = _rows(qtbot)
    prefs = {key: spec.default for key, spec in SPECS.items()}
    rows.set_values({**prefs, "notification_kinds_off": ["brief"], "quiet_hours": "22:00-07:00",
                     "risk_mode": "percent", "account_size": 30_000, "risk_percent": 0.5, "chain_strike_range": 40})
    assert changed == []
    assert not rows.popup["brief"].isChecked() and rows.popup["alert"].isChecked()
    assert rows.sound["alert"].isChecked() and not rows.sound["setup"].isChecked()
    assert rows.quiet_hours.text() == "22:00-07:00" and rows.strike_range.currentText() == "±40 strikes"
    assert rows.account_size.isEnabled() and not rows.risk_dollars.isEnabled()
    rows.popup["setup"].setChecked(False)
    rows.sound["position"].setChecked(True)
    rows.strike_range.setCurrentIndex(STRIKE_RANGE_CHOICES.index(0))
    rows.risk_mode.setCurrentIndex(0)
    rows.risk_dollars.setValue(150)
    rows.risk_dollars.editingFinished.emit()
    assert changed == [("notification_kinds_off", ["setup", "brief"]), ("alert_sounds", ["alert", "position"]),
                       ("chain_strike_range", 0), ("risk_mode", "dollars"), ("risk_dollars", 150)]
    assert rows.risk_dollars.isEnabled() and not rows.account_size.isEnabled()


def test_alert_sounds_per_type_follow_the_alert_sound_switch(qtbot) -> None:
    _host, rows, changed = _rows(qtbot)
    prefs = {key: spec.default for key, spec in SPECS.items()}
    rows.set_values({**prefs, "alert_sound_types": ["vwap", "trend"]})
    assert rows.alert_sound_types() == ["trend", "vwap"] and changed == []
    assert all(box.isEnabled() for box in rows.alert_sound.values())
    rows.alert_sound["pct_move"].setChecked(True)
    assert changed == [("alert_sound_types", ["trend", "vwap", "pct_move"])]
    rows.sound["alert"].setChecked(False)  # alerts make no sound: their types' switches do not apply
    assert not any(box.isEnabled() for box in rows.alert_sound.values())
    assert changed[-1] == ("alert_sounds", [])


def test_a_bad_quiet_hours_text_says_why_and_saves_nothing(qtbot) -> None:
    _host, rows, changed = _rows(qtbot)
    rows.quiet_hours.setText("22:00-25:00")
    rows.quiet_hours.editingFinished.emit()
    assert changed == [] and "25:00" in rows.status.text()
    rows.quiet_hours.setText(" 22:00-07:00 ")
    rows.quiet_hours.editingFinished.emit()
    assert changed == [("quiet_hours", "22:00-07:00")] and rows.status.text() == ""
    rows.quiet_hours.setText("")
    rows.quiet_hours.editingFinished.emit()
    assert changed[-1] == ("quiet_hours", "")  # empty: no quiet hours


def test_the_snooze_asks_once_and_returns_to_its_prompt(qtbot) -> None:
    _host, rows, changed = _rows(qtbot)
    asked: list[str] = []
    rows.snooze_requested.connect(asked.append)
    rows.snooze.activated.emit(rows.snooze.findData("1h"))
    rows.snooze.activated.emit(0)  # the prompt itself: nothing
    assert asked == ["1h"] and rows.snooze.currentIndex() == 0 and changed == []


def test_the_notifications_panel_offers_the_snooze_once_given_the_choices(qtbot) -> None:
    from widgets.notifications_panel import NotificationsPanel

    panel = NotificationsPanel()
    qtbot.addWidget(panel)
    assert panel.snooze.isHidden()
    panel.set_snooze_choices(SNOOZES)
    asked: list[str] = []
    panel.snooze_requested.connect(asked.append)
    actions = panel.snooze.menu().actions()
    assert [a.text() for a in actions] == [label for _c, label in SNOOZES]
    actions[2].trigger()
    assert asked == ["open"] and not panel.snooze.isHidden()


def test_the_chain_opens_at_the_preferred_strike_range(qtbot) -> None:
    from widgets.options_chain_panel import OptionsChainPanel

    panel = OptionsChainPanel()
    qtbot.addWidget(panel)
    assert panel.strike_range.currentText() == "±20 strikes"  # the default, as before
    for width, text in ((0, "All strikes"), (40, "±40 strikes"), (10, "±10 strikes")):
        panel.set_strike_range(width)
        assert panel.strike_range.currentText() == text
    panel.set_strike_range(15)  # not a choice: left as it is
    assert panel.strike_range.currentText() == "±10 strikes"
    assert set(STRIKE_RANGE_CHOICES) == {10, 20, 40, 0}  # the chain's RANGES, 0 for all
