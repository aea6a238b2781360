"""What the status bar and Preferences show about sync (plain record, shared by engine and widgets)."""

from __future__ import annotations

from dataclasses import dataclass

OFF, SYNCED, SYNCING, OFFLINE, ERROR = "off", "synced", "syncing", "offline", "error"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    state: str = OFF  # off (not signed in) / synced / syncing / offline / error
    detail: str = ""  # why, in plain words (the error, "3 changes waiting")
    email: str = ""
    server: str = ""
    waiting: int = 0  # local changes not on the server yet
    conflicts: int = 0  # logged conflicts (the list is in Preferences)
    last_synced_ms: int | None = None  # this device's clock at the end of the last good round

    @property
    def label(self) -> str:
        text = {OFF: "Sync off", SYNCED: "Synced", SYNCING: "Syncing…", OFFLINE: "Offline", ERROR: "Sync error"}
        return text.get(self.state, self.state)


@dataclass(frozen=True, slots=True)
class Conflict:
    table: str
    record_id: str
    field: str
    kept: str  # JSON values
    lost: str
    kept_device: str
    lost_device: str
    noticed_ms: int
