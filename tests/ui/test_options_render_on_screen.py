"""An options panel behind another tab keeps only the newest snapshot and renders it when it is
brought to the front (Qt keeps a background tab ``isVisible()``: only on-screen counts)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from app.core.events import OptionsUpdated
from app.core.option_chains import OptionChainService
from tests.gui_helpers import run_app, settings, until


def test_a_panel_behind_another_tab_renders_the_newest_snapshot_when_shown(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        gex = c.window.panels["gex"]  # default layout: tabbed behind the options chain
        await until(lambda: gex.is_ready())
        await c.engine.supervisor.stop_service("option-chains")  # only the test publishes from here on
        rendered: list[str] = []
        original = gex.set_profile
        gex.set_profile = lambda symbol, *a, **kw: (rendered.append(symbol), original(symbol, *a, **kw))
        latest = c.engine.service(OptionChainService).latest
        for _ in range(3):
            c.engine.bus.publish(OptionsUpdated(latest))
        await asyncio.sleep(0.3)
        assert rendered == []  # off screen: nothing drawn yet
        c.window.focus_panel("gex")
        await until(lambda: rendered == [latest.symbol])  # the newest, once

    assert run_app(settings(tmp_path), scenario) == 0
