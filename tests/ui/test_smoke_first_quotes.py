"""``--smoke`` goes on once the panels have their first quotes: at once when the bridge has
handed them over already, else at its next flush with quotes (no fixed sleep), and it fails
with a clear message when none comes."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace

import pytest

from app.core.market_data import MarketDataService
from app.ui import smoke_run


class _Signal:
    def __init__(self) -> None:
        self.slots: list = []

    def connect(self, slot) -> None:
        self.slots.append(slot)

    def disconnect(self, slot) -> None:
        self.slots.remove(slot)

    def emit(self, *args) -> None:
        for slot in list(self.slots):
            slot(*args)


def _deadline() -> float:
    return time.monotonic() + smoke_run.SMOKE_QUOTE_TIMEOUT_S


def _app(quotes: dict, pending: bool) -> SimpleNamespace:
    market = SimpleNamespace(last_quotes=quotes)
    state = {"pending": pending}
    bridge = SimpleNamespace(quotes_updated=_Signal(), quotes_pending=lambda: state["pending"], state=state)
    engine = SimpleNamespace(service=lambda cls: market if cls is MarketDataService else None)
    return SimpleNamespace(engine=engine, bridge=bridge)


def test_quotes_already_handed_to_the_panels_need_no_wait() -> None:
    app = _app({"SPY": object()}, pending=False)
    quotes = asyncio.run(asyncio.wait_for(smoke_run._first_quotes_shown(app, _deadline()), 1.0))
    assert list(quotes) == ["SPY"]
    assert app.bridge.quotes_updated.slots == []


def test_waits_for_the_flush_that_hands_the_first_quotes_over() -> None:
    app = _app({}, pending=False)

    async def scenario() -> tuple[bool, dict]:
        waiting = asyncio.ensure_future(smoke_run._first_quotes_shown(app, _deadline()))
        await asyncio.sleep(0.01)
        still_waiting = not waiting.done()
        app.engine.service(MarketDataService).last_quotes["QQQ"] = object()
        app.bridge.quotes_updated.emit([])
        return still_waiting, await asyncio.wait_for(waiting, 1.0)

    still_waiting, quotes = asyncio.run(scenario())
    assert still_waiting
    assert list(quotes) == ["QQQ"]
    assert app.bridge.quotes_updated.slots == []  # (disconnected again)


def test_no_quote_fails_with_a_clear_message() -> None:
    app = _app({}, pending=False)
    with pytest.raises(RuntimeError, match="no quote reached the panels"):
        asyncio.run(smoke_run._first_quotes_shown(app, time.monotonic() + 0.05))
    assert app.bridge.quotes_updated.slots == []


def test_quotes_not_yet_flushed_wait_for_the_flush() -> None:
    app = _app({"SPY": object()}, pending=True)

    async def scenario() -> tuple[bool, dict]:
        waiting = asyncio.ensure_future(smoke_run._first_quotes_shown(app, _deadline()))
        await asyncio.sleep(0.01)
        still_waiting = not waiting.done()
        app.bridge.state["pending"] = False  # the flush hands them over
        app.bridge.quotes_updated.emit([])
        return still_waiting, await asyncio.wait_for(waiting, 1.0)

    still_waiting, quotes = asyncio.run(scenario())
    assert still_waiting
    assert list(quotes) == ["SPY"]
    assert app.bridge.quotes_updated.slots == []


def test_the_real_bridge_says_when_quotes_wait_for_its_flush(qapp) -> None:
    from app.core.bus import EventBus
    from app.core.events import QuoteUpdated
    from app.ui.bridge import QtBridge

    bus = EventBus()
    bridge = QtBridge(bus)
    handed: list = []
    bridge.quotes_updated.connect(handed.append)
    try:
        assert not bridge.quotes_pending()
        bridge._on_quote(QuoteUpdated(quote=SimpleNamespace(symbol="SPY")))
        assert bridge.quotes_pending()
        bridge._flush()
        assert not bridge.quotes_pending() and len(handed) == 1
    finally:
        bridge.close()
