"""The tracked-setup lifecycle rules, pinned case by case."""

from __future__ import annotations

import math

import pytest

from analytics.setup_lifecycle import (
    ACTIVE,
    ARCHIVED,
    INVALIDATED,
    STOPPED,
    TARGET_HIT,
    TRIGGERED,
    SetupPlan,
    at_session_end,
    can_reopen,
    on_price,
    plan_problem,
    start_problem,
)

LONG = SetupPlan("long", 100.0, 98.0, (104.0, 106.0))
SHORT = SetupPlan("short", 100.0, 102.0, (96.0,))


def _walk(plan: SetupPlan, reference: float, prices: list[float]) -> list[str]:
    status, seen = ACTIVE, []
    for price in prices:
        step = on_price(status, plan, reference, price)
        if step is not None:
            status = step.status
            seen.append(status)
    return seen


def test_a_long_breakout_from_below_triggers_at_entry_then_hits_its_target():
    assert _walk(LONG, 99.0, [99.5, 99.99, 100.0, 103.9, 104.0, 90.0]) == [TRIGGERED, TARGET_HIT]


def test_a_long_pullback_entry_from_above_triggers_when_price_comes_down_to_it():
    assert _walk(LONG, 101.5, [101.0, 100.01, 100.0, 97.5]) == [TRIGGERED, STOPPED]


def test_a_setup_made_at_its_entry_triggers_on_the_first_price_in_its_direction():
    assert _walk(LONG, 100.0, [99.9, 100.0]) == [TRIGGERED]
    assert _walk(SHORT, 100.0, [100.1, 99.95, 96.0]) == [TRIGGERED, TARGET_HIT]


def test_the_stop_before_entry_invalidates_and_nothing_follows():
    assert _walk(LONG, 99.0, [98.5, 98.0, 100.0, 104.0]) == [INVALIDATED]
    assert _walk(SHORT, 99.0, [102.0, 100.0]) == [INVALIDATED]


def test_a_breakout_plan_made_below_its_own_stop_waits_for_entry_through_it():
    breakout = SetupPlan("long", 610.0, 605.0, (620.0,))
    assert _walk(breakout, 600.0, [600.0, 604.0, 606.0, 610.0, 604.9]) == [TRIGGERED, STOPPED]


def test_one_price_does_one_transition_a_gap_through_entry_and_target_takes_two_prints():
    assert _walk(LONG, 99.0, [105.0]) == [TRIGGERED]
    assert _walk(LONG, 99.0, [105.0, 105.0]) == [TRIGGERED, TARGET_HIT]


@pytest.mark.parametrize("price", [math.nan, math.inf, 0.0, -1.0])
def test_a_bad_price_does_nothing(price):
    assert on_price(ACTIVE, LONG, 99.0, price) is None and on_price(TRIGGERED, LONG, 99.0, price) is None


def test_the_session_end_invalidates_an_untriggered_setup_and_closes_a_triggered_one_with_its_r():
    assert at_session_end(ACTIVE).status == INVALIDATED
    closed = at_session_end(TRIGGERED, LONG, 101.0)
    assert closed.status == "closed" and closed.reason == "the session ended: closed at 101.00 (+0.50 R)"
    assert at_session_end(TRIGGERED).reason == "the session ended: closed at the bell"
    assert at_session_end(STOPPED) is None and at_session_end(ARCHIVED) is None


def test_finished_and_archived_setups_can_be_reopened_live_ones_cannot():
    assert all(can_reopen(s) for s in (ARCHIVED, INVALIDATED, STOPPED, TARGET_HIT))
    assert not can_reopen(ACTIVE) and not can_reopen(TRIGGERED)


@pytest.mark.parametrize(("plan", "message"), [
    (SetupPlan("long", 100, 101, (104,)), "long's stop must be below its entry"),
    (SetupPlan("short", 100, 99, (96,)), "short's stop must be above its entry"),
    (SetupPlan("long", 100, 98, (99,)), "long's target must be above its entry"),
    (SetupPlan("long", 100, 98, (104, 103)), "second target must be further"),
    (SetupPlan("long", 100, 98, ()), "one or two targets"),
    (SetupPlan("up", 100, 98, (104,)), "Direction must be long or short"),
    (SetupPlan("long", math.nan, 98, (104,)), "positive prices"),
])
def test_a_plan_with_a_wrong_side_gets_a_plain_message(plan, message):
    assert message in plan_problem(plan)


def test_a_sound_plan_passes_and_knows_its_risk_reward():
    assert plan_problem(LONG) is None and plan_problem(SHORT) is None
    assert LONG.risk_reward == pytest.approx(2.0) and SHORT.risk_reward == pytest.approx(2.0)


def test_a_setup_already_through_its_stop_or_past_its_target_cannot_start():
    assert "already through the stop" in start_problem(LONG, 97.5)
    assert "already past the target" in start_problem(LONG, 104.0)
    assert "already through the stop" in start_problem(SHORT, 102.0)
    assert start_problem(LONG, 99.0) is None and start_problem(LONG, math.nan) is None
