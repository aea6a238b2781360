"""Reading reports its progress: every parser calls ``progress(done, total)`` with rising counts
that end at the total (the real exports and the IBKR fixtures the parser tests use)."""

from __future__ import annotations

from pathlib import Path

import pytest

from data.files.brokers import base, registry
from tests.conftest import shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "ibkr"
REAL = [("thinkorswim", "2022-06-21_account_trade_history_section.csv"),
        ("thinkorswim", "2022-06-21-AccountStatement_ORIGINAL_FORMAT.csv"),
        ("webull", "webull_orders_options_sample_A.csv")]


def _calls(path: Path, broker: str | None = None, **options) -> list[tuple[int, int]]:
    calls: list[tuple[int, int]] = []
    result = registry.parse_file(path, broker, progress=lambda done, total: calls.append((done, total)), **options)
    assert result.executions
    return calls


def _check(calls: list[tuple[int, int]], at_least: int) -> None:
    assert len(calls) >= at_least, calls
    done = [d for d, _ in calls]
    (total,) = {t for _, t in calls}
    assert done == sorted(set(done)), "counts rise, never repeat"
    assert done[-1] == total > 0


@pytest.fixture
def often(monkeypatch):
    monkeypatch.setattr(base, "PROGRESS_EVERY", 10)  # small files still report several times


@pytest.mark.parametrize("parts", REAL, ids=[p[1] for p in REAL])
def test_real_exports_report_rising_progress_to_the_total(often, parts):
    _check(_calls(shared_path("data", "broker_exports", *parts)), at_least=5)


@pytest.mark.parametrize("name", ["flex_trades.csv", "flex_trades.xml"])
def test_ibkr_reports_progress(monkeypatch, name):
    monkeypatch.setattr(base, "PROGRESS_EVERY", 1)
    _check(_calls(FIXTURES / name), at_least=2)


def test_generic_csv_reports_progress_in_lines(often, tmp_path):
    path = tmp_path / "fills.csv"
    rows = [f"2024-03-01 09:{m:02d}:00,AAPL,Buy,1,180.{m:02d}" for m in range(55)]
    path.write_text("Time,Symbol,Side,Quantity,Price\n" + "\n".join(rows) + "\n", encoding="utf-8")
    calls = _calls(path, "generic")
    _check(calls, at_least=5)
    assert calls[-1] == (56, 56)  # the header and 55 rows


def test_the_default_reports_a_few_times_for_a_big_file(tmp_path):
    calls: list[tuple[int, int]] = []
    tick = base.ProgressTicker(lambda d, t: calls.append((d, t)), 10_000)
    for row in range(10_000):
        tick(row)
    tick.finish()
    assert len(calls) == 10_000 // base.PROGRESS_EVERY and calls[-1] == (10_000, 10_000)
    assert base.ProgressTicker(None, 10).finish() is None  # no callback: nothing to call
