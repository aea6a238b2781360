"""Quiet hours and the snooze in the running app: typed in Preferences (a bad text saves nothing),
a notification during them is logged in the Notifications panel but neither pops up nor sounds;
once they are gone an alert pops up with its sound (the player is replaced to count the sounds)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from app.core.notification_rules import SNOOZES
from app.core.notifications import NotificationService
from app.core.workspace import Workspace
from app.ui.notification_quiet import SNOOZE_LABELS
from data.market_calendar import ET
from tests.gui_helpers import run_app, settings, until


def test_quiet_hours_log_a_notification_without_a_sound(qapp, tmp_path: Path) -> None:
    async def scenario(c) -> None:
        sounds: list[str] = []
        c.notifier.quiet.sound = lambda: sounds.append("beep")
        rows, notes = c.window.panels["preferences"].notifications, c.window.panels["notifications"]
        workspace, service = c.engine.service(Workspace), c.engine.service(NotificationService)
        now = service.market_time().astimezone(ET)  # the demo's clock, as the notifications' stamps
        rows.quiet_hours.setText("24:00-01:00")
        rows.quiet_hours.editingFinished.emit()
        assert "24:00" in rows.status.text() and workspace.preferences["quiet_hours"] == ""
        quiet = f"{now - timedelta(hours=1):%H:%M}-{now + timedelta(hours=1):%H:%M}"
        rows.quiet_hours.setText(quiet)
        rows.quiet_hours.editingFinished.emit()
        await until(lambda: workspace.preferences["quiet_hours"] == quiet)
        await until(lambda: "Quiet hours now" in rows.snooze_state.text())
        shown, held = c.notifier.shown, c.notifier.held  # (the demo's setups may notify meanwhile too)
        await service.notify("alert", "SPY crossed VWAP", "at 680.02")
        await until(lambda: any(notes.model.row_at(i).title == "SPY crossed VWAP"
                                for i in range(notes.model.rowCount())))
        await until(lambda: c.notifier.held > held)
        assert sounds == [] and c.notifier.shown == shown

        rows.quiet_hours.setText("")
        rows.quiet_hours.editingFinished.emit()
        await until(lambda: workspace.preferences["quiet_hours"] == "")
        await service.notify("alert", "SPY crossed PDH", "at 681.00")
        await until(lambda: sounds == ["beep"])
        assert c.notifier.shown > shown

        notes.snooze_requested.emit("15m")  # the Notifications panel's Snooze menu
        await until(lambda: workspace.preferences["notifications_snoozed_until"] != "")
        held = c.notifier.held
        await service.notify("alert", "QQQ crossed VWAP", "at 600.00")
        await until(lambda: c.notifier.held > held)
        assert sounds == ["beep"] and "Snoozed until" in rows.snooze_state.text()

    assert [choice for choice, _label in SNOOZE_LABELS] == list(SNOOZES)
    assert run_app(settings(tmp_path), scenario) == 0


def test_only_the_alert_types_chosen_in_preferences_sound(qapp, tmp_path: Path) -> None:
    from app.core.notification_rules import alert_notification_key
    from tests.core.test_notification_rules import _alert

    async def scenario(c) -> None:
        sounds: list[str] = []
        c.notifier.quiet.sound = lambda: sounds.append("beep")
        rows = c.window.panels["preferences"].notifications
        workspace, service = c.engine.service(Workspace), c.engine.service(NotificationService)
        await until(lambda: rows.alert_sound["vwap"].isChecked())  # every type sounds by default
        for name, box in rows.alert_sound.items():  # Preferences → Alert sounds: VWAP cross only
            box.setChecked(name == "vwap")
        await until(lambda: workspace.preferences["alert_sound_types"] == ["vwap"])
        shown = c.notifier.shown
        await service.notify("alert", "SPY moved 1 % from the prior close", "at 690.00",
                             key=alert_notification_key(_alert("pct_move"), 1), cooldown_s=0)
        await until(lambda: c.notifier.shown > shown)
        assert sounds == []  # popped up, silent
        await service.notify("alert", "SPY crossed VWAP", "at 680.02",
                             key=alert_notification_key(_alert("vwap"), 2), cooldown_s=0)
        await until(lambda: sounds == ["beep"])

    assert run_app(settings(tmp_path), scenario) == 0
