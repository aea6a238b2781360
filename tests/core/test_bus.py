import asyncio
import logging
from dataclasses import FrozenInstanceError

import pytest

from app.core.bus import EventBus
from app.core.events import ActiveSymbolChanged, ErrorReported, Event


def test_events_are_frozen() -> None:
    event = ActiveSymbolChanged("SPY")
    with pytest.raises(FrozenInstanceError):
        event.symbol = "QQQ"  # type: ignore[misc]


def test_handlers_receive_their_type_and_base_subscribers_see_all() -> None:
    bus = EventBus()
    got: list[object] = []
    everything: list[object] = []
    bus.subscribe(ActiveSymbolChanged, got.append)
    bus.subscribe(Event, everything.append)
    bus.publish(ActiveSymbolChanged("SPY"))
    bus.publish(ErrorReported("x", "y"))
    assert got == [ActiveSymbolChanged("SPY")]
    assert len(everything) == 2


def test_a_failing_handler_is_logged_and_the_others_still_run(caplog) -> None:
    errors: list[str] = []
    bus = EventBus(on_error=lambda where, exc: errors.append(f"{where}: {exc}"))
    got: list[str] = []

    def broken(_event: ActiveSymbolChanged) -> None:
        raise RuntimeError("boom")

    bus.subscribe(ActiveSymbolChanged, lambda e: got.append("first"))
    bus.subscribe(ActiveSymbolChanged, broken)
    bus.subscribe(ActiveSymbolChanged, lambda e: got.append("last"))
    with caplog.at_level(logging.ERROR):
        bus.publish(ActiveSymbolChanged("SPY"))
    assert got == ["first", "last"]
    assert bus.handler_errors == 1 and "boom" in errors[0] and "broken" in caplog.text


def test_unsubscribe() -> None:
    bus = EventBus()
    got: list[object] = []
    off = bus.subscribe(ActiveSymbolChanged, got.append)
    off()
    bus.publish(ActiveSymbolChanged("SPY"))
    assert got == []


async def test_async_handlers_are_tracked_isolated_and_drained() -> None:
    errors: list[str] = []
    bus = EventBus(on_error=lambda where, exc: errors.append(str(exc)))
    done: list[str] = []

    async def slow(event: ActiveSymbolChanged) -> None:
        await asyncio.sleep(0.01)
        done.append(event.symbol)

    async def failing(_event: ActiveSymbolChanged) -> None:
        raise ValueError("async boom")

    async def stuck(_event: ActiveSymbolChanged) -> None:
        await asyncio.sleep(3600)

    for h in (slow, failing, stuck):
        bus.subscribe(ActiveSymbolChanged, h)
    bus.publish(ActiveSymbolChanged("QQQ"))
    await bus.drain(timeout=0.2)
    assert done == ["QQQ"] and errors == ["async boom"]
