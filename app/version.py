"""The app's version, from the installed package's metadata (the frozen bundle carries it too)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "ai-coach-desktop"


def app_version() -> str:
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a bare source tree
        return "unknown (not installed)"
