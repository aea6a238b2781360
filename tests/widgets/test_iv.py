"""IV statistics on a real Cboe chain, the daily IV store, the recording service and the panel."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from analytics.iv_summary import constant_maturity_iv, iv_summary
from analytics.option_time import expiry_times
from analytics.volatility import ExpiryVol, iv_rank
from app.core.bus import EventBus
from app.core.iv_history import IvHistoryService
from app.core.option_pricing import load_option_pricing
from data.files.cboe import load_quotedata, quotes_time
from data.market_calendar import ET
from data.providers.demo.provider import DemoProvider
from data.providers.sim_clock import SimClock
from data.store import iv_history
from data.store.database import Store
from tests.conftest import shared_path
from tests.gui_helpers import options, run_app, until
from widgets.iv_panel import IvPanel


def test_real_spx_chain_term_structure_skew_and_30_day_iv(qtbot, calendar) -> None:
    chain, spot, asof = load_quotedata(shared_path("data", "option_chains", "cboe_quotedata",
                                                   "SPX_20230914_1631ET_quotedata.csv"))
    when = quotes_time(asof, calendar)
    T = expiry_times(chain.expiry, chain.root, when, lambda d: calendar.session(d).close.astimezone(ET)
                     if calendar.is_session(d) else datetime(d.year, d.month, d.day, 16, tzinfo=ET))
    s = iv_summary(chain, spot, T, 0.053)
    assert len(s.term.points) > 10 and s.term.shape in ("contango", "backwardation", "flat")
    rr = [a.risk_reversal for (a, _b), p in zip(s.skews, s.term.points, strict=False)
          if a is not None and p.T * 365 > 7]
    assert len(rr) >= 3 and all(x > 0 for x in rr)  # SPX beyond the first week: puts richer than calls
    assert 0.08 < s.atm_30d < 0.25  # mid-September 2023: VIX ~13-14
    days = [p.T * 365 for p in s.term.points]
    assert min(days) < 30 < max(days)
    panel = IvPanel()
    qtbot.addWidget(panel)
    panel.show_summary("SPX", s)
    assert panel.atm.text() == f"{100 * s.atm_30d:.1f} %" and panel.skews.rowCount() == len(s.skews)
    assert panel.skews.item(0, 7).text() == s.skews[0][0].reading
    proxy = iv_rank(s.atm_30d, np.array([]), 100 * np.exp(np.cumsum(np.random.default_rng(1).normal(0, .01, 300))))
    panel.show_rank(proxy, 3)
    assert "Proxy" in panel.basis.text() and "3 so far" in panel.basis.text()
    real = iv_rank(0.15, np.linspace(0.1, 0.3, 80))
    panel.show_rank(real, 80)
    assert panel.rank.text() == "25" and "80 stored days" in panel.basis.text()


def test_constant_maturity_interpolates_total_variance() -> None:
    a, b = ExpiryVol(date(2026, 12, 4), 10 / 365, 100.0, 0.0, 0.20), ExpiryVol(date(2027, 1, 3), 40 / 365, 100.0,
                                                                                0.0, 0.30)
    expected = np.sqrt(((1 / 3) * 0.2**2 * 10 + (2 / 3) * 0.3**2 * 40) / 30)  # 30 d is 2/3 of the way
    assert constant_maturity_iv([a, b], 30) == pytest.approx(expected)
    assert constant_maturity_iv([a, b], 5) == 0.20 and constant_maturity_iv([a, b], 60) == 0.30


def test_the_store_keeps_one_value_per_day(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    try:
        at = datetime(2026, 11, 25, 15, tzinfo=UTC)
        store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 24), 0.14, at - timedelta(days=1)))
        store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 25), 0.15, at))
        store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 25), 0.16, at + timedelta(hours=1)))
        rows = store.run_sync(lambda s: iv_history.history(s, "SPY"))
        assert [(d, iv) for d, iv, _at in rows] == [(date(2026, 11, 24), 0.14), (date(2026, 11, 25), 0.16)]
        with pytest.raises(ValueError):
            store.run_sync(lambda s: iv_history.record(s, "SPY", date(2026, 11, 25), float("nan"), at))
        assert store.run_sync(lambda s: iv_history.history(s, "QQQ")) == []
    finally:
        store.close()


async def test_the_service_records_every_watched_symbol_once_a_day_and_late(tmp_path: Path, calendar) -> None:
    store = Store.open(tmp_path)
    clock = SimClock(datetime(2026, 11, 25, 11, 0, tzinfo=ET), 1.0, lambda: 0.0)
    provider = DemoProvider(calendar, clock=clock, option_pricing=load_option_pricing)
    service = IvHistoryService(provider, store, EventBus(), calendar, lambda: {"SPY", "AAPL"})
    try:
        await service.sweep()
        first = {sym: await store.run(lambda s, sym=sym: iv_history.history(s, sym)) for sym in ("SPY", "AAPL")}
        assert all(len(v) == 1 and 0.05 < v[0][1] < 1.0 for v in first.values())
        await service.sweep()  # same morning: nothing new
        clock.jump_to(datetime(2026, 11, 25, 15, 50, tzinfo=ET))
        await service.sweep()  # after 15:45: the day's value is refreshed near the close
        late = await store.run(lambda s: iv_history.history(s, "SPY"))
        assert len(late) == 1 and late[0][2] > first["SPY"][0][2]
    finally:
        await provider.aclose()
        store.close()


def test_panel_in_the_app_ranks_with_a_proxy_at_first(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        panel = c.window.panels["iv"]
        await until(lambda: panel.summary is not None and panel.rank.text() != "—", timeout=15)
        assert "Proxy" in panel.basis.text()
        await until(lambda: bool(c.engine.context.store.run_sync(lambda s: iv_history.history(s, "SPY"))))

    assert run_app(options(tmp_path), scenario) == 0
