"""The coach's client of an OpenAI-compatible chat-completions server (OpenAI, Ollama, LM Studio,
llama.cpp, vLLM), through the official ``openai`` SDK.

One ``turn`` streams the reply to ``on_text``, runs the tool calls the model asks for through a
``ToolRunner`` (several per step, in order), sends their results back and asks again, at most
``step_limit`` model calls (the last with ``tool_choice="none"``). Tries again with backoff on 429,
5xx and connection errors before anything was streamed (the SDK's own retries are off, so the
number of tries and the longest wait are ours); every failure becomes an ``LlmError`` in plain
words. The API key is never logged nor put in an error or a repr.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from data.coach import ToolCallRecord
from data.llm.errors import OPENAI_URL, LlmError, backoff_s, retryable, to_llm_error
from data.llm.history import trim_history
from data.llm.stream import PendingCall, StepOutput, StreamReader, TextGate, text_calls

log = logging.getLogger(__name__)
PLACEHOLDER_KEY = "no-key-needed"  # local servers want none, the SDK wants one
STEP_LIMIT_NOTE = "(I stopped after {n} steps: the model kept asking for more data.)"


@dataclass(frozen=True, slots=True)
class LlmSettings:
    base_url: str | None  # None: OpenAI's default; e.g. http://127.0.0.1:11434/v1 for Ollama
    model: str
    api_key: str | None = field(repr=False)  # never logged, never in an error
    timeout_s: float = 60.0
    max_retries: int = 3
    step_limit: int = 6  # model calls per turn (the tool-call loop)
    context_tokens: int = 8000
    stream: bool = True  # False: whole answers (for servers that drop streamed tool calls)

    @property
    def url(self) -> str:
        return self.base_url or OPENAI_URL


class ToolRunner(Protocol):
    def schemas(self) -> list[dict]: ...  # the OpenAI "tools" param

    async def call(self, name: str, arguments: str, call_id: str) -> ToolCallRecord: ...  # never raises


@dataclass(frozen=True, slots=True)
class TurnResult:
    reply: str
    tool_calls: tuple[ToolCallRecord, ...]
    finish_reason: str  # stop / length / tool_calls / content_filter / step_limit / cancelled
    steps: int  # model calls made
    usage: dict | None  # prompt/completion/total tokens summed over the steps, when the server said
    cancelled: bool = False


def _ignore(_value: object) -> None:
    return None


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _wire_arguments(raw: str) -> str:
    """The arguments as the assistant message carries them back: the model's JSON string when it
    is one, else ``{}`` (a chat template that parses them would fail on the broken text)."""
    try:
        json.loads(raw)
    except ValueError:
        return "{}"
    return raw


@dataclass
class _Turn:
    """One turn's running state: the messages as sent, the reply so far, the calls made."""

    messages: list[dict]
    on_text: Callable[[str], object]
    on_tool: Callable[[ToolCallRecord], object]
    parts: list[str] = field(default_factory=list)
    records: list[ToolCallRecord] = field(default_factory=list)
    usage: dict | None = None
    steps: int = 0

    def gate(self, hold: bool) -> TextGate:
        return TextGate(self.on_text, hold, prefix="\n\n" if any(self.parts) else "")

    def add(self, out: StepOutput, text: str) -> None:
        self.steps += 1
        if text:
            self.parts.append(text)
        if out.usage:
            self.usage = {k: (self.usage or {}).get(k, 0) + v for k, v in out.usage.items()}

    def note(self, text: str) -> None:
        self.on_text(("\n\n" if any(self.parts) else "") + text)
        self.parts.append(text)

    def result(self, finish: str, *, cancelled: bool = False) -> TurnResult:
        reply = "\n\n".join(p for p in self.parts if p)
        return TurnResult(reply, tuple(self.records), finish, self.steps, self.usage, cancelled)

    async def run_tools(
        self, tools: ToolRunner, calls: list[PendingCall], text: str, cancel: asyncio.Event | None
    ) -> bool:
        """Runs the calls in order and appends the assistant message and the tool messages;
        False when cancelled before all ran."""
        for number, call in enumerate(calls, 1):
            call.id = call.id or f"call_{self.steps}_{number}"
        wire = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": _wire_arguments(c.arguments)}}
            for c in calls
        ]
        self.messages.append({"role": "assistant", "content": text or None, "tool_calls": wire})
        for call in calls:
            if cancel is not None and cancel.is_set():
                return False
            record = await _call_tool(tools, call)
            self.records.append(record)
            self.on_tool(record)
            content = _compact(record.result if record.result else {"error": record.error or "no result"})
            self.messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
        return True


