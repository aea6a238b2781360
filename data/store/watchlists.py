"""Watchlists and their ordered symbols. There is always at least one list."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.store.records import Watchlist, clean_name
from data.store.schema import WatchlistItemRow, WatchlistRow
from data.symbols import normalize_symbol

DEFAULT_NAME = "Default"
DEFAULT_SYMBOLS = ("SPX", "SPY", "QQQ", "NDX", "AAPL", "NVDA", "TSLA", "MSFT")


class WatchlistError(ValueError):
    """A watchlist change that cannot be made; message for the user."""


def _to_model(row: WatchlistRow) -> Watchlist:
    return Watchlist(row.id, row.name, tuple(item.symbol for item in row.items))


def _clean_name(name: str) -> str:
    return clean_name(name, "watchlist", WatchlistError)


def _get(session: Session, watchlist_id: int) -> WatchlistRow:
    row = session.get(WatchlistRow, watchlist_id)
    if row is None:
        raise WatchlistError(f"Watchlist #{watchlist_id} no longer exists.")
    return row


def ensure_default(session: Session) -> None:
    """Create the default list (with popular symbols) when no list exists."""
    if session.scalar(select(func.count()).select_from(WatchlistRow)):
        return
    row = WatchlistRow(name=DEFAULT_NAME, position=0, created_at=datetime.now(UTC))
    row.items = [WatchlistItemRow(symbol=s, position=i) for i, s in enumerate(DEFAULT_SYMBOLS)]
    session.add(row)
    session.flush()


def list_watchlists(session: Session) -> list[Watchlist]:
    ensure_default(session)
    rows = session.scalars(select(WatchlistRow).order_by(WatchlistRow.position, WatchlistRow.id))
    return [_to_model(r) for r in rows]


def create_watchlist(session: Session, name: str) -> Watchlist:
    clean = _clean_name(name)
    if session.scalar(select(WatchlistRow).where(WatchlistRow.name == clean)):
        raise WatchlistError(f"A watchlist named '{clean}' already exists.")
    last = session.scalar(select(func.max(WatchlistRow.position))) or 0
    row = WatchlistRow(name=clean, position=last + 1, created_at=datetime.now(UTC))
    session.add(row)
    session.flush()
    return _to_model(row)


def rename_watchlist(session: Session, watchlist_id: int, name: str) -> Watchlist:
    row = _get(session, watchlist_id)
    clean = _clean_name(name)
    clash = session.scalar(select(WatchlistRow).where(WatchlistRow.name == clean, WatchlistRow.id != row.id))
    if clash:
        raise WatchlistError(f"A watchlist named '{clean}' already exists.")
    row.name = clean
    return _to_model(row)


def delete_watchlist(session: Session, watchlist_id: int) -> None:
    """Delete a list; deleting the last one brings the default list back."""
    session.delete(_get(session, watchlist_id))
    session.flush()
    ensure_default(session)


def add_symbol(session: Session, watchlist_id: int, text: str) -> Watchlist:
    row = _get(session, watchlist_id)
    symbol = normalize_symbol(text)  # raises SymbolError with a user message
    if any(item.symbol == symbol for item in row.items):
        raise WatchlistError(f"{symbol} is already in '{row.name}'.")
    row.items.append(WatchlistItemRow(symbol=symbol, position=len(row.items)))
    session.flush()
    return _to_model(row)


def remove_symbol(session: Session, watchlist_id: int, symbol: str) -> Watchlist:
    row = _get(session, watchlist_id)
    row.items = [item for item in row.items if item.symbol != symbol]
    for i, item in enumerate(row.items):
        item.position = i
    session.flush()
    return _to_model(row)


def reorder_symbols(session: Session, watchlist_id: int, symbols: list[str]) -> Watchlist:
    """Set the order of a list; ``symbols`` must be exactly the list's symbols."""
    row = _get(session, watchlist_id)
    if sorted(symbols) != sorted(item.symbol for item in row.items):
        raise WatchlistError("The new order must contain exactly the list's symbols.")
    by_symbol = {item.symbol: item for item in row.items}
    for i, sym in enumerate(symbols):
        by_symbol[sym].position = i
    session.flush()
    session.refresh(row)
    return _to_model(row)
