"""Which symbols the live stream must carry, decided in one place.

The watchlist, the active symbol, every symbol an active alert watches, every symbol with a
live (active or triggered) tracked setup and the underlying of every open position. The stream,
the market state (and the detectors after it) follow ``SymbolsNeededChanged`` instead of each
knowing which events can change the set.
"""

from __future__ import annotations

from app.core.alerts import AlertsService
from app.core.bus import EventBus
from app.core.events import (
    ActiveSymbolChanged,
    AlertsChanged,
    LinkedSymbolChanged,
    PositionsChanged,
    SetupsChanged,
    SymbolsNeededChanged,
    WatchlistsChanged,
)
from app.core.positions.service import PositionsService
from app.core.setups.tracker import SetupTrackerService
from app.core.workspace import Workspace


class SymbolsNeeded:
    def __init__(self, bus: EventBus, workspace: Workspace, alerts: AlertsService,
                 setups: SetupTrackerService, positions: PositionsService) -> None:
        self._bus = bus
        self._workspace = workspace
        self._alerts = alerts
        self._setups = setups
        self._positions = positions
        self.current: frozenset[str] = frozenset()
        self._offs = [bus.subscribe(kind, self._update) for kind in (WatchlistsChanged, ActiveSymbolChanged,
                                                                     LinkedSymbolChanged, AlertsChanged,
                                                                     SetupsChanged, PositionsChanged)]

    def __call__(self) -> set[str]:
        return set(self.current)

    async def prepare(self) -> None:
        self._update()  # the workspace and the alerts are loaded by now

    def _update(self, _event: object = None) -> None:
        wanted = frozenset(self._workspace.symbols_needed() | self._alerts.active_symbols()
                           | self._setups.live_symbols() | self._positions.open_symbols())
        if wanted != self.current:
            self.current = wanted
            self._bus.publish(SymbolsNeededChanged(wanted))

    def close(self) -> None:
        for off in self._offs:
            off()
        self._offs.clear()
