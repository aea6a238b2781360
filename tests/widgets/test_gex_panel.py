"""GEX panel: the numbers of analytics.gex, the convention toggle, and flip/walls on the chart."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import numpy as np

from analytics.chain_greeks import chain_greeks
from analytics.gex import GexConvention, gex_profile
from app.core.option_pricing import load_option_pricing
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.rates import RISK_FREE_RATE, dividend_yield
from tests.gui_helpers import options, run_app, until
from widgets.gex_panel import GexPanel, money, price

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


def test_gex_in_the_app_matches_analytics_and_draws_on_the_chart(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        gex = c.window.panels["gex"]
        chart = c.window.panels["chart"]
        await until(lambda: gex.profile is not None and chart.bar_count > 0)
        snap = c.engine.options.latest
        again = gex_profile(snap.chain, snap.spot, r=snap.r, q=snap.q, T=snap.greeks.T)
        assert gex.profile.total == again.total and gex.profile.flip == again.flip
        gex.show_on_chart.setChecked(True)
        wanted = {f"gex:{k}" for k, v in (("flip", again.flip), ("call_wall", again.call_wall),
                                          ("put_wall", again.put_wall)) if v is not None}
        assert set(chart.level_keys("gex")) == wanted
        line = chart._levels["gex:call_wall"].line
        assert line.value() == again.call_wall
        gex.show_on_chart.setChecked(False)
        assert chart.level_keys("gex") == []

    assert run_app(options(tmp_path), scenario) == 0


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

    def shown_labels_apart() -> int:
        labels = [line.label for line in panel._lines.values() if line.isVisible() and line.label.isVisible()]
        rects = [label.mapRectToScene(label.boundingRect()) for label in labels]
        assert all(not a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1:])
        assert all(r.top() >= 0 and r.bottom() <= panel.plot.getViewBox().sceneBoundingRect().bottom() for r in rects)
        return len(labels)

    assert shown_labels_apart() >= 2  # what does not fit is hidden, not printed over the rest
    panel.resize(600, 900)  # room for all four
    qtbot.waitUntil(lambda: shown_labels_apart() == 4, timeout=2000)
