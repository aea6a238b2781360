"""Wire the 0DTE panel: today's same-day expiry from each options snapshot, with the session."""

from __future__ import annotations

from typing import Any

from app.ui.panel_host import PanelHost
from app.ui.panels.options_feed import follow_options
from data.market_calendar import ET, SessionState, market_date
from widgets.zero_dte_panel import ZeroDtePanel


def market_note(state: SessionState, close_text: str, reason: str) -> str:
    """Why the numbers move or not, in the trader's words."""
    if state is SessionState.REGULAR:
        return f"Live · same-day options stop trading at the {close_text} ET close."
    if state is SessionState.PRE:
        return "Pre-market: the move priced at the open is known once the session opens; the rest uses last quotes."
    return f"Market closed ({reason}): numbers are frozen at the last quotes."


def build(host: PanelHost) -> ZeroDtePanel:
    panel = ZeroDtePanel()

    def show(snap: Any) -> None:
        from analytics.zero_dte import contract_risk, zero_dte_summary  # SciPy is loaded by then

        calendar, chain, greeks = host.engine.context.calendar, snap.chain, snap.greeks
        now = chain.asof
        today = market_date(now)
        status = calendar.status(now)
        if not calendar.is_session(today):
            panel.show_summary(snap.symbol, snap.spot, chain, None, greeks,
                               f"No session today ({status.reason}): no same-day expiry.")
            return
        session = calendar.session(today)
        summary = zero_dte_summary(chain, snap.spot, greeks.T, greeks.iv, today, snap.open_price, session.open,
                                   session.close, now)
        note = market_note(status.state, f"{session.close.astimezone(ET):%H:%M}", status.reason)
        if summary is None:
            upcoming = chain.expirations()
            note = (f"No {snap.symbol} options expire today" + (f" (next: {upcoming[0]:%b %d})." if upcoming
                                                                else ".") + " " + note)
        panel.risk_for = lambda row: contract_risk(chain, row, snap.spot, float(greeks.T[row]), float(greeks.iv[row]),
                                                   snap.r, snap.q, now, session.close)
        panel.show_summary(snap.symbol, snap.spot, chain, summary, greeks, note)

    follow_options(host, panel, show, panel.set_unavailable)
    return panel
