"""The coach's turns with a fake model and fake tools: a model that calls two tools then answers,
no model (the command mode), an unreachable model (the command mode, said), the grounding check
stored with the reply, the symbols discussed recorded for the day, a cancelled turn, errors in plain
words without the key."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from app.core.bus import EventBus
from app.core.coach.service import CoachError, CoachService, discussed_symbols
from app.core.events import CoachChanged
from data.coach import Card, CardAction, ToolCallRecord
from data.llm.client import LlmError
from data.store.database import Store

NOW = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)  # 10:00 ET, market date 2026-11-30
KEY = "sk-test-SECRET-123456"


class FakeTools:
    """The ToolRunner the client and the command mode call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []

    def schemas(self) -> list[dict]:
        return [{"type": "function", "function": {"name": "get_gamma_exposure", "parameters": {}}}]

    async def call(self, name: str, arguments: str | dict, call_id: str = "") -> ToolCallRecord:
        arguments = json.loads(arguments) if isinstance(arguments, str) else arguments
        self.calls.append((name, arguments))
        symbol = arguments.get("symbol", "SPX")
        if name == "get_gamma_exposure":
            card = Card("gex", f"{symbol} gamma exposure", (("Flip", "6,580.00"),),
                        (CardAction("Show on chart", "chart_levels", {"symbol": symbol}),))
            return ToolCallRecord(call_id, name, arguments, {"symbol": symbol, "net_gex": 1.5e9, "flip": 6580.0}, card)
        return ToolCallRecord(call_id, name, arguments, {"symbol": symbol, "expected_move": 48.25, "used_pct": 31.0})


class FakeClient:
    """Speaks ``LlmClient.turn``: two tool calls, then the reply in pieces (or an error)."""

    settings = SimpleNamespace(context_tokens=4000, api_key=KEY)

    def __init__(self, pieces=("SPX is in positive gamma: ", "net 1.5B, flip 6580; ", "31% of 48.25 used, ",
                               "and 42% is mine."), error: LlmError | None = None) -> None:
        self.pieces, self.error, self.seen = pieces, error, []

    async def turn(self, messages, tools, *, on_text=None, on_tool=None, cancel=None, tool_choice=None):
        self.seen.append(messages)
        if self.error is not None:
            raise self.error
        records = [await tools.call("get_gamma_exposure", '{"symbol": "SPX"}', "c1"),
                   await tools.call("get_zero_dte_analysis", '{"symbol": "SPX"}', "c2")]
        for r in records:
            on_tool and on_tool(r)
        said, cancelled = "", False
        for piece in self.pieces:
            if cancel is not None and cancel.is_set():
                cancelled = True
                break
            said += piece
            on_text and on_text(piece)
            await asyncio.sleep(0)
        return SimpleNamespace(reply=said, tool_calls=records, finish_reason="stop", steps=2, usage=None,
                               cancelled=cancelled)


@pytest.fixture
async def env(tmp_path):
    store = await asyncio.to_thread(Store.open, tmp_path)
    bus, seen = EventBus(), []
    bus.subscribe(CoachChanged, seen.append)
    box = SimpleNamespace(client=None, store=store, bus=bus, events=seen, tools=FakeTools(), clock=[NOW])
    box.service = CoachService(store, bus, box.tools, lambda: box.client, lambda: box.clock[0],
                               lambda: "Active symbol: SPX at 6601.25")
    yield box
    store.close()


