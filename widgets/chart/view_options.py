"""Which overlays and indicator panes a chart shows: the price overlays (EMA 8, EMA 21, VWAP, the
opening range) from the toolbar's "Overlays" menu, the RSI and MACD panes from their own toolbar
buttons. Each chart keeps its own set (saved in its layout); a new chart starts from the
Preferences' default (``chart_default_overlays``)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton

from widgets.chart.panes import ChartPanes

# the names the preference ``chart_default_overlays`` lists (data.store.preference_specs.CHART_OVERLAYS)
CHART_OVERLAYS = {"ema8": "EMA 8", "ema21": "EMA 21", "vwap": "VWAP", "or": "Opening range", "rsi": "RSI pane",
                  "macd": "MACD pane"}
PRICE_OVERLAYS = ("ema8", "ema21", "vwap", "or")  # in the Overlays menu; "rsi" and "macd" are panes
LINES = {"ema8": ("ema8_line",), "ema21": ("ema21_line",), "vwap": ("vwap_line",),
         "or": ("or_high_line", "or_low_line")}


class ChartViewOptions(QObject):
    changed = Signal(tuple)  # the names shown now (the trader changed them)

    def __init__(self, panes: ChartPanes, rsi: QAction, macd: QAction, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._panes = panes
        self.actions: dict[str, QAction] = {"rsi": rsi, "macd": macd}
        self.menu = QMenu()
        for name in PRICE_OVERLAYS:
            action = self.menu.addAction(CHART_OVERLAYS[name])
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda on, n=name: self._show_lines(n, on))
            self.actions[name] = action
        for action in self.actions.values():
            action.triggered.connect(lambda _checked: self.changed.emit(self.shown()))
        self.button = QToolButton()
        self.button.setText("Overlays")
        self.button.setToolTip("Lines drawn over the price: EMA 8, EMA 21, VWAP, opening range")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.button.destroyed.connect(self.menu.deleteLater)  # (a menu without a parent is a top-level window)

    def shown(self) -> tuple[str, ...]:
        """The overlays and panes shown, in ``CHART_OVERLAYS`` order."""
        return tuple(name for name in CHART_OVERLAYS if self.actions[name].isChecked())

    def is_shown(self, name: str) -> bool:
        return self.actions[name].isChecked()

    def show_only(self, names: tuple[str, ...] | list[str]) -> None:
        """Show ``names`` (unknown ones ignored: a layout from a later version), hide the rest."""
        for name, action in self.actions.items():
            action.setChecked(name in names)  # (toggled: lines and panes follow; no ``changed``)

    def _show_lines(self, name: str, on: bool) -> None:
        for attr in LINES[name]:
            getattr(self._panes, attr).setVisible(on)
