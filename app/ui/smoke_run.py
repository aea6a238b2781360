"""``ai-coach --smoke``: the running app checked end to end: no start-up problem, a live quote,
every panel (also those off screen: built here) loaded and painted, the timings printed."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ui.application import AppController
    from data.models import Quote

SMOKE_QUOTE_TIMEOUT_S = 20.0


async def _paint_every_panel(app: AppController, deadline: float) -> int:
    """Every panel, also those not on screen (built here: the first time they are looked up),
    loaded and painted; how many."""
    while waiting := [name for name, w in app.window.panels.items() if not getattr(w, "is_ready", lambda: True)()]:
        if time.monotonic() > deadline:
            raise RuntimeError(f"panels did not finish loading their data in time: {', '.join(waiting)}")
        await asyncio.sleep(0.05)
    for name, dock in app.window.docks.items():
        if dock.widget().grab().isNull():
            raise RuntimeError(f"panel {name} did not paint")
    return len(app.window.docks)


async def _first_quotes_shown(app: AppController, deadline: float) -> dict[str, Quote]:
    """The first quotes, once the bridge has handed them to the panels (its next flush when
    they have not been yet); ``deadline`` on the monotonic clock."""
    from app.core.market_data import MarketDataService

    quotes = app.engine.service(MarketDataService).last_quotes
    shown = asyncio.Event()

    def handed_over(_batch: list[Quote]) -> None:
        shown.set()

    app.bridge.quotes_updated.connect(handed_over)  # (after the panels' connections: called after them)
    try:
        while not quotes or app.bridge.quotes_pending():  # (a flush can hand over a symbol's quote dropped since)
            shown.clear()
            await asyncio.wait_for(shown.wait(), max(0.0, deadline - time.monotonic()))
    except TimeoutError:
        raise RuntimeError(f"no quote reached the panels within {SMOKE_QUOTE_TIMEOUT_S:.0f}s") from None
    finally:
        app.bridge.quotes_updated.disconnect(handed_over)
    return quotes


async def run_smoke(app: AppController) -> int:
    if problems := await app.problems_at_start():  # a window goes on (demo market, last layout); a smoke run fails
        print(f"SMOKE FAILED: {' '.join(problems)}", file=sys.stderr, flush=True)  # (no console: no print)
        return 2
    if app.window.failed_panels:
        raise RuntimeError(f"panels failed to build: {app.window.failed_panels}")
    deadline = time.monotonic() + SMOKE_QUOTE_TIMEOUT_S
    quotes = await _first_quotes_shown(app, deadline)
    app.mark("first_quote")
    painted = await _paint_every_panel(app, deadline)
    app.mark("painted")
    if app.settings.screenshot:
        app.settings.screenshot.parent.mkdir(parents=True, exist_ok=True)
        if not app.window.grab().save(str(app.settings.screenshot)):
            raise RuntimeError(f"could not save the screenshot to {app.settings.screenshot}")
    t = {k: round(v) for k, v in app.timings.items()}
    if sys.stdout is None:  # a windowed frozen app (Windows) has no console: the exit code says it
        return 0
    print(f"SMOKE OK provider={app.engine.context.provider.name} panels={painted}/{len(app.window.docks)} "
          f"quotes={len(quotes)} first_paint_ms={t['first_paint']} "
          f"panels_ms={t['panels']} engine_ms={t['engine']} first_quote_ms={t['first_quote']} "
          f"painted_ms={t['painted']}", flush=True)
    return 0
