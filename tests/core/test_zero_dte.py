"""The 0DTE service: today's numbers of a snapshot with the market note, and a contract's risk."""

from __future__ import annotations

from datetime import datetime

import pytest

from analytics.zero_dte import contract_risk, zero_dte_summary
from app.core.zero_dte import ZeroDteService, market_note
from data.market_calendar import ET, SessionState
from tests.core.options_snapshots import demo_snapshot

AT = datetime(2026, 11, 25, 14, 30, tzinfo=ET)


def test_market_notes_say_why_numbers_are_frozen() -> None:
    assert "Live" in market_note(SessionState.REGULAR, "16:00", "regular session")
    assert "frozen" in market_note(SessionState.AFTER, "16:00", "after-hours session")
    assert "Pre-market" in market_note(SessionState.PRE, "16:00", "pre-market")


@pytest.fixture(scope="module")
def spx(calendar):
    return demo_snapshot(calendar, "SPX", AT, open_price=6000.0)


async def test_the_view_is_the_analytics_summary_with_the_session(calendar, spx) -> None:
    service = ZeroDteService(calendar, lambda: spx)
    view = await service.summary()
    session = calendar.session(AT.date())
    g = spx.greeks
    expected = zero_dte_summary(spx.chain, spx.spot, g.T, g.iv, AT.date(), 6000.0, session.open, session.close, AT)
    assert view.snapshot is spx and view.close == session.close and view.note.startswith("Live")
    assert view.summary.move.straddle == pytest.approx(expected.move.straddle)
    assert view.summary.top_rows == expected.top_rows and view.summary.day.used == pytest.approx(abs(spx.spot - 6000))
    assert await service.summary(spx) is view  # once per snapshot
    row = int(view.summary.top_rows[0])
    risk = await service.contract_risk(view, row)
    gamma, clock = contract_risk(spx.chain, row, spx.spot, float(g.T[row]), float(g.iv[row]), spx.r, spx.q, AT,
                                 session.close, greeks=g)
    assert risk.row == row and risk.risk == gamma and risk.clock == tuple(clock)
    # the chain panel's delta and gamma (one set of greeks), and its dollar gamma from them
    assert (risk.risk.delta, risk.risk.gamma) == (g.delta[row], g.gamma[row])
    assert risk.risk.dollar_gamma == pytest.approx(g.gamma[row] * 100 * spx.spot**2 * 0.01)
    assert await service.contract_risk(view, row) is risk


async def test_no_same_day_expiry_and_no_session_say_why(calendar) -> None:
    aapl = demo_snapshot(calendar, "AAPL", AT)  # a Wednesday: single stocks expire on Fridays
    view = await ZeroDteService(calendar, lambda: None).summary(aapl)
    assert view.summary is None and view.note.startswith("No AAPL options expire today (next: ")
    sunday = demo_snapshot(calendar, "SPX", datetime(2026, 11, 29, 12, 0, tzinfo=ET))
    closed = await ZeroDteService(calendar, lambda: sunday).summary()
    assert closed.summary is None and closed.close is None and closed.note.startswith("No session today")
    assert await ZeroDteService(calendar, lambda: sunday).contract_risk(closed, 0) is None
    assert await ZeroDteService(calendar, lambda: None).summary() is None
