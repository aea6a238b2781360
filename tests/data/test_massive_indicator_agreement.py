"""Massive's own indicators against ours (``analytics.indicators``) on the same bars.

The recorded answers carry no matching aggregates (``../shared/fixtures/massive/v2/aggs`` holds only
AAPL 2005 and a grouped day), so the bars come from ``../shared/data`` (PROVENANCE.md): AAPL raw
daily closes from QuantConnect Lean (2a) for the EMA, SPY daily from Yahoo (2b, dividend-adjusted,
un-adjusted here from its own Dividends column) for the MACD. What the recordings show:

* **Window alignment**: Massive computes on the aggregates of ``underlying.url`` and seeds there
  (an EMA with the simple average of its first ``window`` closes, each of MACD's two EMAs with its
  own window). Started on that bar (``computed_from``) our EMA is Massive's to 1e-9; started 60
  bars earlier it is off by 0.27 at first, a gap that shrinks by 1 − α = 2/3 a bar (below 1e-6
  after 31 bars). ``analytics.indicators.macd`` seeds both EMAs at the long window (TA-Lib), so its
  line differs from Massive's by 0.0085 on 2022-08-10 and 0.0031 on 08-18, shrinking by 11/13 a bar.
* **Adjusted prices**: ``adjusted=false`` is the raw tape (Lean's raw closes match); ``adjusted=true``
  is split-adjusted only (AAPL's 2020-01-02 close 75.0875 = Lean's raw 300.35 / 4, the 4:1 split
  of 2020-08-31), not dividend-adjusted as Yahoo's closes are.
* **A bar still forming**: the MACD answer was recorded at 12:28 ET on 2022-08-19 (``underlying.url``
  ends there), so that day's value is of a partial bar: left out.
* Massive's MACD signal is an exact EMA (α = 2/11) of its line, but seeded while the long EMA was
  still warming up (it starts near 320 when the line is 7.5): 171 off on 2022-08-10 and shrinking
  by 9/11 a bar, it would be within 1e-6 of ours after about 95 more bars; the 8 recorded values
  cannot show agreement.
* The recorded RSI mock (values 172–174, not an RSI) and SMA mock (seconds for ms) have no usable
  values (tests/data/test_massive_indicators.py); the RSI is checked on Massive's documentation
  example for NDX instead, to 0.25 (its index closes are not Yahoo's).
"""

from __future__ import annotations

import csv
import json
import math
from datetime import datetime

import httpx
import numpy as np
import pytest

from analytics.indicators import ema, macd, rsi
from app.core.provider_indicators import align
from data.market_calendar import ET
from data.models import Bars, Timeframe
from data.providers.massive.client import MassiveClient
from data.providers.massive.indicator_parsers import parse_indicator, parse_indicator_underlying
from data.providers.massive.provider import MassiveProvider
from tests.conftest import shared_path

KEY = "agree-key-5e6f7a8b"


def _day(text: str) -> int:
    return int(datetime.fromisoformat(text[:10]).replace(tzinfo=ET).timestamp())


def _daily(symbol: str, *parts: str) -> tuple[Bars, list[dict]]:
    with shared_path(*parts).open() as fh:
        rows = list(csv.DictReader(fh))
    col = {k.lower(): k for k in rows[0]}

    def c(name: str) -> np.ndarray:
        return np.array([float(r[col[name]]) for r in rows])

    ts = np.array([_day(r[col.get("date", "Date")]) for r in rows], dtype=np.int64)
    return Bars(symbol, Timeframe.D1, ts, c("open"), c("high"), c("low"), c("close"), c("volume")), rows


def _fixture(rel: str) -> dict:
    return json.loads(shared_path("fixtures", "massive", *rel.split("/")).read_text())


async def _served(calendar, rel: str, *args, **kwargs):
    """The indicator as the provider returns it from the recorded answer."""
    body = shared_path("fixtures", "massive", *rel.split("/")).read_bytes()
    client = MassiveClient(KEY, transport=httpx.MockTransport(lambda _r: httpx.Response(200, content=body)))
    provider = MassiveProvider(calendar, KEY, client=client)
    try:
        return await provider.get_indicator(*args, **kwargs)
    finally:
        await provider.aclose()


async def test_ema_agrees_exactly_on_massive_s_own_bars_and_converges_from_longer_history(calendar) -> None:
    series = await _served(calendar, "v1/indicators/ema/AAPL__window_5_adjusted_false_timestamp.lte_1478393873000"
                           "_timestamp.gte_1477972800000.json", "AAPL", "ema", Timeframe.D1, (5,), adjusted=False)
    bars, _ = _daily("AAPL", "data", "bars_daily", "lean_raw_unadjusted", "AAPL_daily.csv")
    first, last = np.searchsorted(bars.ts, [series.computed_from, series.ts[-1]])
    same = bars.slice(int(first), int(last) + 1)  # 2016-10-25 … 2016-11-04: 9 bars, 4 after the seed
    assert same.ts[0] == _day("2016-10-25") and len(same) == 9
    ours = align(series, same.ts)
    assert ours.matched == 4
    on_same = ema(same.close, 5)[np.isfinite(ours.value)]
    assert np.abs(on_same - series.value).max() < 1e-9  # 1.4e-14 when written
    # the same EMA started 60 bars earlier: seeded elsewhere, it converges by 2/3 a bar
    longer = bars.slice(int(first) - 60, int(last) + 1)
    gap = ema(longer.close, 5)[-4:] - series.value
    assert abs(gap[0]) == pytest.approx(0.2704, abs=1e-4)
    np.testing.assert_allclose(gap[1:] / gap[:-1], 2 / 3, rtol=1e-9)
    assert math.ceil(math.log(1e-6 / abs(gap[0])) / math.log(2 / 3)) == 31  # bars until within 1e-6


