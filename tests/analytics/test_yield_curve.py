"""The Treasury par curve as continuous rates (checked against QuantLib's compounding conversion),
read at each expiry's maturity where the chain's parity cannot say the rate."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from analytics.forwards import chain_forwards
from analytics.option_time import expiry_times
from analytics.yield_curve import continuous_from_par, curve_from_par_yields
from tests.analytics.option_fixtures import DEC18, JAN15, make_chain

ROW = {"date": "2026-11-30", "yield_1_month": 4.21, "yield_3_month": 4.05, "yield_6_month": 3.90,
       "yield_1_year": 3.71, "yield_2_year": 3.52, "yield_10_year": 4.15, "yield_30_year": None, "yield_5_year": "x"}


def test_par_yields_convert_as_quantlib_does() -> None:
    ql = pytest.importorskip("QuantLib")
    for percent in (0.25, 3.71, 4.21, 5.5):
        rate = ql.InterestRate(percent / 100, ql.Actual365Fixed(), ql.Compounded, ql.Semiannual)
        want = rate.equivalentRate(ql.Continuous, ql.NoFrequency, 1.0).rate()
        assert continuous_from_par(percent) == pytest.approx(want, abs=1e-14)


def test_the_curve_interpolates_in_maturity_and_is_flat_beyond() -> None:
    curve = curve_from_par_yields(date(2026, 11, 30), ROW, "massive")
    assert curve is not None and list(curve.tenors) == [1 / 12, 0.25, 0.5, 1.0, 2.0, 10.0]  # bad fields left out
    one_m, three_m = continuous_from_par(4.21), continuous_from_par(4.05)
    assert curve.rate(0.0) == pytest.approx(one_m) and curve.rate(40.0) == pytest.approx(continuous_from_par(4.15))
    mid = (1 / 12 + 0.25) / 2
    assert curve.rate(mid) == pytest.approx((one_m + three_m) / 2)
    assert curve_from_par_yields(date(2026, 11, 30), {"yield_1_month": 4.2}, "massive") is None


def test_an_expiry_without_pairs_takes_the_curves_rate() -> None:
    chain = make_chain(listings=[(DEC18, "SPXW"), (JAN15, "SPXW")])
    keep = ~((chain.expiry == np.datetime64(JAN15)) & ~chain.is_call)  # January: calls only, no parity
    chain = chain.select(keep)
    T = expiry_times(chain.expiry, chain.root, chain.asof)
    curve = curve_from_par_yields(date(2026, 11, 30), ROW, "massive")
    flat = chain_forwards(chain, 6600.0, T, 0.04, 0.0)
    curved = chain_forwards(chain, 6600.0, T, 0.04, 0.0, curve)
    jan = chain.expiry == np.datetime64(JAN15)
    assert np.allclose(flat.rate[jan], 0.04)
    assert np.allclose(curved.rate[jan], curve.rate(T[jan]))
    assert np.allclose(curved.forward[jan], 6600.0 * np.exp(curve.rate(T[jan]) * T[jan]))
    dec = chain.expiry == np.datetime64(DEC18)  # parity speaks for December: the same either way
    assert np.allclose(curved.forward[dec], flat.forward[dec], rtol=1e-9)
