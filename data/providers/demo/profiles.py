"""The demo universe: the symbols the simulated market lists, with price, beta, volatility and volume.

A fixed list, not "any valid ticker": a made-up symbol with a made-up price (Ford at $184,
ZZZZ at $6.38) is worse than a clear "not in the demo universe". Prices are late-2026 levels;
betas are to the S&P 500 (SPX is the market factor every other symbol is built on).
"""

from __future__ import annotations

from dataclasses import dataclass

from data.symbols import SymbolKind, symbol_kind

MARKET = "SPX"  # the one market factor


@dataclass(frozen=True, slots=True)
class SymbolProfile:
    symbol: str
    name: str
    base_price: float  # the level the simulated price wanders around
    annual_vol: float
    daily_volume: float  # shares in a regular session; 0 for indices
    extended_hours: bool  # indices have no pre/post-market bars
    tracks: str | None = None  # index whose regular-session path this ETF follows
    beta: float = 1.0  # to the market factor (SPX); the rest of the variance is the symbol's own
    factor: str | None = None  # the symbol whose returns this one loads on (None: SPX itself)

    @property
    def daily_vol(self) -> float:
        return self.annual_vol / 252**0.5

    @property
    def idio_vol(self) -> float:
        """Annual volatility of the symbol's own (non-market) part."""
        factor_vol = abs(self.beta) * (profile_for(self.factor).annual_vol if self.factor else 0.0)
        return max(self.annual_vol**2 - factor_vol**2, 0.0) ** 0.5


# symbol: (name, price, annual vol, regular-session volume, beta to SPX)
_KNOWN: dict[str, tuple[str, float, float, float, float]] = {
    "SPX": ("S&P 500 Index", 6800.0, 0.16, 0.0, 1.0),
    "NDX": ("Nasdaq-100 Index", 25000.0, 0.213, 0.0, 1.2),  # β 1.2 and ρ 0.9 to SPX
    "RUT": ("Russell 2000 Index", 2450.0, 0.22, 0.0, 1.15),
    "DJI": ("Dow Jones Industrial Average", 47500.0, 0.145, 0.0, 0.85),
    "VIX": ("Cboe Volatility Index", 16.0, 0.85, 0.0, -4.0),  # falls when the market rises
    "SPY": ("SPDR S&P 500 ETF", 680.0, 0.16, 60e6, 1.0),
    "QQQ": ("Invesco QQQ Trust", 610.0, 0.213, 40e6, 1.2),
    "IWM": ("iShares Russell 2000 ETF", 242.0, 0.22, 30e6, 1.15),
    "DIA": ("SPDR Dow Jones ETF", 475.0, 0.145, 3e6, 0.85),
    "AAPL": ("Apple Inc.", 275.0, 0.26, 50e6, 1.1),
    "MSFT": ("Microsoft Corp.", 490.0, 0.24, 20e6, 1.0),
    "NVDA": ("NVIDIA Corp.", 185.0, 0.45, 180e6, 1.7),
    "AMZN": ("Amazon.com Inc.", 230.0, 0.32, 40e6, 1.3),
    "META": ("Meta Platforms Inc.", 650.0, 0.36, 12e6, 1.3),
    "TSLA": ("Tesla Inc.", 430.0, 0.60, 90e6, 2.0),
    "GOOGL": ("Alphabet Inc. Class A", 300.0, 0.30, 30e6, 1.1),
    "GOOG": ("Alphabet Inc. Class C", 301.0, 0.30, 20e6, 1.1),
    "AMD": ("Advanced Micro Devices", 220.0, 0.52, 45e6, 1.8),
    "AVGO": ("Broadcom Inc.", 350.0, 0.45, 25e6, 1.5),
    "NFLX": ("Netflix Inc.", 110.0, 0.35, 40e6, 1.1),  # after its 10-for-1 split
    "PLTR": ("Palantir Technologies", 180.0, 0.70, 60e6, 2.2),
    "INTC": ("Intel Corp.", 38.0, 0.50, 80e6, 1.2),
    "F": ("Ford Motor Co.", 12.5, 0.35, 60e6, 1.2),
    "JPM": ("JPMorgan Chase & Co.", 305.0, 0.22, 9e6, 1.0),
    "BAC": ("Bank of America Corp.", 52.0, 0.25, 40e6, 1.2),
    "BRK.B": ("Berkshire Hathaway Class B", 500.0, 0.16, 4e6, 0.8),
    "V": ("Visa Inc.", 340.0, 0.20, 7e6, 0.9),
    "XOM": ("Exxon Mobil Corp.", 115.0, 0.22, 15e6, 0.6),
    "WMT": ("Walmart Inc.", 100.0, 0.20, 18e6, 0.5),
    "COST": ("Costco Wholesale Corp.", 920.0, 0.20, 2e6, 0.7),
    "KO": ("Coca-Cola Co.", 70.0, 0.15, 15e6, 0.5),
    "T": ("AT&T Inc.", 26.0, 0.20, 35e6, 0.4),
}

# ETFs that follow an index: (index, ETF price / index price), so SPY stays ~SPX/10.
TRACKING: dict[str, tuple[str, float]] = {
    "SPY": ("SPX", 0.1), "QQQ": ("NDX", 610 / 25000), "IWM": ("RUT", 242 / 2450), "DIA": ("DJI", 0.01),
}


class NotInUniverseError(LookupError):
    """A well-formed ticker the demo market does not list; the message is for the user."""


def popular_symbols() -> list[str]:
    return list(_KNOWN)


def in_universe(symbol: str) -> bool:
    return symbol in _KNOWN


def universe_message(symbol: str) -> str:
    return f"{symbol} is not in the demo universe (demo symbols: {', '.join(_KNOWN)})."


def profile_for(symbol: str) -> SymbolProfile:
    """The symbol's figures; ``NotInUniverseError`` for a ticker the demo does not list."""
    if symbol not in _KNOWN:
        raise NotInUniverseError(universe_message(symbol))
    name, price, vol, volume, beta = _KNOWN[symbol]
    is_index = symbol_kind(symbol) is SymbolKind.INDEX
    tracks = TRACKING.get(symbol, (None, 1.0))[0]
    factor = None if symbol == MARKET else MARKET
    return SymbolProfile(symbol, name, price, vol, 0.0 if is_index else volume, not is_index, tracks, beta, factor)
