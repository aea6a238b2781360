"""Records that services publish and panels (and, later, the coach's tools) render as they are.

Kept apart from the services that build them so the bus's events can name them without
importing a service (the events module used to import the option-chain service for its
snapshot type: bus → events → options → bus).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy-backed records; only named here
    from analytics.chain_greeks import ChainGreeks
    from analytics.chart_overlays import ChartOverlays
    from analytics.gex import GexProfile
    from analytics.iv_summary import IvSummary
    from data.models import Bar, Bars, Timeframe
    from data.option_chain import OptionChain


@dataclass(frozen=True, eq=False)
class OptionsSnapshot:
    """The active symbol's chain with greeks, GEX and IV statistics, as of one refresh."""

    symbol: str
    provider: str
    chain: OptionChain
    spot: float
    r: float
    q: float
    greeks: ChainGreeks
    gex: GexProfile  # default convention (calls +, puts −); panels re-sign it for the other
    open_price: float | None  # today's regular-session open (None before 09:30 ET or unknown)
    iv: IvSummary  # term structure, skews, 30-day ATM IV (re-implied from mids)
    compute_ms: float  # fetch + analytics, for the benchmark and the panel's footer


@dataclass(frozen=True, eq=False)
class ChartSnapshot:
    """One chart request: cleaned bars, their overlays and the minutes of the forming bar."""

    symbol: str
    timeframe: Timeframe
    bars: Bars
    overlays: ChartOverlays
    dropped: int
    forming_minutes: tuple[Bar, ...]
