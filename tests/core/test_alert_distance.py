"""When an alert is far enough from the price to ask first (app/core/alert_distance.py)."""

from __future__ import annotations

import math

import pytest

from app.core.alert_distance import FAR_FRACTION, far_alert


def test_an_alert_at_spx_level_on_spy_is_asked_about_in_the_traders_words() -> None:
    far = far_alert("SPY", 5000.0, 595.12)
    assert far is not None and far.distance == pytest.approx(5000 / 595.12 - 1)
    assert far.question() == "SPY is at 595.12; an alert at 5,000.00 is 740 % away. Set it anyway?"


@pytest.mark.parametrize(("price", "asked"), [(600.0, False), (595.12 * 1.2, False), (595.12 * 1.21, True),
                                              (595.12 * 0.79, True), (59.5, True), (480.0, False)])
def test_beyond_the_threshold_either_side(price: float, asked: bool) -> None:
    assert (far_alert("SPY", price, 595.12) is not None) == asked
    assert FAR_FRACTION == 0.20


@pytest.mark.parametrize("last", [None, math.nan, 0.0, -1.0])
def test_without_a_last_price_nothing_is_asked(last: float | None) -> None:
    assert far_alert("SPY", 5000.0, last) is None


def test_the_threshold_can_be_chosen() -> None:
    assert far_alert("NVDA", 200.0, 180.0, threshold=0.10) is not None
    assert far_alert("NVDA", 200.0, 180.0) is None
