"""Push and pull between two devices of one account, through the real server."""

from __future__ import annotations

from tests.server.conftest import bearer, sign_in, sign_up


def _change(n: int, device: str, **fields) -> dict:
    return {"table": "journal_entries", "id": f"entry-{n}", "hlc": f"{1_700_000_000_000 + n:015d}:000000",
            "device": device, "deleted": False, "fields": fields or {"note": f"note {n}"}}


def _pull_all(http, session: dict, limit: int) -> tuple[list[dict], int]:
    since, pulled = 0, []
    for _page in range(100):  # bounded: never more pages than this test pushes
        page = http.get("/v1/sync/pull", params={"since": since, "limit": limit}, headers=bearer(session)).json()
        pulled += page["changes"]
        assert page["cursor"] >= since
        since = page["cursor"]
        if not page["more"]:
            return pulled, since
    raise AssertionError("pull did not finish")


def _two_devices(http, unique: str) -> tuple[dict, dict]:
    email = f"sync-{unique}@example.com"
    a = sign_up(http, email, device="A")
    b = sign_in(http, email, "correct horse battery", device="B").json()
    return a, b


def test_device_b_pulls_the_changes_of_a_not_its_own(http, unique) -> None:
    a, b = _two_devices(http, unique)
    pushed = http.post("/v1/sync/push", json={"changes": [_change(1, "dev-a", note="bought SPY"),
                                                          _change(2, "dev-a")]}, headers=bearer(a))
    assert pushed.status_code == 200 and pushed.json() == {"received": 2, "stored": 2}
    own = {"changes": [{**_change(3, "dev-b"), "deleted": True, "fields": {}}]}
    assert http.post("/v1/sync/push", json=own, headers=bearer(b)).json()["stored"] == 1
    at_b, _ = _pull_all(http, b, limit=50)
    assert [(c["id"], c["device"]) for c in at_b] == [("entry-1", "dev-a"), ("entry-2", "dev-a")]
    assert at_b[0]["fields"] == {"note": "bought SPY"} and at_b[0]["table"] == "journal_entries"
    assert at_b[0]["hlc"] == _change(1, "dev-a")["hlc"] and at_b[0]["seq"] < at_b[1]["seq"]
    at_a, _ = _pull_all(http, a, limit=50)
    assert [(c["id"], c["deleted"]) for c in at_a] == [("entry-3", True)]


def test_pull_pages_by_cursor_in_server_order_and_resumes(http, unique) -> None:
    a, b = _two_devices(http, unique)
    for start in range(0, 25, 10):
        batch = [_change(n, "dev-a") for n in range(start, min(start + 10, 25))]
        assert http.post("/v1/sync/push", json={"changes": batch}, headers=bearer(a)).json()["stored"] == len(batch)
    first = http.get("/v1/sync/pull", params={"since": 0, "limit": 7}, headers=bearer(b)).json()
    assert len(first["changes"]) == 7 and first["more"] and first["cursor"] == first["changes"][-1]["seq"]
    pulled, cursor = _pull_all(http, b, limit=7)
    assert [c["id"] for c in pulled] == [f"entry-{n}" for n in range(25)]
    seqs = [c["seq"] for c in pulled]
    assert seqs == sorted(seqs) and len(set(seqs)) == 25
    http.post("/v1/sync/push", json={"changes": [_change(99, "dev-a")]}, headers=bearer(a))
    later = http.get("/v1/sync/pull", params={"since": cursor}, headers=bearer(b)).json()
    assert [c["id"] for c in later["changes"]] == ["entry-99"] and not later["more"]


