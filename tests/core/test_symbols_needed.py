"""One owner decides which symbols the stream carries, and says so only when the set changes."""

from __future__ import annotations

from types import SimpleNamespace

from app.core.bus import EventBus
from app.core.events import (
    ActiveSymbolChanged,
    AlertsChanged,
    SetupsChanged,
    SymbolsNeededChanged,
    WatchlistsChanged,
)
from app.core.symbols_needed import SymbolsNeeded


async def test_the_set_is_published_when_it_changes_and_not_after_close() -> None:
    bus, seen = EventBus(), []
    bus.subscribe(SymbolsNeededChanged, seen.append)
    workspace = SimpleNamespace(symbols_needed=lambda: {"SPY", "QQQ"})
    alerts = SimpleNamespace(active_symbols=lambda: {"AAPL"})
    setups = SimpleNamespace(live_symbols=set)
    positions = SimpleNamespace(open_symbols=set)
    needed = SymbolsNeeded(bus, workspace, alerts, setups, positions)  # type: ignore[arg-type]
    await needed.prepare()
    assert needed() == {"SPY", "QQQ", "AAPL"} and len(seen) == 1
    bus.publish(WatchlistsChanged((), 0))  # nothing changed: nothing said
    assert len(seen) == 1
    workspace.symbols_needed = lambda: {"SPY", "NVDA"}
    bus.publish(ActiveSymbolChanged("NVDA"))
    assert seen[-1].symbols == {"SPY", "NVDA", "AAPL"}
    setups.live_symbols = lambda: {"TSLA"}  # a live tracked setup keeps its symbol streaming
    bus.publish(SetupsChanged(()))
    assert seen[-1].symbols == {"SPY", "NVDA", "AAPL", "TSLA"}
    needed.close()
    alerts.active_symbols = set
    bus.publish(AlertsChanged(()))
    assert len(seen) == 3
