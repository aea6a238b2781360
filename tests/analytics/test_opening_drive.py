"""Opening drive: an up drive against five quiet sessions and its plan, the down mirror, each
condition failing on its own, an index with zero volume reading its proxy's (and saying so),
and the real sessions: SPY / AAPL, the SPX index beside SPY (Yahoo) and the FirstRateData SPX
sample without any volume."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.opening_drive import VOLUME_PROXY, opening_drive
from analytics.detectors.session_bars import SessionBars
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import assert_no_look_ahead, needs_ibkr, real_session_bars
from tests.conftest import shared_path

ET = ZoneInfo("America/New_York")
Bar = tuple[float, float, float, float, float]  # open, high, low, close, volume
TIMES = ("09:30", "09:35", "09:40", "09:45", "09:50", "09:55")
QUIET = [(100.0, 100.5, 99.5, 100.0, 1000.0)] * 6  # an opening range of 1.00 on 6,000 shares
DRIVE = [(100.0, 100.3, 99.98, 100.25, 2000.0), (100.25, 100.5, 100.2, 100.45, 2000.0),
         (100.45, 100.6, 100.35, 100.4, 2000.0), (100.4, 100.7, 100.38, 100.65, 2000.0),
         (100.65, 100.9, 100.6, 100.85, 2000.0), (100.85, 101.0, 100.8, 100.9, 2000.0)]


DATES = ("2026-04-06", "2026-04-07", "2026-04-08", "2026-04-09", "2026-04-10", "2026-04-13")


def _bars(days: list[list[Bar]], symbol: str = "SPY", skip: int = 0) -> SessionBars:
    """One session per day of ``days`` from ``DATES[skip]`` on, the bars from 09:30 on."""
    rows = [(f"{date} {t}", *b) for date, day in zip(DATES[skip:], days, strict=True)
            for t, b in zip(TIMES, day, strict=False)]
    ts = [int(datetime.fromisoformat(t).replace(tzinfo=ET).timestamp()) for t, *_ in rows]
    cols = list(zip(*[r[1:] for r in rows], strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, np.array(ts), *(np.array(c) for c in cols)))


def _mirror(day: list[Bar]) -> list[Bar]:
    return [(200 - o, 200 - lo, 200 - h, 200 - c, v) for o, h, lo, c, v in day]


def test_an_up_drive_is_a_long_with_the_stop_at_the_drives_midpoint() -> None:
    (d,) = opening_drive(_bars([*[QUIET] * 5, DRIVE]))  # Mon-Fri quiet, the drive on Monday 13 April
    assert (d.direction, d.bar_index, d.entry) == ("long", 35, 100.9)
    assert d.stop == pytest.approx(100.49) and d.targets == pytest.approx((101.31, 101.72))
    assert d.time == int(datetime(2026, 4, 13, 10, 0, tzinfo=ET).timestamp())  # the end of the A period
    assert d.levels == pytest.approx({"open": 100.0, "drive_high": 101.0, "drive_low": 99.98, "midpoint": 100.49})
    assert {p.name: p.value for p in d.parts}["volume"] == 1.0  # twice the usual opening volume
    assert sum(p.weight for p in d.parts) == pytest.approx(1.0) and 0 < d.confidence <= 1
    assert d.evidence == ("SPY drove up 0.90% from its 100.00 open in the first 30 minutes (0.9x its usual "
                          "opening range), never more than 0.05 % back through the open, on 2.0x its usual "
                          "opening volume.")


def test_a_down_drive_is_the_mirror() -> None:
    (d,) = opening_drive(_bars([*[QUIET] * 5, _mirror(DRIVE)]))
    assert (d.direction, d.entry) == ("short", 99.1)
    assert d.stop == pytest.approx(99.51) and d.targets == pytest.approx((98.69, 98.28))


def test_each_condition_failing_alone_means_no_drive() -> None:
    through = [(100.0, 100.3, 99.9, 100.25, 2000.0), *DRIVE[1:]]  # 0.10 % back under the open
    faded = [*DRIVE[:5], (100.85, 101.0, 100.55, 100.62, 2000.0)]  # gives back 37 % of the range
    choppy = [DRIVE[0], *[(b[3] + 0.1, max(b[1], b[3] + 0.1), *b[2:]) for b in DRIVE[1:4]], *DRIVE[4:]]  # 3 of 6 up
    for day, loosened in ((through, {"hold_pct": 0.0011}), (faded, {"pullback": 0.4}), (choppy, {"one_sided": 0.5})):
        assert opening_drive(_bars([*[QUIET] * 5, day])) == []
        assert len(opening_drive(_bars([*[QUIET] * 5, day]), **loosened)) == 1  # that condition alone
    assert opening_drive(_bars([*[QUIET] * 5, DRIVE]), move=1.0) == []  # 0.90 < 1.0 × the usual range
    assert opening_drive(_bars([*[QUIET] * 4, DRIVE], skip=1)) == []  # four sessions to compare only
    assert opening_drive(_bars([*[QUIET] * 5, DRIVE[:5]])) == []  # the A period has not ended


def test_an_index_without_volume_reads_its_proxy_and_says_so() -> None:
    days = [*[QUIET] * 5, DRIVE]
    index = _bars([[(*b[:4], 0.0) for b in day] for day in days], symbol="SPX")
    (d,) = opening_drive(index, proxy=_bars(days, symbol=VOLUME_PROXY["SPX"]))
    assert {p.name: p.value for p in d.parts}["volume"] == 1.0
    assert d.evidence.endswith("on 2.0x its usual opening volume (volume from SPY, the index has none).")
    (alone,) = opening_drive(index)
    assert {p.name: p.value for p in alone.parts}["volume"] == 0.5
    assert alone.evidence.endswith("(no volume: an index without a proxy).")
    assert VOLUME_PROXY == {"SPX": "SPY", "NDX": "QQQ"}


def _check_plans(bars: SessionBars, found: list) -> None:
    for d in found:
        sign = 1 if d.direction == "long" else -1
        assert sign * (d.entry - d.stop) > 0 and all(sign * (t - d.entry) > 0 for t in d.targets)
        assert 0 <= d.confidence <= 1 and bars.minute[d.bar_index] == bars.open_minute[d.bar_index] + 25
    days = [int(bars.day[d.bar_index]) for d in found]
    assert len(set(days)) == len(days)  # at most one per session


@needs_ibkr
@pytest.mark.parametrize(("symbol", "count"), [("SPY", 15), ("AAPL", 1), ("QQQ", 16)])
def test_real_sessions_plans_and_no_look_ahead(symbol: str, count: int) -> None:
    bars = real_session_bars(symbol)
    full = opening_drive(bars)
    assert len(full) == count
    _check_plans(bars, full)
    assert_no_look_ahead(opening_drive, bars, full)


def test_the_spx_index_beside_spy_reads_spys_volume() -> None:
    from data.providers.replay.recording import load_recording

    folder = shared_path("data", "bars_intraday", "yfinance_5min_2026")
    spx = SessionBars.from_bars(load_recording(folder / "GSPC_5m_20260521_20260814.csv", symbol="SPX").bars)
    spy = SessionBars.from_bars(load_recording(folder / "SPY_5m_20260521_20260814.csv").bars)
    full = opening_drive(spx, proxy=spy)
    assert full and all("(volume from SPY, the index has none)" in d.evidence for d in full)
    _check_plans(spx, full)
    assert_no_look_ahead(lambda b: opening_drive(b, proxy=spy), spx, full)


def test_the_firstratedata_spx_sample_has_no_volume_at_all() -> None:
    from data.providers.replay.recording import load_recording

    path = shared_path("data", "bars_intraday", "index_spx_firstratedata_sample", "SPX_5min_20230316_20230331.csv")
    bars = SessionBars.from_bars(load_recording(path).bars)
    full = opening_drive(bars)
    assert len(full) == 2 and all(d.evidence.endswith("(no volume: an index without a proxy).") for d in full)
    _check_plans(bars, full)