def test_pushing_the_same_change_twice_stores_it_once_and_keeps_every_distinct_write(http, unique) -> None:
    a, b = _two_devices(http, unique)
    batch = {"changes": [_change(1, "dev-a", note="v1"), _change(2, "dev-a", note="v1")]}
    assert http.post("/v1/sync/push", json=batch, headers=bearer(a)).json() == {"received": 2, "stored": 2}
    assert http.post("/v1/sync/push", json=batch, headers=bearer(a)).json() == {"received": 2, "stored": 0}
    # a later write of the same record is a new change: nothing is merged away on the server
    newer = {**_change(1, "dev-a", note="v2"), "hlc": _change(1, "dev-a")["hlc"].replace(":000000", ":000001")}
    assert http.post("/v1/sync/push", json={"changes": [newer]}, headers=bearer(a)).json()["stored"] == 1
    pulled, _ = _pull_all(http, b, limit=100)
    assert [(c["id"], c["fields"]["note"]) for c in pulled] == [("entry-1", "v1"), ("entry-2", "v1"), ("entry-1", "v2")]


def test_malformed_or_oversized_pushes_get_4xx_and_store_nothing(http, unique) -> None:
    a, b = _two_devices(http, unique)
    bad = [{"changes": [{**_change(1, "dev-a"), "table": "Robert'); DROP TABLE changes;--"}]},
           {"changes": [{**_change(1, "dev-a"), "id": ""}]},
           {"changes": [{k: v for k, v in _change(1, "dev-a").items() if k != "hlc"}]},
           {"changes": [{**_change(1, "dev-a"), "hlc": "yesterday"}]},  # not a clock stamp
           {"changes": [{**_change(1, "dev-a"), "device": "a node; with spaces"}]},
           {"changes": [_change(1, "dev-a", note="a\u0000b")]},  # PostgreSQL cannot store NUL: 422, not 500
           {"changes": [{**_change(1, "dev-a"), "id": "entry\u0000"}]},
           {"changes": [_change(n, "dev-a") for n in range(1001)]},
           {"changes": "not a list"}]
    for body in bad:
        assert http.post("/v1/sync/push", json=body, headers=bearer(a)).status_code == 422
    huge = {"changes": [_change(1, "dev-a", blob="x" * (5 * 1024 * 1024))]}
    assert http.post("/v1/sync/push", json=huge, headers=bearer(a)).status_code == 413
    assert http.post("/v1/sync/push", content=b"{not json", headers={**bearer(a), "Content-Type":
                                                                      "application/json"}).status_code == 422
    for params in ({"since": -1}, {"limit": 0}, {"limit": 100_000}, {"since": "x"}):
        assert http.get("/v1/sync/pull", params=params, headers=bearer(b)).status_code == 422
    assert _pull_all(http, b, limit=100)[0] == []


def test_concurrent_pushes_are_all_pulled_once_by_a_device_pulling_meanwhile(backend, unique) -> None:
    import threading

    import httpx

    with httpx.Client(base_url=backend.base_url, timeout=60) as http:
        a, b = _two_devices(http, unique)
    pushers, batches, size = 4, 5, 20

    def push(worker: int) -> None:
        with httpx.Client(base_url=backend.base_url, timeout=60) as client:
            for k in range(batches):
                batch = [_change(worker * 1000 + k * size + i, f"dev-{worker}") for i in range(size)]
                assert client.post("/v1/sync/push", json={"changes": batch}, headers=bearer(a)).status_code == 200

    threads = [threading.Thread(target=push, args=(w,)) for w in range(pushers)]
    for thread in threads:
        thread.start()
    seen, since = [], 0
    with httpx.Client(base_url=backend.base_url, timeout=60) as http:
        for _round in range(2000):  # bounded: pull while the pushes land, then until drained
            page = http.get("/v1/sync/pull", params={"since": since, "limit": 37}, headers=bearer(b)).json()
            seen += page["changes"]
            since = page["cursor"]
            if not page["more"] and not any(t.is_alive() for t in threads) and len(seen) >= pushers * batches * size:
                break
    for thread in threads:
        thread.join(timeout=60)
    keys = [(c["id"], c["device"]) for c in seen]
    assert len(keys) == len(set(keys)) == pushers * batches * size  # every change, none twice, none skipped
    assert [c["seq"] for c in seen] == sorted(c["seq"] for c in seen)
