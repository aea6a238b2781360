"""The Scanner and Tracked-setups panels in the running app on the demo provider: scan the default
watchlist, track a detection from the scanner, archive it from the Tracked-setups panel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from analytics.setup_lifecycle import LIVE, STATUS_TITLES
from app.core.setups.tracker import SetupTrackerService
from data.market_calendar import MarketCalendar, market_date
from data.providers.demo.provider import demo_start
from data.providers.registry import DEMO_CLOCK_FILE
from data.providers.sim_clock import save_time
from tests.gui_helpers import run_app, settings, until


def start_demo_mid_session(data_dir: Path) -> None:
    """The demo runs two hours into a session (a scan finds only setups still in play, and at the
    open there are none yet) whatever the real time of day: its clock file names the next session's
    open + 2 h, later than any start, so the run continues from there (late in a real session there
    would be too little of it left)."""
    calendar = MarketCalendar()
    session = calendar.next_session(market_date(demo_start(calendar, datetime.now(UTC))))
    save_time(data_dir / DEMO_CLOCK_FILE, session.open + timedelta(hours=2))


def _symbols(panel) -> list[str]:
    return [panel.model.data(panel.model.index(r, 0)) for r in range(panel.model.rowCount())]


async def _scan(c) -> None:
    scanner = c.window.panels["scanner"]
    await until(lambda: scanner.scan_button.isEnabled())
    watchlist = c.workspace.active_watchlist
    assert scanner.watchlist.currentText() == f"{watchlist.name} ({len(watchlist.symbols)})"
    scanner.source_filter.setCurrentText("Scan only")  # the live feed may add rows as bars close
    scanner.scan_button.click()
    assert scanner.scan_button.text() == f"Scanning {len(watchlist.symbols)} symbols…"
    assert not scanner.scan_button.isEnabled()
    await until(lambda: scanner.scan_button.text() == "Scan now", 90)
    assert scanner.status.text().startswith(f"Scanned {len(watchlist.symbols)} symbols at ")
    if scanner.model.rowCount() == 0:
        assert scanner.empty.showing_reason and "No setups in the last scan" in scanner.empty.note.text()
    else:
        assert not scanner.empty.showing_reason and scanner.table.isVisible()


async def _menu_actions(c, detection) -> None:
    scanner, alerts, tracked = c.window.panels["scanner"], c.window.panels["alerts"], c.window.panels["tracked_setups"]
    actions = {a.text(): a for a in scanner.menu_for(detection).actions() if a.text()}
    at = f"entry {detection.entry:,.2f}"
    assert set(actions) == {f"Open {detection.symbol} chart", f"Open chain near {at}", f"Alert at {at}…",
                            f"Ask the coach about {detection.symbol}", "Track setup"}
    assert not actions["Track setup"].isEnabled()  # tracked already
    actions[f"Alert at {at}…"].trigger()
    assert (alerts.symbol.text(), alerts.price.text()) == (detection.symbol, f"{detection.entry:.2f}")
    actions[f"Open {detection.symbol} chart"].trigger()
    await until(lambda: c.workspace.active_symbol == detection.symbol)
    setup = next(s for s in c.engine.service(SetupTrackerService).setups if s.detection_id == detection.id)
    texts = [a.text() for a in tracked.menu_for(setup).actions() if a.text()]
    assert texts == [f"Open {setup.symbol} chart", f"Open chain near {at}", f"Alert at {at}…",
                     f"Ask the coach about {setup.symbol}"]


async def _track_one_still_in_play(scanner, tracker):
    """Track the first detection the price has not yet run through (the demo's path, and so which
    setups failed meanwhile, depends on the date): the scanner refuses the others, saying why."""
    for row in range(scanner.model.rowCount()):
        scanner.table.selectRow(row)
        detection = scanner.selected()
        scanner.track_button.click()
        refused = f"already through the stop {detection.stop:,.2f}"
        await until(lambda d=detection, r=refused: any(s.detection_id == d.id for s in tracker.setups)
                    or r in scanner.status.text())
        if any(s.detection_id == detection.id for s in tracker.setups):
            return detection
    raise AssertionError(f"every one of the scan's {scanner.model.rowCount()} detections had failed already")


def test_scan_track_and_archive(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        scanner, tracked = c.window.panels["scanner"], c.window.panels["tracked_setups"]
        tracker = c.engine.service(SetupTrackerService)
        await _scan(c)
        assert scanner.model.rowCount() > 0, "two hours into the session the demo's default watchlist has setups"
        detection = await _track_one_still_in_play(scanner, tracker)
        setup = next(s for s in tracker.setups if s.detection_id == detection.id)
        assert setup.source == "scanner" and setup.events[0].status == "active"
        await until(lambda: scanner.model.tracked_source(detection.id) == "scanner")
        assert "Tracking " + detection.symbol in scanner.status.text() and not scanner.track_button.isEnabled()
        tracked.status_filter.setCurrentText("All")
        row = tracked.model.row_of(setup.id)
        assert row is not None and tracked.model.data(tracked.model.index(row, 0)) == detection.symbol
        tracked.status_filter.setCurrentIndex(0)  # live: active + triggered
        now = next(s for s in tracker.setups if s.id == setup.id)
        assert (tracked.model.row_of(setup.id) is not None) == (now.status in LIVE)
        tracked.show_setup(setup.id)
        assert tracked.selected().id == setup.id
        tracked.archive_button.click()
        await until(lambda: next(s for s in tracker.setups if s.id == setup.id).status == "archived")
        tracked.status_filter.setCurrentIndex(0)
        assert tracked.model.row_of(setup.id) is None
        tracked.status_filter.setCurrentText(STATUS_TITLES["archived"])
        assert tracked.model.row_of(setup.id) is not None
        await _menu_actions(c, detection)

    start_demo_mid_session(tmp_path)
    assert run_app(settings(tmp_path), scenario) == 0
