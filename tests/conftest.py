"""Test setup shared by every layer: fixtures and access to the shared real-data fixtures.

Qt-free on purpose: the ``data``, ``analytics`` and ``core`` tests run where PySide6 is absent
(``tests/test_layers_without_qt.py`` proves it). Qt set-up lives in ``tests/qt_setup.py``,
loaded by the ``widgets``, ``ui`` and ``e2e`` folders' conftests.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest_plugins = ("tests.fake_today",)  # --fake-today=YYYY-MM-DD: run as if on another real date

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