async def test_a_model_calls_two_tools_then_answers_streamed_grounded_and_stored(env) -> None:
    env.client = FakeClient()
    conversation = await env.service.new()
    pieces, tools = [], []
    reply = await env.service.ask(conversation.id, "Is SPX in positive gamma?", on_text=pieces.append,
                                  on_tool=tools.append)
    assert "".join(pieces) == reply.content and reply.content.startswith("SPX is in positive gamma")
    assert [t.name for t in tools] == ["get_gamma_exposure", "get_zero_dte_analysis"]
    assert [t.name for t in reply.tool_calls] == ["get_gamma_exposure", "get_zero_dte_analysis"]
    assert reply.tool_calls[0].card.actions[0].kind == "chart_levels"
    assert reply.grounding is not None and len(reply.grounding.ungrounded) == 1
    assert "42" in reply.grounding.ungrounded[0] and "⟦" in reply.grounding.marked
    (messages,) = env.client.seen
    assert messages[0]["role"] == "system" and "SPX at 6601.25" in messages[1]["content"]
    assert messages[-1] == {"role": "user", "content": "Is SPX in positive gamma?"}
    stored = await env.service.messages(conversation.id)
    assert [m.role for m in stored] == ["user", "assistant"] and stored[1] == reply
    assert (await env.service.conversations())[0].title == "Is SPX in positive gamma?"
    assert await env.service.discussed(date(2026, 11, 30)) == ["SPX"]
    assert env.events and env.events[-1] == CoachChanged(conversation.id)
    # the next turn carries the history
    env.clock[0] = NOW.replace(minute=5)
    await env.service.ask(conversation.id, "And QQQ?")
    assert [m["content"] for m in env.client.seen[1][2:]] == ["Is SPX in positive gamma?", reply.content, "And QQQ?"]
    assert await env.service.discussed(date(2026, 11, 30)) == ["SPX", "QQQ"]


async def test_no_model_answers_as_commands_with_the_note(env) -> None:
    conversation = await env.service.new()
    pieces, tools = [], []
    reply = await env.service.ask(conversation.id, "gex spx", on_text=pieces.append, on_tool=tools.append)
    assert "No model is configured" in reply.content and "help lists them" in reply.content
    assert [t.name for t in reply.tool_calls] == ["get_gamma_exposure"] and tools == list(reply.tool_calls)
    assert reply.tool_calls[0].card.title == "SPX gamma exposure"
    assert "".join(pieces) == reply.content
    assert await env.service.discussed(date(2026, 11, 30)) == ["SPX"]


async def test_an_unreachable_model_answers_as_commands_and_says_so(env) -> None:
    env.client = FakeClient(error=LlmError("unreachable", "No server answers at http://127.0.0.1:9."))
    conversation = await env.service.new()
    reply = await env.service.ask(conversation.id, "gex SPX")
    assert "No model is reachable" in reply.content and "help lists them" in reply.content
    assert [t.name for t in reply.tool_calls] == ["get_gamma_exposure"]


async def test_other_model_errors_are_plain_and_never_carry_the_key(env) -> None:
    env.client = FakeClient(error=LlmError("auth", f"The server refused the key {KEY}."))
    conversation = await env.service.new()
    from app.core.logging_setup import register_secret
    register_secret(KEY)
    with pytest.raises(CoachError) as caught:
        await env.service.ask(conversation.id, "How is SPX?")
    assert KEY not in str(caught.value) and "refused" in str(caught.value)
    assert [m.role for m in await env.service.messages(conversation.id)] == ["user"]  # the question is kept
    with pytest.raises(CoachError, match="deleted"):
        await env.service.ask(999, "gex SPX")


async def test_a_cancelled_turn_keeps_what_was_said(env) -> None:
    env.client = FakeClient()
    conversation = await env.service.new()
    cancel = asyncio.Event()

    def on_text(piece: str) -> None:
        cancel.set()  # Stop right after the first piece

    reply = await env.service.ask(conversation.id, "Is SPX in positive gamma?", on_text=on_text, cancel=cancel)
    assert reply.content.startswith("SPX is in positive gamma") and "stopped" in reply.content
    assert "6580" not in reply.content


async def test_conversations_are_renamed_and_deleted(env) -> None:
    a = await env.service.new("Earnings")
    assert (await env.service.rename(a.id, "Earnings week")).title == "Earnings week"
    assert await env.service.delete(a.id) is True
    assert await env.service.conversations() == []


def test_the_symbols_discussed_are_tickers_not_words() -> None:
    call = ToolCallRecord("", "get_iv_analysis", {"symbol": "aapl"}, {})
    assert discussed_symbols("Is SPX in positive GEX and IV for $nvda? What about BRK.B", [call]) == \
        ["SPX", "BRK.B", "NVDA", "AAPL"]
    assert discussed_symbols("what is my P&L today, and F?", []) == []
    assert discussed_symbols("and $f?", []) == ["F"]


