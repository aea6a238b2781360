"""Qt tests: headless platform and GUI-thread garbage collection (tests/qt_setup.py)."""

from tests.qt_setup import _collect_garbage_on_the_main_thread  # noqa: F401  (autouse fixture)
