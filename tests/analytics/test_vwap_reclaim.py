"""VWAP reclaim / reject: the session VWAP, the K-closes rule, both directions, one per session
and direction, the time filters, an index without volume, and no look-ahead on a real file."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.session_bars import SessionBars
from analytics.detectors.vwap_reclaim import session_vwap, vwap_reclaim
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import assert_no_look_ahead, needs_ibkr, real_session_bars

ET = ZoneInfo("America/New_York")

Row = tuple[float, float, float, float, float]  # open, high, low, close, volume
# typical 100 → VWAP 100; then three closes below VWAP (99.2, 99.0, 98.9); then a close at 100.0
# above the VWAP (≈ 99.48): a reclaim on the 09:45 bar's successor, the 09:50 bar
FLAT: Row = (100.0, 101.0, 99.0, 100.0, 1000.0)
BELOW: list[Row] = [(100.0, 100.0, 99.0, 99.2, 1000.0), (99.2, 99.5, 98.8, 99.0, 1000.0),
                    (99.0, 99.4, 98.6, 98.9, 1000.0)]
RECLAIM: Row = (98.9, 100.2, 98.9, 100.0, 2000.0)


def _bars(sessions: list[tuple[str, list[Row]]], symbol: str = "SPY") -> SessionBars:
    """Each session: (its first bar's ET start "YYYY-MM-DD HH:MM", consecutive 5-minute bars)."""
    ts, cols = [], []
    for start, rows in sessions:
        first = datetime.fromisoformat(start).replace(tzinfo=ET)
        ts += [int((first + timedelta(minutes=5 * n)).timestamp()) for n in range(len(rows))]
        cols += rows
    o, h, lo, c, v = (np.array(col, float) for col in zip(*cols, strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), o, h, lo, c, v))


def _mirror(rows: list[Row]) -> list[Row]:
    """Price p → 200 − p (high and low swap): a reclaim becomes a reject."""
    return [(200 - o, 200 - lo, 200 - h, 200 - c, v) for o, h, lo, c, v in rows]


def test_the_session_vwap_matches_a_hand_computed_value() -> None:
    bars = _bars([("2026-03-02 09:30", [(10, 12, 9, 11, 100), (11, 13, 10, 12, 300), (12, 12, 8, 9, 600)])])
    typical = np.array([32 / 3, 35 / 3, 29 / 3])
    expected = np.cumsum(typical * [100, 300, 600]) / np.cumsum([100, 300, 600])
    assert np.allclose(session_vwap(bars, np.arange(3)), expected, atol=1e-9, rtol=0)


def test_a_close_above_vwap_after_three_closes_below_is_a_reclaim() -> None:
    (d,) = vwap_reclaim(_bars([("2026-03-02 09:30", [FLAT, *BELOW, RECLAIM])]))
    assert (d.direction, d.bar_index, d.entry, d.stop) == ("long", 4, 100.0, 98.6)
    assert d.targets == pytest.approx((101.4, 102.8)) and d.risk_reward == pytest.approx(1.0)
    assert d.levels["vwap"] == pytest.approx((100 + 99.4 + 99.1 + 296.9 / 3 + 2 * 299.1 / 3) / 6)
    assert d.time == int(datetime(2026, 3, 2, 9, 55, tzinfo=ET).timestamp())  # the crossing bar's close
    assert {p.name for p in d.parts} == {"volume", "distance", "time"} and 0 < d.confidence <= 1
    assert "after 3 closes below" in d.evidence


def test_the_mirror_is_a_reject() -> None:
    (d,) = vwap_reclaim(_bars([("2026-03-02 09:30", _mirror([FLAT, *BELOW, RECLAIM]))]))
    assert (d.direction, d.bar_index, d.entry, d.stop) == ("short", 4, 100.0, 101.4)
    assert d.targets == pytest.approx((98.6, 97.2))


def test_k_consecutive_closes_are_required_and_a_wick_is_not_a_cross() -> None:
    two_below = _bars([("2026-03-02 09:30", [FLAT, FLAT, *BELOW[:2], RECLAIM])])
    assert vwap_reclaim(two_below, k=3) == []
    assert [d.bar_index for d in vwap_reclaim(two_below, k=2)] == [4]
    wick = (98.9, 100.5, 98.7, 98.95, 1000.0)  # trades above VWAP, closes below: the run goes on
    assert [d.bar_index for d in vwap_reclaim(_bars([("2026-03-02 09:30", [FLAT, *BELOW, wick, RECLAIM])]))] == [5]


def test_one_per_direction_per_session_and_again_the_next_session() -> None:
    day = [FLAT, *BELOW, RECLAIM, *BELOW, RECLAIM]  # a second reclaim at bar 8 the same session
    bars = _bars([("2026-03-02 09:30", day), ("2026-03-03 09:30", [FLAT, *BELOW, RECLAIM])])
    line = session_vwap(bars, np.arange(9))
    assert (bars.close[5:8] < line[5:8]).all() and bars.close[8] > line[8]  # it would qualify
    assert [(d.direction, d.bar_index) for d in vwap_reclaim(bars)] == [("long", 4), ("long", 13)]


def test_no_entry_in_the_first_minutes_or_the_last_hour() -> None:
    assert vwap_reclaim(_bars([("2026-03-02 09:30", [*BELOW, RECLAIM])]), skip_first=20) == []
    assert vwap_reclaim(_bars([("2026-03-02 09:30", [*BELOW, RECLAIM])]), skip_first=15) != []
    assert vwap_reclaim(_bars([("2026-03-02 15:00", [FLAT, *BELOW, RECLAIM])])) == []  # 15:20 is in the last hour


def test_an_index_without_volume_has_no_vwap_and_no_detections() -> None:
    rows = [(*r[:4], 0.0) for r in [FLAT, *BELOW, RECLAIM, *_mirror([*BELOW, RECLAIM])]]
    bars = _bars([("2026-03-02 09:30", rows)], symbol="SPX")
    assert np.isnan(session_vwap(bars, np.arange(len(bars)))).all()
    assert vwap_reclaim(bars) == []


@needs_ibkr
def test_no_look_ahead_on_real_sessions() -> None:
    bars = real_session_bars("SPY")
    full = vwap_reclaim(bars)
    assert len(full) > 50
    sessions = {(int(bars.day[d.bar_index]), d.direction) for d in full}
    assert len(sessions) == len(full)  # one per session and direction
    assert_no_look_ahead(vwap_reclaim, bars, full)
