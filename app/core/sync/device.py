"""The name this computer gives itself in the account's device list."""

from __future__ import annotations

import platform


def device_name() -> str:
    host = platform.node().split(".")[0] or "computer"
    return f"{host} ({platform.system() or 'desktop'})"[:120]
