"""API keys as the app uses them: the status the UI may show (masked), saving a key, the lookup
a provider needs.

Keys live in the OS keychain or an environment variable (``data.secrets``). Every key this
module reads or saves is registered with the log redactor first. The keychain may block (D-Bus,
an unlock prompt), so ``status`` and ``save`` run it in a worker thread (the preferences panel
awaits them, also before the engine starts); ``lookup_key`` is the blocking call for the
provider factory, which the engine calls in a worker thread.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from app.core.logging_setup import register_secret


@dataclass(frozen=True, slots=True)
class KeyStatus:
    name: str  # "massive" …
    masked: str | None  # the last four characters, or None when no key is saved
    source: str | None  # "keychain" or the environment variable's name

    @property
    def message(self) -> str:
        return f"Key {self.masked} from {self.source}." if self.masked is not None else "No key saved yet."


def lookup_key(name: str) -> str | None:
    """The key for ``name`` (keychain, else environment), registered with the redactor. Blocks."""
    from data import secrets  # the module, not its function: tests replace get_api_key

    found = secrets.get_api_key(name)
    if found is None:
        return None
    register_secret(found.value)
    return found.value


def key_status(name: str) -> KeyStatus:
    from data import secrets

    found = secrets.get_api_key(name)
    if found is None:
        return KeyStatus(name, None, None)
    register_secret(found.value)
    return KeyStatus(name, secrets.mask(found.value), found.source)


def save_key(name: str, value: str) -> KeyStatus:
    """Keep ``value`` in the keychain (``SecretStoreError`` with what to do instead if it cannot)."""
    from data import secrets

    register_secret(value)  # before anything can log it (as typed, and as it is stored)
    register_secret(value.strip())
    secrets.set_api_key(name, value)
    return key_status(name)


async def status(name: str) -> KeyStatus:
    """``key_status`` in a worker thread. Needs no engine: the preferences panel asks at start-up."""
    return await asyncio.to_thread(key_status, name)


async def save(name: str, value: str) -> KeyStatus:
    return await asyncio.to_thread(save_key, name, value)
