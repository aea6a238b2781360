"""Run the real application controller in-process on a qasync loop, with a scripted scenario."""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import qasync
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from app.ui.application import AppController, LaunchSettings


def settings(data_dir: Path, **kw) -> LaunchSettings:
    return LaunchSettings(data_dir=data_dir, log_file=data_dir / "test.log", started_at=time.perf_counter(), **kw)


async def until(predicate: Callable[[], bool], timeout: float = 30.0) -> None:
    # generous: CI runs a second whole suite beside this one (tests/test_fake_dates.py) on 2 cores
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached in time"
        await asyncio.sleep(0.02)


def run_app(opts: LaunchSettings, scenario: Callable[[AppController], Awaitable[None]],
            wait_for_engine: bool = True) -> int:
    """``wait_for_engine=False``: the scenario runs from the first turn (e.g. to answer a
    start-up question shown before the engine runs)."""
    controller = AppController(opts)
    controller.window.hide_on_close = False

    async def main() -> int:
        # The app task is always awaited to the end, also when the scenario fails, so the loop
        # closes with nothing pending; the scenario's failure is raised afterwards.
        app_task = asyncio.ensure_future(controller.main())
        failure: BaseException | None = None
        try:
            if wait_for_engine:
                await until(lambda: controller.engine.started or app_task.done(), timeout=30)
            if not app_task.done():
                await scenario(controller)
        except BaseException as exc:
            failure = exc
        controller.request_quit()
        code = await app_task
        if failure is not None:
            raise failure
        return code

    try:
        return qasync.run(main())
    finally:
        dispose(controller)


def dispose(controller: AppController) -> None:
    """Delete the window tree now, while the QApplication is alive (not at interpreter exit)."""
    controller.window.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QApplication.processEvents()
    # Collect the finished loop's Qt objects (qasync timers) here, on the GUI thread: left to
    # chance, the collector may run in a worker thread and free a QObject whose timer is live.
    gc.collect()
