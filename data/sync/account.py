"""This device's sync set-up in the store: begin (first sign-in: a clock node, the account, the
seed of every existing record), read, and end (sign-out: the data stays).

The bookkeeping — record ids, merged states, unsent changes, the cursor and the clock — is kept
at sign-out and belongs to one account (``bookkeeping_for``): signing in to that account again
(after a sign-out, a revoked token, a keychain that lost the sign-in) resumes from it and sends
only what changed meanwhile; a seed would give records new ids and duplicate them. Signing in
to another account starts afresh. The device token is not here: it lives in the OS keychain
under ``token_name(node)``."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from data.sync import capture, state

_KEYS = ("node", "server", "email", "user_id", "device_id")
_ACCOUNT_KEYS = _KEYS[1:]  # the signed-in account; the node stays with the bookkeeping
_BOOKKEEPING_FOR = "bookkeeping_for"  # JSON [server, user id]
_BOOKKEEPING = ("sync_flags", "sync_outbox", "sync_push", "sync_refused", "sync_ids", "sync_records",
                "sync_conflicts")


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


def _kept_for(conn: Connection, server: str, user_id: int) -> bool:
    """The kept bookkeeping is this account's (and has its clock node)."""
    kept = state.get_state(conn, _BOOKKEEPING_FOR)
    return kept is not None and json.loads(kept) == [server, user_id] and state.get_state(conn, "node") is not None


def node_for(conn: Connection, server: str, user_id: int) -> str:
    """The clock node to sign in with: the kept bookkeeping's for the same account, else a new one."""
    kept = state.get_state(conn, "node") if _kept_for(conn, server, user_id) else None
    return kept or new_node()


def begin(conn: Connection, node: str, server: str, email: str, user_id: int, device_id: int,
          wall_ms: Callable[[], int] | None = None) -> int:
    """Record the account and queue this device's records: all of them on a first sign-in (merged
    with the account's, not overwritten), or what changed since the last sign-out when the kept
    bookkeeping is this account's. Returns how many were queued."""
    resume = _kept_for(conn, server, user_id) and state.get_state(conn, "node") == node
    if not resume:
        _forget(conn)
    for key, value in zip(_KEYS, (node, server, email, str(user_id), str(device_id)), strict=True):
        state.set_state(conn, key, value)
    state.set_state(conn, _BOOKKEEPING_FOR, json.dumps([server, user_id]))
    if resume:
        return capture.resume(conn, node, state.load_clock(conn, wall_ms))
    state.set_state(conn, "cursor", "0")
    return capture.seed(conn, node)


def end(conn: Connection) -> None:
    """Stop syncing on this device: the data and the account's bookkeeping stay, the triggers go quiet."""
    conn.exec_driver_sql("DELETE FROM sync_flags")
    conn.exec_driver_sql("DELETE FROM sync_outbox")  # unstamped notes: a resume finds their rows changed
    for key in _ACCOUNT_KEYS:
        conn.exec_driver_sql("DELETE FROM sync_state WHERE key = ?", (key,))


def _forget(conn: Connection) -> None:
    """Another account (or none before): nothing of an earlier account's bookkeeping carries over."""
    for table in _BOOKKEEPING:
        conn.exec_driver_sql(f"DELETE FROM {table}")
    conn.exec_driver_sql("DELETE FROM sync_state WHERE key <> 'triggers'")
