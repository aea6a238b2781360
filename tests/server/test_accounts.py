"""Sign-up, sign-in, rate limiting and device tokens against the real server and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import psycopg

from tests.server.conftest import bearer, sign_in, sign_up

PASSWORD = "correct horse battery"


def test_sign_up_issues_a_device_token_and_refuses_a_taken_email(http, unique) -> None:
    email = f"trader-{unique}@example.com"
    session = sign_up(http, email)
    assert session["user_id"] > 0 and session["device_id"] > 0 and len(session["token"]) >= 43
    again = http.post("/v1/accounts/sign-up", json={"email": email.upper(), "password": PASSWORD, "device_name": "x"})
    assert again.status_code == 409
    short = http.post("/v1/accounts/sign-up", json={"email": f"b-{email}", "password": "short", "device_name": "x"})
    assert short.status_code == 422


def test_sign_in_with_the_right_password_only(http, unique) -> None:
    email = f"trader-{unique}@example.com"
    first = sign_up(http, email)
    wrong = sign_in(http, email, "not the password", ip=f"203.0.113.{len(unique) % 200}")
    assert wrong.status_code == 401 and "wrong email or password" in wrong.text
    unknown = sign_in(http, f"nobody-{unique}@example.com", PASSWORD)
    assert unknown.status_code == 401
    right = sign_in(http, f"  {email.upper()} ", PASSWORD)
    assert right.status_code == 200, right.text
    laptop = right.json()
    assert laptop["user_id"] == first["user_id"] and laptop["device_id"] != first["device_id"]
    assert laptop["token"] != first["token"]


def test_sign_in_is_rate_limited_per_email_and_says_when_to_retry(backend, http, unique) -> None:
    email = f"target-{unique}@example.com"
    sign_up(http, email)
    for attempt in range(5):  # 5 failures, from different addresses
        assert sign_in(http, email, f"guess {attempt}", ip=f"192.0.2.{attempt + 1}").status_code == 401
    locked = sign_in(http, email, PASSWORD, ip="192.0.2.99")  # even the right password, from elsewhere
    assert locked.status_code == 429
    retry = int(locked.headers["Retry-After"])
    assert 0 < retry <= 15 * 60 and f"retry in {retry} s" in locked.json()["detail"]
    backend.clock.advance(timedelta(seconds=retry + 1))
    assert sign_in(http, email, PASSWORD, ip="192.0.2.99").status_code == 200


def test_sign_in_is_rate_limited_per_client_address(backend, http, unique) -> None:
    ip = f"10.{len(unique) % 250}.{int(unique.split('-')[1]) % 250}.7"
    for attempt in range(20):  # 20 different emails from one address
        assert sign_in(http, f"spray-{attempt}-{unique}@example.com", "guess", ip=ip).status_code == 401
    email = f"innocent-{unique}@example.com"
    sign_up(http, email)
    assert sign_in(http, email, PASSWORD, ip=ip).status_code == 429
    assert sign_in(http, email, PASSWORD, ip="10.255.255.1").status_code == 200  # another address is fine
    backend.clock.advance(timedelta(minutes=15, seconds=1))
    assert sign_in(http, email, PASSWORD, ip=ip).status_code == 200


def test_devices_are_listed_and_a_revoked_token_is_refused(http, unique) -> None:
    email = f"trader-{unique}@example.com"
    desktop = sign_up(http, email, device="office desktop")
    laptop = sign_in(http, email, PASSWORD, device="laptop").json()
    listed = http.get("/v1/devices", headers=bearer(laptop))
    assert listed.status_code == 200
    by_name = {d["name"]: d for d in listed.json()}
    assert set(by_name) == {"office desktop", "laptop"} and by_name["laptop"]["current"]
    assert not by_name["office desktop"]["current"] and by_name["office desktop"]["revoked_at"] is None
    # the laptop was stolen: revoke it from the desktop
    assert http.delete(f"/v1/devices/{laptop['device_id']}", headers=bearer(desktop)).status_code == 204
    for path in ("/v1/devices", "/v1/sync/pull"):
        refused = http.get(path, headers=bearer(laptop))
        assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
    after = {d["name"]: d for d in http.get("/v1/devices", headers=bearer(desktop)).json()}
    assert after["laptop"]["revoked_at"] is not None
    assert http.get("/v1/devices").status_code == 401
    assert http.get("/v1/devices", headers={"Authorization": "Bearer made-up"}).status_code == 401


def test_sign_out_revokes_the_device_itself(http, unique) -> None:
    session = sign_up(http, f"trader-{unique}@example.com")
    assert http.post("/v1/accounts/sign-out", headers=bearer(session)).status_code == 204
    assert http.get("/v1/devices", headers=bearer(session)).status_code == 401


def test_the_password_is_never_stored_and_the_token_only_as_its_hash(backend, http, unique) -> None:
    email, password = f"secret-{unique}@example.com", f"unguessable {unique} phrase"
    session = http.post("/v1/accounts/sign-up", json={"email": email, "password": password,
                                                       "device_name": "desktop"}).json()
    with psycopg.connect(backend.owner_url) as conn:
        stored = conn.execute("SELECT password_hash, users::text FROM users WHERE email = %s", (email,)).fetchone()
        device = conn.execute("SELECT token_hash, devices::text FROM devices WHERE id = %s",
                              (session["device_id"],)).fetchone()
        dumped = "".join(str(row) for row in conn.execute("SELECT u::text FROM users u UNION ALL "
                                                          "SELECT d::text FROM devices d").fetchall())
    assert stored[0].startswith("$argon2id$") and password not in stored[1]
    assert bytes(device[0]) == hashlib.sha256(session["token"].encode()).digest()
    assert session["token"] not in device[1] and session["token"] not in dumped and password not in dumped
