"""A recording's bar labels (start or end) told from the data: the GUI's File → Open
recording… has no label option, and a bar-end file replayed as bar-start is one bar late."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from data.bar_aggregation import et_day_and_minute
from data.providers.replay.recording import labels_bar_ends, load_recording
from tests.conftest import SHARED

END_FILES = sorted((SHARED / "data" / "bars_intraday" / "bar_end_labeled_1min_2019").glob("*.csv")) \
    if SHARED.exists() else []
START_FILES = sorted((SHARED / "data" / "bars_intraday" / "consolidated_rth_1min_2026").glob("*.csv")) \
    if SHARED.exists() else []


def _ts(*moments: str) -> np.ndarray:
    from zoneinfo import ZoneInfo

    et = ZoneInfo("America/New_York")
    return np.array([int(datetime.fromisoformat(m).replace(tzinfo=et).astimezone(UTC).timestamp())
                     for m in moments])


def test_the_sessions_first_bars_tell_the_label() -> None:
    starts = _ts("2026-03-02 09:30", "2026-03-02 09:31", "2026-03-03 09:30", "2026-03-03 09:31")
    ends = _ts("2026-03-02 09:31", "2026-03-02 09:32", "2026-03-03 09:31", "2026-03-03 09:32")
    assert not labels_bar_ends(starts, 60) and labels_bar_ends(ends, 60)
    five_end = _ts("2026-03-02 04:05", "2026-03-02 04:10", "2026-03-03 09:35")
    assert labels_bar_ends(five_end, 300)
    assert not labels_bar_ends(_ts("2026-03-02 04:00", "2026-03-03 09:30"), 300)


@pytest.mark.skipif(not END_FILES or not START_FILES, reason="../shared/data/bars_intraday not present (plain clone)")
@pytest.mark.parametrize("path", END_FILES[:2] + START_FILES[:2], ids=lambda p: Path(p).name)
def test_real_recordings_open_at_0930_whatever_their_labels(path: Path) -> None:
    bars = load_recording(path).bars  # label "auto"
    day, minute = et_day_and_minute(bars.ts)
    firsts = minute[np.r_[True, day[1:] != day[:-1]]]
    assert np.median(firsts) == 570  # 09:30 ET: the first bar holds 09:30–09:31
    explicit = load_recording(path, label="end" if path in END_FILES else "start").bars
    assert np.array_equal(explicit.ts, bars.ts)
