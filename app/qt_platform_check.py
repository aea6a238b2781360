"""Before Qt starts: is there a display, and can Qt's X11 plugin load?

Qt aborts the process (SIGABRT, a core dump) when no platform plugin can start, and its own
message names the wrong library (it blames ``libxcb-cursor0`` even when that is installed and
``libxcb-icccm4`` is what is missing). So on Linux the app looks first: the xcb plugin is
loaded (what Qt does a moment later anyway, so a working install pays nothing); when that
fails, ``ldd`` on it lists every shared library it cannot find, and the user gets one ``apt``
line naming exactly those packages, or a plain message when there is no display at all.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

# Debian/Ubuntu package of a library whose name the generic rule below gets wrong
_PACKAGES = {"libglib-2.0.so.0": "libglib2.0-0", "libgthread-2.0.so.0": "libglib2.0-0",
             "libfreetype.so.6": "libfreetype6", "libpng16.so.16": "libpng16-16"}
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
NO_DISPLAY = ("No display found (neither DISPLAY nor WAYLAND_DISPLAY is set). AI Coach is a desktop "
              "app: start it in a desktop session (or over SSH with `ssh -X`). To check an "
              "installation without a display: `ai-coach --smoke` (it uses Qt's offscreen platform "
              "when there is no display), or set QT_QPA_PLATFORM=offscreen.")


class PlatformProblem(NamedTuple):  # (not a dataclass: checked before the first paint)
    message: str  # what to tell the user, with the way out


def debian_package(library: str) -> str:
    """The Debian/Ubuntu package that ships ``library`` (``libxcb-icccm.so.4`` -> ``libxcb-icccm4``)."""
    if library in _PACKAGES:
        return _PACKAGES[library]
    stem, _, version = library.partition(".so.")
    stem = stem.lower()
    major = version.split(".")[0] if version else ""
    return f"{stem}-{major}" if stem[-1:].isdigit() and major else f"{stem}{major}"


def missing_libraries(plugin: Path) -> list[str]:
    """Shared libraries ``plugin`` needs that the dynamic loader cannot find: none when it loads
    (~17 ms less than running ``ldd`` at every start on X11), else those ``ldd`` names."""
    import ctypes

    try:
        ctypes.CDLL(str(plugin))
        return []
    except OSError:
        pass
    import subprocess

    try:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []  # no ldd (not glibc): let Qt try
    return sorted(set(_NOT_FOUND.findall(out)))


def xcb_plugin() -> Path | None:
    """Qt's X11 platform plugin inside the installed PySide6 (None in a frozen app or elsewhere)."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return plugin if plugin.exists() else None


def check(smoke: bool, env: dict[str, str] | None = None, platform: str = sys.platform) -> PlatformProblem | None:
    """A reason Qt cannot start here, or None. For ``--smoke`` without a display, switches the
    environment to Qt's offscreen platform instead (a smoke check needs no screen)."""
    env = os.environ if env is None else env
    if not platform.startswith("linux"):
        return None
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None  # offscreen, wayland, vnc …: Qt's own choice
    if not env.get("DISPLAY") and not (env.get("WAYLAND_DISPLAY") and not chosen):
        if smoke:
            env["QT_QPA_PLATFORM"] = "offscreen"
            env.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")  # (its "no propagateSizeHints" chatter)
            return None
        return PlatformProblem(NO_DISPLAY)
    if env.get("WAYLAND_DISPLAY") and not chosen:
        return None  # Qt may pick its Wayland plugin
    plugin = xcb_plugin()
    missing = missing_libraries(plugin) if plugin is not None else []
    if not missing:
        return None
    packages = " ".join(dict.fromkeys(debian_package(lib) for lib in missing))
    return PlatformProblem(
        f"Qt's X11 plugin cannot load: {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing. "
        f"On Debian or Ubuntu install {'it' if len(missing) == 1 else 'them'} with:\n"
        f"    sudo apt install {packages}\n"
        "(or start with QT_QPA_PLATFORM=wayland in a Wayland session).")
