"""Qt tests: headless platform, GUI-thread garbage collection, no leaked windows (tests/qt_setup.py)."""

from tests.qt_setup import _collect_garbage_on_the_main_thread, _no_leaked_top_level_widgets  # noqa: F401  (autouse)
