"""The Coach panel: the conversations (new, rename, delete with a confirm), the transcript of user
and coach bubbles, and the input (Enter sends, Shift+Enter a new line; Stop while the coach answers).

A reply streams in as it arrives: pieces are appended to a buffer and the bubble's markdown is
rendered again at most every ``RENDER_MS`` (never once per token). Once the reply is complete its
numbers found in no tool result (``⟦…⟧`` in the grounding's ``marked`` text) are shown underlined
in orange with a "not from data" tooltip, and a count line says how many. Each tool result shows as
a card whose buttons leave as ``action_requested(CardAction)``. A pure view: fed through methods,
the user's intents leave as signals."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from data.coach import CoachMessage, Conversation, ToolCallRecord
from widgets.coach.bubble import NOT_FROM_DATA, RENDER_MS, UNGROUNDED_COLOR, Bubble
from widgets.symbol_actions import SymbolActions

__all__ = ["NOT_FROM_DATA", "RENDER_MS", "UNGROUNDED_COLOR", "Bubble", "CoachPanel"]

HINT = "Ask about the market, or type a command: gex SPX, 0dte SPX, iv AAPL, levels QQQ, scan, help"


class _Conversations(QListWidget):
    def sizeHint(self) -> QSize:  # narrow: the transcript is what is read (the splitter widens it)
        return QSize(150, super().sizeHint().height())


class _Input(QPlainTextEdit):
    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class CoachPanel(QWidget):
    new_requested = Signal()
    rename_requested = Signal(int, str)
    delete_requested = Signal(int)
    conversation_chosen = Signal(int)
    send_requested = Signal(str)
    stop_requested = Signal()
    action_requested = Signal(object)  # CardAction

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # dialogs, replaceable in tests: the new title (None: cancelled), and a yes/no
        self.ask_title: Callable[[str], str | None] = self._ask_title
        self.confirm: Callable[[str], bool] = self._confirm
        self.symbol_actions = SymbolActions(self)  # a card's right-click menu: the shared symbol actions
        self.streaming = False
        self.bubbles: list[Bubble] = []
        self._live: Bubble | None = None

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._side())
        splitter.addWidget(self._main())
        splitter.setStretchFactor(0, 0)  # more room goes to the transcript
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([180, 720])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(splitter)
        self.setFocusProxy(self.input)
        self._update_buttons()

    def _side(self) -> QWidget:
        """The conversations and their buttons."""
        left = QWidget()
        side = QVBoxLayout(left)
        side.setContentsMargins(0, 0, 0, 0)
        self.conversations = _Conversations()
        self.conversations.setObjectName("coachConversations")
        self.conversations.currentItemChanged.connect(self._chosen)
        side.addWidget(self.conversations, 1)
        buttons = QHBoxLayout()
        self.new_button, self.rename_button, self.delete_button = (QToolButton(text=t) for t in ("New", "Rename",
                                                                                            "Delete"))
        self.new_button.clicked.connect(self.new_requested)
        self.rename_button.clicked.connect(self._rename)
        self.delete_button.clicked.connect(self._delete)
        for b in (self.new_button, self.rename_button, self.delete_button):
            buttons.addWidget(b)
        side.addLayout(buttons)
        return left

    def _main(self) -> QWidget:
        """The transcript, the status line and the input."""
        right = QWidget()
        main = QVBoxLayout(right)
        main.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        holder = QWidget()
        self.transcript = QVBoxLayout(holder)
        self.transcript.setContentsMargins(4, 4, 4, 4)
        self.transcript.setSpacing(6)
        self.transcript.addStretch(1)
        self.scroll.setWidget(holder)
        self.scroll.verticalScrollBar().rangeChanged.connect(self._follow)
        main.addWidget(self.scroll, 1)
        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("coachStatus")
        self.status.hide()
        main.addWidget(self.status)
        row = QHBoxLayout()
        self.input = _Input()
        self.input.setPlaceholderText(HINT)
        self.input.setFixedHeight(64)
        self.input.submitted.connect(self.send)
        row.addWidget(self.input, 1)
        column = QVBoxLayout()
        self.send_button = QPushButton("Send")
        self.send_button.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop the coach's answer (what it said so far is kept)")
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.hide()
        column.addWidget(self.send_button)
        column.addWidget(self.stop_button)
        row.addLayout(column)
        main.addLayout(row)
        return right

    # -- conversations --------------------------------------------------------------------------
    def set_conversations(self, conversations: list[Conversation], current: int | None) -> None:
        """The list, newest first, with ``current`` selected (no ``conversation_chosen`` for it)."""
        self.conversations.blockSignals(True)
        self.conversations.clear()
        for c in conversations:
            item = QListWidgetItem(c.title)
            item.setData(Qt.ItemDataRole.UserRole, c.id)
            item.setToolTip(f"{c.title}\nlast spoken to {c.updated_at:%Y-%m-%d %H:%M}")
            self.conversations.addItem(item)
            if c.id == current:
                self.conversations.setCurrentItem(item)
        self.conversations.blockSignals(False)
        self._update_buttons()

    @property
    def current_id(self) -> int | None:
        item = self.conversations.currentItem()
        return None if item is None else int(item.data(Qt.ItemDataRole.UserRole))

    def _chosen(self, item, _previous) -> None:
        self._update_buttons()
        if item is not None:
            self.conversation_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _rename(self) -> None:
        item = self.conversations.currentItem()
        if item is None:
            return
        title = self.ask_title(item.text())
        if title and title.strip() and title.strip() != item.text():
            self.rename_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)), title.strip())

    def _delete(self) -> None:
        item = self.conversations.currentItem()
        if item is not None and self.confirm(item.text()):
            self.delete_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _ask_title(self, current: str) -> str | None:
        title, ok = QInputDialog.getText(self, "Rename conversation", "Title:", text=current)
        return title if ok else None

    def _confirm(self, title: str) -> bool:
        answer = QMessageBox.question(self, "Delete conversation",
                                      f"Delete “{title}” and all its messages? This cannot be undone.")
        return answer == QMessageBox.StandardButton.Yes

    def _update_buttons(self) -> None:
        chosen = self.conversations.currentItem() is not None
        self.rename_button.setEnabled(chosen and not self.streaming)
        self.delete_button.setEnabled(chosen and not self.streaming)
        self.conversations.setEnabled(not self.streaming)
        self.new_button.setEnabled(not self.streaming)

    # -- the transcript -------------------------------------------------------------------------
    def show_messages(self, messages: list[CoachMessage]) -> None:
        self.clear_transcript()
        for m in messages:
            bubble = self._add_bubble(m.role)
            bubble.set_text(m.content, m.grounding)
            bubble.set_cards(m.tool_calls)
        if not messages:
            self.show_status("")

    def clear_transcript(self) -> None:
        for bubble in self.bubbles:
            bubble.setParent(None)
            bubble.deleteLater()
        self.bubbles, self._live = [], None

    def _add_bubble(self, role: str) -> Bubble:
        bubble = Bubble(role, symbol_actions=self.symbol_actions)
        bubble.action_requested.connect(self.action_requested)
        self.transcript.insertWidget(self.transcript.count() - 1, bubble)  # above the stretch
        self.bubbles.append(bubble)
        return bubble

    def _follow(self, _low: int, high: int) -> None:
        if self.streaming:
            self.scroll.verticalScrollBar().setValue(high)

    # -- a turn ---------------------------------------------------------------------------------
    def send(self) -> None:
        text = self.input.toPlainText().strip()
        if text and not self.streaming:
            self.input.clear()
            self.send_requested.emit(text)

    def ask(self, text: str) -> None:
        """Ask ``text`` as if typed (the "Ask the coach about …" menus)."""
        if self.streaming:
            self.input.setPlainText(text)
            return
        self.input.setPlainText(text)
        self.send()

    def begin_turn(self, text: str) -> Bubble:
        """The question shown, and an empty coach bubble that the reply streams into."""
        self.show_status("")
        self._add_bubble("user").set_text(text)
        self._live = self._add_bubble("assistant")
        self._live.browser.setPlaceholderText("…")
        self._set_streaming(True)
        return self._live

    def append_text(self, piece: str) -> None:
        if self._live is not None:
            self._live.append(piece)

    def add_tool(self, record: ToolCallRecord) -> None:
        if self._live is not None:
            self._live.add_card(record)

    def finish_turn(self, message: CoachMessage) -> None:
        bubble = self._live or self._add_bubble("assistant")
        bubble.set_text(message.content, message.grounding)
        bubble.set_cards(message.tool_calls)
        self._live = None
        self._set_streaming(False)

    def fail_turn(self, reason: str) -> None:
        """The answer failed: what streamed stays, the reason goes to the status line."""
        if self._live is not None:
            self._live.flush()
            if not self._live.text and not self._live.cards:
                self.bubbles.remove(self._live)
                self._live.setParent(None)
                self._live.deleteLater()
        self._live = None
        self._set_streaming(False)
        self.show_status(reason)

    def show_status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _set_streaming(self, on: bool) -> None:
        self.streaming = on
        self.send_button.setVisible(not on)
        self.stop_button.setVisible(on)
        self._update_buttons()
