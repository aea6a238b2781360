"""One account never reaches another's records: the queries' filters, and row-level security behind them."""

from __future__ import annotations

import hashlib

import psycopg
import pytest

from tests.server.conftest import bearer, sign_up

OCTETS = {"Content-Type": "application/octet-stream"}
# every endpoint, and where it is checked across accounts (the openapi test below keeps this complete)
CROSS_USER_CHECKS = {
    ("get", "/health"): "no account data",
    ("post", "/v1/accounts/sign-up"): "creates its own account",
    ("post", "/v1/accounts/sign-in"): "test_user_two_never_sees_user_ones_changes_or_devices (the pull after it)",
    ("post", "/v1/accounts/sign-out"): "revokes only the caller's own device (test_accounts)",
    ("get", "/v1/devices"): "test_user_two_never_sees_user_ones_changes_or_devices",
    ("delete", "/v1/devices/{device_id}"): "test_user_two_never_sees_user_ones_changes_or_devices",
    ("post", "/v1/sync/push"): "test_user_two_never_sees_user_ones_changes_or_devices",
    ("get", "/v1/sync/pull"): "test_user_two_never_sees_user_ones_changes_or_devices",
    ("put", "/v1/blobs/{sha256}"): "test_user_two_never_reaches_user_ones_blobs",
    ("head", "/v1/blobs/{sha256}"): "test_user_two_never_reaches_user_ones_blobs",
    ("get", "/v1/blobs/{sha256}"): "test_user_two_never_reaches_user_ones_blobs",
}


def _push(http, session: dict, n: int, secret: str) -> None:
    change = {"table": "journal_entries", "id": f"entry-{n}", "hlc": f"{n:015d}:000000", "device": "x",
              "deleted": False, "fields": {"note": secret}}
    assert http.post("/v1/sync/push", json={"changes": [change]}, headers=bearer(session)).status_code == 200


@pytest.fixture
def two_users(http, unique):
    one = sign_up(http, f"one-{unique}@example.com")
    two = sign_up(http, f"two-{unique}@example.com")
    _push(http, one, 1, f"user one's secret {unique}")
    _push(http, two, 2, f"user two's note {unique}")
    return one, two


def test_user_two_never_sees_user_ones_changes_or_devices(http, two_users, unique) -> None:
    one, two = two_users
    crafted = [{"since": 0}, {"since": 0, "user_id": one["user_id"]}, {"since": 0, "device_id": one["device_id"]},
               {"since": 0, "limit": 1000}]
    for params in crafted:
        page = http.get("/v1/sync/pull", params=params, headers=bearer(two)).json()
        assert all(unique not in c["fields"]["note"] or "two" in c["fields"]["note"] for c in page["changes"])
        assert "user one" not in str(page)
    assert [d["id"] for d in http.get("/v1/devices", headers=bearer(two)).json()] == [two["device_id"]]
    # revoking another account's device is "no such device", and leaves it working
    assert http.delete(f"/v1/devices/{one['device_id']}", headers=bearer(two)).status_code == 404
    assert http.get("/v1/devices", headers=bearer(one)).status_code == 200
    # a push cannot write into another account either: the change lands in the pusher's own log
    _push(http, two, 3, "planted")
    second_device = http.post("/v1/accounts/sign-in", json={"email": f"one-{unique}@example.com",
                                                             "password": "correct horse battery",
                                                             "device_name": "B"}).json()
    notes = [c["fields"]["note"] for c in http.get("/v1/sync/pull", headers=bearer(second_device)).json()["changes"]]
    assert notes == [f"user one's secret {unique}"]


def test_every_endpoint_has_a_cross_user_check(http) -> None:
    spec = http.get("/openapi.json").json()
    assert {(method, path) for path, item in spec["paths"].items() for method in item} == set(CROSS_USER_CHECKS)


