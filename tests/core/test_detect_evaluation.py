"""``app.core.setups.evaluation``, the ``ai-coach detect`` command's engine, on real recordings:
one pass over a whole file finds exactly what running it bar by bar "as if live" would (the
file cut at session boundaries and mid-session finds the whole file's detections before the
cut), the track records are ``analytics.setup_outcomes``' own, and bad input is one plain error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analytics.detectors.registry import DETECTORS
from analytics.setup_outcomes import outcome, track_records
from app.core.setups.detection_input import session_window
from app.core.setups.evaluation import ALL_SESSIONS, combine, evaluate_bars, evaluate_recording
from data.bar_aggregation import et_day_and_minute
from data.providers.replay.recording import RecordingError, load_recording
from tests.conftest import shared_path

INTRADAY = ("data", "bars_intraday")


def _spy_1min() -> Path:
    return shared_path(*INTRADAY, "consolidated_rth_1min_2026", "SPY_1min_20260122_20260306.csv")


def test_one_pass_equals_feeding_the_file_session_by_session_and_cut_mid_session(calendar) -> None:
    bars = load_recording(_spy_1min()).bars
    whole = evaluate_bars(bars, calendar)
    assert whole.sessions == 31 and whole.bars_count == len(bars) == 31 * 390
    assert {d.detector for d in whole.detections} >= {"opening_range_breakout", "level_test", "break_and_retest"}
    day, _minute = et_day_and_minute(bars.ts)
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    cuts = [int(s) for s in starts[2::5]] + [int(starts[7]) + 17, int(starts[20]) + 200, len(bars) - 1]
    for cut in cuts:
        part = evaluate_bars(bars.slice(0, cut), calendar)
        assert part.detections == [d for d in whole.detections if d.bar_index < cut], cut


def test_the_track_records_are_setup_outcomes_own_and_add_up(calendar) -> None:
    evaluation = evaluate_recording(_spy_1min(), calendar=calendar)
    window = session_window(load_recording(_spy_1min()).bars, calendar, ALL_SESSIONS)
    expected = track_records(evaluation.detections, window)
    assert evaluation.outcomes == [outcome(d, window) for d in evaluation.detections]  # read per session, the same
    assert list(evaluation.records_by_detector) == [spec.name for spec in DETECTORS]
    for name, record in evaluation.records_by_detector.items():
        if record.fired:
            assert _same(record, expected[name]), name
        assert record.targets + record.stops + record.open == record.fired
        fired = sum(1 for d in evaluation.detections if d.detector == name)
        assert record.fired <= fired
    total = combine(list(evaluation.records_by_detector.values()))
    assert total.fired == sum(o is not None for o in evaluation.outcomes)
    assert evaluation.records_by_detector["gamma_squeeze"].fired == 0  # no options snapshot in a recording


def _same(a, b) -> bool:
    return (a.fired, a.targets, a.stops, a.open) == (b.fired, b.targets, b.stops, b.open) and \
        a.average_r == pytest.approx(b.average_r, abs=1e-12)


def test_the_half_day_closes_at_13_on_the_calendar(calendar) -> None:
    path = shared_path(*INTRADAY, "ibkr_rth_5min_2025", "SPY_5min_20250512_20250912.csv")
    evaluation = evaluate_recording(path, label="start", calendar=calendar)
    assert evaluation.sessions == 86 and evaluation.bar_seconds == 300
    window = session_window(load_recording(path).bars, calendar, ALL_SESSIONS)
    half_day = window.day == np.datetime64("2025-07-03", "D").astype(np.int64)
    assert half_day.sum() == 42 and set(window.close_minute[half_day]) == {13 * 60}


def test_bar_end_labels_and_an_index_without_volume_are_said(calendar) -> None:
    folder = ("bar_end_labeled_1min_2019",)
    path = shared_path(*INTRADAY, *folder, "SPY_1min_20190211_20190215.csv")
    ends = evaluate_recording(path, label="end", calendar=calendar)
    assert ends.detections == evaluate_recording(path, calendar=calendar).detections  # auto tells them apart
    assert ends.sessions == 5 and ends.first_ts % 86400 == (14 * 60 + 30) * 60  # 09:30 EST, a bar start
    spx = evaluate_recording(shared_path(*INTRADAY, "index_spx_firstratedata_sample",
                                         "SPX_1min_20230316_20230331.csv"), calendar=calendar)
    assert any("SPX is an index without volume" in n and "--proxy-file" in n for n in spx.notes)
    gspc = shared_path(*INTRADAY, "yfinance_5min_2026", "GSPC_5m_20260521_20260814.csv")
    with_proxy = evaluate_recording(gspc, proxy_path=gspc.with_name("SPY_5m_20260521_20260814.csv"),
                                    calendar=calendar)
    assert with_proxy.symbol == "SPX" and any("SPY's volume stands in" in n for n in with_proxy.notes)


@pytest.mark.parametrize(("content", "message"), [
    (b"\x00\x01garbage\xff", "is not UTF-8 text"),
    (b"datetime,open,high\n2026-01-02 09:30,1,2\n", "lacks the column(s): low, close"),
    (b"datetime,open,high,low,close\nnot a time,1,2,0,1\n", "no row has a readable timestamp"),
])
def test_a_corrupt_recording_is_one_plain_error_naming_the_file(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "SPY_1min.csv"
    path.write_bytes(content)
    with pytest.raises(RecordingError, match=r"SPY_1min\.csv") as caught:
        evaluate_recording(path)
    assert message in str(caught.value)


def test_a_missing_file_and_an_unknown_zone_are_plain_errors(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="Recording not found"):
        evaluate_recording(tmp_path / "SPY_1min.csv")
    with pytest.raises(RecordingError, match="Unknown time zone 'Mars/Olympus'"):
        evaluate_recording(tmp_path / "SPY_1min.csv", tz="Mars/Olympus")
