"""Route every uncaught exception (event loop, sys, threads) to the log and to the UI.

The UI learns about errors through ``report(source, message)`` — normally a function that
publishes ``ErrorReported`` on the bus from the loop thread.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

log = logging.getLogger("ai_coach.errors")
Report = Callable[[str, str], None]


def install(loop: asyncio.AbstractEventLoop, report: Report) -> Callable[[], None]:
    """Install the three hooks; returns a function that restores the previous ones."""
    previous_sys, previous_thread = sys.excepthook, threading.excepthook
    previous_loop = loop.get_exception_handler()

    def sys_hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous_sys(exc_type, exc, tb)
            return
        log.error("uncaught exception", exc_info=(exc_type, exc, tb))
        _safe_report(loop, report, "sys", f"{exc_type.__name__}: {exc}")
        # Qt stores a slot's exception in sys.last_* before calling the hook; the traceback keeps
        # every frame's locals (panels, the window) alive until the next error: logged, let go
        sys.last_type = sys.last_value = sys.last_traceback = None
        if hasattr(sys, "last_exc"):
            sys.last_exc = None

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread else "thread"
        log.error("uncaught exception in %s", name, exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
        _safe_report(loop, report, f"thread {name}", f"{args.exc_type.__name__}: {args.exc_value}")

    def loop_hook(_loop: asyncio.AbstractEventLoop, context: dict) -> None:
        exc = context.get("exception")
        message = context.get("message", "event loop error")
        log.error("event loop: %s", message, exc_info=exc)
        _safe_report(loop, report, "loop", f"{type(exc).__name__}: {exc}" if exc else message)

    sys.excepthook = sys_hook
    threading.excepthook = thread_hook
    loop.set_exception_handler(loop_hook)

    def restore() -> None:
        sys.excepthook, threading.excepthook = previous_sys, previous_thread
        loop.set_exception_handler(previous_loop)

    return restore


def _safe_report(loop: asyncio.AbstractEventLoop, report: Report, source: str, message: str) -> None:
    try:
        if loop.is_closed():
            return
        if threading.current_thread() is threading.main_thread():
            report(source, message)
        else:
            loop.call_soon_threadsafe(report, source, message)
    except Exception:
        log.exception("could not report an error to the UI")
