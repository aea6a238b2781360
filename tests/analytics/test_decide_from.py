"""``DetectorInputs.decide_from`` (the live runner's unseen bars): every detector decides only bars
from that index on and finds there exactly what the whole run finds — the earlier bars still
count as context and for the one-per-session filters — on real sessions, on synthetic
extended-hours bars (pre-market levels, ties on the cent, zero and missing volume) and together
with a cut of the future (no look-ahead)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.gamma_squeeze import gamma_squeeze
from analytics.detectors.registry import DETECTORS, DetectorInputs, run_all, run_latest
from analytics.detectors.session_bars import SessionBars
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import needs_ibkr, real_session_bars
from tests.analytics.test_gamma_squeeze import BASE, PUSH, _bars, _profile

ET = ZoneInfo("America/New_York")


def _extended_hours(seed: int, volume: str = "normal") -> SessionBars:
    """Six days of 1-minute bars 04:00–20:00 ET with a few missing, on a cent grid."""
    rng = np.random.default_rng(seed)
    days = [datetime(2026, 3, d, 4, 0, tzinfo=ET) for d in (2, 3, 4, 5, 6, 9)]
    ts = np.array([int(d.timestamp()) + 60 * m for d in days for m in range(16 * 60)])
    ts = ts[rng.random(len(ts)) > 0.03]
    close = np.round(100 + np.cumsum(rng.standard_normal(len(ts)) * 0.04), 2)
    open_ = np.round(np.r_[close[0], close[:-1]] + rng.integers(-2, 3, len(ts)) * 0.01, 2)
    high = np.round(np.maximum(open_, close) + np.abs(rng.standard_normal(len(ts))) * 0.03, 2)
    low = np.round(np.minimum(open_, close) - np.abs(rng.standard_normal(len(ts))) * 0.03, 2)
    vol = np.round(rng.lognormal(8, 1, len(ts))) * np.where(rng.random(len(ts)) < 0.02, 8, 1)
    if volume == "zero":
        vol = np.zeros(len(ts))
    elif volume == "missing":
        vol[rng.random(len(ts)) < 0.05] = np.nan
    return SessionBars.from_bars(Bars("SYN", Timeframe.M1, ts, open_, high, low, close, vol))


def _cuts(bars: SessionBars) -> list[int]:
    """Bars to decide from: each session's open, a bar inside it, its last bar and past the end."""
    starts = bars.session_starts()
    regular = np.flatnonzero(bars.regular)
    opens = regular[np.searchsorted(regular, starts)[np.searchsorted(regular, starts) < len(regular)]]
    inside = (opens + 37)[opens + 37 < len(bars)]
    return sorted({0, 1, *opens.tolist(), *inside.tolist(), *(starts[1:] - 1).tolist(), len(bars) - 1, len(bars)})


def _assert_decides_from(bars: SessionBars, cuts: list[int]) -> None:
    for spec in DETECTORS:
        full = spec.run(bars, DetectorInputs())
        for cut in cuts:
            assert spec.run(bars, DetectorInputs(decide_from=cut)) == [d for d in full if d.bar_index >= cut], \
                (spec.name, cut)


@pytest.mark.parametrize(("seed", "volume"), [(1, "normal"), (2, "zero"), (3, "missing")])
def test_every_detector_decides_only_from_the_bar_given_on_extended_hours_bars(seed: int, volume: str) -> None:
    bars = _extended_hours(seed, volume)
    assert any(len(spec.run(bars, DetectorInputs())) for spec in DETECTORS)
    _assert_decides_from(bars, _cuts(bars))


@needs_ibkr
def test_every_detector_decides_only_from_the_bar_given_on_real_sessions() -> None:
    bars = real_session_bars("SPY")
    _assert_decides_from(bars, _cuts(bars)[::7])


@needs_ibkr
def test_with_the_future_cut_off_too_and_through_the_live_path() -> None:
    bars = real_session_bars("QQQ")
    full = run_all(bars)
    starts = bars.session_starts()
    for end in starts[12::11].tolist():
        cut = bars.head(end + 200)
        for since in (end - 1, end + 30, end + 199):
            live = run_latest(cut, DetectorInputs(decide_from=since))
            assert live == [d for d in run_latest(cut) if d.bar_index >= since], (end, since)
            assert run_all(cut, DetectorInputs(decide_from=since)) == \
                [d for d in full if since <= d.bar_index < end + 200], (end, since)


def test_the_gamma_squeeze_with_a_profile() -> None:
    bars = _bars([*BASE, *PUSH, (100.9, 100.95, 100.8, 100.85, 1000.0)])
    (d,) = gamma_squeeze(bars, _profile(), asof_index=0)
    assert d.bar_index == 22
    assert gamma_squeeze(bars, _profile(), asof_index=0, decide_from=22) == [d]
    assert gamma_squeeze(bars, _profile(), asof_index=0, decide_from=23) == []
