"""Tracked setups' lines and detections' markers on the chart, and "Track setup here…" in its menu."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import numpy as np
from PySide6.QtCore import Qt

from data.bar_aggregation import bucket_start
from data.models import Bar, Bars, Timeframe
from data.store.records import DetectionRecord, TrackedSetup
from tests.widgets.chart_helpers import chart_showing, walk_bars
from widgets.chart import setup_lines
from widgets.chart.detections import DOWN, UP, bar_minute, detection_tip
from widgets.chart.palette import COLORS, theme_colors

T0 = datetime(2026, 1, 5, 14, 30, tzinfo=UTC)


def _setup(id_: int = 1, status: str = "active", symbol: str = "X", direction: str = "long",
           entry: float = 100.5, stop: float = 99.8, targets: tuple[float, ...] = (101.9,)) -> TrackedSetup:
    return TrackedSetup(id_, None, symbol, "manual", direction, entry, stop, targets, 100.2, status, "chart", "",
                        date(2026, 1, 5), T0, T0)


def _detection(id_: int, decided_at: int, direction: str = "long", symbol: str = "X") -> DetectionRecord:
    return DetectionRecord(id_, symbol, "opening_range_breakout", direction, datetime.fromtimestamp(decided_at, UTC),
                           100.4, 99.9, (101.4, 101.9), 0.72, (), "Broke the 15-minute range high on 2.1× volume.",
                           {}, None, None, T0)


def _setup_lines(panel) -> dict[str, tuple[float, str, str, Qt.PenStyle]]:
    return {k: (lv.line.value(), lv.label, lv.color, lv.line.pen.style())
            for k, lv in panel.levels.lines.items() if lv.kind == "setup"}


def test_live_setups_draw_entry_stop_and_targets_with_tags_and_finished_ones_disappear(qtbot) -> None:
    panel = chart_showing(qtbot, walk_bars(300))
    colors = panel.panes.colors
    dash, solid = Qt.PenStyle.DashLine, Qt.PenStyle.SolidLine
    two = _setup(2, "triggered", direction="short", entry=100.1, stop=100.6, targets=(99.5, 99.0))
    setup_lines.sync(panel.levels, [_setup(1), two, _setup(3, "stopped")], colors)
    assert _setup_lines(panel) == {
        "setup:1:entry": (100.5, "Entry", colors["setup_entry"], dash),  # waiting: dashed
        "setup:1:stop": (99.8, "Stop", colors["setup_stop"], dash),
        "setup:1:t1": (101.9, "T1", colors["setup_target"], dash),
        "setup:2:entry": (100.1, "Entry", colors["setup_entry"], solid),  # triggered: solid
        "setup:2:stop": (100.6, "Stop", colors["setup_stop"], dash),
        "setup:2:t1": (99.5, "T1", colors["setup_target"], dash),
        "setup:2:t2": (99.0, "T2", colors["setup_target"], dash)}  # the stopped setup draws nothing
    assert len({colors["setup_entry"], colors["setup_stop"], colors["setup_target"], COLORS["alert"]}) == 4
    panel.price_plot.vb.setYRange(98.5, 102.5, padding=0)  # all of them in view
    panel.grab()
    texts = {box.text for box in panel.levels.tags.layout()}
    assert {"Entry 100.50", "Stop 99.80", "T1 101.90", "T2 99.00"} <= texts
    kept = panel.levels.lines["setup:1:stop"].line
    setup_lines.sync(panel.levels, [_setup(1, "triggered"), replace(two, status="target_hit")], colors)
    assert set(_setup_lines(panel)) == {"setup:1:entry", "setup:1:stop", "setup:1:t1"}
    assert _setup_lines(panel)["setup:1:entry"][3] == solid
    assert panel.levels.lines["setup:1:stop"].line is kept  # unchanged: not redrawn
    panel.set_theme("light")  # the lines take the theme's colours, their styles kept
    light = theme_colors("light")
    assert _setup_lines(panel)["setup:1:entry"][2:] == (light["setup_entry"], solid)
    assert _setup_lines(panel)["setup:1:stop"][2:] == (light["setup_stop"], dash)
    setup_lines.sync(panel.levels, [_setup(1, "triggered")], panel.panes.colors)
    assert panel.levels.lines["setup:1:stop"].line is kept  # (and a sync after it keeps them)
    panel.add_level("alert:7", 100.0, "Alert ↕", COLORS["alert"], draggable=True)
    setup_lines.sync(panel.levels, [], colors)
    assert _setup_lines(panel) == {} and panel.level_keys("alert") == ["alert:7"]  # others' lines stay


def test_detection_markers_share_one_scatter_and_sit_on_their_bar_on_every_timeframe(qtbot) -> None:
    minutes = walk_bars(300)
    panel = chart_showing(qtbot, minutes)
    ts = minutes.ts
    at_long, at_short = int(ts[40]) + 60, int(ts[101]) + 60  # the closes of minutes 40 and 101
    panel.detections.set([_detection(1, at_long), _detection(2, at_short, "short"), _detection(1, at_long)])
    x, y = panel.detections.scatter.getData()
    assert list(x) == [40, 101] and y[0] == minutes.low[40] and y[1] == minutes.high[101]
    points = panel.detections.scatter.points()
    assert points[0].symbol() is UP and points[1].symbol() is DOWN
    tip = points[0].data()
    assert tip.startswith("Opening-range breakout · long · 72%") and "Entry 100.40 · stop 99.90" in tip
    assert "101.40 / 101.90" in tip and "2.1× volume" in tip and tip == detection_tip(_detection(1, at_long))

    panel.set_theme("light")
    light = theme_colors("light")
    assert [p.brush().color().name() for p in panel.detections.scatter.points()] == [
        light["setup_target"], light["setup_stop"]]

    five = _five_minute(minutes)  # the same minutes as 5m bars: each on the bar containing its minute
    panel.set_bars("X", five, None)
    x, _y = panel.detections.scatter.getData()
    expected = [int(np.searchsorted(five.ts, bar_minute(datetime.fromtimestamp(t, UTC)), side="right") - 1)
                for t in (at_long, at_short)]
    assert list(x) == expected == [8, 20]  # minute 40 is in 5m bar 8, minute 101 in bar 20 (not 21)
    panel.set_bars("Y", walk_bars(50, "Y"), None)
    assert panel.detections.records == [] and not panel.detections.scatter.isVisible()


def test_a_detection_before_its_bar_arrived_moves_onto_it(qtbot) -> None:
    minutes = walk_bars(60)
    panel = chart_showing(qtbot, minutes)
    nxt = int(minutes.ts[-1]) + 60
    panel.detections.add([_detection(5, nxt + 60)])  # decided on a minute the chart has not drawn yet
    assert list(panel.detections.scatter.getData()[0]) == [59]
    panel.apply_bar(Bar("X", Timeframe.M1, nxt, 100, 100.2, 99.7, 100.1, 500, True))
    panel.flush_live()
    x, y = panel.detections.scatter.getData()
    assert list(x) == [60] and list(y) == [99.7]


def test_hovering_a_detection_marker_shows_its_tooltip(qtbot) -> None:
    minutes = walk_bars(120)
    panel = chart_showing(qtbot, minutes)
    panel.detections.set([_detection(1, int(minutes.ts[100]) + 60)])
    panel.grab()
    scatter = panel.detections.scatter
    assert scatter.opts["hoverable"]
    point = scatter.points()[0]
    assert scatter.pointsAt(point.pos()).size == 1
    assert scatter.opts["tip"](x=0, y=0, data=point.data()).startswith("Opening-range breakout")


def test_track_setup_here_is_offered_when_the_owner_takes_it(qtbot) -> None:
    panel = chart_showing(qtbot, walk_bars(100))
    assert not any("Track setup" in a.text() for a in panel.context_menu(100.0).actions())
    panel.can_request = lambda what: what == "setup"
    asked: list[float] = []
    panel.setup_requested.connect(asked.append)
    next(a for a in panel.context_menu(100.2349).actions() if a.text() == "Track setup here…").trigger()
    assert asked == [100.23]


def _five_minute(minutes: Bars) -> Bars:
    starts = np.array([bucket_start(int(t), Timeframe.M5) for t in minutes.ts])
    first = np.flatnonzero(np.r_[True, starts[1:] != starts[:-1]])
    last = np.r_[first[1:] - 1, len(starts) - 1]
    high = np.maximum.reduceat(minutes.high, first)
    low = np.minimum.reduceat(minutes.low, first)
    return Bars("X", Timeframe.M5, starts[first], minutes.open[first], high, low, minutes.close[last],
                np.add.reduceat(minutes.volume, first))
