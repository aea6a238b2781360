"""A layout that wraps its items onto more rows when the panel is narrow (a toolbar row that
would otherwise set the panel's minimum width, and with it the window's: at 1366 px three
side-by-side panels could not fit, so the window grew past the screen)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QSizePolicy, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Items left to right, wrapped to a new row when the width runs out. ``stretch_after``
    items: the spare width of a row goes after the item at that index (like addStretch)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6, stretch_after: int | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._stretch_after = stretch_after
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def add_widgets(self, *widgets: QWidget) -> FlowLayout:
        for widget in widgets:
            self.addWidget(widget)
        return self

    # -- QLayout -----------------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    def sizeHint(self) -> QSize:
        items = self._visible()
        width = sum(i.sizeHint().width() for i in items) + self._spacing * max(0, len(items) - 1)
        return QSize(width, max((i.sizeHint().height() for i in items), default=0))

    def minimumSize(self) -> QSize:
        """As narrow as the widest single item: everything else wraps."""
        sizes = [i.minimumSize() for i in self._visible()]
        return QSize(max((z.width() for z in sizes), default=0), max((z.height() for z in sizes), default=0))

    # -- placing -----------------------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not (isinstance(i, QWidgetItem) and i.widget().isHidden())]

    def _rows(self, items: list[QLayoutItem], width: int) -> list[list[QLayoutItem]]:
        rows: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in items:
            w = item.sizeHint().width()
            if rows[-1] and used + self._spacing + w > width:
                rows.append([])
                used = 0
            used += (self._spacing if rows[-1] else 0) + w
            rows[-1].append(item)
        return rows

    def _arrange(self, rect: QRect, apply: bool) -> int:
        y, items = rect.y(), self._visible()
        after = self._stretch_after
        stretch_item = items[after] if after is not None and after < len(items) else None
        for row in self._rows(items, rect.width()):
            height = max((i.sizeHint().height() for i in row), default=0)
            spare = rect.width() - sum(i.sizeHint().width() for i in row) - self._spacing * max(0, len(row) - 1)
            x = rect.x()
            for item in row:
                hint = item.sizeHint()
                width = min(hint.width(), rect.width())
                if apply:
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), QSize(width, hint.height())))
                x += width + self._spacing + (max(0, spare) if item is stretch_item else 0)
            y += height + self._spacing
        return max(0, y - rect.y() - self._spacing)


def flow_row(*widgets: QWidget, stretch_after: int | None = None) -> QWidget:
    """A wrapping row of ``widgets`` as one widget (for a QVBoxLayout)."""
    holder = QWidget()
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    FlowLayout(holder, stretch_after=stretch_after).add_widgets(*widgets)
    return holder
