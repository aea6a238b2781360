"""Sync's rows in Preferences: the account server, sign in / create account / sign out, Sync now,
the account's devices (revoke a lost one) and the conflict log (which value was kept, which lost).
The password is sent once and cleared from its field; the device token never reaches the UI."""

from __future__ import annotations

import json
from datetime import datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton

from data.sync.status import OFF, Conflict, SyncStatus

SERVER_HINT = "https://sync.example.com (your account server)"
_ID_ROLE = Qt.ItemDataRole.UserRole


class SyncSettingsRows(QObject):
    sign_in_requested = Signal(str, str, str, bool)  # server, email, password, create the account
    sign_out_requested = Signal()
    sync_now_requested = Signal()
    revoke_requested = Signal(int)  # device id

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.server = QLineEdit(placeholderText=SERVER_HINT)
        self.email = QLineEdit(placeholderText="you@example.com")
        self.password = QLineEdit(placeholderText="password (10 characters or more for a new account)")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sign_in = QPushButton("Sign in")
        self.create = QPushButton("Create account")
        self.sign_out = QPushButton("Sign out")
        self.sync_now = QPushButton("Sync now")
        self.status = QLabel(wordWrap=True)
        self.devices = QListWidget()
        self.devices.setMaximumHeight(90)
        self.revoke = QPushButton("Revoke selected device")
        self.revoke.setToolTip("A lost or stolen computer stops syncing at once; its token no longer works")
        self.conflicts = QListWidget()
        self.conflicts.setMaximumHeight(110)
        self.conflicts.setWordWrap(True)
        self.conflicts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sign_in.clicked.connect(lambda: self._ask(create=False))
        self.create.clicked.connect(lambda: self._ask(create=True))
        self.sign_out.clicked.connect(self.sign_out_requested)
        self.sync_now.clicked.connect(self.sync_now_requested)
        self.revoke.clicked.connect(self._on_revoke)
        self.set_status(SyncStatus())

    def add_to(self, form: QFormLayout) -> None:
        form.addRow("Sync server", self.server)
        form.addRow("Account email", self.email)
        buttons = QHBoxLayout()
        for widget in (self.password, self.sign_in, self.create):
            buttons.addWidget(widget, 1 if widget is self.password else 0)
        form.addRow("Password", buttons)
        actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.sync_now)
        actions.addWidget(self.sign_out)
        form.addRow("Sync", self.status)
        form.addRow("", actions)
        form.addRow("Devices", self.devices)
        form.addRow("", self.revoke)
        form.addRow("Sync conflicts", self.conflicts)

    def _ask(self, create: bool) -> None:
        server, email, password = self.server.text().strip(), self.email.text().strip(), self.password.text()
        if not server or not email or not password:
            self.status.setText("Fill in the server, the email and the password.")
            return
        self.password.clear()
        self.status.setText("Creating the account…" if create else "Signing in…")
        self.sign_in_requested.emit(server, email, password, create)

    def _on_revoke(self) -> None:
        item = self.devices.currentItem()
        if item is None or item.data(_ID_ROLE) is None:
            self.status.setText("Select a device to revoke.")
            return
        self.revoke_requested.emit(int(item.data(_ID_ROLE)))

    def set_status(self, status: SyncStatus) -> None:
        signed_in = status.state != OFF
        for widget in (self.server, self.email, self.password, self.sign_in, self.create):
            widget.setEnabled(not signed_in)
        for widget in (self.sign_out, self.sync_now, self.revoke):
            widget.setEnabled(signed_in)
        if signed_in:
            self.server.setText(status.server)
            self.email.setText(status.email)
        waiting = f" · {status.waiting:,} changes waiting" if status.waiting else ""
        account = f" as {status.email}" if status.email else ""
        detail = f" — {status.detail}" if status.detail else ""
        self.status.setText(f"{status.label}{account}{waiting}{detail}" if signed_in else
                            "Not signed in: everything stays on this computer.")

    def set_devices(self, devices: list) -> None:
        self.devices.clear()
        for device in devices:
            state = "revoked" if device.revoked_at else ("this computer" if device.current else "active")
            seen = f", last seen {device.last_seen_at[:16].replace('T', ' ')} UTC" if device.last_seen_at else ""
            item = QListWidgetItem(f"{device.name} — {state}{seen}")
            item.setData(_ID_ROLE, None if device.revoked_at or device.current else device.id)
            self.devices.addItem(item)

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.conflicts.clear()
        for c in conflicts:
            when = datetime.fromtimestamp(c.noticed_ms / 1000).strftime("%Y-%m-%d %H:%M")
            item = QListWidgetItem(f"{when} · {_what(c.table, c.record_id)} · {c.field}: kept {_short(c.kept)}, "
                                   f"lost {_short(c.lost)}")
            item.setToolTip(f"kept {c.kept} (device {c.kept_device})\nlost {c.lost} (device {c.lost_device})")
            self.conflicts.addItem(item)
        if not conflicts:
            self.conflicts.addItem("No conflicts: no two devices changed the same thing at once.")


def _what(table: str, record_id: str) -> str:
    """"trade note T1", "watchlist Default", or just the kind for records with a random id."""
    kind = table.replace("_", " ").removesuffix("s")
    if record_id.startswith("["):
        try:
            return f"{kind} {' '.join(str(part) for part in json.loads(record_id))}"
        except ValueError:
            return kind
    if record_id.startswith("wl:"):
        return f"{kind} {record_id[3:].replace('|', ' ')}"
    return kind


def _short(value_json: str) -> str:
    try:
        value = json.loads(value_json)
    except ValueError:
        value = value_json
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:39] + "…'"
