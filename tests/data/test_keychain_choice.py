"""Which keychain the app's keys go to: keyring's own choice on this desktop, made without
importing the other systems' backends (macOS's runs ldconfig, gcc and ld at import on Linux)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import keyring
from data.secrets import get_api_key
found = get_api_key("massive")
print(json.dumps({"backend": type(keyring.get_keyring()).__module__ + "." + type(keyring.get_keyring()).__name__,
                  "macos_imported": "keyring.backends.macOS" in sys.modules,
                  "found": None if found is None else found.source}))
"""


def _probe(tmp_path: Path, **env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHON_KEYRING_BACKEND", "MASSIVE_API_KEY")}
    # (a home of its own: no keyringrc.cfg, and no session bus, so no keychain is reachable)
    clean.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"), DBUS_SESSION_BUS_ADDRESS="", **env)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=clean, capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the freedesktop keychains are Linux's")
def test_without_a_reachable_keychain_keys_come_from_the_environment(tmp_path: Path) -> None:
    got = _probe(tmp_path, MASSIVE_API_KEY="abc123")
    assert got == {"backend": "keyring.backends.fail.Keyring", "macos_imported": False, "found": "MASSIVE_API_KEY"}


def test_the_users_own_choice_of_keychain_is_kept(tmp_path: Path) -> None:
    got = _probe(tmp_path, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    assert got["backend"] == "keyring.backends.null.Keyring"
    assert got["found"] is None


def test_the_keychain_named_in_keyringrc_is_kept(tmp_path: Path) -> None:
    (tmp_path / "config" / "python_keyring").mkdir(parents=True)
    (tmp_path / "config" / "python_keyring" / "keyringrc.cfg").write_text(
        "[backend]\ndefault-keyring=keyring.backends.null.Keyring\n")
    assert _probe(tmp_path)["backend"] == "keyring.backends.null.Keyring"  # (where keyring reads it)
