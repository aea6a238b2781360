"""Strike × expiration grids of a chain: volume, open interest, IV or GEX per cell.

Rows are expirations (one root each: the PM-settled one where an expiry has both), columns
the strikes nearest spot on the nearest expiration's list; a strike an expiration does not
list is NaN. Cells add the call and the put, except IV, which takes the out-of-the-money side
(puts below spot, calls at and above) — the side that trades and that skew is read from.
GEX uses ``analytics.gex``'s exposure per contract and its default sign convention, on the
gammas it is given — ``chain_greeks``'s, the same the chain panel shows and the GEX profile sums.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

import numpy as np

from analytics.gex import contract_exposure
from data.option_chain import OptionChain
from data.symbols import AM_SETTLED_ROOTS


class HeatmapMode(str, Enum):
    VOLUME = "Volume"
    OPEN_INTEREST = "Open interest"
    IV = "IV"
    GEX = "GEX"


@dataclass(frozen=True, eq=False)
class Heatmap:
    mode: HeatmapMode
    expiries: list[date]
    roots: list[str]
    strikes: np.ndarray
    values: np.ndarray  # (len(expiries), len(strikes)); NaN where no contract is listed
    rows: np.ndarray  # (expiries, strikes, 2) chain row of the call [.., 0] and put [.., 1], -1 if none


def expiry_rows(chain: OptionChain, n_expiries: int) -> list[tuple[date, str]]:
    """The first ``n_expiries`` (expiry, root) pairs, preferring the PM root on shared dates."""
    pairs: dict[date, str] = {}
    for d, r in chain.listings:
        if d not in pairs or pairs[d] in AM_SETTLED_ROOTS:
            pairs[d] = r
    return sorted(pairs.items())[:n_expiries]


def heatmap(chain: OptionChain, spot: float, mode: HeatmapMode, *, gamma: np.ndarray, iv: np.ndarray,
            n_expiries: int = 5, n_strikes: int = 50) -> Heatmap:
    """``gamma``/``iv`` per chain row (e.g. from ``chain_greeks``: provider values completed)."""
    pairs = expiry_rows(chain, n_expiries)
    if not pairs:
        return Heatmap(mode, [], [], np.empty(0), np.empty((0, 0)), np.empty((0, 0, 2), dtype=np.int64))
    listed = np.unique(chain.strike[chain.rows_of(*pairs[0])])
    nearest = np.sort(listed[np.argsort(np.abs(listed - spot), kind="stable")[:n_strikes]])
    rows = np.full((len(pairs), len(nearest), 2), -1, dtype=np.int64)
    for e, (day, root) in enumerate(pairs):
        listing = chain.rows_of(day, root)
        for side, is_call in ((0, True), (1, False)):
            idx = listing[chain.is_call[listing] == is_call]
            at = np.searchsorted(nearest, chain.strike[idx])
            ok = (at < len(nearest)) & (nearest[np.minimum(at, len(nearest) - 1)] == chain.strike[idx])
            rows[e, at[ok], side] = idx[ok]
    values = _cell_values(chain, spot, mode, rows, nearest, gamma, iv)
    return Heatmap(mode, [d for d, _ in pairs], [r for _, r in pairs], nearest, values, rows)


def _cell_values(chain: OptionChain, spot: float, mode: HeatmapMode, rows: np.ndarray, strikes: np.ndarray,
                 gamma: np.ndarray, iv: np.ndarray) -> np.ndarray:
    have = rows >= 0
    safe = np.where(have, rows, 0)

    def per_side(column: np.ndarray) -> np.ndarray:
        return np.where(have, np.nan_to_num(column[safe], nan=0.0), 0.0)

    listed = have.any(axis=2)
    if mode is HeatmapMode.VOLUME:
        out = per_side(chain.volume).sum(axis=2)
    elif mode is HeatmapMode.OPEN_INTEREST:
        out = per_side(chain.open_interest).sum(axis=2)
    elif mode is HeatmapMode.IV:
        otm_side = np.where(strikes[None, :] < spot, 1, 0)  # put below spot, call at/above
        pick = np.take_along_axis(rows, otm_side[..., None], axis=2)[..., 0]
        other = np.take_along_axis(rows, 1 - otm_side[..., None], axis=2)[..., 0]
        pick = np.where(pick >= 0, pick, other)
        out = np.where(pick >= 0, iv[np.maximum(pick, 0)], np.nan)
        return out
    else:  # GEX, calls + and puts −, $ per 1 % move
        sign = np.array([1.0, -1.0])
        exposure = contract_exposure(per_side(gamma), per_side(chain.open_interest), spot)
        out = (exposure * sign).sum(axis=2)
    return np.where(listed, out, np.nan)
