"""Implied move of the expiry spanning the report, the event's variance from the term structure."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest

from analytics import event_vol as ev
from analytics.option_time import expiry_times
from analytics.volatility import forwards_and_ivs
from tests.analytics.option_fixtures import DEC18, DEC24, JAN15, make_chain


def _next_session(day: date) -> date:
    """Weekdays only (enough for these dates)."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_golden_example():
    v = ev.event_vol(0.80, 2 / 365, 0.45, 9 / 365)
    assert v.method == ev.TERM_STRUCTURE and v.reason == ""
    assert v.ex_event_vol == pytest.approx(math.sqrt(0.5425 / 7), rel=1e-12)
    assert round(100 * v.post_event_iv, 1) == 27.8
    assert v.event_variance == pytest.approx((2 / 365) * (0.64 - 0.0775), rel=1e-12)
    assert round(v.move_pct, 2) == 5.55


@pytest.mark.parametrize(("s1", "s2", "why"), [
    (0.30, 0.45, "not richer"),  # the later expiry is richer: no event lump
    (0.80, 0.20, "less total variance"),  # σ2²T2 < σ1²T1
])
def test_guard_falls_back_to_the_straddle(s1, s2, why):
    v = ev.event_vol(s1, 2 / 365, s2, 9 / 365, straddle_pct=4.2)
    assert v.method == ev.STRADDLE and v.move_pct == 4.2
    assert math.isnan(v.post_event_iv) and why in v.reason and v.reason.startswith("Event move from the straddle")


def test_missing_iv_falls_back():
    v = ev.event_vol(math.nan, 2 / 365, 0.45, 9 / 365, straddle_pct=3.0)
    assert v.method == ev.STRADDLE and "no IV" in v.reason


def test_reaction_day_by_timing():
    thu, fri, mon = date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 7)
    assert ev.reaction_day(thu, ev.AMC, _next_session) == fri
    assert ev.reaction_day(thu, ev.BMO, _next_session) == thu
    assert ev.reaction_day(fri, ev.AMC, _next_session) == mon
    assert ev.reaction_day(thu, ev.UNKNOWN, _next_session) == fri
    assert "unknown" in ev.timing_note(ev.UNKNOWN) and ev.timing_note(ev.AMC) == ""


def test_implied_move_picks_the_first_expiry_on_or_after_the_reaction():
    chain = make_chain("AAPL", 250.0, strikes=range(230, 271, 5), listings=[(DEC18, "AAPL"), (DEC24, "AAPL")],
                       sigma=0.30)
    T = expiry_times(chain.expiry, chain.root, chain.asof)
    points, _ = forwards_and_ivs(chain, 250.0, T, 0.04)
    ivs = {p.expiry: p.atm_iv for p in points}
    m = ev.implied_move(chain, 250.0, T, ivs, date(2026, 12, 19))  # after Dec 18: Dec 24 spans it
    assert m.expiry == DEC24
    rows = (chain.expiry == np.datetime64(DEC24)) & (chain.strike == 250)
    assert m.straddle == pytest.approx(float(chain.mid[rows].sum()))
    assert m.straddle_pct == pytest.approx(100 * m.straddle / 250)
    assert m.one_sigma == pytest.approx(250 * ivs[DEC24] * math.sqrt(m.T))
    assert ev.implied_move(chain, 250.0, T, ivs, date(2026, 12, 18)).expiry == DEC18
    assert ev.implied_move(chain, 250.0, T, ivs, JAN15) is None


def test_term_event_vol_reads_the_two_expiries_after_the_event():
    class P:
        def __init__(self, expiry, T, atm_iv):
            self.expiry, self.T, self.atm_iv = expiry, T, atm_iv

    pts = [P(date(2026, 12, 2), 1 / 365, 0.25), P(date(2026, 12, 3), 2 / 365, 0.80),
           P(date(2026, 12, 10), 9 / 365, 0.45)]
    v = ev.term_event_vol(pts, date(2026, 12, 3))
    assert (v.expiry1, v.expiry2) == (date(2026, 12, 3), date(2026, 12, 10)) and round(v.move_pct, 2) == 5.55
    assert ev.term_event_vol(pts[:2], date(2026, 12, 3), 2.0).method == ev.STRADDLE


def test_post_event_ivs_take_the_lump_out_of_spanning_expiries():
    v = ev.event_vol(0.80, 2 / 365, 0.45, 9 / 365)
    e0, e1, e2, e3 = date(2026, 12, 2), date(2026, 12, 3), date(2026, 12, 10), date(2027, 1, 15)
    post = ev.post_event_ivs({e0: (1 / 365, 0.25), e1: (2 / 365, 0.80), e2: (9 / 365, 0.45),
                              e3: (45 / 365, 0.35)}, v.event_variance, e1)
    assert post[e0] == 0.25
    assert post[e1] == pytest.approx(v.ex_event_vol) and post[e2] == pytest.approx(v.ex_event_vol)
    assert post[e3] == pytest.approx(math.sqrt(0.35 ** 2 - v.event_variance * 365 / 45))
