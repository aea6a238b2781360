"""Qt set-up for the tests that draw: headless platform, and garbage collected between tests.

Imported by the conftests of ``tests/widgets``, ``tests/ui`` and ``tests/e2e`` (never by the
root conftest, so the Qt-free layers' tests run without PySide6).
"""

from __future__ import annotations

import gc
import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
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
