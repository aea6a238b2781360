"""GEX panel: the numbers of analytics.gex, the convention toggle, and flip/walls on the chart."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyqtgraph as pg

from analytics.chain_greeks import chain_greeks
from analytics.gex import GexByStrike, GexConvention, GexProfile, gex_profile
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield
from widgets.gex_panel import GexPanel, money, price
from widgets.line_labels import stagger_labels

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=ET)


def _demo_chain(calendar, symbol: str):
    """(chain, spot, year fractions) of the demo market's ``symbol`` at noon."""
    p = DemoProvider(calendar, clock=SimClock(NOON, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    chain, spot = p.chain_at(symbol, NOON), p.quote_at(symbol, NOON).last
    greeks = chain_greeks(chain, spot, RISK_FREE_RATE, dividend_yield(symbol), lambda d: calendar.session(d).close)
    return chain, spot, greeks.T


def test_panel_shows_the_profile_and_switches_convention(qtbot, calendar) -> None:
    chain, spot, T = _demo_chain(calendar, "SPX")
    profile = gex_profile(chain, spot, r=RISK_FREE_RATE, q=dividend_yield("SPX"), T=T)
    panel = GexPanel()
    qtbot.addWidget(panel)
    panel.set_profile("SPX", profile)
    assert panel.total.text() == money(profile.total) and panel.regime.text() == profile.regime.upper()
    assert panel.call_wall.text() == price(profile.call_wall) and panel.put_wall.text() == price(profile.put_wall)
    assert panel.flip.text() == (price(profile.flip) if profile.flip is not None else profile.flip_note)
    shown = panel.shown_strikes()
    x = np.concatenate([item.opts["x"] for item in panel._bars])
    height = np.concatenate([item.opts["height"] for item in panel._bars])
    order = np.argsort(x)
    np.testing.assert_array_equal(x[order], profile.by_strike.strike[shown])
    np.testing.assert_array_equal(height[order], profile.by_strike.net[shown])
    assert np.all(np.abs(x / spot - 1) <= 0.10) and np.all(panel._bars[0].opts["height"] >= 0)

    other = gex_profile(chain, spot, r=RISK_FREE_RATE, q=dividend_yield("SPX"), T=T,
                        convention=GexConvention.DEALER_SHORT_CALLS_LONG_PUTS)
    panel.convention.setCurrentIndex(1)
    assert panel.total.text() == money(other.total) and panel.regime.text() == other.regime.upper()
    assert panel.flip.text() == (price(other.flip) if other.flip is not None else other.flip_note)
    panel.view.setCurrentIndex(1)  # calls and puts
    assert len(panel._bars) == 2 and np.all(panel._bars[0].opts["height"] <= 0)  # calls − in this convention
    levels: list = []
    panel.levels_changed.connect(levels.append)
    panel.show_on_chart.setChecked(True)
    assert levels[-1] == {"flip": other.flip, "call_wall": other.call_wall, "put_wall": other.put_wall}
    panel.set_unavailable("XYZ", "No options data from the replay provider.")
    assert levels[-1] is None and panel.total.text() == "—"


def _shown_labels_apart(view, labels) -> int:
    """How many of the level labels show; fails if two overlap or one leaves the plot (either way)."""
    # (level lines' own labels too, as the chart's stagger_labels places them)
    labels = [item.label if isinstance(item, pg.InfiniteLine) else item for item in labels
              if not isinstance(item, pg.InfiniteLine) or item.isVisible()]
    rects = [label.mapRectToScene(label.boundingRect()) for label in labels if label.isVisible()]
    box = view.sceneBoundingRect()
    assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:]), rects
    assert all(box.contains(r) for r in rects), (box, rects)
    return len(rects)


def test_line_labels_of_nearby_levels_do_not_overlap(qtbot, calendar) -> None:
    chain, spot, T = _demo_chain(calendar, "SPY")
    profile = gex_profile(chain, spot, r=RISK_FREE_RATE, q=dividend_yield("SPY"), T=T)
    panel = GexPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 400)
    panel.show()
    # the spot a few cents from the call wall, the flip a dollar below the put wall: crowded lines
    profile = type(profile)(**{**profile.__dict__, "spot": profile.call_wall + 0.2, "flip": profile.put_wall - 1})
    panel.set_profile("SPY", profile)
    panel.grab()
    view, lines = panel.plot.getViewBox(), panel._labels.values()
    assert _shown_labels_apart(view, lines) >= 2  # what does not fit is hidden, not printed over the rest
    panel.resize(600, 900)  # room for all four
    qtbot.waitUntil(lambda: _shown_labels_apart(view, lines) == 4, timeout=2000)


