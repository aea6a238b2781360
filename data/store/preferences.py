"""Key/value preferences stored as JSON rows, validated against ``preference_specs``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.store.preference_specs import SPECS, PreferenceError, validate
from data.store.schema import PreferenceRow


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
    now = datetime.now(UTC)
    if row is None:
        session.add(PreferenceRow(key=key, value=json.dumps(value), updated_at=now))
    else:
        row.value, row.updated_at = json.dumps(value), now
