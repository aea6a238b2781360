"""The "Notifications & risk" rows in Preferences: risk per trade (dollars, or a percent of an account
size: the journal's 1R), the options chain's strike range at start, which notification kinds pop up
and which beep, quiet hours (New York time, may wrap midnight) and a snooze.

A value is checked by the owner's ``check`` (the preference's own rules) before it leaves: a bad one
shows its message under the rows and nothing is saved."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from widgets.check_grid import check_grid

RISK_MODES = (("dollars", "A fixed amount"), ("percent", "A percent of the account"))
QUIET_HINT = "e.g. 22:00-07:00 (New York time; empty: none)"


class NotificationSettingsRows(QObject):
    preference_changed = Signal(str, object)  # key, a value that passed ``check``
    snooze_requested = Signal(str)  # a snooze choice ("15m", "1h", "open", "off")

    def __init__(self, kinds: dict[str, str], strike_ranges: tuple[int, ...],
                 snoozes: tuple[tuple[str, str], ...] = (), parent: QObject | None = None,
                 alert_types: dict[str, str] | None = None) -> None:
        super().__init__(parent)
        self.check: Callable[[str, Any], None] = lambda _key, _value: None  # raises ValueError in words
        self._kinds = kinds
        self._alert_type_rows(alert_types or {})
        self._strike_ranges = strike_ranges
        self._risk_rows()
        self.strike_range = QComboBox()
        self.strike_range.addItems([f"±{n} strikes" if n else "All strikes" for n in strike_ranges])
        self.strike_range.currentIndexChanged.connect(
            lambda i: self._emit("chain_strike_range", self._strike_ranges[i]))
        self._kind_rows()
        self.quiet_hours = QLineEdit(placeholderText=QUIET_HINT)
        self.quiet_hours.editingFinished.connect(self._on_quiet_hours)
        self.snooze = QComboBox()
        self.snooze.addItem("Snooze…", "")
        for choice, label in snoozes:
            self.snooze.addItem(label, choice)
        self.snooze.activated.connect(self._on_snooze)
        self.snooze_state = QLabel(wordWrap=True)
        self.status = QLabel(wordWrap=True)

    # -- building ------------------------------------------------------------------------------
    def _risk_rows(self) -> None:
        self.risk_mode = QComboBox()
        for mode, label in RISK_MODES:
            self.risk_mode.addItem(label, mode)
        self.risk_dollars = QSpinBox(prefix="$ ", minimum=0, maximum=10_000_000, singleStep=50)
        self.risk_dollars.setSpecialValueText("not set")
        self.account_size = QSpinBox(prefix="$ ", minimum=0, maximum=1_000_000_000, singleStep=1000)
        self.account_size.setSpecialValueText("not set")
        self.risk_percent = QDoubleSpinBox(suffix=" %", minimum=0.01, maximum=100.0, decimals=2, singleStep=0.25)
        self.risk_note = QLabel(wordWrap=True)
        self.risk_mode.currentIndexChanged.connect(self._on_risk_mode)
        self.risk_dollars.editingFinished.connect(lambda: self._emit("risk_dollars", self.risk_dollars.value()))
        self.account_size.editingFinished.connect(lambda: self._emit("account_size", self.account_size.value()))
        self.risk_percent.editingFinished.connect(
            lambda: self._emit("risk_percent", round(self.risk_percent.value(), 2)))

    def _kind_rows(self) -> None:
        self.kinds_box = QWidget()
        grid = QGridLayout(self.kinds_box)
        grid.setContentsMargins(0, 0, 0, 0)
        self.popup: dict[str, QCheckBox] = {}
        self.sound: dict[str, QCheckBox] = {}
        for row, (kind, label) in enumerate(self._kinds.items()):
            grid.addWidget(QLabel(label), row, 0)
            self.popup[kind] = QCheckBox("pop up")
            self.sound[kind] = QCheckBox("sound")
            self.popup[kind].toggled.connect(lambda _on: self._emit("notification_kinds_off", self.kinds_off()))
            self.sound[kind].toggled.connect(lambda _on: self._emit("alert_sounds", self.sound_kinds()))
            grid.addWidget(self.popup[kind], row, 1)
            grid.addWidget(self.sound[kind], row, 2)
        if "alert" in self.sound:  # the alert types' sounds apply only while alerts sound at all
            self.sound["alert"].toggled.connect(self._enable_alert_types)

    def _enable_alert_types(self, on: bool) -> None:
        for box in self.alert_sound.values():
            box.setEnabled(on)

    def _alert_type_rows(self, types: dict[str, str]) -> None:
        """Which alert types beep (when alerts make a sound at all): a check box per type."""
        self.alert_types_box, self.alert_sound = check_grid(
            types, 2, lambda _name, _on: self._emit("alert_sound_types", self.alert_sound_types()))

    def alert_sound_types(self) -> list[str]:
        return [name for name, box in self.alert_sound.items() if box.isChecked()]

    def add_to(self, form: QFormLayout) -> None:
        form.addRow(QLabel("<b>Notifications & risk</b>"))
        form.addRow("Risk per trade", self.risk_mode)
        form.addRow("Risk amount", self.risk_dollars)
        account = QHBoxLayout()
        account.addWidget(self.account_size, 1)
        account.addWidget(self.risk_percent)
        form.addRow("Account, risk %", account)
        form.addRow("", self.risk_note)
        form.addRow("Chain strikes", self.strike_range)
        form.addRow("Notifications", self.kinds_box)
        if self.alert_sound:
            form.addRow("Alert sounds", self.alert_types_box)
        form.addRow("Quiet hours", self.quiet_hours)
        form.addRow("Snooze", self.snooze)
        form.addRow("", self.snooze_state)
        form.addRow("", self.status)

    # -- values --------------------------------------------------------------------------------
    def set_values(self, prefs: dict[str, Any]) -> None:
        widgets = [self.risk_mode, self.risk_dollars, self.account_size, self.risk_percent, self.strike_range,
                   self.quiet_hours, *self.popup.values(), *self.sound.values(), *self.alert_sound.values()]
        for widget in widgets:
            widget.blockSignals(True)
        self.risk_mode.setCurrentIndex(max(0, self.risk_mode.findData(prefs.get("risk_mode", "dollars"))))
        self.risk_dollars.setValue(int(prefs.get("risk_dollars", 0)))
        self.account_size.setValue(int(prefs.get("account_size", 0)))
        self.risk_percent.setValue(float(prefs.get("risk_percent", 1.0)))
        strikes = prefs.get("chain_strike_range", 20)
        if strikes in self._strike_ranges:
            self.strike_range.setCurrentIndex(self._strike_ranges.index(strikes))
        self.quiet_hours.setText(str(prefs.get("quiet_hours", "")))
        off, sounds = set(prefs.get("notification_kinds_off") or ()), set(prefs.get("alert_sounds") or ())
        for kind in self._kinds:
            self.popup[kind].setChecked(kind not in off)
            self.sound[kind].setChecked(kind in sounds)
        beeping = prefs.get("alert_sound_types", list(self.alert_sound))
        for name, box in self.alert_sound.items():
            box.setChecked(name in beeping)
        self._enable_alert_types("alert" not in self.sound or self.sound["alert"].isChecked())
        for widget in widgets:
            widget.blockSignals(False)
        self._show_risk_mode()

    def kinds_off(self) -> list[str]:
        return [kind for kind, box in self.popup.items() if not box.isChecked()]

    def sound_kinds(self) -> list[str]:
        return [kind for kind, box in self.sound.items() if box.isChecked()]

    def set_risk_note(self, text: str) -> None:
        self.risk_note.setText(text)

    # -- changes -------------------------------------------------------------------------------
    def _emit(self, key: str, value: Any) -> bool:
        try:
            self.check(key, value)
        except ValueError as exc:
            self.status.setText(str(exc))
            return False
        self.status.setText("")
        self.preference_changed.emit(key, value)
        return True

    def _on_risk_mode(self, index: int) -> None:
        self._show_risk_mode()
        self._emit("risk_mode", self.risk_mode.itemData(index))

    def _show_risk_mode(self) -> None:
        percent = self.risk_mode.currentData() == "percent"
        self.risk_dollars.setEnabled(not percent)
        self.account_size.setEnabled(percent)
        self.risk_percent.setEnabled(percent)

    def _on_quiet_hours(self) -> None:
        self._emit("quiet_hours", self.quiet_hours.text().strip())

    def _on_snooze(self, index: int) -> None:
        choice = self.snooze.itemData(index)
        self.snooze.setCurrentIndex(0)
        if choice:
            self.snooze_requested.emit(choice)

