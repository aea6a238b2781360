"""The chart in the running app: alerts set, moved, removed and marked; extended hours (moved from tests/widgets)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtGui import QShortcut

from app.core.alerts import AlertsService
from app.core.market_data import MarketDataService
from app.core.workspace import Workspace
from app.ui.intents import AddChartMarker
from data.bar_aggregation import bucket_start, et_day_and_minute
from data.market_calendar import REGULAR_CLOSE_MINUTE, REGULAR_OPEN_MINUTE, market_date
from data.models import Bar, Quote, Timeframe
from data.store import alerts as alert_repo
from data.store import preferences
from tests.gui_helpers import run_app, settings, until
from tests.recordings import write_recording
from widgets.chart.levels import round_to_tick


def test_chart_in_the_app_sets_moves_removes_and_marks_alerts(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        chart = c.window.panels["chart"]
        await until(lambda: chart.bar_count > 0)
        shortcut = next(sc for sc in chart.findChildren(QShortcut) if sc.key().toString() == "1")
        shortcut.activated.emit()  # key 1 = timeframe 1m
        await until(lambda: chart.timeframe is Timeframe.M1 and chart.bar_count > 0 and "1m" in chart.status.text())
        last = chart.last_bar()[4]
        chart.context_menu(last + 50)  # far above: stays untriggered
        chart.alert_requested.emit("crosses", round_to_tick(last + 50))
        await until(lambda: any(a.price == round_to_tick(last + 50) for a in c.engine.service(AlertsService).alerts))
        alert = next(a for a in c.engine.service(AlertsService).alerts if a.price == round_to_tick(last + 50))
        assert alert.symbol == "SPY" and alert.source == "chart" and alert.condition == "crosses"
        key = f"alert:{alert.id}"
        await until(lambda: key in chart.level_keys("alert"))
        line = chart.levels.lines[key].line
        line.setValue(last + 60)
        line.sigPositionChangeFinished.emit(line)
        moved = round_to_tick(last + 60)
        await until(lambda: next(a for a in c.engine.service(AlertsService).alerts if a.id == alert.id).price == moved)
        stored = c.engine.context.store.run_sync(lambda s: alert_repo.list_alerts(s))
        assert [a.price for a in stored if a.id == alert.id] == [round_to_tick(last + 60)]
        chart.level_remove_requested.emit(key)
        await until(lambda: key not in chart.level_keys("alert") and not c.engine.service(AlertsService).alerts)
        # an alert the market will cross at once fires, marks the chart and reaches the log
        price = c.engine.service(MarketDataService).last_quotes["SPY"].last
        await c.engine.service(AlertsService).create("SPY", "above", price - 5, source="test")
        notes = c.window.panels["notifications"]
        await until(lambda: any(r.kind == "alert" for r in notes.model._rows), timeout=10)
        alerts_panel = c.window.panels["alerts"]
        alerts_panel.status_filter.setCurrentText("triggered")
        await until(lambda: alerts_panel.model.rowCount() == 1)
        fired = next(a for a in c.engine.service(AlertsService).alerts if a.status == "triggered")
        await until(lambda: any(m.text.startswith("Alert above") for m in chart.markers.markers))
        marker = next(m for m in chart.markers.markers if m.text.startswith("Alert above"))  # on its bar
        fired_at = int(fired.triggered_at.timestamp())
        assert marker.index == chart.marker_index(fired_at)
        if fired_at >= int(chart.live.ts[-1]) + chart.timeframe.minutes * 60 + 60:  # (pre-market, regular chart)
            assert marker.index == chart.bar_count  # the right edge, not the last regular bar

    assert run_app(settings(tmp_path), scenario) == 0


def _regular_only(ts: np.ndarray) -> bool:
    _day, minute = et_day_and_minute(ts)
    return bool(np.all((minute >= REGULAR_OPEN_MINUTE) & (minute < REGULAR_CLOSE_MINUTE)))


def test_extended_hours_toggle_loads_pre_and_after_market_and_filters_the_stream(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        chart, calendar = c.window.panels["chart"], c.engine.context.calendar
        await until(lambda: chart.bar_count > 0 and "SPY 5m" in chart.status.text())
        # No live feed from here on: a demo quote (in whichever session the wall clock put the
        # demo) must not replace the quotes sent here before the chart has laid them out.
        await c.engine.supervisor.stop_service("market-data")
        assert not chart.extended_hours and _regular_only(chart.arrays()[0])

        def next_premarket_minute() -> Bar:  # after every loaded bar, outside the regular session
            day = market_date(datetime.fromtimestamp(int(chart.arrays()[0][-1]), UTC))
            ts = int(calendar.next_session(day).premarket_open.timestamp()) + 1800
            return Bar("SPY", Timeframe.M1, ts, 600.0, 601.0, 599.0, 600.5, 1000.0, False)

        early = next_premarket_minute()
        c.bridge.bar_updated.emit(early)
        chart.flush_live()
        assert chart.arrays()[0][-1] < early.ts  # regular hours only: the pre-market minute is not drawn
        last_close = chart.last_bar()[4]
        c.bridge.quotes_updated.emit([Quote("SPY", early.ts, last_close + 1.25, 0, 0, last_close, 1e6)])
        tag = chart.panes.session_tag  # ... but its price shows on the axis, apart from the close
        assert tag.visible and tag.text == f"pre {last_close + 1.25:,.2f}" and tag.color == "#3f6fd8"
        axis = chart.price_plot.getAxis("right")
        await until(lambda: axis.width() >= tag.scene_rect().width() - 1)  # the axis widens to fit it
        c.bridge.quotes_updated.emit([Quote("SPY", early.ts, last_close + 0.02, 0, 0, last_close, 1e6)])
        assert tag.visible and not tag.scene_rect().intersects(chart.panes.price_tag.scene_rect())  # cents apart
        c.bridge.quotes_updated.emit([Quote("SPY", early.ts, float("nan"), 0, 0, last_close, 1e6)])
        assert not tag.visible  # a quote without a price hides the tag, never shows "pre nan"

        chart.eth_action.trigger()  # ETH on: reload with pre-market and after-hours bars, choice saved
        await until(lambda: not _regular_only(chart.arrays()[0]))
        await until(lambda: c.engine.service(Workspace).preferences["chart_extended_hours"] is True)
        stored = c.engine.context.store.run_sync(lambda s: preferences.load_all(s))
        assert stored["chart_extended_hours"] is True
        early = next_premarket_minute()
        c.bridge.bar_updated.emit(early)
        chart.flush_live()
        assert chart.arrays()[0][-1] == bucket_start(early.ts, Timeframe.M5)
        c.bridge.quotes_updated.emit([Quote("SPY", early.ts, early.close, 0, 0, early.open, 1e6)])
        assert not chart.panes.session_tag.visible  # the bars show extended hours themselves
        shaded = np.zeros(chart.bar_count, dtype=bool)  # extended-hours bars sit on a faint background
        for start, end in chart.panes.extended_shade.shaded_runs:
            shaded[start:end] = True
        ts = chart.arrays()[0]
        assert shaded.any() and shaded[-1]
        np.testing.assert_array_equal(shaded, ~((et_day_and_minute(ts)[1] >= REGULAR_OPEN_MINUTE)
                                                & (et_day_and_minute(ts)[1] < REGULAR_CLOSE_MINUTE)))

        assert chart.price_plot.vb.viewRange()[0][1] >= chart.bar_count - 1  # still on the latest bars
        chart.eth_action.trigger()  # off again
        await until(lambda: _regular_only(chart.arrays()[0]))
        assert chart.price_plot.vb.viewRange()[0][1] >= chart.bar_count - 1
        assert chart.panes.extended_shade.shaded_runs == []

    assert run_app(settings(tmp_path), scenario) == 0


def test_chart_markers_requested_as_intents_show_on_their_symbols_chart(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        chart = c.window.panels["chart"]
        await until(lambda: chart.symbol == "SPY" and chart.bar_count > 0)
        assert c.intents.handles(AddChartMarker)
        ts, _o, high, *_ = chart.arrays()
        at, price = int(ts[-3]) + 30, float(high[-3]) + 0.5
        assert c.intents.request(AddChartMarker("SPY", at, price, "setup A", "#5b9cf6"))
        assert [(m.index, m.price, m.text, m.color) for m in chart.markers.markers] == [
            (chart.bar_count - 3, price, "setup A", "#5b9cf6")]  # the shown symbol: at once, on its bar
        c.intents.request(AddChartMarker("QQQ", at, 500.0, "setup Q", "#5b9cf6"))
        assert [m.text for m in chart.markers.markers] == ["setup A"]  # another symbol's: kept for its chart
        await c.engine.service(Workspace).set_active_symbol("QQQ")
        await until(lambda: chart.symbol == "QQQ" and chart.bar_count > 0)
        assert [(m.text, m.index) for m in chart.markers.markers] == [("setup Q", chart.index_of_time(at))]
        await c.engine.service(Workspace).set_active_symbol("SPY")
        await until(lambda: chart.symbol == "SPY" and chart.bar_count > 0)
        assert [(m.text, m.index) for m in chart.markers.markers] == [("setup A", chart.index_of_time(at))]

    assert run_app(settings(tmp_path), scenario) == 0


def test_a_symbol_change_keeps_nothing_of_the_previous_symbol_in_the_app(qapp, tmp_path: Path) -> None:
    """The trader's first hour: an NVDA alert fired, then SPX — the SPX chart showed NVDA's marker
    (its y axis 0–6000), NVDA's readout and price tag."""

    async def scenario(c) -> None:
        chart, alerts = c.window.panels["chart"], c.engine.service(AlertsService)
        await c.engine.service(Workspace).set_active_symbol("NVDA")
        await until(lambda: chart.symbol == "NVDA" and chart.bar_count > 0)
        await until(lambda: "NVDA" in c.engine.service(MarketDataService).last_quotes)
        price = c.engine.service(MarketDataService).last_quotes["NVDA"].last
        await alerts.create("NVDA", "above", price - 5, source="test")  # fires at once
        await until(lambda: any(m.text.startswith("Alert above") for m in chart.markers.markers), timeout=10)
        await alerts.create("NVDA", "below", price - 20, source="test")  # stays: its line is drawn
        await until(lambda: len(chart.level_keys("alert")) == 1)
        await c.engine.service(Workspace).set_active_symbol("SPX")
        await until(lambda: chart.symbol == "SPX" and chart.bar_count > 0)
        assert chart.markers.markers == [] and chart.level_keys("alert") == []
        _ts, _o, high, low, close, _v = chart.arrays()
        y0, y1 = chart.price_plot.vb.viewRange()[1]
        assert y0 > low.min() * 0.9 and y1 < high.max() * 1.1  # SPX's range only
        assert chart.panes.price_tag.price == close[-1] and f"{price:,.2f}" not in chart.interaction.shown_readout
        assert not chart.has_volume and not chart.panes.volume.isVisible()  # an index: no volume
        header = chart.header.state
        assert header.symbol == "SPX" and header.source == "demo" and header.simulated
        assert "SIMULATED" in chart.header.plain
        c.bridge.quotes_updated.emit([Quote("SPX", int(_ts[-1]), 6001.5, 0, 0, 6000.0, 0)])
        assert chart.header.state.last == 6001.5 and "+1.50 (+0.03%)" in chart.header.plain
        await c.engine.service(Workspace).set_active_symbol("NVDA")  # NVDA's marker comes back on its bar
        await until(lambda: chart.symbol == "NVDA" and chart.bar_count > 0)
        await until(lambda: any(m.text.startswith("Alert above") for m in chart.markers.markers))
        assert len(chart.level_keys("alert")) == 1

    assert run_app(settings(tmp_path), scenario) == 0


