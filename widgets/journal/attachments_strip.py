"""A trade's chart screenshots in the editor: a row of thumbnails (a click asks to open one) and
the larger view (scaled to fit the window, Save as… PNG, Remove after a confirmation). Plain data
in (``set_attachments``, ``set_thumbnail``), requests out; nothing here reads the store."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from data.store.records import TradeAttachment
from widgets.journal import cells

THUMB = QSize(120, 72)
EMPTY_HINT = "No screenshots. Right-click the chart → Save chart to trade… to attach one."


def tooltip(attachment: TradeAttachment) -> str:
    caption = f"{attachment.caption}\n" if attachment.caption else ""
    return f"{caption}Saved {cells.et_time(attachment.created_at)} ET · {attachment.size / 1024:,.0f} KB"


class AttachmentsStrip(QWidget):
    open_requested = Signal(object)  # TradeAttachment

    def __init__(self) -> None:
        super().__init__()
        self.trade_id: str | None = None
        self.attachments: tuple[TradeAttachment, ...] = ()
        self.buttons: dict[int, QToolButton] = {}  # attachment id -> its thumbnail
        self.title = QLabel("Screenshots")
        self.hint = QLabel(EMPTY_HINT, wordWrap=True)
        self.hint.setStyleSheet("color: gray;")
        self.row = QHBoxLayout()
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addStretch(1)
        inner = QWidget()
        inner.setLayout(self.row)
        self.scroll = QScrollArea(widgetResizable=True)
        self.scroll.setWidget(inner)
        self.scroll.setFixedHeight(THUMB.height() + 28)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for widget in (self.title, self.hint, self.scroll):
            box.addWidget(widget)
        self.hint.hide()  # until a trade is shown (set_attachments)
        self.scroll.hide()

    def set_attachments(self, trade_id: str | None, attachments: Sequence[TradeAttachment]) -> list[TradeAttachment]:
        """Show these (placeholders until their thumbnails come); which need a thumbnail — none
        when the same ones are shown already (a journal reload keeps them)."""
        attachments = tuple(attachments)
        if trade_id == self.trade_id and attachments == self.attachments:
            return [a for a in attachments if self.buttons[a.id].icon().isNull()]
        for button in self.buttons.values():
            self.row.removeWidget(button)
            button.deleteLater()
        self.trade_id, self.attachments, self.buttons = trade_id, attachments, {}
        for i, attachment in enumerate(attachments):
            button = QToolButton(iconSize=THUMB, toolTip=tooltip(attachment), text="…")
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
            button.setFixedSize(THUMB + QSize(8, 8))
            button.clicked.connect(lambda _checked=False, a=attachment: self.open_requested.emit(a))
            self.row.insertWidget(i, button)
            self.buttons[attachment.id] = button
        n = len(attachments)
        self.title.setText(f"Screenshots ({n})" if n else "Screenshots")
        self.hint.setVisible(trade_id is not None and not n)
        self.scroll.setVisible(bool(n))
        return list(attachments)

    def set_thumbnail(self, attachment_id: int, image: QImage) -> None:
        button = self.buttons.get(attachment_id)
        if button is not None and not image.isNull():
            button.setIcon(QIcon(QPixmap.fromImage(image)))

    def thumbnails_shown(self) -> int:
        return sum(not b.icon().isNull() for b in self.buttons.values())


class AttachmentViewer(QDialog):
    """One screenshot, scaled to fit; Save as… asks for a file, Remove asks to be sure."""

    save_requested = Signal(str)  # the chosen path (the owner writes the bytes off the GUI thread)
    remove_requested = Signal(object)  # TradeAttachment

    def __init__(self, attachment: TradeAttachment, image: QImage, title: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attachment, self.pixmap = attachment, QPixmap.fromImage(image)
        self.setWindowTitle(title or "Chart screenshot")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.picture = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.picture.setMinimumSize(320, 200)
        self.caption = QLabel(tooltip(attachment).replace("\n", " · "), wordWrap=True)
        self.save_as, self.remove = QPushButton("Save as…"), QPushButton("Remove…")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.save_as, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.remove, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.rejected.connect(self.reject)
        self.save_as.clicked.connect(self._choose_file)
        self.remove.clicked.connect(self._confirm_remove)
        box = QVBoxLayout(self)
        box.addWidget(self.picture, 1)
        box.addWidget(self.caption)
        box.addWidget(buttons)
        self.resize(min(image.width() + 40, 1200), min(image.height() + 120, 800))
        self._fit()

    def _fit(self) -> None:
        if not self.pixmap.isNull():
            self.picture.setPixmap(self.pixmap.scaled(self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                      Qt.TransformationMode.SmoothTransformation))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _choose_file(self) -> None:
        name = f"chart-{self.attachment.sha256[:8]}.png"
        path, _ = QFileDialog.getSaveFileName(self, "Save the screenshot as", name, "PNG image (*.png)")
        if path:
            self.save_requested.emit(path if path.lower().endswith(".png") else f"{path}.png")

    def _confirm_remove(self) -> None:
        answer = QMessageBox.question(self, "Remove screenshot", "Remove this screenshot from the trade?",
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_requested.emit(self.attachment)
