"""How detections played out: target, stop (first, or both in one bar) or open at the close."""

from __future__ import annotations

import numpy as np
import pytest

from analytics.detections import Detection
from analytics.detectors.registry import run_all
from analytics.detectors.session_bars import SessionBars
from analytics.setup_outcomes import OPEN, STOP, TARGET, outcome, track_records
from tests.analytics.detector_checks import needs_ibkr, real_session_bars

OPEN_TS = 1_764_340_200  # 2025-11-28 14:30 UTC = 09:30 ET


def _bars(highs, lows, closes) -> SessionBars:
    n = len(highs)
    ts = OPEN_TS + 300 * np.arange(n)
    day = np.full(n, 739_000)
    minute = 570 + 5 * np.arange(n)
    return SessionBars("SPY", ts, np.asarray(closes, float), np.asarray(highs, float), np.asarray(lows, float),
                       np.asarray(closes, float), np.full(n, 1000.0), 300, day, minute, np.full(n, 570),
                       np.full(n, 960))


def _long(index=0, entry=100.0, stop=99.0, target=102.0) -> Detection:
    return Detection("SPY", "test", "long", 0, entry, stop, (target,), 0.5, (), "", bar_index=index)


def test_the_target_first_is_a_hit_worth_its_reward_to_risk():
    bars = _bars([100, 101, 102.5, 103], [99.5, 99.5, 100, 99], [100, 100.5, 102, 100])
    assert outcome(_long(), bars) == outcome(_long(), bars)
    assert (outcome(_long(), bars).result, outcome(_long(), bars).r, outcome(_long(), bars).exit_index) == (
        TARGET, 2.0, 2)


def test_a_bar_reaching_both_is_a_stop_and_a_session_without_either_closes_out():
    both = _bars([100, 102.5], [99.5, 98.5], [100, 101])
    assert outcome(_long(), both).result == STOP and outcome(_long(), both).r == -1.0
    drift = _bars([100, 100.8, 101], [99.5, 99.6, 100.2], [100, 100.5, 100.5])
    assert (outcome(_long(), drift).result, outcome(_long(), drift).r) == (OPEN, pytest.approx(0.5))


def test_a_detection_on_the_last_bar_has_no_outcome():
    assert outcome(_long(index=1), _bars([100, 100], [99, 99], [100, 100])) is None


@needs_ibkr
def test_the_track_record_on_real_sessions_adds_up():
    bars = real_session_bars("SPY")
    records = track_records(run_all(bars), bars)
    assert records
    for record in records.values():
        assert record.fired == record.targets + record.stops + record.open
        assert -1.0 <= record.average_r <= 3.0 and record.hit_rate.cases == record.fired
