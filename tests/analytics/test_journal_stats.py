"""Dashboard statistics: definitions pinned by hand, and every figure recomputed by plain loops on
random trades (hypothesis)."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import linregress

from analytics.journal_stats import breakdown, dte_bucket, filter_trades, stats
from analytics.journal_trades import group_trades
from tests.analytics.journal_fixtures import made_trade, tos_trade_history
from tests.conftest import shared_path

NY = ZoneInfo("America/New_York")
T0 = datetime(2024, 3, 8, 14, 30, tzinfo=UTC)  # the Friday before the spring DST switch


def trades_of(pnls: list[float], **kw):
    return [made_trade(i, T0 + timedelta(hours=i), 10, p, **kw) for i, p in enumerate(pnls)]


def test_definitions_by_hand() -> None:
    s = stats(trades_of([100, -50, 0.4, 200, -150, -25, 0.0]))
    assert (s.trades, s.wins, s.losses, s.scratches) == (7, 2, 3, 2)
    assert s.win_rate == pytest.approx(2 / 5)  # scratches out of the denominator
    assert s.profit_factor == pytest.approx(300 / 225)  # scratches in neither sum
    assert s.expectancy == pytest.approx(150 * 2 / 7 - 75 * 3 / 7)  # P over all 7, scratches dilute
    assert (s.average_win, s.average_loss, s.largest_win, s.largest_loss) == (150, -75, 200, -150)
    # cumulative 100, 50, 50.4, 250.4, 100.4, 75.4, 75.4: the largest fall is 250.4 → 75.4
    assert s.max_drawdown == pytest.approx(175) and s.max_drawdown_pct == pytest.approx(175 / 250.4)
    assert (s.longest_win_streak, s.longest_loss_streak) == (1, 2)  # the scratch between wins breaks a run
    assert s.net_pnl == pytest.approx(75.4) and list(s.equity)[-1] == pytest.approx(75.4)
    assert s.sqn is None and s.average_r is None


def test_profit_factor_and_drawdown_edge_cases() -> None:
    assert math.isnan(stats([]).profit_factor) and math.isnan(stats([]).win_rate) and stats([]).trades == 0
    assert stats(trades_of([10, 20])).profit_factor == math.inf
    assert math.isnan(stats(trades_of([0.5, -0.5])).profit_factor)  # only scratches
    assert stats(trades_of([-10, 20])).max_drawdown == 10
    assert math.isnan(stats(trades_of([-10, 20])).max_drawdown_pct)  # a fall from the start: no peak
    assert stats(trades_of([10, 20])).max_drawdown == 0
    gross = stats([made_trade(0, T0, 5, 10, fees=2), made_trade(1, T0, 6, -12, fees=3)], basis="gross")
    assert gross.profit_factor == pytest.approx(12 / 9)
    open_one = [made_trade(0, T0, 5, 10), made_trade(1, T0, 5, -99, closed=False)]
    assert stats(open_one).trades == 1


def test_sqn_needs_thirty_trades_with_r() -> None:
    rs = [1.0, -1.0, 2.0] * 10
    s = stats(trades_of([r * 100 for r in rs], r=None))
    assert s.sqn is None
    with_r = [made_trade(i, T0 + timedelta(hours=i), 10, r * 100, r=r) for i, r in enumerate(rs)]
    s = stats(with_r)
    assert s.sqn == pytest.approx(math.sqrt(30) * statistics.mean(rs) / statistics.stdev(rs))
    assert s.average_r == pytest.approx(statistics.mean(rs))
    assert stats(with_r[:29]).sqn is None


def test_daily_pnl_uses_new_york_dates() -> None:
    late = datetime(2024, 3, 5, 20, 50, tzinfo=NY).astimezone(UTC)  # 01:50 UTC the next day
    s = stats([made_trade(0, late, 5, 40), made_trade(1, late + timedelta(hours=12), 5, -10)])
    assert s.daily_pnl == ((date(2024, 3, 5), 40), (date(2024, 3, 6), -10))


def test_the_thinkorswim_golden_statistics() -> None:
    fills = tos_trade_history(shared_path("data", "broker_exports", "thinkorswim",
                                          "2022-06-21_account_trade_history_section.csv"))
    s = stats(group_trades(fills))
    assert (s.trades, s.wins, s.losses) == (36, 28, 8) and s.win_rate == pytest.approx(0.778, abs=1e-3)
    assert s.profit_factor == pytest.approx(1.036, abs=1e-3) and s.expectancy == pytest.approx(2.75)
    assert s.average_win == pytest.approx(101.64, abs=0.01) and s.average_loss == pytest.approx(-343.38, abs=0.01)
    assert (s.largest_win, s.largest_loss) == (pytest.approx(330), pytest.approx(-1182))
    assert s.max_drawdown == pytest.approx(1625) and s.daily_pnl == ((date(2022, 6, 21), pytest.approx(99)),)
    assert s.sqn is None  # R unknown without stops


# --- independent recomputation on random trades ---------------------------------------------------

SETUPS = (None, "orb", "vwap")
TAGS = ((), ("a",), ("a", "b"), ("b",))


@st.composite
def random_trades(draw):
    n = draw(st.integers(0, 60))
    out = []
    for i in range(n):
        opened = T0 + timedelta(minutes=draw(st.integers(0, 60 * 24 * 30)))  # across the DST switch
        net = draw(st.one_of(st.just(0.0), st.floats(-2, 2), st.floats(-5000, 5000)))
        r = draw(st.one_of(st.none(), st.floats(-3, 5)))
        instrument = draw(st.sampled_from(("stock", "option", "spread")))
        expiry = None if instrument == "stock" else opened.astimezone(NY).date() + timedelta(days=draw(
            st.integers(0, 60)))
        out.append(made_trade(i, opened, draw(st.integers(1, 600)), round(net, 2), r=r, fees=1.0,
                              setup=draw(st.sampled_from(SETUPS)), tags=draw(st.sampled_from(TAGS)),
                              instrument=instrument, expiry=expiry, symbol=draw(st.sampled_from(("A", "B")))))
    return out


def _kind(t) -> str:
    if t.is_scratch or t.net_pnl == 0:
        return "scratch"
    return "win" if t.net_pnl > 0 else "loss"


def _loop_stats(trades) -> dict:
    ts = sorted(trades, key=lambda t: t.closed_at)
    wins = [t.net_pnl for t in ts if _kind(t) == "win"]
    losses = [t.net_pnl for t in ts if _kind(t) == "loss"]
    equity, peak, worst, run, best_run, lrun, best_lrun = 0.0, 0.0, 0.0, 0, 0, 0, 0
    for t in ts:
        equity += t.net_pnl
        peak = max(peak, equity)
        worst = max(worst, peak - equity)
        run = run + 1 if _kind(t) == "win" else 0
        lrun = lrun + 1 if _kind(t) == "loss" else 0
        best_run, best_lrun = max(best_run, run), max(best_lrun, lrun)
    daily: dict = defaultdict(float)
    for t in ts:
        daily[t.closed_at.astimezone(NY).date()] += t.net_pnl
    return {"wins": len(wins), "losses": len(losses), "dd": worst, "win_run": best_run, "loss_run": best_lrun,
            "pf": sum(wins) / -sum(losses) if losses else (math.inf if wins else math.nan),
            "expectancy": (sum(wins) + sum(losses)) / len(ts) if ts else math.nan,
            "daily": sorted(daily.items())}


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-9, abs=1e-6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_trades())
def test_stats_match_plain_loops(trades) -> None:
    s, want = stats(trades), _loop_stats(trades)
    scratches = len(trades) - want["wins"] - want["losses"]
    assert (s.wins, s.losses, s.scratches) == (want["wins"], want["losses"], scratches)
    assert _same(s.profit_factor, want["pf"]) and _same(s.expectancy, want["expectancy"])
    assert s.max_drawdown == pytest.approx(want["dd"], abs=1e-6)
    assert (s.longest_win_streak, s.longest_loss_streak) == (want["win_run"], want["loss_run"])
    assert [d for d, _ in s.daily_pnl] == [d for d, _ in want["daily"]]
    assert [v for _, v in s.daily_pnl] == pytest.approx([v for _, v in want["daily"]], abs=1e-6)
    if len(trades) >= 3:
        ordered = sorted(trades, key=lambda t: t.closed_at)
        cum = [sum(t.net_pnl for t in ordered[: i + 1]) for i in range(len(ordered))]
        fit = linregress(range(1, len(cum) + 1), cum)
        if fit.stderr > 1e-9 and s.k_ratio is not None:
            assert s.k_ratio == pytest.approx(fit.slope / fit.stderr, rel=1e-6)


def _loop_labels(t, key: str) -> list[str]:
    local = t.opened_at.astimezone(NY)
    if key == "tag":
        return list(t.tags) or ["(untagged)"]
    if key == "dte":
        return [] if t.expiry is None else [dte_bucket((t.expiry - local.date()).days)]
    return [{"setup": t.setup or "(no setup)", "symbol": t.symbol,
             "weekday": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[local.weekday()],
             "time_of_day": f"{local.hour:02d}:{30 if local.minute >= 30 else 0:02d}",
             "instrument": "stock" if t.instrument == "stock" else "options"}[key]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_trades(), st.sampled_from(("setup", "symbol", "tag", "weekday", "time_of_day", "dte", "instrument")))
def test_breakdowns_match_plain_loops(trades, key) -> None:
    groups: dict = defaultdict(list)
    for t in trades:
        for label in _loop_labels(t, key):
            groups[label].append(t)
    got = {g.label: g for g in breakdown(trades, key)}
    assert set(got) == set(groups)
    for label, members in groups.items():
        g, want = got[label], _loop_stats(members)
        assert (g.trades, g.wins, g.losses) == (len(members), want["wins"], want["losses"])
        assert g.net_pnl == pytest.approx(sum(t.net_pnl for t in members), abs=1e-6)
        assert _same(g.profit_factor, want["pf"]) and _same(g.expectancy, want["expectancy"])
        assert sorted(g.trade_ids) == sorted(t.id for t in members)


def test_breakdown_orders_and_buckets() -> None:
    assert [dte_bucket(d) for d in (0, 1, 7, 8, 30, 31, None)] == ["0", "1–7", "1–7", "8–30", "8–30", "31+", None]
    days = [made_trade(i, datetime(2024, 3, 4 + i, 10, 0, tzinfo=NY), 5, 10) for i in range(7)]
    assert [g.label for g in breakdown(days, "weekday")] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert [g.label for g in breakdown(days, "time_of_day")] == ["10:00"]
    with pytest.raises(ValueError, match="unknown breakdown"):
        breakdown(days, "colour")


def test_filters() -> None:
    ts = [made_trade(0, datetime(2024, 3, 4, 10, tzinfo=NY), 5, 10, setup="orb", tags=("a",)),
          made_trade(1, datetime(2024, 3, 5, 10, tzinfo=NY), 5, 10, instrument="spread", symbol="SPY"),
          made_trade(2, datetime(2024, 3, 6, 23, tzinfo=NY), 5, 10, instrument="option", tags=("b", "a"))]
    ids = lambda xs: [t.id for t in xs]  # noqa: E731
    assert ids(filter_trades(ts, since=date(2024, 3, 5))) == ["t1", "t2"]
    assert ids(filter_trades(ts, until=date(2024, 3, 6))) == ["t0", "t1", "t2"]  # New York date of the open
    assert ids(filter_trades(ts, since=datetime(2024, 3, 5, 10, 1, tzinfo=NY))) == ["t2"]
    assert ids(filter_trades(ts, symbols=["SPY"])) == ["t1"] and ids(filter_trades(ts, setups=["orb"])) == ["t0"]
    assert ids(filter_trades(ts, tags=["a"])) == ["t0", "t2"]
    assert ids(filter_trades(ts, instruments=["options"])) == ["t1", "t2"]
    assert ids(filter_trades(ts, instruments=["stock"], tags=["a"])) == ["t0"]


def test_breakdowns_by_the_market_at_entry() -> None:
    from dataclasses import replace

    from analytics.trade_context import LevelsAtEntry, TradeContext
    from data.store.records import OptionsContext

    def at_entry(t, regime, vwap_pct):
        options = None if regime is None else OptionsContext(t.symbol, t.opened_at, "massive", 600.0, regime,
                                                             None, None, None, None, None, None, None)
        levels = None if vwap_pct is None else LevelsAtEntry(600.0, 599.0, vwap_pct, {}, None)
        return replace(t, context=TradeContext(t.symbol, t.opened_at, levels, options))

    base = [made_trade(i, datetime(2024, 3, 4, 10, i, tzinfo=NY), 5, 10 + i if i % 3 else -20) for i in range(9)]
    regimes = ["positive gamma", "negative gamma", None] * 3
    sides = [0.4, -0.1, 0.0, None, -2.0, 1.0, 0.3, None, -0.5]
    no_context = made_trade(9, base[0].opened_at, 5, 7)
    trades = [at_entry(t, r, v) for t, r, v in zip(base, regimes, sides, strict=True)] + [no_context]
    for key, labels in (("gex_regime", regimes), ("vwap_side", [None if v is None else "above VWAP" if v >= 0
                                                                else "below VWAP" for v in sides])):
        want: dict = defaultdict(list)
        for t, label in zip(trades, labels, strict=False):
            if label is not None:
                want[label].append(t)
        got = {g.label: g for g in breakdown(trades, key)}
        assert set(got) == set(want)  # no context at entry: left out, not a group of its own
        for label, members in want.items():
            assert sorted(got[label].trade_ids) == sorted(t.id for t in members)
            assert got[label].net_pnl == pytest.approx(sum(t.net_pnl for t in members))
