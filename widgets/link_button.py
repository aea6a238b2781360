"""A panel's link-group button: a coloured square for the group its symbol follows (as TWS and
thinkorswim colour-link windows), a menu to choose another or none."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QColor, QIcon, QPixmap
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

COLOURS = {"red": "#ef5350", "green": "#26a69a", "blue": "#42a5f5", "yellow": "#ffca28"}
NONE = ""


def _swatch(colour: str | None) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(colour) if colour else QColor(0, 0, 0, 0))
    return QIcon(pixmap)


class LinkButton(QToolButton):
    group_chosen = Signal(str)  # a group's name, or "" for none

    def __init__(self, groups: tuple[str, ...], parent: QWidget | None = None, allow_none: bool = True) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setObjectName("linkButton")
        menu = QMenu(self)
        choices = QActionGroup(self)
        self._actions: dict[str, QAction] = {}
        for group in (*groups, *((NONE,) if allow_none else ())):
            action = QAction(_swatch(COLOURS.get(group)), group.capitalize() if group else "No link", self,
                             checkable=True)
            action.triggered.connect(lambda _checked, g=group: self.group_chosen.emit(g))
            choices.addAction(action)
            menu.addAction(action)
            self._actions[group] = action
        self.setMenu(menu)
        self.set_group(groups[0])

    def set_group(self, group: str) -> None:
        self.group = group
        self._actions[group].setChecked(True)
        self.setIcon(_swatch(COLOURS.get(group)))
        self.setText(group.capitalize() if group else "No link")
        self.setToolTip(f"Linked to the {group} group: its symbol changes with the group's" if group else
                        "In no link group: the symbol changes only here")
