"""Records that services publish and panels (and, later, the coach's tools) render as they are.

Kept apart from the services that build them so the bus's events can name them without
importing a service (the events module used to import the option-chain service for its
snapshot type: bus → events → options → bus).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy-backed records; only named here
    from analytics.chain_greeks import ChainGreeks
    from analytics.chart_overlays import ChartOverlays
    from analytics.expected_move import GammaRisk, ThetaPoint
    from analytics.gex import GexProfile
    from analytics.heatmap import Heatmap
    from analytics.iv_summary import IvSummary
    from analytics.volatility import IvRank
    from analytics.zero_dte import ZeroDteSummary
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


# -- views of one options snapshot (app.core.iv_rank, zero_dte, heatmap): what a panel shows --


@dataclass(frozen=True, eq=False)
class IvRankView:
    """Where the snapshot's 30-day ATM IV sits in its year (stored IV, or an HV proxy)."""

    symbol: str
    atm_30d: float
    rank: IvRank | None  # None: too little history (``reason`` says so)
    stored_days: int  # days of IV stored so far (the proxy stands in below 60)
    reason: str  # why there is no rank; "" when there is one


@dataclass(frozen=True, eq=False)
class ZeroDteView:
    """Today's same-day expiry of one snapshot, with the market state in the trader's words."""

    snapshot: OptionsSnapshot  # chain, greeks and spot the numbers come from
    summary: ZeroDteSummary | None  # None: nothing expires today, or no session (``note`` says why)
    note: str
    close: datetime | None  # today's regular close; None without a session today


@dataclass(frozen=True, eq=False)
class ContractRisk:
    """One same-day contract of a ``ZeroDteView``: gamma risk and leverage now, value path to the close."""

    row: int  # the contract's row in the view's chain
    risk: GammaRisk
    clock: tuple[ThetaPoint, ...]


@dataclass(frozen=True, eq=False)
class HeatmapView:
    """One strike × expiration grid of a snapshot, with the chain its cells point into."""

    snapshot: OptionsSnapshot
    grid: Heatmap
