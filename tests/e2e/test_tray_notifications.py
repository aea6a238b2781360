"""System-tray notifications on a real X desktop, not the offscreen toast (issue #14).

All in a temp dir: Xvfb on a free display, a private session D-Bus, Debian's StatusNotifierItem
tray (``gtk-sni-tray-standalone --watcher``: the org.kde.StatusNotifierWatcher and a host that
draws the icons) and the dunst notification daemon (org.freedesktop.Notifications). With a
watcher and a host on the bus, Qt's QSystemTrayIcon is the D-Bus tray: the icon registers with
the watcher. The app's real Notifier runs in a child (tests/e2e/tray_child.py) on the app's kind
of loop (qasync); the test reads back, from the desktop's side, the icon in the watcher's
RegisteredStatusNotifierItems, the notification in dunst (exact title and body), and clicks it
(dunst's default action): the child opens the setup's symbol. The Notifier posts the
notification itself (``app/ui/desktop_notifications.py``) because Qt's D-Bus tray sends an
Information message with no actions, so a click on it would only close it. (An XEmbed tray such
as trayer would not do: there Qt draws its own balloon, and nothing reaches a notification daemon.)
"""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from ctypes.util import find_library
from pathlib import Path
from typing import IO

import pytest

from tests.e2e.tray_child import MESSAGE, TITLE

TOOLS = ("Xvfb", "dbus-daemon", "dbus-send", "dunst", "dunstctl", "gtk-sni-tray-standalone")
XCB = ("xcb-cursor", "xcb-icccm", "xkbcommon-x11")  # what Qt's xcb plugin loads beyond Qt's own libraries
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None] + [f"lib{lib}" for lib in XCB if not find_library(lib)]
CHILD = Path(__file__).with_name("tray_child.py")
WATCHER = ("org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher")
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/>
  </policy>
</busconfig>
"""

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="an X11 desktop test: Linux only"),
    pytest.mark.skipif(bool(MISSING), reason=f"needs {', '.join(MISSING)} (Debian: xvfb dbus-daemon dbus-bin dunst "
                                             "haskell-gtk-sni-tray-utils, the xcb libraries; .ci/run installs them)"),
]


class Desktop:
    """The processes of one throw-away desktop, each in its own process group, and its environment."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.procs: list[subprocess.Popen] = []
        self.env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        for name in ("home", "config", "config-dirs", "runtime"):
            (root / name).mkdir(mode=0o700)
        self.env.update(HOME=str(root / "home"), XDG_CONFIG_HOME=str(root / "config"),
                        XDG_CONFIG_DIRS=str(root / "config-dirs"), XDG_RUNTIME_DIR=str(root / "runtime"),
                        NO_AT_BRIDGE="1", GSETTINGS_BACKEND="memory")

    def start(self, command: list[str], log: str, **kwargs) -> subprocess.Popen:
        with open(self.root / f"{log}.log", "wb") as out:
            proc = subprocess.Popen(command, env=kwargs.pop("env", self.env), cwd=self.root, start_new_session=True,
                                    stdout=kwargs.pop("stdout", out), stderr=out, **kwargs)
        self.procs.append(proc)
        return proc

    def logs(self) -> str:
        logs = sorted(self.root.glob("*.log"))
        return "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}" for log in logs)

    def stop(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=5)