def _unadjusted_spy(bars: Bars, rows: list[dict]) -> np.ndarray:
    """Yahoo's dividend-adjusted closes back to traded prices: each dividend D (ex-date e) scales the
    closes before e by 1 / (1 + k·D / adjusted close of e−1), k the factor after e."""
    factor, k = np.ones(len(bars)), 1.0
    for i in range(len(rows) - 1, 0, -1):
        dividend = float(rows[i]["Dividends"])
        if dividend > 0:
            k /= 1 + k * dividend / bars.close[i - 1]
        factor[i - 1] = k
    return bars.close / factor


async def test_macd_line_agrees_on_the_same_bars_and_traded_prices(calendar) -> None:
    series = await _served(calendar, "v1/indicators/macd/SPY__signal_window_10_long_window_20_timestamp.gt_2022-08-09"
                           ".json", "SPY", "macd", Timeframe.D1, (12, 20, 10))
    bars, rows = _daily("SPY", "data", "bars_daily", "yfinance_adjusted_etf", "SPY_daily.csv")
    close = _unadjusted_spy(bars, rows)
    first, last = np.searchsorted(bars.ts, [series.computed_from, _day("2022-08-18")])
    assert bars.ts[first] == _day("2022-07-12") and close[last] == pytest.approx(418.0, abs=10)
    window = close[first:last + 1]
    massive = series.value[:-1]  # 2022-08-10 … 2022-08-18 (08-19 was a partial bar when recorded)
    own_seeds = (ema(window, 12) - ema(window, 20))[-7:]
    assert np.abs(own_seeds - massive).max() < 5e-6  # 2.4e-6 when written: Yahoo's float32 closes
    talib_seeds = macd(window, 12, 20, 10)[0][-7:]
    gap = talib_seeds - own_seeds
    assert 0.0085 < np.abs(talib_seeds - massive).max() < 0.0086  # 0.0031 by 08-18
    np.testing.assert_allclose(gap[1:] / gap[:-1], 11 / 13, rtol=1e-9)  # the fast EMA's (1 − α)
    full = ema(close[first:first + 29], 12) - ema(close[first:first + 29], 20)
    assert abs(full[-1] - series.value[-1]) > 0.01  # the 08-19 value: of the bar at 12:28 ET


async def test_macd_signal_is_an_ema_of_massive_s_line_seeded_in_the_warm_up(calendar) -> None:
    s = parse_indicator([_fixture("v1/indicators/macd/SPY__signal_window_10_long_window_20_timestamp.gt_2022-08-09"
                                  ".json")], "SPY", "macd", Timeframe.D1, (12, 20, 10)).value
    alpha = 2 / 11
    np.testing.assert_allclose(s.signal[1:], alpha * s.value[1:] + (1 - alpha) * s.signal[:-1], atol=1e-9)
    assert s.signal[0] - s.value[0] > 170  # far from a line of ~7.5: seeded before the line was valid
    bars_to_agree = math.ceil(math.log(1e-6 / (s.signal[-1] - s.value[-1])) / math.log(1 - alpha))
    assert bars_to_agree == 88  # after the last recorded value (95 after the first)


async def test_rsi_on_massive_s_documentation_example(calendar) -> None:
    series = parse_indicator([_fixture("spec_examples/indices_rsi_I_NDX.json")], "NDX", "rsi", Timeframe.D1,
                             (14,)).value
    bars, _ = _daily("NDX", "data", "bars_daily", "yfinance_index", "NDX_daily.csv")
    first, last = np.searchsorted(bars.ts, [series.computed_from, series.ts[-1]])
    assert (bars.ts[first], bars.ts[last]) == (_day("2023-03-09"), _day("2023-06-20"))
    ours = rsi(bars.close[first:last + 1], 14)[-1]
    assert abs(ours - series.value[-1]) < 0.25  # 73.77 vs 73.98 (Wilder's RSI; other index closes)


def test_adjusted_means_split_adjusted() -> None:
    payload = _fixture("v1/indicators/sma/AAPL__window_30_timespan_quarter_timestamp_1483958600_expand_underlying_true"
                       ".json")
    massive = parse_indicator_underlying(payload, "AAPL", Timeframe.D1).value  # adjusted=true aggregates
    raw, _ = _daily("AAPL", "data", "bars_daily", "lean_raw_unadjusted", "AAPL_daily.csv")
    at = np.searchsorted(raw.ts, massive.ts)
    np.testing.assert_allclose(massive.close * 4, raw.close[at], atol=1e-9)  # 4:1 on 2020-08-31
