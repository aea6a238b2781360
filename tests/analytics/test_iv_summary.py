"""IV statistics on a real Cboe chain: term structure, skew, 30-day IV; constant maturity."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from analytics.iv_summary import constant_maturity_iv, iv_summary
from analytics.option_time import expiry_times
from analytics.volatility import ExpiryVol
from data.files.cboe import load_quotedata, quotes_time
from data.market_calendar import ET
from tests.conftest import shared_path


def test_real_spx_chain_term_structure_skew_and_30_day_iv(calendar) -> None:
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


def test_constant_maturity_interpolates_total_variance() -> None:
    a, b = ExpiryVol(date(2026, 12, 4), 10 / 365, 100.0, 0.0, 0.20), ExpiryVol(date(2027, 1, 3), 40 / 365, 100.0,
                                                                                0.0, 0.30)
    expected = np.sqrt(((1 / 3) * 0.2**2 * 10 + (2 / 3) * 0.3**2 * 40) / 30)  # 30 d is 2/3 of the way
    assert constant_maturity_iv([a, b], 30) == pytest.approx(expected)
    assert constant_maturity_iv([a, b], 5) == 0.20 and constant_maturity_iv([a, b], 60) == 0.30
