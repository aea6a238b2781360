"""A chain's listings, the rows of each and their clocks, computed once per chain, agree with
the direct per-row comparisons they replace (SPX and SPXW on one date are two listings)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.option_time import chain_expiry_times, expiry_times
from data.market_calendar import ET
from data.option_chain import OptionChain

ROOTS = ["SPXW", "SPX", "SPY", "NDXP", None]
DAYS = np.array(["2026-12-17", "2026-12-18", "2027-01-15", "2026-12-18"], dtype="datetime64[D]")


def _chain(root_picks: list[int], day_picks: list[int]) -> OptionChain:
    n = len(root_picks)
    roots = np.array([ROOTS[i] for i in root_picks], dtype=object)
    f = np.ones(n)
    return OptionChain(
        underlying="SPX", asof=datetime(2026, 12, 17, 11, tzinfo=ET), symbol=[f"S{i}" for i in range(n)],
        root=roots, expiry=DAYS[day_picks], is_call=np.arange(n) % 2 == 0, strike=100 + np.arange(n, dtype=float),
        bid=f, ask=f, last=f, volume=f, open_interest=f, iv=f * np.nan, delta=f * np.nan, gamma=f * np.nan,
        adjusted=np.zeros(n, dtype=bool))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(ROOTS) - 1), st.integers(0, len(DAYS) - 1)), max_size=40))
def test_listing_rows_are_the_rows_of_each_expiry_and_root(picks: list[tuple[int, int]]) -> None:
    chain = _chain([r for r, _ in picks], [d for _, d in picks])
    roots = chain.root.astype(str)
    expected = sorted({(chain.expiry[i].item(), roots[i]) for i in range(len(chain))})
    assert list(chain.listings) == expected
    for (day, root), rows in chain.listing_rows.items():
        direct = np.flatnonzero((chain.expiry == np.datetime64(day, "D")) & (roots == root))
        assert rows.tolist() == direct.tolist()
    assert sum(len(r) for r in chain.listing_rows.values()) == len(chain)
    assert np.array_equal(chain_expiry_times(chain), expiry_times(chain.expiry, chain.root, chain.asof))


def test_a_listing_the_chain_lacks_has_no_rows() -> None:
    chain = _chain([0, 1], [1, 1])
    assert chain.rows_of(date(2026, 12, 18), "SPX").tolist() == [1]
    assert chain.rows_of(date(2026, 12, 19), "SPX").tolist() == []
    names, codes = chain.root_codes
    assert names == ("SPX", "SPXW") and codes.tolist() == [1, 0]


def test_a_row_without_an_expiry_is_in_no_listing_and_has_no_time_left() -> None:
    chain = _chain([0, 0, 1], [0, 1, 1])
    chain = replace(chain, expiry=np.array(["2026-12-17", "NaT", "2026-12-18"], dtype="datetime64[D]"))
    assert chain.listings == ((date(2026, 12, 17), "SPXW"), (date(2026, 12, 18), "SPX"))
    assert chain_expiry_times(chain)[1] == 0.0 and chain_expiry_times(chain)[0] > 0
    rows = chain.rows_of(date(2026, 12, 17), "SPXW")
    assert rows.tolist() == [0] and not rows.flags.writeable


def test_roots_factorize_like_a_sorted_unique_also_with_missing_roots() -> None:
    from data.option_chain import factorize_roots

    rng = np.random.default_rng(5)
    roots = np.array(rng.choice(["SPXW", "SPX", "SPXPM", "XSP"], 5000).tolist(), dtype=object)
    names, codes = factorize_roots(roots)
    expected_names, expected_codes = np.unique(roots.astype(str), return_inverse=True)
    assert names == tuple(expected_names) and codes.tolist() == expected_codes.tolist() and codes.dtype == np.intp
    gappy = np.array(["SPX", None, "SPXW", float("nan"), "SPX"], dtype=object)
    names, codes = factorize_roots(gappy)
    assert names == ("None", "SPX", "SPXW", "nan")
    assert [names[c] for c in codes] == ["SPX", "None", "SPXW", "nan", "SPX"]
    names, codes = factorize_roots(np.array([], dtype=object))
    assert names == () and len(codes) == 0
