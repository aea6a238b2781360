"""Changes that once held sync up: text with a NUL character, a conflict on a record with a long
id, two devices' records of one trigger, a change without a clock stamp. Applied directly (no
server), as in test_sync_merge."""

from __future__ import annotations

from pathlib import Path

from data.sync import merge, state
from tests.data.test_sync_merge import _apply, _complete, _fresh, _stamp


def _alert(record_id: str = "a-1") -> dict:
    return _complete({"table": "alerts", "id": record_id, "device": "aa", "hlc": _stamp(1, 0), "deleted": False,
                      "fields": {}})


def _scalar(store, sql: str):
    return store.run_sync(lambda s: s.connection().exec_driver_sql(sql).scalar_one())


def test_text_with_a_nul_travels_tagged_and_comes_back_as_the_same_text() -> None:
    text = "entry\x00 after a NUL"
    tagged = state.encode(text)
    assert isinstance(tagged, dict) and "\x00" not in str(tagged)  # PostgreSQL's JSONB refuses NUL
    assert state.decode(tagged) == text
    assert state.encode("plain") == "plain" and state.decode("plain") == "plain"


def test_a_conflict_on_a_long_record_id_gets_an_id_the_server_takes(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "one")
    try:
        trade = "thinkorswim:" + "0123456789abcdef" * 8  # a broker's long trade id
        record_id = f'["{trade}"]'
        mine = _complete({"table": "trade_notes", "id": record_id, "device": "aa", "hlc": _stamp(2, 0),
                          "deleted": False, "fields": {"notes": "desk", "setup": "ORB"}})
        theirs = {**mine, "hlc": _stamp(1, 0), "device": "bb", "fields": {"notes": "laptop"}}
        _apply(store, [mine, theirs])
        ids = store.run_sync(lambda s: [r[0] for r in s.connection().exec_driver_sql(
            "SELECT record_id FROM sync_ids WHERE table_name = 'sync_conflicts'")])
        assert len(ids) == 1 and len(ids[0]) <= merge.MAX_RECORD_ID and ids[0].startswith("sha256:")
    finally:
        store.close()


def test_two_devices_records_of_one_trigger_settle_without_a_conflict(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "one")
    try:
        desk = {"table": "alert_triggers", "id": "a-1|t", "device": "aa", "hlc": _stamp(2, 0), "deleted": False,
                "fields": {"alert_id": "a-1", "price": 600.01, "triggered_at": "2026-11-30 15:00:00.000000"}}
        laptop = {**desk, "device": "bb", "hlc": _stamp(3, 0), "fields": {**desk["fields"], "price": 600.02}}
        _apply(store, [_alert(), laptop, desk])  # the older one second: it loses, and says nothing
        assert _scalar(store, "SELECT count(*) FROM alert_triggers") == 1
        assert _scalar(store, "SELECT price FROM alert_triggers") == 600.02  # the later record, on every device
        assert _scalar(store, "SELECT count(*) FROM sync_conflicts") == 0
    finally:
        store.close()


def test_a_change_without_a_clock_stamp_is_ignored_and_the_rest_applied(tmp_path: Path) -> None:
    store = _fresh(tmp_path, "one")
    try:
        bad = {**_alert("a-2"), "hlc": "0000000000001-0000-x"}
        _apply(store, [bad, _alert()])
        assert _scalar(store, "SELECT count(*) FROM alerts") == 1
    finally:
        store.close()
