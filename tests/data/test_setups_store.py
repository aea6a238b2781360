"""Detections and tracked setups in the store: saved once, transitions compare-and-set, cascade."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from data.store import setups as repo
from data.store.database import Store
from data.store.records import DetectionRecord

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def _detection(**changes) -> DetectionRecord:
    fields = dict(id=0, symbol="SPY", detector="opening_range_breakout", direction="long", decided_at=T0,
                  entry=600.5, stop=599.0, targets=(602.0, 603.5), confidence=0.62,
                  parts=(("volume", 0.8, 0.4), ("strength", 0.5, 0.3), ("time", 0.5, 0.3)),
                  evidence="SPY closed above its range.", levels={"or_high": 600.2}, hit_cases=41, hit_hits=22,
                  recorded_at=T0)
    return DetectionRecord(**(fields | changes))


def test_a_detection_is_stored_once_per_bar_and_reads_back_whole(store):
    first = store.run_sync(lambda s: repo.save_detections(s, [_detection()], T0))
    again = store.run_sync(lambda s: repo.save_detections(s, [_detection(), _detection(direction="short")], T0))
    assert len(first) == 1 and [d.direction for d in again] == ["long", "short"]
    assert again[0].id == first[0].id
    back = store.run_sync(lambda s: repo.recent_detections(s, symbol="SPY"))
    assert len(back) == 2
    stored = next(d for d in back if d.direction == "long")
    assert stored == _detection(id=first[0].id)


def _setup(s, **changes):
    fields = dict(symbol="spy", detector="manual", direction="long", entry=600.0, stop=598.0, targets=(604.0,),
                  reference=599.0, source="chart", session_day=date(2026, 11, 30), now=T0)
    return repo.create_setup(s, **(fields | changes))


def test_a_transition_is_stored_once_with_its_price_and_time(store):
    setup = store.run_sync(_setup)
    assert setup.symbol == "SPY" and setup.status == "active" and [e.status for e in setup.events] == ["active"]
    later = T0 + timedelta(minutes=3)
    moved = store.run_sync(lambda s: repo.move(s, setup.id, "active", "triggered", 600.02, later, "entry reached"))
    twice = store.run_sync(lambda s: repo.move(s, setup.id, "active", "triggered", 600.05, later, "entry reached"))
    assert moved is not None and moved.status == "triggered" and twice is None
    event = moved.events[-1]
    assert (event.status, event.price, event.at) == ("triggered", 600.02, later)
    assert len(store.run_sync(lambda s: repo.get_setup(s, setup.id)).events) == 2


def test_notes_listing_and_delete_cascade(store):
    setup = store.run_sync(_setup)
    noted = store.run_sync(lambda s: repo.add_note(s, setup.id, "  waited for the retest ", T0))
    assert noted.notes == "waited for the retest" and noted.events[-1].status == "noted"
    with pytest.raises(repo.SetupError, match="needs some text"):
        store.run_sync(lambda s: repo.add_note(s, setup.id, "   ", T0))
    assert [x.id for x in store.run_sync(lambda s: repo.list_setups(s, ("active",)))] == [setup.id]
    assert store.run_sync(lambda s: repo.list_setups(s, ("triggered",))) == []
    store.run_sync(lambda s: repo.delete_setup(s, setup.id))
    with pytest.raises(repo.SetupError, match="no longer exists"):
        store.run_sync(lambda s: repo.get_setup(s, setup.id))
    assert store.run_sync(lambda s: s.execute(repo.select(repo.SetupEventRow)).all()) == []


def test_last_auto_tracked_reads_only_auto_setups(store):
    store.run_sync(lambda s: _setup(s, source="chart"))
    assert store.run_sync(lambda s: repo.last_auto_tracked(s, "SPY")) is None
    store.run_sync(lambda s: _setup(s, source="auto", now=T0 + timedelta(minutes=1)))
    assert store.run_sync(lambda s: repo.last_auto_tracked(s, "SPY")) == T0 + timedelta(minutes=1)
