"""The Macro panel in the running app (demo market): the week's events with impact, and the active
symbol's impact table, following a symbol change."""

from __future__ import annotations

from pathlib import Path

from app.core.workspace import Workspace
from tests.gui_helpers import run_app, settings, until


def test_macro_panel_in_the_app(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["macro"]
        c.window.focus_panel("macro")
        await until(lambda: panel.events.rowCount() > 0 and "SPY" in panel.impact_heading.text(), timeout=30)
        impacts = {panel.events.item(r, 3).text() for r in range(panel.events.rowCount())}
        assert impacts <= {"High", "Medium", "Low"} and "Medium" in impacts  # weekly jobless claims at least
        assert "demo market" in panel.notes.text()
        last = panel.impact.rowCount() - 1
        assert last > 1 and panel.impact.item(last, 0).text() == "Ordinary days"
        await c.engine.service(Workspace).set_active_symbol("QQQ")
        await until(lambda: "QQQ" in panel.impact_heading.text() and panel.impact.rowCount() > 2, timeout=30)

    assert run_app(settings(tmp_path), scenario) == 0
