"""A tool result as a card: its title, label/value lines as the app writes them, and action buttons
that leave as ``action_requested(CardAction)`` (nothing happens until the trader clicks). A card
about a symbol also has the shared symbol actions on right-click (``symbol_actions``, when given), at the
price its buttons name (a strike, an entry) — all but "ask the coach": this is the coach."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QMenu, QPushButton, QVBoxLayout

from data.coach import Card, CardAction, ToolCallRecord
from widgets.symbol_actions import Subject, SymbolActions

MAX_LINES = 14  # a card is a summary; the model read the whole result


class CoachCard(QFrame):
    action_requested = Signal(object)  # CardAction

    def __init__(self, card: Card, parent=None, symbol_actions: SymbolActions | None = None) -> None:
        super().__init__(parent)
        self.card, self.symbol_actions = card, symbol_actions
        self.menu: QMenu | None = None  # the open context menu (tests read it)
        self.setObjectName("coachCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setProperty("kind", card.kind)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        self.title = QLabel(card.title)
        self.title.setObjectName("coachCardTitle")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addLayout(self._lines(card))
        self.buttons: list[QPushButton] = []
        if card.actions:
            layout.addLayout(self._actions(card))

    def _lines(self, card: Card) -> QGridLayout:
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(1)
        self.values: dict[str, QLabel] = {}
        for row, (label, value) in enumerate(card.lines[:MAX_LINES]):
            name = QLabel(label)
            name.setObjectName("coachCardLabel")
            shown = QLabel(value)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(shown, row, 1)
            self.values.setdefault(label, shown)
        grid.setColumnStretch(1, 1)
        return grid

    def _actions(self, card: Card) -> QHBoxLayout:
        row = QHBoxLayout()
        for action in card.actions:
            button = QPushButton(action.label)
            button.setToolTip("Takes effect in the app when clicked")
            button.clicked.connect(lambda _=False, a=action: self.action_requested.emit(a))
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        return row

    def lines(self) -> dict[str, str]:
        return {label: w.text() for label, w in self.values.items()}

    def click(self, label: str) -> CardAction:
        """Press the button ``label`` (tests and keyboard users); the action it emitted."""
        index = next(i for i, a in enumerate(self.card.actions) if a.label == label)
        self.buttons[index].click()
        return self.card.actions[index]


    def menu_for(self) -> QMenu | None:
        subject = card_subject(self.card)
        if subject is None or self.symbol_actions is None:
            return None
        menu = QMenu(self)
        return menu if self.symbol_actions.add_to(menu, subject, skip=("coach",)) else None

    def contextMenuEvent(self, event) -> None:
        self.menu = self.menu_for()
        if self.menu is not None:
            self.menu.popup(event.globalPos())


def card_subject(card: Card) -> Subject | None:
    """The symbol (and a price: a strike, an entry) the card's buttons are about; None for none."""
    for action in card.actions:
        symbol = action.params.get("symbol")
        if isinstance(symbol, str) and symbol:
            for key, label in (("strike", "strike"), ("entry", "entry"), ("price", "")):
                if isinstance(price := action.params.get(key), int | float):
                    return Subject(symbol, float(price), label)
            return Subject(symbol)
    return None


def card_of(record: ToolCallRecord) -> Card | None:
    """The card a tool call shows: its own, or an error card saying what went wrong."""
    if record.card is not None:
        return record.card
    if record.error:
        return Card("error", f"{record.name}: not answered", (("Why", record.error),))
    return None
