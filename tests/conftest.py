"""Test setup: headless Qt, shared fixtures, and access to the shared real-data fixtures."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import gc
from datetime import UTC, datetime
from pathlib import Path

import pytest

# Qt objects must die on the GUI thread. With automatic collection on, a worker thread (the
# store thread, to_thread jobs) can collect a previous test's widgets and crash Qt later; so
# the cyclic collector runs only here, between tests, as the app runs it only from a GUI timer.
_THRESHOLD = gc.get_threshold()
gc.disable()


@pytest.fixture(autouse=True)
def _collect_garbage_on_the_main_thread():
    yield
    from app.ui.gui_thread_gc import collect_due_generations

    collect_due_generations(_THRESHOLD)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A file from ../shared (real market data); skip the test with a reason when absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared test data not present: ../shared/{'/'.join(parts)} (plain clone)")
    return path


@pytest.fixture(scope="session")
def calendar():
    from data.market_calendar import default_calendar

    return default_calendar()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
