"""Chart navigation: reloads keep the moment in view, keyboard pan/zoom/jump."""

from __future__ import annotations

import math

import pytest
from PySide6.QtGui import QShortcut

from data.models import Bars, Timeframe
from tests.widgets.chart_helpers import chart_showing, walk_bars


def test_a_reload_keeps_the_view_on_the_same_time_not_the_same_index(qtbot) -> None:
    bars = walk_bars(600)
    panel = chart_showing(qtbot, bars)
    vb = panel.price_plot.vb
    vb.setXRange(300, 450, padding=0)  # panned back into history
    right_ts = int(bars.ts[450])
    sparse = Bars("X", Timeframe.M1, bars.ts[::2], bars.open[::2], bars.high[::2], bars.low[::2], bars.close[::2],
                  bars.volume[::2])  # the same span with other bars (as when extended hours are switched)
    panel.set_bars("X", sparse, None)
    (x0, x1), (y0, y1) = vb.viewRange()
    assert int(sparse.ts[round(x1)]) == right_ts and x1 - x0 == pytest.approx(150)
    shown = slice(max(0, math.floor(x0)), math.ceil(x1) + 1)
    assert y0 <= sparse.low[shown].min() and y1 >= sparse.high[shown].max()  # y fits the bars now shown
    panel.reset_view()  # following the last bar ...
    panel.set_bars("X", bars, None)  # ... keeps following it
    assert vb.viewRange()[0][1] >= len(bars) - 1


def test_keyboard_pans_zooms_and_jumps(qtbot) -> None:
    bars = walk_bars(2000)
    panel = chart_showing(qtbot, bars)
    vb = panel.price_plot.vb
    keys = {sc.key().toString(): sc for sc in panel.findChildren(QShortcut)}

    def press(name: str) -> tuple[float, float]:
        keys[name].activated.emit()
        return tuple(vb.viewRange()[0])

    x0, x1 = vb.viewRange()[0]
    width = x1 - x0
    assert press("Left") == pytest.approx((x0 - round(width * 0.1), x1 - round(width * 0.1)))
    assert press("Right") == pytest.approx((x0, x1))
    assert press("Right") == pytest.approx((x0, x1))  # already at the latest bars: no further
    zoomed = press("+")
    assert zoomed[1] == pytest.approx(x1) and zoomed[1] - zoomed[0] == pytest.approx(width / 1.25)
    out = press("-")
    assert out[1] - out[0] == pytest.approx(width)
    home = press("Home")
    assert home[0] == pytest.approx(-1) and home[1] - home[0] == pytest.approx(width)
    assert press("Left") == pytest.approx(home)  # the oldest bar is the other end
    assert press("End")[1] >= len(bars) - 1
    for _ in range(40):
        press("Down")
    shown = vb.viewRange()[0]
    assert shown[1] - shown[0] <= len(bars) + 3  # zooming out stops at the whole history
    for _ in range(40):
        press("Up")
    shown = vb.viewRange()[0]
    assert shown[1] - shown[0] == pytest.approx(10)  # and zooming in at ten bars


def test_a_reload_without_the_shown_moment_shows_the_oldest_bars(qtbot) -> None:
    bars = walk_bars(600)
    panel = chart_showing(qtbot, bars)
    vb = panel.price_plot.vb
    vb.setXRange(50, 200, padding=0)
    later = bars.slice(400, 600)  # history that starts after the moment on screen
    panel.set_bars("X", later, None)
    assert vb.viewRange()[0] == pytest.approx((-1, 149))
