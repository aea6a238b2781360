"""The coach's client against a real server speaking the chat-completions wire format (the scripted
one in ``tests/llm_server.py`` on 127.0.0.1): the official SDK as in production, only its base URL
pointing at the server."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket

import pytest

from data.coach import ToolCallRecord
from data.llm import LlmClient, LlmError, LlmSettings, trim_history
from tests.llm_server import BAD_KEY, NO_JINJA, Call, Reply, ScriptedLlm, rate_limited

GEX = Call("get_gamma_exposure", {"symbol": "SPX"})
ZERO_DTE = Call("get_zero_dte_analysis", {"symbol": "SPX", "expiry": "2026-12-01"})
ANSWER = "SPX is in positive gamma (net GEX 1.5B) and 40% of today's expected move is used."
QUESTION = [
    {"role": "system", "content": "You are a trading coach. Use tools for every number."},
    {"role": "user", "content": "Is SPX in positive gamma and how much of today's expected move is used?"},
]
RESULTS = {"get_gamma_exposure": {"symbol": "SPX", "net_gex": 1.5e9}, "get_zero_dte_analysis": {"used_pct": 40.0}}


class FakeTools:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str]] = []

    def schemas(self) -> list[dict]:
        properties = {"symbol": {"type": "string"}, "expiry": {"type": "string"}}
        return [
            {"type": "function", "function": {"name": name, "parameters": {"type": "object", "properties": properties}}}
            for name in RESULTS
        ]

    async def call(self, name: str, arguments: str, call_id: str) -> ToolCallRecord:
        self.calls.append((name, arguments, call_id))
        return ToolCallRecord(call_id, name, json.loads(arguments), RESULTS[name])


@contextlib.asynccontextmanager
async def served(script: list[Reply], *, api_key: str | None = None, models: tuple[str, ...] = ("test-model",), **kw):
    with ScriptedLlm(script, models=models) as server:
        client = LlmClient(LlmSettings(server.base_url, "test-model", api_key, **kw))
        try:
            yield server, client
        finally:
            await client.aclose()


def tool_messages(request: dict) -> list[dict]:
    return [m for m in request["messages"] if m["role"] == "tool"]


async def test_a_question_answered_with_two_tools_in_one_step() -> None:
    tools, texts, seen = FakeTools(), [], []
    script = [Reply(calls=(GEX, ZERO_DTE), extras=True), Reply(text=ANSWER)]
    async with served(script) as (server, client):
        result = await client.turn(QUESTION, tools, on_text=texts.append, on_tool=seen.append)
    assert result.reply == ANSWER == "".join(texts)
    assert (result.finish_reason, result.steps, result.cancelled) == ("stop", 2, False)
    assert result.usage == {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
    assert [r.name for r in result.tool_calls] == ["get_gamma_exposure", "get_zero_dte_analysis"]
    assert seen == list(result.tool_calls)
    assert tools.calls[1] == ("get_zero_dte_analysis", json.dumps(ZERO_DTE.arguments), "call_2")
    first, second = server.requests
    assert first["stream"] is True and first["stream_options"] == {"include_usage": True}
    assert first["tool_choice"] == "auto" and len(first["tools"]) == 2
    assistant = second["messages"][2]
    assert assistant["role"] == "assistant" and not assistant.get("content")
    assert [(c["id"], c["type"], c["function"]["name"]) for c in assistant["tool_calls"]] == [
        ("call_1", "function", "get_gamma_exposure"),
        ("call_2", "function", "get_zero_dte_analysis"),
    ]
    assert json.loads(assistant["tool_calls"][1]["function"]["arguments"]) == ZERO_DTE.arguments
    assert tool_messages(second) == [
        {"role": "tool", "tool_call_id": "call_1", "content": '{"symbol":"SPX","net_gex":1500000000.0}'},
        {"role": "tool", "tool_call_id": "call_2", "content": '{"used_pct":40.0}'},
    ]
    assert QUESTION[-1]["role"] == "user" and len(QUESTION) == 2  # the caller's list is not changed


@pytest.mark.parametrize("flavour", ["openai", "interleaved", "no_index", "positional", "single_chunk"])
async def test_tool_calls_in_every_flavour_of_stream(flavour: str) -> None:
    tools = FakeTools()
    script = [Reply(calls=(GEX, ZERO_DTE), flavour=flavour, piece=3), Reply(text="Done.")]
    async with served(script) as (server, client):
        result = await client.turn(QUESTION, tools)
    assert [(r.name, r.arguments) for r in result.tool_calls] == [
        ("get_gamma_exposure", GEX.arguments),
        ("get_zero_dte_analysis", ZERO_DTE.arguments),
    ]
    ids = [m["tool_call_id"] for m in tool_messages(server.requests[1])]
    assert len(set(ids)) == 2 and ids == [c[2] for c in tools.calls]
    assert [c["id"] for c in server.requests[1]["messages"][2]["tool_calls"]] == ids


async def test_a_tool_call_written_as_json_text_is_run_and_never_shown() -> None:
    tools, texts = FakeTools(), []
    script = [Reply(calls=(GEX,), flavour="json_text"), Reply(text=ANSWER)]
    async with served(script) as (server, client):
        result = await client.turn(QUESTION, tools, on_text=texts.append)
    assert [r.name for r in result.tool_calls] == ["get_gamma_exposure"]
    assert result.reply == ANSWER == "".join(texts)
    assert server.requests[1]["messages"][2]["tool_calls"][0]["function"]["name"] == "get_gamma_exposure"
    assert len(tool_messages(server.requests[1])) == 1


async def test_json_text_that_is_no_call_of_ours_stays_the_reply() -> None:
    texts = []
    async with served([Reply(text='{"answer": 42}')]) as (server, client):
        result = await client.turn(QUESTION, FakeTools(), on_text=texts.append)
    assert result.reply == '{"answer": 42}' == "".join(texts)
    assert result.tool_calls == () and len(server.requests) == 1


async def test_the_step_limit_ends_the_loop_with_tool_choice_none() -> None:
    tools, texts = FakeTools(), []
    async with served([Reply(calls=(GEX,)) for _ in range(5)], step_limit=3) as (server, client):
        result = await client.turn(QUESTION, tools, on_text=texts.append, tool_choice="required")
    assert len(server.requests) == 3 and result.steps == 3
    assert [r["tool_choice"] for r in server.requests] == ["required", "auto", "none"]
    assert len(result.tool_calls) == 2 and result.finish_reason == "step_limit"
    assert "stopped after 3 steps" in result.reply and result.reply == "".join(texts)


async def test_text_before_the_calls_and_after_them_make_one_reply() -> None:
    texts = []
    async with served([Reply(text="Let me look.", calls=(GEX,)), Reply(text="Positive.")]) as (server, client):
        result = await client.turn(QUESTION, FakeTools(), on_text=texts.append)
    assert result.reply == "Let me look.\n\nPositive." == "".join(texts)
    assert server.requests[1]["messages"][2]["content"] == "Let me look."


async def test_a_server_that_dies_mid_stream() -> None:
    texts = []
    async with served([Reply(text=ANSWER, die_after=5), Reply(text="never asked")]) as (server, client):
        with pytest.raises(LlmError) as caught:
            await client.turn(QUESTION, FakeTools(), on_text=texts.append)
    assert caught.value.kind == "broken"
    assert caught.value.partial and ANSWER.startswith(caught.value.partial)
    assert caught.value.partial == "".join(texts)
    assert len(server.requests) == 1  # no second try once text was shown


async def test_a_stream_that_dies_before_any_text_is_tried_again() -> None:
    async with served([Reply(text=ANSWER, die_after=1), Reply(text="ok")]) as (server, client):
        result = await client.turn(QUESTION, None)
    assert result.reply == "ok" and len(server.requests) == 2


async def test_a_429_storm_then_success() -> None:
    async with served([*rate_limited(3), Reply(text="ok")], max_retries=3) as (server, client):
        result = await client.turn(QUESTION, FakeTools())
    assert result.reply == "ok" and len(server.requests) == 4


async def test_a_429_storm_that_never_ends() -> None:
    async with served(rate_limited(10), max_retries=2) as (server, client):
        with pytest.raises(LlmError) as caught:
            await client.turn(QUESTION, FakeTools())
    assert caught.value.kind == "rate_limited" and "3 tries" in str(caught.value)
    assert len(server.requests) == 3


async def test_a_5xx_is_tried_again_then_said() -> None:
    failing = Reply(status=503, error="loading model", headers={"retry-after-ms": "5"})
    async with served([failing, Reply(text="ok")], max_retries=1) as (_, client):
        assert (await client.turn(QUESTION, None)).reply == "ok"
    async with served([failing, failing], max_retries=1) as (server, client):
        with pytest.raises(LlmError) as caught:
            await client.turn(QUESTION, None)
    assert caught.value.kind == "server" and caught.value.status == 503 and len(server.requests) == 2


async def test_a_server_without_tool_support() -> None:
    async with served([NO_JINJA]) as (server, client):
        with pytest.raises(LlmError) as caught:
            await client.turn(QUESTION, FakeTools())
    assert caught.value.kind == "no_tools" and "--jinja" in str(caught.value)
    assert str(caught.value).startswith("This model or server does not support tool calls")
    assert len(server.requests) == 1


async def test_a_refused_key_is_never_repeated(caplog: pytest.LogCaptureFixture) -> None:
    key = "sk-test-SECRET-abcdef1234567890"
    caplog.set_level(logging.DEBUG)
    async with served([BAD_KEY], api_key=key) as (server, client):
        with pytest.raises(LlmError) as caught:
            await client.turn(QUESTION, FakeTools())
        reason = await client.check()  # the models list answers, so the key is not in doubt there
    assert server.auth[0] == f"Bearer {key}"  # it was sent, and the server quoted it back
    error = caught.value
    assert error.kind == "bad_key" and str(error).startswith("The API key was refused")
    for text in (str(error), repr(error), caplog.text, repr(client), repr(client._settings), str(reason)):
        assert key not in text and "SECRET" not in text
    assert error.__cause__ is None and error.__suppress_context__


async def test_no_key_sends_a_placeholder() -> None:
    async with served([Reply(text="ok")]) as (server, client):
        await client.turn(QUESTION, None)
    assert server.auth == ["Bearer no-key-needed"]
    assert "tools" not in server.requests[0]


async def test_cancel_during_a_slow_drip_closes_the_stream() -> None:
    cancel, texts = asyncio.Event(), []

    def on_text(text: str) -> None:
        texts.append(text)
        if len(texts) == 3:
            cancel.set()

    script = [Reply(text=ANSWER * 3, piece=2, drip_s=0.05)]  # 120-odd chunks: seconds if never cancelled
    async with served(script) as (server, client):
        result = await client.turn(QUESTION, FakeTools(), on_text=on_text, cancel=cancel)
        assert server.wait_disconnects(1)
    assert result.cancelled and result.finish_reason == "cancelled"
    assert result.reply == "".join(texts) and ANSWER.startswith(result.reply) and len(result.reply) < len(ANSWER)
    assert server.completed == 0


async def test_cancel_before_the_tools_run() -> None:
    cancel, tools = asyncio.Event(), FakeTools()
    cancel.set()
    async with served([Reply(calls=(GEX,))]) as (_, client):
        result = await client.turn(QUESTION, tools, cancel=cancel)
    assert result.cancelled and tools.calls == []


async def test_cancel_while_waiting_to_try_again() -> None:
    cancel = asyncio.Event()
    asyncio.get_running_loop().call_later(0.2, cancel.set)
    async with served(rate_limited(3, retry_after_ms=15_000), max_retries=3) as (server, client):
        result = await client.turn(QUESTION, None, cancel=cancel)
    assert result.cancelled and result.reply == "" and len(server.requests) == 1


async def test_broken_arguments_reach_the_tool_and_go_back_as_an_empty_object() -> None:
    tools = FakeTools()  # its json.loads raises on the broken text: the turn goes on with an error result
    broken = Call("get_gamma_exposure", '{"symbol": "SP')
    async with served([Reply(calls=(broken,)), Reply(text="Sorry.")]) as (server, client):
        result = await client.turn(QUESTION, tools)
    assert tools.calls == [("get_gamma_exposure", '{"symbol": "SP', "call_1")]
    assert result.tool_calls[0].error and result.reply == "Sorry."
    assert server.requests[1]["messages"][2]["tool_calls"][0]["function"]["arguments"] == "{}"
    assert "failed" in json.loads(tool_messages(server.requests[1])[0]["content"])["error"]


async def test_a_timeout() -> None:
    async with served([Reply(text="late", delay_s=5)], timeout_s=0.3) as (server, client):
        with pytest.raises(LlmError) as caught:
            await client.turn(QUESTION, None)
    assert caught.value.kind == "timeout" and len(server.requests) == 1


async def test_no_server_names_the_base_url_only() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    client = LlmClient(LlmSettings(url, "m", "sk-never-shown-1234567", max_retries=0))
    with pytest.raises(LlmError) as caught:
        await client.turn(QUESTION, None)
    reason = await client.check()
    await client.aclose()
    assert caught.value.kind == "unreachable" and url in str(caught.value)
    assert reason == str(caught.value) and "sk-never" not in reason


async def test_check_knows_the_model() -> None:
    async with served([], models=("test-model", "other")) as (_, client):
        assert await client.check() is None
    async with served([], models=("a:latest", "b")) as (_, client):
        assert "no model 'test-model'" in (await client.check() or "")
    async with served([], models=("/models/qwen.gguf",)) as (_, client):
        assert await client.check() is None  # a one-model server answers to any name


async def test_whole_answers_when_not_streaming() -> None:
    tools, texts = FakeTools(), []
    async with served([Reply(calls=(GEX, ZERO_DTE)), Reply(text=ANSWER)], stream=False) as (server, client):
        result = await client.turn(QUESTION, tools, on_text=texts.append)
    assert result.reply == ANSWER == "".join(texts) and len(result.tool_calls) == 2
    assert "stream" not in server.requests[0] and len(tool_messages(server.requests[1])) == 2


# -- the context budget --------------------------------------------------------------------------


def _turns(count: int, size: int = 400) -> list[dict]:
    out: list[dict] = []
    for n in range(count):
        out.append({"role": "user", "content": f"question {n} " + "q" * size})
        out.append({"role": "assistant", "content": f"answer {n} " + "a" * size})
    return out


def test_trim_keeps_the_system_and_the_newest_turns_within_the_budget() -> None:
    messages = [{"role": "system", "content": "coach"}, *_turns(10), {"role": "user", "content": "now?"}]
    kept = trim_history(messages, 1_000)
    assert kept[0] == messages[0] and kept[-1] == messages[-1]
    assert kept[1] == {
        "role": "system",
        "content": f"Earlier conversation: {len(messages) - len(kept) + 1} messages left out.",
    }
    assert kept[2:] == messages[len(messages) - len(kept) + 2 :]  # the newest, contiguous
    assert sum(len(m["content"]) for m in kept) / 4 <= 1_000
    assert trim_history(messages, 100_000) == messages  # within the budget: all of it, no note
    assert len(messages) == 22  # the input is not changed


def test_trim_again_adds_to_the_earlier_note() -> None:
    messages = [{"role": "system", "content": "coach"}, *_turns(10), {"role": "user", "content": "now?"}]
    once = trim_history(messages, 1_000)
    twice = trim_history([*once[:-1], *_turns(2), {"role": "user", "content": "and now?"}], 1_000)
    notes = [m for m in twice if m["content"].startswith("Earlier conversation")]
    dropped_once = int(once[1]["content"].split()[2])
    assert len(notes) == 1 and int(notes[0]["content"].split()[2]) > dropped_once


def test_trim_never_parts_tool_calls_from_their_results_and_cuts_old_results() -> None:
    calls = [{"id": "c1", "type": "function", "function": {"name": "get_gamma_exposure", "arguments": "{}"}}]
    messages = [
        {"role": "system", "content": "coach"},
        *_turns(3),
        {"role": "user", "content": "gex?"},
        {"role": "assistant", "content": None, "tool_calls": calls},
        {"role": "tool", "tool_call_id": "c1", "content": "x" * 5_000},
        {"role": "assistant", "content": "It is positive."},
        {"role": "user", "content": "and now?"},
    ]
    for budget in range(50, 3_000, 50):
        kept = trim_history(messages, budget)
        for n, message in enumerate(kept):
            if message["role"] == "tool":
                assert kept[n - 1].get("tool_calls") or kept[n - 1]["role"] == "tool"
            if message.get("tool_calls"):
                assert kept[n + 1]["role"] == "tool"
    roomy = trim_history(messages, 100_000)
    cut = next(m for m in roomy if m["role"] == "tool")["content"]
    assert len(cut) < 1_600 and "1500 of 5000 characters shown" in cut


def test_trim_keeps_the_current_turn_whole_unless_it_alone_is_over() -> None:
    calls = [{"id": "c1", "type": "function", "function": {"name": "scan", "arguments": "{}"}}]
    current = [
        {"role": "user", "content": "scan"},
        {"role": "assistant", "content": None, "tool_calls": calls},
        {"role": "tool", "tool_call_id": "c1", "content": "y" * 3_000},
    ]
    assert trim_history([{"role": "system", "content": "coach"}, *current], 10_000)[1:] == current
    tight = trim_history([{"role": "system", "content": "coach"}, *_turns(2), *current], 300)
    assert tight[-3:-1] == current[:2] and "characters shown" in tight[-1]["content"]
    assert tight[1]["content"] == "Earlier conversation: 4 messages left out."
