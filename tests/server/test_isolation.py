"""One account never reaches another's records: the queries' filters, and row-level security behind them."""

from __future__ import annotations

import psycopg
import pytest

from tests.server.conftest import bearer, sign_up


def _push(http, session: dict, n: int, secret: str) -> None:
    change = {"table": "journal_entries", "id": f"entry-{n}", "hlc": f"{n:015d}-0000-x", "device": "x",
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
