"""The "Options" rows in Preferences: the GEX panel's sign convention at start (the panel's own choice
is the same preference) and which options panels the window shows (as the View menu's toggles:
saved with the layout)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel

from widgets.check_grid import check_grid

PANEL_COLUMNS = 3


class OptionsSettingsRows(QObject):
    preference_changed = Signal(str, object)  # "gex_convention" and its value
    panel_toggled = Signal(str, bool)  # a panel's name, shown

    def __init__(self, conventions: dict[str, str], panels: dict[str, str], parent: QObject | None = None) -> None:
        """``conventions``: preference value -> label; ``panels``: dock name -> title."""
        super().__init__(parent)
        self.convention = QComboBox()
        for value, label in conventions.items():
            self.convention.addItem(label, value)
        self.convention.currentIndexChanged.connect(
            lambda i: self.preference_changed.emit("gex_convention", self.convention.itemData(i)))
        self.panels_box, self.panel_boxes = check_grid(panels, PANEL_COLUMNS, self.panel_toggled.emit)

    def add_to(self, form: QFormLayout) -> None:
        form.addRow(QLabel("<b>Options</b>"))
        form.addRow("GEX sign convention", self.convention)
        form.addRow("Options panels shown", self.panels_box)

    def set_convention(self, value: str) -> None:
        index = self.convention.findData(value)
        if index >= 0 and index != self.convention.currentIndex():
            self.convention.blockSignals(True)
            self.convention.setCurrentIndex(index)
            self.convention.blockSignals(False)

    def set_shown(self, name: str, on: bool) -> None:
        """A panel shown or closed elsewhere (View menu, its dock's close button): mirrored, not echoed."""
        box = self.panel_boxes.get(name)
        if box is not None and box.isChecked() != on:
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
