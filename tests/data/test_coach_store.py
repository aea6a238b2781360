"""The coach's conversations in the store: CRUD, newest first, messages with their tool calls,
cards and grounding read back whole, a delete takes the messages with it, symbols once a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from data.coach import Card, CardAction, Grounding, ToolCallRecord
from data.store import coach as repo
from data.store.database import Store
from data.store.schema import CoachMessageRow

T0 = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path)
    yield s
    s.close()


def _call() -> ToolCallRecord:
    card = Card("gex", "SPX gamma exposure", (("Net GEX", "$1.5B"), ("Flip", "6,580.00")),
                (CardAction("Show on chart", "chart_levels", {"symbol": "SPX", "levels": [6580.0, 6600.0]}),))
    return ToolCallRecord("call_1", "get_gamma_exposure", {"symbol": "SPX"}, {"net_gex": 1.5e9, "flip": 6580.0}, card)


def test_conversations_are_made_renamed_listed_newest_first_and_deleted_with_their_messages(store):
    a = store.run_sync(lambda s: repo.new_conversation(s, "SPX gamma", T0))
    b = store.run_sync(lambda s: repo.new_conversation(s, "  ", T0 + timedelta(minutes=1)))
    assert b.title == "New conversation"
    assert [c.id for c in store.run_sync(repo.conversations)] == [b.id, a.id]
    store.run_sync(lambda s: repo.add_message(s, a.id, "user", "gex SPX", T0 + timedelta(minutes=2)))
    assert [c.id for c in store.run_sync(repo.conversations)] == [a.id, b.id]  # spoken to last
    assert store.run_sync(lambda s: repo.rename(s, b.id, "Earnings week")).title == "Earnings week"
    assert store.run_sync(lambda s: repo.rename(s, b.id, " ")).title == "Earnings week"
    assert store.run_sync(lambda s: repo.rename(s, 999, "x")) is None
    store.run_sync(lambda s: repo.add_message(s, a.id, "assistant", "Net GEX is $1.5B", T0 + timedelta(minutes=3),
                                              (_call(),)))
    assert store.run_sync(lambda s: repo.delete(s, a.id)) is True
    assert store.run_sync(lambda s: repo.delete(s, a.id)) is False
    assert [c.id for c in store.run_sync(repo.conversations)] == [b.id]
    assert store.run_sync(lambda s: s.query(CoachMessageRow).count()) == 0
    with pytest.raises(KeyError):
        store.run_sync(lambda s: repo.add_message(s, a.id, "user", "again", T0))


def test_a_reply_reads_back_with_its_tool_calls_cards_and_grounding(store):
    c = store.run_sync(lambda s: repo.new_conversation(s, "x", T0))
    grounding = Grounding(2, ("42%",), "Net GEX is $1.5B and ⟦42%⟧ used")
    store.run_sync(lambda s: repo.add_message(s, c.id, "user", "gex SPX", T0))
    stored = store.run_sync(lambda s: repo.add_message(s, c.id, "assistant", "Net GEX is $1.5B and 42% used",
                                                       T0 + timedelta(seconds=1), (_call(),), grounding))
    back = store.run_sync(lambda s: repo.messages(s, c.id))
    assert [m.role for m in back] == ["user", "assistant"]
    assert back[1] == stored
    assert back[1].tool_calls == (_call(),) and back[1].grounding == grounding
    assert back[0].tool_calls == () and back[0].grounding is None
    assert repo.tool_calls_from_json(repo.tool_calls_to_json((_call(),))) == (_call(),)


def test_symbols_discussed_are_kept_once_a_day_in_first_discussed_order(store):
    c = store.run_sync(lambda s: repo.new_conversation(s, "x", T0))
    day = date(2026, 11, 30)
    store.run_sync(lambda s: repo.record_symbols(s, day, ["SPX", "AAPL", "SPX"], c.id, T0))
    store.run_sync(lambda s: repo.record_symbols(s, day, ["NVDA", "SPX"], c.id, T0 + timedelta(minutes=5)))
    store.run_sync(lambda s: repo.record_symbols(s, date(2026, 12, 1), ["QQQ"], c.id, T0 + timedelta(days=1)))
    assert store.run_sync(lambda s: repo.symbols_of(s, day)) == ["AAPL", "SPX", "NVDA"]  # (a tie: by name)
    assert store.run_sync(lambda s: repo.symbols_of(s, date(2026, 12, 1))) == ["QQQ"]
    store.run_sync(lambda s: repo.delete(s, c.id))
    assert "NVDA" in store.run_sync(lambda s: repo.symbols_of(s, day))  # a fact of that day
