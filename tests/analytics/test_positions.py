"""Positions and legs: money signs, validation messages a trader reads."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime

from analytics.positions import ContractMark, Position, leg_problem, option_leg, position_problem, stock_leg

TODAY = date(2026, 12, 1)


def _condor() -> tuple:
    e = date(2026, 12, 18)
    return (option_leg("SPXW261218P06500000", "SPX", e, False, 6500, 1, 4.10),
            option_leg("SPXW261218P06550000", "SPX", e, False, 6550, -1, 6.30),
            option_leg("SPXW261218C07000000", "SPX", e, True, 7000, -1, 5.90),
            option_leg("SPXW261218C07050000", "SPX", e, True, 7050, 1, 3.80, fees=2.6))


def test_a_credit_trade_costs_less_than_nothing_and_knows_it():
    condor = Position(1, "SPX", "iron condor", _condor(), datetime(2026, 12, 1, 15, tzinfo=UTC))
    assert condor.is_credit and math.isclose(condor.cost, (4.10 - 6.30 - 5.90 + 3.80) * 100 + 2.6)
    assert condor.expiries == (date(2026, 12, 18),)
    assert position_problem("SPX", condor.legs, TODAY) is None
    assert _condor()[0].dte(TODAY) == 17 and stock_leg("AAPL", 100, 270.0).dte(TODAY) is None


def test_bad_legs_get_plain_messages():
    e = date(2026, 12, 18)
    assert "other than 0" in leg_problem(option_leg("SPY261218C00600000", "SPY", e, True, 600, 0, 1.0))
    assert "expired on Nov 20, 2026" in leg_problem(
        option_leg("SPY261120C00600000", "SPY", date(2026, 11, 20), True, 600, 1, 1.0), TODAY)
    assert "need the price" in leg_problem(stock_leg("AAPL", 100, 0.0))
    assert "a typo" in leg_problem(stock_leg("AAPL", 1_000_000, 270.0))
    call = option_leg("SPY261218C00600000", "SPY", e, True, 600, 1, 1.0)
    assert "twice" in position_problem("SPY", (call, call))
    assert "not QQQ" in position_problem("QQQ", (call,))
    assert "at least one leg" in position_problem("SPY", ())


def test_a_mark_has_a_mid_only_for_a_two_sided_quote():
    at = datetime(2026, 12, 1, 15, tzinfo=UTC)
    assert ContractMark("X", 1.0, 1.2, 1.1, 600, at).mid == 1.1
    for bid, ask in ((math.nan, 1.2), (1.3, 1.2), (0.0, 0.0)):
        assert math.isnan(ContractMark("X", bid, ask, 1.1, 600, at).mid)
