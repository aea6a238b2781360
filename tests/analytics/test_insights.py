"""Journal insights and the live nudge, on hand-built trades with the numbers worked out here."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta

from analytics.insights import InsightParams, insights, live_nudge, revenge_pairs
from data.market_calendar import ET
from tests.analytics.journal_fixtures import made_trade

NOW = datetime(2024, 3, 8, 17, 0, tzinfo=ET)


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2024, 3, day, hh, mm, tzinfo=ET)


def by_kind(found) -> dict:
    return {i.kind: i for i in found}


def test_revenge_is_a_bigger_trade_within_fifteen_minutes_of_a_loss() -> None:
    loss = made_trade(0, at(5, 10), 10, -200, quantity=100)  # closes 10:10
    bigger = made_trade(1, at(5, 10, 20), 5, -300, quantity=300)  # 10 min after: revenge
    smaller = made_trade(2, at(5, 10, 21), 5, 50, quantity=50)
    late = made_trade(3, at(5, 10, 45), 5, 50, quantity=500)  # 35 min after (and 20 after t1's loss)
    trades = [loss, bigger, smaller, late]
    assert [(a.id, b.id) for a, b in revenge_pairs(trades, 15)] == [("t0", "t1")]
    found = by_kind(insights(trades, NOW))["revenge"]
    assert found.severity == "warn" and found.trade_ids == ("t1", "t0")
    assert "1 time(s)" in found.message and "−$300.00" in found.message and "(1 of 1 lost)" in found.message
    # with planned stops on both, the risk decides, not the cost
    a = made_trade(0, at(5, 10), 10, -200, quantity=100, stop=9.0, risk=100)
    b = made_trade(1, at(5, 10, 20), 5, 10, quantity=300, stop=9.9, risk=30)
    assert revenge_pairs([a, b], 15) == []


def test_overtrading_compares_busy_days_with_the_others() -> None:
    busy = [made_trade(i, at(5, 10, 5 * i), 2, -50) for i in range(6)]  # 6 trades, −300
    calm = [made_trade(10 + i, at(6 + i, 11), 5, 100) for i in range(2)]  # two days, +100 each
    found = by_kind(insights(busy + calm, NOW))["overtrading"]
    assert found.severity == "warn" and sorted(found.trade_ids) == sorted(t.id for t in busy)
    assert found.message == ("On 1 day(s) with more than 5 trades you netted −$300.00 (−$300.00 a day); "
                             "on the other 2 day(s) +$100.00 a day.")
    assert "overtrading" not in by_kind(insights(busy, NOW, params=InsightParams(overtrade_trades=6)))


def test_realised_reward_to_risk_against_the_break_even_ratio() -> None:
    trades = [made_trade(i, at(5, 10 + i), 5, p) for i, p in enumerate([120, 80, -50, -50, -50])]
    found = by_kind(insights(trades, NOW))["reward_risk"]
    # average win 100, average loss −50: 2.00; win rate 40 % needs 0.6 / 0.4 = 1.50
    assert found.severity == "info" and "reward:risk 2.00" in found.message and "needs 1.50" in found.message
    worse = [made_trade(i, at(5, 10 + i), 5, p) for i, p in enumerate([20, -50, -50])]
    assert by_kind(insights(worse, NOW))["reward_risk"].severity == "warn"


def test_stop_adherence_counts_losses_beyond_the_planned_risk() -> None:
    trades = [made_trade(0, at(5, 10), 5, -105, risk=100, stop=9.0),  # within 10 %
              made_trade(1, at(5, 11), 5, -120, risk=100, stop=9.0),  # beyond
              made_trade(2, at(5, 12), 5, -300, risk=None)]  # no plan: not judged
    found = by_kind(insights(trades, NOW))["stop_adherence"]
    assert found.trade_ids == ("t1",) and found.severity == "warn"
    assert "1 of 2 losses" in found.message and "−1.2R on AAPL" in found.message
    kept = by_kind(insights(trades[:1], NOW))["stop_adherence"]
    assert kept.severity == "info" and kept.trade_ids == ()


def test_sizing_consistency_is_the_coefficient_of_variation_of_risk() -> None:
    risks = [100, 100, 300]
    trades = [made_trade(i, at(5, 10 + i), 5, 10, risk=r, stop=9.0) for i, r in enumerate(risks)]
    found = by_kind(insights(trades, NOW))["sizing"]
    cv = statistics.pstdev(risks) / statistics.mean(risks)
    assert f"{cv:.0%}" in found.message and found.severity == ("warn" if cv > 0.5 else "info")
    assert "risk per trade" in found.message
    costs = [made_trade(i, at(5, 10 + i), 5, 10, quantity=100) for i in range(3)]
    same = by_kind(insights(costs, NOW))["sizing"]
    assert "cost per trade varied by 0%" in same.message and same.severity == "info"


def test_best_and_worst_time_of_day_and_setup() -> None:
    morning = [made_trade(i, at(5, 9, 31 + i), 5, -100, setup="orb") for i in range(3)]
    midday = [made_trade(10 + i, at(5, 12, 2 + i), 5, 50, setup="vwap") for i in range(3)]
    lone = [made_trade(20, at(5, 15, 0), 5, 999, setup="gap")]  # under min_group
    found = by_kind(insights(morning + midday + lone, NOW))
    worst, best = found["time_of_day_worst"], found["time_of_day_best"]
    assert worst.message == "09:30–10:00 ET: 3 trades, win rate 0%, −$300.00 net." and worst.severity == "warn"
    assert best.message == "12:00–12:30 ET: 3 trades, win rate 100%, +$150.00 net." and best.severity == "info"
    assert found["setup_worst"].title == "Your worst setup: orb"
    assert found["setup_best"].trade_ids == ("t10", "t11", "t12")


def test_the_window_and_the_order() -> None:
    old = [made_trade(i, NOW - timedelta(days=10, hours=i), 5, -100) for i in range(3)]
    assert insights(old, NOW, days=7) == []
    assert insights(old, NOW, days=30) != []
    found = insights([*old, made_trade(9, at(5, 10), 5, 50)], NOW, days=30)
    severities = [i.severity for i in found]
    assert severities == sorted(severities, key=lambda s: s != "warn")


def test_live_nudge_a_third_trade_within_twenty_minutes_after_two_losses() -> None:
    first = made_trade(0, at(8, 9, 35), 5, -100)
    second = made_trade(1, at(8, 9, 45), 5, -80)  # closes 09:50
    third = made_trade(2, at(8, 10, 5), 5, 0, quantity=50, closed=False)  # 15 minutes later, smaller
    nudge = live_nudge([first, second, third], at(8, 10, 6))
    assert nudge.kind == "tilt" and nudge.trade_ids == ("t2", "t0", "t1") and nudge.severity == "warn"
    assert nudge.message.startswith("You opened AAPL 15 minutes after 2 losses in a row (−$180.00)")
    later = made_trade(2, at(8, 10, 15), 5, 0, quantity=50, closed=False)  # 25 minutes: no nudge
    assert live_nudge([first, second, later], at(8, 10, 16)) is None
    win_then_loss = [made_trade(0, at(8, 9, 35), 5, 100), second, third]
    assert live_nudge(win_then_loss, at(8, 10, 6)) is None
    assert live_nudge([], NOW) is None
    assert live_nudge([first, second, third], at(8, 10, 0)) is None  # before the third opened


def test_live_nudge_revenge_size_and_overtrading() -> None:
    loss = made_trade(0, at(8, 9, 35), 5, -100, quantity=100)
    bigger = made_trade(1, at(8, 9, 50), 5, 0, quantity=200, closed=False)
    nudge = live_nudge([loss, bigger], at(8, 9, 51))
    assert nudge.kind == "revenge" and nudge.trade_ids == ("t1", "t0")
    day = [made_trade(i, at(8, 10 + i), 5, 20) for i in range(6)]
    assert live_nudge(day[:5], at(8, 16)) is None
    nudge = live_nudge(day, at(8, 16))
    assert nudge.kind == "overtrading" and nudge.severity == "info" and len(nudge.trade_ids) == 6


def test_params_are_respected() -> None:
    loss = made_trade(0, at(5, 10), 10, -200, quantity=100)
    bigger = made_trade(1, at(5, 10, 30), 5, -300, quantity=300)  # 20 min after
    assert "revenge" not in by_kind(insights([loss, bigger], NOW))
    assert "revenge" in by_kind(insights([loss, bigger], NOW, params=InsightParams(revenge_minutes=25)))
