"""The replay provider on the real recordings in ../shared/data/bars_intraday."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from data.bar_aggregation import et_day_and_minute
from data.models import Bar, Quote, Timeframe
from data.providers.base import MarketDataProvider
from data.providers.errors import ProviderError
from data.providers.replay.provider import ReplayProvider
from data.providers.replay.recording import RecordingError, load_recording
from data.providers.sim_clock import SimClock
from tests.conftest import SHARED, shared_path

INTRADAY = sorted((SHARED / "data" / "bars_intraday").glob("*/*.csv")) if SHARED.exists() else []
needs_data = pytest.mark.skipif(not INTRADAY, reason="../shared/data/bars_intraday not present (plain clone)")


def _label(path: Path) -> str:
    return "end" if path.parent.name.startswith("bar_end") else "start"


@needs_data
@pytest.mark.parametrize("path", INTRADAY, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_recording_loads_with_its_conventions(path: Path) -> None:
    rec = load_recording(path, label=_label(path))
    bars = rec.bars
    assert rec.report.dropped == 0 and np.all(np.diff(bars.ts) > 0)
    _day, minute = et_day_and_minute(bars.ts)
    if "rth" in path.parent.name or "bar_end" in path.parent.name or "yfinance" in path.parent.name:
        # the first regular bar starts 09:30 ET whatever the file's labels (VIX's first prints
        # come a minute or two late, per PROVENANCE)
        assert minute.min() == 570 or (bars.symbol == "VIX" and minute.min() <= 573)
    if path.parent.name.startswith("lean"):
        assert minute.min() < 570  # extended hours kept
    expected = Timeframe.M5 if "5m" in path.name or "5min" in path.name else Timeframe.M1
    assert bars.timeframe is expected


# fastparquet's writer (test side only) uses an accessor pandas 3.1 deprecates for tz-aware columns
@pytest.mark.filterwarnings("ignore:Series.values returning an ndarray that drops timezone")
@pytest.mark.parametrize("datetime_kind", ["text", "naive", "aware", "index"])
def test_parquet_recordings_give_the_same_bars_as_csv(tmp_path: Path, datetime_kind: str) -> None:
    import fastparquet
    import pandas as pd

    csv_path = shared_path("data", "bars_intraday", "consolidated_rth_1min_2026", "SPY_1min_20260122_20260306.csv")
    frame = pd.read_csv(csv_path, nrows=2_000)
    small_csv = tmp_path / "SPY_1min.csv"
    frame.to_csv(small_csv, index=False)
    if datetime_kind != "text":
        frame["datetime"] = pd.to_datetime(frame["datetime"])
    if datetime_kind in ("aware", "index"):  # a timezone-aware column needs no --replay-tz
        frame["datetime"] = frame["datetime"].dt.tz_localize("America/New_York")
    if datetime_kind == "index":
        frame = frame.set_index("datetime")
    parquet = tmp_path / "SPY_1min.parquet"
    fastparquet.write(str(parquet), frame, write_index=datetime_kind == "index")
    from_csv, from_parquet = load_recording(small_csv).bars, load_recording(parquet).bars
    assert from_parquet.symbol == "SPY" and len(from_parquet) == 2_000
    for field in ("ts", "open", "high", "low", "close", "volume"):
        np.testing.assert_array_equal(getattr(from_parquet, field), getattr(from_csv, field))


def test_bad_recordings_are_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "XYZ_1min.csv"
    bad.write_text("when,price\n2026-01-02 09:30,1\n")
    with pytest.raises(RecordingError, match="lacks the column"):
        load_recording(bad)
    with pytest.raises(RecordingError, match="not found"):
        load_recording(tmp_path / "missing.csv")
    not_parquet = tmp_path / "SPY_1min.parquet"
    not_parquet.write_text("this is not parquet")
    with pytest.raises(RecordingError, match=r"SPY_1min\.parquet as Parquet"):
        load_recording(not_parquet)
    odd = tmp_path / "12 weird.csv"
    odd.write_text("datetime,open,high,low,close\n2026-01-02 09:30,1,1,1,1\n")
    with pytest.raises(RecordingError, match="symbol"):
        load_recording(odd)


class Wall:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def _provider(path: Path, speed: float = 1000.0) -> tuple[ReplayProvider, Wall]:
    from data.market_calendar import default_calendar

    wall = Wall()
    probe = ReplayProvider(default_calendar(), path, label=_label(path))
    clock = SimClock(probe.default_start(), speed, wall)
    return ReplayProvider(default_calendar(), path, label=_label(path), clock=clock), wall


@needs_data
def test_a_replayed_session_streams_exactly_the_recorded_bars() -> None:
    path = shared_path("data", "bars_intraday", "consolidated_rth_1min_2026", "SPY_1min_20260122_20260306.csv")
    provider, wall = _provider(path)
    assert isinstance(provider, MarketDataProvider)
    stream = provider.open_stream()
    stream.subscribe(["SPY"])
    start = provider.clock.now()
    closed: list[Bar] = []
    quotes: list[Quote] = []
    while wall.t < 30:  # 30 wall seconds at 1000x = 8h20m of replay time: one whole session
        wall.t += 0.05
        for e in stream.collect(provider.clock.now()):
            if isinstance(e, Bar) and e.closed:
                closed.append(e)
            elif isinstance(e, Quote):
                quotes.append(e)
    rec = provider.bars
    first = int(np.searchsorted(rec.ts, int(start.timestamp())))
    session = rec.slice(first, first + 390)
    got = closed[:390]
    assert [b.ts for b in got] == session.ts.tolist()
    for col in ("open", "high", "low", "close", "volume"):
        assert [getattr(b, col) for b in got] == getattr(session, col).tolist()
    assert quotes[-1].last == closed[-1].close


@needs_data
def test_history_pause_step_seek_and_symbol_checks() -> None:
    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "AAPL_5min_20250512_20250912.csv")
    provider, wall = _provider(path, speed=60.0)
    now = provider.clock.now()
    history = provider.bars_at(Timeframe.M5, None, None, now)
    assert history.ts[-1] == int(now.timestamp())  # the first bar of day 2 is forming (open only)
    assert history.close[-1] == history.open[-1]
    hourly = provider.bars_at(Timeframe.H1, None, None, now)
    assert len(hourly) >= 7
    with pytest.raises(ProviderError, match="cannot be made"):
        provider.bars_at(Timeframe.M1, None, None, now)
    provider.pause()
    frozen = provider.clock.now()
    wall.t += 100
    assert provider.clock.now() == frozen
    provider.step()
    assert provider.clock.now() == frozen + timedelta(minutes=5)
    provider.resume()
    wall.t += 1
    assert provider.clock.now() == frozen + timedelta(minutes=6)
    target = datetime(2025, 7, 3, 15, 0, tzinfo=UTC)  # the half day
    provider.seek(target)
    assert provider.clock.now() - target < timedelta(minutes=2)
    quote = provider.quote_at(target)
    assert quote.symbol == "AAPL" and quote.prev_close > 0
    import asyncio

    with pytest.raises(ProviderError, match="holds AAPL only"):
        asyncio.run(provider.get_bars("MSFT", Timeframe.M5))


@needs_data
def test_idle_gaps_are_skipped_when_streaming() -> None:
    import asyncio

    path = shared_path("data", "bars_intraday", "ibkr_rth_5min_2025", "SPY_5min_20250512_20250912.csv")
    provider, _wall = _provider(path, speed=1.0)
    provider.seek(datetime(2025, 5, 13, 20, 10, tzinfo=UTC))  # 16:10 ET: the evening gap

    async def first_event() -> object:
        stream = provider.open_stream()
        stream.subscribe(["SPY"])
        async for e in stream:
            await stream.aclose()
            return e
        return None

    asyncio.run(first_event())
    assert provider.clock.now() >= datetime(2025, 5, 14, 13, 30, tzinfo=UTC)  # next 09:30 ET


def test_cli_requires_a_file_for_replay() -> None:
    from app.cli import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--provider", "replay"])
    assert parse_args(["--replay-file", "x.csv"]).provider == "replay"


@needs_data
@pytest.mark.parametrize("path", INTRADAY, ids=lambda p: f"{p.parent.name}/{p.name}")
async def test_the_chart_loads_every_recording_at_its_own_resolution(path: Path) -> None:
    from app.core.chart_data import ChartDataService, current_session_day

    provider, wall = _provider(path)
    wall.t += 3 * 24 * 3600 / 1000  # three days into the recording at 1000x: prior-day levels exist
    timeframe = provider.bars.timeframe
    snap = await ChartDataService(provider).load(provider.symbol, timeframe)
    assert len(snap.bars) > 0 and snap.timeframe is timeframe  # a 5-minute file needs no 1-minute bars
    day, minute = et_day_and_minute(snap.bars.ts)
    assert np.all((minute >= 570) & (minute < 960))  # regular session unless extended hours are asked for
    # the levels are those of the replay clock's session (its prior day: the last one before it)
    today = current_session_day(None, provider.clock.now())
    earlier = np.unique(day[day < today])
    labels = dict(snap.overlays.levels)
    if len(earlier):  # prior-day levels from the regular session before the current one
        assert labels["PDH"] == pytest.approx(snap.bars.high[day == earlier[-1]].max())
        assert labels["PDL"] == pytest.approx(snap.bars.low[day == earlier[-1]].min())
    else:  # a one-day recording has no prior day
        assert "PDH" not in labels
    extended = await ChartDataService(provider).load(provider.symbol, timeframe, extended=True)
    assert len(extended.bars) >= len(snap.bars)
    if path.parent.name.startswith("lean"):  # these files carry pre-market and after-hours trades
        assert len(extended.bars) > len(snap.bars)
    if timeframe is Timeframe.M5:
        with pytest.raises(ProviderError, match="1m cannot be made"):  # finer than the file: said clearly
            await ChartDataService(provider).load(provider.symbol, Timeframe.M1)
