"""The GEX panel in the running app: the numbers of analytics.gex, flip and walls on the chart."""

from __future__ import annotations

from pathlib import Path

from analytics.gex import gex_profile
from app.core.option_chains import OptionChainService
from tests.gui_helpers import run_app, settings, until


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

    assert run_app(settings(tmp_path), scenario) == 0
