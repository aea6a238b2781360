"""What every detector's tests share: the real IBKR sessions in ../shared (skipped, saying why,
in a plain clone) and the no-look-ahead check (cutting the future off never changes the past)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from analytics.detections import Detection
from analytics.detectors.session_bars import SessionBars
from tests.conftest import SHARED

IBKR = SHARED / "data" / "bars_intraday" / "ibkr_rth_5min_2025"
needs_ibkr = pytest.mark.skipif(not IBKR.exists(), reason="../shared/data/bars_intraday not present (plain clone)")


def real_session_bars(symbol: str) -> SessionBars:
    from data.providers.replay.recording import load_recording

    path = next(IBKR.glob(f"{symbol}_5min_*.csv"))
    return SessionBars.from_bars(load_recording(path).bars)


def assert_no_look_ahead(detect: Callable[[SessionBars], list[Detection]], bars: SessionBars,
                         full: list[Detection]) -> None:
    """``detect`` on the bars cut at seven points finds exactly the detections of ``full`` before the cut."""
    for cut in range(len(bars) // 7, len(bars), len(bars) // 7):
        assert detect(bars.head(cut)) == [d for d in full if d.bar_index < cut], cut
