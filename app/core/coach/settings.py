"""The coach's model settings: the server address and model from the preferences (or the command
line), the key from the keychain or ``OPENAI_API_KEY`` (``app.core.secrets``; none needed for a
local server). No model named means no client: the coach answers commands."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from data.llm.client import LlmClient, LlmSettings

LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def llm_settings(preferences: Mapping[str, Any], lookup_key: Callable[[str], str | None], *,
                 base_url: str | None = None, model: str | None = None) -> LlmSettings | None:
    """``base_url``/``model`` (the command line's) win over the preferences; None without a model."""
    url = (base_url if base_url is not None else preferences.get("coach_base_url", "")) or None
    name = (model if model is not None else preferences.get("coach_model", "")) or ""
    if not name.strip():
        return None
    local = url is not None and any(f"//{host}" in url for host in LOCAL_HOSTS)
    key = None if local else lookup_key("openai")  # a local server needs none: the keychain is not asked
    return LlmSettings(url, name.strip(), key)


def client_factory(settings: Callable[[], LlmSettings | None]) -> Callable[[], LlmClient | None]:
    def make() -> LlmClient | None:
        chosen = settings()
        return LlmClient(chosen) if chosen is not None else None
    return make
