"""PySide6's import hook is taken out once PySide6 is imported, and Qt works as before without it."""

from __future__ import annotations

import builtins
import importlib
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from app.ui import pyside_import_hook


def test_remove_gives_the_interpreter_its_own_import_back_once(qapp, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(builtins, "__import__", builtins.__feature_import__)  # as PySide6 leaves it
    assert pyside_import_hook.remove() is True
    assert builtins.__import__ is builtins.__orig_import__  # (PySide6 keeps the one it replaced there)
    assert pyside_import_hook.remove() is False

    (tmp_path / "made_after_the_hook.py").write_text(
        "from PySide6.QtWidgets import QLabel\n\ndef label(text):\n    made = QLabel()\n"
        "    made.setText(text)\n    return made.text()\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("made_after_the_hook")  # a module imported without the hook
    try:
        assert module.label("Qt's own names") == "Qt's own names"  # (no feature selected: camelCase as ever)
        assert "made_after_the_hook" not in sys.modules["PySide6.support.feature"].pyside_feature_dict
        assert QLabel("here too").text() == "here too"
    finally:
        sys.modules.pop("made_after_the_hook", None)


def test_another_wrapper_of_import_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    def wrapper(*args, **kwargs):
        return builtins.__orig_import__(*args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", wrapper)
    assert pyside_import_hook.remove() is False
    assert builtins.__import__ is wrapper


def test_the_app_takes_the_hook_out_when_it_makes_its_qapplication() -> None:
    import os
    import subprocess

    from tests.conftest import REPO

    probe = ("import builtins, app.cli; app.cli._qt_application(); "
             "print(builtins.__import__ is builtins.__orig_import__)")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
