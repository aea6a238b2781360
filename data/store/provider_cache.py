"""Provider answers kept for a freshness window: ``get`` gives the payload while it is fresh."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from data.store.schema import ProviderCacheRow


def put(session: Session, key: str, payload: Any, at: datetime) -> None:
    row = session.get(ProviderCacheRow, key) or ProviderCacheRow(key=key)
    row.fetched_at, row.payload = at, json.dumps(payload)
    session.add(row)
    session.flush()


def get(session: Session, key: str, now: datetime, max_age: timedelta) -> Any | None:
    """The payload stored under ``key`` when fetched within ``max_age`` of ``now`` (market time), else None."""
    row = session.get(ProviderCacheRow, key)
    if row is None or not (timedelta(0) <= now - row.fetched_at <= max_age):
        return None
    return json.loads(row.payload)


def fetched_at(session: Session, key: str) -> datetime | None:
    row = session.get(ProviderCacheRow, key)
    return None if row is None else row.fetched_at
