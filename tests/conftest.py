"""Test setup: headless Qt, shared fixtures, and access to the shared real-data fixtures."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from datetime import UTC, datetime
from pathlib import Path

import pytest

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
