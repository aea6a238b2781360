"""Wire the tracked-setups panel to ``SetupTrackerService`` (``setups_changed`` keeps it live)."""

from __future__ import annotations

from app.core.setups.tracker import SetupTrackerService
from app.ui import symbol_actions
from app.ui.panel_host import PanelHost
from widgets.setups.tracked_setups_panel import TrackedSetupsPanel


def build(host: PanelHost) -> TrackedSetupsPanel:
    panel = TrackedSetupsPanel()
    symbol_actions.connect(host, panel.symbol_actions, "setup", panel.show_error)

    def tracker() -> SetupTrackerService:
        return host.engine.service(SetupTrackerService)

    def note(setup_id: int, text: str) -> None:
        async def run() -> None:
            await tracker().add_note(setup_id, text)
            panel.note_added()

        host.run(run(), panel.show_error)

    host.bridge.setups_changed.connect(lambda setups: panel.set_setups(list(setups)))
    panel.archive_requested.connect(lambda i: host.run(tracker().archive(i), panel.show_error))
    panel.reopen_requested.connect(lambda i: host.run(tracker().reopen(i), panel.show_error))
    panel.delete_requested.connect(lambda i: host.run(tracker().delete(i), panel.show_error))
    panel.note_requested.connect(note)
    host.when_engine_ready(lambda: panel.set_setups(list(tracker().setups)))
    return panel
