"""Plausible price level, volatility and volume for any symbol the demo market is asked for."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from data.symbols import SymbolKind, symbol_kind


@dataclass(frozen=True, slots=True)
class SymbolProfile:
    symbol: str
    name: str
    base_price: float  # the level the simulated price wanders around
    annual_vol: float
    daily_volume: float  # shares in a regular session; 0 for indices
    extended_hours: bool  # indices have no pre/post-market bars
    tracks: str | None = None  # index whose regular-session path this ETF follows

    @property
    def daily_vol(self) -> float:
        return self.annual_vol / 252**0.5


# symbol: (name, price, annual vol, regular-session volume)
_KNOWN: dict[str, tuple[str, float, float, float]] = {
    "SPX": ("S&P 500 Index", 6000.0, 0.16, 0.0),
    "NDX": ("Nasdaq-100 Index", 21000.0, 0.20, 0.0),
    "RUT": ("Russell 2000 Index", 2300.0, 0.22, 0.0),
    "DJI": ("Dow Jones Industrial Average", 44000.0, 0.14, 0.0),
    "VIX": ("Cboe Volatility Index", 16.0, 0.85, 0.0),
    "SPY": ("SPDR S&P 500 ETF", 600.0, 0.16, 60e6),
    "QQQ": ("Invesco QQQ Trust", 520.0, 0.20, 40e6),
    "IWM": ("iShares Russell 2000 ETF", 230.0, 0.22, 30e6),
    "DIA": ("SPDR Dow Jones ETF", 440.0, 0.14, 3e6),
    "AAPL": ("Apple Inc.", 230.0, 0.26, 50e6),
    "MSFT": ("Microsoft Corp.", 420.0, 0.24, 20e6),
    "NVDA": ("NVIDIA Corp.", 140.0, 0.45, 250e6),
    "TSLA": ("Tesla Inc.", 250.0, 0.55, 90e6),
    "AMZN": ("Amazon.com Inc.", 200.0, 0.30, 40e6),
    "META": ("Meta Platforms Inc.", 580.0, 0.33, 12e6),
    "GOOG": ("Alphabet Inc. Class C", 170.0, 0.28, 20e6),
    "GOOGL": ("Alphabet Inc. Class A", 170.0, 0.28, 25e6),
    "AMD": ("Advanced Micro Devices", 140.0, 0.45, 45e6),
    "NFLX": ("Netflix Inc.", 700.0, 0.35, 4e6),
    "JPM": ("JPMorgan Chase & Co.", 220.0, 0.22, 9e6),
    "BRK.B": ("Berkshire Hathaway Class B", 460.0, 0.16, 4e6),
}


# ETFs that follow an index: (index, ETF price / index price), so SPY stays ~SPX/10.
TRACKING: dict[str, tuple[str, float]] = {
    "SPY": ("SPX", 0.1), "QQQ": ("NDX", 1 / 40.4), "IWM": ("RUT", 1 / 10.1), "DIA": ("DJI", 0.01),
}


def popular_symbols() -> list[str]:
    return list(_KNOWN)


def profile_for(symbol: str) -> SymbolProfile:
    """Known symbols get realistic figures; any other valid ticker gets stable derived ones."""
    kind = symbol_kind(symbol)
    if symbol in _KNOWN:
        name, price, vol, volume = _KNOWN[symbol]
    else:
        h = zlib.crc32(symbol.encode())
        price = round(5.0 * (80.0 ** ((h % 1000) / 999.0)), 2)  # log-uniform 5 … 400
        vol = 0.25 + 0.35 * (((h >> 10) % 1000) / 999.0)
        volume = 1e6 * (1 + (h >> 20) % 20)
        name = f"{symbol} (simulated)"
    is_index = kind is SymbolKind.INDEX
    tracks = TRACKING.get(symbol, (None, 1.0))[0]
    return SymbolProfile(symbol, name, price, vol, 0.0 if is_index else volume, not is_index, tracks)
