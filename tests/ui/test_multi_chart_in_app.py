"""Several charts linked by colour, as a trader lays them out: View → New chart opens another, its
link group is chosen from its toolbar, a symbol chosen while it has the focus changes its group
only, and the charts, their groups, timeframes and overlays come back after a restart; a new chart
starts with the Preferences' overlays, and the Preferences can send every watchlist choice to the
main group; the built-in multi-chart layout opens four charts in two more groups."""

from __future__ import annotations

from pathlib import Path

from app.core.market_data import MarketDataService
from app.core.workspace import Workspace
from app.ui.application import AppController
from tests.gui_helpers import run_app, settings, until


def test_a_new_chart_in_its_own_group_follows_only_that_group_and_survives_a_restart(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w, ws = c.window, c.engine.service(Workspace)
        charts = w.panels["preferences"].charts  # Preferences → "New charts show": no EMA 8, no MACD
        charts.overlays["ema8"].setChecked(False)
        charts.overlays["macd"].setChecked(False)
        await until(lambda: ws.preferences["chart_default_overlays"] == ["ema21", "vwap", "or", "rsi"])
        w.new_chart_action.trigger()
        second = w.extra_charts.controllers["chart_2"]
        main = w.extra_charts.main()
        host = main.host
        await until(lambda: second.panel.symbol == ws.active_symbol and second.panel.bar_count)
        assert second.panel.view_options.shown() == ("ema21", "vwap", "or", "rsi")
        assert not second.panel.panes.ema8_line.isVisible() and not second.panel.macd_action.isChecked()
        assert w.extra_charts.main().panel.view_options.shown() == ("ema8", "ema21", "vwap", "or", "rsi", "macd")
        second.panel.view_options.actions["vwap"].trigger()  # the trader hides VWAP on this chart only
        second.link_button.group_chosen.emit("green")
        await until(lambda: second.panel.symbol == "SPY")  # the green group's symbol until one is chosen
        host.focused_link = second.link  # the trader clicked the new chart
        await host.open_symbol("NVDA")  # …then a watchlist row
        await until(lambda: second.panel.symbol == "NVDA")
        assert ws.active_symbol == "SPY" and main.panel.symbol == "SPY"  # the main group did not move
        assert "NVDA" in c.engine.service(MarketDataService).symbols  # its bars stream live
        second.panel.timeframe_changed.emit("1m")
        second.panel.set_timeframe("1m")
        host.focused_link = main.link
        await host.open_symbol("QQQ")
        await until(lambda: main.panel.symbol == "QQQ" and second.panel.symbol == "NVDA")
        charts.link_target.setCurrentIndex(charts.link_target.findData("main"))  # every choice to the red group
        await until(lambda: ws.preferences["symbol_link_target"] == "main")
        host.focused_link = second.link
        await host.open_symbol("AAPL")
        await until(lambda: main.panel.symbol == "AAPL")
        assert second.panel.symbol == "NVDA" and ws.active_symbol == "AAPL"
        await c.layouts.save_session()

    assert run_app(settings(tmp_path), scenario) == 0

    async def restored(c: AppController) -> None:
        w = c.window
        await until(lambda: "chart_2" in w.extra_charts.controllers)
        second = w.extra_charts.controllers["chart_2"]
        assert second.link.group == "green" and second.link_button.group == "green"
        await until(lambda: second.panel.symbol == "NVDA" and second.panel.bar_count)
        assert second.panel.timeframe.value == "1m"
        assert second.panel.view_options.shown() == ("ema21", "or", "rsi")
        assert w.panels["preferences"].charts.link_target.currentData() == "main"
        assert not w.docks["chart_2"].isHidden()

    assert run_app(settings(tmp_path), restored) == 0


def test_the_multi_chart_layout_opens_four_charts_in_three_groups(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        w = c.window
        await until(lambda: {"chart_2", "chart_3", "chart_4"} <= set(w.extra_charts.controllers))
        charts = [w.extra_charts.main(), *(w.extra_charts.controllers[f"chart_{n}"] for n in (2, 3, 4))]
        await until(lambda: all(ch.panel.bar_count for ch in charts))
        assert [ch.link.group for ch in charts] == ["red", "red", "green", "blue"]
        assert [ch.panel.symbol for ch in charts] == ["SPY", "SPY", "SPY", "QQQ"]
        assert [ch.panel.timeframe.value for ch in charts] == ["1m", "5m", "5m", "5m"]
        assert all(not w.docks[n].isHidden() for n in ("chart", "chart_2", "chart_3", "chart_4"))

    assert run_app(settings(tmp_path, layout="multi-chart"), scenario) == 0
