"""A panel's main view, or in its place the reason it has nothing to show ("No options data
from the replay provider."): empty axes or an empty table with Qt's default columns looked
broken, not empty."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QLabel, QWidget


class EmptyState:
    def __init__(self, view: QWidget, layout: QBoxLayout, stretch: int = 1) -> None:
        self.view = view
        self.note = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.note.setObjectName("emptyStateNote")
        self.note.hide()
        layout.addWidget(self.view, stretch)
        layout.addWidget(self.note, stretch)

    def show_reason(self, reason: str) -> None:
        self.view.hide()
        self.note.setText(reason)
        self.note.show()

    def show_view(self) -> None:
        self.note.hide()
        self.view.show()

    @property
    def showing_reason(self) -> bool:
        return not self.note.isHidden()
