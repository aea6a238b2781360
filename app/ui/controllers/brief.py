"""The Morning brief panel's work through ``MorningBriefService``: the stored briefs (again after each
``brief_ready``), today's brief of the active watchlist when there is one, Refresh (made again now),
a preview for another watchlist, a stored day chosen; a row's shared symbol actions (chart, chain,
alert, setup, coach) go to the other panels. The newest request wins; a failure's message goes to the panel."""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.core.brief.service import MorningBriefService
from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.panel_host import PanelHost
from app.ui.panels.setups_common import market_now
from data.market_calendar import market_date
from widgets.brief.panel import MorningBriefPanel

NONE_YET = ("No brief for today yet: it is made at 07:00 ET on trading days, or now with Refresh "
            "(prior-day levels, options, macro, earnings, positions, watch items).")


class BriefController(QObject):
    def __init__(self, host: PanelHost, panel: MorningBriefPanel) -> None:
        super().__init__(panel)
        self.host, self.panel = host, panel
        self._requests = 0
        panel.refresh_requested.connect(self.refresh)
        panel.preview_requested.connect(self.preview)
        panel.day_chosen.connect(self.choose)
        symbol_actions.connect(host, panel.symbol_actions, "brief", panel.show_reason)
        host.bridge.brief_ready.connect(lambda _e: self.load())

    @property
    def service(self) -> MorningBriefService:
        return self.host.engine.service(MorningBriefService)

    def refresh(self) -> None:
        async def run():
            return await self.service.brief(force=True)  # (the service looked up when the engine runs)
        self._show(run(), "Making the brief…")

    def load(self) -> None:
        """The history, and today's brief of the active watchlist (or the reason there is none)."""
        async def run():
            workspace = self.host.engine.service(Workspace)
            self.panel.set_history(await self.service.history(), [w.name for w in workspace.watchlists])
            now = market_now(self.host)
            return None if now is None else await self.service.latest(market_date(now),
                                                                      workspace.active_watchlist.name)
        self._show(run(), None, empty=NONE_YET)

    def preview(self, name: str) -> None:
        async def run():
            workspace = self.host.engine.service(Workspace)
            watchlist = next((w for w in workspace.watchlists if w.name == name), None)
            return None if watchlist is None else await self.service.brief(list(watchlist.symbols), name=name)
        self._show(run(), f"Making a preview of {name}…", empty=f"There is no watchlist named {name} any more.")

    def choose(self, key) -> None:
        async def run():
            return await self.service.stored(*key)
        if key:
            self._show(run(), None, empty="That brief is no longer stored.")

    def _show(self, coro, busy: str | None, empty: str = "") -> None:
        self._requests += 1
        request = self._requests
        if busy:
            self.panel.show_reason(busy)

        async def run() -> None:
            brief = await coro
            if request != self._requests:
                return
            if brief is None:
                if self.panel.brief is None:
                    self.panel.show_reason(empty)
                return
            self.panel.show_brief(brief)

        self.host.run(run(), self.panel.show_reason)
