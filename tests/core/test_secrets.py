"""API keys through the core: masked status, saving (redacted from logs first), the provider's
lookup — the keychain replaced by a dictionary."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from app.core import secrets as core_secrets
from app.core.context import EngineConfig
from app.core.provider_factory import create_provider
from app.core.secrets import KeyStatus, SecretsService
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
    service = SecretsService()
    assert await service.status("massive") == KeyStatus("massive", None, None)
    assert (await service.status("massive")).message == "No key saved yet."
    status = await service.save("massive", " abcdef123456 ")
    assert status == KeyStatus("massive", secrets.mask("abcdef123456"), "keychain")
    assert status.message == f"Key {secrets.mask('abcdef123456')} from keychain." and "abcdef" not in status.message
    assert "abcdef123456" in keychain.redacted  # registered before it was stored
    assert await service.lookup("massive") == "abcdef123456"


def test_the_provider_factory_hands_the_looked_up_key_to_the_provider(keychain, calendar, tmp_path,
                                                                      monkeypatch) -> None:
    handed: dict[str, object] = {}

    def fake_create(name, calendar, **options):
        handed.update(options)
        raise ProviderError("stop here")

    monkeypatch.setattr("data.providers.registry.create_provider", fake_create)
    keychain.keys["massive"] = "abcdef123456"
    with pytest.raises(ProviderError):
        create_provider("massive", calendar, EngineConfig(tmp_path, provider="massive"))
    assert handed["api_key"] == "abcdef123456" and "abcdef123456" in keychain.redacted
