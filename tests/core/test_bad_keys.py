"""A pasted key HTTP cannot carry (non-ASCII, inner spaces) is refused when saved, and a stored one
makes the provider fall back to the demo market with the reason, instead of failing in a header."""

from __future__ import annotations

import pytest

from app.core import secrets as core_secrets
from app.core.context import EngineConfig
from app.core.provider_factory import create_provider, first_provider
from data import secrets
from data.providers.errors import ProviderError


@pytest.mark.parametrize("key", ["abc\u00e9def123", "abc def", "key\u200b1234", "x" * 600, "tab\there"])
def test_a_key_an_api_cannot_take_is_refused_when_saved(key: str) -> None:
    assert secrets.key_problem(key)
    with pytest.raises(secrets.SecretStoreError, match="The key"):
        secrets.set_api_key("massive", key)


def test_a_plain_key_has_no_problem() -> None:
    assert secrets.key_problem("AbC_123-xyz.~/+=") is None


def test_a_stored_key_with_a_non_ascii_character_gives_the_demo_market_and_why(calendar, tmp_path,
                                                                               monkeypatch) -> None:
    monkeypatch.setattr(secrets, "get_api_key", lambda name: secrets.FoundKey("abc\u00e9def123", "keychain"))
    monkeypatch.setattr(core_secrets, "register_secret", lambda value: None)
    config = EngineConfig(tmp_path, provider="massive")
    with pytest.raises(ProviderError, match="saved Massive key contains characters an API key cannot have"):
        create_provider("massive", calendar, config)
    provider, config, reason = first_provider(calendar, config)
    assert provider.name == "demo" and config.provider == "demo"
    assert reason.startswith("massive is unavailable: The saved Massive key contains characters")
