"""Wire the notifications log panel to the notification service; its Snooze menu saves this computer's snooze."""

from __future__ import annotations

from app.core.notifications import NotificationService
from app.ui.notification_quiet import SNOOZE_LABELS, NotificationQuiet
from app.ui.panel_host import PanelHost
from data.store.records import NotificationRecord
from widgets.notifications_panel import NotificationsPanel, NotificationView


def _view(r: NotificationRecord) -> NotificationView:
    return NotificationView(r.id, r.kind, r.title, r.message, r.created_at)


def build(host: PanelHost) -> NotificationsPanel:
    panel = NotificationsPanel()

    async def load() -> None:
        records = await host.engine.service(NotificationService).recent()
        panel.set_notifications([_view(r) for r in records])

    panel.set_snooze_choices(SNOOZE_LABELS)
    quiet = NotificationQuiet(host)
    panel.snooze_requested.connect(lambda choice: quiet.request_snooze(
        choice, lambda message: panel.count_label.setText(f"Could not snooze: {message}")))
    host.bridge.notification_posted.connect(lambda r: panel.add_notification(_view(r)))
    host.when_engine_ready(lambda: host.run(load()))
    return panel
