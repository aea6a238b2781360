"""The merge is deterministic: the same changes applied in any order (and any of them twice) leave
every store with the same rows and the same merged records — per field the newest write by
(stamp, node), a delete only while newer than every write, children that arrive before their
parent parked and then written. No server here: changes are made up and applied directly."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.store.database import Store
from data.store.fast_read import DB_FILENAME
from data.sync import account, capture, hlc, merge, state
from data.sync.tables import BY_NAME
from tests.server.sync.devices import contents

NODES = ("aa", "bb", "cc")
NOTE_IDS = ('["T1"]', '["T2"]')
ALERT_IDS = ("alert-1", "alert-2")


def _stamp(ms: int, counter: int) -> str:
    return hlc.format_stamp(1_764_000_000_000 + ms, counter)


notes = st.fixed_dictionaries({
    "table": st.just("trade_notes"), "id": st.sampled_from(NOTE_IDS), "device": st.sampled_from(NODES),
    "hlc": st.builds(_stamp, st.integers(0, 5), st.integers(0, 2)), "deleted": st.booleans(),
    "fields": st.dictionaries(st.sampled_from(["notes", "setup", "rating"]), st.integers(1, 5), min_size=0),
})
alerts = st.fixed_dictionaries({
    "table": st.just("alerts"), "id": st.sampled_from(ALERT_IDS), "device": st.sampled_from(NODES),
    "hlc": st.builds(_stamp, st.integers(0, 5), st.integers(0, 2)), "deleted": st.booleans(),
    "fields": st.dictionaries(st.sampled_from(["price", "status", "notes"]), st.integers(1, 9), min_size=0),
})
# a child names its parent when it is made and never moves (the app has no such edit)
triggers = st.sampled_from((("trig-1", "alert-1"), ("trig-2", "alert-2"))).flatmap(lambda ids: st.fixed_dictionaries({
    "table": st.just("alert_triggers"), "id": st.just(ids[0]), "device": st.sampled_from(NODES),
    "hlc": st.builds(_stamp, st.integers(0, 5), st.integers(0, 2)), "deleted": st.just(False),
    "fields": st.fixed_dictionaries({"alert_id": st.just(ids[1]), "price": st.integers(1, 9),
                                     "triggered_at": st.just("2026-11-30 15:00:00.000000")}),
}))


def _complete(change: dict) -> dict:
    """A first write carries every column: give each made-up change the rest (as an insert would)."""
    base = {"trade_notes": {"trade_id": json.loads(change["id"])[0] if change["table"] == "trade_notes" else "",
                            "setup": "", "tags": "[]", "mistakes": "[]", "rating": None, "notes": "",
                            "planned_stop": None, "planned_target": None, "updated_at": "2026-11-30 15:00:00.000000"},
            "alerts": {"symbol": "SPY", "condition": "above", "price": 1.0, "repeat": 0, "status": "active",
                       "source": "panel", "notes": "", "created_at": "2026-11-30 15:00:00.000000",
                       "triggered_at": None}}
    fields = {k: (str(v) if k in ("notes", "setup", "status") else v) for k, v in change["fields"].items()}
    if change["table"] in base and not change["deleted"] and len(fields) % 2 == 0:
        fields = {**base[change["table"]], **fields}
    return {**change, "fields": fields}


def _apply(store: Store, changes: list[dict]) -> None:
    def run(session) -> None:
        conn = session.connection()
        ctx = merge.MergeContext("me", hlc.HybridClock(), "", {})
        merge.apply_batch(conn, ctx, changes)
    store.run_sync(run)


def _state(store: Store) -> tuple:
    def read(session):
        conn = session.connection()
        records = conn.exec_driver_sql("SELECT table_name, record_id, fields, deleted FROM sync_records "
                                       "WHERE table_name <> 'sync_conflicts' ORDER BY 1, 2").fetchall()
        return contents(conn), [tuple(r) for r in records]
    snapshot, records = store.run_sync(read)
    snapshot.pop("sync_conflicts")
    return snapshot, records


_TEMPLATE: list[Path] = []


def _fresh(root: Path, name: str) -> Store:
    """A signed-in store (copied from one made once: migrations take most of a new store's time)."""
    if not _TEMPLATE:
        made = Path(tempfile.mkdtemp(prefix="sync-template-"))
        store = Store.open(made)
        store.run_sync(lambda s: account.begin(s.connection(), "me", "http://127.0.0.1:9", "me@example.com", 1, 1))
        store.close()
        _TEMPLATE.append(made / DB_FILENAME)
    (root / name).mkdir()
    shutil.copyfile(_TEMPLATE[0], root / name / DB_FILENAME)
    return Store.open(root / name)


def _unique_writes(changes: list[dict]) -> list[dict]:
    """One change per (stamp, node): a stamp names one write (two different ones never share it)."""
    seen, out = set(), []
    for change in changes:
        if (change["hlc"], change["device"]) not in seen:
            seen.add((change["hlc"], change["device"]))
            out.append(change)
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(notes, alerts, triggers), min_size=1, max_size=14), st.randoms(use_true_random=False))
def test_any_order_and_repeats_give_the_same_stores(changes, rng: random.Random) -> None:
    changes = [_complete(c) for c in _unique_writes(changes)]
    shuffled = changes[:]
    rng.shuffle(shuffled)
    again = shuffled + rng.sample(changes, k=min(3, len(changes)))  # a resent page applies twice
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        first, second = _fresh(root, "a"), _fresh(root, "b")
        try:
            _apply(first, changes)
            for change in again:  # one at a time: every arrival order is a page boundary
                _apply(second, [change])
            assert _state(first) == _state(second)
        finally:
            first.close()
            second.close()


