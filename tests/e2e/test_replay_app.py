"""`ai-coach` replaying real recordings in smoke mode (moved from tests/data: the app needs Qt)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, shared_path
from tests.data.test_replay import needs_data


@needs_data
@pytest.mark.slow
@pytest.mark.parametrize("folder, name, label", [
    ("bar_end_labeled_1min_2019", "SPY_1min_20190211_20190215.csv", "end"),
    ("ibkr_rth_5min_2025", "SPY_5min_20250512_20250912.csv", "start"),  # no 1-minute bars to be had
])
def test_the_app_runs_a_replay(tmp_path: Path, folder: str, name: str, label: str) -> None:
    path = shared_path("data", "bars_intraday", folder, name)
    result = subprocess.run([sys.executable, "-m", "app", "--smoke", "--data-dir", str(tmp_path), "--replay-file",
                             str(path), "--replay-label", label, "--speed", "100"], cwd=REPO,
                            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "SMOKE OK provider=replay" in result.stdout
