"""A scripted OpenAI-compatible server for the coach's tests: a real starlette app on uvicorn on
127.0.0.1 (a free port, in a background thread) speaking the chat-completions wire format.

``POST /v1/chat/completions`` answers with the next ``Reply`` of the script: SSE chunks
(``data: {...}``, then ``data: [DONE]``) when the request streams, one JSON completion when not;
``GET /v1/models`` lists ``models``. Flavours of tool calls, as real servers send them:

* ``openai``: ``index`` on every fragment, ``id``/``type``/``name`` in the first, arguments split;
* ``interleaved``: the same with the calls' fragments alternating (parallel tool calls);
* ``no_index``: Ollama's, each call whole with its ``id`` and no ``index``;
* ``positional``: no ``index`` and no ``id``; a named first fragment, then bare argument pieces;
* ``single_chunk``: every call whole in one chunk;
* ``json_text``: the calls written as JSON text with ``finish_reason: "stop"`` (vLLM, wrong parser).

Faults: ``status`` (429 with ``Retry-After``, 400 "tools param requires --jinja flag", 401 quoting
the key it was sent, 5xx), ``die_after`` (the connection dropped after N chunks), ``drip_s`` (a pause
between chunks), ``delay_s`` (a pause before the answer starts). Every request body and its
Authorization header are recorded. Bounded: a script that runs out answers 500, every loop ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route


@dataclass(frozen=True)
class Call:
    name: str
    arguments: dict | str = field(default_factory=dict)
    id: str | None = None  # None: call_<n>


@dataclass(frozen=True)
class Reply:
    text: str = ""
    calls: tuple[Call, ...] = ()
    flavour: str = "openai"
    finish: str | None = None  # None: tool_calls when there are calls, else stop
    usage: bool = True
    extras: bool = False  # a chunk with unknown delta fields and a "custom" tool call
    piece: int = 5  # characters per text or arguments fragment
    status: int = 200
    error: str = ""  # "{key}" is replaced by the key the request carried
    headers: dict[str, str] = field(default_factory=dict)
    die_after: int | None = None
    drip_s: float = 0.0
    delay_s: float = 0.0


def rate_limited(count: int, retry_after_ms: int = 10) -> list[Reply]:
    headers = {"retry-after-ms": str(retry_after_ms), "retry-after": "1"}
    return [Reply(status=429, error="Rate limit reached", headers=headers) for _ in range(count)]


NO_JINJA = Reply(status=400, error="tools param requires --jinja flag")
BAD_KEY = Reply(status=401, error="Incorrect API key provided: {key}")


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _arguments(call: Call) -> str:
    return call.arguments if isinstance(call.arguments, str) else json.dumps(call.arguments)


def _ids(reply: Reply) -> list[str]:
    return [c.id or f"call_{n}" for n, c in enumerate(reply.calls, 1)]


def _call_deltas(reply: Reply) -> list[list[dict]]:
    """The ``tool_calls`` list of each delta that carries calls."""
    ids, calls, size = _ids(reply), reply.calls, reply.piece
    whole = [
        {"id": i, "type": "function", "function": {"name": c.name, "arguments": _arguments(c)}}
        for i, c in zip(ids, calls, strict=True)
    ]
    if reply.flavour == "no_index":
        return [[w] for w in whole]
    if reply.flavour == "single_chunk":
        return [[{"index": n, **w} for n, w in enumerate(whole)]]
    if reply.flavour == "positional":
        return [
            [{"function": {"name": c.name, "arguments": ""}}] if k == 0 else [{"function": {"arguments": p}}]
            for c in calls
            for k, p in enumerate(["", *_pieces(_arguments(c), size)])
        ]
    per_call = [
        [[{"index": n, "id": ids[n], "type": "function", "function": {"name": c.name, "arguments": ""}}]]
        + [[{"index": n, "function": {"arguments": p}}] for p in _pieces(_arguments(c), size)]
        for n, c in enumerate(calls)
    ]
    if reply.flavour == "interleaved":
        longest = max(len(p) for p in per_call)
        return [p[k] for k in range(longest) for p in per_call if k < len(p)]
    return [d for p in per_call for d in p]


def _text(reply: Reply) -> str:
    if reply.flavour != "json_text" or not reply.calls:
        return reply.text
    items = [{"name": c.name, "arguments": c.arguments} for c in reply.calls]
    return json.dumps(items[0] if len(items) == 1 else items)


def _finish(reply: Reply) -> str:
    if reply.finish:
        return reply.finish
    return "tool_calls" if reply.calls and reply.flavour != "json_text" else "stop"


USAGE = {"prompt_tokens": 50, "completion_tokens": 10, "total_tokens": 60}


def chunks(reply: Reply, model: str) -> list[dict]:
    def chunk(delta: dict, finish: str | None = None) -> dict:
        return {
            "id": "chatcmpl-test",
            "object": "chat.completion.chunk",
            "created": 1_796_049_000,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    out = [chunk({"role": "assistant", "content": ""})]
    out += [chunk({"content": p}) for p in _pieces(_text(reply), reply.piece) if p]
    if reply.extras:
        out.append(chunk({"reasoning_content": "thinking", "audio": None, "refusal": None}))
        out.append(chunk({"tool_calls": [{"index": 9, "id": "x", "type": "custom", "custom": {"name": "c"}}]}))
    if reply.calls and reply.flavour != "json_text":
        out += [chunk({"tool_calls": d}) for d in _call_deltas(reply)]
    out.append(chunk({}, _finish(reply)))
    if reply.usage:
        out.append({**chunk({}), "choices": [], "usage": USAGE})
    return out


def completion(reply: Reply, model: str) -> dict:
    calls = (
        [
            {"id": i, "type": "function", "function": {"name": c.name, "arguments": _arguments(c)}}
            for i, c in zip(_ids(reply), reply.calls, strict=True)
        ]
        if reply.flavour != "json_text"
        else []
    )
    message = {"role": "assistant", "content": _text(reply) or None, **({"tool_calls": calls} if calls else {})}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_796_049_000,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": _finish(reply)}],
        "usage": USAGE,
    }


class ScriptedLlm:
    """``with ScriptedLlm([Reply(...), ...]) as server:`` then point the client at ``server.base_url``."""

    def __init__(self, script: list[Reply] | tuple[Reply, ...] = (), models: tuple[str, ...] = ("test-model",)) -> None:
        self.script: deque[Reply] = deque(script)
        self.models = models
        self.requests: list[dict] = []
        self.auth: list[str] = []
        self.disconnects = 0
        self.completed = 0
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
            ]
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def play(self, *replies: Reply) -> None:
        with self._lock:
            self.script.extend(replies)

    def __enter__(self) -> ScriptedLlm:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="scripted-llm", daemon=True)
        self._thread.start()
        for _ in range(1000):
            if self._server.started:
                break
            time.sleep(0.01)
        else:
            raise RuntimeError("the scripted LLM server did not start")
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def wait_disconnects(self, count: int = 1, limit_s: float = 10.0) -> bool:
        for _ in range(int(limit_s / 0.01)):
            if self.disconnects >= count:
                return True
            time.sleep(0.01)
        return False

    def _next(self, request: dict, auth: str) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.auth.append(auth)
            return self.script.popleft() if self.script else Reply(status=500, error="the script ran out")

    async def _models(self, request: Any) -> JSONResponse:
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in self.models]
        return JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Any) -> Any:
        body = json.loads(await request.body())
        auth = request.headers.get("authorization", "")
        reply = self._next(body, auth)
        return _Answer(self, reply, body, auth.removeprefix("Bearer "))


class _Answer:
    """The ASGI response of one reply: it can drop its connection half-way, which no starlette
    response does."""

    def __init__(self, server: ScriptedLlm, reply: Reply, body: dict, key: str) -> None:
        self.server, self.reply, self.body, self.key = server, reply, body, key

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        gone = asyncio.Event()
        watcher = asyncio.create_task(self._watch(receive, gone))
        try:
            if self.reply.delay_s:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(gone.wait(), self.reply.delay_s)
            if gone.is_set():
                self.server.disconnects += 1
                return
            await self._respond(scope, receive, send, gone)
        finally:
            watcher.cancel()

    async def _respond(self, scope: Any, receive: Any, send: Any, gone: asyncio.Event) -> None:
        reply, model = self.reply, self.body.get("model", "test-model")
        if reply.status != 200:
            error = {"error": {"message": reply.error.replace("{key}", self.key), "type": "test", "code": reply.status}}
            await JSONResponse(error, status_code=reply.status, headers=reply.headers)(scope, receive, send)
        elif not self.body.get("stream"):
            await JSONResponse(completion(reply, model))(scope, receive, send)
        else:
            await self._stream(send, chunks(reply, model), gone)
            return
        self.server.completed += 1

    async def _stream(self, send: Any, items: list[dict], gone: asyncio.Event) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")],
            }
        )
        for sent, item in enumerate(items):
            if self.reply.die_after is not None and sent >= self.reply.die_after:
                return  # returning mid-body: uvicorn drops the connection
            if gone.is_set():
                self.server.disconnects += 1
                return
            data = f"data: {json.dumps(item)}\n\n".encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
            if self.reply.drip_s:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(gone.wait(), self.reply.drip_s)
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
        self.server.completed += 1

    @staticmethod
    async def _watch(receive: Any, gone: asyncio.Event) -> None:
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                gone.set()
                return
