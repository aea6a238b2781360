"""The coach's conversations and one turn of them.

``ask`` stores the trader's message, then answers it: with a model configured (``client_factory``
gives a client), the system prompt, the app's context, the trimmed history and the question go to
the model, which calls the tools (``CoachTools``) as it needs; with none, or one that cannot be
reached or calls no tools, the question is run as a command (``commands.run``: ``gex SPX`` …) with a
note saying so. Every number of the reply is checked against that turn's tool results, the question
and the context (``grounding.check``); the reply is stored with its tool calls and grounding, the
symbols discussed are recorded for the journal's drafts, and ``CoachChanged`` is published.

Errors reach the trader in plain words (``CoachError``), with any secret masked: the API key never
reaches a message, the database or the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from app.core.bus import EventBus
from app.core.coach import commands, grounding, prompt
from app.core.events import CoachChanged
from app.core.logging_setup import redact
from data.coach import CoachMessage, Conversation, ToolCallRecord
from data.llm.client import LlmClient, LlmError, trim_history
from data.market_calendar import market_date
from data.store import coach as repo
from data.store.database import Store
from data.symbols import SymbolError, normalize_symbol

log = logging.getLogger(__name__)
NEW_TITLE = "New conversation"
TITLE_CHARS = 60
# the model cannot be used for this turn: the command mode answers instead
FALLBACK_KINDS = frozenset({"unreachable", "no_tools", "no_model"})
NOTE_NO_MODEL = "No model is configured: answering as commands (help lists them)."
NOTE_UNREACHABLE = "No model is reachable ({why}): answering as commands (help lists them)."
HISTORY_SHARE = 0.6  # of the model's context tokens, for the earlier turns
DEFAULT_CONTEXT_TOKENS = 8000
# upper-case words of a question that are not tickers
NOT_TICKERS = frozenset((
    "AM", "AN", "AND", "ARE", "AS", "AT", "ATM", "ATR", "BE", "BUT", "BY", "CAN", "CPI", "DO", "DTE", "EM", "EMA",
    "ET", "EOD", "ETF", "FOMC", "FOR", "GDP", "GEX", "HOD", "HOW", "IF", "IN", "IS", "IT", "ITM", "IV", "IVR",
    "LOD", "MACD", "ME", "MY", "NFP", "NO", "NOT", "OF", "OK", "ON", "OR", "OTM", "PCE", "PM", "PNL", "PPI", "RSI",
    "SO", "THE", "TO", "UP", "US", "USD", "VWAP", "WE", "WHAT", "WHY", "YES", "YOU", "ZERO"))
TICKER = re.compile(r"(?<![\w$&])([A-Z][A-Z0-9]{1,4}(?:\.[A-Z])?)(?![\w.&])")  # two letters or more


class CoachError(Exception):
    """A turn failed; the message is in plain words for the panel."""


class CoachService:
    name = "coach"

    def __init__(self, store: Store, bus: EventBus, tools, client_factory: Callable[[], LlmClient | None],
                 now: Callable[[], datetime], context: Callable[[], str]) -> None:
        self._store, self._bus, self._tools = store, bus, tools
        self._client_factory, self._now, self._context = client_factory, now, context

    # -- conversations ----------------------------------------------------------------------------
    async def conversations(self) -> list[Conversation]:
        return await self._store.run(repo.conversations)

    async def new(self, title: str = NEW_TITLE) -> Conversation:
        at = self._now()
        conversation = await self._store.run(lambda s: repo.new_conversation(s, title, at))
        self._bus.publish(CoachChanged(conversation.id))
        return conversation

    async def rename(self, conversation_id: int, title: str) -> Conversation | None:
        conversation = await self._store.run(lambda s: repo.rename(s, conversation_id, title))
        if conversation is not None:
            self._bus.publish(CoachChanged(conversation_id))
        return conversation

    async def delete(self, conversation_id: int) -> bool:
        deleted = await self._store.run(lambda s: repo.delete(s, conversation_id))
        if deleted:
            self._bus.publish(CoachChanged(conversation_id))
        return deleted

    async def messages(self, conversation_id: int) -> list[CoachMessage]:
        return await self._store.run(lambda s: repo.messages(s, conversation_id))

    async def discussed(self, day: date) -> list[str]:
        """The symbols discussed with the coach on market date ``day`` (the journal's drafts)."""
        return await self._store.run(lambda s: repo.symbols_of(s, day))

    # -- a turn -----------------------------------------------------------------------------------
    async def ask(self, conversation_id: int, text: str, *, on_text: Callable[[str], None] | None = None,
                  on_tool: Callable[[ToolCallRecord], None] | None = None, cancel=None,
                  context: str | None = None, active_symbol: str | None = None) -> CoachMessage:
        """Answer ``text`` in the conversation (``context``: the app's state as the panel sees it,
        else the service's own; ``active_symbol``: a command's default symbol). ``on_text`` gets
        the reply's pieces as they arrive, ``on_tool`` each tool call once made; ``cancel`` (an
        ``asyncio.Event``) stops the turn, keeping what was said. Returns the stored reply."""
        text = text.strip()
        if not text:
            raise CoachError("Type a question, or a command such as “gex SPX” (“help” lists them).")
        history = await self.messages(conversation_id)
        at = self._now()
        try:
            await self._store.run(lambda s: repo.add_message(s, conversation_id, "user", text, at))
        except KeyError:
            raise CoachError("That conversation was deleted; start a new one.") from None
        if not history:
            await self._title_from(conversation_id, text)
        context_text = self._context() if context is None else context
        reply, records = await self._answer(history, text, context_text, on_text, on_tool, cancel, active_symbol)
        sources = [json.dumps(r.result, default=str) for r in records] + [text, context_text]
        checked = grounding.check(reply, sources)
        done = self._now()
        message = await self._store.run(lambda s: repo.add_message(s, conversation_id, "assistant", reply, done,
                                                                   tuple(records), checked))
        symbols = discussed_symbols(text, records)
        if symbols:
            day = market_date(done)
            await self._store.run(lambda s: repo.record_symbols(s, day, symbols, conversation_id, done))
        self._bus.publish(CoachChanged(conversation_id))
        return message

    async def _answer(self, history: list[CoachMessage], text: str, context_text: str, on_text, on_tool,
                      cancel, active_symbol: str | None) -> tuple[str, list[ToolCallRecord]]:
        try:
            client = await asyncio.to_thread(self._client_factory)  # it may read the keychain, which can block
        except Exception as exc:  # settings that cannot make a client: said, and the commands answer
            log.warning("coach: no client: %s", redact(str(exc)))
            client = None
        if client is None:
            return await self._commands(text, NOTE_NO_MODEL, on_text, on_tool, active_symbol)
        messages = self._messages(client, history, text, context_text)
        try:
            result = await client.turn(messages, self._tools, on_text=on_text or _ignore, on_tool=on_tool or _ignore,
                                       cancel=cancel)
        except LlmError as exc:
            why = plain(exc)
            if getattr(exc, "kind", "") in FALLBACK_KINDS:
                log.info("coach: model not usable (%s); command mode", why)
                return await self._commands(text, NOTE_UNREACHABLE.format(why=why.rstrip(".")), on_text, on_tool,
                                            active_symbol)
            raise CoachError(why) from None
        except CoachError:
            raise
        except Exception as exc:  # the SDK's or a tool's surprise: plain, masked, logged
            log.warning("coach turn failed: %s", redact(f"{type(exc).__name__}: {exc}"))
            raise CoachError(f"The coach could not answer: {plain(exc)}") from None
        finally:
            closing = getattr(client, "aclose", None)
            if closing is not None:
                try:
                    await closing()
                except Exception:  # closing a connection pool is no part of the answer
                    log.debug("coach: closing the client failed", exc_info=True)
        reply = result.reply or ""
        if getattr(result, "cancelled", False):
            reply = (reply + "\n\n*(stopped)*").strip()
        return reply, list(result.tool_calls)

    async def _commands(self, text: str, note: str, on_text, on_tool,
                        active_symbol: str | None) -> tuple[str, list[ToolCallRecord]]:
        reply, records = await commands.run(self._tools, text, active_symbol)
        reply = "  \n".join(reply.splitlines())  # plain lines (the help) kept as lines in markdown
        for record in records:
            if on_tool is not None:
                on_tool(record)
        reply = f"*{note}*\n\n{reply}" if reply else f"*{note}*"
        if on_text is not None:
            on_text(reply)
        return reply, list(records)

    def _messages(self, client, history: list[CoachMessage], text: str, context_text: str) -> list[dict[str, Any]]:
        settings = getattr(client, "settings", None) or getattr(client, "_settings", None)
        budget = int((getattr(settings, "context_tokens", None) or DEFAULT_CONTEXT_TOKENS) * HISTORY_SHARE)
        earlier = [{"role": m.role, "content": m.content} for m in history if m.role in ("user", "assistant")]
        head = [{"role": "system", "content": prompt.SYSTEM_PROMPT}]
        if context_text:
            head.append({"role": "system", "content": context_text})
        return head + trim_history(earlier, budget) + [{"role": "user", "content": text}]

    async def _title_from(self, conversation_id: int, text: str) -> None:
        conversation = await self._store.run(lambda s: repo.get_conversation(s, conversation_id))
        if conversation is not None and conversation.title == NEW_TITLE:
            title = " ".join(text.split())
            title = title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1].rstrip() + "…"
            await self._store.run(lambda s: repo.rename(s, conversation_id, title))


