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


def test_no_cross_panel_lookups_or_provider_name_checks() -> None:
    """Panels reach each other through app.ui.intents, and code asks a provider what it can do
    (its declared capabilities), never which one it is."""
    import re

    banned = {r"\bpanels\.get\(": "look a panel up (use app.ui.intents)",
              r"\bprovider\.name\s*(==|!=|in\b)": "check a provider's name (declare a capability)",
              r"\bhasattr\(\s*(chart|panel|widget|chain)\b": "probe a panel's methods (use app.ui.intents)"}
    found = []
    for root in ("app", "widgets", "analytics", "data"):
        for path in sorted((REPO / root).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                found += [f"{path.relative_to(REPO)}:{number}: {why}: {line.strip()}"
                          for pattern, why in banned.items() if re.search(pattern, line)]
    assert not found, "\n".join(found)


def test_no_module_selects_a_pyside_feature() -> None:
    """``app.cli`` takes PySide6's import hook out (``app/ui/pyside_import_hook.py``: ~70 ms of a
    start), which is right only while no module selects a ``__feature__`` (snake_case,
    true_property): one that did would silently keep Qt's own names."""
    import re

    found = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
             for root in ("app", "widgets", "analytics", "data", "resources", "server")
             if (REPO / root).is_dir()
             for path in sorted((REPO / root).rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), start=1)
             if re.match(r"\s*(from\s+__feature__\s+import|import\s+__feature__)", line)]
    assert not found, "\n".join(found)
