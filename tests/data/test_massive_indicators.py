"""Massive's own indicators (``/v1/indicators/*``): the parser on the recorded answers, the requests the
provider sends, pagination, and malformed payloads (only ``MassivePayloadError``)."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime

import httpx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from data.models import Timeframe
from data.providers.base import IndicatorsProvider
from data.providers.massive.client import MassiveClient
from data.providers.massive.errors import MassiveError, MassivePayloadError
from data.providers.massive.indicator_parsers import parse_indicator, parse_indicator_underlying, underlying_from
from data.providers.massive.provider import MassiveProvider
from tests.conftest import SHARED

IND = SHARED / "fixtures" / "massive" / "v1" / "indicators"
needs_fixtures = pytest.mark.skipif(not IND.exists(), reason="../shared/fixtures/massive not present (plain clone)")
KEY = "ind-key-0a1b2c3d4e"
EMA = "ema/AAPL__window_5_adjusted_false_timestamp.lte_1478393873000_timestamp.gte_1477972800000.json"
MACD = "macd/SPY__signal_window_10_long_window_20_timestamp.gt_2022-08-09.json"
RSI = "rsi/AAPL__window_20_timespan_minute_adjusted_true_timestamp.gt_2022-08-18.json"
SMA = "sma/AAPL__window_30_timespan_quarter_timestamp_1483958600_expand_underlying_true.json"


def fx(rel: str) -> dict:
    return json.loads((IND / rel).read_text())


def et_midnight(day: str) -> int:
    from data.market_calendar import ET

    return int(datetime.fromisoformat(day).replace(tzinfo=ET).timestamp())


@needs_fixtures
def test_ema_values_oldest_first_on_et_midnight_bars() -> None:
    parsed = parse_indicator([fx(EMA)], "AAPL", "ema", Timeframe.D1, (5,), adjusted=False)
    s = parsed.value
    assert parsed.dropped == 0 and len(s) == 4 and s.windows == (5,) and not s.adjusted
    assert [int(t) for t in s.ts] == [et_midnight(d) for d in ("2016-11-01", "2016-11-02", "2016-11-03", "2016-11-04")]
    assert s.value[0] == pytest.approx(113.90733333333334) and s.value[-1] == pytest.approx(110.96883950617286)
    assert len(s.signal) == len(s.histogram) == 0
    # underlying.url: /range/1/day/1477368000000/… → the warm-up began with the 2016-10-25 bar
    assert s.computed_from == et_midnight("2016-10-25")


@needs_fixtures
def test_macd_carries_line_signal_and_histogram() -> None:
    s = parse_indicator([fx(MACD)], "SPY", "macd", Timeframe.D1, (12, 20, 10)).value
    assert len(s) == 8 and np.all(np.diff(s.ts) > 0)
    assert s.ts[0] == et_midnight("2022-08-10") and s.ts[-1] == et_midnight("2022-08-19")
    assert s.value[-1] == pytest.approx(6.912856964275647) and s.signal[-1] == pytest.approx(49.504484615884834)
    np.testing.assert_allclose(s.histogram, s.value - s.signal, atol=1e-12)  # histogram = line − signal
    # from 2022-07-13 00:00 UTC: inside the 2022-07-12 bar (00:00 ET … 00:00 ET)
    assert s.computed_from == et_midnight("2022-07-12")


@needs_fixtures
def test_an_rsi_outside_0_to_100_is_not_an_rsi() -> None:
    """The recorded RSI mock's 37 values are 172–174 (AAPL's price then, not an RSI): all dropped."""
    parsed = parse_indicator([fx(RSI)], "AAPL", "rsi", Timeframe.M1, (20,))
    assert len(parsed.value) == 0 and parsed.dropped == 37
    ok = {"results": {"values": [{"timestamp": 1660928400000, "value": 55.5}, {"timestamp": 1660928460000,
                                                                              "value": 100.0}]}}
    assert list(parse_indicator([ok], "AAPL", "rsi", Timeframe.M1).value.value) == [55.5, 100.0]


@needs_fixtures
def test_timestamps_in_seconds_are_dropped_and_underlying_aggregates_read() -> None:
    """The SMA mock stamps its values in Unix seconds (1578027600): dropped. Its underlying
    aggregates (expand_underlying=true) are real AAPL daily bars, split-adjusted."""
    parsed = parse_indicator([fx(SMA)], "AAPL", "sma", Timeframe.D1, (30,))
    assert len(parsed.value) == 0 and parsed.dropped == 3
    bars = parse_indicator_underlying(fx(SMA), "AAPL", Timeframe.D1).value
    assert len(bars) == 2 and bars.ts[0] == et_midnight("2020-01-02") and bars.close[0] == 75.0875
    assert len(parse_indicator_underlying(fx(EMA), "AAPL", Timeframe.D1).value) == 0  # not expanded


def test_pages_merge_sorted_one_value_per_bar() -> None:
    t0 = 1_699_999_980_000  # a minute start, in ms

    def page(*minutes: int) -> dict:
        return {"results": {"values": [{"timestamp": t0 + 60_000 * m, "value": float(m + 1)} for m in minutes]}}

    parsed = parse_indicator([page(2, 1), page(1, 0), {"status": "OK"}], "SPY", "ema", Timeframe.M1)
    assert list(parsed.value.value) == [1.0, 2.0, 3.0] and parsed.dropped == 1  # the repeated bar
    assert list(parsed.value.ts) == [t0 // 1000, t0 // 1000 + 60, t0 // 1000 + 120]


@pytest.mark.parametrize("payload", [[], "x", {"results": []}, {"results": {"values": {}}}, {"results": 3}])
def test_wrong_shapes_are_payload_errors(payload: object) -> None:
    with pytest.raises(MassivePayloadError):
        parse_indicator([payload], "SPY", "sma", Timeframe.D1)


def test_bad_rows_are_dropped_and_counted() -> None:
    rows = [{"timestamp": 1700000000000, "value": None}, {"timestamp": 1e999, "value": 1.0}, [1, 2],
            {"timestamp": True, "value": 1.0}, {"timestamp": 1700000000000, "value": 1.0, "signal": 2.0},
            {"timestamp": 1699999980000 + 60_000, "value": 1.0, "signal": 2.0, "histogram": -1.0}]
    parsed = parse_indicator([{"results": {"values": rows}}], "SPY", "macd", Timeframe.M1)
    assert len(parsed.value) == 1 and parsed.dropped == 5  # MACD needs a signal and a histogram


@pytest.mark.parametrize(("url", "expected"), [
    ("https://x/v2/aggs/ticker/AAPL/range/1/day/1477368000000/1478393873000?adjusted=false", "2016-10-25"),
    ("https://x/v2/aggs/ticker/AAPL/range/1/day/2016-10-25/2016-11-04", "2016-10-25"),
    ("https://x/v2/aggs/ticker/AAPL/range/1/day/1477368000/1478393873", None),  # seconds: not said
    ("https://x/v2/aggs/ticker/AAPL", None), (None, None)])
def test_underlying_from(url: object, expected: str | None) -> None:
    got = underlying_from({"url": url}, Timeframe.D1)
    assert got == (et_midnight(expected) if expected else None)


json_values = st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(max_size=8),
                           lambda children: st.lists(children, max_size=4)
                           | st.dictionaries(st.sampled_from(["results", "values", "underlying", "url", "timestamp",
                                                              "value", "signal", "histogram", "aggregates"]),
                                             children, max_size=5), max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(json_values, st.sampled_from(["sma", "ema", "rsi", "macd"]), st.sampled_from([Timeframe.M1, Timeframe.D1]))
def test_the_parsers_raise_nothing_but_their_own_error(payload: object, name: str, timeframe: Timeframe) -> None:
    with contextlib.suppress(MassivePayloadError):
        parse_indicator([payload], "SPY", name, timeframe)
    with contextlib.suppress(MassivePayloadError):
        parse_indicator_underlying(payload, "SPY", timeframe)


def _provider(calendar, handler) -> MassiveProvider:
    return MassiveProvider(calendar, KEY, client=MassiveClient(KEY, transport=httpx.MockTransport(handler)))


@needs_fixtures
async def test_the_provider_requests_the_documented_endpoint(calendar) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=(IND / MACD).read_bytes())

    provider = _provider(calendar, handler)
    assert isinstance(provider, IndicatorsProvider) and Timeframe.D1 in provider.indicator_timeframes
    start = datetime(2022, 8, 9, 4, tzinfo=UTC)
    series = await provider.get_indicator("spy", "MACD", Timeframe.D1, (12, 20, 10), limit=8, start=start)
    assert len(series) == 8 and series.symbol == "SPY"
    again = await provider.get_indicator("SPY", "macd", Timeframe.D1, (12, 20, 10), limit=8, start=start)
    assert again is series and len(seen) == 1  # cached for a while
    (request,) = seen
    assert request.url.path == "/v1/indicators/macd/SPY"
    assert dict(request.url.params) == {"timespan": "day", "adjusted": "true", "series_type": "close",
                                        "order": "desc", "limit": "8", "short_window": "12", "long_window": "20",
                                        "signal_window": "10", "timestamp.gte": "1660017600000"}
    assert request.headers["Authorization"] == f"Bearer {KEY}" and KEY not in str(request.url)
    await provider.aclose()


async def test_pages_follow_next_url_until_the_limit(calendar) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        page = len(seen)
        values = [{"timestamp": 1700000000000 + 60_000 * (10 - page * 2 - i), "value": float(page)} for i in range(2)]
        body = {"results": {"values": values}, "next_url": f"https://api.massive.com/v1/indicators/ema/I:SPX?cursor=p{page}"}
        return httpx.Response(200, json=body)

    provider = _provider(calendar, handler)
    series = await provider.get_indicator("SPX", "ema", Timeframe.M1, (21,), limit=12_000)
    assert len(seen) == 3 and seen[0].url.path == "/v1/indicators/ema/I:SPX" and seen[0].url.params["limit"] == "5000"
    assert seen[1].url.params["cursor"] == "p1" and "window" not in seen[1].url.params  # next_url as given
    assert len(series) == 6 and np.all(np.diff(series.ts) == 60) and list(series.value[-2:]) == [1.0, 1.0]
    await provider.aclose()


@pytest.mark.parametrize(("name", "tf", "windows", "text"), [
    ("vwap", Timeframe.D1, (), "no indicator 'vwap'"), ("ema", Timeframe.M5, (9,), "1-minute or daily bars, not 5m"),
    ("ema", Timeframe.H1, (9,), "not 1h"), ("macd", Timeframe.D1, (26, 12, 9), "shorter"),
    ("rsi", Timeframe.D1, (14, 2), "1 whole window")])
async def test_what_massive_cannot_serve_is_said_before_asking(calendar, name, tf, windows, text) -> None:
    provider = _provider(calendar, lambda r: pytest.fail("no request expected"))
    with pytest.raises(MassiveError, match=text):
        await provider.get_indicator("SPY", name, tf, windows)
    await provider.aclose()


@needs_fixtures
async def test_an_answer_with_no_readable_value_is_a_clear_error(calendar) -> None:
    provider = _provider(calendar, lambda r: httpx.Response(200, content=(IND / RSI).read_bytes()))
    with pytest.raises(MassiveError, match=r"RSI of AAPL had 37 values and none readable .*RSI within 0–100"):
        await provider.get_indicator("AAPL", "rsi", Timeframe.M1, (20,))
    await provider.aclose()