def _wait_for(what: str, check: Callable[[], object], desktop: Desktop, timeout: float = 15.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{desktop.logs()}")


def _dbus(desktop: Desktop, dest: str, path: str, method: str, *args: str) -> str:
    """One call with dbus-send; its literal reply, '' when the call fails (not there yet)."""
    run = subprocess.run(["dbus-send", "--session", "--print-reply=literal", f"--dest={dest}", path, method, *args],
                         env=desktop.env, capture_output=True, text=True, timeout=10)
    return run.stdout.strip() if run.returncode == 0 else ""


def _watcher_property(desktop: Desktop, name: str) -> str:
    return _dbus(desktop, *WATCHER, "org.freedesktop.DBus.Properties.Get", f"string:{WATCHER[0]}", f"string:{name}")


def _read_line(fd: int, timeout: float) -> str:
    data, deadline = b"", time.monotonic() + timeout
    while not data.endswith(b"\n") and (left := deadline - time.monotonic()) > 0:
        if not select.select([fd], [], [], left)[0] or not (chunk := os.read(fd, 32)):
            break
        data += chunk
    return data.decode().strip() if data.endswith(b"\n") else ""


def _start_xvfb(desktop: Desktop) -> None:
    """Xvfb picks a free display itself (-displayfd) and writes its number when it accepts clients."""
    read_end, write_end = os.pipe()
    try:
        desktop.start(["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                      "xvfb", pass_fds=(write_end,))
        os.close(write_end)
        number = _read_line(read_end, timeout=20)  # the whole line: Xvfb dies if the pipe closes before its "\n"
    finally:
        os.close(read_end)
    assert number.isdigit(), f"Xvfb did not report a display\n{desktop.logs()}"
    desktop.env["DISPLAY"] = f":{number}"


def _start_bus(desktop: Desktop) -> None:
    socket = desktop.root / "bus"
    (desktop.root / "bus.conf").write_text(BUS_CONFIG.format(socket=socket))
    desktop.start(["dbus-daemon", f"--config-file={desktop.root / 'bus.conf'}", "--nofork", "--nopidfile"], "dbus")
    desktop.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={socket}"
    _wait_for("the session bus", lambda: _dbus(desktop, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                               "org.freedesktop.DBus.GetId"), desktop)


@pytest.fixture
def desktop(tmp_path: Path) -> Iterator[Desktop]:
    desk = Desktop(tmp_path)
    try:
        _start_xvfb(desk)
        _start_bus(desk)
        desk.start(["dunst"], "dunst")
        desk.start(["gtk-sni-tray-standalone", "--watcher", "--top"], "tray")
        _wait_for("dunst on org.freedesktop.Notifications", lambda: "true" in _dbus(
            desk, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.Notifications"), desk)
        # Qt asks once, at its first tray icon, whether a watcher with a host is there
        _wait_for("the tray's watcher and host", lambda: "true" in _watcher_property(
            desk, "IsStatusNotifierHostRegistered"), desk)
        yield desk
    finally:
        desk.stop()


class Child:
    """tray_child.py, its stdout lines read on a thread so that each wait has a timeout."""

    def __init__(self, desktop: Desktop) -> None:
        env = {**desktop.env, "QT_QPA_PLATFORM": "xcb"}
        self.proc = desktop.start([sys.executable, str(CHILD)], "child", env=env, stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(self.proc.stdout,), daemon=True).start()
        self.desktop = desktop

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line.startswith(prefix):
                return line
        pytest.fail(f"the child never printed {prefix!r}\n{self.desktop.logs()}")

    def send(self, command: str) -> None:
        self.proc.stdin.write(f"{command}\n")
        self.proc.stdin.flush()


def _registered_items(desktop: Desktop) -> dict[int, str]:
    """Process id → bus name of the watcher's items (kept as "name" or "name/path", by watcher)."""
    items = {}
    reply = _watcher_property(desktop, "RegisteredStatusNotifierItems")  # variant array [ :1.9 ... ]
    for item in reply.split()[3:-1]:
        service = item.split("/", 1)[0]
        pid = _dbus(desktop, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.GetConnectionUnixProcessID", f"string:{service}").split()
        if pid and pid[-1].isdigit():
            items[int(pid[-1])] = service
    return items


def _item_property(desktop: Desktop, service: str, name: str) -> str:
    return _dbus(desktop, service, "/StatusNotifierItem", "org.freedesktop.DBus.Properties.Get",
                 "string:org.kde.StatusNotifierItem", f"string:{name}")


def _dunst_history(desktop: Desktop) -> list[tuple[str, str, str]]:
    """(app name, summary, body) of each notification dunst has closed."""
    run = subprocess.run(["dunstctl", "history"], env=desktop.env, capture_output=True, text=True, timeout=10)
    entries = json.loads(run.stdout)["data"][0] if run.returncode == 0 else []
    return [(e["appname"]["data"], e["summary"]["data"], e["body"]["data"]) for e in entries]


def _dunst_count(desktop: Desktop, which: str) -> int:
    run = subprocess.run(["dunstctl", "count", which], env=desktop.env, capture_output=True, text=True, timeout=10)
    return int(run.stdout.strip()) if run.stdout.strip().isdigit() else 0


def test_the_tray_icon_and_a_setup_notification_reach_a_real_desktop(desktop: Desktop) -> None:
    started = time.monotonic()
    child = Child(desktop)
    assert child.expect("has_tray") == "has_tray True", "Qt saw no system tray: the Notifier fell back to toasts"
    assert child.expect("desktop") == "desktop True", "the Notifier found no notification server on the bus"
    # (a) the icon: an item of the child's process registered with the tray's watcher, serving the
    # Notifier's tooltip and a 22 px pixmap of the app icon to the host that draws it
    items = _wait_for("the tray icon in RegisteredStatusNotifierItems", lambda: _registered_items(desktop), desktop)
    assert child.proc.pid in items, f"the watcher's items are other processes' {items}\n{desktop.logs()}"
    icon = items[child.proc.pid]
    assert "AI Coach" in _item_property(desktop, icon, "ToolTip")
    assert "int32 22" in _item_property(desktop, icon, "IconPixmap")
    child.send("post")
    child.expect("shown")
    # (b) the notification on dunst's screen; (c) clicked (dunst's default action, what a click on
    # it does), the app opens its symbol; then it is in dunst's history with the exact title and body
    _wait_for("dunst to display the notification", lambda: _dunst_count(desktop, "displayed") >= 1, desktop)
    subprocess.run(["dunstctl", "action", "0"], env=desktop.env, check=True, timeout=10)
    assert child.expect("opened") == "opened SPY"
    subprocess.run(["dunstctl", "close-all"], env=desktop.env, check=True, timeout=10)
    history = _wait_for("the notification in dunst's history", lambda: _dunst_history(desktop), desktop)
    assert ("ai-coach", TITLE, MESSAGE) in history, history
    child.send("quit")
    assert child.proc.wait(timeout=20) == 0, desktop.logs()
    print(f"tray icon and notification checked in {time.monotonic() - started:.1f} s")
