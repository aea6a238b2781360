"""Preferences panel: theme, default timeframe, opening range, auto-tracking of setups, data
provider and its keys, the coach's server, model and key, the sync account; shows where data is kept.
Sections built elsewhere join through ``add_section`` (notifications and risk)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from widgets.coach.settings_rows import CoachSettingsRows
from widgets.sync_settings import SyncSettingsRows


class PreferencesPanel(QWidget):
    preference_changed = Signal(str, object)  # key, value
    api_key_saved = Signal(str)  # the Massive key typed by the user (never shown back in full)
    av_key_saved = Signal(str)  # the Alpha Vantage key (the earnings calendar), likewise
    fred_key_saved = Signal(str)  # the FRED key (the macro calendar's release dates), likewise

    def __init__(self, themes: tuple[str, ...], timeframes: tuple[str, ...], providers: list[str],
                 or_choices: tuple[int, ...] = (5, 15, 30), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = QComboBox()
        self.theme.addItems(list(themes))
        self.timeframe = QComboBox()
        self.timeframe.addItems(list(timeframes))
        self.opening_range = QComboBox()
        self.opening_range.addItems([f"{m} min" for m in or_choices])
        self._or_choices = or_choices
        self.auto_track, self.min_confidence = self._auto_track_controls()
        self.provider = QComboBox()
        self.provider.addItems(providers)
        self.provider_note = QLabel()
        self.provider_note.setWordWrap(True)
        self.data_dir = QLabel()
        self.data_dir.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.data_dir.setWordWrap(True)
        self.api_key = QLineEdit(placeholderText="Massive API key")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_key = QPushButton("Save key")
        self.save_key.clicked.connect(self._on_save_key)
        self.key_status = QLabel()
        self.key_status.setWordWrap(True)
        self.log_file = QLabel()
        self.log_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_file.setWordWrap(True)
        self.coach = CoachSettingsRows(self)
        self.sync = SyncSettingsRows(self)
        self._lay_out()
        self._running_provider = ""
        self._attempted_provider = ""
        self._awaiting_key_for: str | None = None  # a switch refused for want of a key
        self.theme.currentTextChanged.connect(lambda v: self.preference_changed.emit("theme", v))
        self.timeframe.currentTextChanged.connect(lambda v: self.preference_changed.emit("default_timeframe", v))
        self.provider.currentTextChanged.connect(self._on_provider)
        self.opening_range.currentIndexChanged.connect(
            lambda i: self.preference_changed.emit("opening_range_minutes", self._or_choices[i]))

    def set_values(self, prefs: dict, running_provider: str, data_dir: str, log_file: str) -> None:
        self._running_provider = running_provider
        for combo, value in ((self.theme, prefs.get("theme")), (self.timeframe, prefs.get("default_timeframe")),
                             (self.provider, prefs.get("provider"))):
            combo.blockSignals(True)
            if combo.findText(str(value)) >= 0:
                combo.setCurrentText(str(value))
            combo.blockSignals(False)
        minutes = prefs.get("opening_range_minutes")
        if minutes in self._or_choices:
            self.opening_range.blockSignals(True)
            self.opening_range.setCurrentIndex(self._or_choices.index(minutes))
            self.opening_range.blockSignals(False)
        self._set_auto_track(bool(prefs.get("auto_track_setups", True)),
                             int(prefs.get("auto_track_min_confidence", 60)))
        self.data_dir.setText(data_dir)
        self.log_file.setText(log_file)
        self.provider_note.setText(f"Running on '{running_provider}'.")
        self.coach.set_values(str(prefs.get("coach_base_url", "")), str(prefs.get("coach_model", "")))

    def _lay_out(self) -> None:
        content = QWidget()
        inner = QVBoxLayout(content)
        self.form = self._form()
        inner.addLayout(self.form)
        inner.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(content)  # many rows: the dock stays as small as the trader makes it
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)

    def _form(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow("Theme", self.theme)
        form.addRow("Default timeframe", self.timeframe)
        form.addRow("Opening range", self.opening_range)
        form.addRow("Auto-track", self.auto_track)
        form.addRow("Minimum score", self.min_confidence)
        form.addRow("Data provider", self.provider)
        form.addRow("", self.provider_note)
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(self.save_key)
        form.addRow("Massive key", key_row)
        form.addRow("", self.key_status)
        self._alpha_vantage_rows(form)
        self._fred_rows(form)
        self.coach.add_to(form)
        self.sync.add_to(form)
        form.addRow("Data folder", self.data_dir)
        form.addRow("Log file", self.log_file)
        return form

    def add_section(self, rows: QObject) -> None:
        """More rows (an object with ``add_to(form)``, e.g. ``NotificationSettingsRows``), at the end."""
        rows.setParent(self)
        rows.add_to(self.form)

    def _alpha_vantage_rows(self, form: QFormLayout) -> None:
        self.av_key = QLineEdit(placeholderText="Alpha Vantage API key (free: earnings calendar)")
        self.av_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_av_key = QPushButton("Save key")
        self.save_av_key.clicked.connect(self._on_save_av_key)
        self.av_key_status = QLabel(wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.av_key, 1)
        row.addWidget(self.save_av_key)
        form.addRow("Alpha Vantage key", row)
        form.addRow("", self.av_key_status)

    def _on_save_av_key(self) -> None:
        key = self.av_key.text().strip()
        if not key:
            self.av_key_status.setText("Type the key first.")
            return
        self.av_key.clear()
        self.av_key_saved.emit(key)

    def _fred_rows(self, form: QFormLayout) -> None:
        self.fred_key = QLineEdit(placeholderText="FRED API key (free: CPI, NFP, GDP … release dates)")
        self.fred_key.setEchoMode(QLineEdit.EchoMode.Password)
        save = QPushButton("Save key")
        save.clicked.connect(self._on_save_fred_key)
        self.fred_key_status = QLabel(wordWrap=True)
        row = QHBoxLayout()
        row.addWidget(self.fred_key, 1)
        row.addWidget(save)
        form.addRow("FRED key", row)
        form.addRow("", self.fred_key_status)

    def _on_save_fred_key(self) -> None:
        key = self.fred_key.text().strip()
        if not key:
            self.fred_key_status.setText("Type the key first.")
            return
        self.fred_key.clear()
        self.fred_key_saved.emit(key)

    def _auto_track_controls(self) -> tuple[QCheckBox, QSpinBox]:
        auto_track = QCheckBox("Track the best new setups")
        auto_track.setToolTip("The best new detection of a symbol becomes a tracked setup, at most one per symbol "
                              "every 5 minutes, when it scores at least the minimum below.")
        floor = QSpinBox(suffix=" %", minimum=0, maximum=100, singleStep=5)
        floor.setToolTip("Only detections scored at least this high are tracked automatically.")
        auto_track.toggled.connect(self._on_auto_track)
        floor.editingFinished.connect(self._on_min_confidence)
        return auto_track, floor

    def _set_auto_track(self, on: bool, floor: int) -> None:
        for widget in (self.auto_track, self.min_confidence):
            widget.blockSignals(True)
        self.auto_track.setChecked(on)
        self.min_confidence.setValue(floor)
        self.min_confidence.setEnabled(on)
        for widget in (self.auto_track, self.min_confidence):
            widget.blockSignals(False)

    def _on_auto_track(self, on: bool) -> None:
        self.min_confidence.setEnabled(on)
        self.preference_changed.emit("auto_track_setups", on)

    def _on_min_confidence(self) -> None:
        value = round(self.min_confidence.value() / 5) * 5  # the preference takes steps of 5 %
        self.min_confidence.setValue(value)
        self.preference_changed.emit("auto_track_min_confidence", value)

    def _on_provider(self, value: str) -> None:
        if value != self._running_provider:
            self._attempted_provider = value
            self.provider_note.setText(f"Switching to '{value}'…")
            self.preference_changed.emit("provider", value)

    def provider_switched(self, name: str) -> None:
        self._running_provider = name
        self._select(self.provider, name)
        self.provider_note.setText(f"Running on '{name}'.")

    def provider_failed(self, message: str) -> None:
        """The switch was refused (e.g. no key): say why, show the provider still running, and
        when a key is missing put the cursor in the key field."""
        self._select(self.provider, self._running_provider)
        self.provider_note.setText(message)
        if "API key" in message:
            self._awaiting_key_for = self._attempted_provider
            self.api_key.setPlaceholderText(f"Paste your key and Save: {self._awaiting_key_for} starts then")
            self.api_key.setFocus()

    def key_saved(self) -> None:
        """The key was stored: finish the switch it was missing for, if any."""
        pending, self._awaiting_key_for = self._awaiting_key_for, None
        if pending and pending != self._running_provider:
            self._select(self.provider, pending)
            self._on_provider(pending)

    def _select(self, combo: QComboBox, value: str) -> None:
        combo.blockSignals(True)
        combo.setCurrentText(value)
        combo.blockSignals(False)

    def set_key_status(self, text: str) -> None:
        self.key_status.setText(text)

    def _on_save_key(self) -> None:
        key = self.api_key.text().strip()
        if not key:
            self.key_status.setText("Type the key first.")
            return
        self.api_key.clear()
        self.api_key_saved.emit(key)
