"""This device's sync set-up in the store: begin (first sign-in: a clock node, the account, the
seed of every existing record), read, and end (sign-out: the bookkeeping goes, the data stays).
The device token is not here: it lives in the OS keychain under ``token_name(node)``."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection

from data.sync import capture, state

_KEYS = ("node", "server", "email", "user_id", "device_id")


def token_name(node: str) -> str:
    return f"sync-token:{node}"


@dataclass(frozen=True, slots=True)
class Account:
    node: str
    server: str
    email: str
    user_id: int
    device_id: int


def current(conn: Connection) -> Account | None:
    values = {k: state.get_state(conn, k) for k in _KEYS}
    if any(v is None for v in values.values()):
        return None
    return Account(values["node"], values["server"], values["email"], int(values["user_id"]),
                   int(values["device_id"]))


def new_node() -> str:
    return secrets.token_hex(8)


def begin(conn: Connection, node: str, server: str, email: str, user_id: int, device_id: int) -> int:
    """Record the account and queue every existing record (merged, not overwritten); returns how many."""
    end(conn)
    for key, value in zip(_KEYS, (node, server, email, str(user_id), str(device_id)), strict=True):
        state.set_state(conn, key, value)
    state.set_state(conn, "cursor", "0")
    return capture.seed(conn, node)


def end(conn: Connection) -> None:
    """Stop syncing on this device: the data stays, the bookkeeping (and unsent changes) go."""
    for table in ("sync_flags", "sync_outbox", "sync_push", "sync_ids", "sync_records", "sync_conflicts"):
        conn.exec_driver_sql(f"DELETE FROM {table}")
    conn.exec_driver_sql("DELETE FROM sync_state WHERE key <> 'triggers'")
