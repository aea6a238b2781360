"""Before Qt starts: a clear message instead of Qt's abort when there is no display or the X11
plugin lacks a library (the check reads ``ldd`` on a real shared object)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.qt_platform_check import NO_DISPLAY, check, debian_package, missing_libraries

REPO = Path(__file__).resolve().parents[2]


def test_package_names_follow_debian() -> None:
    assert debian_package("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert debian_package("libxcb-keysyms.so.1") == "libxcb-keysyms1"
    assert debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert debian_package("libEGL.so.1") == "libegl1"
    assert debian_package("libdbus-1.so.3") == "libdbus-1-3"
    assert debian_package("libglib-2.0.so.0") == "libglib2.0-0"


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("cc") is None or shutil.which("ldd") is None,
                    reason="needs Linux with a C compiler and ldd")
def test_a_library_the_loader_cannot_find_is_named(tmp_path: Path) -> None:
    # a plugin linked against a library that is then removed: what a stock desktop without
    # libxcb-icccm4 looks like to the loader
    src = tmp_path / "x.c"
    src.write_text("int f(void) { return 1; }\n")
    dep = tmp_path / "libaicoachgone.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-Wl,-soname,libaicoachgone.so.4", "-o", str(dep), str(src)], check=True)
    plugin = tmp_path / "libplugin.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-Wl,--no-as-needed", "-o", str(plugin), str(src),
                    f"-L{tmp_path}", "-laicoachgone"], check=True)
    dep.unlink()
    assert missing_libraries(plugin) == ["libaicoachgone.so.4"]


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("cc") is None,
                    reason="needs Linux with a C compiler")
def test_a_plugin_that_loads_is_not_asked_about_with_ldd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "x.c"
    src.write_text("int f(void) { return 1; }\n")
    plugin = tmp_path / "libplugin.so"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(plugin), str(src)], check=True)

    def no_ldd(*_args, **_kwargs):
        raise AssertionError("ldd ran for a plugin that loads")

    monkeypatch.setattr(subprocess, "run", no_ldd)
    assert missing_libraries(plugin) == []


def test_no_display_is_explained_and_smoke_goes_offscreen() -> None:
    env: dict[str, str] = {}
    problem = check(smoke=False, env=env, platform="linux")
    assert problem is not None and problem.message == NO_DISPLAY and "QT_QPA_PLATFORM=offscreen" in problem.message
    assert check(smoke=True, env=env, platform="linux") is None and env["QT_QPA_PLATFORM"] == "offscreen"
    assert check(smoke=False, env={"QT_QPA_PLATFORM": "offscreen"}, platform="linux") is None
    assert check(smoke=False, env={}, platform="win32") is None


def test_missing_plugin_libraries_give_one_apt_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.qt_platform_check as mod

    monkeypatch.setattr(mod, "xcb_plugin", lambda: Path("libqxcb.so"))
    monkeypatch.setattr(mod, "missing_libraries", lambda _p: ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"])
    problem = check(smoke=False, env={"DISPLAY": ":0"}, platform="linux")
    assert problem is not None
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1" in problem.message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display check is Linux's")
def test_the_app_without_a_display_exits_with_the_message() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "app"], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 2
    assert "No display found" in result.stderr and "Traceback" not in result.stderr


def test_version() -> None:
    result = subprocess.run([sys.executable, "-m", "app", "--version"], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0 and result.stdout.startswith("AI Coach 0.") and "unknown" not in result.stdout
