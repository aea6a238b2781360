"""A chart's drawings: the Draw menu of its toolbar, the symbol's drawings shown for the timeframe
family on screen, every move and edit saved (``DrawingsService``), and an alert on a line — a
horizontal line's "crosses" alert or a trend line's, which fires when price crosses the line's
value at that moment."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMenu, QToolButton

from app.ui.panel_host import PanelHost
from data.store.records import TREND, ChartDrawing
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.drawings import DrawingLayer

TOOLS = (("hline", "Horizontal line"), ("trend", "Trend line"), ("rect", "Rectangle"), ("text", "Text note"))


class ChartDrawings(QObject):
    def __init__(self, host: PanelHost, panel: ChartPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.layer = DrawingLayer(panel)
        panel.interaction.menu_extensions.append(self.layer.menu_entries)
        self.layer.created.connect(self.save)
        self.layer.edited.connect(self.save)
        self.layer.delete_requested.connect(lambda d: self._do(self._service().delete(d)))
        self.layer.alert_requested.connect(self.alert_on)
        self.layer.text_requested.connect(self.ask_text)
        host.bridge.drawings_changed.connect(lambda symbol: symbol in ("", panel.symbol) and self.symbol_shown())
        self._add_tools()

    def _add_tools(self) -> None:
        button = QToolButton(text="Draw", popupMode=QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for kind, title in TOOLS:
            menu.addAction(title, lambda k=kind: self.layer.set_tool(k))
        menu.addSeparator()
        menu.addAction("Stop drawing", lambda: self.layer.set_tool(None))
        button.setMenu(menu)
        self.panel.toolbar.addWidget(button)

    def _service(self):
        from app.core.drawings import DrawingsService  # SQLAlchemy: after the first paint

        return self.host.engine.service(DrawingsService)

    def _family(self) -> str:
        from app.core.drawings import family_of

        return family_of(self.panel.timeframe.value)

    def _do(self, coro) -> None:
        self.host.run(coro, self.panel.status.setText)

    def symbol_shown(self) -> None:
        """The chart shows another symbol or timeframe (or its drawings changed): draw them."""
        symbol, family = self.panel.symbol, self._family()

        async def run() -> None:
            drawings = await self._service().for_symbol(symbol, family)
            if (self.panel.symbol, self._family()) == (symbol, family):
                self.layer.show(drawings)

        if symbol:
            self._do(run())

    def save(self, drawing: ChartDrawing) -> None:
        if not drawing.id:
            drawing = replace(drawing, symbol=self.panel.symbol, family=self._family())
        self._do(self._service().save(drawing))

    def ask_text(self, drawing: ChartDrawing) -> None:
        dialog = QInputDialog(self.panel)
        dialog.setWindowTitle("Chart note")
        dialog.setLabelText("Note:")
        dialog.setTextValue(drawing.text)
        dialog.textValueSelected.connect(lambda text: text.strip() and self.save(replace(drawing, text=text.strip())))
        dialog.open()  # never exec(): the asyncio loop keeps running

    def alert_on(self, drawing: ChartDrawing) -> None:
        from app.core.alerts import AlertsService

        symbol = self.panel.symbol
        (t1, p1), *rest = drawing.points
        alerts = self.host.engine.service(AlertsService)

        async def run() -> None:
            if drawing.kind == "hline":
                alert = await alerts.create(symbol, "crosses", p1, source="drawing")
                self.panel.status.setText(f"Alert set: {symbol} crosses {alert.price:,.2f}")
                return
            (t2, p2), last = rest[0], self.panel.live.ts
            now = float(last[-1]) if len(last) else t2
            level = p1 + (p2 - p1) * (now - t1) / (t2 - t1) if t2 != t1 else p1
            await alerts.create(symbol, TREND, max(level, 0.01), source="drawing", line=(t1, p1, t2, p2))
            self.panel.status.setText(f"Alert set: {symbol} crosses the trend line (now {level:,.2f})")

        self._do(run())
