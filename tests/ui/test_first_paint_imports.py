"""The window paints before the heavy libraries load: importing the app shell (what runs before
the first paint) must not pull in numpy, pandas, SciPy or SQLAlchemy (~0.7 s of imports), nor
the engine, its event catalogue or asyncio (~0.1 s: they load once the frame is painted), nor
what the first frame does not show: the rotating log handler (socket, pickle), the intents'
dataclasses, the market calendar and zoneinfo; nor ``dataclasses`` itself (~4 ms to import on
Python 3.11, then 1–2 ms a class: the records read before the paint are NamedTuples) and the
panels' host."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import REPO

HEAVY = ("numpy", "pandas", "scipy", "sqlalchemy", "alembic", "exchange_calendars",
         "asyncio", "qasync", "app.core.engine", "app.core.events", "app.ui.bridge",
         "logging.handlers", "app.ui.intents", "data.market_calendar", "zoneinfo", "dataclasses", "app.ui.panel_host")


def test_the_app_shell_imports_no_heavy_library() -> None:
    probe = ("import sys, app.cli, app.ui.application, app.ui.main_window, app.ui.layouts, app.qt_platform_check, "
             "data.providers.registry, app.core.logging_setup; "
             f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"imported before the first paint: {result.stdout.strip()}"
