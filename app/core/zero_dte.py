"""Today's same-day expiry of the options snapshot: expected move, most traded, contract risk.

Not supervised: it only answers. ``summary()`` builds the ``ZeroDteView`` of the latest
snapshot (or the one given) in a worker thread, once per snapshot, with a note on the market
state; ``contract_risk(view, row)`` is a picked contract's gamma risk and theta clock, once
per contract, with the snapshot's greeks (the chain panel's delta and gamma, each expiry's
parity-forward carry).
"""

from __future__ import annotations

from collections.abc import Callable

from app.core.snapshots import ContractRisk, OptionsSnapshot, ZeroDteView
from app.core.view_cache import SymbolViewCaches, ViewCache
from data.market_calendar import ET, MarketCalendar, SessionState, market_date

CACHED_RISKS = 48  # the picker lists 24 contracts


def market_note(state: SessionState, close_text: str, reason: str) -> str:
    """Why the numbers move or not, in the trader's words."""
    if state is SessionState.REGULAR:
        return f"Live · same-day options stop trading at the {close_text} ET close."
    if state is SessionState.PRE:
        return "Pre-market: the move priced at the open is known once the session opens; the rest uses last quotes."
    return f"Market closed ({reason}): numbers are frozen at the last quotes."


class ZeroDteService:
    def __init__(self, calendar: MarketCalendar, latest: Callable[[], OptionsSnapshot | None]) -> None:
        self._calendar = calendar
        self._latest = latest
        self._views: SymbolViewCaches[ZeroDteView] = SymbolViewCaches(1)
        self._risks: ViewCache[ContractRisk | None] = ViewCache(CACHED_RISKS)

    async def summary(self, snapshot: OptionsSnapshot | None = None) -> ZeroDteView | None:
        """None before the first chain."""
        snap = snapshot or self._latest()
        if snap is None:
            return None
        return await self._views.get_in_thread(snap, None, lambda: zero_dte_view(snap, self._calendar))

    async def contract_risk(self, view: ZeroDteView, row: int) -> ContractRisk | None:
        """None without a session today (nothing to run down to the close)."""
        return await self._risks.get_in_thread(view, int(row), lambda: contract_risk_of(view, int(row)))


def zero_dte_view(snap: OptionsSnapshot, calendar: MarketCalendar) -> ZeroDteView:
    from analytics.zero_dte import zero_dte_summary

    chain, greeks, now = snap.chain, snap.greeks, snap.chain.asof
    today, status = market_date(now), calendar.status(now)
    if not calendar.is_session(today):
        return ZeroDteView(snap, None, f"No session today ({status.reason}): no same-day expiry.", None)
    session = calendar.session(today)
    summary = zero_dte_summary(chain, snap.spot, greeks.T, greeks.iv, today, snap.open_price, session.open,
                               session.close, now)
    note = market_note(status.state, f"{session.close.astimezone(ET):%H:%M}", status.reason)
    if summary is None:
        upcoming = chain.expirations()
        nothing = f"No {snap.symbol} options expire today" + (f" (next: {upcoming[0]:%b %d})." if upcoming else ".")
        note = f"{nothing} {note}"
    return ZeroDteView(snap, summary, note, session.close)


def contract_risk_of(view: ZeroDteView, row: int) -> ContractRisk | None:
    from analytics.zero_dte import contract_risk

    if view.close is None:
        return None
    snap = view.snapshot
    risk, clock = contract_risk(snap.chain, row, snap.spot, float(snap.greeks.T[row]), float(snap.greeks.iv[row]),
                                snap.r, snap.q, snap.chain.asof, view.close, greeks=snap.greeks)
    return ContractRisk(row, risk, tuple(clock))