def test_a_field_keeps_the_newest_write_and_a_later_edit_brings_a_deleted_record_back(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "one")
    try:
        full = _complete({"table": "trade_notes", "id": '["T1"]', "device": "aa", "hlc": _stamp(1, 0),
                          "deleted": False, "fields": {"notes": 1, "setup": 2}})
        older = {**full, "hlc": _stamp(0, 0), "device": "bb", "fields": {"notes": "older"}}
        gone = {**full, "hlc": _stamp(2, 0), "device": "bb", "deleted": True, "fields": {}}
        back = {**full, "hlc": _stamp(3, 0), "device": "cc", "fields": {"setup": "revived"}}
        _apply(store, [full, older])
        assert store.run_sync(lambda s: s.connection().exec_driver_sql(
            "SELECT notes FROM trade_notes").scalar_one()) == "1"
        _apply(store, [gone])
        assert not store.run_sync(lambda s: s.connection().exec_driver_sql("SELECT count(*) FROM trade_notes")
                                  .scalar_one())
        _apply(store, [back])
        row = store.run_sync(lambda s: s.connection().exec_driver_sql("SELECT notes, setup FROM trade_notes")
                             .fetchone())
        assert tuple(row) == ("1", "revived")  # the merged state came back, with the newer edit
    finally:
        store.close()


def test_a_child_before_its_parent_is_parked_then_written(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "one")
    try:
        trigger = {"table": "alert_triggers", "id": "t-1", "device": "aa", "hlc": _stamp(2, 0), "deleted": False,
                   "fields": {"alert_id": "a-1", "price": 5.0, "triggered_at": "2026-11-30 15:00:00.000000"}}
        alert = _complete({"table": "alerts", "id": "a-1", "device": "aa", "hlc": _stamp(1, 0), "deleted": False,
                           "fields": {}})
        _apply(store, [trigger])
        parked = store.run_sync(lambda s: state.load_record(s.connection(), "alert_triggers", "t-1")).parked
        assert parked
        _apply(store, [alert])
        assert store.run_sync(lambda s: s.connection().exec_driver_sql(
            "SELECT count(*) FROM alert_triggers").scalar_one()) == 1
    finally:
        store.close()


def test_local_writes_are_captured_in_their_own_transaction_and_not_while_applying(tmp_path: Path) -> None:
    from data.store import alerts as alert_repo

    store = _fresh(tmp_path, "one")
    try:
        store.run_sync(lambda s: alert_repo.create(s, "SPY", "above", 600.0))
        noted = store.run_sync(lambda s: s.connection().exec_driver_sql("SELECT op FROM sync_outbox").fetchall())
        assert [tuple(r) for r in noted] == [("i",)]
        with pytest.raises(ZeroDivisionError):  # the transaction of a write that fails
            store.run_sync(lambda s: (alert_repo.create(s, "QQQ", "above", 500.0), 1 / 0))
        assert store.run_sync(lambda s: s.connection().exec_driver_sql("SELECT count(*) FROM sync_outbox")
                              .scalar_one()) == 1  # the failed write left no note either
        _apply(store, [_complete({"table": "alerts", "id": "remote", "device": "bb", "hlc": _stamp(1, 0),
                                  "deleted": False, "fields": {}})])
        assert store.run_sync(lambda s: s.connection().exec_driver_sql("SELECT count(*) FROM sync_outbox")
                              .scalar_one()) == 1  # the applied alert is not sent back
        clock = hlc.HybridClock()
        taken = store.run_sync(lambda s: capture.capture(s.connection(), "me", clock))
        assert taken == 1 and BY_NAME["alerts"].mapped
    finally:
        store.close()


def test_a_record_back_after_a_delete_brings_its_children_back(tmp_path: Path) -> None:
    """Deleting the alert's row deleted its trigger's too (cascade); the alert edited again after
    the delete comes back, and so does the trigger, whatever the pages were (found by the test above)."""
    store = _fresh(tmp_path, "one")
    try:
        trigger = {"table": "alert_triggers", "id": "trig-1", "device": "aa", "hlc": _stamp(0, 1), "deleted": False,
                   "fields": {"alert_id": "alert-1", "price": 1, "triggered_at": "2026-11-30 15:00:00.000000"}}
        made = _complete({"table": "alerts", "id": "alert-1", "device": "aa", "hlc": _stamp(0, 0), "deleted": False,
                          "fields": {}})
        gone = {**made, "hlc": _stamp(1, 0), "deleted": True, "fields": {}}
        back = _complete({**gone, "hlc": _stamp(1, 1), "deleted": False})  # an edit after the delete
        for change in (trigger, made, gone):
            _apply(store, [change])
        assert _rows(store, "alert_triggers") == 0
        _apply(store, [back])
        assert _rows(store, "alert_triggers") == 1
    finally:
        store.close()


def _rows(store: Store, table: str) -> int:
    return store.run_sync(lambda s: s.connection().exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one())
