"""Open the SQLite store: WAL mode, schema migrated on start, blocking work off the event loop.

Guarantees:
* WAL + synchronous=NORMAL: a killed process never leaves a half-written transaction; every
  committed write survives a crash of the app.
* An older schema is upgraded automatically (a copy of the file is kept beside it first).
* A newer schema (written by a later app version) or a file that is not a valid database raises
  ``StoreError`` with a message for the user; the file is never modified or overwritten.
* All repository calls run on one dedicated worker thread (SQLite allows one writer anyway), so
  the GUI thread never waits on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from data.store.fast_read import DB_FILENAME

log = logging.getLogger(__name__)
T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class StoreError(Exception):
    """The store cannot be opened safely; the message tells the user what to do.
    ``damaged``: the file is not a sound database (starting fresh beside it is the way out),
    as opposed to one this version must not touch (written by a newer app)."""

    def __init__(self, message: str, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged


def set_aside(data_dir: Path) -> Path:
    """Move a damaged database (and its WAL and shared-memory files) aside, unchanged, as
    ``ai-coach.db.damaged-N``; the next open starts a fresh one. Returns the kept file."""
    path = data_dir / DB_FILENAME
    n = 1
    while (kept := path.with_name(f"{path.name}.damaged-{n}")).exists():
        n += 1
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(kept.with_name(kept.name + suffix))
    path.replace(kept)
    return kept


# The newest migration. Start-up compares the file's version with it using plain sqlite3 and
# imports Alembic (~0.5 s) only when there is something to migrate; a test keeps it in step.
SCHEMA_HEAD = "0017"


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def _set_pragmas(dbapi_conn, _record) -> None:
    # Let SQLAlchemy's "begin" emit BEGIN itself (below) instead of pysqlite's partial
    # transaction handling, so DDL in migrations is transactional too.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _check_and_read_version(path: Path) -> str | None:
    """One read-only look at the file before anything writes to it: refuse (untouched) a file
    that is not an SQLite database or fails SQLite's quick check; else return its schema
    version (None for a new or never-migrated file)."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    version = None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
            with contextlib.suppress(sqlite3.OperationalError):  # no alembic_version table yet
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                version = row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(
            f"The database {path.name} in {path.parent} is not readable ({exc}). It was left "
            "untouched: move it away to start fresh, or restore a backup.", damaged=True
        ) from None
    if not result or result[0] != "ok":
        raise StoreError(
            f"The database {path.name} in {path.parent} failed its integrity check "
            f"({result[0] if result else 'no answer'}). It was left untouched: move it away to "
            "start fresh, or restore a backup.", damaged=True
        )
    return version


class Store:
    """The app's SQLite database. Create with ``Store.open(data_dir)`` (blocking: call it in a
    worker thread), use repositories through ``await store.run(fn)``, finish with ``close()``."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.engine = engine
        self.path = path
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")

    @classmethod
    def open(cls, data_dir: Path) -> Store:
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / DB_FILENAME
        stored = _check_and_read_version(path)
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _set_pragmas)
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
        try:
            migrate(engine, path, stored)
            _install_sync_triggers(engine)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, path)

    async def run(self, fn: Callable[[Session], T]) -> T:
        """Run ``fn(session)`` in a transaction on the store thread; commit on success."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self.run_sync, fn)

    def run_sync(self, fn: Callable[[Session], T]) -> T:
        with self.sessions.begin() as session:
            return fn(session)

    def close(self) -> None:
        """Finish queued work, then release the file (blocking; call off the GUI thread)."""
        self._executor.shutdown(wait=True)
        self.engine.dispose()


def _install_sync_triggers(engine: Engine) -> None:
    from data.sync import triggers  # the capture triggers follow the running version's synced tables

    with engine.begin() as conn:
        triggers.install(conn)


def migrate(engine: Engine, path: Path, stored: str | None) -> None:
    """Bring the file to ``SCHEMA_HEAD``; ``stored`` is its version as read at open."""
    if stored == SCHEMA_HEAD:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    head = script.get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current is not None and current not in known:
        raise StoreError(
            f"The database {path.name} was written by a newer version of AI Coach (schema "
            f"{current}; this version knows up to {head}). Update the app; the file was left "
            "untouched."
        )
    if current == head:
        return
    if current is not None:
        backup = path.with_name(f"{path.name}.before-{head}.bak")
        log.info("upgrading store schema %s -> %s (copy kept as %s)", current, head, backup.name)
        _copy_database(path, backup)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")


def _copy_database(src_path: Path, dst_path: Path) -> None:
    src, dst = sqlite3.connect(src_path), sqlite3.connect(dst_path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
