"""Sync under faults, with the real server and PostgreSQL: a device offline for a while, the server
restarted in the middle of a push, connections cut inside a batch (request and response), the app
restarted with changes waiting, and a stolen device's token revoked. Every committed change is
counted on every device afterwards."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from data.store import alerts, journal
from data.store.records import TradeNote
from data.sync import round as sync_round
from tests.server.sync.devices import Device, RestartableServer, settle, signed_pair
from tests.server.sync.proxy import CuttingProxy

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def server(backend):
    own = RestartableServer(backend.app_url)  # this test's own instance on the shared database: restartable
    own.start()
    yield own
    own.stop()


@pytest.fixture
async def proxy(server):
    cutting = await CuttingProxy(server.port).start()
    yield cutting
    await cutting.stop()


def _notes(device: Device, prefix: str, count: int) -> None:
    for n in range(count):
        device.write(lambda s, n=n: journal.save_note(s, TradeNote(f"{prefix}{n}", notes=f"{prefix} note {n}"), AT))


def _note_count(device: Device) -> int:
    return len(device.write(journal.notes))


async def test_a_device_offline_for_a_while_catches_up_both_ways(proxy, devices, unique) -> None:
    email = f"offline-{unique}@example.com"
    desk, laptop = await signed_pair(devices, proxy.url, email)
    await settle(desk, laptop)
    proxy.set_online(False)
    _notes(laptop, "train-", 60)  # edits on the train
    laptop.write(lambda s: alerts.create(s, "NVDA", "above", 150.0, now=AT))
    status = await laptop.sync.sync_now()
    assert status.state == "offline" and "cannot be reached" in status.detail
    assert status.waiting == 61  # the status bar says what is waiting
    proxy.set_online(True)
    _notes(desk, "office-", 25)
    await desk.round()
    proxy.set_online(False)
    _notes(laptop, "train-late-", 5)
    assert (await laptop.sync.sync_now()).state == "offline"
    proxy.set_online(True)
    await settle(laptop, desk)
    assert _note_count(desk) == _note_count(laptop) == 90
    assert desk.contents() == laptop.contents()


async def test_server_restarted_in_the_middle_of_a_push(server, devices, unique) -> None:
    email = f"restart-{unique}@example.com"
    desk, laptop = await signed_pair(devices, server.url, email)
    await settle(desk, laptop)
    _notes(desk, "n", 3 * sync_round.PUSH_BATCH + 7)  # four batches
    client = desk.sync._client
    original, calls = client.push, []

    async def push_then_stop(changes):
        stored = await original(changes)
        calls.append(len(changes))
        if len(calls) == 1:
            await asyncio.to_thread(server.stop)  # the first batch is in; the server goes down
        return stored

    client.push = push_then_stop
    status = await desk.sync.sync_now()
    assert status.state == "offline" and calls == [sync_round.PUSH_BATCH]
    await asyncio.to_thread(server.start)
    await settle(desk, laptop)
    assert _note_count(laptop) == 3 * sync_round.PUSH_BATCH + 7
    assert desk.contents() == laptop.contents()


async def test_connections_cut_inside_a_batch_lose_and_duplicate_nothing(proxy, devices, unique) -> None:
    email = f"cuts-{unique}@example.com"
    desk, laptop = await signed_pair(devices, proxy.url, email)
    await settle(desk, laptop)
    _notes(desk, "cut-", 700)
    proxy.arm(request_after=40_000)  # the push's body is cut: the server never has the whole batch
    assert (await desk.sync.sync_now()).state == "offline"
    proxy.arm(response_after=12)  # the server stores the batch, the device never hears it
    assert (await desk.sync.sync_now()).state == "offline"
    proxy.arm()
    await desk.round()  # the batch goes again: stored once
    proxy.arm(response_after=4_000)  # the laptop's pull is cut inside the page: nothing applied, then again
    assert (await laptop.sync.sync_now()).state == "offline"
    proxy.arm()
    await settle(laptop, desk)
    assert proxy.cuts >= 3
    assert _note_count(laptop) == _note_count(desk) == 700
    assert desk.contents() == laptop.contents()


async def test_changes_waiting_at_an_app_restart_go_up_after_it(backend, devices, unique) -> None:
    email = f"app-restart-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    await settle(desk, laptop)
    _notes(desk, "before-quit-", 12)
    await desk.sync.aclose()
    desk.close()  # quit without a sync round
    reopened = devices("desk")
    await reopened.sync.load()  # the token from the keychain, the outbox from the file
    assert reopened.sync.status.state == "syncing"
    await settle(reopened, laptop)
    assert _note_count(laptop) == 12


async def test_a_revoked_device_stops_syncing_and_keeps_its_data(backend, devices, unique) -> None:
    desk, stolen = devices("desk"), devices("stolen")
    email = f"revoke-{unique}@example.com"
    await desk.sign_in(backend.base_url, email, create=True)
    await stolen.sign_in(backend.base_url, email)
    _notes(desk, "secret-", 3)
    await settle(desk, stolen)
    listed = await desk.sync.devices()
    victim = next(d for d in listed if d.name == "stolen")
    assert [d.current for d in listed if d.name == "desk"] == [True]
    await desk.sync.revoke(victim.id)
    _notes(desk, "after-", 2)
    await desk.round()
    status = await stolen.sync.sync_now()
    assert status.state == "error" and "sign in again" in status.detail
    assert _note_count(stolen) == 3  # what it had stays; nothing new reaches it


async def test_screenshots_go_up_once_by_hash_and_come_down_with_their_trade(backend, devices, unique) -> None:
    from data.store import attachments

    png = _png(64, 48)
    email = f"blobs-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    desk.write(lambda s: attachments.add(s, "T-1", png, "entry", AT))
    desk.write(lambda s: attachments.add(s, "T-2", png, "same chart, another trade", AT))
    client = desk.sync._client
    puts, original = [], client.put_blob

    async def counting_put(sha256, data):
        puts.append(sha256)
        await original(sha256, data)

    client.put_blob = counting_put
    await settle(desk, laptop)
    assert len(puts) == 1  # one blob for two attachments
    got = laptop.write(lambda s: attachments.for_trade(s, "T-2"))
    assert [a.caption for a in got] == ["same chart, another trade"]
    assert laptop.write(lambda s: attachments.blob(s, got[0].sha256)) == png
    assert desk.contents() == laptop.contents()


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"".join(bytes([x % 256, y % 256, 128]) for x in range(width)) for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


async def test_the_device_token_is_only_in_the_keychain(backend, devices, unique, memory_keyring, caplog) -> None:
    caplog.set_level("DEBUG")
    desk = devices("desk")
    await desk.sign_in(backend.base_url, f"token-{unique}@example.com", create=True)
    _notes(desk, "t", 3)
    await desk.round()
    (token,) = [v for (service, name), v in memory_keyring.values.items() if name.startswith("sync-token:")]
    assert len(token) >= 32
    folder = desk.store.path.parent
    for path in folder.iterdir():  # the database, its WAL and anything else the app wrote there
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path.name
    assert token not in caplog.text
    assert token not in repr(desk.sync.status)
