"""The database could not be opened: what the UI may offer (start fresh, keeping the old file)."""

from __future__ import annotations

from pathlib import Path


class DatabaseOpenError(Exception):
    """Raised by ``Engine.start`` when the store cannot be opened; the message is for the user.
    ``can_start_fresh``: the file is damaged, so a new database beside it is a way out (one
    written by a newer app version is not: updating the app is)."""

    def __init__(self, message: str, can_start_fresh: bool) -> None:
        super().__init__(message)
        self.can_start_fresh = can_start_fresh


def set_aside_database(data_dir: Path) -> Path:
    """Keep the damaged database unchanged beside a fresh one (blocking: call in a thread)."""
    from data.store.database import set_aside

    return set_aside(data_dir)
