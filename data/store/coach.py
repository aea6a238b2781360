"""The coach's conversations: their messages (each reply's tool calls, with cards, and grounding
check stored as JSON text) and the symbols discussed per market date (the journal's drafts read
them). Deleting a conversation deletes its messages; the symbols discussed on a day stay (a fact
of that day, as a journal note would be)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete as sql_delete
from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from data.coach import Card, CardAction, CoachMessage, Conversation, Grounding, ToolCallRecord
from data.store.schema import CoachConversationRow, CoachMessageRow, CoachSymbolRow

TITLE_MAX = 200


# -- JSON forms of the records --------------------------------------------------------------------
def card_to_json(card: Card) -> dict[str, Any]:
    return {"kind": card.kind, "title": card.title, "lines": [list(line) for line in card.lines],
            "actions": [{"label": a.label, "kind": a.kind, "params": dict(a.params)} for a in card.actions]}


def card_from_json(data: dict[str, Any]) -> Card:
    return Card(str(data.get("kind", "")), str(data.get("title", "")),
                tuple((str(k), str(v)) for k, v in data.get("lines", ())),
                tuple(CardAction(str(a.get("label", "")), str(a.get("kind", "")), dict(a.get("params") or {}))
                      for a in data.get("actions", ())))


def tool_call_to_json(call: ToolCallRecord) -> dict[str, Any]:
    return {"id": call.id, "name": call.name, "arguments": call.arguments, "result": call.result,
            "card": None if call.card is None else card_to_json(call.card), "error": call.error}


def tool_call_from_json(data: dict[str, Any]) -> ToolCallRecord:
    card = data.get("card")
    return ToolCallRecord(str(data.get("id", "")), str(data.get("name", "")), dict(data.get("arguments") or {}),
                          dict(data.get("result") or {}), None if card is None else card_from_json(card),
                          str(data.get("error", "")))


def tool_calls_to_json(calls: tuple[ToolCallRecord, ...] | list[ToolCallRecord]) -> str:
    return json.dumps([tool_call_to_json(c) for c in calls], default=str)


def tool_calls_from_json(text: str | None) -> tuple[ToolCallRecord, ...]:
    return tuple(tool_call_from_json(d) for d in json.loads(text or "[]"))


def grounding_to_json(grounding: Grounding | None) -> str | None:
    if grounding is None:
        return None
    return json.dumps({"numbers": grounding.numbers, "ungrounded": list(grounding.ungrounded),
                       "marked": grounding.marked})


def grounding_from_json(text: str | None) -> Grounding | None:
    if not text:
        return None
    data = json.loads(text)
    return Grounding(int(data.get("numbers", 0)), tuple(str(u) for u in data.get("ungrounded", ())),
                     str(data.get("marked", "")))


def _conversation(row: CoachConversationRow) -> Conversation:
    return Conversation(row.id, row.title, row.created_at, row.updated_at)


def _message(row: CoachMessageRow) -> CoachMessage:
    return CoachMessage(row.id, row.conversation_id, row.role, row.content, row.created_at,
                        tool_calls_from_json(row.tool_calls), grounding_from_json(row.grounding))


# -- conversations ------------------------------------------------------------------------------
def new_conversation(session: Session, title: str, at: datetime) -> Conversation:
    row = CoachConversationRow(title=title.strip()[:TITLE_MAX] or "New conversation", created_at=at, updated_at=at)
    session.add(row)
    session.flush()
    return _conversation(row)


def get_conversation(session: Session, conversation_id: int) -> Conversation | None:
    row = session.get(CoachConversationRow, conversation_id)
    return None if row is None else _conversation(row)


def rename(session: Session, conversation_id: int, title: str) -> Conversation | None:
    """None when there is no such conversation; a blank title keeps the old one."""
    row = session.get(CoachConversationRow, conversation_id)
    if row is None:
        return None
    if title.strip():
        row.title = title.strip()[:TITLE_MAX]
    session.flush()
    return _conversation(row)


def delete(session: Session, conversation_id: int) -> bool:
    """The conversation and its messages; whether there was one."""
    session.execute(sql_delete(CoachMessageRow).where(CoachMessageRow.conversation_id == conversation_id))
    deleted = session.execute(sql_delete(CoachConversationRow).where(CoachConversationRow.id == conversation_id))
    return bool(deleted.rowcount)


def conversations(session: Session, limit: int = 500) -> list[Conversation]:
    """Newest (last spoken to) first."""
    rows = session.scalars(select(CoachConversationRow)
                           .order_by(CoachConversationRow.updated_at.desc(), CoachConversationRow.id.desc())
                           .limit(limit))
    return [_conversation(r) for r in rows]


# -- messages -----------------------------------------------------------------------------------
def add_message(session: Session, conversation_id: int, role: str, content: str, at: datetime,
                tool_calls: tuple[ToolCallRecord, ...] = (), grounding: Grounding | None = None) -> CoachMessage:
    """Stored, and the conversation's ``updated_at`` moved to ``at``; KeyError without the conversation."""
    conversation = session.get(CoachConversationRow, conversation_id)
    if conversation is None:
        raise KeyError(conversation_id)
    row = CoachMessageRow(conversation_id=conversation_id, role=role, content=content, created_at=at,
                          tool_calls=tool_calls_to_json(tool_calls), grounding=grounding_to_json(grounding))
    session.add(row)
    conversation.updated_at = max(conversation.updated_at, at)
    session.flush()
    return _message(row)


def messages(session: Session, conversation_id: int) -> list[CoachMessage]:
    """Oldest first."""
    rows = session.scalars(select(CoachMessageRow).where(CoachMessageRow.conversation_id == conversation_id)
                           .order_by(CoachMessageRow.created_at, CoachMessageRow.id))
    return [_message(r) for r in rows]


# -- symbols discussed --------------------------------------------------------------------------
def record_symbols(session: Session, day: date, symbols: list[str] | tuple[str, ...], conversation_id: int,
                   at: datetime) -> None:
    """Each symbol once per day (the first conversation and time are kept)."""
    for symbol in dict.fromkeys(symbols):
        session.execute(insert(CoachSymbolRow).values(day=day, symbol=symbol, conversation_id=conversation_id,
                                                      first_at=at).on_conflict_do_nothing())


def symbols_of(session: Session, day: date) -> list[str]:
    """In the order they were first discussed."""
    rows = session.execute(select(CoachSymbolRow.symbol).where(CoachSymbolRow.day == day)
                           .order_by(CoachSymbolRow.first_at, CoachSymbolRow.symbol))
    return [r[0] for r in rows]
