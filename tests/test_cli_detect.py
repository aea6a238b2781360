"""``ai-coach detect`` end to end, as a user runs it (``python -m app detect ...``): the text and
``--json`` output in the README's documented format, plain one-line errors with a non-zero exit
for bad input, no Qt imported, and the GUI's flags untouched by the verbs."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from app.cli import main, parse_args
from tests.conftest import REPO, SHARED

DETECTION_KEYS = {"type", "symbol", "detector", "direction", "time", "entry", "stop", "targets", "confidence",
                  "risk_reward", "evidence", "outcome", "r"}
SUMMARY_KEYS = {"type", "detector", "fired", "targets", "stops", "open", "hit_rate", "hit_rate_low",
                "hit_rate_high", "average_r"}
BAR_END_SPY = SHARED / "data" / "bars_intraday" / "bar_end_labeled_1min_2019" / "SPY_1min_20190211_20190215.csv"


def _detect(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "detect", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120)


def write_random_walk(folder: Path, symbol: str = "SPY", sessions: int = 6, seed: int = 3) -> Path:
    """``sessions`` regular sessions of seeded random-walk minute bars (naive New York time)."""
    rng = np.random.default_rng(seed)
    rows, price, day = ["datetime,open,high,low,close,volume"], 500.0, date(2026, 11, 16)
    for _ in range(sessions):
        while day.weekday() >= 5:
            day += timedelta(days=1)
        price *= 1 + rng.normal(0, 0.006)  # an overnight gap
        for minute, step in enumerate(rng.normal(0, 0.0008, 390)):
            close = price * (1 + step)
            wick = np.abs(rng.normal(0, 3e-4, 2))
            high, low = max(price, close) * (1 + wick[0]), min(price, close) * (1 - wick[1])
            stamp = datetime(day.year, day.month, day.day, 9, 30) + timedelta(minutes=minute)
            rows.append(f"{stamp:%Y-%m-%d %H:%M:%S},{price:.2f},{high:.2f},{low:.2f},{close:.2f},"
                        f"{int(rng.integers(5_000, 50_000) * (3 if minute < 15 else 1))}")
            price = close
        day += timedelta(days=1)
    path = folder / f"{symbol}_1min.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def _check_json(stdout: str) -> tuple[list[dict], list[dict]]:
    objects = [json.loads(line) for line in stdout.splitlines()]
    detections = [o for o in objects if o["type"] == "detection"]
    summaries = [o for o in objects if o["type"] == "summary"]
    assert len(detections) + len(summaries) == len(objects) and len(summaries) == 8
    for d in detections:
        assert set(d) == DETECTION_KEYS
        assert datetime.fromisoformat(d["time"]).utcoffset() is not None and d["time"][-6] in "+-"
        assert d["direction"] in ("long", "short") and d["outcome"] in ("target", "stop", "open", None)
        assert 0 <= d["confidence"] <= 1 and 1 <= len(d["targets"]) <= 2 and d["entry"] != d["stop"]
    for s in summaries:
        assert set(s) == SUMMARY_KEYS and s["fired"] >= s["targets"] + s["stops"] + s["open"]
        assert s["fired"] == sum(1 for d in detections if d["detector"] == s["detector"])
    return detections, summaries


def test_json_lines_have_the_documented_keys_and_iso_times_with_offsets(tmp_path: Path) -> None:
    result = _detect(str(write_random_walk(tmp_path)), "--json")
    assert result.returncode == 0
    assert all(line.startswith("ai-coach detect: note: ") for line in result.stderr.splitlines())  # notes only
    detections, _summaries = _check_json(result.stdout)
    assert detections and all(d["symbol"] == "SPY" for d in detections)


@pytest.mark.skipif(not BAR_END_SPY.exists(), reason="../shared/data/bars_intraday not present (plain clone)")
def test_a_real_bar_end_file_in_text_and_json(tmp_path: Path) -> None:
    text = _detect(str(BAR_END_SPY), "--replay-label", "end")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith("SPY, 1-minute bars 2019-02-11 to 2019-02-15: 1,950 bars, 5 sessions")
    assert any(line.startswith("2019-02-1") and "-05:00  SPY  " in line and "confidence" in line for line in lines)
    header = next(i for i, line in enumerate(lines) if line.startswith("detector "))
    assert "hit rate (95 % CI)" in lines[header] and lines[-1].startswith("total ")
    assert len(lines) - header == 10  # the header, eight detectors, the total
    detections, _summaries = _check_json(_detect(str(BAR_END_SPY), "--replay-label", "end", "--json").stdout)
    assert min(d["time"] for d in detections) > "2019-02-11T09:31"  # decided on closed bars only


def _one_plain_line(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1 and result.stdout == ""
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("ai-coach detect: ") and all(f in result.stderr for f in fragments)


def test_bad_input_exits_non_zero_with_one_plain_line(tmp_path: Path) -> None:
    _one_plain_line(_detect(str(tmp_path / "SPY_missing.csv")), "Recording not found")
    corrupt = tmp_path / "SPY_1min.csv"
    corrupt.write_bytes(b"datetime,open,high,low,close\n\x00\x00\xfe garbage")
    _one_plain_line(_detect(str(corrupt), "--json"), "SPY_1min.csv")
    _one_plain_line(_detect(str(corrupt), "--replay-tz", "Mars/Olympus"), "Unknown time zone 'Mars/Olympus'")
    usage = _detect("--replay-label", "sideways", str(corrupt))
    assert usage.returncode == 2 and "invalid choice" in usage.stderr and "Traceback" not in usage.stderr


def test_detect_imports_no_qt_and_returns_its_exit_code(tmp_path: Path) -> None:
    path = write_random_walk(tmp_path, sessions=3)
    probe = ("import sys, io, contextlib\nfrom app.cli import main\nbuf = io.StringIO()\n"
             f"with contextlib.redirect_stdout(buf):\n    code = main(['detect', {str(path)!r}, '--json'])\n"
             "print(code, sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'qasync', "
             "'pyqtgraph', 'app.ui') or m.startswith('app.ui')))")
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=120,
                            env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})  # no DISPLAY either
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 []"


def test_the_verbs_leave_the_gui_flags_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert parse_args(["--replay-file", "detect"]).replay_file == Path("detect")  # a file named like a verb
    with pytest.raises(SystemExit) as caught:
        parse_args(["--help"])
    assert caught.value.code == 0 and "detect FILE" in capsys.readouterr().out
    assert main(["detect", str(write_random_walk(tmp_path, sessions=2)), "--json"]) == 0
    _check_json(capsys.readouterr().out)


def test_dropped_rows_are_said_in_the_text_and_on_stderr_with_json(tmp_path: Path) -> None:
    path = write_random_walk(tmp_path, sessions=2)
    lines = path.read_text().splitlines()
    lines[5] = lines[5].split(",")[0] + ",1,abc,0.5,1.5,100"  # an unreadable row
    path.write_text("\n".join(lines) + "\n")
    text = _detect(str(path))
    assert text.returncode == 0 and "note: 1 of " in text.stdout and "rows were dropped" in text.stdout
    as_json = _detect(str(path), "--json")
    assert as_json.returncode == 0 and "ai-coach detect: note: 1 of " in as_json.stderr
    _check_json(as_json.stdout)  # stdout is still JSON lines only
