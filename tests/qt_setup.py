"""Qt set-up for the tests that draw: headless platform, garbage collected between tests, and no
top-level widget outliving the test that made it.

Imported by the conftests of ``tests/widgets``, ``tests/ui`` and ``tests/e2e`` (never by the
root conftest, so the Qt-free layers' tests run without PySide6).
"""

from __future__ import annotations

import gc
import os
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# before anything imports Qt: a headless 1280 x 800 screen (a laptop's), which the window
# fills on a first start (offscreen's own screen is 800 x 800)
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={Path(__file__).with_name('offscreen_screen.json')}"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest

# Qt objects must die on the GUI thread. With automatic collection on, a worker thread (the
# store thread, to_thread jobs) can collect a previous test's widgets and crash Qt later; so
# the cyclic collector runs only here, between tests, as the app runs it only from a GUI timer.
THRESHOLD = gc.get_threshold()
gc.disable()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread():
    yield
    from app.ui.gui_thread_gc import collect_due_generations

    collect_due_generations(THRESHOLD)


def _qt_app() -> Any:
    """The QApplication if one exists; imports nothing, so tests that never made one pay nothing."""
    widgets = sys.modules.get("PySide6.QtWidgets")
    return widgets.QApplication.instance() if widgets is not None else None


def _address(w: Any) -> int:
    from shiboken6 import Shiboken

    return Shiboken.getCppPointer(w)[0]


def _top_level_widgets() -> dict[int, Any]:
    """Top-level widgets alive now, keyed by C++ address: a snapshot of addresses keeps none alive."""
    from PySide6.QtWidgets import QApplication

    return {_address(w): w for w in QApplication.topLevelWidgets()}


def _delete_pending() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    QCoreApplication.processEvents()


def _describe(w: Any) -> str:
    # a menu has no name; its first actions say whose it is (pyqtgraph's own plot and view-box
    # menus have no parent, so they outlive a deleted chart whose Python objects something keeps)
    actions = [a.text() for a in w.actions()[:3] if a.text()]
    extra = f", title={w.windowTitle()!r}" if w.windowTitle() else ""
    extra += f", actions={actions}" if actions else ""
    return f"{type(w).__module__}.{type(w).__qualname__}(objectName={w.objectName()!r}{extra}, visible={w.isVisible()})"


def _leak_report(leaked: list[Any], before: set[int]) -> str:
    """One line per kind of root of the leaked windows; the menus and popups under it are counted."""
    owned: dict[int, tuple[Any, int]] = {}
    for w in leaked:
        root = w
        while root.parentWidget() is not None:
            root = root.parentWidget()
        key = _address(root)
        owned[key] = (root, owned.get(key, (root, 0))[1] + (key != _address(w)))
    lines = Counter(_describe(root) + (f" with {n} window(s) it owns (menus, popups)" if n else "")
                    + (" (older than the test; the windows under it are new)" if key in before else "")
                    for key, (root, n) in owned.items())
    return "\n  ".join(f"{count} x {line}" if count > 1 else line for line, count in lines.items())


@pytest.fixture(autouse=True)
def _no_leaked_top_level_widgets(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail a test that leaves a top-level widget it made alive: a window nobody closes keeps its
    whole tree, timers and signal connections running into the next tests.

    pytest-qt closes and deleteLater()s the widgets given to ``qtbot.addWidget`` in its teardown
    hook, before any fixture's finaliser runs; so here they are pending deletions, carried out first.
    """
    before = set(_top_level_widgets()) if _qt_app() is not None else set()
    yield
    if _qt_app() is None:
        return
    _delete_pending()
    if not set(_top_level_widgets()) - before:
        return
    gc.collect()  # a widget only a reference cycle holds dies at the app's next GUI-thread collection
    _delete_pending()
    leaked = [w for address, w in _top_level_widgets().items() if address not in before]
    if leaked:
        pytest.fail(f"top-level widgets leaked by this test (close them: qtbot.addWidget, deleteLater or "
                    f"tests/gui_helpers.dispose):\n  {_leak_report(leaked, before)}"
                    f"{_traceback_hint(caplog)}", pytrace=False)


def _traceback_hint(caplog: pytest.LogCaptureFixture) -> str:
    """A traceback keeps its frames' locals (a window, a panel host) alive. pytest clears
    sys.last_traceback when a test's call starts; the test failing sets it, and so does PySide6
    reporting an exception raised in a slot (PyErr_Print). pytest also keeps the test's log
    records, with the exc_info of any exception logged."""
    kept = [name for name, yes in (
        ("sys.last_traceback", getattr(sys, "last_traceback", None) is not None),
        ("a logged record", any(r.exc_info for when in ("setup", "call") for r in caplog.get_records(when))),
    ) if yes]
    if not kept:
        return ""
    return f"\n(an exception's traceback, kept in {' and '.join(kept)}, may be what holds them: fix it first)"
