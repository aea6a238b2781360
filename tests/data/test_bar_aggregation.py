import csv
from datetime import datetime

import numpy as np
import pytest

from data.bar_aggregation import aggregate, et_day_and_minute
from data.market_calendar import ET
from data.models import Bars, Timeframe
from tests.conftest import shared_path, utc


def _read_et_csv(path, symbol: str, timeframe: Timeframe) -> Bars:
    rows = list(csv.DictReader(path.open()))
    ts = [int(datetime.fromisoformat(r["datetime"]).replace(tzinfo=ET).timestamp()) for r in rows]
    cols = {k: [float(r[k]) for r in rows] for k in ("open", "high", "low", "close")}
    vol = [float(r.get("volume") or 0) for r in rows]
    return Bars(symbol, timeframe, ts, cols["open"], cols["high"], cols["low"], cols["close"], vol)


def test_real_spx_one_minute_bars_aggregate_to_the_vendors_five_minute_bars() -> None:
    folder = ("data", "bars_intraday", "index_spx_firstratedata_sample")
    one = _read_et_csv(shared_path(*folder, "SPX_1min_20230316_20230331.csv"), "SPX", Timeframe.M1)
    five = _read_et_csv(shared_path(*folder, "SPX_5min_20230316_20230331.csv"), "SPX", Timeframe.M5)
    ours = aggregate(one, Timeframe.M5)
    common, i_ours, i_vendor = np.intersect1d(ours.ts, five.ts, return_indices=True)
    assert len(common) >= 0.99 * len(five)
    for col in ("open", "high", "low", "close"):
        np.testing.assert_allclose(getattr(ours, col)[i_ours], getattr(five, col)[i_vendor], rtol=0, atol=1e-9)


def test_hourly_buckets_anchor_at_the_open_and_keep_true_extremes() -> None:
    start = int(utc(2026, 11, 25, 14, 30).timestamp())  # 09:30 ET
    n = 390
    ts = start + 60 * np.arange(n)
    rng = np.random.default_rng(1)
    close = 100 + np.cumsum(rng.standard_normal(n))
    bars = Bars("X", Timeframe.M1, ts, close, close + 1, close - 1, close, np.ones(n))
    hourly = aggregate(bars, Timeframe.H1)
    labels = [datetime.fromtimestamp(int(t), ET).strftime("%H:%M") for t in hourly.ts]
    assert labels == ["09:30", "10:30", "11:30", "12:30", "13:30", "14:30", "15:30"]
    assert hourly.high[0] == pytest.approx((close[:60] + 1).max())
    assert hourly.low[-1] == pytest.approx((close[360:] - 1).min())
    assert hourly.volume.sum() == n
    daily = aggregate(bars, Timeframe.D1)
    assert len(daily) == 1 and daily.open[0] == close[0] and daily.close[0] == close[-1]
    assert datetime.fromtimestamp(int(daily.ts[0]), ET).strftime("%Y-%m-%d %H:%M") == "2026-11-25 00:00"


def test_et_minutes_are_dst_correct() -> None:
    ts = np.array([int(utc(2026, 3, 6, 14, 30).timestamp()), int(utc(2026, 3, 9, 13, 30).timestamp())])
    _day, minute = et_day_and_minute(ts)
    assert list(minute) == [570, 570]


def test_only_coarser_multiples_can_be_aggregated() -> None:
    with pytest.raises(ValueError, match="cannot aggregate 5m bars to 1m"):
        aggregate(Bars.empty("X", Timeframe.M5), Timeframe.M1)
    with pytest.raises(ValueError, match="cannot aggregate 1D"):
        aggregate(Bars.empty("X", Timeframe.D1), Timeframe.H1)
    assert len(aggregate(Bars.empty("X", Timeframe.M5), Timeframe.H1)) == 0
