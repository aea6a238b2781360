"""SQLite store: migrations, refusal of newer/corrupt files, repositories, crash safety."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from data.store import alerts, layouts, notifications, preference_specs, preferences
from data.store import watchlists as wl
from data.store.database import DB_FILENAME, Store, StoreError, _alembic_config, head_revision
from data.store.fast_read import one_connection, peek_layout, peek_preference
from data.store.schema import Base
from data.store.types import UtcDateTime
from data.symbols import SymbolError
from tests.conftest import REPO, utc


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def test_new_database_is_at_head_in_wal_mode(store: Store) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()


def test_migrations_produce_exactly_the_orm_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_older_schema_is_upgraded_keeping_data_and_a_copy(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.exec_driver_sql("INSERT INTO watchlists (id, name, position, created_at) "
                             "VALUES (5, 'Mine', 0, '2026-01-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO watchlist_items (watchlist_id, symbol, position) VALUES (5, 'TSLA', 0)")
    engine.dispose()
    s = Store.open(tmp_path)
    try:
        lists = s.run_sync(wl.list_watchlists)
        assert [(w.name, w.symbols) for w in lists] == [("Mine", ("TSLA",))]
        assert s.run_sync(layouts.names) == []  # table from 0002 exists
    finally:
        s.close()
    assert (tmp_path / f"{DB_FILENAME}.before-{head_revision()}.bak").exists()


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    path = tmp_path / DB_FILENAME
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = _digest(path)
    with pytest.raises(StoreError, match="newer version"):
        Store.open(tmp_path)
    assert _digest(path) == before


def test_corrupt_or_foreign_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / DB_FILENAME
    path.write_bytes(b"this is not a database at all" * 100)
    before = _digest(path)
    with pytest.raises(StoreError, match="left untouched"):
        Store.open(tmp_path)
    assert _digest(path) == before


def test_watchlists_default_comes_back_and_order_is_kept(store: Store) -> None:
    first = store.run_sync(wl.list_watchlists)
    assert [w.name for w in first] == ["Default"] and "SPX" in first[0].symbols
    other = store.run_sync(lambda s: wl.create_watchlist(s, "  Earnings   plays "))
    assert other.name == "Earnings plays"
    with pytest.raises(wl.WatchlistError, match="already exists"):
        store.run_sync(lambda s: wl.create_watchlist(s, "earnings plays".title().replace("Plays", "plays")))
    store.run_sync(lambda s: wl.add_symbol(s, other.id, "nvda"))
    store.run_sync(lambda s: wl.add_symbol(s, other.id, "brk/b"))
    with pytest.raises(wl.WatchlistError, match="already in"):
        store.run_sync(lambda s: wl.add_symbol(s, other.id, "NVDA"))
    with pytest.raises(SymbolError):
        store.run_sync(lambda s: wl.add_symbol(s, other.id, "12$"))
    reordered = store.run_sync(lambda s: wl.reorder_symbols(s, other.id, ["BRK.B", "NVDA"]))
    assert reordered.symbols == ("BRK.B", "NVDA")
    with pytest.raises(wl.WatchlistError, match="exactly"):
        store.run_sync(lambda s: wl.reorder_symbols(s, other.id, ["NVDA"]))
    for w in store.run_sync(wl.list_watchlists):
        store.run_sync(lambda s, i=w.id: wl.delete_watchlist(s, i))
    again = store.run_sync(wl.list_watchlists)
    assert [w.name for w in again] == ["Default"] and again[0].symbols == wl.DEFAULT_SYMBOLS


def test_preferences_validate_and_survive_bad_rows(store: Store) -> None:
    store.run_sync(lambda s: preferences.save(s, "theme", "light"))
    with pytest.raises(preference_specs.PreferenceError, match="one of"):
        store.run_sync(lambda s: preferences.save(s, "theme", "neon"))
    with pytest.raises(preference_specs.PreferenceError, match="Unknown"):
        store.run_sync(lambda s: preferences.save(s, "nope", 1))
    with pytest.raises(preference_specs.PreferenceError, match="true or false"):
        store.run_sync(lambda s: preferences.save(s, "chart_extended_hours", 1))
    store.run_sync(lambda s: preferences.save(s, "chart_extended_hours", True))
    conn = sqlite3.connect(store.path)
    conn.execute("INSERT INTO preferences VALUES ('default_timeframe', 'not json', '2026-01-01')")
    conn.commit()
    conn.close()
    values = store.run_sync(preferences.load_all)
    assert values["theme"] == "light" and values["default_timeframe"] == "5m"
    assert values["chart_extended_hours"] is True
    assert peek_preference(store.path, "theme") == "light"


def test_layouts_and_notifications_round_trip(store: Store) -> None:
    store.run_sync(lambda s: layouts.save(s, "Trading", b"geo", b"state"))
    assert peek_layout(store.path, "Trading").state == b"state"
    assert peek_layout(store.path, "missing") is None
    assert peek_layout(store.path.with_name("absent.db"), "Trading") is None
    with pytest.raises(layouts.LayoutError):
        store.run_sync(lambda s: layouts.delete(s, "missing"))
    rec = store.run_sync(lambda s: notifications.add(s, "health", "t", "m", "k", utc(2026, 11, 25, 17)))
    assert store.run_sync(notifications.recent)[0] == rec
    assert rec.created_at == utc(2026, 11, 25, 17)


def test_reads_in_one_connection_see_the_store_and_keep_no_snapshot_open(store: Store) -> None:
    """A start's reads share one connection; between them it holds no read snapshot (the store
    writes on, and a later read sees the write), and it is closed on leaving."""
    import data.store.fast_read as fast_read

    store.run_sync(lambda s: layouts.save(s, "Trading", b"geo", b"one"))
    with one_connection(store.path):
        assert peek_layout(store.path, "Trading").state == b"one"
        conn = fast_read._shared[store.path]
        store.run_sync(lambda s: layouts.save(s, "Trading", b"geo", b"two"))
        assert peek_layout(store.path, "Trading").state == b"two" and fast_read._shared[store.path] is conn
        assert not conn.in_transaction
    assert store.path not in fast_read._shared
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        conn.execute("SELECT 1")
    with one_connection(store.path.with_name("absent.db")):
        assert peek_layout(store.path.with_name("absent.db"), "Trading") is None  # (no file: nothing opened)


async def test_repositories_run_off_the_calling_thread(store: Store) -> None:
    import threading

    caller = threading.get_ident()
    seen = await store.run(lambda s: threading.get_ident())
    assert seen != caller


_WRITER = """
import sys, time
from pathlib import Path
from data.store.database import Store
from data.store import watchlists as wl
s = Store.open(Path(sys.argv[1]))
wid = s.run_sync(wl.list_watchlists)[0].id
i = 0
while True:
    s.run_sync(lambda se: wl.add_symbol(se, wid, "A" + "".join(chr(65 + int(d)) for d in str(i))))
    print(i, flush=True)
    i += 1
