"""Tracked setups and detections on the chart, and "Track setup here…" from its menu.

The chart's symbol's live setups are its "setup" lines (``widgets.chart.setup_lines``), redrawn on
``setups_changed`` and when the chart shows a symbol; the detector runner's detections of the
symbol are its detection markers (the stored ones since the chart's first bar at a load, each new
one as it is detected). The
menu's "Track setup here…" opens ``TrackSetupDialog`` at the clicked price, stop and targets from
the ATR(14) of the chart's bars; its OK tracks the setup (source "chart"), an error stays in the
dialog. The main chart also does the shared "Track setup at …" of other panels (``TrackSetupAt``).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import shiboken6
from PySide6.QtCore import QObject

from analytics.indicators import atr
from analytics.setup_lifecycle import SetupPlan
from app.core.events import SetupDetected
from app.core.market_data import MarketDataService
from app.core.setups.detector_runner import DetectorRunnerService
from app.core.setups.tracker import SetupTrackerService
from app.ui.intents import TrackSetupAt
from app.ui.panel_host import PanelHost
from data.store.records import TrackedSetup
from widgets.chart import setup_lines
from widgets.chart.chart_panel import ChartPanel
from widgets.setups.track_dialog import TrackSetupDialog

ATR_PERIOD = 14
ATR_BARS = 20 * ATR_PERIOD  # enough history for Wilder's average to have settled


class ChartSetups(QObject):
    """A Qt child of the panel; made after the chart's controller (it extends ``can_request``)."""

    def __init__(self, host: PanelHost, panel: ChartPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self.dialog: TrackSetupDialog | None = None
        host.bridge.setups_changed.connect(self.sync_lines)
        host.bridge.setup_detected.connect(self.detected)
        panel.setup_requested.connect(self.open_dialog)
        others = panel.can_request
        panel.can_request = lambda what: what == "setup" or others(what)

    def _tracker(self) -> SetupTrackerService:
        return self.host.engine.service(SetupTrackerService)

    def symbol_shown(self) -> None:
        """The chart (re)loaded its symbol: its setups' lines and its detections' markers."""
        self.sync_lines()
        symbol = self.panel.symbol
        try:
            runner = self.host.engine.service(DetectorRunnerService)
        except LookupError:  # no detector runner in this engine
            self.panel.detections.set(())
            return
        self.panel.detections.set(d for d in runner.feed if d.symbol == symbol)  # at once, then the stored ones
        if self.panel.bar_count:
            since = datetime.fromtimestamp(int(self.panel.live.column("ts")[0]), UTC)

            async def stored() -> None:
                found = await runner.detections_for(symbol, since)
                if shiboken6.isValid(self.panel) and self.panel.symbol == symbol:
                    self.panel.detections.set(found)

            self.host.run(stored())

    def sync_lines(self, setups: tuple[TrackedSetup, ...] | None = None) -> None:
        symbol = self.panel.symbol
        if setups is None:
            try:
                setups = tuple(self._tracker().setups)
            except LookupError:
                return
        mine = [s for s in setups if s.symbol == symbol]
        setup_lines.sync(self.panel.levels, mine, self.panel.panes.colors)

    def detected(self, event: SetupDetected) -> None:
        if event.detection.symbol == self.panel.symbol and self.panel.bar_count:
            self.panel.detections.add([event.detection])

    # -- "Track setup here…" ---------------------------------------------------------------------
    def _last_price(self, symbol: str) -> float:
        panel = self.panel
        try:
            quote = self.host.engine.service(MarketDataService).last_quotes.get(symbol)
        except LookupError:
            quote = None
        if quote is not None and math.isfinite(quote.last) and quote.last > 0:
            return float(quote.last)
        return float(panel.live.close[-1]) if panel.bar_count and symbol == panel.symbol else math.nan

    def _atr(self, symbol: str) -> float:
        live = self.panel.live
        if symbol != self.panel.symbol or len(live) <= ATR_PERIOD:
            return math.nan  # (the dialog then prefills from a fraction of the entry)
        high, low, close = (live.column(name)[-ATR_BARS:] for name in ("high", "low", "close"))
        return float(atr(high, low, close, ATR_PERIOD)[-1])

    def track_at(self, intent: TrackSetupAt) -> None:
        """"Track setup at …" from another panel's menu: the chart shows the symbol, the dialog opens."""
        if intent.symbol != self.panel.symbol:
            self.host.run(self.host.open_symbol(intent.symbol))
        self.open_dialog(intent.price, intent.symbol)

    def open_dialog(self, price: float, symbol: str | None = None) -> TrackSetupDialog:
        if self.dialog is not None:
            self.dialog.close()
        panel = self.panel
        symbol = symbol or panel.symbol
        dialog = TrackSetupDialog(symbol, price, self._last_price(symbol), self._atr(symbol), panel.timeframe.value,
                                  parent=panel)
        dialog.submitted.connect(lambda plan, notes: self._track(dialog, plan, notes))
        dialog.finished.connect(lambda _result: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _forget(self, dialog: TrackSetupDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None

    def _track(self, dialog: TrackSetupDialog, plan: SetupPlan, notes: str) -> None:
        async def run() -> None:
            setup = await self._tracker().track(dialog.symbol, plan.direction, plan.entry, plan.stop, plan.targets,
                                                reference=dialog.reference, source="chart", notes=notes)
            dialog.accept()
            targets = " / ".join(f"{t:,.2f}" for t in setup.targets)
            self.panel.status.setText(f"Tracking {setup.symbol} {setup.direction}: entry {setup.entry:,.2f} · "
                                      f"stop {setup.stop:,.2f} · target {targets}")

        def failed(message: str) -> None:  # (unless the trader closed the dialog meanwhile)
            if shiboken6.isValid(dialog):
                dialog.show_error(message)

        self.host.run(run(), failed)
