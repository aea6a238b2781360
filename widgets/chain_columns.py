"""Which columns the options chain shows: the trader's choice, less what does not fit.

As in thinkorswim the trader picks the fields (the "Columns" menu, also the header's context
menu); both sides show the same ones and the strike always shows. What does not fit the
panel's width is dropped, lowest priority first (bid and ask last of all), so the chain never
needs a horizontal scroll bar; the button says what is hidden for lack of room.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMenu, QTableView, QToolButton

from widgets.options_chain_model import COLUMNS, FIELDS, FULL_NAMES, HIDDEN_BY_DEFAULT, ChainTableModel
from widgets.table_sizing import apply_widths, wanted_widths

PRIORITY = ("bid", "ask", "delta", "volume", "open_interest", "iv", "theta", "vega", "last", "gamma")


def bold(table: QTableView) -> QFont:
    """The table's font in bold: the strike column and the ATM row are drawn in it (the widest)."""
    font = QFont(table.font())
    font.setBold(True)
    return font


class ChainColumns(QObject):
    chosen = Signal(str)  # the trader's choice as text, e.g. "bid,ask,delta" (to be remembered)

    def __init__(self, table: QTableView, model: ChainTableModel) -> None:
        super().__init__(table)
        self.table, self.model = table, model
        self.wanted = {f for f in PRIORITY if f not in HIDDEN_BY_DEFAULT}
        self.dropped: list[str] = []  # wanted, but no room
        self._fitted: tuple | None = None  # what the last refresh measured (see ``fit``)
        self.menu = QMenu(table)
        self._actions = {}
        for _h, field, _k, name in FIELDS:
            action = self._actions[field] = self.menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(field in self.wanted)
            action.toggled.connect(lambda on, f=field: self.choose(f, on))
        self.button = QToolButton(text="Columns ▾")
        self.button.setMenu(self.menu)
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        # the style's own arrow overlaps a label that changes length ("Columns (2 hidden)"): ▾ in the text instead
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda pos: self.menu.popup(header.mapToGlobal(pos)))
        self._apply_hidden(self.wanted)

    def choose(self, field: str, on: bool) -> None:
        (self.wanted.add if on else self.wanted.discard)(field)
        self.fit(grow_only=False)
        self.chosen.emit(self.choice_text())

    def choice_text(self) -> str:
        return ",".join(f for f in PRIORITY if f in self.wanted)

    def restore(self, text: str) -> None:
        """Show a remembered choice ("" or one naming no known field: the default set)."""
        fields = {f for f in text.split(",") if f in PRIORITY}
        if not fields:
            return
        self.wanted = fields
        for field, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(field in fields)
            action.blockSignals(False)
        self.fit(grow_only=False)

    def fit(self, grow_only: bool) -> None:
        """Show the wanted fields that fit, each column as wide as its widest value: refitted
        when the rows change, only widened on a refresh (a volume reaching five digits widens
        its column, never elides)."""
        table, model = self.table, self.model
        texts = {c: model.widest_texts(c) for c in range(len(COLUMNS))}
        if grow_only and self._fit_key(texts) == self._fitted:
            return  # a refresh with the same widest texts, room and widths: measuring changes nothing
        widths = wanted_widths(table, texts, bold(table))
        if grow_only:
            header = table.horizontalHeader()
            widths = {c: w if table.isColumnHidden(c) else max(w, header.sectionSize(c)) for c, w in widths.items()}
        shown = self._fitting(widths)
        was_hidden = {c for c in widths if table.isColumnHidden(c)}
        self._apply_hidden(shown)
        apply_widths(table, {c: w for c, w in widths.items() if c in was_hidden})  # Qt's default 100 px
        apply_widths(table, {c: w for c, w in widths.items() if c not in was_hidden}, grow_only)
        self.dropped = [f for f in PRIORITY if f in self.wanted and f not in shown]
        hidden = ", ".join(FULL_NAMES[f] for f in self.dropped)
        self.button.setText(f"Columns ({len(self.dropped)} hidden) ▾" if self.dropped else "Columns ▾")
        self.button.setToolTip(f"No room for: {hidden}. Widen the panel or untick other columns." if hidden
                               else "Choose the columns both sides show")
        self._fitted = self._fit_key(texts)

    def _fit_key(self, texts: dict[int, list[str]]) -> tuple:
        """What a grow-only fit depends on: the widest texts, the room, the columns shown and
        their widths (one the trader narrowed is widened back, as before)."""
        table, header = self.table, self.table.horizontalHeader()
        hidden = tuple((table.isColumnHidden(c), header.sectionSize(c)) for c in range(len(COLUMNS)))
        room = (table.isVisible(), table.viewport().width(), table.verticalScrollBar().isVisible(), table.font().key())
        return tuple(tuple(t) for t in texts.values()), room, hidden, tuple(sorted(self.wanted))

    def _fitting(self, widths: dict[int, int]) -> set[str]:
        """The wanted fields, by priority, while both sides' columns fit the viewport."""
        table = self.table
        room = table.viewport().width() if table.isVisible() else math.inf  # laid out once shown
        bar = table.verticalScrollBar()
        if not bar.isVisible():  # room for the vertical bar more rows may bring (Qt shows it after a reset)
            room -= bar.sizeHint().width()
        per_field: dict[str, int] = {}
        for column, (_side, field, _h, _k) in enumerate(COLUMNS):
            per_field[field] = per_field.get(field, 0) + widths[column]
        used, shown = per_field["strike"], set()
        for field in PRIORITY:
            if field not in self.wanted:
                continue
            if used + per_field[field] > room:
                break
            used += per_field[field]
            shown.add(field)
        return shown

    def _apply_hidden(self, shown: set[str]) -> None:
        for column, (side, field, _h, _k) in enumerate(COLUMNS):
            hide = side != "strike" and field not in shown
            if self.table.isColumnHidden(column) != hide:
                self.table.setColumnHidden(column, hide)
