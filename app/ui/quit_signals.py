"""Quit the orderly way on SIGTERM (logout, system shutdown, ``kill``), SIGINT (Ctrl+C in a
terminal) and SIGHUP (its terminal closed): layout saved, services stopped, database closed —
instead of the default of dying on the spot.

Python runs signal handlers between bytecodes; the GUI's timers (the chart's 25 Hz merge, the
1 s collector) hand it control often enough. The first signal asks for a quit and restores the
default handlers, so a second one ends a shutdown that hangs."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable

log = logging.getLogger(__name__)
QUIT_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


def install_quit_signals(loop: asyncio.AbstractEventLoop, request_quit: Callable[[], None]) -> Callable[[], None]:
    """Route the quit signals to ``request_quit``; returns a function that restores the previous handlers."""
    previous: dict[signal.Signals, object] = {}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        previous.clear()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("%s received: quitting", signal.Signals(signum).name)
        restore()  # a second signal is not caught: it ends a hung shutdown
        loop.call_soon_threadsafe(request_quit)

    for name in QUIT_SIGNALS:
        sig = getattr(signal, name, None)
        if sig is None:  # SIGHUP does not exist on Windows
            continue
        try:
            previous[sig] = signal.signal(sig, on_signal)
        except (ValueError, OSError):  # not the main thread, or not supported here
            log.debug("cannot handle %s", name)
    return restore