async def _call_tool(tools: ToolRunner, call: PendingCall) -> ToolCallRecord:
    try:
        return await tools.call(call.name, call.arguments or "{}", call.id)
    except Exception as err:  # a ToolRunner should never raise; the turn goes on if one does
        log.exception("coach tool %s raised", call.name)
        error = f"The tool {call.name} failed ({type(err).__name__})."
        return ToolCallRecord(call.id, call.name, {}, {"error": error}, None, error)


class LlmClient:
    def __init__(self, settings: LlmSettings, *, http_client: Any = None) -> None:
        """``http_client``: an ``httpx2.AsyncClient`` (the SDK's HTTP library) for proxies or
        certificates; None: the SDK's own."""
        import openai  # loaded for a turn, not with the engine: ~0.5 s of imports

        self._settings = settings
        self._sdk = openai.AsyncOpenAI(
            api_key=settings.api_key or PLACEHOLDER_KEY,
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=0,  # ours: bounded, with the panel's error words at the end
            http_client=http_client,
        )

    @property
    def settings(self) -> LlmSettings:
        return self._settings

    def __repr__(self) -> str:
        return f"LlmClient(url={self._settings.url!r}, model={self._settings.model!r})"

    async def turn(
        self,
        messages: list[dict],
        tools: ToolRunner | None,
        *,
        on_text: Callable[[str], object] = _ignore,
        on_tool: Callable[[ToolCallRecord], object] = _ignore,
        cancel: asyncio.Event | None = None,
        tool_choice: str = "auto",
    ) -> TurnResult:
        run = _Turn(list(messages), on_text, on_tool)
        schemas = tools.schemas() if tools is not None else None
        names = {s.get("function", {}).get("name") for s in schemas or []}
        limit = max(1, self._settings.step_limit)
        choice = tool_choice
        while True:
            last = run.steps + 1 >= limit
            step = await self._step(run, schemas, "none" if last else choice, names, cancel)
            if step is None:
                return run.result("cancelled", cancelled=True)
            out, calls = step
            if not calls or tools is None:
                return run.result(out.finish_reason or "stop")
            if last:
                run.note(STEP_LIMIT_NOTE.format(n=run.steps))
                return run.result("step_limit")
            if not await run.run_tools(tools, calls, out.text if out.calls else "", cancel):
                return run.result("cancelled", cancelled=True)
            choice = "auto"  # "required" is for the first step only, or the loop never ends

    async def _step(
        self, run: _Turn, schemas: list[dict] | None, choice: str, names: set[str], cancel: asyncio.Event | None
    ) -> tuple[StepOutput, list[PendingCall]] | None:
        """One model call (with its retries); None when cancelled."""
        request = self._request(run.messages, schemas, choice)
        reader, done = await self._tries(request, run, bool(schemas), cancel)
        out = reader.out
        calls = out.calls
        if schemas and not calls and reader.gate.held_all and out.finish_reason in (None, "stop"):
            calls = text_calls(out.text, names) or []  # a JSON call written as text
            if calls:
                log.info("coach: the model wrote %d tool call(s) as text; read as calls", len(calls))
        text = "" if calls and not out.calls else out.text
        if not calls or not done:
            reader.gate.flush()
        run.add(out, text)
        return (out, calls) if done else None

    async def _tries(
        self, request: dict, run: _Turn, hold: bool, cancel: asyncio.Event | None
    ) -> tuple[StreamReader, bool]:
        import openai

        attempt = 0
        while True:
            reader = StreamReader(run.gate(hold))
            try:
                return reader, await self._once(request, reader, cancel)
            except (openai.OpenAIError, ValueError) as err:  # ValueError: a chunk that is not JSON
                if reader.started or not retryable(err) or attempt >= self._settings.max_retries:
                    raise self._error(err, reader, attempt + 1) from None
                delay, what = backoff_s(attempt, err), type(err).__name__
            attempt += 1
            log.info("coach: %s from %s, try %d in %.2f s", what, self._settings.url, attempt + 1, delay)
            if await _sleep_or_cancel(delay, cancel):
                return reader, False

    async def _once(self, request: dict, reader: StreamReader, cancel: asyncio.Event | None) -> bool:
        """Reads one answer into ``reader``; False when ``cancel`` was set first (the stream is closed)."""
        if cancel is None:
            await self._read(request, reader)
            return True
        task = asyncio.ensure_future(self._read(request, reader))
        waiter = asyncio.ensure_future(cancel.wait())
        try:
            await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()
            if not task.done():
                task.cancel()  # closes the stream (the reader's ``finally``)
                await asyncio.wait({task})  # a cancel of the turn itself still propagates
        if task.cancelled() or (cancel.is_set() and task.exception() is not None):
            return False
        task.result()
        return True

    async def _read(self, request: dict, reader: StreamReader) -> None:
        answer = await self._sdk.chat.completions.create(**request)
        if not request.get("stream"):
            reader.feed_completion(answer)
            return
        try:
            async for chunk in answer:
                reader.feed(chunk)
        finally:
            await answer.close()

    def _request(self, messages: list[dict], schemas: list[dict] | None, choice: str) -> dict:
        settings = self._settings
        budget = settings.context_tokens - len(_compact(schemas or [])) // 4
        request: dict[str, Any] = {"model": settings.model, "messages": trim_history(messages, max(budget, 256))}
        if schemas:
            request.update(tools=schemas, tool_choice=choice)
        if settings.stream:
            request.update(stream=True, stream_options={"include_usage": True})
        return request

    def _error(self, err: Exception, reader: StreamReader | None, tries: int) -> LlmError:
        s = self._settings
        partial, started = (reader.out.text, reader.started) if reader is not None else ("", False)
        error = to_llm_error(
            err,
            url=s.url,
            model=s.model,
            key=s.api_key,
            timeout_s=s.timeout_s,
            partial=partial,
            started=started,
            tries=tries,
        )
        log.warning("coach: %s (%s, model %s, %d tries)", error.kind, s.url, s.model, tries)
        return error

    async def check(self) -> str | None:
        """None when the server answers and has the model, else why not, in plain words."""
        import openai

        s = self._settings
        try:
            page = await self._sdk.with_options(timeout=min(s.timeout_s, 10.0)).models.list()
        except openai.OpenAIError as err:
            return str(self._error(err, None, 1))
        ids = [m.id for m in getattr(page, "data", None) or []]
        wanted = {s.model, f"{s.model}:latest", s.model.removesuffix(":latest")}
        if len(ids) <= 1 or wanted & set(ids):  # a one-model server (llama.cpp) answers to any name
            return None
        shown = ", ".join(ids[:8]) + (" …" if len(ids) > 8 else "")
        return f"The server at {s.url} has no model {s.model!r} (it has: {shown})."

    async def aclose(self) -> None:
        await self._sdk.close()


async def _sleep_or_cancel(delay: float, cancel: asyncio.Event | None) -> bool:
    """Waits ``delay`` seconds; True when ``cancel`` was set meanwhile."""
    if cancel is None:
        await asyncio.sleep(delay)
        return False
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(cancel.wait(), delay)
    return cancel.is_set()
