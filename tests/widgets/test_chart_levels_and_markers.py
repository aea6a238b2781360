"""Chart levels, price tags, the right-click menu and markers."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from tests.widgets.chart_helpers import chart_showing, walk_bars
from widgets.chart.chart_panel import ChartPanel
from widgets.chart.level_tags import LevelLabel, avoid, merge_close, stack, tag_text
from widgets.chart.levels import round_to_tick
from widgets.chart.markers import Marker
from widgets.chart.palette import text_on


def test_context_menu_lists_the_price_actions(qtbot) -> None:
    panel = ChartPanel()
    qtbot.addWidget(panel)
    requested: list[tuple[str, float]] = []
    panel.alert_requested.connect(lambda cond, price: requested.append((cond, price)))
    menu = panel.context_menu(601.2349)
    texts = [a.text() for a in menu.actions() if a.text()]
    assert texts[:3] == ["Alert when price crosses 601.23", "Alert above 601.23", "Alert below 601.23"]
    assert not any("chain" in t or "coach" in t or "New alert" in t for t in texts)  # no panel takes it: not offered
    menu.actions()[1].trigger()
    assert requested == [("above", 601.23)]
    chains: list[float] = []
    details: list[float] = []
    panel.chain_requested.connect(chains.append)
    panel.alert_details_requested.connect(details.append)
    panel.can_request = lambda what: what == "chain"  # (the app: a chain panel handles ShowChainNear)
    menu = panel.context_menu(601.2349)
    chain_action = next(a for a in menu.actions() if a.text() == "Open options chain near 601.23")
    assert not any("coach" in a.text() or "New alert" in a.text() for a in menu.actions())
    chain_action.trigger()
    assert chains == [601.23]
    panel.can_request = lambda what: what in ("chain", "alert")  # (and an alerts panel handles PrefillAlert)
    menu = panel.context_menu(601.2349)
    next(a for a in menu.actions() if a.text() == "New alert at 601.23…").trigger()
    assert details == [601.23] and any(a.text().startswith("Open options chain") for a in menu.actions())
    assert round_to_tick(100.005) in (100.0, 100.01)


def test_level_labels_are_axis_tags_merged_when_close_and_stacked_when_near(qtbot) -> None:
    bars = walk_bars(300)
    panel = chart_showing(qtbot, bars)
    panel.grab()
    vb = panel.price_plot.vb
    mid = round_to_tick(float(bars.close[-100]))
    for i, label in enumerate(["PDC", "R1", "PMH"]):  # within cents: the same pixel, nearly
        panel.add_level(f"level:{label}", mid + 0.01 * i, label, "#8d99ae")
    height = panel.levels.tags.tag_height()
    per_px = (vb.viewRange()[1][1] - vb.viewRange()[1][0]) / vb.height()
    near = mid - 0.8 * height * per_px  # closer than a tag: stacked beside the merged one
    panel.add_level("alert:1", near, "Alert", "#ff9800", draggable=True)
    far = round_to_tick(float(bars.high[-100:].max()))  # in view, far from the others
    panel.add_level("level:PDH", far, "PDH", "#8d99ae")
    axis = panel.price_plot.getAxis("right")
    qtbot.waitUntil(lambda: axis.width() >= panel.levels.tags.width_for([f"PDH {far:,.2f}"]) - 1, timeout=2000)
    boxes = {b.text: b for b in panel.levels.tags.layout()}
    # merged would not fit the axis: each keeps its own price, stacked
    assert set(boxes) == {f"PDC {mid:,.2f}", f"R1 {mid + 0.01:,.2f}", f"PMH {mid + 0.02:,.2f}", f"Alert {near:,.2f}",
                          f"PDH {far:,.2f}"}
    tops = sorted((b.top, b.top + b.height) for b in boxes.values())
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(tops))  # none over another
    for box in boxes.values():  # each next to its price
        assert abs(box.top + box.height / 2 - box.anchor) <= 2 * height
    assert boxes[f"PDH {far:,.2f}"].top + height / 2 == pytest.approx(boxes[f"PDH {far:,.2f}"].anchor)  # alone: at it
    assert panel.levels.tags.parentItem() is axis  # on the axis: never over the candles
    line = panel.levels.lines["alert:1"].line  # a dragged alert's tag follows its line
    line.setValue(far - 1)
    assert any(t.startswith("Alert") and f"{far - 1:,.2f}" in t for t in (b.text for b in panel.levels.tags.layout()))
    panel.grab()  # and they paint
    panel.set_overlays(None)
    panel.levels.replace_kind("level", [("PDC", mid)], "#8d99ae")
    panel.set_theme("light")  # on white: key levels darker, their tags' text white on the fill
    level = panel.levels.lines["level:PDC"]
    assert level.color == level.line.pen.color().name() == "#455a64" and text_on(level.color) == "#ffffff"


def test_tag_layout_keeps_tags_apart_and_inside_the_axis() -> None:
    assert stack([50.0], 10, 200) == [45.0]
    tops = stack([50.0, 52.0, 54.0], 10, 200)
    assert [b - a for a, b in itertools.pairwise(tops)] == [11.0, 11.0] and tops[1] == pytest.approx(47.0)
    assert stack([1.0, 2.0], 10, 200)[0] == 0.0  # pushed inside at the top
    assert stack([199.0, 200.0], 10, 190)[-1] == 190.0  # and at the bottom
    a, b, c = LevelLabel("PDC", 1.0, "#000000"), LevelLabel("P", 1.01, "#000000"), LevelLabel("R1", 2.0, "#000000")
    assert [len(g) for _y, g in merge_close([(10.0, a), (13.0, b), (30.0, c)], 10)] == [2, 1]
    merged = merge_close([(10.0, a), (13.0, b)], 10, lambda text: len(text) <= 12)
    assert [tag_text([lv.label for lv in g], g[0].price) for _y, g in merged] == ["PDC · P 1.00"]
    apart = merge_close([(10.0, a), (13.0, b)], 10, lambda text: len(text) <= 8)  # too long merged: stacked
    assert [len(g) for _y, g in apart] == [1, 1]
    assert avoid([40.0, 52.0], 10, [(45.0, 57.0)]) == [34.0, 58.0]  # off the last-price tag, both ways
    assert text_on("#8d99ae") == "#000000" and text_on("#455a64") == "#ffffff"  # readable on its own fill


def test_last_price_tag_sits_on_the_price_axis_and_stays_visible(qtbot) -> None:
    bars = walk_bars(300)
    panel = chart_showing(qtbot, bars)
    panel.grab()
    axis, vb, tag = panel.price_plot.getAxis("right"), panel.price_plot.vb, panel.panes.price_tag
    rect, axis_rect = tag.scene_rect(), axis.sceneBoundingRect()
    line_y = vb.mapViewToScene(QPointF(0, float(bars.close[-1]))).y()
    assert axis_rect.left() - 1 <= rect.left() and rect.top() <= line_y <= rect.bottom()  # on the axis, at the price
    assert not rect.intersects(vb.sceneBoundingRect().adjusted(0, 0, -1, 0))  # never over the candles
    widths = {plot.getAxis("right").width() for plot in panel.panes.plots}
    assert len(widths) == 1 and next(iter(widths)) >= rect.width() - 1  # panes line up; the tag fits
    vb.setYRange(float(bars.close[-1]) + 5, float(bars.close[-1]) + 10, padding=0)  # price below the view
    qtbot.waitUntil(lambda: abs(tag.scene_rect().bottom() - vb.sceneBoundingRect().bottom()) < 2, timeout=2000)


def test_cursor_price_shows_on_the_axis_while_over_the_candles(qtbot) -> None:
    bars = walk_bars(300)
    panel = chart_showing(qtbot, bars)
    panel.grab()
    vb = panel.price_plot.vb
    price = float(bars.close[-20])
    panel.interaction.on_mouse_moved((vb.mapViewToScene(QPointF(280, price)),))
    tag = panel.panes.cursor_tag
    assert tag.visible and tag.price == round_to_tick(price) and tag.text == f"{round_to_tick(price):,.2f}"
    assert abs(tag.scene_rect().center().y() - vb.mapViewToScene(QPointF(0, price)).y()) <= 1
    assert panel.interaction.shown_readout.startswith(panel.panes.time_axis.label_for(280))
    panel.interaction.on_mouse_moved((panel.panes.rsi_plot.vb.sceneBoundingRect().center(),))  # left the price
    assert not tag.visible and not panel.panes.h_cross.isVisible() and panel.panes.v_cross.isVisible()


def test_markers_share_one_scatter_item_and_follow_their_bars_across_a_reload(qtbot) -> None:
    bars = walk_bars(600)
    panel = chart_showing(qtbot, bars)
    items_before = len(panel.price_plot.vb.addedItems)
    for i in range(300):  # setups arrive by the hundred
        panel.add_marker(300 + i, float(bars.high[300 + i]) + 0.1, f"setup {i}", "#5b9cf6")
    assert len(panel.price_plot.vb.addedItems) == items_before  # no item per marker
    assert len(panel.markers.scatter.getData()[0]) == 300
    panel.grab()
    assert 0 < panel.markers.labels.last_painted <= 40  # texts for the newest on screen only
    sparse = bars.take(np.arange(0, 600, 2))  # the same span with other bars: other indices
    panel.set_bars("X", sparse, None)
    first = panel.markers.markers[0]
    assert first.index == 150 and sparse.ts[first.index] == bars.ts[300]  # back on its bar's time
    panel.set_bars("Y", bars, None)  # another symbol: its markers are not this one's
    assert panel.markers.markers == [] and len(panel.markers.scatter.getData()[0]) == 0


def test_markers_arriving_together_are_drawn_with_one_update(qtbot, monkeypatch) -> None:
    bars = walk_bars(600)
    panel = chart_showing(qtbot, bars)
    panel.add_marker(10, float(bars.high[10]), "one", "#5b9cf6")
    calls: list[int] = []
    set_data = panel.markers.scatter.setData
    monkeypatch.setattr(panel.markers.scatter, "setData", lambda *a, **kw: (calls.append(1), set_data(*a, **kw)))
    batch = [Marker(int(bars.ts[i]), i, float(bars.high[i]) + 0.1, f"setup {i}", "#5b9cf6") for i in range(300, 600)]
    assert panel.add_markers(batch) == batch and len(calls) == 1  # one setData for the 300
    assert panel.add_markers([]) == [] and len(calls) == 1
    x, y = panel.markers.scatter.getData()
    assert list(x) == [10, *range(300, 600)] and y[-1] == float(bars.high[599]) + 0.1
    assert [m.text for m in panel.markers.markers][:2] == ["one", "setup 300"]
    panel.set_bars("X", bars.take(np.arange(0, 600, 2)), None)  # a reload relocates them as one-by-one adds
    assert panel.markers.markers[1].index == 150