def _synthetic_profile(spot: float, flip: float, call_wall: float, put_wall: float) -> GexProfile:
    """A GEX profile made up for the view (no chain): strikes a dollar apart around 600."""
    strike = np.arange(540.0, 661.0)
    call = 1e8 * np.exp(-(((strike - call_wall) / 8) ** 2))
    put = -1e8 * np.exp(-(((strike - put_wall) / 8) ** 2))
    grid = np.linspace(480.0, 720.0, 241)
    return GexProfile(spot, GexConvention.DEALER_LONG_CALLS_SHORT_PUTS, "$ per 1 % move", float((call + put).sum()),
                      "positive gamma", flip, "", call_wall, put_wall, None, None,
                      GexByStrike(strike, call, put, call + put), grid, np.zeros_like(grid), 1000)


def test_crowded_level_labels_never_overlap_whatever_the_levels(qtbot) -> None:
    """Four levels thrown together (on either side of the view's centre, where pyqtgraph puts
    the labels on opposite sides of their lines), in panels from too short for any label to
    tall: the labels shown never overlap nor leave the plot, and the tall one shows them all."""
    panel = GexPanel()
    qtbot.addWidget(panel)
    panel.show()
    view, lines = panel.plot.getViewBox(), panel._labels.values()
    rng = np.random.default_rng(11)
    for case in range(24):
        centre = 600.0 + rng.uniform(-12, 12)
        spread = (0.2, 1.0, 4.0, 12.0)[case % 4]  # dollars: same pixel to a couple of label widths
        spot, flip, call_wall, put_wall = (round(float(x), 2) for x in centre + rng.uniform(-spread, spread, 4))
        panel.set_profile("SPY", _synthetic_profile(spot, flip, call_wall, put_wall))
        for height, least in ((260, 0), (380, 1), (900, 4)):  # a plot shorter than one label shows none
            panel.resize(600, height)
            panel.grab()  # lay out and paint at this size, as on screen
            assert _shown_labels_apart(view, lines) >= least, (case, height)


def test_stagger_labels_keeps_many_close_horizontal_levels_apart(qtbot) -> None:
    """The chart's case: horizontal levels cents apart, labels ending at the right edge."""
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    plot.setRange(xRange=(0, 100), yRange=(590, 610), padding=0)
    lines = []
    for i, price_ in enumerate(np.r_[600 + 0.05 * np.arange(12), 599.0, 601.5]):
        line = pg.InfiniteLine(float(price_), angle=0, label=f"L{i} {price_:.2f}",
                               labelOpts={"position": 0.97, "anchors": [(1, 1), (1, 1)]})
        plot.addItem(line)
        lines.append(line)
    for size in ((500, 300), (220, 300), (900, 300)):
        plot.resize(*size)
        plot.grab()
        stagger_labels(plot.getViewBox(), lines, 0.97)
        plot.grab()
        assert _shown_labels_apart(plot.getViewBox(), lines) >= 2


def test_a_label_that_would_stick_out_of_the_view_is_hidden(qtbot) -> None:
    """A level at the very top of the chart: its label (drawn above the line) would print half
    outside the plot, so it is hidden; one well inside keeps its label."""
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(500, 300)
    plot.show()
    plot.setRange(xRange=(0, 100), yRange=(590, 610), padding=0)
    opts = {"position": 0.97, "anchors": [(1, 1), (1, 1)]}
    edge, inside = (pg.InfiniteLine(price, angle=0, label=f"L {price}", labelOpts=opts) for price in (609.9, 600.0))
    for line in (edge, inside):
        plot.addItem(line)
    plot.grab()
    stagger_labels(plot.getViewBox(), [edge, inside], 0.97)
    assert not edge.label.isVisible() and inside.label.isVisible()
    rect = inside.label.mapRectToScene(inside.label.boundingRect())
    assert plot.getViewBox().sceneBoundingRect().contains(rect)


def test_exclude_0dte_asks_for_a_profile_without_today_and_shows_it(qtbot, calendar) -> None:
    from analytics.gex import gex_without_expiry, same_day_expiry

    chain, spot, T = _demo_chain(calendar, "SPX")
    r, q = RISK_FREE_RATE, dividend_yield("SPX")
    full = gex_profile(chain, spot, r=r, q=q, T=T)
    panel = GexPanel()
    qtbot.addWidget(panel)
    asked: list[bool] = []
    panel.exclude_0dte_changed.connect(asked.append)
    panel.set_exclude_0dte(True)  # the saved choice, shown: no recompute asked for
    assert panel.exclude_0dte.isChecked() and asked == []
    panel.exclude_0dte.setChecked(False)
    panel.exclude_0dte.setChecked(True)
    assert asked == [False, True]
    without = gex_without_expiry(chain, spot, same_day_expiry(chain), r=r, q=q, T=T)
    panel.set_profile("SPX", without, "without 0DTE")
    assert panel.total.text() == money(without.total) != money(full.total)
    assert panel.call_wall.text() == price(without.call_wall)
    assert "without 0DTE" in panel.status.text()


