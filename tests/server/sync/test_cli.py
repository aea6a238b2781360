"""``ai-coach sync`` in its own process (the app's engine and SyncService, a test keychain file):
sign in, a round that sends a change, the devices, revoke, sign out; ``--json`` is one object."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from data.store import journal
from data.store.database import Store
from data.store.records import TradeNote
from tests.conftest import REPO
from tests.server.sync.devices import PASSWORD


def _sync(tmp_path: Path, *args: str) -> dict:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "tests.server.sync.file_keyring.FileKeyring",
           "AI_COACH_TEST_KEYRING": str(tmp_path / "keychain.json"), "AI_COACH_PASSWORD": PASSWORD}
    done = subprocess.run([sys.executable, "-m", "app", "sync", *args, "--provider", "demo", "--data-dir",
                           str(tmp_path / "data"), "--json"], cwd=REPO, capture_output=True, text=True, timeout=180,
                          env=env)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["code"] = done.returncode
    return result


@pytest.mark.slow  # five app starts
def test_sign_in_a_round_devices_and_sign_out_from_the_command_line(backend, tmp_path: Path, unique) -> None:
    from datetime import UTC, datetime

    email = f"cli-{unique}@example.com"
    signed = _sync(tmp_path, "--sign-in", backend.base_url, "--email", email, "--create")
    assert signed["code"] == 0 and signed["status"]["state"] == "synced", signed
    assert signed["status"]["email"] == email and signed["status"]["waiting"] == 0
    store = Store.open(tmp_path / "data")
    store.run_sync(lambda s: journal.save_note(s, TradeNote("CLI-1", notes="from the terminal"),
                                               datetime(2026, 11, 30, tzinfo=UTC)))
    store.close()
    assert _sync(tmp_path, "--status")["status"]["state"] == "syncing"  # the status before a round
    rounded = _sync(tmp_path)
    assert rounded["code"] == 0 and rounded["status"]["waiting"] == 0
    listed = _sync(tmp_path, "--devices")["devices"]
    assert [d["current"] for d in listed] == [True] and set(listed[0]) >= {"id", "name", "revoked_at"}
    out = _sync(tmp_path, "--sign-out")
    assert out["status"]["state"] == "off" and json.loads((tmp_path / "keychain.json").read_text()) == {}
    assert "token" not in json.dumps(out)