def test_the_price_pane_dominates_and_pane_sizes_are_remembered(qapp, tmp_path: Path) -> None:
    shares: list[str] = []

    async def first(c) -> None:
        chart = c.window.panels["chart"]
        await until(lambda: chart.bar_count > 0)
        c.window.resize(1280, 800)
        await until(lambda: chart.price_plot.height() >= 0.55 * chart.layout_widget.height())
        c.layouts.arrange_options()  # the options workspace: the chart gets a third of the window
        await until(lambda: chart.layout_widget.height() < 400)
        await until(lambda: chart.price_plot.height() >= 0.55 * chart.layout_widget.height())
        chart.panes.layout._dragged("macd", 30, True)  # the MACD pane's handle, 30 px up, released
        prefs = c.engine.service(Workspace).preferences
        await until(lambda: prefs["chart_pane_sizes"] != "")
        shares.append(prefs["chart_pane_sizes"])

    async def second(c) -> None:
        chart = c.window.panels["chart"]
        await until(lambda: chart.bar_count > 0)
        assert c.engine.service(Workspace).preferences["chart_pane_sizes"] == shares[-1]
        assert chart.panes.layout.shares["macd"] == pytest.approx(float(shares[-1].split("macd:")[1]), abs=1e-3)

    assert run_app(settings(tmp_path), first) == 0
    assert run_app(settings(tmp_path), second) == 0


