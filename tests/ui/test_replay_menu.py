"""The Replay menu on a real recording, in the running app (moved from tests/data: it needs Qt)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.conftest import shared_path
from tests.data.test_replay import needs_data


@needs_data
def test_replay_menu_pauses_steps_and_jumps(qapp, tmp_path: Path) -> None:
    from tests.gui_helpers import run_app, settings, until

    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "SPY_5min_20250512_20250912.csv")

    async def scenario(c) -> None:
        menu = c.window.replay_menu
        assert menu.menuAction().isVisible()
        actions = {a.text(): a for a in menu.actions()}
        actions["Pause / resume"].trigger()
        frozen = c.engine.context.provider.clock.now()
        assert c.engine.context.provider.clock.paused
        actions["Step one bar"].trigger()
        assert c.engine.context.provider.clock.now() - frozen <= timedelta(minutes=5)
        actions["Jump 1 hour ahead"].trigger()
        await until(lambda: "paused" in c.window.status.clock_label.text())

    opts = settings(tmp_path, provider="replay", provider_args=(("replay_file", path),))
    assert run_app(opts, scenario) == 0