async def test_the_days_symbols_discussed_become_journal_drafts_once(env) -> None:
    from app.core.alerts import AlertsService
    from app.core.journal.drafts import JournalDrafts
    from app.core.journal.imports import JournalService
    from app.core.notifications import NotificationService
    from app.core.positions.service import PositionsService
    from app.core.scheduler import MarketScheduler
    from app.core.setups.tracker import SetupTrackerService
    from data.market_calendar import MarketCalendar

    store, bus, calendar, now = env.store, env.bus, MarketCalendar(), lambda: env.clock[0]
    alerts = AlertsService(store, bus, now)
    positions = PositionsService(store, bus, alerts, now)
    tracker = SetupTrackerService(store, bus, calendar, NotificationService(store, bus), now)
    journal = JournalService(store, bus, positions=lambda: positions.positions, now=now)
    scheduler = MarketScheduler(bus, calendar, lambda: SimpleNamespace(now=now, speed=1.0))
    drafts = JournalDrafts(scheduler, journal, store, calendar, tracker, alerts, positions, now,
                           discussed=env.service.discussed)
    conversation = await env.service.new()
    await env.service.ask(conversation.id, "gex SPX")
    await env.service.ask(conversation.id, "iv AAPL")
    day = date(2026, 11, 30)
    assert await drafts.draft_day(day) == 2
    assert await drafts.draft_day(day) == 0
    made = {(d.source, d.symbol, d.title) for d in await journal.drafts()}
    assert made == {("coach", "SPX", "SPX discussed with the coach"),
                    ("coach", "AAPL", "AAPL discussed with the coach")}


# -- the real client against the scripted chat-completions server (tests/llm_server.py) ----------------
def _real_client(base_url: str, key: str | None = None):
    from data.llm import LlmClient, LlmSettings

    return LlmClient(LlmSettings(base_url, "test-model", key, timeout_s=5.0, max_retries=0))


async def test_through_the_real_client_two_tools_then_a_reply_with_an_invented_number(env) -> None:
    from tests.llm_server import Call, Reply, ScriptedLlm

    answer = "SPX is in positive gamma (net 1.5B, flip 6,580); 31% of the 48.25 move is used, 55% by noon."
    script = [Reply(calls=(Call("get_gamma_exposure", {"symbol": "SPX"}), Call("get_zero_dte_analysis",
                                                                                {"symbol": "SPX"}))),
              Reply(text=answer)]
    with ScriptedLlm(script) as server:
        env.client = _real_client(server.base_url)
        conversation = await env.service.new()
        pieces: list[str] = []
        reply = await env.service.ask(conversation.id, "Is SPX in positive gamma?", on_text=pieces.append)
        requests = list(server.requests)
    assert reply.content == answer and "".join(pieces) == answer and len(pieces) > 1  # streamed
    assert [t.name for t in reply.tool_calls] == ["get_gamma_exposure", "get_zero_dte_analysis"]
    assert reply.grounding.ungrounded == ("55%",) and "⟦55%⟧" in reply.grounding.marked
    assert requests[0]["messages"][0]["role"] == "system" and requests[0]["tools"]


async def test_through_the_real_client_no_server_is_the_command_mode_and_a_bad_key_is_never_shown(env) -> None:
    import socket

    from tests.llm_server import BAD_KEY, ScriptedLlm

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env.client = _real_client(f"http://127.0.0.1:{port}/v1")
    conversation = await env.service.new()
    reply = await env.service.ask(conversation.id, "gex SPX")
    assert "No model is reachable" in reply.content and [t.name for t in reply.tool_calls] == ["get_gamma_exposure"]
    with ScriptedLlm([BAD_KEY]) as server:
        env.client = _real_client(server.base_url, KEY)
        with pytest.raises(CoachError) as caught:
            await env.service.ask(conversation.id, "How is SPX?")
    assert KEY not in str(caught.value) and str(caught.value)
    texts = [m.content for m in await env.service.messages(conversation.id)]
    assert not any(KEY in t for t in texts) and "No server answered" in texts[1]
