"""The coach's client of OpenAI-compatible chat-completions servers (Qt-free; tools come in as a
``ToolRunner``, so nothing here knows the app)."""

from data.llm.client import LlmClient, LlmSettings, ToolRunner, TurnResult
from data.llm.errors import LlmError
from data.llm.history import trim_history

__all__ = ["LlmClient", "LlmError", "LlmSettings", "ToolRunner", "TurnResult", "trim_history"]
