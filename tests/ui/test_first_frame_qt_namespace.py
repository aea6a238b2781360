"""The first frame of a start with a saved layout does not make PySide6 build ``QtCore.Qt`` (93
enums through Python's ``enum``: 15–25 ms): the label alignment, shortcut contexts and tab-bar
elide mode it needs are set by name (``widgets/enum_property.py``), shortcuts with
``setShortcuts`` and the placed docks found through the window's layout. Nor does any first
frame import ``dataclasses`` (~4 ms, then 1–2 ms a class on Python 3.11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
# stops the process right after the first frame and says whether Qt's namespace was made by then
PROBE = """
import os, sys
from PySide6 import QtCore
from app.cli import main
from app.ui.application import AppController

def first_frame_then_stop(controller):
    restored = paint(controller)
    print("restored", restored, "qt_namespace", "Qt" in vars(QtCore), "dataclasses", "dataclasses" in sys.modules,
          flush=True)
    os._exit(0)

paint, AppController._paint_first_frame = AppController._paint_first_frame, first_frame_then_stop
main(["--smoke", "--data-dir", sys.argv[1]])
"""


def _first_frame(data_dir: Path) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE, str(data_dir)], cwd=REPO, env=ENV, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow
def test_a_restored_first_frame_does_not_make_the_qt_namespace(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    # the built-in layout places its docks by area, so that first start does make the namespace
    assert _first_frame(data_dir) == "restored default qt_namespace True dataclasses False"
    smoke = subprocess.run([sys.executable, "-m", "app", "--smoke", "--data-dir", str(data_dir)], cwd=REPO, env=ENV,
                           capture_output=True, text=True, timeout=120)
    assert smoke.returncode == 0, smoke.stderr  # (saves the working layout)
    assert _first_frame(data_dir) == "restored __session__ qt_namespace False dataclasses False"


def test_an_enum_property_is_set_by_name_and_a_wrong_name_is_refused(qapp) -> None:
    from PySide6.QtWidgets import QLabel, QTabBar

    from widgets.enum_property import set_enum_property

    label, tabs = QLabel("x"), QTabBar()
    set_enum_property(label, "alignment", "AlignCenter")
    set_enum_property(tabs, "elideMode", "ElideNone")
    from PySide6.QtCore import Qt

    assert label.alignment() == Qt.AlignmentFlag.AlignCenter and tabs.elideMode() == Qt.TextElideMode.ElideNone
    with pytest.raises(ValueError, match="elideMode"):
        set_enum_property(tabs, "elideMode", "ElideSideways")
