"""Sync's Preferences rows fed with records: sign-in asks once and clears the
password, the signed-in state locks the fields, devices can be revoked (not this one), conflicts
read in words."""

from __future__ import annotations


def test_sign_in_revoke_and_conflicts(qtbot) -> None:
    from PySide6.QtWidgets import QFormLayout, QWidget

    from data.sync.client import DeviceInfo
    from data.sync.status import Conflict, SyncStatus
    from widgets.sync_settings import SyncSettingsRows

    host = QWidget()
    qtbot.addWidget(host)
    rows = SyncSettingsRows(host)
    rows.add_to(QFormLayout(host))
    asked, revoked = [], []
    rows.sign_in_requested.connect(lambda *a: asked.append(a))
    rows.revoke_requested.connect(revoked.append)
    rows.sign_in.click()
    assert not asked and "Fill in" in rows.status.text()
    rows.server.setText(" https://sync.example.com ")
    rows.email.setText("t@example.com")
    rows.password.setText("correct horse battery")
    rows.create.click()
    assert asked == [("https://sync.example.com", "t@example.com", "correct horse battery", True)]
    assert rows.password.text() == ""
    rows.set_status(SyncStatus("synced", "", "t@example.com", "https://sync.example.com", waiting=3))
    assert not rows.sign_in.isEnabled() and rows.sign_out.isEnabled() and "3 changes waiting" in rows.status.text()
    rows.set_devices([DeviceInfo(1, "desk", "2026-11-30T10:00:00", "2026-12-01T18:00:00", None, True),
                      DeviceInfo(2, "laptop", "2026-11-30T10:00:00", None, None, False)])
    rows.devices.setCurrentRow(0)
    rows.revoke.click()  # this computer: sign out instead
    rows.devices.setCurrentRow(1)
    rows.revoke.click()
    assert revoked == [2]
    rows.set_conflicts([Conflict("trade_notes", '["T1"]', "notes", '"laptop"', '"desk"', "b", "a", 1764612000000)])
    assert "trade note T1 · notes: kept 'laptop', lost 'desk'" in rows.conflicts.item(0).text()
    rows.set_status(SyncStatus())
    assert rows.sign_in.isEnabled() and "Not signed in" in rows.status.text()
