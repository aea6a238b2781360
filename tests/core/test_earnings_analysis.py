"""The earnings-analysis service: one record from the chain, the bars and the calendar; every
missing part a reason in words; cached 4 h of market time (the historical rows in the store)."""

from __future__ import annotations

import csv
import math
from dataclasses import fields
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from app.core.earnings.analysis import EarningsAnalysisService
from data.models import Bars, Quote, Timeframe
from data.option_chain import OptionChain
from data.providers.errors import ProviderError
from data.store import provider_cache
from data.store.database import Store
from data.store.records import EarningsEvent
from tests.analytics.option_fixtures import make_chain
from tests.conftest import shared_path

NOW = datetime(2026, 12, 3, 17, 0, tzinfo=UTC)  # Thu 12:00 ET
REPORT = EarningsEvent("AAPL", date(2026, 12, 3), "amc", "demo")  # reaction: Fri Dec 4
FRI, NEXT, LATER = date(2026, 12, 4), date(2026, 12, 11), date(2026, 12, 18)


def _chain() -> OptionChain:
    """Friday's expiry carries the event (80 %), the next ones 45 % and 40 %."""
    parts = [make_chain("AAPL", 250.0, strikes=range(200, 301, 5), listings=[(d, "AAPL")], sigma=s, asof=NOW)
             for d, s in ((FRI, 0.80), (NEXT, 0.45), (LATER, 0.40))]
    cols = {f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(OptionChain)
            if f.name not in ("underlying", "asof")}
    return OptionChain("AAPL", NOW, **cols)


def _aapl_bars() -> Bars:
    rows = {}
    with shared_path("data", "earnings", "benkaiser_earnings_window_daily_bars.csv").open(newline="") as f:
        for r in csv.DictReader(f):
            if r["ticker"] == "AAPL" and int(r["bar_timestamp_unix"]) != 1730743755:  # not the partial bar
                rows[r["bar_date"]] = (int(r["bar_timestamp_unix"]),
                                       *(float(r[k]) for k in ("open", "high", "low", "close", "volume")))
    a = np.array(sorted(rows.values()))
    return Bars("AAPL", Timeframe.D1, a[:, 0].astype(np.int64), a[:, 1], a[:, 2], a[:, 3], a[:, 4], a[:, 5])


def _past() -> list[EarningsEvent]:
    with shared_path("data", "earnings", "benkaiser_earnings_events.csv").open(newline="") as f:
        return [EarningsEvent("AAPL", date.fromisoformat(r["earnings_date"]), "amc", "massive")
                for r in csv.DictReader(f) if r["ticker"] == "AAPL"]


class FakeProvider:
    name, real_prices, chain_refresh_s = "fake", True, 15.0

    def __init__(self, bars: Bars | None = None, chain: OptionChain | None = None) -> None:
        self.bars, self.chain, self.asked = bars, chain, []
        self.now = NOW
        self.clock = SimpleNamespace(now=lambda: self.now)

    async def get_quote(self, symbol):
        return Quote(symbol, int(NOW.timestamp()), 250.0, 249.9, 250.1, 248.0, 1e6)

    async def get_bars(self, symbol, timeframe, start=None, end=None, *, extended=False):
        self.asked.append(("bars", timeframe, start, end))
        if self.bars is None:
            raise ProviderError(f"no daily bars for {symbol}")
        return self.bars

    async def get_option_chain(self, underlying, expiration=None):
        self.asked.append(("chain",))
        if self.chain is None:
            raise ProviderError(f"{underlying} has no listed options here")
        return self.chain

    async def get_expirations(self, underlying):
        return [] if self.chain is None else self.chain.expirations()


@pytest.fixture
def store(tmp_path: Path):
    store = Store.open(tmp_path)
    yield store
    store.close()


def _service(provider, store, calendar, next_event=REPORT, past=None):
    async def nxt(symbol):
        if isinstance(next_event, Exception):
            raise next_event
        return next_event

    async def pst(symbol):
        return _past() if past is None else past

    return EarningsAnalysisService(lambda: provider, store, calendar, nxt, pst, lambda: provider.now)


async def test_full_analysis(store, calendar):
    provider = FakeProvider(_aapl_bars(), _chain())
    a = await _service(provider, store, calendar).analysis("AAPL")
    assert a.reason == "" and a.reaction == FRI and a.event == REPORT and a.asof == NOW
    assert a.implied.expiry == FRI and a.implied.straddle > 0
    assert a.event_vol.method == "term structure" and (a.event_vol.expiry1, a.event_vol.expiry2) == (FRI, NEXT)
    assert a.post_ivs[FRI] == pytest.approx(a.event_vol.ex_event_vol) and a.post_ivs[FRI] < 0.45
    assert a.summary.count == 8 and a.summary.mean_abs_close_pct == pytest.approx(2.62, abs=0.01)
    assert a.summary.basis == "today's implied move" and a.history[0].report_date == date(2024, 10, 31)
    assert [i.name for i in a.ideas] == ["long straddle", "long strangle", "iron condor", "calendar"]
    grid = a.crush["long straddle"]
    assert grid.pnl.shape == (25, 5) and grid.scenarios[1].label == "implied post-event IV"
    assert grid.valued_at == calendar.session(FRI).open
    assert grid.pnl[12, 1] < 0  # no move, IV crushed: the straddle loses


