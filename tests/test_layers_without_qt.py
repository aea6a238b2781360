"""The data, analytics and core tests pass where PySide6 is absent (the layers they test are Qt-free).

A fresh pytest runs those folders with a plugin that makes every Qt import raise ImportError, as
on a machine without PySide6. pytest-qt is disabled there: it needs a Qt binding to configure, and
without it a test asking for ``qtbot`` or ``qapp`` fails instead of quietly getting Qt.

The same run is those layers' whole-suite run under a faked real date (tests/test_fake_dates.py's
trickiest one): one pass over ~1,600 tests instead of two, which the suite's time budget needs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.test_fake_dates import WHOLE_SUITE_DATE

QT_FREE_FOLDERS = ("tests/data", "tests/analytics", "tests/core")
MIN_PASSED = 100  # far fewer means the run collected almost nothing, whatever its exit code

# Loaded with -p before any conftest or test module; reports what it saw to $QT_FREE_REPORT.
_PLUGIN = r'''
import json, os, sys

QT = {"PySide6", "shiboken6", "pyqtgraph", "qasync"}
blocked: set[str] = set()
qt_skips: list[str] = []


class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in QT:
            blocked.add(name)
            raise ImportError(f"Qt is not available here ({name})")
        return None


sys.meta_path.insert(0, BlockQt())


def _note_qt_skip(report) -> None:
    text = str(report.longrepr)
    if report.skipped and ("Qt is not available" in text or any(name in text for name in QT)):
        qt_skips.append(f"{report.nodeid}: {text}")


def pytest_collectreport(report) -> None:
    _note_qt_skip(report)  # a module skipped by importorskip("PySide6") would hide its tests


def pytest_runtest_logreport(report) -> None:
    _note_qt_skip(report)


def pytest_unconfigure(config) -> None:
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in QT)
    with open(os.environ["QT_FREE_REPORT"], "w") as f:
        json.dump({"loaded": loaded, "blocked": sorted(blocked), "qt_skips": qt_skips}, f)
'''


@pytest.mark.slow
@pytest.mark.timeout(960)  # its own run stops at 900 s
def test_data_analytics_and_core_tests_pass_without_qt_whatever_the_real_date(tmp_path: Path) -> None:
    (tmp_path / "block_qt_plugin.py").write_text(_PLUGIN)
    report = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")])),
           "QT_FREE_REPORT": str(report)}
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "pytest", "-p", "block_qt_plugin", "-p", "no:pytest-qt", *QT_FREE_FOLDERS,
               "-m", "not slow", "-q", "--tb=short", "-p", "no:cacheprovider", f"--fake-today={WHOLE_SUITE_DATE}"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    output = result.stdout[-6000:] + result.stderr[-3000:]
    code = result.returncode
    assert code == 0, f"the Qt-free layers' tests fail without PySide6:\n{output}"
    seen = json.loads(report.read_text())
    assert not seen["loaded"], f"Qt got imported despite the block: {seen['loaded']}"
    assert not seen["qt_skips"], "tests skipped for want of Qt (move them to tests/widgets or tests/ui):\n" + \
        "\n".join(seen["qt_skips"])
    passed = re.search(r"(\d+) passed", result.stdout)
    assert passed and int(passed.group(1)) >= MIN_PASSED, f"too few tests ran without Qt:\n{output}"
