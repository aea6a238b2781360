"""What every coach tool is built from: its spec (name, description, JSON schema, coroutine), the
environment it reads (the engine's services by class, market time, the provider of the moment,
the calendar), the one way to get an options snapshot for any symbol, and a tiny number writer
(the app's way: "6,600.25", "12.34%", "$1.23B"; app.core must not import ``widgets``)."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from data.coach import Card

if TYPE_CHECKING:
    from app.core.snapshots import OptionsSnapshot
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider

T = TypeVar("T")
MISSING = "—"
Result = tuple[dict[str, Any], Card]


class ToolError(Exception):
    """A tool's failure in plain words (missing data, a bad symbol): becomes the record's ``error``."""


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str
    parameters: dict[str, Any]  # JSON schema of the arguments (an object)
    run: Callable[..., Awaitable[Result]]  # run(env, **arguments)

    def schema(self) -> dict[str, Any]:
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": self.parameters}}


def params(properties: dict[str, dict[str, Any]] | None = None, required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {"type": "object", "properties": properties or {}, "required": list(required),
            "additionalProperties": False}


SYMBOL = {"type": "string", "description": "Ticker, e.g. SPX, SPY, AAPL"}
SYMBOLS = {"type": "array", "items": {"type": "string"}, "maxItems": 20,
           "description": "Tickers; default: the active watchlist"}


@dataclass(slots=True)
class ToolEnv:
    service: Callable[[type[T]], T]
    now: Callable[[], datetime]
    provider: Callable[[], MarketDataProvider] | None = None
    calendar: MarketCalendar | None = None

    def market(self) -> MarketDataProvider:
        if self.provider is None:
            raise ToolError("No market data provider is connected.")
        return self.provider()

    def cal(self) -> MarketCalendar:
        if self.calendar is None:
            from data.market_calendar import default_calendar

            self.calendar = default_calendar()
        return self.calendar

    def workspace(self):
        from app.core.workspace import Workspace

        return self.service(Workspace)

    def watchlist(self) -> list[str]:
        try:
            return list(self.workspace().active_watchlist.symbols)
        except (LookupError, AttributeError, StopIteration):
            return []

    async def snapshot(self, symbol: str) -> OptionsSnapshot:
        """The options panel's snapshot when ``symbol`` is the active one (the very numbers the
        GEX panel shows); else one chain read the way the brief reads it."""
        from app.core.option_chains import OptionChainService

        latest = self.service(OptionChainService).latest
        if latest is not None and latest.symbol == symbol:
            return latest
        return await self._read_chain(symbol)

    async def _read_chain(self, symbol: str) -> OptionsSnapshot:
        from app.core.option_chains import ChainUnavailableError, read_snapshot
        from app.core.rates import RatesService
        from data.providers.errors import ProviderError

        try:
            curve = await self.service(RatesService).curve()
        except (LookupError, ProviderError):
            curve = None
        try:
            return await read_snapshot(self.market(), self.cal(), symbol, curve, with_open=True)
        except ChainUnavailableError as exc:
            raise ToolError(str(exc)) from None


def symbol_of(text: Any) -> str:
    from data.symbols import SymbolError, normalize_symbol

    try:
        return normalize_symbol(text)
    except SymbolError as exc:
        raise ToolError(f"Bad symbol: {exc}") from None


# -- numbers: rounded for the model, written for the card ----------------------------------------
def finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def rnd(x: Any, decimals: int = 2) -> float | None:
    """A JSON number rounded to ``decimals`` (None for a missing or non-finite one)."""
    return round(float(x), decimals) if finite(x) else None


def price(x: Any, decimals: int = 2) -> str:
    return f"{float(x):,.{decimals}f}" if finite(x) else MISSING


def signed(x: Any, decimals: int = 2) -> str:
    """"+3.15", "−0.97" (no negative zero)."""
    if not finite(x):
        return MISSING
    text = f"{float(x):+,.{decimals}f}"
    return ("+" + text[1:] if not text.strip("+-0.,") else text).replace("-", "−")


def strike(x: Any) -> str:
    if not finite(x):
        return MISSING
    text = f"{float(x):,.2f}"
    return text.rstrip("0").rstrip(".")


def pct(x: Any, decimals: int = 2, signed: bool = False) -> str:
    """A percentage given in percent (12.34 -> "12.34%")."""
    if not finite(x):
        return MISSING
    text = f"{float(x):+,.{decimals}f}%" if signed else f"{float(x):,.{decimals}f}%"
    return text.replace("-", "−")


def dollars(x: Any) -> str:
    """Dollars in full: "−$1,234.50"."""
    if not finite(x):
        return MISSING
    return f"{'−' if x < 0 else ''}${abs(float(x)):,.2f}"


def compact(value: Any, decimals: int = 4) -> Any:
    """Round every float in a JSON-able structure (NaN/inf become None)."""
    if isinstance(value, float):
        return round(value, decimals) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: compact(v, decimals) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [compact(v, decimals) for v in value]
    return value
