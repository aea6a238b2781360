"""``ai-coach brief`` on the demo market: the text, the stable JSON object on the last line, the
30-minute freshness (a second run prints the stored brief), ``--force``, and a bad symbol's message."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app", "brief", "--provider", "demo", "--data-dir", str(tmp_path),
                           *args], cwd=REPO, capture_output=True, text=True, timeout=120)


def test_the_brief_verb_prints_text_and_one_json_object(tmp_path: Path) -> None:
    first = _run(tmp_path, "--watchlist", "SPY,aapl", "--json")
    assert first.returncode == 0, first.stderr
    brief = json.loads(first.stdout.strip().splitlines()[-1])
    assert {"market_date", "levels", "macro_events", "earnings", "positions", "watch_items"} <= set(brief)
    spy, aapl = brief["levels"]
    assert (spy["symbol"], aapl["symbol"]) == ("SPY", "AAPL") and brief["trigger"] == "preview"
    for key in ("prior_high", "prior_low", "prior_close", "pivot", "r1", "s1", "gex_flip", "call_wall",
                "expected_move"):
        assert isinstance(spy[key], float), key
    assert spy["prior_low"] <= spy["pivot"] <= spy["prior_high"]
    assert "Morning brief" in first.stderr and "Levels" in first.stderr  # the text, beside the JSON

    again = json.loads(_run(tmp_path, "--watchlist", "SPY,AAPL", "--json").stdout.strip().splitlines()[-1])
    assert again["generated_at"] == brief["generated_at"]  # fresh for 30 minutes: the stored one
    forced = json.loads(_run(tmp_path, "--watchlist", "SPY,AAPL", "--json", "--force").stdout.splitlines()[-1])
    assert forced["generated_at"] > brief["generated_at"]

    text = _run(tmp_path, "--watchlist", "SPY")
    assert text.returncode == 0 and text.stdout.startswith("Morning brief") and "SPY" in text.stdout


def test_a_bad_symbol_is_one_plain_line(tmp_path: Path) -> None:
    bad = _run(tmp_path, "--watchlist", "SP Y$,")
    assert bad.returncode == 1 and bad.stderr.startswith("ai-coach brief: ") and "Traceback" not in bad.stderr
