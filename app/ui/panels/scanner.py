"""Wire the scanner panel: Scan now (``ScannerService``), the detector runner's live feed
(``setup_detected``), tracking (``SetupTrackerService``) and the shared symbol actions."""

from __future__ import annotations

from app.core.events import WatchlistsChanged
from app.core.market_data import MarketDataService
from app.core.setups.detector_runner import DetectorRunnerService
from app.core.setups.scanner import ScannerService
from app.core.setups.tracker import SetupTrackerService
from app.core.workspace import Workspace
from app.ui import symbol_actions
from app.ui.panel_host import PanelHost
from app.ui.panels.setups_common import market_now
from data.store.records import DetectionRecord, TrackedSetup
from widgets.setups.scanner_panel import ScannerPanel, WatchlistChoice
from widgets.setups.tracked_model import setup_title


def tracked_by_detection(setups: tuple[TrackedSetup, ...]) -> dict[int, str]:
    """Detection id -> the source of the setup tracking it (the newest one)."""
    return {s.detection_id: s.source for s in reversed(setups) if s.detection_id is not None}


def build(host: PanelHost) -> ScannerPanel:
    panel = ScannerPanel(now=lambda: market_now(host))
    symbol_actions.connect(host, panel.symbol_actions, "setup", panel.show_error)

    def watchlists(event: WatchlistsChanged) -> None:
        panel.set_watchlists([WatchlistChoice(w.id, w.name, w.symbols) for w in event.watchlists], event.active_id)

    def scan(symbols: tuple[str, ...]) -> None:
        async def run() -> None:
            result = await host.engine.service(ScannerService).scan(symbols)
            panel.show_scan(result.detections, result.scanned, result.problems, result.asof, result.note)

        host.run(run(), panel.show_error)

    def track(d: DetectionRecord) -> None:
        async def run() -> None:
            quote = host.engine.service(MarketDataService).last_quotes.get(d.symbol)
            setup = await host.engine.service(SetupTrackerService).track(
                d.symbol, d.direction, d.entry, d.stop, d.targets, reference=quote.last if quote else d.entry,
                source="scanner", detector=d.detector, detection_id=d.id)
            panel.show_message(f"Tracking {setup.symbol} {setup_title(setup)} {setup.direction} "
                               f"(see Tracked setups).")

        host.run(run(), panel.show_error)

    def initial() -> None:
        ws = host.engine.service(Workspace)
        watchlists(WatchlistsChanged(ws.watchlists, ws.active_watchlist_id))
        panel.set_live(list(host.engine.service(DetectorRunnerService).feed))
        panel.set_tracked(tracked_by_detection(host.engine.service(SetupTrackerService).setups))

    def provider_changed(_name: str) -> None:
        panel.clear_scan()  # the last scan was another provider's prices
        initial()

    host.bridge.watchlists_changed.connect(watchlists)
    host.bridge.setup_detected.connect(lambda e: panel.add_live(e.detection))
    host.bridge.setups_changed.connect(lambda setups: panel.set_tracked(tracked_by_detection(setups)))
    host.bridge.provider_changed.connect(provider_changed)
    panel.scan_requested.connect(scan)
    panel.track_requested.connect(track)
    host.when_engine_ready(initial)
    return panel
