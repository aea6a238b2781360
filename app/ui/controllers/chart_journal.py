""""Save chart to trade…" from the chart's menu: the chart panel is grabbed on the GUI thread, its
PNG encoded in a worker thread while the journal's trades are read, then ``AttachChartDialog``
offers the chart symbol's trades (the one open at the chart's right edge preselected); Save stores
the screenshot through ``TradeAttachmentsService`` and says so in the chart's status line."""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject
from PySide6.QtGui import QImage

from app.core.journal.attachments import TradeAttachmentsService
from app.core.journal.imports import JournalService
from app.ui.panel_host import PanelHost
from widgets.chart.chart_panel import ChartPanel
from widgets.journal.attach_dialog import AttachChartDialog
from widgets.journal.cells import et_time


def png_bytes(image: QImage) -> bytes:
    """The image as PNG (safe in a worker thread: a QImage, not a pixmap)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG"):
        raise ValueError("The chart could not be encoded as a PNG image.")
    buffer.close()
    return bytes(data.data())


class ChartJournal(QObject):
    """A Qt child of the panel; made after the chart's controller (it extends ``can_request``)."""

    def __init__(self, host: PanelHost, panel: ChartPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.dialog: AttachChartDialog | None = None
        self.png = b""  # the screenshot the open dialog would save
        panel.interaction.journal_requested.connect(self.save_chart)
        others = panel.can_request
        panel.can_request = lambda what: (what == "journal" and self._available()) or others(what)

    def _available(self) -> bool:
        try:
            self.host.engine.service(TradeAttachmentsService)
            self.host.engine.service(JournalService)
        except LookupError:  # no journal in this engine (or not started yet)
            return False
        return True

    def shown_time(self) -> datetime | None:
        """The start of the bar at the view's right edge (the chart's last bar when scrolled past it)."""
        live = self.panel.live
        if not len(live):
            return None
        right = self.panel.price_plot.vb.viewRange()[0][1]
        index = min(len(live) - 1, max(0, math.floor(right))) if math.isfinite(right) else len(live) - 1
        return datetime.fromtimestamp(int(live.ts[index]), UTC)

    def save_chart(self) -> None:
        panel = self.panel
        symbol, at = panel.symbol, self.shown_time()
        image = panel.grab().toImage()  # on the GUI thread; encoded in a worker
        journal = self.host.engine.service(JournalService)

        async def run() -> None:
            png, trades = await asyncio.gather(asyncio.to_thread(png_bytes, image), journal.trades())
            if shiboken6.isValid(panel):
                self.open_dialog(symbol, [t for t in trades if t.symbol.upper() == symbol.upper()], at, image, png)

        self.host.run(run(), lambda message: panel.status.setText(f"Could not save the chart: {message}"))

    def open_dialog(self, symbol: str, trades: list, at: datetime | None, image: QImage,
                    png: bytes) -> AttachChartDialog:
        if self.dialog is not None:
            self.dialog.close()
        dialog = AttachChartDialog(symbol, trades, at, image, parent=self.panel)
        dialog.submitted.connect(lambda trade_id, caption: self._attach(dialog, png, trade_id, caption))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog, self.png = dialog, png
        dialog.open()
        return dialog

    def _forget(self, dialog: AttachChartDialog) -> None:
        if self.dialog is dialog:
            self.dialog, self.png = None, b""

    def _attach(self, dialog: AttachChartDialog, png: bytes, trade_id: str, caption: str) -> None:
        trade = next((t for t in dialog.trades if t.id == trade_id), None)
        what = f"{trade.symbol} {trade.direction} trade opened {et_time(trade.opened_at)} ET" if trade else trade_id

        async def run() -> None:
            await self.host.engine.service(TradeAttachmentsService).attach(trade_id, png, caption)
            if shiboken6.isValid(dialog):
                dialog.accept()
            if shiboken6.isValid(self.panel):
                self.panel.status.setText(f"Saved the chart to the {what}.")

        def failed(message: str) -> None:  # (unless the trader closed the dialog meanwhile)
            if shiboken6.isValid(dialog):
                dialog.show_error(message)

        self.host.run(run(), failed)
