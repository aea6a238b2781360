"""A keychain for app processes a test starts (``PYTHON_KEYRING_BACKEND`` names this class): a JSON
file whose path is in ``AI_COACH_TEST_KEYRING``. Only for tests: it keeps secrets in plain text."""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend


class FileKeyring(KeyringBackend):
    priority = 1

    @property
    def _path(self) -> Path:
        return Path(os.environ["AI_COACH_TEST_KEYRING"])

    def _all(self) -> dict:
        return json.loads(self._path.read_text()) if self._path.exists() else {}

    def get_password(self, service, username):
        return self._all().get(f"{service}/{username}")

    def set_password(self, service, username, password):
        values = self._all()
        values[f"{service}/{username}"] = password
        self._path.write_text(json.dumps(values))

    def delete_password(self, service, username):
        values = self._all()
        values.pop(f"{service}/{username}", None)
        self._path.write_text(json.dumps(values))
