"""The market context at a trade's entry, against a hand computation on real SPY minutes: prior-day
high/low/close, the 15-minute opening range and the session VWAP of the bars that closed before the
entry (the entry's own minute is still forming), and the options picture chosen before the entry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from analytics.trade_context import TradeContext, from_json, levels_at_entry, options_at_entry, to_json
from data.market_calendar import ET
from data.models import Bars
from data.store.records import OptionsContext
from tests.conftest import shared_path


@pytest.fixture(scope="module")
def spy() -> Bars:
    from data.providers.replay.recording import load_recording

    return load_recording(shared_path("data", "bars_intraday", "consolidated_rth_1min_2026",
                                      "SPY_1min_20260122_20260306.csv")).bars


def _day_rows(bars: Bars, day) -> np.ndarray:
    days = np.array([datetime.fromtimestamp(int(t), UTC).astimezone(ET).date() for t in bars.ts])
    return np.flatnonzero(days == day)


def test_levels_at_entry_match_a_hand_computation(spy: Bars) -> None:
    days = sorted({datetime.fromtimestamp(int(t), UTC).astimezone(ET).date() for t in spy.ts})
    prior, today = days[9], days[10]
    entry = datetime.combine(today, datetime.min.time(), ET).replace(hour=10, minute=17, second=41)
    p = _day_rows(spy, prior)
    t = _day_rows(spy, today)
    before = t[spy.ts[t] < int(entry.replace(second=0).timestamp())]
    assert len(before) == 47  # 09:30 … 10:16
    first15 = before[:15]
    typical = (spy.high[before] + spy.low[before] + spy.close[before]) / 3
    vwap = float((typical * spy.volume[before]).sum() / spy.volume[before].sum())

    got = levels_at_entry(spy, entry.astimezone(UTC))
    assert got is not None
    assert got.levels["PDH"] == pytest.approx(spy.high[p].max())
    assert got.levels["PDL"] == pytest.approx(spy.low[p].min())
    assert got.levels["PDC"] == pytest.approx(spy.close[p][-1])
    assert got.levels["ORH"] == pytest.approx(spy.high[first15].max())
    assert got.levels["ORL"] == pytest.approx(spy.low[first15].min())
    assert got.vwap == pytest.approx(vwap, rel=1e-12)
    assert got.price == pytest.approx(spy.close[before][-1])  # an option trade: the underlying's last close
    assert got.vwap_distance_pct == pytest.approx((got.price - vwap) / vwap * 100)
    nearest = min(got.levels.items(), key=lambda kv: abs(got.price - kv[1]))
    assert got.nearest is not None and got.nearest.name == nearest[0]
    assert got.nearest.distance == pytest.approx(got.price - nearest[1])

    stock = levels_at_entry(spy, entry.astimezone(UTC), price=500.0)  # a stock trade: its own fill
    assert stock is not None and stock.price == 500.0 and stock.vwap == got.vwap


def test_nothing_after_the_entry_minute_is_read(spy: Bars) -> None:
    entry = datetime.fromtimestamp(int(spy.ts[5000]) + 20, UTC)  # 20 s into a bar
    whole = levels_at_entry(spy, entry)
    cut = spy.slice(0, 5000)  # the entry's own bar and everything after it, gone
    assert whole == levels_at_entry(cut, entry)
    changed = Bars(spy.symbol, spy.timeframe, spy.ts, spy.open, spy.high * np.where(np.arange(len(spy)) >= 5000, 2, 1),
                   spy.low, spy.close, spy.volume)
    assert levels_at_entry(changed, entry) == whole


def test_no_prior_session_means_no_levels(spy: Bars) -> None:
    first_day = _day_rows(spy, datetime.fromtimestamp(int(spy.ts[0]), UTC).astimezone(ET).date())
    entry = datetime.fromtimestamp(int(spy.ts[first_day[30]]), UTC)
    assert levels_at_entry(spy, entry) is None
    assert levels_at_entry(spy, datetime.fromtimestamp(int(spy.ts[0]) - 3600, UTC)) is None


def _picture(at: datetime, spot: float = 600.0) -> OptionsContext:
    return OptionsContext("SPY", at, "massive", spot, "negative gamma", 598.0, 610.0, 590.0, 0.18, 42.0, 6.1, 0.55)


def test_the_options_picture_is_the_newest_before_the_entry_on_its_day() -> None:
    entry = datetime(2026, 3, 2, 15, 40, 30, tzinfo=UTC)  # 10:40 ET
    at = [entry - timedelta(minutes=m) for m in (45, 20, 3)] + [entry + timedelta(minutes=1)]
    pictures = [_picture(a) for a in at]
    assert options_at_entry(pictures, entry) == pictures[2]
    assert options_at_entry(pictures[:2], entry) == pictures[1]
    assert options_at_entry(pictures[:1], entry) is None  # 45 minutes old: another market
    assert options_at_entry(pictures[3:], entry) is None  # after the entry: not known then
    before_midnight = _picture(datetime(2026, 3, 3, 4, 50, tzinfo=UTC))  # 23:50 ET on the 2nd
    assert options_at_entry([before_midnight], datetime(2026, 3, 3, 5, 0, tzinfo=UTC)) is None  # 00:00 ET the 3rd
    assert options_at_entry([before_midnight], datetime(2026, 3, 3, 4, 55, tzinfo=UTC)) == before_midnight


def test_context_round_trips_through_json(spy: Bars) -> None:
    entry = datetime.fromtimestamp(int(spy.ts[5000]) + 20, UTC)
    context = TradeContext("SPY", entry, levels_at_entry(spy, entry), _picture(entry - timedelta(minutes=2)),
                           ("a note",))
    import json

    assert from_json(json.loads(json.dumps(to_json(context)))) == context
    bare = TradeContext("SPY", entry, None, None, ())
    assert from_json(to_json(bare)) == bare


def test_a_stored_context_of_another_shape_is_not_read(spy: Bars) -> None:
    from analytics.trade_context import readable, with_context
    from tests.analytics.journal_fixtures import made_trade

    entry = datetime.fromtimestamp(int(spy.ts[5000]) + 20, UTC)
    good = to_json(TradeContext("SPY", entry, levels_at_entry(spy, entry), None, ()))
    assert readable(good)
    broken = {**good, "levels": {"price": 1.0}}  # a field missing
    old = {k: v for k, v in good.items() if k != "version"}
    assert not readable(broken) and not readable(old)
    trade = made_trade(1, entry, 5, 10)
    (shown,) = with_context([trade], {trade.id: (broken, -1.0, 2.0)})
    assert shown.context is None and shown.mae is None  # made again by the context service, never a crash
