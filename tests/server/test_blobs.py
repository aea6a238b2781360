"""Content-addressed blobs (trade screenshots) through the real server: put once by hash, head, get."""

from __future__ import annotations

import hashlib
import os

import psycopg

from server.blobs import MAX_BLOB
from tests.server.conftest import bearer, sign_up

OCTETS = {"Content-Type": "application/octet-stream"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _put(http, session: dict, data: bytes, sha256: str | None = None):
    return http.put(f"/v1/blobs/{sha256 or _sha(data)}", content=data, headers={**bearer(session), **OCTETS})


def _rows(backend, user_id: int, sha256: str) -> int:
    with psycopg.connect(backend.owner_url) as owner:  # the superuser: past row-level security
        return owner.execute("SELECT count(*) FROM blobs WHERE user_id = %s AND sha256 = %s",
                             (user_id, sha256)).fetchone()[0]


def test_a_blob_goes_up_and_comes_back_byte_for_byte(http, unique) -> None:
    me = sign_up(http, f"blob-{unique}@example.com")
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(50_000)
    sha = _sha(data)
    assert http.head(f"/v1/blobs/{sha}", headers=bearer(me)).status_code == 404
    put = _put(http, me, data)
    assert put.status_code == 201 and put.json() == {"sha256": sha, "size": len(data)}
    head = http.head(f"/v1/blobs/{sha}", headers=bearer(me))
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(data) and head.content == b""
    got = http.get(f"/v1/blobs/{sha}", headers=bearer(me))
    assert got.status_code == 200 and got.content == data
    assert got.headers["Content-Type"] == "application/octet-stream"
    assert http.get(f"/v1/blobs/{_sha(b'never sent')}", headers=bearer(me)).status_code == 404


def test_putting_a_blob_again_is_200_and_keeps_one_row(backend, http, unique) -> None:
    me = sign_up(http, f"blob-{unique}@example.com")
    data = os.urandom(1000)
    assert _put(http, me, data).status_code == 201
    again = _put(http, me, data)
    assert again.status_code == 200 and again.json() == {"sha256": _sha(data), "size": 1000}
    assert _rows(backend, me["user_id"], _sha(data)) == 1
    empty = _put(http, me, b"")  # an empty file is a blob too
    assert empty.status_code == 201 and empty.json()["size"] == 0
    assert http.get(f"/v1/blobs/{_sha(b'')}", headers=bearer(me)).content == b""


def test_content_that_does_not_match_its_hash_is_refused_and_not_stored(backend, http, unique) -> None:
    me = sign_up(http, f"blob-{unique}@example.com")
    claimed = _sha(b"the screenshot I meant")
    refused = _put(http, me, b"something else", sha256=claimed)
    assert refused.status_code == 400 and refused.json()["detail"] == "content does not match its hash"
    assert _rows(backend, me["user_id"], claimed) == 0
    assert http.head(f"/v1/blobs/{claimed}", headers=bearer(me)).status_code == 404


def test_a_malformed_hash_is_422(http, unique) -> None:
    me = sign_up(http, f"blob-{unique}@example.com")
    data = b"x"
    for bad in (_sha(data).upper(), _sha(data)[:63], _sha(data) + "0", "g" * 64, "x"):
        assert _put(http, me, data, sha256=bad).status_code == 422, bad
        assert http.head(f"/v1/blobs/{bad}", headers=bearer(me)).status_code == 422
        assert http.get(f"/v1/blobs/{bad}", headers=bearer(me)).status_code == 422


def test_blobs_may_reach_16_mib_while_every_other_path_keeps_4_mb(backend, http, unique) -> None:
    me = sign_up(http, f"blob-{unique}@example.com")
    five = os.urandom(5 * 1024 * 1024)
    assert _put(http, me, five).status_code == 201
    assert http.get(f"/v1/blobs/{_sha(five)}", headers=bearer(me)).content == five
    limit = os.urandom(MAX_BLOB)
    assert _put(http, me, limit).status_code == 201  # exactly 16 MiB is allowed
    over = limit + b"!"
    assert _put(http, me, over).status_code == 413  # declared by Content-Length
    chunks = (over[i:i + (1 << 20)] for i in range(0, len(over), 1 << 20))  # streamed, no Content-Length
    streamed = http.put(f"/v1/blobs/{_sha(over)}", content=chunks, headers={**bearer(me), **OCTETS})
    assert streamed.status_code == 413
    assert _rows(backend, me["user_id"], _sha(over)) == 0
    json_push = {**bearer(me), "Content-Type": "application/json"}
    assert http.post("/v1/sync/push", content=b" " * (4 * 1024 * 1024 + 1), headers=json_push).status_code == 413
    assert http.post("/v1/sync/push", content=(b" " * (1 << 20) for _ in range(5)),
                     headers=json_push).status_code == 413
    assert http.post("/v1/blobsx/" + _sha(five), content=five, headers=bearer(me)).status_code == 413


def test_a_revoked_or_missing_token_gets_401(http, unique) -> None:
    me = sign_up(http, f"blob-{unique}@example.com")
    data = b"a screenshot"
    assert _put(http, me, data).status_code == 201
    path = f"/v1/blobs/{_sha(data)}"
    assert http.post("/v1/accounts/sign-out", headers=bearer(me)).status_code == 204
    for response in (_put(http, me, data), http.head(path, headers=bearer(me)), http.get(path, headers=bearer(me)),
                     http.get(path), http.put(path, content=data)):
        assert response.status_code == 401, response.request.method
        assert response.headers["WWW-Authenticate"] == "Bearer"
