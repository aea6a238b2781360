"""The GEX panel in the running app: the numbers of analytics.gex, flip and walls on the chart."""

from __future__ import annotations

from pathlib import Path

from analytics.gex import gex_profile
from app.core.option_chains import OptionChainService
from tests.gui_helpers import run_app, settings, until
from widgets.gex_panel import money


def test_gex_in_the_app_matches_analytics_and_draws_on_the_chart(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        gex = c.window.panels["gex"]
        chart = c.window.panels["chart"]
        await until(lambda: gex.profile is not None and chart.bar_count > 0)
        snap = c.engine.service(OptionChainService).latest
        again = gex_profile(snap.chain, snap.spot, r=snap.r, q=snap.q, T=snap.greeks.T)
        assert gex.profile.total == again.total and gex.profile.flip == again.flip
        gex.show_on_chart.setChecked(True)
        wanted = {f"gex:{k}" for k, v in (("flip", again.flip), ("call_wall", again.call_wall),
                                          ("put_wall", again.put_wall)) if v is not None}
        assert set(chart.level_keys("gex")) == wanted
        line = chart.levels.lines["gex:call_wall"].line
        assert line.value() == again.call_wall
        gex.show_on_chart.setChecked(False)
        assert chart.level_keys("gex") == []
        # right-click on the call wall's line: the shared actions, wired to the app's panels
        menu = gex.context_menu(gex.subject_at(again.call_wall, 1.0))
        alert = next(a for a in menu.actions() if a.text().startswith("Alert at call wall"))
        alert.trigger()
        alerts = c.window.panels["alerts"]
        assert alerts.symbol.text() == snap.symbol and alerts.price.text() == f"{again.call_wall:.2f}"
        assert any(a.text().startswith("Track setup at call wall") for a in menu.actions())
        menu.deleteLater()

    assert run_app(settings(tmp_path), scenario) == 0


def test_exclude_0dte_recomputes_the_profile_and_is_remembered(qapp, tmp_path: Path) -> None:
    from analytics.gex import gex_without_expiry, same_day_expiry
    from app.core.workspace import Workspace

    def expected(snap):
        return gex_without_expiry(snap.chain, snap.spot, same_day_expiry(snap.chain), r=snap.r, q=snap.q,
                                  T=snap.greeks.T)

    def shows_without_0dte(c) -> bool:
        gex, snap = c.window.panels["gex"], c.engine.service(OptionChainService).latest
        return (gex.profile is not None and snap is not None and "without 0DTE" in gex.status.text()
                and gex.profile.total == expected(snap).total)  # (equal to the full one when no 0DTE is listed)

    async def first(c) -> None:
        gex = c.window.panels["gex"]
        await until(lambda: gex.profile is not None)
        assert not gex.exclude_0dte.isChecked()
        gex.exclude_0dte.setChecked(True)
        await until(lambda: shows_without_0dte(c))
        snap = c.engine.service(OptionChainService).latest
        want = expected(snap)
        assert (gex.profile.flip, gex.profile.call_wall, gex.profile.put_wall) == (want.flip, want.call_wall,
                                                                                  want.put_wall)
        assert gex.total.text() == money(want.total)
        await until(lambda: c.engine.service(Workspace).preferences["gex_exclude_0dte"] is True)

    async def second(c) -> None:
        gex = c.window.panels["gex"]
        await until(lambda: gex.profile is not None)
        assert gex.exclude_0dte.isChecked()  # remembered
        await until(lambda: shows_without_0dte(c))
        gex.exclude_0dte.setChecked(False)  # back to the snapshot's own profile, 0DTE included
        await until(lambda: "without 0DTE" not in gex.status.text()
                    and gex.profile.total == c.engine.service(OptionChainService).latest.gex.total)
        await until(lambda: c.engine.service(Workspace).preferences["gex_exclude_0dte"] is False)

    assert run_app(settings(tmp_path), first) == 0
    assert run_app(settings(tmp_path), second) == 0


def test_exclude_0dte_on_a_symbol_without_a_same_day_expiry_says_so(calendar) -> None:
    # AAPL has no Dec 01 expiry, yet the status said "without 0DTE (Dec 01)".
    from datetime import datetime
    from types import SimpleNamespace

    from analytics.chain_greeks import chain_greeks
    from app.core.option_pricing import load_option_pricing
    from app.ui.panels.gex import without_0dte
    from data.market_calendar import ET
    from data.providers.demo.provider import DemoProvider
    from data.providers.sim_clock import SimClock

    at = datetime(2026, 12, 1, 11, 0, tzinfo=ET)
    p = DemoProvider(calendar, clock=SimClock(at, 1.0, lambda: 0.0), option_pricing=load_option_pricing)
    for symbol, has_0dte in (("AAPL", False), ("SPY", True)):
        chain, spot = p.chain_at(symbol, at), p.quote_at(symbol, at).last
        greeks = chain_greeks(chain, spot, 0.04, 0.0, calendar.close_at)
        profile = gex_profile(chain, spot, r=0.04, T=greeks.T)
        snap = SimpleNamespace(symbol=symbol, chain=chain, spot=spot, r=0.04, q=0.0, greeks=greeks, gex=profile,
                               provider="demo", compute_ms=1.0)
        _symbol, shown, note = without_0dte(snap)
        if has_0dte:
            assert note.endswith("without 0DTE (Dec 01)") and shown is not profile
        else:
            assert note.endswith("no 0DTE expiry today") and shown is profile
