"""Which symbol a chart (or an options panel) follows: its link group's (the main group "red" is the
active symbol; green, blue and yellow have their own), or, in no group, its own."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from app.ui.panel_host import PanelHost
from data.store.preference_specs import LINK_GROUPS

MAIN = LINK_GROUPS[0]


class ChartLink(QObject):
    changed = Signal(str)  # the symbol the chart is to show now

    def __init__(self, host: PanelHost, owner: str, group: str = MAIN, symbol: str | None = None,
                 timeframe: str | None = None, parent: QObject | None = None, options: bool = False) -> None:
        super().__init__(parent)
        self.host, self.owner, self.options = host, owner, options
        self.group = group
        self.own = symbol  # what it shows while in no group
        self.timeframe = timeframe  # the one it was saved with (None: the default timeframe)
        self.shown: list[str] | None = None  # its overlays and panes as saved (None: the Preferences' default)
        host.bridge.active_symbol_changed.connect(self._active_changed)
        host.bridge.linked_symbol_changed.connect(self._linked_changed)
        host.when_engine_ready(lambda: self._register(self.own))

    def _register(self, symbol: str | None) -> str:
        return self._workspace().link_chart(self.owner, self.group, symbol, options=self.options)

    def _workspace(self):
        from app.core.workspace import Workspace  # SQLAlchemy: after the first paint

        return self.host.engine.service(Workspace)

    def symbol(self) -> str:
        if self.group:
            return self._workspace().group_symbol(self.group)
        return self.own or self._workspace().active_symbol

    def set_group(self, group: str, showing: str) -> None:
        """Join ``group`` ("" for none, keeping ``showing``); the chart moves to the group's symbol."""
        previous = self.group
        self.group = group
        try:
            shown = self._register(None if group else (showing or None))
        except ValueError:
            self.group = previous
            raise
        self.own = None if group else shown
        self.changed.emit(shown)

    def restore(self, group: str, own: str | None) -> None:
        """A layout's group and own symbol for this chart: registered for streaming (now, or when the engine
        starts) and shown once the engine runs."""
        self.group, self.own = group, own
        if self.host.engine.started:
            self.changed.emit(self._register(own))

    async def choose(self, text: str) -> str:
        """The watchlist or the symbol box chose ``text`` while this chart had the focus."""
        if self.group:
            return await self._workspace().set_group_symbol(self.group, text)
        self.own = self._register(text)
        self.changed.emit(self.own)
        return self.own

    def _active_changed(self, symbol: str) -> None:
        if self.group == MAIN:
            self.changed.emit(symbol)

    def _linked_changed(self, group: str, symbol: str) -> None:
        if group and group == self.group:
            self.changed.emit(symbol)
