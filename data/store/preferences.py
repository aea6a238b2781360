"""Key/value preferences stored as JSON, validated against known keys and their defaults."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store.schema import PreferenceRow

THEMES = ("dark", "light")
TIMEFRAMES = ("1m", "5m", "15m", "1h", "4h", "1D")
PROVIDERS = ("demo", "replay", "massive")


class PreferenceError(ValueError):
    """An invalid preference value; message for the user."""


@dataclass(frozen=True, slots=True)
class PreferenceSpec:
    default: Any
    choices: tuple[Any, ...] | None = None
    kind: type = str


SPECS: dict[str, PreferenceSpec] = {
    "theme": PreferenceSpec("dark", THEMES),
    "default_timeframe": PreferenceSpec("5m", TIMEFRAMES),
    "provider": PreferenceSpec("demo", PROVIDERS),
    "active_symbol": PreferenceSpec("SPY"),
    "active_watchlist_id": PreferenceSpec(0, kind=int),
    "current_layout": PreferenceSpec("default"),
    "notification_cooldown_s": PreferenceSpec(60, kind=int),
}


def validate(key: str, value: Any) -> Any:
    spec = SPECS.get(key)
    if spec is None:
        raise PreferenceError(f"Unknown preference '{key}'.")
    if spec.kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise PreferenceError(f"Preference '{key}' must be a whole number, got {value!r}.")
    if spec.kind is str and not isinstance(value, str):
        raise PreferenceError(f"Preference '{key}' must be text, got {value!r}.")
    if spec.choices is not None and value not in spec.choices:
        raise PreferenceError(f"Preference '{key}' must be one of {', '.join(map(str, spec.choices))}.")
    return value


def load_all(session: Session) -> dict[str, Any]:
    """All preferences; stored values that are unreadable or invalid fall back to defaults."""
    values = {key: spec.default for key, spec in SPECS.items()}
    for row in session.scalars(select(PreferenceRow)):
        try:
            values[row.key] = validate(row.key, json.loads(row.value))
        except (ValueError, PreferenceError):
            continue  # keep the default; the bad row stays until the user saves a new value
    return values


def save(session: Session, key: str, value: Any) -> None:
    validate(key, value)
    row = session.get(PreferenceRow, key)
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    if row is None:
        session.add(PreferenceRow(key=key, value=json.dumps(value), updated_at=now))
    else:
        row.value, row.updated_at = json.dumps(value), now