def _put_blob(http, session: dict, data: bytes):
    return http.put(f"/v1/blobs/{hashlib.sha256(data).hexdigest()}", content=data,
                    headers={**bearer(session), **OCTETS})


def test_user_two_never_reaches_user_ones_blobs(backend, http, two_users, unique) -> None:
    one, two = two_users
    secret = f"user one's screenshot {unique}".encode()
    sha = hashlib.sha256(secret).hexdigest()
    assert _put_blob(http, one, secret).status_code == 201
    assert http.head(f"/v1/blobs/{sha}", headers=bearer(two)).status_code == 404
    refused = http.get(f"/v1/blobs/{sha}", headers=bearer(two))
    assert refused.status_code == 404 and secret not in refused.content
    # the same content from user two is user two's own copy: 201, not "already there"
    assert _put_blob(http, two, secret).status_code == 201
    assert http.get(f"/v1/blobs/{sha}", headers=bearer(two)).content == secret
    with psycopg.connect(backend.owner_url) as owner:
        owners = owner.execute("SELECT user_id FROM blobs WHERE sha256 = %s ORDER BY user_id", (sha,)).fetchall()
    assert owners == [(one["user_id"],), (two["user_id"],)]
    assert http.get(f"/v1/blobs/{sha}", headers=bearer(one)).content == secret


def test_row_level_security_hides_every_row_from_the_app_role_without_a_user(backend, two_users) -> None:
    one, two = two_users
    with psycopg.connect(backend.owner_url) as owner:
        total = owner.execute("SELECT count(*) FROM changes").fetchone()[0]
    assert total >= 2
    with psycopg.connect(backend.app_url) as app:
        assert app.execute("SELECT current_user").fetchone()[0] == "ai_coach_server"
        assert app.execute("SELECT count(*) FROM changes").fetchone()[0] == 0  # no app.user_id: nothing
        assert app.execute("SELECT count(*) FROM devices").fetchone()[0] == 0
        app.execute("SELECT set_config('app.user_id', %s, true)", (str(two["user_id"]),))
        rows = app.execute("SELECT DISTINCT user_id FROM changes").fetchall()  # no WHERE: RLS alone
        assert rows == [(two["user_id"],)]
        assert app.execute("UPDATE changes SET fields = '{}' WHERE user_id = %s", (one["user_id"],)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # writing a row for someone else
            app.execute("INSERT INTO changes (user_id, origin_device_id, table_name, record_id, hlc, device, "
                        "deleted, fields, received_at) VALUES (%s, 1, 't', 'r', 'h', 'd', false, '{}', now())",
                        (one["user_id"],))
    with psycopg.connect(backend.app_url) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
        app.execute("DELETE FROM changes")  # the app role may not delete the log at all


def test_row_level_security_hides_every_blob_from_the_app_role_without_a_user(backend, http, two_users) -> None:
    one, two = two_users
    for session in (one, two):
        assert _put_blob(http, session, f"screenshot of {session['user_id']}".encode()).status_code == 201
    with psycopg.connect(backend.app_url) as app:
        assert app.execute("SELECT count(*) FROM blobs").fetchone()[0] == 0  # no app.user_id: nothing
        app.execute("SELECT set_config('app.user_id', %s, true)", (str(two["user_id"]),))
        assert {row[0] for row in app.execute("SELECT user_id FROM blobs").fetchall()} == {two["user_id"]}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # writing a blob for someone else
            app.execute("INSERT INTO blobs (user_id, sha256, size, data, created_at) "
                        "VALUES (%s, repeat('0', 64), 0, '', now())", (one["user_id"],))
    for statement in ("UPDATE blobs SET data = ''", "DELETE FROM blobs"):  # a blob is never rewritten by the app
        with psycopg.connect(backend.app_url) as app, pytest.raises(psycopg.errors.InsufficientPrivilege):
            app.execute(statement)
    with psycopg.connect(backend.owner_url) as owner:
        assert owner.execute("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
                             "WHERE relname = 'blobs'").fetchone()[0]
