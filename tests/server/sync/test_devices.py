"""Two and three app devices with their own SQLite stores syncing through the real server on a real
PostgreSQL: they end with the same data, and no committed change is lost."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from data.store import alerts, journal
from data.store import watchlists as wl
from data.store.records import TradeNote
from tests.server.sync.devices import Device, settle, signed_pair

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


def _watchlist(device: Device, name: str = "Default"):
    return next(w for w in device.write(wl.list_watchlists) if w.name == name)


async def test_two_devices_editing_the_same_watchlist_and_note_converge(backend, devices, unique) -> None:
    desk, laptop = devices("desk"), devices("laptop")
    email = f"trader-{unique}@example.com"
    desk.write(lambda s: wl.ensure_default(s))
    laptop.write(lambda s: wl.ensure_default(s))
    desk.write(lambda s: journal.save_note(s, TradeNote("T1", setup="ORB", notes="desk first"), AT))
    await desk.sign_in(backend.base_url, email, create=True)
    await laptop.sign_in(backend.base_url, email)
    await settle(desk, laptop)
    assert desk.contents() == laptop.contents()

    # both edit the same note and the same watchlist at once
    desk_list, laptop_list = _watchlist(desk), _watchlist(laptop)
    desk.write(lambda s: wl.add_symbol(s, desk_list.id, "AMD"))
    laptop.write(lambda s: wl.add_symbol(s, laptop_list.id, "META"))
    laptop.write(lambda s: wl.remove_symbol(s, laptop_list.id, "TSLA"))
    desk.write(lambda s: journal.save_note(s, TradeNote("T1", setup="ORB", rating=4, notes="desk edit"),
                                           AT + timedelta(minutes=1)))
    laptop.write(lambda s: journal.save_note(s, TradeNote("T1", setup="VWAP reclaim", notes="laptop edit"),
                                             AT + timedelta(minutes=2)))
    desk.write(lambda s: alerts.create(s, "SPY", "above", 601.5, now=AT))
    await settle(desk, laptop)

    same = desk.contents()
    assert same == laptop.contents()
    symbols = set(_watchlist(desk).symbols)
    assert {"AMD", "META"} <= symbols and "TSLA" not in symbols
    assert len(same["alerts"]) == 1
    note = same["trade_notes"]['["T1"]']
    assert note["notes"] in ("desk edit", "laptop edit")


def _open_condor_leg(s, at):
    from data.store import positions
    from data.store.records import LegFill, LegRecord

    leg = LegRecord("option", "SPY261218C00600000", "SPY", 4, 2.5, datetime(2026, 12, 18).date(), True, 600.0, 100)
    return positions.open_position(s, underlying="SPY", strategy="long call", fills=[
        LegFill(leg.symbol, 4, 2.5, 1.3, leg)], at=at)


def _legs(device: Device) -> list[tuple[str, int]]:
    from data.store import positions

    return [(leg.symbol, leg.quantity) for p in device.write(positions.list_positions) for leg in p.legs]


async def test_partial_closes_on_two_devices_add_up_in_the_legs(backend, devices, unique) -> None:
    from data.store import positions
    from data.store.records import LegFill

    email = f"positions-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    opened = desk.write(lambda s: _open_condor_leg(s, AT))
    await settle(desk, laptop)
    remote_id = laptop.write(positions.list_positions)[0].id
    desk.write(lambda s: positions.apply_fills(s, opened.id, "partly_closed", [LegFill(opened.legs[0].symbol, -1, 3.0)],
                                               AT + timedelta(minutes=5)))
    laptop.write(lambda s: positions.apply_fills(s, remote_id, "partly_closed",
                                                 [LegFill(opened.legs[0].symbol, -2, 3.2)], AT + timedelta(minutes=6)))
    await settle(desk, laptop)
    assert _legs(desk) == _legs(laptop) == [("SPY261218C00600000", 1)]
    events = [len(p.events) for p in desk.write(positions.list_positions)]
    assert events == [3] and desk.contents() == laptop.contents()


async def test_three_devices_lose_no_committed_change(backend, devices, unique) -> None:
    trio = [devices(name) for name in ("desk", "laptop", "tablet")]
    email = f"trio-{unique}@example.com"
    await trio[0].sign_in(backend.base_url, email, create=True)
    for device in trio[1:]:
        await device.sign_in(backend.base_url, email)
    per_device = 40
    for round_no in range(2):
        for i, device in enumerate(trio):
            for n in range(per_device // 2):
                price = 500 + i * 100 + round_no * 10 + n / 100
                device.write(lambda s, p=price: alerts.create(s, "SPY", "above", p, now=AT))
                device.write(lambda s, i=i, n=n, r=round_no: journal.save_note(
                    s, TradeNote(f"{i}-{r}-{n}", notes=f"device {i}"), AT))
        await trio[round_no].round()  # one device syncs in between: the rest wait
    await settle(*trio)
    first = trio[0].contents()
    assert all(device.contents() == first for device in trio[1:])
    assert len(first["alerts"]) == 3 * per_device
    assert len(first["trade_notes"]) == 3 * per_device
    assert {round(a["price"], 2) for a in first["alerts"].values()} == {
        round(500 + i * 100 + r * 10 + n / 100, 2) for i in range(3) for r in range(2) for n in range(per_device // 2)}


async def test_clocks_minutes_apart_converge_and_a_later_edit_wins(backend, devices, unique) -> None:
    ahead, behind = devices("ahead", clock_offset_s=300), devices("behind", clock_offset_s=-240)
    email = f"clocks-{unique}@example.com"
    await ahead.sign_in(backend.base_url, email, create=True)
    await behind.sign_in(backend.base_url, email)
    ahead.write(lambda s: journal.save_note(s, TradeNote("T9", notes="from the fast clock"), AT))
    await settle(ahead, behind)
    # the slow device saw the fast one's note: its edit made after that is stamped after it and wins
    behind.write(lambda s: journal.save_note(s, TradeNote("T9", notes="edited later on the slow clock"), AT))
    await settle(behind, ahead)
    for device in (ahead, behind):
        assert device.write(journal.notes)["T9"].notes == "edited later on the slow clock"
    assert ahead.contents() == behind.contents()


async def test_concurrent_edits_are_in_the_conflict_log_on_both_devices(backend, devices, unique) -> None:
    email = f"conflicts-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    desk.write(lambda s: journal.save_note(s, TradeNote("T2", notes="first"), AT))
    await settle(desk, laptop)
    desk.write(lambda s: journal.save_note(s, TradeNote("T2", notes="desk says"), AT))
    laptop.write(lambda s: journal.save_note(s, TradeNote("T2", notes="laptop says"), AT))
    await desk.round()
    await laptop.round()  # pulls the desk's edit while its own is unsent: logged here
    await desk.round()  # gets the laptop's: logged here too
    kept = desk.write(journal.notes)["T2"].notes
    assert kept == laptop.write(journal.notes)["T2"].notes
    for device in (desk, laptop):
        logged = [c for c in await device.sync.conflicts() if c.field == "notes"]
        assert logged, device.name
        assert {json.loads(logged[0].kept), json.loads(logged[0].lost)} == {"desk says", "laptop says"}
        assert json.loads(logged[0].kept) == kept
    assert desk.sync.status.conflicts >= 1


async def test_first_sign_in_merges_the_data_a_device_already_has(backend, devices, unique) -> None:
    desk, laptop = devices("desk"), devices("laptop")
    email = f"merge-{unique}@example.com"
    desk.write(lambda s: alerts.create(s, "QQQ", "below", 480.0, now=AT))
    desk.write(lambda s: wl.create_watchlist(s, "Swing"))
    await desk.sign_in(backend.base_url, email, create=True)
    await desk.round()
    laptop.write(lambda s: alerts.create(s, "IWM", "above", 230.0, now=AT))
    swing = laptop.write(lambda s: wl.create_watchlist(s, "Swing"))
    laptop.write(lambda s: wl.add_symbol(s, swing.id, "COIN"))
    laptop.write(lambda s: journal.save_note(s, TradeNote("L1", notes="laptop only"), AT))
    await laptop.sign_in(backend.base_url, email)
    await settle(laptop, desk)
    merged = desk.contents()
    assert merged == laptop.contents()
    assert {a["symbol"] for a in merged["alerts"].values()} == {"QQQ", "IWM"}
    assert [w.name for w in desk.write(wl.list_watchlists)].count("Swing") == 1  # one list, not two
    assert "COIN" in _watchlist(desk, "Swing").symbols
    assert desk.write(journal.notes)["L1"].notes == "laptop only"


async def test_different_fields_of_one_note_edited_offline_both_survive(backend, devices, unique) -> None:
    email = f"fields-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    desk.write(lambda s: journal.save_note(s, TradeNote("T3", setup="ORB", notes="plan"), AT))
    await settle(desk, laptop)
    desk.write(lambda s: journal.save_note(s, TradeNote("T3", setup="ORB", rating=5, notes="plan"), AT))
    laptop.write(lambda s: journal.save_note(s, TradeNote("T3", setup="ORB", notes="exited at VWAP"), AT))
    await settle(desk, laptop)
    for device in (desk, laptop):
        note = device.write(journal.notes)["T3"]
        assert (note.rating, note.notes) == (5, "exited at VWAP")  # the desk's rating and the laptop's words


async def test_the_same_broker_file_imported_on_two_devices_is_one_set_of_fills(backend, devices, unique) -> None:
    from data.store import executions
    from data.store.records import Execution

    fills = [Execution("thinkorswim", "acct", f"X{n}", AT + timedelta(minutes=n), "SPY", "buy" if n % 2 else "sell",
                       10, 600.0 + n, 0.65) for n in range(20)]
    desk, laptop = devices("desk"), devices("laptop")
    email = f"imports-{unique}@example.com"
    desk.write(lambda s: executions.add(s, fills, "history.csv"))
    laptop.write(lambda s: executions.add(s, fills[5:], "history.csv"))
    await desk.sign_in(backend.base_url, email, create=True)
    await laptop.sign_in(backend.base_url, email)
    await settle(desk, laptop)
    for device in (desk, laptop):
        assert len(device.write(executions.all_executions)) == 20
    assert desk.contents() == laptop.contents()


async def test_records_of_a_table_from_a_newer_app_wait_and_are_said(backend, devices, unique, http) -> None:
    desk = devices("desk")
    email = f"newer-{unique}@example.com"
    await desk.sign_in(backend.base_url, email, create=True)
    signed = http.post("/v1/accounts/sign-in", json={"email": email, "password": "correct horse battery",
                                                     "device_name": "next-version"}).json()
    newer = {"table": "playbooks", "id": "p1", "hlc": "001764000000000:000000", "device": "zz", "deleted": False,
             "fields": {"name": "Opening drive"}}
    assert http.post("/v1/sync/push", json={"changes": [newer]},
                     headers={"Authorization": f"Bearer {signed['token']}"}).status_code == 200
    status = await desk.round()
    assert "newer version" in status.detail
    assert desk.store.run_sync(lambda s: s.connection().exec_driver_sql(
        "SELECT parked FROM sync_records WHERE table_name = 'playbooks'").scalar_one()) == 1


async def test_the_same_trigger_recorded_on_both_devices_is_one_event(backend, devices, unique) -> None:
    email = f"triggers-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    made = desk.write(lambda s: alerts.create(s, "SPY", "above", 601.0, repeat=True, now=AT))
    await settle(desk, laptop)
    there = laptop.write(alerts.list_alerts)[0]
    tick = AT + timedelta(minutes=3)  # both engines saw the same tick cross the level
    desk.write(lambda s: alerts.record_trigger(s, made.id, 601.25, tick))
    laptop.write(lambda s: alerts.record_trigger(s, there.id, 601.25, tick))
    laptop.write(lambda s: alerts.record_trigger(s, there.id, 602.0, tick + timedelta(minutes=1)))
    await settle(desk, laptop)
    for device in (desk, laptop):
        assert sorted(t.price for t in device.write(alerts.triggers)) == [601.25, 602.0]
    assert desk.contents() == laptop.contents()


@pytest.mark.parametrize("renamed_first", [True, False])
async def test_a_list_renamed_onto_a_name_made_elsewhere_keeps_both_lists_on_both_devices(
        backend, devices, unique, renamed_first: bool) -> None:
    desk, laptop = await signed_pair(devices, backend.base_url, f"rename-{unique}@example.com")
    swing = desk.write(lambda s: wl.create_watchlist(s, "Swing"))
    desk.write(lambda s: wl.add_symbol(s, swing.id, "AAPL"))
    await settle(desk, laptop)
    steps = [lambda: desk.write(lambda s: wl.rename_watchlist(s, swing.id, "Momentum")),
             lambda: laptop.write(lambda s: wl.add_symbol(s, wl.create_watchlist(s, "Momentum").id, "NVDA"))]
    for step in steps:  # neither device sees the other's before the rounds
        step()
    # a write is stamped when its device's round notes it: the one whose round comes first named it first
    await settle(*((desk, laptop) if renamed_first else (laptop, desk)))
    assert desk.contents() == laptop.contents()
    lists = {w.name: w.symbols for w in desk.write(wl.list_watchlists)}
    first, second = (("AAPL",), ("NVDA",)) if renamed_first else (("NVDA",), ("AAPL",))
    assert lists["Momentum"] == first and lists["Momentum (2)"] == second  # the earlier name write keeps it
    assert not desk.sync.status.detail and not laptop.sync.status.detail  # nothing left waiting
