"""The GEX grid's merge of contracts on one curve: the same groups and summed coefficients as a
plain dict over (1/σ√T, offset) pairs, also when two different curves share the sort key."""

from __future__ import annotations

import numpy as np

from analytics.gex import _merge_equal_curves

KEY_MIX = np.uint64(0x9E3779B97F4A7C15)


def _by_dict(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> dict[tuple[float, float], float]:
    sums: dict[tuple[float, float], float] = {}
    for x, y, w in zip(a.tolist(), b.tolist(), c.tolist(), strict=True):
        sums[(x, y)] = sums.get((x, y), 0.0) + w
    return sums


def _merged(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> dict[tuple[float, float], float]:
    ma, mb, mc = _merge_equal_curves(a, b, c)
    assert len(set(zip(ma.tolist(), mb.tolist(), strict=True))) == len(ma)  # each curve once
    return dict(zip(zip(ma.tolist(), mb.tolist(), strict=True), mc.tolist(), strict=True))


def test_calls_and_puts_on_one_curve_are_summed_once() -> None:
    rng = np.random.default_rng(11)
    a, b = rng.random(3000) * 20, rng.standard_normal(3000)
    pick = rng.integers(0, 3000, 8000)  # most curves several times, some once
    a, b, c = a[pick], b[pick], rng.random(8000)
    got, expected = _merged(a, b, c), _by_dict(a, b, c)
    assert got.keys() == expected.keys()
    assert all(np.isclose(got[k], expected[k], rtol=1e-12) for k in expected)


def test_all_distinct_curves_come_back_as_they_were() -> None:
    a, b, c = np.array([1.0, 2.0, 3.0]), np.array([0.5, 0.5, 0.5]), np.array([1.0, 2.0, 4.0])
    ma, mb, mc = _merge_equal_curves(a, b, c)
    assert ma is a and mb is b and mc is c


def test_two_curves_sharing_a_sort_key_stay_apart() -> None:
    a1, b1 = np.float64(7.25), np.float64(-0.125)
    key = np.array([a1]).view(np.uint64) * KEY_MIX ^ np.array([b1]).view(np.uint64)
    for candidate in np.linspace(1.0, 50.0, 200):  # a second curve whose key collides, with a finite offset
        a2 = np.array([candidate])
        b2 = (key ^ (a2.view(np.uint64) * KEY_MIX)).view(np.float64)
        if np.isfinite(b2[0]) and candidate != a1:
            break
    else:
        raise AssertionError("no colliding finite pair found")
    a = np.array([a1, a2[0], a1, a2[0], 3.0])
    b = np.array([b1, b2[0], b1, b2[0], 0.0])
    assert len(np.unique(a.view(np.uint64) * KEY_MIX ^ b.view(np.uint64))) == 2  # the keys do collide
    c = np.array([1.0, 10.0, 100.0, 1000.0, 5.0])
    assert _merged(a, b, c) == {(a1, b1): 101.0, (a2[0], b2[0]): 1010.0, (3.0, 0.0): 5.0}
