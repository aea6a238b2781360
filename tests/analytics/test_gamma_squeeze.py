"""Gamma squeeze: a hand-built GEX profile (strikes 99–102, the flip at 103, negative gamma under
it) and synthetic bars — a push into the call wall with rising volume is a long, the mirror into
the put wall a short; no profile, positive gamma (or the other sign convention), flat volume, a
weak close, an earlier bar than ``asof_index`` mean nothing; an index reads its proxy's volume;
and the real SPY session of 2025-09-03 against that morning's real Cboe snapshot."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from analytics.detectors.gamma_squeeze import gamma_squeeze, large_strikes
from analytics.detectors.session_bars import SessionBars
from analytics.gex import GexByStrike, GexConvention, GexProfile
from data.models import Bars, Timeframe
from tests.analytics.detector_checks import needs_ibkr, real_session_bars
from tests.conftest import shared_path

ET = ZoneInfo("America/New_York")
Bar = tuple[float, float, float, float, float]  # open, high, low, close, volume
STRIKES = np.array([99.0, 100.0, 101.0, 102.0])
NET = np.array([-3e8, 1e8, 5e8, 2e8])


def _profile(flip: float | None = 103.0, sign: float = 1.0, grid: bool = True) -> GexProfile:
    spots = np.linspace(90.0, 110.0, 201) if grid else np.empty(0)
    totals = sign * (spots - (flip or 103.0)) * 1e8  # negative under the flip (sign 1)
    calls, puts = np.clip(NET, 0, None), np.clip(NET, None, 0)
    return GexProfile(spot=100.3, convention=GexConvention.DEALER_LONG_CALLS_SHORT_PUTS, units="$ per 1% move",
                      total=sign * -2.7e8, regime="negative gamma" if sign > 0 else "positive gamma", flip=flip,
                      flip_note="", call_wall=101.0, put_wall=99.0, abs_gamma_strike=101.0, max_gex_strike=101.0,
                      by_strike=GexByStrike(STRIKES, calls, puts, NET), grid_spot=spots, grid_total=totals,
                      contracts_used=8)


BASE = [(100.3, 100.4, 100.2, 100.3, 1000.0)] * 20  # 09:30–11:05, quiet
PUSH = [(100.3, 100.5, 100.25, 100.45, 2000.0), (100.45, 100.7, 100.4, 100.7, 2000.0),
        (100.7, 100.95, 100.6, 100.9, 2000.0)]  # 11:10–11:20, twice the volume, into 101


def _bars(rows: list[Bar], symbol: str = "SPY") -> SessionBars:
    start = int(datetime(2026, 3, 3, 9, 30, tzinfo=ET).timestamp())
    ts = start + 300 * np.arange(len(rows))
    cols = list(zip(*rows, strict=True))
    return SessionBars.from_bars(Bars(symbol, Timeframe.M5, ts, *(np.array(c) for c in cols)))


def _mirror(rows: list[Bar]) -> list[Bar]:
    return [(200 - o, 200 - lo, 200 - h, 200 - c, v) for o, h, lo, c, v in rows]


def test_the_large_strikes_are_the_walls_and_the_largest_net_strikes() -> None:
    assert large_strikes(_profile()) == {
        "long": {"call_wall": 101.0, "gamma_strike_99": 99.0, "gamma_strike_102": 102.0},
        "short": {"put_wall": 99.0, "gamma_strike_101": 101.0, "gamma_strike_102": 102.0}}


def test_a_push_into_the_call_wall_in_negative_gamma_with_rising_volume_is_a_long() -> None:
    (d,) = gamma_squeeze(_bars([*BASE, *PUSH]), _profile())
    assert (d.direction, d.bar_index, d.entry, d.stop) == ("long", 22, 100.9, 100.25)  # the push's low
    assert d.targets == (102.0,)  # the next large strike (the flip, 3.5 R away, is beyond the 3 R cap)
    assert d.levels == {"call_wall": 101.0, "flip": 103.0}
    assert d.time == int(datetime(2026, 3, 3, 11, 25, tzinfo=ET).timestamp())
    values = {p.name: p.value for p in d.parts}
    assert values["volume"] == 1.0 and values["strike"] == 1.0
    assert values["proximity"] == pytest.approx(1 - 0.1 / 0.202)  # 0.10 under, tolerance 0.202
    assert values["close"] == pytest.approx(1 - (1 - 0.3 / 0.35) / 0.4)  # 86 % up its range
    assert sum(p.weight for p in d.parts) == pytest.approx(1.0) and 0 < d.confidence <= 1
    assert d.evidence == ("SPY pushed from below into the call wall 101.00 where dealers are short gamma, closing "
                          "100.90 on 2.0x its recent volume (GEX from the latest options snapshot).")


def test_the_mirror_into_the_put_wall_is_a_short_with_1r_2r_without_a_strike_below() -> None:
    (d,) = gamma_squeeze(_bars(_mirror([*BASE, *PUSH])), _profile())
    assert (d.direction, d.entry, d.stop, d.levels) == ("short", 99.1, 99.75, {"put_wall": 99.0, "flip": 103.0})
    assert d.targets == pytest.approx((98.45, 97.8))


def test_nothing_without_a_profile_in_positive_gamma_or_without_the_push() -> None:
    bars = _bars([*BASE, *PUSH])
    assert gamma_squeeze(bars, None) == []  # replay / evaluation: no snapshot, no detection
    assert gamma_squeeze(bars, _profile(flip=100.5)) == []  # 100.90 is above the flip: positive gamma
    assert gamma_squeeze(bars, _profile(sign=-1.0)) == []  # the other sign convention flips the regime
    assert len(gamma_squeeze(bars, _profile(flip=None, grid=False))) == 1  # no grid: the total's sign (−)
    flat = [(*b[:4], 1000.0) for b in PUSH]
    assert gamma_squeeze(_bars([*BASE, *flat]), _profile()) == []  # volume not rising
    weak = [*PUSH[:2], (100.7, 101.2, 100.6, 100.8, 2000.0)]  # through 101 and back: closes mid-range
    assert gamma_squeeze(_bars([*BASE, *weak]), _profile()) == []
    short_of = [*PUSH[:2], (100.6, 100.8, 100.55, 100.78, 2000.0)]  # 0.22 under 101: beyond 0.2 %
    assert gamma_squeeze(_bars([*BASE, *short_of]), _profile()) == []


def test_only_bars_from_asof_index_on_are_decided() -> None:
    later = (100.9, 100.95, 100.8, 100.85, 1000.0)
    bars = _bars([*BASE, *PUSH, later])
    assert gamma_squeeze(bars, _profile()) == []  # the profile applies to the newest bar only
    assert [d.bar_index for d in gamma_squeeze(bars, _profile(), asof_index=22)] == [22]
    assert [d.bar_index for d in gamma_squeeze(bars, _profile(), asof_index=0)] == [22]


def test_an_index_reads_its_proxys_volume_and_has_nothing_without_one() -> None:
    rows = [*BASE, *PUSH]
    index = _bars([(*b[:4], 0.0) for b in rows], symbol="SPX")
    assert gamma_squeeze(index, _profile()) == []  # no volume to rise
    (d,) = gamma_squeeze(index, _profile(), proxy=_bars(rows))
    assert "on 2.0x its recent volume (volume from SPY, the index has none)" in d.evidence


@needs_ibkr
def test_the_real_spy_session_against_that_mornings_snapshot() -> None:
    from analytics.gex import gex_profile
    from data.files.cboe import load_quotedata

    path = shared_path("data", "option_chains", "cboe_quotedata", "SPY_20250903_0924ET_quotedata.csv")
    chain, spot, _asof = load_quotedata(path)
    profile = gex_profile(chain, spot)  # Cboe's gammas, as the chain panel shows them (issue #15)
    assert (profile.regime, profile.call_wall, profile.put_wall) == ("negative gamma", 650.0, 635.0)
    bars = real_session_bars("SPY")
    rows = np.flatnonzero(bars.day == date(2025, 9, 3).toordinal() - date(1970, 1, 1).toordinal())
    walk = [d for i in rows for d in gamma_squeeze(bars.head(int(i) + 1), profile)]  # as the service runs it
    assert walk == []
    # Re-priced from IV at 09:24 the call wall read 643, which SPY pressed on rising volume in the
    # last half hour; Cboe's own gammas (as of the close before) put it at 650, never reached.
    late = [d for i in rows for d in gamma_squeeze(bars.head(int(i) + 1), profile, last_entry_before_close=10)]
    assert late == []
