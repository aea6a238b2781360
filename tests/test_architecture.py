"""Layering contracts (import-linter) and the Qt-free core, checked in fresh interpreters."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tests.conftest import REPO

_BLOCK_QT = r"""
import importlib, pkgutil, sys

class BlockQt:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "qasync"}:
            raise ImportError(f"Qt is not available here ({name})")
        return None

sys.meta_path.insert(0, BlockQt())
count = 0
for root in ("data", "analytics", "app.core"):
    package = importlib.import_module(root)
    count += 1
    for info in pkgutil.walk_packages(package.__path__, root + "."):
        if ".migrations." in info.name:
            continue  # Alembic revision scripts only run inside Alembic
        importlib.import_module(info.name)
        count += 1
assert not any(m.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "qasync"} for m in sys.modules)
print(count)
"""


def test_import_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(REPO / ".venv" / "bin")) or shutil.which("lint-imports")
    assert lint, "import-linter is a test dependency"
    result = subprocess.run([lint], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_data_analytics_and_core_import_without_qt() -> None:
    result = subprocess.run([sys.executable, "-c", _BLOCK_QT], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) > 20


def test_code_is_ruff_clean() -> None:
    ruff = shutil.which("ruff", path=str(REPO / ".venv" / "bin")) or shutil.which("ruff")
    assert ruff, "ruff is a test dependency"
    result = subprocess.run([ruff, "check", "."], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
