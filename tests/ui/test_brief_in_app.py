"""The Morning brief panel in the running app: Refresh makes the brief of the active watchlist
through the engine's service, the panel shows each symbol's levels, a row's chart action moves the
active symbol, and the stored brief is in the history."""

from __future__ import annotations

from pathlib import Path

from app.core.brief.service import MorningBriefService
from app.core.workspace import Workspace
from tests.gui_helpers import run_app, settings, until


def test_refresh_makes_and_shows_the_brief(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["brief"]
        c.window.focus_panel("brief")
        workspace = c.engine.service(Workspace)
        symbols = list(workspace.active_watchlist.symbols)[:3]
        await workspace.create_watchlist("Two")  # a short active list: the refresh reads two chains, not eight
        for symbol in ("QQQ", "AAPL"):
            await workspace.add_symbol(symbol)
        service = c.engine.service(MorningBriefService)
        brief = await service.brief(symbols, name="Test list")  # a preview: stored, shown after BriefReady
        await until(lambda: panel.history.count() >= 1, 20)
        panel.day_chosen.emit((brief.market_date, "Test list"))
        await until(lambda: panel.brief is not None and panel.brief.watchlist == "Test list", 20)
        assert panel.levels.rowCount() == len(symbols)
        assert panel.levels.item(0, 0).text() == symbols[0]
        panel.refresh.click()  # the active watchlist, made again now
        name = workspace.active_watchlist.name
        await until(lambda: panel.brief is not None and panel.brief.watchlist == name, 60)
        assert [panel.levels.item(r, 0).text() for r in range(panel.levels.rowCount())] == ["QQQ", "AAPL"]
        panel.levels.cellDoubleClicked.emit(1, 0)
        await until(lambda: workspace.active_symbol == "AAPL", 20)

    assert run_app(settings(tmp_path), scenario) == 0
