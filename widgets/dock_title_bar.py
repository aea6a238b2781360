"""A dock's title bar in the theme's colours: its title, float and close buttons.

Plain widgets (no stylesheet, no style in Python: ``widgets.view_looks`` says why). Mouse
presses it does not handle go on to the dock, so dragging, docking and a double-click to float
work as on Qt's own title bar.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QLabel, QToolButton, QWidget

from resources import resource_path
from widgets.view_looks import TITLE_BAR, theme

# light buttons for the dark bar (the light theme uses the style's own)
DARK_ICONS = {"float": "dock-float-dark.svg", "close": "dock-close-dark.svg"}
STYLE_ICONS = {"float": "SP_TitleBarNormalButton", "close": "SP_TitleBarCloseButton"}  # QStyle.StandardPixmap
_icons: dict[str, QIcon] = {}


class DockTitleBar(QWidget):
    def __init__(self, dock: QDockWidget) -> None:
        super().__init__(dock)
        self.setAutoFillBackground(True)
        self.label = QLabel(dock.windowTitle(), self)
        self.float_button = self._button("float", "Float or dock this panel")
        self.float_button.clicked.connect(lambda: dock.setFloating(not dock.isFloating()))
        self.close_button = self._button("close", "Close this panel")
        self.close_button.clicked.connect(dock.close)
        dock.windowTitleChanged.connect(self.label.setText)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 4, 4)
        layout.setSpacing(2)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.float_button)
        layout.addWidget(self.close_button)
        self.apply_theme()

    def _button(self, name: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(f"dock_{name}")
        button.setAutoRaise(True)
        button.setToolTip(tip)
        button.setIconSize(QSize(10, 10))
        return button

    def apply_theme(self) -> None:
        palette = QPalette()
        palette.setColor(QPalette.ColorRole.Window, QColor(TITLE_BAR[theme()]))
        self.setPalette(palette)
        for name, button in (("float", self.float_button), ("close", self.close_button)):
            button.setIcon(_icon(name) if theme() == "dark" else _style_icon(self, name))


def give_title_bar_when_shown(dock: QDockWidget) -> None:
    """``dock`` gets its ``DockTitleBar`` when it first comes on screen, or floats: a dock closed
    or behind another's tab shows no title bar, and making and laying out the bars of all 20
    docks before the first paint took ~10 ms of it. (A floating dock gets it as it floats, while
    still hidden: given on its first show, Qt would make its window again without a frame, a
    flash on screen.)"""
    def give(needed: bool) -> None:
        if needed and not isinstance(dock.titleBarWidget(), DockTitleBar):
            dock.setTitleBarWidget(DockTitleBar(dock))

    dock.visibilityChanged.connect(give)
    dock.topLevelChanged.connect(give)


def _style_icon(widget: QWidget, name: str) -> QIcon:
    from PySide6.QtWidgets import QStyle  # (its ~20 enums are made at first use: not for the dark theme's first paint)

    return widget.style().standardIcon(getattr(QStyle.StandardPixmap, STYLE_ICONS[name]))


def _icon(name: str) -> QIcon:
    if name not in _icons:
        _icons[name] = QIcon(str(resource_path("icons", DARK_ICONS[name])))
    return _icons[name]
