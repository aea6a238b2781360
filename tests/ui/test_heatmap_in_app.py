"""The heatmap panel in the running app: modes (grids from the core), cell inspection, open in chain, density."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from analytics.heatmap import HeatmapMode
from tests.gui_helpers import run_app, settings, until


def test_panel_modes_inspection_and_density(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["heatmap"]
        await until(lambda: panel.grid is not None)
        c.window.focus_panel("heatmap")
        assert panel.grid.mode is HeatmapMode.VOLUME and panel.grid.values.shape == (5, 50)
        panel.mode.setCurrentText("GEX")  # each grid is computed off the loop: the panel shows it on arrival
        await until(lambda: panel.grid.mode is HeatmapMode.GEX)
        assert "calls +, puts −" in panel.status.text()
        assert re.search(r"scale −\$[\d.]+[KMB] … \$[\d.]+[KMB]$", panel.status.text())  # not 1.2e+09
        panel.mode.setCurrentText("IV")
        await until(lambda: panel.grid.mode is HeatmapMode.IV)
        assert re.search(r"scale \d+\.\d% … \d+\.\d%$", panel.status.text())
        panel.mode.setCurrentText("GEX")
        await until(lambda: panel.grid.mode is HeatmapMode.GEX)
        panel.inspect(0, 25)
        strike = float(panel.grid.strikes[25])
        assert f"strike {strike:g}" in panel.detail.text() and "Call: bid" in panel.detail.text()
        assert panel.describe(0, 25) in panel.detail.text()
        cell_centre = panel.plot.getViewBox().mapViewToScene(QPointF(25.5, 0.5))
        assert panel.cell_at(cell_centre) == (0, 25)
        panel.open_button.click()
        chain = c.window.panels["options_chain"]
        assert chain.choice.expiry == panel.grid.expiries[0]
        assert chain.model.strikes[chain.model.focus_row] == strike
        wheel = QWheelEvent(QPointF(10, 10), QPointF(10, 10), QPoint(0, 0), QPoint(0, 120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        panel.wheelEvent(wheel)
        assert panel.strikes.value() == 40
        await until(lambda: panel.grid.values.shape[1] == 40)

    assert run_app(settings(tmp_path), scenario) == 0
