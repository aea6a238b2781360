"""Fixtures of the sync tests: app devices (their own stores) and an in-memory keychain."""

from tests.server.sync.devices import devices, memory_keyring  # noqa: F401 (fixtures, found by pytest here)
