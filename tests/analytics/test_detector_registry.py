"""The registry's live path: each detector on only the sessions it reads finds, for the newest
session, exactly what a run over the whole history finds."""

from __future__ import annotations

from analytics.detectors.registry import DETECTORS, LIVE_SESSIONS, run_all, run_latest
from tests.analytics.detector_checks import needs_ibkr, real_session_bars


@needs_ibkr
def test_the_live_path_equals_the_full_run_on_every_newest_session():
    bars = real_session_bars("SPY")
    starts = bars.session_starts()
    for end in starts[LIVE_SESSIONS + 1::9]:  # cut at a session's end, every ninth session
        cut = bars.head(int(end))
        newest_day = cut.day[-1]
        full = [d for d in run_all(cut) if cut.day[d.bar_index] == newest_day]
        live = [d for d in run_latest(cut) if cut.day[d.bar_index] == newest_day]
        assert live == full, int(end)


def test_every_detector_says_how_many_sessions_it_reads():
    assert all(1 <= spec.sessions <= LIVE_SESSIONS for spec in DETECTORS)
    assert max(spec.sessions for spec in DETECTORS) == LIVE_SESSIONS