async def test_cached_four_hours_of_market_time_and_history_in_the_store(store, calendar):
    provider = FakeProvider(_aapl_bars(), _chain())
    service = _service(provider, store, calendar)
    first = await service.analysis("AAPL")
    assert await service.analysis("AAPL") is first
    rows = await store.run(lambda s: provider_cache.get(s, "earnings:analysis:moves:fake:AAPL", NOW,
                                                        timedelta(hours=4)))
    assert len(rows) == 84 and rows[0]["report_date"] == "2024-10-31"
    bar_asks = sum(1 for a in provider.asked if a[0] == "bars")
    provider.now = NOW + timedelta(hours=3)
    assert await service.analysis("AAPL") is first
    fresh = await _service(provider, store, calendar).analysis("AAPL")  # a new service: rows from the store
    assert fresh is not first and sum(1 for a in provider.asked if a[0] == "bars") == bar_asks
    provider.now = NOW + timedelta(hours=5)
    assert await service.analysis("AAPL") is not first
    assert await service.analysis("AAPL", force=True) is not first


async def test_implied_move_is_remembered_for_the_history(store, calendar):
    provider = FakeProvider(_aapl_bars(), _chain())
    before = await _service(provider, store, calendar).analysis("AAPL")
    kept = await store.run(lambda s: provider_cache.get(s, "earnings:implied:AAPL", NOW, timedelta(days=1)))
    assert kept == {"2026-12-03": round(before.implied.straddle_pct, 4)}


async def test_missing_parts_become_reasons(store, calendar):
    no_options = FakeProvider(_aapl_bars(), None)
    a = await _service(no_options, store, calendar).analysis("AAPL")
    assert "No option chain for AAPL: AAPL has no listed options here" in a.reason
    assert a.implied is None and a.ideas == () and a.summary.count == 8
    no_bars = FakeProvider(None, _chain())
    no_bars.name = "other"  # (the first one's rows are in the store)
    b = await _service(no_bars, store, calendar).analysis("AAPL")
    assert "No daily bars for AAPL: no daily bars for AAPL" in b.reason and b.history == () and b.implied
    c = await _service(FakeProvider(_aapl_bars(), _chain()), store, calendar, next_event=None, past=[]).analysis("MSFT")
    assert "No upcoming report for MSFT" in c.reason and "No past reports for MSFT" in c.reason
    d = await _service(FakeProvider(_aapl_bars(), _chain()), store, calendar,
                       next_event=RuntimeError("Alpha Vantage says: invalid key")).analysis("NVDA")
    assert "Could not read the next report of NVDA: Alpha Vantage says: invalid key" in d.reason


async def test_unknown_timing_is_said(store, calendar):
    unknown = EarningsEvent("AAPL", date(2026, 12, 3), "unknown", "massive")
    a = await _service(FakeProvider(_aapl_bars(), _chain()), store, calendar, next_event=unknown).analysis("AAPL")
    assert a.reaction == FRI and a.notes[0].startswith("Report time unknown") and not math.isnan(a.spot)


async def test_a_scenario_of_the_traders_own(store, calendar):
    service = _service(FakeProvider(_aapl_bars(), _chain()), store, calendar)
    a = await service.analysis("AAPL")
    base = a.crush["calendar"]
    grid = await service.crush(a, "calendar", points=35)
    assert [s.label for s in grid.scenarios] == [s.label for s in base.scenarios] + ["−35 vol points"]
    assert np.array_equal(grid.pnl[:, :-1], base.pnl) and grid.value_now == base.value_now
    assert grid.scenarios[-1].ivs == pytest.approx(tuple(iv - 0.35 for iv in base.scenarios[0].ivs))
    again = await service.crush(a, "calendar", points=20)  # already there: moved last, not twice
    labels = [s.label for s in again.scenarios]
    assert sorted(labels) == sorted(s.label for s in base.scenarios) and labels[-1] == "−20 vol points"
    half = await service.crush(a, "long straddle", fraction=0.3)
    assert half.scenarios[-1].label == "IV × 0.30"
    for bad in ({"points": -5}, {"fraction": 0}, {}, {"points": 1, "fraction": 0.5}):
        with pytest.raises(ValueError, match="IV drop"):
            await service.crush(a, "calendar", **bad)
    with pytest.raises(ValueError, match="No butterfly"):
        await service.crush(a, "butterfly", points=5)


async def test_another_provider_is_asked_afresh(store, calendar):
    first, second = FakeProvider(_aapl_bars(), _chain()), FakeProvider(_aapl_bars(), _chain())
    current = [first]
    service = EarningsAnalysisService(lambda: current[0], store, calendar, lambda s: _async(REPORT),
                                      lambda s: _async(_past()), lambda: NOW)
    a = await service.analysis("AAPL")
    current[0] = second
    b = await service.analysis("AAPL")
    assert b is not a and ("chain",) in second.asked


async def _async(value):
    return value


async def test_no_implied_move_is_kept_once_the_report_is_priced_in(store, calendar):
    """A report before the open: from 09:30 that day its straddle is already crushed, so it is not
    remembered as the move implied before the report (an after-close one: until that day's close)."""
    provider = FakeProvider(_aapl_bars(), _chain())
    bmo = EarningsEvent("AAPL", date(2026, 12, 3), "bmo", "demo")  # NOW is 12:00 ET that day
    analysis = await _service(provider, store, calendar, next_event=bmo).analysis("AAPL")
    assert analysis.event == bmo
    assert await store.run(lambda s: provider_cache.get(s, "earnings:implied:AAPL", NOW, timedelta(days=1))) is None
