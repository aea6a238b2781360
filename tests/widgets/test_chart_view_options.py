"""A chart's own overlays and panes (the toolbar's Overlays menu, RSI, MACD) and the Preferences'
"Charts" rows that set a new chart's default."""

from __future__ import annotations

from datetime import UTC, datetime

from analytics.chart_overlays import compute_overlays
from data.bar_cleaning import clean_bars
from data.market_calendar import default_calendar
from data.models import Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.store.preference_specs import CHART_OVERLAYS, SPECS, validate
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.view_options import CHART_OVERLAYS as OVERLAY_LABELS
from widgets.chart_settings import ChartSettingsRows

NOW = datetime(2026, 11, 25, 17, 0, 30, tzinfo=UTC)


def _panel(qtbot) -> tuple[ChartPanel, int]:
    provider = DemoProvider(default_calendar(), clock=SimClock(NOW, 1.0, lambda: 0.0))
    bars, _ = clean_bars(provider.bars_at("SPY", Timeframe.M5, None, None, False, NOW))
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_bars("SPY", bars, compute_overlays(bars, 15))
    return panel, len(bars) - 5


def test_the_widget_and_the_preference_name_the_same_overlays() -> None:
    assert tuple(OVERLAY_LABELS) == CHART_OVERLAYS
    assert SPECS["chart_default_overlays"].default == list(CHART_OVERLAYS)  # a new chart shows them all


def test_hiding_an_overlay_hides_its_lines_and_its_readout_value(qtbot) -> None:
    panel, i = _panel(qtbot)
    options, panes = panel.view_options, panel.panes
    assert options.shown() == CHART_OVERLAYS and [a.text() for a in options.menu.actions()] == [
        "EMA 8", "EMA 21", "VWAP", "Opening range"]
    changes: list[tuple[str, ...]] = []
    options.changed.connect(changes.append)
    options.actions["vwap"].trigger()  # the trader unticks VWAP in the Overlays menu
    options.actions["or"].trigger()
    assert changes[-1] == ("ema8", "ema21", "rsi", "macd")
    assert not panes.vwap_line.isVisible() and not panes.or_high_line.isVisible() and not panes.or_low_line.isVisible()
    text = panel.readout_at(i)
    assert "VWAP" not in text and "OR " not in text and "EMA 8 " in text and "RSI " in text
    panel.macd_action.trigger()  # the MACD pane's own toolbar button is one of the options too
    assert changes[-1] == ("ema8", "ema21", "rsi") and "MACD" not in panel.readout_at(i)
    options.show_only(["vwap", "macd", "from_a_later_version"])  # a saved layout's set (unknown names ignored)
    assert options.shown() == ("vwap", "macd") and panes.vwap_line.isVisible() and not panes.ema8_line.isVisible()
    assert panel.rsi_action.isChecked() is False and panel.macd_action.isChecked()
    assert len(changes) == 3  # applying a saved set is no change of the trader's


def test_the_charts_rows_show_the_saved_values_and_send_changes(qtbot) -> None:
    from PySide6.QtWidgets import QFormLayout, QWidget

    page = QWidget()
    qtbot.addWidget(page)
    rows = ChartSettingsRows(page)
    rows.add_to(QFormLayout(page))
    sent: list[tuple[str, object]] = []
    rows.preference_changed.connect(lambda key, value: sent.append((key, value)))
    rows.set_values({"chart_default_overlays": ["ema21", "rsi"], "symbol_link_target": "main"})
    assert rows.chosen() == ["ema21", "rsi"] and rows.link_target.currentData() == "main" and sent == []
    rows.overlays["vwap"].setChecked(True)
    rows.link_target.setCurrentIndex(rows.link_target.findData("focused"))
    assert sent == [("chart_default_overlays", ["ema21", "vwap", "rsi"]), ("symbol_link_target", "focused")]
    for key, value in sent:
        assert validate(key, value) == value
    rows.set_values({})  # nothing saved yet: the defaults
    assert rows.chosen() == list(CHART_OVERLAYS) and rows.link_target.currentData() == "focused"
