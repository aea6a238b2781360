"""The settled bars' cached picture: a live tick blits it and draws only the forming bar, and
what is on screen is pixel for pixel what drawing everything again gives."""

from __future__ import annotations

from data.models import Bar, Timeframe
from tests.widgets.chart_helpers import chart_showing, walk_bars


def _image(panel):
    return panel.layout_widget.grab().toImage()


def _direct(panel):
    for item in (panel.panes.candles, panel.panes.volume):
        item.settled_cache.clear()
    return _image(panel)


def _tick(panel, bars, minute: int, price: float) -> None:
    ts = int(bars.ts[-1]) + 60 * minute
    panel.apply_bar(Bar(bars.symbol, Timeframe.M1, ts, price, price * 1.002, price * 0.998, price, 5_000.0, False))
    panel.flush_live()


def test_a_live_tick_blits_the_settled_bars_and_looks_the_same_as_a_full_redraw(qtbot) -> None:
    bars = walk_bars(3_000)
    panel = chart_showing(qtbot, bars)
    candles = panel.panes.candles
    for _ in range(3):  # a new key draws directly, the second paint keeps the picture, the third blits it
        _image(panel)
    assert candles.settled_cache.blits >= 1
    blits = candles.settled_cache.blits
    _tick(panel, bars, 0, float(bars.close[-1]) * 1.0005)
    cached = _image(panel)
    assert candles.settled_cache.blits == blits + 1  # the settled bars were not drawn again
    assert cached == _direct(panel)


def test_a_new_bar_redraws_the_settled_picture(qtbot) -> None:
    bars = walk_bars(3_000)
    panel = chart_showing(qtbot, bars)
    for _ in range(3):
        _image(panel)
    _tick(panel, bars, 1, float(bars.close[-1]) * 0.9995)  # the next minute: the old forming bar settles
    _tick(panel, bars, 1, float(bars.close[-1]) * 0.9990)
    for _ in range(3):
        shown = _image(panel)
    assert panel.panes.candles.settled_cache.blits >= 2
    assert shown == _direct(panel)


def test_panning_draws_directly_and_keeps_no_picture(qtbot) -> None:
    bars = walk_bars(3_000)
    panel = chart_showing(qtbot, bars)
    candles = panel.panes.candles
    _image(panel)
    start = candles.settled_cache.blits
    for step in range(5):  # every frame a new view: drawn directly each time
        panel.price_plot.vb.setXRange(2_000 - 10 * step, 2_150 - 10 * step, padding=0)
        _image(panel)
    assert candles.settled_cache.blits == start
    assert candles.settled_cache._image is None
