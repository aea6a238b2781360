"""Accounts and device tokens: sign-up, sign-in (rate-limited), the device list, revocation.

Passwords are hashed with argon2id (argon2-cffi). A device's token is 32 random bytes
(URL-safe base64), shown once to the device and stored only as its SHA-256 hash: a stolen
database holds no usable token, and revoking a device (from any device of the account) refuses
its token from then on. Failed sign-ins are counted in the database, so every server instance
behind a load balancer sees the same counts: 5 failures per email, or 20 per client address,
within 15 minutes lock further attempts until the oldest of them is 15 minutes old.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, func, insert, select, text, update

from server.db import transaction, user_transaction
from server.models import devices, sign_in_failures, users

Clock = Callable[[], datetime]

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_IP = 20
MIN_PASSWORD = 10

_hasher = PasswordHasher()
# verified against when the email is unknown, so a miss takes as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password anyone has")


class EmailTakenError(Exception):
    pass


class BadCredentialsError(Exception):
    pass


class RateLimitedError(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed sign-ins: retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Issued:
    """A new device's session: the token is handed out here once and never again."""

    user_id: int
    device_id: int
    token: str


@dataclass(frozen=True)
class Caller:
    user_id: int
    device_id: int


def normalize_email(email: str) -> str:
    return email.strip().lower()


def token_hash(token: str) -> bytes:
    return hashlib.sha256(token.encode()).digest()


def _issue(conn: Connection, user_id: int, name: str, now: datetime) -> Issued:
    token = secrets.token_urlsafe(32)
    device_id = conn.execute(insert(devices).values(user_id=user_id, name=name, token_hash=token_hash(token),
                                                    created_at=now, last_seen_at=now)
                             .returning(devices.c.id)).scalar_one()
    return Issued(user_id, device_id, token)


def sign_up(engine: Engine, clock: Clock, email: str, password: str, device_name: str) -> Issued:
    email, now = normalize_email(email), clock()
    with transaction(engine) as conn:
        user_id = conn.execute(text("INSERT INTO users (email, password_hash, created_at) VALUES (:e, :h, :t) "
                                    "ON CONFLICT (email) DO NOTHING RETURNING id"),
                               {"e": email, "h": _hasher.hash(password), "t": now}).scalar()
        if user_id is None:
            raise EmailTakenError(email)
        conn.execute(text("SELECT set_config('app.user_id', :uid, true)"), {"uid": str(user_id)})
        return _issue(conn, user_id, device_name, now)


def _retry_after(conn: Connection, column, value: str, limit: int, now: datetime) -> int | None:
    """Seconds until ``value`` may try again, or None when it has fewer than ``limit`` recent failures."""
    recent = (select(sign_in_failures.c.at).where(column == value, sign_in_failures.c.at > now - WINDOW)
              .order_by(sign_in_failures.c.at.desc()).limit(limit).subquery())
    count, oldest = conn.execute(select(func.count(), func.min(recent.c.at)).select_from(recent)).one()
    if count < limit:
        return None
    return max(1, int((oldest + WINDOW - now).total_seconds() + 0.999))


def _check_rate(conn: Connection, email: str, ip: str, now: datetime) -> None:
    # one attempt per email at a time across every instance, so a burst cannot overrun the count
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "sign-in:" + email})
    waits = [_retry_after(conn, sign_in_failures.c.email, email, MAX_FAILURES_PER_EMAIL, now),
             _retry_after(conn, sign_in_failures.c.ip, ip, MAX_FAILURES_PER_IP, now)]
    waits = [w for w in waits if w is not None]
    if waits:
        raise RateLimitedError(max(waits))


def _password_matches(stored: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def sign_in(engine: Engine, clock: Clock, email: str, password: str, device_name: str, ip: str) -> Issued:
    email, now = normalize_email(email), clock()
    with transaction(engine) as conn:
        _check_rate(conn, email, ip, now)
        account = select(users.c.id, users.c.email, users.c.password_hash).where(users.c.email == email)
        row = conn.execute(account).first()
        matches = _password_matches(row.password_hash if row else None, password)
        if not matches:  # committed with the transaction: the failure counts though the request fails
            conn.execute(insert(sign_in_failures).values(email=email, ip=ip, at=now))
        else:
            issued = _signed_in(conn, row, password, now, device_name)
    if not matches:
        raise BadCredentialsError(email)
    return issued


def _signed_in(conn: Connection, row, password: str, now: datetime, device_name: str) -> Issued:
    conn.execute(sign_in_failures.delete().where(sign_in_failures.c.email == normalize_email(row.email)))
    if _hasher.check_needs_rehash(row.password_hash):
        conn.execute(update(users).where(users.c.id == row.id).values(password_hash=_hasher.hash(password)))
    conn.execute(text("SELECT set_config('app.user_id', :uid, true)"), {"uid": str(row.id)})
    return _issue(conn, row.id, device_name, now)


def authenticate(engine: Engine, clock: Clock, token: str) -> Caller | None:
    """The live device a bearer token belongs to, or None (unknown or revoked)."""
    with transaction(engine) as conn:
        row = conn.execute(text("SELECT device_id, user_id FROM device_for_token(:h)"),
                           {"h": token_hash(token)}).first()
        if row is None:
            return None
        now = clock()
        conn.execute(text("SELECT set_config('app.user_id', :uid, true)"), {"uid": str(row.user_id)})
        conn.execute(update(devices).where(devices.c.id == row.device_id, devices.c.user_id == row.user_id,
                                           devices.c.last_seen_at < now - timedelta(minutes=1))
                     .values(last_seen_at=now))
        return Caller(row.user_id, row.device_id)


def list_devices(engine: Engine, caller: Caller) -> list[dict]:
    query = (select(devices.c.id, devices.c.name, devices.c.created_at, devices.c.last_seen_at, devices.c.revoked_at)
             .where(devices.c.user_id == caller.user_id).order_by(devices.c.id))
    with user_transaction(engine, caller.user_id) as conn:
        return [{**row._asdict(), "current": row.id == caller.device_id} for row in conn.execute(query)]


def revoke_device(engine: Engine, clock: Clock, caller: Caller, device_id: int) -> bool:
    """Revoke one of the caller's devices (its own included); False when the account has no such device."""
    with user_transaction(engine, caller.user_id) as conn:
        found = conn.execute(update(devices).where(devices.c.id == device_id, devices.c.user_id == caller.user_id)
                             .values(revoked_at=func.coalesce(devices.c.revoked_at, clock()))
                             .returning(devices.c.id)).first()
        return found is not None
