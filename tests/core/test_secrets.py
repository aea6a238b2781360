"""API keys through the core: masked status, saving (redacted from logs first), the provider's
lookup — the keychain replaced by a dictionary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.core import secrets as core_secrets
from app.core.context import EngineConfig
from app.core.provider_factory import create_provider
from app.core.secrets import KeyStatus, lookup_key
from data import secrets
from data.providers.errors import ProviderError


@dataclass
class Keychain:
    keys: dict[str, str] = field(default_factory=dict)
    redacted: list[str] = field(default_factory=list)  # what the log redactor was told


@pytest.fixture
def keychain(monkeypatch) -> Keychain:
    kc = Keychain()
    monkeypatch.setattr(secrets, "get_api_key", lambda name: secrets.FoundKey(kc.keys[name], "keychain")
                        if name in kc.keys else None)
    monkeypatch.setattr(secrets, "set_api_key", lambda name, value: kc.keys.__setitem__(name, value.strip()))
    monkeypatch.setattr(core_secrets, "register_secret", kc.redacted.append)
    return kc


async def test_status_save_and_lookup(keychain) -> None:
    assert await core_secrets.status("massive") == KeyStatus("massive", None, None)
    assert (await core_secrets.status("massive")).message == "No key saved yet."
    status = await core_secrets.save("massive", " abcdef123456 ")
    assert status == KeyStatus("massive", secrets.mask("abcdef123456"), "keychain")
    assert status.message == f"Key {secrets.mask('abcdef123456')} from keychain." and "abcdef" not in status.message
    assert "abcdef123456" in keychain.redacted  # registered before it was stored
    assert lookup_key("massive") == "abcdef123456"


def test_the_provider_factory_hands_the_looked_up_key_to_the_provider(keychain, calendar, tmp_path,
                                                                      monkeypatch) -> None:
    handed: dict[str, object] = {}

    def fake_create(name, calendar, **provider_args):
        handed.update(provider_args)
        raise ProviderError("stop here")

    monkeypatch.setattr("data.providers.registry.create_provider", fake_create)
    keychain.keys["massive"] = "abcdef123456"
    with pytest.raises(ProviderError):
        create_provider("massive", calendar, EngineConfig(tmp_path, provider="massive"))
    assert handed["api_key"] == "abcdef123456" and "abcdef123456" in keychain.redacted


def test_the_factory_looks_up_the_key_the_registry_entry_names(keychain, calendar, tmp_path, monkeypatch) -> None:
    from data.providers import registry

    handed: dict[str, object] = {}

    def make(calendar, **provider_args):
        handed.update(provider_args)
        return "built"

    monkeypatch.setitem(registry.PROVIDERS, "keyed", registry.ProviderEntry(make, secret="keyed-service"))
    monkeypatch.setitem(registry.PROVIDERS, "keyless", registry.ProviderEntry(make))
    keychain.keys.update({"keyed-service": "zyxwvu987654", "keyless": "never-read-1234"})
    assert create_provider("keyed", calendar, EngineConfig(tmp_path)) == "built"
    assert handed["api_key"] == "zyxwvu987654" and "zyxwvu987654" in keychain.redacted
    handed.clear()
    create_provider("keyless", calendar, EngineConfig(tmp_path))
    assert "api_key" not in handed and "never-read-1234" not in keychain.redacted
    configured = EngineConfig(tmp_path, provider_args=(("api_key", "given-key-0000"),))
    create_provider("keyed", calendar, configured)  # a key passed in the provider arguments wins
    assert handed["api_key"] == "given-key-0000"
