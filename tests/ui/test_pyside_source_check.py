"""The import-time check PySide6 runs on every module gets the same answers from our cheaper one."""

from __future__ import annotations

import sys
import types

import app.ui.application  # noqa: F401 - the app's modules, and PySide6's, are loaded
import widgets.chart.chart_panel  # noqa: F401
from app.ui import pyside_source_check


def _original():
    feature = sys.modules[pyside_source_check.FEATURE_MODULE]
    check = feature._mod_uses_pyside
    return check.__closure__[0].cell_contents if getattr(check, "replaced_by_ai_coach", False) else check


def test_every_loaded_module_gets_pysides_own_answer() -> None:
    original = _original()
    modules = [m for m in list(sys.modules.values()) if isinstance(m, types.ModuleType)]
    assert len(modules) > 500
    differ = [m.__name__ for m in modules if pyside_source_check.source_mentions_pyside(m, original) != original(m)]
    assert differ == []
    answers = {m.__name__: original(m) for m in modules}
    assert answers["app.ui.application"] and answers["widgets.chart.chart_panel"]  # they import PySide6
    assert not answers["json"] and not answers["sys"]


def test_a_module_whose_file_is_gone_does_not_use_pyside(tmp_path) -> None:
    module = types.ModuleType("gone")
    module.__file__ = str(tmp_path / "gone.py")
    assert pyside_source_check.source_mentions_pyside(module, lambda _m: True) is False


def test_install_replaces_the_check_once() -> None:
    feature = sys.modules[pyside_source_check.FEATURE_MODULE]
    before = feature._mod_uses_pyside
    feature._mod_uses_pyside = _original()  # PySide6's own
    try:
        assert pyside_source_check.install() is True
        assert getattr(feature._mod_uses_pyside, "replaced_by_ai_coach", False)
        assert pyside_source_check.install() is False
    finally:
        feature._mod_uses_pyside = before
