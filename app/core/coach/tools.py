"""The coach's tool registry: one list of functions over the engine's services, each with a JSON
schema (the OpenAI ``tools`` parameter) and a compact JSON result plus the card the panel shows.

``CoachTools.call`` never raises: invalid JSON, arguments against the schema, an unknown tool, a
bad symbol or a service failure all come back as a ``ToolCallRecord`` whose ``error`` says it in
plain words and whose ``result`` is ``{"error": …}``. Actions (show on chart, open chain, set an
alert, track a setup) only propose: their card carries the button; nothing happens until the
trader clicks it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from app.core.coach import tool_actions, tool_journal, tool_market, tool_options
from app.core.coach.tool_base import ToolEnv, ToolError, ToolSpec
from data.coach import Card, ToolCallRecord

if TYPE_CHECKING:
    from data.market_calendar import MarketCalendar
    from data.providers.base import MarketDataProvider

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_ARGUMENTS = 4000  # characters of JSON arguments read
TOOLS: tuple[ToolSpec, ...] = (*tool_options.TOOLS, *tool_market.TOOLS, *tool_journal.TOOLS, *tool_actions.TOOLS)
_TYPES = {"string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,), "array": (list,),
          "object": (dict,)}


def validate(arguments: dict[str, Any], schema: dict[str, Any], where: str = "") -> str:
    """The first way ``arguments`` break ``schema`` in plain words ("" when they fit). Small and
    strict: types (a bool is no number), required, enums, unknown properties, array items and
    sizes, numeric minimum/maximum."""
    kind = schema.get("type")
    if kind is not None and not _is(arguments, kind):
        return f"{where or 'the arguments'} must be {_a(kind)}"
    if "enum" in schema and arguments not in schema["enum"]:
        return f"{where or 'the value'} must be one of {', '.join(map(str, schema['enum']))}"
    if kind == "object":
        props = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in arguments:
                return f"'{name}' is required"
        for name, value in arguments.items():
            if name not in props:
                if schema.get("additionalProperties", True) is False:
                    return f"unknown argument '{name}' (expected: {', '.join(props) or 'none'})"
                continue
            problem = validate(value, props[name], f"'{name}'")
            if problem:
                return problem
    if kind == "array":
        if "maxItems" in schema and len(arguments) > schema["maxItems"]:
            return f"{where} takes at most {schema['maxItems']} items"
        for i, item in enumerate(arguments):
            problem = validate(item, schema.get("items", {}), f"{where}[{i}]")
            if problem:
                return problem
    if kind in ("integer", "number"):
        if "minimum" in schema and arguments < schema["minimum"]:
            return f"{where} must be at least {schema['minimum']}"
        if "maximum" in schema and arguments > schema["maximum"]:
            return f"{where} must be at most {schema['maximum']}"
    return ""


def _is(value: Any, kind: str) -> bool:
    if isinstance(value, bool) and kind in ("integer", "number"):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(kind, (object,)))


def _a(kind: str) -> str:
    return {"integer": "a whole number", "array": "a list", "object": "an object"}.get(kind, f"a {kind}")


class CoachTools:
    """``service`` is the engine's lookup by class (``engine.service``), ``now`` market time;
    ``provider`` (the provider of the moment) and ``calendar`` serve the symbols the active
    snapshot does not cover."""

    def __init__(self, service: Callable[[type[T]], T], now: Callable[[], datetime], *,
                 provider: Callable[[], MarketDataProvider] | None = None,
                 calendar: MarketCalendar | None = None, tools: tuple[ToolSpec, ...] = TOOLS) -> None:
        self._env = ToolEnv(service, now, provider, calendar)
        self._tools = {t.name: t for t in tools}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._tools)

    def schemas(self) -> list[dict[str, Any]]:
        """The OpenAI ``tools`` parameter."""
        return [t.schema() for t in self._tools.values()]

    def active_symbol(self) -> str:
        """The workspace's active symbol ("" when there is no workspace)."""
        try:
            return self._env.workspace().active_symbol
        except (LookupError, AttributeError):
            return ""

    def spec(self, name: str) -> ToolSpec | None:
        return self._tools.get(name)

    async def call(self, name: str, arguments: str | dict[str, Any] | None, call_id: str = "") -> ToolCallRecord:
        args: dict[str, Any] = {}
        try:
            args = _parse(arguments)
            tool = self._tools.get(name)
            if tool is None:
                raise ToolError(f"There is no tool named '{name}' (tools: {', '.join(self._tools)}).")
            problem = validate(args, tool.parameters)
            if problem:
                raise ToolError(f"Bad arguments for {name}: {problem}.")
            result, card = await tool.run(self._env, **args)
        except ToolError as exc:
            return _failed(call_id, name, args, str(exc))
        except Exception as exc:  # a service failed: said in words, logged with its trace
            log.warning("coach tool %s failed", name, exc_info=True)
            from app.core.logging_setup import redact

            return _failed(call_id, name, args, f"{name} failed: {redact(str(exc)) or type(exc).__name__}.")
        return ToolCallRecord(call_id, name, args, result, card)


def _parse(arguments: str | dict[str, Any] | None) -> dict[str, Any]:
    if arguments is None or arguments == "":
        return {}
    if isinstance(arguments, dict):
        return dict(arguments)
    if not isinstance(arguments, str):
        raise ToolError("The arguments must be a JSON object.")
    if len(arguments) > MAX_ARGUMENTS:
        raise ToolError(f"The arguments are too long ({len(arguments)} characters).")
    try:
        parsed = json.loads(arguments)
    except ValueError as exc:
        raise ToolError(f"The arguments are not valid JSON ({exc.msg} at character {exc.pos}).") from None
    if not isinstance(parsed, dict):
        raise ToolError("The arguments must be a JSON object.")
    return parsed


def _failed(call_id: str, name: str, args: dict[str, Any], error: str) -> ToolCallRecord:
    return ToolCallRecord(call_id, name, args, {"error": error}, Card("error", name, (("Error", error),)), error)


def result_json(record: ToolCallRecord) -> str:
    """The text the model reads for a tool result (compact, no NaN)."""
    return json.dumps(record.result, separators=(",", ":"), ensure_ascii=False, default=str)
