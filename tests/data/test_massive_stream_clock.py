"""The Massive provider's market clock: the PC's, corrected by the feed when plainly wrong."""

from __future__ import annotations

from data.providers.massive.market_clock import MarketClock

PC = 1_796_049_000.0


def test_a_right_pc_clock_is_used_as_it_is() -> None:
    clock = MarketClock(lambda: PC)
    for lag in (0.2, 0.9, 0.1, 1.4, 0.3, 0.5):  # events arrive a little after their stamps
        clock.observe(PC - lag)
    assert clock.offset == 0.0 and clock.now().timestamp() == PC


def test_a_pc_clock_two_minutes_slow_is_corrected_and_one_odd_stamp_moves_nothing() -> None:
    clock = MarketClock(lambda: PC)
    for i in range(10):
        clock.observe(PC + 120 - 0.1 * i)
    clock.observe(PC + 86_400)  # a bogus stamp
    assert abs(clock.now().timestamp() - (PC + 120)) < 1.0


def test_a_delayed_feed_keeps_the_pc_clock() -> None:
    clock = MarketClock(lambda: PC, follow_feed=False)
    for _ in range(10):
        clock.observe(PC - 900)  # 15 minutes old by design
    assert clock.now().timestamp() == PC
