"""Nothing may depend on the real date: the date-sensitive tests under faked wall-clock dates.

Each date runs in its own process (``--fake-today``, tests/fake_today.py), two at a time (CI has
two cores). Issue 11: from 2026-12-01 on, the calendar's reach ("a year from today") changed
the demo market's whole price path and its option listings at the tests' fixed times, and a
GEX test failed; these runs would have caught it, the fingerprint most directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.conftest import REPO

FAKE_DATES = (  # UTC
    "2026-11-30T15:00",  # Monday 10:00 ET, regular session: the last day the old code passed
    "2026-12-01T02:30",  # still Monday in New York (21:30 ET, overnight) but the 1st in UTC
    "2027-03-15T12:30",  # Monday 08:30 EDT, pre-market, the day after the clocks went forward
    "2028-02-29T21:30",  # Tuesday 16:30 ET, after hours on a leap day
)
# The tests that use the calendar and the demo market at fixed times, or run the app or a
# provider at "now" (the demo starts at the wall-clock time; Massive asks for "today").
DATE_SENSITIVE = (
    "tests/data/test_market_calendar.py", "tests/data/test_demo_market.py", "tests/data/test_demo_options.py",
    "tests/data/test_massive_provider.py", "tests/core/test_engine.py", "tests/widgets/test_gex_panel.py",
    "tests/widgets/test_chart.py", "tests/widgets/test_zero_dte.py", "tests/ui/test_gex_in_app.py",
    "tests/ui/test_chart_in_app.py", "tests/ui/test_zero_dte_in_app.py",
)
# The Qt-free layers' whole suite runs under this date (tests/test_layers_without_qt.py): a new
# date-dependent test there is caught; the UI's date-sensitive tests are the ones listed above.
WHOLE_SUITE_DATE = FAKE_DATES[1]
WORKERS = 2


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


def _fingerprint(fake: str | None) -> str:
    done = _run(["-m", "tests.demo_fingerprint", *([fake] if fake else [])])
    assert done.returncode == 0, f"fingerprint at {fake}:\n{done.stderr[-3000:]}"
    return done.stdout.strip()


@pytest.mark.slow
def test_demo_data_at_fixed_times_is_the_same_whatever_the_real_date() -> None:
    with ThreadPoolExecutor(WORKERS) as pool:
        prints = dict(zip((None, *FAKE_DATES), pool.map(_fingerprint, (None, *FAKE_DATES)), strict=True))
    assert len(set(prints.values())) == 1, prints


@pytest.mark.slow
@pytest.mark.timeout(960)  # its own runs stop at 900 s
def test_date_sensitive_tests_pass_whatever_the_real_date() -> None:
    missing = [path for path in DATE_SENSITIVE if not (REPO / path).exists()]
    assert not missing, f"moved or renamed? update DATE_SENSITIVE: {missing}"

    def run(fake: str) -> tuple[str, subprocess.CompletedProcess[str]]:
        return fake, _run(["-m", "pytest", *DATE_SENSITIVE, "-q", "-x", "-p", "no:cacheprovider", "-m", "not slow",
                           f"--fake-today={fake}"])

    with ThreadPoolExecutor(WORKERS) as pool:
        runs = list(pool.map(run, FAKE_DATES))
    failed = {fake: done.stdout[-4000:] + done.stderr[-2000:] for fake, done in runs if done.returncode != 0}
    assert not failed, "\n\n".join(f"--fake-today={fake}:\n{out}" for fake, out in failed.items())
