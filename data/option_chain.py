"""The option-chain model: one row per contract, columns as numpy arrays (frozen)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import cached_property

import numpy as np

from data.symbols import AM_SETTLED_ROOTS

_FLOAT_COLUMNS = ("strike", "bid", "ask", "last", "volume", "open_interest", "iv", "delta", "gamma")


@dataclass(frozen=True, eq=False)
class OptionChain:
    """Contracts of one underlying as of ``asof`` (aware). Missing values are NaN.

    ``iv``/``delta``/``gamma`` are the provider's (decimal IV; greeks per share); ``root`` is the
    OCC root (``SPXW`` and ``SPX`` are different contracts on the same strike and date);
    ``adjusted`` flags non-standard deliverables (e.g. ``AMD1``) that analytics should skip.
    """

    underlying: str
    asof: datetime
    symbol: np.ndarray  # OCC symbol, no spaces
    root: np.ndarray
    expiry: np.ndarray  # datetime64[D]
    is_call: np.ndarray  # bool
    strike: np.ndarray
    bid: np.ndarray
    ask: np.ndarray
    last: np.ndarray
    volume: np.ndarray
    open_interest: np.ndarray
    iv: np.ndarray
    delta: np.ndarray
    gamma: np.ndarray
    adjusted: np.ndarray  # bool

    def __post_init__(self) -> None:
        n = len(self.symbol)
        for f in fields(self):
            if f.name in ("underlying", "asof"):
                continue
            value = getattr(self, f.name)
            if f.name in _FLOAT_COLUMNS:
                arr = np.array(value, dtype=np.float64)
            elif f.name == "expiry":
                arr = np.array(value, dtype="datetime64[D]")
            elif f.name in ("is_call", "adjusted"):
                arr = np.array(value, dtype=bool)
            else:
                arr = np.array(value, dtype=object)
            if len(arr) != n:
                raise ValueError(f"OptionChain.{f.name} has {len(arr)} rows, symbol has {n}")
            arr.setflags(write=False)
            object.__setattr__(self, f.name, arr)

    def __len__(self) -> int:
        return len(self.symbol)

    @property
    def mid(self) -> np.ndarray:
        """(bid+ask)/2 where both are quoted and ask ≥ bid, else NaN."""
        ok = np.isfinite(self.bid) & np.isfinite(self.ask) & (self.ask >= self.bid) & (self.ask > 0)
        return np.where(ok, 0.5 * (self.bid + self.ask), np.nan)

    def expirations(self) -> list[date]:
        return [d.item() for d in np.unique(self.expiry)]

    @cached_property
    def root_codes(self) -> tuple[tuple[str, ...], np.ndarray]:
        """The distinct roots, sorted, and each row's index into them (computed once per chain:
        comparing or sorting the object column costs milliseconds on an SPX chain)."""
        return factorize_roots(self.root)

    @cached_property
    def listing_rows(self) -> dict[tuple[date, str], np.ndarray]:
        """Row indices (ascending) of each (expiry, root) listing, by date then root."""
        names, codes = self.root_codes
        dated = np.flatnonzero(~np.isnat(self.expiry))  # a row without an expiry is in no listing
        if not len(dated):
            return {}
        key = self.expiry[dated].astype(np.int64) * len(names) + codes[dated]
        order = np.argsort(key, kind="stable")
        groups = np.split(dated[order], np.flatnonzero(np.diff(key[order])) + 1)
        for g in groups:
            g.setflags(write=False)  # shared by every reader of this chain
        return {(self.expiry[g[0]].item(), names[codes[g[0]]]): g for g in groups}

    @property
    def listings(self) -> tuple[tuple[date, str], ...]:
        """Distinct (expiry, root) pairs, by date then root — SPX and SPXW on one date are two."""
        return tuple(self.listing_rows)

    def rows_of(self, expiry: date, root: str) -> np.ndarray:
        """The rows of one listing (empty when the chain has none); read-only."""
        return self.listing_rows.get((expiry, root), _NO_ROWS)

    def select(self, mask: np.ndarray) -> OptionChain:
        mask = np.asarray(mask)
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for name, value in values.items():
            if isinstance(value, np.ndarray):
                values[name] = value[mask]
        return OptionChain(**values)


_NO_ROWS = np.empty(0, dtype=np.intp)
_NO_ROWS.setflags(write=False)


def am_settled(names: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    """Per row (``factorize_roots``' coding): an AM-settled root (SPX, NDX … monthlies)."""
    return np.isin(codes, [i for i, name in enumerate(names) if name in AM_SETTLED_ROOTS])


def factorize_roots(root: np.ndarray) -> tuple[tuple[str, ...], np.ndarray]:
    """(distinct roots sorted, each row's index into them): one dict pass over the column,
    several times faster than ``np.unique``'s sort of strings and no slower than pandas'
    factorize (~1 ms on an SPX chain), without importing pandas for it."""
    values = np.asarray(root, dtype=object).reshape(-1).tolist()
    distinct = set(values)
    if not all(isinstance(v, str) for v in distinct):  # a missing root: named as str() names it
        values = [str(v) for v in values]
        distinct = set(values)
    names = tuple(sorted(distinct))
    index = {name: i for i, name in enumerate(names)}
    return names, np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values))