def test_level_labels_fit_a_laptop_sized_plot_in_both_themes(qtbot) -> None:
    # At 1366 px the Spot label covered "Put wall", "Call wall 660" lost its first letter,
    # equal walls printed over each other, the axis title was clipped and the yellow Spot label
    # was hard to read on the light theme.
    from PySide6.QtGui import QColor, QPalette

    from widgets.gex_panel import COLORS, LIGHT_COLORS

    panel = GexPanel()
    qtbot.addWidget(panel)
    panel.resize(440, 330)  # the GEX dock of the options layout at 1366x768
    panel.show()
    view, labels = panel.plot.getViewBox(), panel._labels.values()
    for spot, flip, call_wall, put_wall in ((641.0, 646.0, 660.0, 640.0), (600.4, 612.0, 600.0, 600.0),
                                            (659.5, 600.0, 660.0, 610.5), (598.2, 599.0, 600.0, 640.0)):
        panel.set_profile("SPY", _synthetic_profile(spot, flip, call_wall, put_wall))
        panel.grab()
        assert _shown_labels_apart(view, labels) == 4, (spot, flip, call_wall, put_wall)
    title = panel.plot.getAxis("left").label
    assert title.mapRectToScene(title.boundingRect()).height() <= view.sceneBoundingRect().height()
    assert panel._labels["spot"].color == pg.mkColor(COLORS["spot"])
    light = QPalette(panel.palette())
    light.setColor(QPalette.ColorRole.Window, QColor("#f3f4f6"))
    panel.setPalette(light)  # what the app's light theme does
    assert panel.theme == "light" and panel._labels["spot"].color == pg.mkColor(LIGHT_COLORS["spot"])


def test_right_click_on_a_bar_or_a_level_offers_the_shared_actions_there(qtbot, calendar) -> None:
    chain, spot, T = _demo_chain(calendar, "SPX")
    profile = gex_profile(chain, spot, r=RISK_FREE_RATE, q=dividend_yield("SPX"), T=T)
    panel = GexPanel()
    qtbot.addWidget(panel)
    assert panel.subject_at(spot, 0.1) is None  # nothing shown yet
    panel.set_profile("SPX", profile)
    strikes = profile.by_strike.strike[panel.shown_strikes()]
    gap = float(np.min(np.diff(strikes)))
    bar = next(float(k) for k in strikes if all(
        abs(float(k) - v) > gap for v in (profile.flip, profile.call_wall, profile.put_wall) if v is not None))
    assert panel.subject_at(bar + gap * 0.3, 0.01) == panel.subject_at(bar, 0.01)
    subject = panel.subject_at(bar, 0.01)
    assert (subject.symbol, subject.price, subject.label) == ("SPX", bar, "strike")
    assert panel.subject_at(bar + gap * 0.5, 0.01) is None  # between two bars
    assert panel.subject_at(float(strikes[-1]) + 10 * gap, 0.01) is None  # beyond the window
    wall = panel.subject_at(profile.call_wall + 0.02, 0.01)  # 2 px from the line: the level, not its bar
    assert (wall.price, wall.label) == (profile.call_wall, "call wall")
    panel.symbol_actions.offers = lambda name: name != "track"
    menu = panel.context_menu(wall)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts == ["Open SPX chart", f"Open chain near call wall {profile.call_wall:,.2f}",
                     f"Alert at call wall {profile.call_wall:,.2f}…", "Ask the coach about SPX", "Reset view"]
    asked: list = []
    panel.symbol_actions.requested.connect(lambda name, s: asked.append((name, s.price)))
    menu.actions()[1].trigger()
    assert asked == [("chain", profile.call_wall)]
    panel.plot.setXRange(float(strikes[0]), float(strikes[3]), padding=0)  # the trader zoomed in
    menu.actions()[-1].trigger()
    assert panel.plot.getViewBox().viewRange()[0][1] > float(strikes[-1])
    menu.deleteLater()
    panel.set_unavailable("XYZ", "No options data.")
    assert panel.subject_at(bar, 0.01) is None
