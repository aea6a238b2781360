"""A message of the Coach panel's transcript: the user's (plain) or the coach's (markdown streamed
on a throttle, the numbers not from data marked, the tool cards, the count line)."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QFrame, QLabel, QTextBrowser, QVBoxLayout

from data.coach import Grounding, ToolCallRecord
from widgets.coach.cards import CoachCard, card_of
from widgets.symbol_actions import SymbolActions

RENDER_MS = 100
UNGROUNDED_COLOR = "#f0883e"
NOT_FROM_DATA = ("Not from data: this number is in no tool result of this turn nor in your question. "
                 "Check it before acting on it.")


def ungrounded_count(grounding: Grounding | None) -> str:
    n = len(grounding.ungrounded) if grounding is not None else 0
    return "" if n == 0 else f"{n} number{'s' if n != 1 else ''} not from data"


def render_markdown(document: QTextDocument, text: str) -> int:
    """``text`` as markdown with each ``⟦number⟧`` shown styled (brackets dropped, tooltip set);
    how many were marked."""
    document.setMarkdown(text)
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(UNGROUNDED_COLOR))
    fmt.setFontUnderline(True)
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    fmt.setUnderlineColor(QColor(UNGROUNDED_COLOR))
    fmt.setToolTip(NOT_FROM_DATA)
    marked, cursor = 0, QTextCursor(document)
    while True:
        cursor = document.find("⟦", cursor)
        if cursor.isNull():
            return marked
        start = cursor.selectionStart()
        end = document.find("⟧", cursor)
        if end.isNull():
            return marked
        cursor.setPosition(start)
        cursor.setPosition(end.selectionEnd(), QTextCursor.MoveMode.KeepAnchor)
        inner = cursor.selectedText()[1:-1]
        merged = QTextCharFormat(cursor.charFormat())
        merged.merge(fmt)
        cursor.insertText(inner, merged)
        marked += 1


class _AutoHeightBrowser(QTextBrowser):
    """A text browser as tall as its text (the transcript scrolls, not each bubble)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenExternalLinks(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.document().documentLayout().documentSizeChanged.connect(self._fit)
        self.setFixedHeight(24)

    def _fit(self, size) -> None:
        self.setFixedHeight(max(20, int(size.height()) + 6))


class Bubble(QFrame):
    """One message: the user's (plain) or the coach's (markdown, cards, the not-from-data count)."""

    action_requested = Signal(object)  # CardAction

    def __init__(self, role: str, parent=None, symbol_actions: SymbolActions | None = None) -> None:
        super().__init__(parent)
        self.role, self.symbol_actions = role, symbol_actions  # (the shared symbol actions of its cards' menus)
        self.setObjectName("coachUserBubble" if role == "user" else "coachBubble")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(4)
        who = QLabel("You" if role == "user" else "Coach")
        who.setObjectName("coachWho")
        layout.addWidget(who)
        self.browser = _AutoHeightBrowser(self)
        layout.addWidget(self.browser)
        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(4)
        layout.addLayout(self.cards_box)
        self.count = QLabel()
        self.count.setObjectName("coachUngrounded")
        self.count.setStyleSheet(f"color: {UNGROUNDED_COLOR};")
        self.count.setToolTip("Numbers underlined like this were not found in the data the coach read "
                              "(tool results, your question).")
        self.count.hide()
        layout.addWidget(self.count)
        self.cards: list[CoachCard] = []
        self.text = ""
        self.renders = 0  # markdown renders (tests: throttled, not one per piece)
        self._timer = QTimer(self, singleShot=True, interval=RENDER_MS)
        self._timer.timeout.connect(self._render)

    # streaming
    def append(self, piece: str) -> None:
        self.text += piece
        if not self._timer.isActive():
            self._timer.start()

    def _render(self) -> None:
        self.renders += 1
        self.browser.setMarkdown(self.text)

    def flush(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            self._render()

    # complete
    def set_text(self, text: str, grounding: Grounding | None = None) -> None:
        self._timer.stop()
        self.text = text
        if self.role == "user":
            self.browser.setPlainText(text)
            return
        self.renders += 1
        render_markdown(self.browser.document(), grounding.marked if grounding and grounding.marked else text)
        count = ungrounded_count(grounding)
        self.count.setText(f"⚠ {count}" if count else "")
        self.count.setVisible(bool(count))

    def add_card(self, record: ToolCallRecord) -> CoachCard | None:
        card = card_of(record)
        if card is None:
            return None
        widget = CoachCard(card, self, self.symbol_actions)
        widget.action_requested.connect(self.action_requested)
        self.cards_box.addWidget(widget)
        self.cards.append(widget)
        return widget

    def set_cards(self, records) -> None:
        for widget in self.cards:
            widget.setParent(None)
            widget.deleteLater()
        self.cards = []
        for record in records:
            self.add_card(record)
