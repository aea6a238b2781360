"""Reading one model answer: streamed chunks (text deltas, tool-call fragments, a usage chunk with
empty ``choices``) or a whole non-streamed completion, into a ``StepOutput``.

Tool-call fragments are joined by ``index``; without one (Ollama), by ``id``; without either, a
fragment with a name starts a call and a bare fragment continues the call at its position. A whole
call in one chunk is accepted, unknown delta fields and tool types other than ``function`` ignored.
When tools were offered, text that may be a JSON tool call (vLLM with the wrong parser, llama.cpp
without a grammar) is held back until the answer ends, so the panel never shows it as a reply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_OPENERS = ("{", "[", "<tool_call>", "```")
_TOOL_TAG = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)
_FENCE = re.compile(r"^```[a-zA-Z]*\s*(.*?)\s*```$", re.S)


@dataclass
class PendingCall:
    id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass
class StepOutput:
    text: str = ""
    calls: list[PendingCall] = field(default_factory=list)
    finish_reason: str | None = None
    usage: dict | None = None


class TextGate:
    """Passes text deltas on, holding them back while the answer so far may be a JSON tool call."""

    def __init__(self, on_text: Callable[[str], object], hold: bool, prefix: str = "") -> None:
        self._on_text = on_text
        self._holding = hold
        self._prefix = prefix
        self._held: list[str] = []
        self.held_all = hold  # every piece so far was held (the whole text may be a call)

    def feed(self, text: str) -> None:
        if self._holding:
            self._held.append(text)
            head = "".join(self._held).lstrip()
            if not head or any(o.startswith(head) or head.startswith(o) for o in _OPENERS):
                return
            self.held_all = False
            self.flush()
            return
        self._emit(text)

    def flush(self) -> None:
        self._holding = False
        held, self._held = "".join(self._held), []
        if held:
            self._emit(held)

    def _emit(self, text: str) -> None:
        if self._prefix:
            text, self._prefix = self._prefix + text, ""
        self._on_text(text)


class StreamReader:
    """Accumulates one answer; ``started`` once any text or tool fragment arrived."""

    def __init__(self, gate: TextGate) -> None:
        self.out = StepOutput()
        self.gate = gate
        self.started = False
        self._by_index: dict[int, PendingCall] = {}
        self._by_id: dict[str, PendingCall] = {}

    def feed(self, chunk: Any) -> None:
        usage = getattr(chunk, "usage", None)
        if usage is not None:
            self.out.usage = usage_dict(usage)
        choices = getattr(chunk, "choices", None) or []
        if not choices:
            return
        choice = choices[0]
        delta = getattr(choice, "delta", None)
        if delta is not None:
            text = getattr(delta, "content", None)
            if isinstance(text, str) and text:
                self.started = True
                self.out.text += text
                self.gate.feed(text)
            self._fragments(getattr(delta, "tool_calls", None) or [])
        reason = getattr(choice, "finish_reason", None)
        if reason:
            self.out.finish_reason = str(reason)

    def feed_completion(self, completion: Any) -> None:
        """A non-streamed answer: its message's text and whole calls."""
        self.feed_usage(getattr(completion, "usage", None))
        choices = getattr(completion, "choices", None) or []
        if not choices:
            return
        message = getattr(choices[0], "message", None)
        text = getattr(message, "content", None)
        if isinstance(text, str) and text:
            self.started = True
            self.out.text = text
            self.gate.feed(text)
        for call in getattr(message, "tool_calls", None) or []:
            if getattr(call, "type", "function") in (None, "function"):
                fn = getattr(call, "function", None)
                self.out.calls.append(
                    PendingCall(getattr(call, "id", None) or "", getattr(fn, "name", "") or "", _args(fn))
                )
        self.out.finish_reason = getattr(choices[0], "finish_reason", None)

    def feed_usage(self, usage: Any) -> None:
        if usage is not None:
            self.out.usage = usage_dict(usage)

    def _fragments(self, fragments: list[Any]) -> None:
        count = len(fragments)
        for position, fragment in enumerate(fragments):
            if getattr(fragment, "type", None) not in (None, "function"):
                continue  # "custom" and whatever comes next: not ours to run
            self.started = True
            fn = getattr(fragment, "function", None)
            slot = self._slot(fragment, fn, position, count)
            slot.id = slot.id or (getattr(fragment, "id", None) or "")
            slot.name = slot.name or (getattr(fn, "name", None) or "")
            slot.arguments += _args(fn)

    def _slot(self, fragment: Any, fn: Any, position: int, count: int) -> PendingCall:
        index = getattr(fragment, "index", None)
        call_id = getattr(fragment, "id", None) or ""
        if isinstance(index, int):
            slot = self._by_index.get(index)
            if slot is None or (call_id and slot.id and call_id != slot.id):  # one index reused for all
                slot = self._by_index[index] = self._new(call_id)
            return slot
        if call_id:
            return self._by_id.get(call_id) or self._new(call_id)
        if getattr(fn, "name", None) or not self.out.calls:
            return self._new("")
        back = len(self.out.calls) - count + position
        return self.out.calls[back] if back >= 0 else self.out.calls[-1]

    def _new(self, call_id: str) -> PendingCall:
        slot = PendingCall(id=call_id)
        self.out.calls.append(slot)
        if call_id:
            self._by_id[call_id] = slot
        return slot


def _args(fn: Any) -> str:
    arguments = getattr(fn, "arguments", None)
    if arguments is None:
        return ""
    if isinstance(arguments, str):
        return arguments
    return json.dumps(arguments, separators=(",", ":"))  # a server that sends an object


def usage_dict(usage: Any) -> dict:
    raw = usage.model_dump() if hasattr(usage, "model_dump") else dict(usage)
    return {k: raw[k] for k in ("prompt_tokens", "completion_tokens", "total_tokens") if isinstance(raw.get(k), int)}


def text_calls(text: str, names: set[str]) -> list[PendingCall] | None:
    """The calls a text answer is made of (``{"name": …, "arguments": …}``, a list of them, hermes
    ``<tool_call>`` tags, a fenced block), or None when it is a reply after all."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    parts = _TOOL_TAG.findall(body) if body.startswith("<tool_call>") else [body]
    calls: list[PendingCall] = []
    for part in parts:
        try:
            value = json.loads(part)
        except ValueError:
            return None
        for item in value if isinstance(value, list) else [value]:
            call = _text_call(item, names)
            if call is None:
                return None
            calls.append(call)
    return calls or None


def _text_call(item: Any, names: set[str]) -> PendingCall | None:
    if not isinstance(item, dict):
        return None
    if isinstance(item.get("function"), dict):
        item = item["function"]
    name = item.get("name")
    if name not in names:
        return None
    arguments = item.get("arguments", item.get("parameters", {}))
    if not isinstance(arguments, str):
        arguments = json.dumps(arguments, separators=(",", ":"))
    return PendingCall(id="", name=name, arguments=arguments)
