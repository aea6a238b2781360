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


ALERT_CONDITIONS = ("crosses", "above", "below")
ALERT_STATUSES = ("active", "triggered", "disabled")


@dataclass(frozen=True, slots=True)
class Alert:
    id: int
    symbol: str
    condition: str  # crosses / above / below
    price: float
    repeat: bool  # False: one-shot (fires once, then "triggered")
    status: str  # active / triggered / disabled
    source: str  # chart / panel / chain / setup …
    notes: str
    created_at: datetime  # aware UTC
    triggered_at: datetime | None


@dataclass(frozen=True, slots=True)
class AlertTrigger:
    id: int
    alert_id: int
    price: float
    triggered_at: datetime  # aware UTC
