"""The options chain in the running app: the active symbol, the chart's request, the options layout, no options."""

from __future__ import annotations

from pathlib import Path

from app.core.option_chains import OptionChainService
from app.core.workspace import Workspace
from tests.gui_helpers import run_app, settings, until


def test_the_chain_follows_the_active_symbol_and_the_charts_request(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["options_chain"]
        await until(lambda: panel.model.rowCount() > 0)
        assert "SPY" in panel.symbol_label.text()
        await c.engine.service(Workspace).set_active_symbol("QQQ")
        await until(lambda: "QQQ" in panel.symbol_label.text() and panel.model.rowCount() > 0)
        chart = c.window.panels["chart"]
        await until(lambda: chart.symbol == "QQQ")
        spot = c.engine.service(OptionChainService).latest.spot
        action = next(a for a in chart.context_menu(spot + 7).actions() if a.text().startswith("Open options chain"))
        action.trigger()
        row = panel.model.focus_row
        assert row >= 0 and abs(panel.model.strikes[row] - (spot + 7)) <= 1.0

    assert run_app(settings(tmp_path), scenario) == 0


def test_options_layout_shows_the_options_panels_together(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        docks = c.window.docks
        await until(lambda: c.window.panels["heatmap"].grid is not None)
        visible = {name for name, dock in docks.items() if not dock.visibleRegion().isEmpty()}
        assert {"chart", "options_chain", "gex", "heatmap"} <= visible  # side by side, not tabbed away
        tabbed = set(c.window.tabifiedDockWidgets(docks["options_chain"]))
        assert docks["zero_dte"] in tabbed and not tabbed & {docks[n] for n in ("chart", "gex", "heatmap")}
        assert docks["gex"].geometry().left() > docks["chart"].geometry().left()
        assert docks["options_chain"].geometry().top() > docks["chart"].geometry().top()

    assert run_app(settings(tmp_path, layout="options"), scenario) == 0


def test_a_provider_without_options_says_so_in_every_options_panel(qapp, tmp_path: Path) -> None:
    from tests.conftest import shared_path

    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "SPY_5min_20250512_20250912.csv")

    async def scenario(c) -> None:
        names = ("options_chain", "gex", "heatmap", "zero_dte", "iv")
        status = {"options_chain": "status", "gex": "status", "heatmap": "status", "zero_dte": "state",
                  "iv": "status"}
        await until(lambda: all(c.window.panels[n].is_ready() for n in names))
        for name in names:
            text = getattr(c.window.panels[name], status[name]).text()
            assert "No options data from the replay provider" in text, (name, text)
        for name in ("options_chain", "gex", "heatmap"):  # the reason in place of empty axes or columns
            empty = c.window.panels[name].empty
            assert empty.showing_reason and empty.view.isHidden() and "No options data" in empty.note.text()

    opts = settings(tmp_path, provider="replay", provider_args=(("replay_file", path),))
    assert run_app(opts, scenario) == 0


def test_in_the_options_layout_the_chain_fits_without_scrolling_sideways(qapp, tmp_path: Path) -> None:
    import asyncio

    from tests.widgets.table_checks import elided_cells, exponent_texts
    from widgets.options_chain_panel import COLUMNS

    async def scenario(c) -> None:
        panel = c.window.panels["options_chain"]
        await c.engine.service(Workspace).set_active_symbol("NDX")  # 5-digit strikes
        await until(lambda: panel.symbol == "NDX" and panel.model.rowCount() > 0, 30)
        for width, height in ((1280, 800), (1366, 768)):
            c.window.resize(width, height)
            c.layouts.arrange_options()
            await asyncio.sleep(0.3)
            table = panel.table
            shown = {COLUMNS[i][1] for i in range(len(COLUMNS)) if not table.isColumnHidden(i)}
            assert panel.width() >= width * 0.4, panel.width()  # about the window's left half
            assert {"bid", "ask", "strike", "delta"} <= shown, shown
            assert table.horizontalScrollBar().maximum() == 0, (width, panel.columns.dropped)
            assert elided_cells(table) == [] and exponent_texts(panel.model) == []

    assert run_app(settings(tmp_path, layout="options"), scenario) == 0


def test_the_chains_column_choice_is_remembered(qapp, tmp_path: Path) -> None:
    async def choose(c) -> None:
        panel = c.window.panels["options_chain"]
        await until(lambda: panel.model.rowCount() > 0)
        panel.columns._actions["gamma"].trigger()  # on (off by default)
        panel.columns._actions["vega"].trigger()  # off
        await until(lambda: c.engine.service(Workspace).preferences["chain_columns"] == panel.columns.choice_text())

    async def restarted(c) -> None:
        panel = c.window.panels["options_chain"]
        await until(lambda: panel.model.rowCount() > 0)
        assert "gamma" in panel.columns.wanted and "vega" not in panel.columns.wanted
        assert panel.columns._actions["gamma"].isChecked() and not panel.columns._actions["vega"].isChecked()

    assert run_app(settings(tmp_path), choose) == 0
    assert run_app(settings(tmp_path), restarted) == 0
