"""Importing broker exports into the journal: a preview first, then one transaction; the same fills
twice (the same file, or a statement after its own section) add nothing; the CLI verb reports it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.core.journal.imports import JournalService
from data.files.brokers.base import BrokerFileError
from data.store.database import Store
from tests.conftest import REPO, SHARED

TOS = SHARED / "data" / "broker_exports" / "thinkorswim"
needs_exports = pytest.mark.skipif(not TOS.exists(), reason="../shared/data/broker_exports not present (plain clone)")
STATEMENT = TOS / "2022-06-21-AccountStatement_ORIGINAL_FORMAT.csv"
SECTION = TOS / "2022-06-21_account_trade_history_section.csv"


@needs_exports
async def test_a_preview_stores_nothing_and_a_statement_after_its_section_adds_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    journal = JournalService(store, now=lambda: datetime(2026, 12, 1, 21, tzinfo=UTC))
    try:
        preview = await journal.preview(SECTION)
        assert len(preview.new) == 83 and preview.duplicates == 0 and preview.errors == []
        assert await journal.trades() == []  # the preview stored nothing
        summary = await journal.commit(preview)
        assert (summary.executions, summary.trades, summary.closed_trades) == (83, 36, 36)
        assert summary.realized_pnl == pytest.approx(99.0)  # the statement's own "P/L Day"
        again = await journal.commit(await journal.preview(STATEMENT))
        assert (again.executions, again.duplicates_skipped, again.realized_pnl) == (0, 83, pytest.approx(99.0))
        with pytest.raises(BrokerFileError, match="is not a thinkorswim"):
            bad = tmp_path / "bars.csv"
            bad.write_text("datetime,open,high,low,close\n2025-01-02 09:30,1,2,0.5,1.5\n")
            await journal.preview(bad)
    finally:
        store.close()


@needs_exports
def test_the_import_verb_prints_a_summary_and_its_json_last_line(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "app", "import", *args, "--data-dir", str(tmp_path)], cwd=REPO,
                              capture_output=True, text=True, timeout=120)

    dry = run(str(SECTION), "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    result = json.loads(dry.stdout.strip().splitlines()[-1])
    assert result["dry_run"] and result["executions"] == 83 and result["realized_pnl"] == pytest.approx(99.0)
    assert {"executions", "duplicates_skipped", "trades", "closed_trades", "realized_pnl", "errors"} <= set(result)
    first = run(str(STATEMENT))
    assert first.returncode == 0 and "stored 83 executions" in first.stdout  # the dry run stored nothing
    second = json.loads(run(str(SECTION), "--json").stdout.strip().splitlines()[-1])
    assert (second["executions"], second["duplicates_skipped"]) == (0, 83)
    missing = run(str(tmp_path / "nope.csv"))
    assert missing.returncode == 1 and missing.stderr.startswith("ai-coach import: ")
    assert "Traceback" not in missing.stderr
