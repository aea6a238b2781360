"""Preferences → Options in the running app: the GEX sign convention chosen there is the GEX panel's
(and the panel's own choice shows there), saved across a restart; the options panels' boxes show and
close their docks, and a dock closed from the View menu unticks its box."""

from __future__ import annotations

from pathlib import Path

from app.core.workspace import Workspace
from app.ui.application import AppController
from tests.gui_helpers import run_app, settings, until


def test_gex_convention_and_options_panels_from_preferences(qapp, tmp_path: Path) -> None:
    async def scenario(c: AppController) -> None:
        ws, w = c.engine.service(Workspace), c.window
        rows, gex = w.panels["preferences"].options, w.panels["gex"]
        await until(lambda: gex.profile is not None, 30)
        assert rows.convention.currentData() == "long_calls" and gex.convention.currentIndex() == 0
        total = gex.profile.total
        rows.convention.setCurrentIndex(rows.convention.findData("short_calls"))
        await until(lambda: ws.preferences["gex_convention"] == "short_calls")
        await until(lambda: gex.convention.currentIndex() == 1)
        assert gex.profile.total != total  # re-signed with the other convention
        gex.convention.setCurrentIndex(0)  # the panel's own choice is the same preference
        await until(lambda: ws.preferences["gex_convention"] == "long_calls" and rows.convention.currentIndex() == 0)
        gex.convention.setCurrentIndex(1)
        await until(lambda: ws.preferences["gex_convention"] == "short_calls")

        assert all(box.isChecked() for box in rows.panel_boxes.values())  # the default layout shows them all
        rows.panel_boxes["iv"].setChecked(False)
        assert w.docks["iv"].isHidden() and not w.docks["iv"].toggleViewAction().isChecked()
        rows.panel_boxes["iv"].setChecked(True)
        assert not w.docks["iv"].isHidden()
        w.docks["heatmap"].toggleViewAction().trigger()  # View → Options heatmap: closed there
        assert w.docks["heatmap"].isHidden() and not rows.panel_boxes["heatmap"].isChecked()

    assert run_app(settings(tmp_path), scenario) == 0

    async def restored(c: AppController) -> None:
        gex = c.window.panels["gex"]
        await until(lambda: gex.convention.currentIndex() == 1 and
                    c.window.panels["preferences"].options.convention.currentData() == "short_calls", 30)

    assert run_app(settings(tmp_path), restored) == 0
