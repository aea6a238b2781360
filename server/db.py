"""The PostgreSQL engine (SQLAlchemy 2 over psycopg 3), per-user transactions and migrations.

Every request that acts for a user runs in ``user_transaction``: it sets ``app.user_id`` for that
transaction only (``set_config(..., true)``, i.e. ``SET LOCAL``), which the row-level security
policies on the user-owned tables compare with each row. The server connects as a role that owns
no table (a member of ``ai_coach_app``), so those policies hold even if a query forgot its filter.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, text

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def sqlalchemy_url(database_url: str) -> str:
    """``postgresql://user@host:5432/db`` (what DATABASE_URL holds) with the psycopg 3 driver."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix):]
    raise ValueError("DATABASE_URL must be a postgresql:// URL")


def make_engine(database_url: str, *, pool_size: int = 10) -> Engine:
    return create_engine(sqlalchemy_url(database_url), pool_size=pool_size, max_overflow=pool_size,
                         pool_pre_ping=True, pool_recycle=1800)


@contextmanager
def user_transaction(engine: Engine, user_id: int) -> Iterator[Connection]:
    """One transaction scoped to ``user_id``, for the application's filters and RLS alike."""
    with engine.begin() as conn:
        conn.execute(text("SELECT set_config('app.user_id', :uid, true)"), {"uid": str(int(user_id))})
        yield conn


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction for no user yet (sign-up, sign-in, a token lookup): user-owned rows stay hidden."""
    with engine.begin() as conn:
        yield conn


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _alembic_config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def migrate(database_url: str) -> str:
    """Upgrade the schema to the newest revision (run as the tables' owner); returns it."""
    from alembic import command

    engine = create_engine(sqlalchemy_url(database_url))
    try:
        with engine.begin() as conn:
            command.upgrade(_alembic_config(conn), "head")
    finally:
        engine.dispose()
    return head_revision()
