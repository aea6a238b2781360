"""The time axis: ticks on round ET times (hours and half hours on 5m, days on 1h, months on
1D), a new day named by its date, labels never overlapping; and one date style on the whole
chart ("Nov 30 15:55": readout, status line, header)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import numpy as np
from PySide6.QtGui import QFontMetricsF

from analytics.chart_overlays import compute_overlays
from data.market_calendar import default_calendar
from data.models import Bars, Timeframe
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.time_axis import EtTimeAxis

NOW = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)  # Mon after the close; Fri Nov 27 was a half day


def _bars(timeframe: Timeframe, days: int = 10, extended: bool = False) -> Bars:
    provider = DemoProvider(default_calendar(), clock=SimClock(NOW, 1.0, lambda: 0.0))
    return provider.bars_at("SPY", timeframe, NOW - timedelta(days=days), None, extended, NOW)


def _ticks(axis: EtTimeAxis, lo: float, hi: float, px: float) -> list[tuple[float, str]]:
    values = axis.tickValues(lo, hi, px)[0][1]
    return list(zip(values, axis.tickStrings(values, 1.0, 1.0), strict=True))


def _axis(bars: Bars) -> EtTimeAxis:
    axis = EtTimeAxis()
    axis.set_timestamps(bars.ts, daily=not bars.timeframe.is_intraday)
    return axis


def _no_overlap(ticks: list[tuple[float, str]], lo: float, hi: float, px: float) -> None:
    fm = QFontMetricsF(EtTimeAxis().font())
    at = [((v - lo) / (hi - lo) * px, fm.horizontalAdvance(t)) for v, t in ticks]
    for (x0, w0), (x1, w1) in itertools.pairwise(at):
        assert x0 + w0 / 2 < x1 - w1 / 2, ticks


def test_5m_ticks_fall_on_round_times_and_name_each_new_day(qtbot) -> None:
    bars = _bars(Timeframe.M5, days=4)
    axis, n = _axis(bars), len(bars)
    ticks = _ticks(axis, n - 160, n, 1000)
    times = [t for _v, t in ticks if ":" in t]
    assert times and all(t.endswith((":00", ":30")) for t in times), ticks
    assert any(t == "Nov 30" for _v, t in ticks)  # the day break is a tick, named by its date
    _no_overlap(ticks, n - 160, n, 1000)


def test_1h_ticks_are_days_and_daily_ticks_months(qtbot) -> None:
    hourly = _bars(Timeframe.H1, days=30)
    axis = _axis(hourly)
    ticks = _ticks(axis, 0, len(hourly), 600)
    assert ticks and all(":" not in t for _v, t in ticks), ticks  # days (or weeks), never 10:50
    _no_overlap(ticks, 0, len(hourly), 600)
    daily = _bars(Timeframe.D1, days=400)
    axis = _axis(daily)
    ticks = _ticks(axis, 0, len(daily), 800)
    assert ticks and all(t in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
                                "2026"} for _v, t in ticks), ticks
    _no_overlap(ticks, 0, len(daily), 800)


def test_a_narrow_axis_keeps_its_labels_apart(qtbot) -> None:
    bars = _bars(Timeframe.M5, days=10, extended=True)
    axis, n = _axis(bars), len(bars)
    for px in (200, 500, 1500):
        ticks = _ticks(axis, 0, n, px)
        assert 1 <= len(ticks) <= px // 60
        _no_overlap(ticks, 0, n, px)


def test_one_date_style_on_the_chart(qtbot) -> None:
    bars = _bars(Timeframe.M5, days=4)
    panel = ChartPanel()
    qtbot.addWidget(panel)
    panel.set_bars("SPY", bars, compute_overlays(bars, 15))
    assert panel.interaction.shown_readout.startswith("Nov 30 15:00 ET")  # was "11-30 15:00"
    assert "last Nov 30 15:00 ET" in panel.status.text()
    assert panel.header.state.day == "Nov 30"
    daily = _bars(Timeframe.D1, days=30)
    panel.set_bars("SPY", daily, compute_overlays(daily, 15))
    assert panel.interaction.shown_readout.startswith("Nov 30 2026 ET")


def test_an_appended_bar_does_not_copy_the_axis_minutes(qtbot) -> None:
    bars = _bars(Timeframe.M1, days=3)
    axis = _axis(bars)
    before = axis._local
    axis.set_timestamps(np.r_[bars.ts, bars.ts[-1] + 60], daily=False)
    assert np.shares_memory(before, axis._local) and len(axis._local) == len(bars) + 1
    assert axis._local[-1] - axis._local[-2] == 1  # the next minute
