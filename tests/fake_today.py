"""``--fake-today=YYYY-MM-DD``: run the tests as if the real (wall-clock) date were another day.

Nothing the tests check may depend on the real date: the app's time comes from its provider's
clock. This option proves it by moving the wall clock (``time.time``, ``datetime.now``,
``date.today``) with time-machine for the whole session, from ``pytest_configure`` on, before
any test module is imported.

Only the wall clock moves: ``time.monotonic``/``perf_counter`` (asyncio, Qt timers, timeouts)
are untouched, and the faked clock keeps ticking. A plain date keeps the real time of day
(only the date shifts); ``YYYY-MM-DDTHH:MM`` (UTC unless an offset is given) fixes the time too.
Subprocesses a test starts run on the real clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

_TRAVEL_KEY = pytest.StashKey[object]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fake-today", metavar="YYYY-MM-DD[THH:MM]", default=None,
                     help="run as if the real date were this day (UTC; time-machine, ticking)")


def fake_now(value: str, real_now: datetime) -> datetime:
    """The faked UTC moment for ``--fake-today``: the given day at the real time of day, or the
    given date and time."""
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
        day = date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"--fake-today wants YYYY-MM-DD or YYYY-MM-DDTHH:MM, got {value!r}") from None
    return datetime.combine(day, real_now.time(), UTC)


def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("--fake-today")
    if not value:
        return
    import time_machine

    travel = time_machine.travel(fake_now(value, datetime.now(UTC)), tick=True)
    travel.start()
    config.stash[_TRAVEL_KEY] = travel


def pytest_unconfigure(config: pytest.Config) -> None:
    travel = config.stash.get(_TRAVEL_KEY, None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    value = config.getoption("--fake-today")
    return f"fake today: {value} (wall clock now {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)" if value else None


def a_session_after_the_wall_clock(calendar, years: int = 3) -> datetime:
    """Half an hour into a trading session some years after the wall clock, faked or not: a
    saved demo clock "later than now" whatever date the suite runs on."""
    day = datetime.now(UTC).date().replace(month=3, day=1)
    return calendar.next_session(day.replace(year=day.year + years)).open + timedelta(minutes=30)
