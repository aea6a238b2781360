"""Positions in the store: opened from fills, changed only by events, closed when no leg is left."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from data.store import positions as repo
from data.store.database import Store
from data.store.records import LegFill, LegRecord

T0 = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
EXP = date(2026, 12, 18)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def _contract(symbol: str, is_call: bool, strike: float) -> LegRecord:
    return LegRecord("option", symbol, "SPX", 0, 0.0, EXP, is_call, strike, 100)


def _condor_fills() -> list[LegFill]:
    legs = [("SPXW261218P06500000", False, 6500, 1, 4.10), ("SPXW261218P06550000", False, 6550, -1, 6.30),
            ("SPXW261218C07000000", True, 7000, -1, 5.90), ("SPXW261218C07050000", True, 7050, 1, 3.80)]
    return [LegFill(s, q, p, 0.65, _contract(s, c, k)) for s, c, k, q, p in legs]


def test_an_opened_condor_reads_back_with_its_credit_as_cash_in(store):
    opened = store.run_sync(lambda s: repo.open_position(s, underlying="SPX", strategy="iron condor",
                                                         fills=_condor_fills(), at=T0, source="chain"))
    assert opened.status == "open" and len(opened.legs) == 4 and opened.events[0].kind == "opened"
    assert opened.events[0].cash == pytest.approx((6.30 + 5.90 - 4.10 - 3.80) * 100 - 4 * 0.65)
    assert {leg.symbol: leg.quantity for leg in opened.legs}["SPXW261218P06550000"] == -1
    back = store.run_sync(lambda s: repo.get_position(s, opened.id))
    assert back == opened and back.events[0].fills[0].leg.expiry == EXP


def test_adding_averages_reducing_keeps_the_price_and_zero_closes(store):
    call = "SPY261218C00600000"
    leg = LegRecord("option", call, "SPY", 0, 0.0, EXP, True, 600.0, 100)
    p = store.run_sync(lambda s: repo.open_position(s, underlying="SPY", strategy="long call",
                                                    fills=[LegFill(call, 2, 3.00, 1.3, leg)], at=T0))
    added = store.run_sync(lambda s: repo.apply_fills(s, p.id, "adjusted", [LegFill(call, 2, 5.00)], T0))
    assert added.legs[0].quantity == 4 and added.legs[0].open_price == pytest.approx(4.00)
    part = store.run_sync(lambda s: repo.apply_fills(s, p.id, "partly_closed", [LegFill(call, -1, 6.00)], T0))
    assert part.legs[0].quantity == 3 and part.legs[0].open_price == pytest.approx(4.00)
    with pytest.raises(repo.PositionError, match="more than the 3 open"):
        store.run_sync(lambda s: repo.apply_fills(s, p.id, "closed", [LegFill(call, -5, 6.00)], T0))
    closed = store.run_sync(lambda s: repo.apply_fills(s, p.id, "closed", [LegFill(call, -3, 7.00, 0.65)],
                                                       T0 + timedelta(hours=1)))
    assert closed.status == "closed" and closed.legs == () and closed.closed_at == T0 + timedelta(hours=1)
    assert closed.realized == pytest.approx(-601.3 - 1000 + 600 + 2100 - 0.65)
    with pytest.raises(repo.PositionError, match="is closed"):
        store.run_sync(lambda s: repo.apply_fills(s, p.id, "adjusted", [LegFill(call, 1, 1.0)], T0))


def test_a_roll_closes_and_opens_in_one_event_and_a_bad_fill_stores_nothing(store):
    fills = _condor_fills()
    p = store.run_sync(lambda s: repo.open_position(s, underlying="SPX", strategy="iron condor", fills=fills, at=T0))
    new_call = _contract("SPXW261218C07100000", True, 7100)
    with pytest.raises(repo.PositionError, match="not a leg"):
        store.run_sync(lambda s: repo.apply_fills(s, p.id, "rolled", [LegFill("SPXW261218C07000000", 1, 9.0),
                                                                     LegFill("SPXW999999C00000001", -1, 2.0)], T0))
    assert len(store.run_sync(lambda s: repo.get_position(s, p.id)).events) == 1  # nothing of it stored
    rolled = store.run_sync(lambda s: repo.apply_fills(
        s, p.id, "rolled", [LegFill("SPXW261218C07000000", 1, 9.0), LegFill(new_call.symbol, -1, 4.0, 0, new_call)],
        T0, reason="rolled the tested call up"))
    assert {leg.symbol for leg in rolled.legs} >= {"SPXW261218C07100000"}
    assert "SPXW261218C07000000" not in {leg.symbol for leg in rolled.legs}
    assert rolled.events[-1].kind == "rolled" and rolled.events[-1].cash == pytest.approx(-500.0)


def test_stop_and_notes_are_events_too(store):
    p = store.run_sync(lambda s: repo.open_position(s, underlying="SPX", strategy="iron condor",
                                                    fills=_condor_fills(), at=T0))
    stopped = store.run_sync(lambda s: repo.set_stop(s, p.id, 6520.0, T0))
    noted = store.run_sync(lambda s: repo.add_note(s, p.id, "wings wide enough?", T0))
    assert stopped.stop_level == 6520.0 and [e.kind for e in noted.events] == ["opened", "stop_set", "noted"]
    with pytest.raises(repo.PositionError, match="positive price"):
        store.run_sync(lambda s: repo.set_stop(s, p.id, -1.0, T0))
    assert [x.id for x in store.run_sync(lambda s: repo.list_positions(s, "open"))] == [p.id]
