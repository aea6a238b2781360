"""The coach's plain records: conversations, messages, the tool calls a reply made (with the card
each result renders as, and its actions) and the grounding check of its numbers. They live below
both the engine that makes them (``app.core.coach``) and the widgets that show them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class CardAction:
    """A button on a card; it takes effect only when the trader clicks it."""

    label: str  # "Show on chart"
    kind: str  # show_on_chart / chart_levels / open_chain / set_alert / track_setup / show_position / show_trades
    params: dict[str, Any] = field(default_factory=dict)  # JSON-able, e.g. {"symbol": "SPX", "price": 6600.0}


@dataclass(frozen=True, slots=True)
class Card:
    """A tool result as the panel shows it."""

    kind: str  # gex / zero_dte / iv / earnings / position_advice / journal_insights / levels / scan / macro /
    #            quote / bars / action / help / error
    title: str
    lines: tuple[tuple[str, str], ...] = ()  # (label, value as the app writes it)
    actions: tuple[CardAction, ...] = ()


@dataclass(frozen=True, slots=True)
class ToolCallRecord:
    id: str  # the model's call id ("" in command mode)
    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]  # the compact JSON the model read (``{"error": …}`` when the call failed)
    card: Card | None = None
    error: str = ""  # in plain words


@dataclass(frozen=True, slots=True)
class Grounding:
    numbers: int  # numbers found in the reply
    ungrounded: tuple[str, ...]  # those found in no tool result nor the question, as written
    marked: str  # the reply with each ungrounded number marked


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int
    title: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CoachMessage:
    id: int
    conversation_id: int
    role: str  # user / assistant
    content: str
    created_at: datetime
    tool_calls: tuple[ToolCallRecord, ...] = ()
    grounding: Grounding | None = None
