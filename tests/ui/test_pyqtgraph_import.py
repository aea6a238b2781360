"""pyqtgraph imported the app's way makes only the Qt classes that are used, and plots as before."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

PROBE = """
import PySide6.QtWidgets as real
from PySide6.QtWidgets import QApplication
app = QApplication([])
from app.ui.pyqtgraph_import import import_pyqtgraph
pg = import_pyqtgraph()
assert import_pyqtgraph() is pg and dir(real), "imported once; PySide6 lists its names again"
made_at_import = "QUndoView" in real.__dict__
import PySide6.QtCore
assert pg.Qt.QtWidgets.QUndoView is real.QUndoView and pg.QtCore.Signal is PySide6.QtCore.Signal
plot = pg.PlotWidget()
plot.plot([1.0, 3.0, 2.0], pen="y")
plot.resize(200, 120)
image = plot.grab().toImage()
yellow = sum(image.pixelColor(x, y).name() == "#ffff00" for x in range(200) for y in range(120))
print(made_at_import, yellow > 20, type(pg.Qt.QtCore.QPointF(1, 2)).__name__)
"""


def _probe(code: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_classes_are_made_when_used_and_plots_draw() -> None:
    assert _probe(PROBE) == ["False", "True", "QPointF"]


def test_a_plain_import_still_makes_them_all() -> None:
    """What the mirrors avoid (so the test above can tell the two apart)."""
    plain = PROBE.replace("pg = import_pyqtgraph()", "import pyqtgraph as pg")
    assert _probe(plain)[0] == "True"
