"""The IV panel in the running app: a proxy rank at first, then stored history."""

from __future__ import annotations

from pathlib import Path

from data.store import iv_history
from tests.gui_helpers import run_app, settings, until


def test_panel_in_the_app_ranks_with_a_proxy_at_first(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["iv"]
        await until(lambda: panel.summary is not None and panel.rank.text() != "—", timeout=15)
        assert "Proxy" in panel.basis.text()
        await until(lambda: bool(c.engine.context.store.run_sync(lambda s: iv_history.history(s, "SPY"))))

    assert run_app(settings(tmp_path), scenario) == 0
