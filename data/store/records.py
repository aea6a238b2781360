"""Plain records the repositories return (no SQLAlchemy import, so the UI can load them early)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Watchlist:
    id: int
    name: str
    symbols: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    kind: str
    title: str
    message: str
    dedupe_key: str | None
    created_at: datetime  # aware UTC


def clean_name(name: str, what: str, error: type[ValueError] = ValueError, max_len: int = 64) -> str:
    """Collapse whitespace and check the length of a user-given name (``what``: "watchlist", …),
    raising ``error`` with a message for the user."""
    clean = " ".join(name.split())
    if not clean:
        raise error(f"A {what} needs a name.")
    if len(clean) > max_len:
        raise error(f"{what.capitalize()} names are at most {max_len} characters.")
    return clean
