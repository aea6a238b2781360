"""One bad change never holds up a device's sync, with the real server: a screenshot removed
before it ever went up, a change the server refuses (set aside, kept, said; the rest go up), a
conflict on a long record id, text with a NUL character."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from data.store import attachments, journal
from data.store.records import TradeNote
from data.sync import hlc
from tests.server.conftest import sign_in
from tests.server.sync.devices import PASSWORD, settle, signed_pair
from tests.server.sync.proxy import CuttingProxy
from tests.server.sync.test_faults import _png

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


async def test_a_screenshot_removed_before_it_went_up_blocks_no_device(backend, devices, unique) -> None:
    proxy = await CuttingProxy(int(backend.base_url.rsplit(":", 1)[1])).start()
    try:
        desk, laptop = devices("desk"), devices("laptop")
        email = f"gone-shot-{unique}@example.com"
        await desk.sign_in(proxy.url, email, create=True)
        await laptop.sign_in(backend.base_url, email)
        await settle(desk, laptop)
        proxy.set_online(False)
        shot = desk.write(lambda s: attachments.add(s, "T-1", _png(8, 8), "entry", AT))
        assert (await desk.sync.sync_now()).state == "offline"  # noted and queued, bytes not sent
        desk.write(lambda s: attachments.remove(s, shot.id))  # removed (with its bytes) while offline
        proxy.set_online(True)
        desk.write(lambda s: journal.save_note(s, TradeNote("T-1", notes="later"), AT))
        await settle(desk, laptop)
        assert [n.notes for n in laptop.write(journal.notes).values()] == ["later"]
        assert desk.contents() == laptop.contents()
    finally:
        await proxy.stop()


async def test_a_blob_the_account_never_got_parks_its_record_and_the_device_stays_synced(
        backend, devices, unique, http) -> None:
    email = f"no-bytes-{unique}@example.com"
    _desk, laptop = await signed_pair(devices, backend.base_url, email)
    other = sign_in(http, email, PASSWORD, device="an older app").json()
    sha = hashlib.sha256(b"never uploaded").hexdigest()
    change = {"table": "blobs", "id": f'["{sha}"]', "hlc": hlc.format_stamp(1_764_590_000_000, 0), "device": "old",
              "deleted": False, "fields": {"sha256": sha, "size": 14, "created_at": "2026-11-30 15:00:00.000000"}}
    pushed = http.post("/v1/sync/push", json={"changes": [change]},
                       headers={"Authorization": f"Bearer {other['token']}"})
    assert pushed.status_code == 200
    status = await laptop.round()
    assert status.state == "synced"
    await laptop.round()  # and again: the parked record is asked for once a round, not on every page


async def test_a_change_the_server_refuses_is_set_aside_and_the_rest_go_up(backend, devices, unique) -> None:
    email = f"refused-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    desk.write(lambda s: journal.save_note(s, TradeNote("T-0", notes="before"), AT))
    desk.write(lambda s: journal.save_note(s, TradeNote("T-big", notes="big"), AT))
    huge = "UPDATE trade_notes SET notes = ? WHERE trade_id = 'T-big'"  # over the server's 4 MB: any writer counts
    desk.write(lambda s: s.connection().exec_driver_sql(huge, ("x" * (5 * 1024 * 1024),)))
    desk.write(lambda s: journal.save_note(s, TradeNote("T-1", notes="after"), AT))
    status = await desk.round()
    assert "refused" in status.detail and status.waiting == 0
    await laptop.round()
    assert {k: v.notes for k, v in laptop.write(journal.notes).items()} == {"T-0": "before", "T-1": "after"}
    assert len(desk.write(journal.notes)) == 3  # the refused one stays on the desk
    kept = desk.write(lambda s: s.connection().exec_driver_sql("SELECT count(*) FROM sync_refused").scalar_one())
    assert kept == 2  # its insert and its update (both read the row as it is now: 5 MB of text)


async def test_a_conflict_on_a_broker_trade_with_a_long_id_syncs(backend, devices, unique) -> None:
    email = f"long-id-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    trade = "thinkorswim:thinkorswim:" + "0123456789abcdef" * 5
    desk.write(lambda s: attachments.add(s, trade, _png(8, 8), "entry", AT))
    await settle(desk, laptop)
    caption = "UPDATE trade_attachments SET caption = ? WHERE trade_id = ?"
    desk.write(lambda s: s.connection().exec_driver_sql(caption, ("desk caption", trade)))
    laptop.write(lambda s: s.connection().exec_driver_sql(caption, ("laptop caption", trade)))
    await settle(desk, laptop)  # each round asserts "synced": the conflict entry went up too
    assert desk.contents() == laptop.contents()
    assert len(await desk.sync.conflicts()) == len(await laptop.sync.conflicts()) == 1


async def test_text_with_a_nul_character_reaches_the_other_device(backend, devices, unique) -> None:
    desk, laptop = await signed_pair(devices, backend.base_url, f"nul-{unique}@example.com")
    desk.write(lambda s: journal.save_note(s, TradeNote("T-1", notes="pasted\x00from a PDF"), AT))
    await settle(desk, laptop)
    assert [n.notes for n in laptop.write(journal.notes).values()] == ["pasted\x00from a PDF"]
