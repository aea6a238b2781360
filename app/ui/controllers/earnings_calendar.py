"""The Earnings panel's calendar: asked of ``EarningsCalendarService`` off the GUI thread (through
``host.run``) for the active watchlist and the panel's horizon, again when the watchlist, the
horizon, the provider or the market date changes, or on Reload; only the newest answer is
drawn, a failure's message is shown."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from app.core.earnings.calendar import CalendarView, EarningsCalendarService
from app.core.events import WatchlistsChanged
from app.core.workspace import Workspace
from app.ui.panel_host import PanelHost
from app.ui.panels.setups_common import market_now
from data.market_calendar import market_date
from widgets.earnings.panel import EarningsPanel

DAY_CHECK_MS = 60_000


class EarningsCalendarController(QObject):
    shown = Signal(object)  # the CalendarView just drawn

    def __init__(self, host: PanelHost, panel: EarningsPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self._symbols: tuple[str, ...] | None = None  # the active watchlist's, once the engine is up
        self._asked = 0  # bumped per request: an older answer arriving late is not drawn
        self.last_view: CalendarView | None = None
        self._day = None  # the market date of the last request: a new day asks again ("next 14 days" moved)
        self._clock = QTimer(self, interval=DAY_CHECK_MS)
        self._clock.timeout.connect(self._new_day)
        self._clock.start()
        host.bridge.watchlists_changed.connect(self._watchlists)
        host.bridge.provider_changed.connect(lambda _name: self.reload())
        panel.days_changed.connect(lambda _days: self.reload())
        panel.reload_requested.connect(self.reload)
        host.when_engine_ready(self._started)

    def _started(self) -> None:
        self._symbols = tuple(self.host.engine.service(Workspace).active_watchlist.symbols)
        self.reload()

    def _watchlists(self, event: WatchlistsChanged) -> None:
        active = next((w for w in event.watchlists if w.id == event.active_id), None)
        symbols = tuple(active.symbols) if active is not None else ()
        if symbols != self._symbols:
            self._symbols = symbols
            self.reload()

    def _new_day(self) -> None:
        now = market_now(self.host)
        if now is not None and self._day is not None and market_date(now) != self._day:
            self.reload()

    def reload(self) -> None:
        if self._symbols is None:
            return  # the engine is not up yet: ``_started`` loads
        now = market_now(self.host)
        self._day = market_date(now) if now is not None else None
        self._asked += 1
        asked, symbols, days = self._asked, self._symbols, self.panel.days

        async def run() -> None:
            view = await self.host.engine.service(EarningsCalendarService).events(symbols, days)
            if asked == self._asked:
                self.last_view = view
                self.panel.show_calendar(view.events, view.source, view.note, view.conflicts, view.next_after)
                self.shown.emit(view)

        self.host.run(run(), self.panel.show_error)
