"""Signing in again to the same account — after a sign-out, a revoked token, a keychain that lost
the sign-in — resumes from the kept bookkeeping: nothing is duplicated, and what changed while
signed out (edits, new and deleted rows) reaches the other devices."""

from __future__ import annotations

from datetime import UTC, datetime

from data.store import alerts
from data.store import watchlists as wl
from tests.server.sync.devices import PASSWORD, settle, signed_pair

AT = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


async def test_signing_out_and_in_again_duplicates_nothing_and_sends_what_changed_meanwhile(
        backend, devices, unique) -> None:
    email = f"again-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    kept = desk.write(lambda s: alerts.create(s, "SPY", "above", 600.0, now=AT))
    gone = desk.write(lambda s: alerts.create(s, "QQQ", "below", 500.0, now=AT))
    desk.write(lambda s: wl.create_watchlist(s, "Swing"))
    await settle(desk, laptop)

    await desk.sync.sign_out()
    desk.write(lambda s: alerts.update(s, kept.id, price=605.0))  # while signed out: edited,
    desk.write(lambda s: alerts.delete(s, gone.id))  # deleted,
    desk.write(lambda s: alerts.create(s, "IWM", "above", 230.0, now=AT))  # made (it may reuse gone's row id)
    await desk.sign_in(backend.base_url, email)
    await settle(desk, laptop)

    same = desk.contents()
    assert same == laptop.contents()
    by_symbol = {a.symbol: a.price for a in laptop.write(alerts.list_alerts)}
    assert by_symbol == {"SPY": 605.0, "IWM": 230.0}
    assert [w.name for w in laptop.write(wl.list_watchlists)].count("Swing") == 1


async def test_a_revoked_device_signed_in_again_keeps_its_unsent_edit(backend, devices, unique) -> None:
    email = f"revoked-again-{unique}@example.com"
    desk, laptop = await signed_pair(devices, backend.base_url, email)
    desk.write(lambda s: alerts.create(s, "SPY", "above", 600.0, now=AT))
    await settle(desk, laptop)
    laptop_alert = laptop.write(alerts.list_alerts)[0]
    victim = next(d for d in await desk.sync.devices() if d.name == "laptop")
    await desk.sync.revoke(victim.id)  # a scare: the laptop's token is revoked…
    laptop.write(lambda s: alerts.update(s, laptop_alert.id, price=650.0))  # …while it holds an unsent edit
    assert (await laptop.sync.sync_now()).state == "error"
    await laptop.sync.sign_in(backend.base_url, email, PASSWORD)  # as the status bar says
    await settle(laptop, desk)
    assert [a.price for a in desk.write(alerts.list_alerts)] == [650.0]
    assert desk.contents() == laptop.contents()


async def test_signing_in_to_another_account_starts_afresh(backend, devices, unique) -> None:
    desk, laptop = await signed_pair(devices, backend.base_url, f"first-{unique}@example.com")
    desk.write(lambda s: alerts.create(s, "SPY", "above", 600.0, now=AT))
    await settle(desk, laptop)
    await laptop.sync.sign_out()
    other = devices("other")
    await other.sign_in(backend.base_url, f"second-{unique}@example.com", create=True)
    await laptop.sign_in(backend.base_url, f"second-{unique}@example.com")
    await settle(laptop, other)
    assert [a.symbol for a in other.write(alerts.list_alerts)] == ["SPY"]  # the laptop's data, merged in
    assert other.contents() == laptop.contents()