def _ignore(_value: object) -> None:
    pass


def plain(exc: BaseException) -> str:
    """The error in words, secrets masked."""
    return redact(str(exc) or type(exc).__name__)


def discussed_symbols(text: str, records: list[ToolCallRecord]) -> list[str]:
    """Tickers written in the question (upper case, two letters or more, or ``$f``) and the ``symbol`` arguments of the
    tool calls, normalised; words that are not tickers ("IS", "GEX", "IV" …) are left out."""
    found: list[str] = []
    candidates = [m.group(1) for m in TICKER.finditer(text)]
    candidates += [m.group(1).upper() for m in re.finditer(r"\$([A-Za-z][A-Za-z0-9.]{0,5})\b", text)]
    for record in records:
        for key in ("symbol", "underlying", "ticker"):
            value = record.arguments.get(key)
            if isinstance(value, str):
                candidates.append(value)
        symbols = record.arguments.get("symbols")
        if isinstance(symbols, list):
            candidates += [s for s in symbols if isinstance(s, str)]
    for candidate in candidates:
        if candidate.upper() in NOT_TICKERS:
            continue
        try:
            symbol = normalize_symbol(candidate)
        except SymbolError:
            continue
        if len(symbol) <= 6 and symbol not in found:  # underlyings, not OCC contracts
            found.append(symbol)
    return found


def coach_service(ctx, client_factory: Callable[[], LlmClient | None] = lambda: None) -> CoachService:
    """The service as the engine builds it (``SERVICES``): the tools over the engine's services on
    the market clock of the provider of the moment; the context is the workspace's active symbol,
    watchlist and the tracker's open positions."""
    from app.core.coach.tools import CoachTools
    from app.core.positions.tracker import PositionTrackerService

    def now() -> datetime:
        return ctx.current().clock.now()

    def context() -> str:
        workspace = ctx.workspace
        try:
            views = ctx.service(PositionTrackerService).views
        except LookupError:
            views = ()
        return prompt.context_message(workspace.active_symbol, workspace.active_watchlist.symbols,
                                      prompt.positions_summary(views))

    tools = CoachTools(ctx.service, now, provider=lambda: ctx.current().provider, calendar=ctx.calendar)
    return CoachService(ctx.store, ctx.bus, tools, client_factory, now, context)
