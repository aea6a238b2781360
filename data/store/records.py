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
