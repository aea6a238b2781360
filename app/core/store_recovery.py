"""Opening the calendar and the database at start, and what the UI may offer when the
database cannot be opened (start fresh, keeping the old file)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.store.database import Store


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


async def open_calendar_and_store(data_dir: Path) -> tuple[MarketCalendar, Store]:
    """Both at once, in worker threads; a store that cannot be opened is a ``DatabaseOpenError``."""
    from data.market_calendar import default_calendar, keep_sessions_in
    from data.store.database import Store, StoreError

    keep_sessions_in(data_dir / "cache")  # (read back next time: building them imports pandas)
    try:
        calendar, store = await asyncio.gather(asyncio.to_thread(default_calendar),
                                               asyncio.to_thread(Store.open, data_dir))
    except StoreError as exc:
        raise DatabaseOpenError(str(exc), can_start_fresh=exc.damaged) from None
    return calendar, store
