"""The Macro panel's work: the calendar (today and the next 7 days) loaded through
``MacroCalendarService`` when the engine starts, on Refresh, after a provider switch and every few
minutes (so a fast demo clock moves into the next day); the impact table for the active symbol,
again when it changes. Everything runs as engine tasks (``host.run``): the GUI thread never waits,
and a slower, older answer never replaces a newer one."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from app.core.macro.calendar import MacroCalendarService
from app.core.workspace import Workspace
from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import NewestView
from app.ui.panels.setups_common import market_now
from widgets.macro.panel import MacroPanel

RELOAD_MS = 5 * 60 * 1000
BANNER_MS = 15 * 1000  # how often the pre-release banner looks at the market clock
WEEK_DAYS = 7


class MacroController(QObject):
    """Owned by its panel (a Qt child), so it lives exactly as long as the panel."""

    def __init__(self, host: PanelHost, panel: MacroPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self._calendar = NewestView(host, lambda view: panel.show_events(view, market_now(host)), panel.show_error)
        self._symbol = ""
        self._impact = NewestView(host, panel.show_impact,
                                  lambda message: panel.show_impact_error(self._symbol, message))
        self._timer = QTimer(self, interval=RELOAD_MS)
        self._timer.timeout.connect(self.reload)
        self._banner = QTimer(self, interval=BANNER_MS)
        self._banner.timeout.connect(lambda: panel.set_now(market_now(host)))
        panel.refresh_requested.connect(self.reload)
        host.bridge.active_symbol_changed.connect(self.load_impact)
        host.bridge.provider_changed.connect(lambda _name: self.reload())
        host.when_engine_ready(self._started)

    def _service(self) -> MacroCalendarService:
        return self.host.engine.service(MacroCalendarService)  # rebuilt on a switch: looked up each time

    def _started(self) -> None:
        self._timer.start()
        self._banner.start()
        self.reload()

    def reload(self) -> None:
        self._calendar.request(lambda: self._service().coming(WEEK_DAYS))
        self.load_impact(self.host.engine.service(Workspace).active_symbol)

    def load_impact(self, symbol: str) -> None:
        self._symbol = symbol
        self._impact.request(lambda: self._service().impact(symbol))