"""


@pytest.mark.slow
def test_killing_a_writer_mid_stream_loses_no_committed_row(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(tmp_path)], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    committed = -1
    deadline = time.monotonic() + 60
    while committed < 150 and time.monotonic() < deadline:
        committed = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    s = Store.open(tmp_path)
    try:
        symbols = s.run_sync(wl.list_watchlists)[0].symbols
        assert sqlite3.connect(s.path).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        s.close()
    assert len(symbols) >= len(wl.DEFAULT_SYMBOLS) + committed + 1


def test_schema_head_constant_matches_the_migrations() -> None:
    from data.store.database import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD


def test_every_datetime_column_is_utc_and_stored_as_before(store: Store) -> None:
    columns = [c for t in Base.metadata.tables.values() for c in t.columns if c.type.python_type is datetime]
    assert columns and all(isinstance(c.type, UtcDateTime) for c in columns)
    new_york = timezone(timedelta(hours=-5))
    at = utc(2026, 11, 25, 15, 30)
    a = store.run_sync(lambda s: alerts.create(s, "SPY", "above", 600, now=at.astimezone(new_york)))
    assert a.created_at.tzinfo is UTC and a.created_at == at  # aware UTC, even fresh
    conn = sqlite3.connect(store.path)
    # naive UTC text in SQLAlchemy's DateTime format, as files written before UtcDateTime hold
    assert conn.execute("SELECT created_at FROM alerts").fetchone()[0] == "2026-11-25 15:30:00.000000"
    conn.execute("INSERT INTO notifications (kind, title, message, created_at) "
                 "VALUES ('k', 't', 'm', '2026-01-02 03:04:05')")  # as an older file may hold it
    conn.commit()
    conn.close()
    assert store.run_sync(notifications.recent)[0].created_at == utc(2026, 1, 2, 3, 4, 5)


def test_a_naive_datetime_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="aware datetime"):
        store.run_sync(lambda s: notifications.add(s, "k", "t", "m", None, datetime(2026, 11, 25, 17)))
    assert store.run_sync(notifications.recent) == []
