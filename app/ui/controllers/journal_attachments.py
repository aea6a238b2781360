"""The editor's screenshots through ``TradeAttachmentsService``: the trade shown's attachments
(again whenever the editor shows a trade, so after every journal reload), their thumbnails decoded
and scaled in a worker thread; a click opens the larger view, whose Save as… writes the PNG off the
GUI thread and whose Remove detaches it (the journal reload that follows updates the strip)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QImage

from app.core.journal.attachments import TradeAttachmentsService
from app.ui.panel_host import PanelHost
from data.store.records import TradeAttachment
from widgets.journal.attachments_strip import THUMB, AttachmentViewer
from widgets.journal.panel import JournalPanel


def decoded(data: bytes) -> QImage:
    image = QImage.fromData(data, "PNG")
    if image.isNull():
        raise ValueError("This screenshot could not be read as an image.")
    return image


def thumbnail(data: bytes) -> QImage:
    return decoded(data).scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


class JournalAttachments(QObject):
    def __init__(self, host: PanelHost, panel: JournalPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.strip = panel.editor.attachments
        self.viewer: AttachmentViewer | None = None
        self._loads = 0
        panel.editor.trade_changed.connect(self.load)
        self.strip.open_requested.connect(self.open)

    def _service(self) -> TradeAttachmentsService | None:
        try:
            return self.host.engine.service(TradeAttachmentsService)
        except LookupError:  # not started yet (the first reload shows the trade again) or no journal
            return None

    def load(self, trade_id: str | None) -> None:
        """The trade's screenshots, the newest load winning."""
        self._loads += 1
        load, service = self._loads, self._service()
        if trade_id is None or service is None:
            self.strip.set_attachments(None, ())
            return

        async def run() -> None:
            found = await service.attachments(trade_id)
            if load != self._loads or not shiboken6.isValid(self.strip):
                return
            for attachment in self.strip.set_attachments(trade_id, found):
                image = await asyncio.to_thread(thumbnail, await service.image(attachment.sha256))
                if load != self._loads or not shiboken6.isValid(self.strip):
                    return
                self.strip.set_thumbnail(attachment.id, image)

        self.host.run(run(), self.panel.show_error)

    def open(self, attachment: TradeAttachment) -> None:
        service = self._service()
        if service is None:
            return

        async def run() -> None:
            data = await service.image(attachment.sha256)
            image = await asyncio.to_thread(decoded, data)
            if shiboken6.isValid(self.panel):
                self.show_viewer(attachment, image, data)

        self.host.run(run(), self.panel.show_error)

    def show_viewer(self, attachment: TradeAttachment, image: QImage, data: bytes) -> AttachmentViewer:
        if self.viewer is not None and shiboken6.isValid(self.viewer):
            self.viewer.close()
        viewer = AttachmentViewer(attachment, image, self.panel.editor.title.text(), parent=self.panel)
        viewer.save_requested.connect(lambda path: self.save_as(path, data))
        viewer.remove_requested.connect(lambda a: self.remove(viewer, a))
        self.viewer = viewer
        viewer.open()
        return viewer

    def save_as(self, path: str, data: bytes) -> None:
        async def run() -> None:
            await asyncio.to_thread(Path(path).write_bytes, data)
            self.panel.show_message(f"Saved the screenshot to {path}.")

        self.host.run(run(), lambda message: self.panel.show_error(f"Could not save the screenshot: {message}"))

    def remove(self, viewer: AttachmentViewer, attachment: TradeAttachment) -> None:
        service = self._service()
        if service is None:
            return

        async def run() -> None:
            await service.remove(attachment.id)
            if shiboken6.isValid(viewer):
                viewer.accept()
            self.panel.show_message("Removed the screenshot from the trade.")

        self.host.run(run(), self.panel.show_error)
