"""`ai-coach` given a bad replay file, zone or symbol: one clear message, never a crash. A smoke run
fails (non-zero, the message on stderr); the window would go on with the demo market."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import parse_args
from tests.conftest import REPO, shared_path
from tests.data.test_recording_files import CRAFTED
from tests.data.test_replay import needs_data

ENV = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}


def _smoke(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "--smoke", "--data-dir", str(tmp_path / "data"), *args],
                          cwd=REPO, env=ENV, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_a_crafted_parquet_replay_file_gives_a_message_not_a_crash(tmp_path: Path) -> None:
    crafted = tmp_path / "SPY_1min.parquet"
    crafted.write_bytes(CRAFTED)  # segfaulted fastparquet inside the app before (issue 12)
    result = _smoke(tmp_path, "--provider", "replay", "--replay-file", str(crafted))
    assert result.returncode > 0, f"killed by {signal.Signals(-result.returncode).name}" if result.returncode < 0 \
        else result.stdout
    assert "SMOKE FAILED: replay is unavailable: Cannot read SPY_1min.parquet as Parquet: SPY_1min.parquet is " \
           "not a readable Parquet file" in result.stderr
    assert "SMOKE OK" not in result.stdout and "Traceback" not in result.stderr


@pytest.mark.slow
def test_a_malformed_csv_replay_file_fails_the_smoke_run_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "SPY_1min.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage,,,\n")
    result = _smoke(tmp_path, "--replay-file", str(bad))
    assert result.returncode == 2, result.stdout
    assert "SMOKE FAILED: replay is unavailable: SPY_1min.csv is not UTF-8 text" in result.stderr


def test_an_unknown_replay_time_zone_is_a_command_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    for zone in ("Foo/Bar", "../../etc/passwd", ""):
        with pytest.raises(SystemExit) as exit_info:
            parse_args(["--replay-file", "x.csv", "--replay-tz", zone])
        assert exit_info.value.code == 2
        assert f"unknown time zone '{zone}'" in capsys.readouterr().err
    assert parse_args(["--replay-file", "x.csv", "--replay-tz", "Europe/London"]).replay_tz == "Europe/London"


@needs_data
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Series.values returning an ndarray that drops timezone")
def test_the_app_replays_a_real_parquet_file_decoded_in_a_child_process(tmp_path: Path) -> None:
    import fastparquet
    import pandas as pd

    source = shared_path("data", "bars_intraday", "bar_end_labeled_1min_2019", "SPY_1min_20190211_20190215.csv")
    parquet = tmp_path / "SPY_1min.parquet"
    fastparquet.write(str(parquet), pd.read_csv(source))
    result = _smoke(tmp_path, "--replay-file", str(parquet), "--replay-label", "end", "--speed", "100")
    assert result.returncode == 0, result.stderr
    assert "SMOKE OK provider=replay" in result.stdout
