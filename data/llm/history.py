"""The context budget: which messages of a conversation go to the model.

Tokens are estimated at four characters each. The leading system message(s) and the current turn
(the last user message and what followed it) always go; older turns go newest first while they
fit, and the ones left out become one short system note. An assistant message that called tools is
never parted from its tool messages, and the tool results of earlier turns are cut to
``TOOL_CHARS`` characters (saying so); the current turn's only when it alone is over the budget.
"""

from __future__ import annotations

import json
import re
from typing import Any

TOOL_CHARS = 1_500
NOTE = "Earlier conversation: {n} messages left out."
_NOTE = re.compile(r"^Earlier conversation: (\d+) messages? left out")


def estimate_tokens(message: dict[str, Any]) -> int:
    content = message.get("content")
    size = len(content) if isinstance(content, str) else len(json.dumps(content or "", default=str))
    if message.get("tool_calls"):
        size += len(json.dumps(message["tool_calls"], default=str))
    return size // 4 + 4  # a few tokens of framing per message


def _tokens(messages: list[dict[str, Any]]) -> int:
    return sum(estimate_tokens(m) for m in messages)


def _note_count(message: dict[str, Any]) -> int | None:
    content = message.get("content")
    if message.get("role") != "system" or not isinstance(content, str):
        return None
    match = _NOTE.match(content)
    return int(match.group(1)) if match else None


def compact_tool(message: dict[str, Any], limit: int = TOOL_CHARS) -> dict[str, Any]:
    content = message.get("content")
    if message.get("role") != "tool" or not isinstance(content, str) or len(content) <= limit:
        return message
    cut = f"{content[:limit]} … [cut: {limit} of {len(content)} characters shown]"
    return {**message, "content": cut}


def _groups(messages: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """One message each, except an assistant's tool calls with the tool messages that answer them."""
    groups: list[list[dict[str, Any]]] = []
    for message in messages:
        if message.get("role") == "tool" and groups and _calls_tools(groups[-1][0]):
            groups[-1].append(message)
        else:
            groups.append([message])
    return groups


def _calls_tools(message: dict[str, Any]) -> bool:
    return message.get("role") == "assistant" and bool(message.get("tool_calls"))


def trim_history(messages: list[dict[str, Any]], budget_tokens: int) -> list[dict[str, Any]]:
    """The messages to send within ``budget_tokens`` (the input is not changed)."""
    earlier = sum(_note_count(m) or 0 for m in messages)
    rest = [m for m in messages if _note_count(m) is None]
    lead = 0
    while lead < len(rest) and rest[lead].get("role") == "system":
        lead += 1
    head, rest = rest[:lead], rest[lead:]
    users = [i for i, m in enumerate(rest) if m.get("role") == "user"]
    start = users[-1] if users else len(rest)
    older, current = rest[:start], rest[start:]
    left = budget_tokens - _tokens(head) - _tokens(current) - 16  # 16: the note, if one is needed
    kept: list[dict[str, Any]] = []
    groups = [[compact_tool(m) for m in group] for group in _groups(older)]
    while groups and _tokens(groups[-1]) <= left:
        left -= _tokens(groups[-1])
        kept[:0] = groups.pop()
    dropped = earlier + sum(len(g) for g in groups)
    if left < 0:
        current = [compact_tool(m) for m in current]
    note = [{"role": "system", "content": NOTE.format(n=dropped)}] if dropped else []
    return [*head, *note, *kept, *current]
