"""The "Charts" rows in Preferences: the overlays and panes a new chart shows (each chart then keeps
its own, in its layout) and where a symbol chosen in the watchlist or the symbol box goes: the link
group of the chart clicked last, or always the main group (the one the options panels follow)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel

from widgets.chart.view_options import CHART_OVERLAYS
from widgets.check_grid import check_grid

LINK_TARGETS = (("focused", "The chart clicked last (its link group)"), ("main", "Always the main group (red)"))
OVERLAY_COLUMNS = 3


class ChartSettingsRows(QObject):
    preference_changed = Signal(str, object)  # "chart_default_overlays" (a list) or "symbol_link_target"

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.overlays_box, self.overlays = check_grid(
            CHART_OVERLAYS, OVERLAY_COLUMNS,
            lambda _name, _on: self.preference_changed.emit("chart_default_overlays", self.chosen()))
        self.link_target = QComboBox()
        for value, label in LINK_TARGETS:
            self.link_target.addItem(label, value)
        self.link_target.setToolTip("Where a symbol chosen in the watchlist or the symbol box (Ctrl+K) goes")
        self.link_target.currentIndexChanged.connect(
            lambda i: self.preference_changed.emit("symbol_link_target", self.link_target.itemData(i)))
        self.status = QLabel(wordWrap=True)  # a save that failed says why here

    def add_to(self, form: QFormLayout) -> None:
        form.addRow(QLabel("<b>Charts</b>"))
        form.addRow("New charts show", self.overlays_box)
        form.addRow("Watchlist symbol goes to", self.link_target)
        form.addRow("", self.status)

    def chosen(self) -> list[str]:
        return [name for name, box in self.overlays.items() if box.isChecked()]

    def set_values(self, prefs: dict) -> None:
        """Show the saved choices without echoing them back as changes."""
        shown = prefs.get("chart_default_overlays", list(CHART_OVERLAYS))
        for name, box in self.overlays.items():
            box.blockSignals(True)
            box.setChecked(name in shown)
            box.blockSignals(False)
        index = self.link_target.findData(prefs.get("symbol_link_target", "focused"))
        self.link_target.blockSignals(True)
        self.link_target.setCurrentIndex(max(index, 0))
        self.link_target.blockSignals(False)
