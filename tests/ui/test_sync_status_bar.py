"""The status bar shows sync only when signed in: the state in colour, what waits, why in the tooltip."""

from __future__ import annotations


def test_status_bar_shows_sync_only_when_signed_in(qtbot) -> None:
    from app.ui.status_bar import MarketStatusBar
    from data.sync.status import SyncStatus

    bar = MarketStatusBar()
    qtbot.addWidget(bar)
    bar.set_sync(SyncStatus())
    assert bar.sync_label.isHidden()
    bar.set_sync(SyncStatus("offline", "cannot be reached", "t@example.com", "https://s", waiting=61))
    assert not bar.sync_label.isHidden()
    assert "offline" in bar.sync_label.text() and "61 waiting" in bar.sync_label.text()
    assert bar.sync_label.toolTip() == "cannot be reached"


def test_every_market_session_state_has_its_colour(qtbot) -> None:
    from datetime import UTC, date, datetime

    from app.ui.status_bar import SESSION_COLORS, MarketStatusBar
    from data.market_calendar import MarketStatus, SessionState

    assert set(SESSION_COLORS) == {state.value for state in SessionState}
    bar = MarketStatusBar()
    qtbot.addWidget(bar)
    pre = MarketStatus(SessionState.PRE, date(2026, 12, 3), "pre-market")
    bar.set_market(pre, datetime(2026, 12, 3, 13, 0, tzinfo=UTC), simulated=True)
    assert SESSION_COLORS["pre"] in bar.session_label.text() and bar.clock_label.text() == "SIM Thu Dec 03 08:00:00 ET"
