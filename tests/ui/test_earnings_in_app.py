"""The Earnings panel in the running app on the demo market: the default watchlist's next reports
are the demo chains' own dates (``next_earnings``), a longer horizon shows more, a row selects
its symbol and shows its analysis, every row gets its implied move, and a watchlist change reloads
the calendar."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from app.core.workspace import Workspace
from data.market_calendar import market_date
from data.providers.demo.options import next_earnings
from tests.gui_helpers import run_app, settings, until


def _expected(symbols, today, days: int) -> list[tuple[str, object]]:
    dates = ((s, next_earnings(s, today)) for s in symbols)
    return sorted(((s, d) for s, d in dates if d is not None and d <= today + timedelta(days=days)),
                  key=lambda sd: (sd[1], sd[0]))


def test_the_watchlists_next_reports_on_the_demo_market(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        c.window.resize(1366, 768)
        c.window.focus_panel("earnings")
        panel = c.window.panels["earnings"]
        await until(panel.is_ready, 20)
        symbols = c.engine.service(Workspace).active_watchlist.symbols
        today = market_date(c.engine.context.clock.now())
        rows = lambda: [(panel.model.event_at(r).symbol, panel.model.event_at(r).report_date)  # noqa: E731
                        for r in range(panel.model.rowCount())]
        assert rows() == _expected(symbols, today, 14) and "from the demo market" in panel.source.text()
        panel.days_choice.setCurrentIndex(3)  # 90 days: every stock of the watchlist reports once
        await until(lambda: rows() == _expected(symbols, today, 90), 20)
        assert {s for s, _d in rows()} == {"AAPL", "NVDA", "TSLA", "MSFT"}
        chosen: list[str] = []
        panel.symbol_selected.connect(chosen.append)
        panel.table.selectRow(0)
        assert chosen == [rows()[0][0]]
        view = panel.analysis.view  # the selected symbol's analysis, embedded beside the calendar
        await until(lambda: view.analysis is not None and view.analysis.symbol == chosen[0], 30)
        assert view.analysis.implied is not None and view.analysis.ideas
        column = panel.model.COLUMNS.index("Implied move")
        await until(lambda: all(panel.model.data(panel.model.index(r, column)) not in (None, "", "—")
                                for r in range(panel.model.rowCount())), 60)
        if folder := os.environ.get("EARNINGS_SHOTS"):
            c.window.grab().save(str(Path(folder) / "earnings-window.png"))
        await c.engine.service(Workspace).add_symbol("AMD")
        await until(lambda: "AMD" in {s for s, _d in rows()}, 20)

    assert run_app(settings(tmp_path), scenario) == 0