def test_the_chart_header_follows_a_provider_switch(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        chart = c.window.panels["chart"]
        await until(lambda: chart.bar_count > 0 and chart.header.state.source == "demo")
        assert chart.header.state.simulated
        await c.engine.switch_provider("replay", provider_args=(("replay_file", write_recording(tmp_path, "AAPL")),))
        await until(lambda: chart.symbol == "AAPL" and chart.bar_count > 0)
        await until(lambda: chart.header.state.source == "replay")
        assert chart.header.state.simulated and "replay  SIMULATED" in chart.header.plain

    assert run_app(settings(tmp_path), scenario) == 0


def test_the_chart_loads_once_at_start(qapp, tmp_path: Path, monkeypatch) -> None:
    """The workspace's symbol is set while the engine starts; the chart loads when it is up, once
    (it used to load on the symbol too, and then again: ~0.15 s of start-up's CPU)."""
    from app.core.chart_data import ChartDataService

    loads: list[tuple[str, Timeframe]] = []
    real = ChartDataService.load

    async def counted(self, symbol, timeframe, *args, **kwargs):
        loads.append((symbol, timeframe))
        return await real(self, symbol, timeframe, *args, **kwargs)

    monkeypatch.setattr(ChartDataService, "load", counted)

    async def scenario(c) -> None:
        chart = c.window.panels["chart"]
        await until(lambda: chart.bar_count > 0)
        assert loads == [(chart.symbol, chart.timeframe)]

    assert run_app(settings(tmp_path), scenario) == 0
