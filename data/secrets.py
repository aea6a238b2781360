"""API keys: the OS keychain (keyring) first, an environment variable as fallback.

Keys are never written to the database, settings, or logs; callers register the value with the
log redaction filter as soon as they hold it.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
from dataclasses import dataclass
from types import ModuleType

SERVICE = "ai-coach"
ENV_VARS = {"massive": "MASSIVE_API_KEY", "alpha_vantage": "ALPHA_VANTAGE_API_KEY", "openai": "OPENAI_API_KEY",
            "fred": "FRED_API_KEY"}


_KEY_RE = re.compile(r"[\x21-\x7e]{1,512}")  # what an HTTP header or a URL query can carry as it is


# The keychains a Linux or BSD desktop can have: keyring's discovery also imports the macOS and
# Windows backends, and macOS's looks for the Security framework with ctypes' find_library,
# which here runs ldconfig, gcc and ld three times over (40-180 ms at every start).
_FREEDESKTOP_BACKENDS = (("keyring.backends.SecretService", "Keyring"), ("keyring.backends.kwallet", "DBusKeyring"),
                         ("keyring.backends.kwallet", "DBusKeyringKWallet4"), ("keyring.backends.libsecret", "Keyring"))
_choosing = threading.Lock()


def _keyring() -> ModuleType:
    """keyring, its backend chosen: one already set (tests), the user's own choice
    (PYTHON_KEYRING_BACKEND, keyringrc.cfg), on Linux and BSD keyring's highest-priority viable
    freedesktop keychain, elsewhere keyring's own discovery."""
    import keyring
    from keyring import core

    with _choosing:
        if getattr(core, "_keyring_backend", None) is None and sys.platform.startswith(("linux", "freebsd", "openbsd")):
            core.set_keyring(core.load_env() or core.load_config() or _freedesktop_keychain())
    return keyring


def _freedesktop_keychain():
    import importlib

    from keyring.backend import by_priority
    from keyring.backends import fail

    viable = []
    for module, name in _FREEDESKTOP_BACKENDS:
        with contextlib.suppress(Exception):  # (a backend whose own imports fail is not viable)
            backend = getattr(importlib.import_module(module), name)
            if backend.viable:
                viable.append(backend())
    return max(viable, key=by_priority, default=fail.Keyring())


class SecretStoreError(Exception):
    """The keychain cannot store the key; the message says what to do instead."""


def key_problem(value: str) -> str | None:
    """Why ``value`` cannot be an API key (e.g. a pasted non-ASCII character or inner space), or None."""
    if _KEY_RE.fullmatch(value):
        return None
    if len(value) > 512:
        return "is too long for an API key"
    return "contains characters an API key cannot have (only ASCII letters, digits and punctuation)"


@dataclass(frozen=True, slots=True)
class FoundKey:
    value: str
    source: str  # "keychain" or the environment variable's name


def get_api_key(name: str) -> FoundKey | None:
    """The key for ``name`` from the keychain, else from its environment variable."""
    keyring = _keyring()
    from keyring.errors import KeyringError

    try:
        stored = keyring.get_password(SERVICE, name)
    except KeyringError:
        stored = None  # no usable keychain on this desktop: fall back to the environment
    if stored:
        return FoundKey(stored, "keychain")
    env = ENV_VARS.get(name)
    value = os.environ.get(env, "").strip() if env else ""
    return FoundKey(value, env) if value else None


def set_api_key(name: str, value: str) -> None:
    keyring = _keyring()
    from keyring.errors import KeyringError

    value = value.strip()
    if not value:
        raise SecretStoreError("The key is empty.")
    if problem := key_problem(value):
        raise SecretStoreError(f"The key {problem}: check what was pasted.")
    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError:
        env = ENV_VARS.get(name, "the environment variable")
        raise SecretStoreError(f"This desktop has no usable keychain to keep the key safely; set {env} instead."
                               ) from None


def mask(value: str) -> str:
    """What the UI may show of a key: its last four characters."""
    return "•" * 8 + value[-4:] if len(value) > 4 else "•" * len(value)


def get_secret(name: str) -> str | None:
    """A secret only the keychain holds (a device token): no environment fallback."""
    keyring = _keyring()
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(SERVICE, name) or None
    except KeyringError:
        return None


def set_secret(name: str, value: str) -> None:
    keyring = _keyring()
    from keyring.errors import KeyringError

    try:
        keyring.set_password(SERVICE, name, value)
    except KeyringError:
        raise SecretStoreError("This desktop has no usable keychain to keep the sign-in safely (install and "
                               "unlock one, e.g. GNOME Keyring or KWallet).") from None


def delete_secret(name: str) -> None:
    keyring = _keyring()
    from keyring.errors import KeyringError, PasswordDeleteError

    with contextlib.suppress(PasswordDeleteError, KeyringError):  # nothing stored, or no keychain
        keyring.delete_password(SERVICE, name)
