"""bs_greeks: the compiled one-pass kernel and the numpy path give the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import ndtr

from analytics import kernels, pricing
from analytics.pricing import bs_greeks
from tests.analytics.test_pricing import GREEK_NAMES, _grid


def _numpy_greeks(*args):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kernels, "compiled", None)
        mp.setattr(pricing, "ndtr", ndtr)  # (bound at import to the C one where built)
        return bs_greeks(*args)


def test_compiled_and_numpy_greeks_agree_with_degenerate_rows() -> None:
    if kernels.compiled is None:
        pytest.skip("C kernels not built on this machine")
    S, K, T, r, q, sigma, call = _grid(4000, 31)
    T[::13], sigma[::17], S[::19] = 0.0, 0.0, np.nan  # expired, zero vol, missing spot
    T[::23] = -0.5
    ours, ref = bs_greeks(S, K, T, r, q, sigma, call), _numpy_greeks(S, K, T, r, q, sigma, call)
    for name in GREEK_NAMES:
        a, b = getattr(ours, name), getattr(ref, name)
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-300, equal_nan=True, err_msg=name)


def test_scalars_and_shapes_on_the_compiled_path() -> None:
    g = bs_greeks(100.0, 105.0, 0.25, 0.03, 0.01, 0.2, True)
    assert all(isinstance(getattr(g, n), float) for n in GREEK_NAMES)
    grid = bs_greeks(np.full((2, 3), 100.0), 100.0, 0.5, 0.0, 0.0, 0.3, np.array([True, False, True]))
    assert grid.delta.shape == (2, 3) and grid.rho.shape == (2, 3)
