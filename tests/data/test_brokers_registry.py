"""Broker format detection, unknown/empty/binary files, and the broker modules' independence."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from data.files.brokers import ibkr_flex, registry, thinkorswim, webull
from data.files.brokers.base import BrokerFileError
from tests.conftest import REPO, shared_path

FIXTURES = Path(__file__).parent / "fixtures" / "ibkr"
EXPORTS = {
    ("thinkorswim", "2022-06-21-AccountStatement_ORIGINAL_FORMAT.csv"): thinkorswim,
    ("thinkorswim", "2022-06-21_account_trade_history_section.csv"): thinkorswim,
    ("webull", "webull_orders_options_sample_A.csv"): webull,
    ("webull", "webull_orders_stocks_sample_A.csv"): webull,
    ("webull", "webull_orders_stocks_sample_B.csv"): webull,
}


@pytest.mark.parametrize("parts", list(EXPORTS))
def test_every_real_export_is_detected_and_parses_cleanly(parts):
    path = shared_path("data", "broker_exports", *parts)
    assert registry.detect(path) is EXPORTS[parts]
    result = registry.parse_file(path)
    assert result.errors == [] and result.executions
    assert all(f.time.utcoffset().total_seconds() == 0 and f.quantity > 0 for f in result.executions)


@pytest.mark.parametrize("name", ["flex_trades.csv", "flex_trades.xml"])
def test_ibkr_fixtures_are_detected(name):
    assert registry.detect(FIXTURES / name) is ibkr_flex


def test_unknown_empty_and_binary_files(tmp_path):
    unknown = tmp_path / "notes.csv"
    unknown.write_text("Groceries,Amount\nmilk,2\n", encoding="utf-8")
    with pytest.raises(BrokerFileError) as info:
        registry.detect(unknown)
    assert str(info.value) == ("notes.csv is not a thinkorswim, Webull or IBKR export "
                               "(the first line reads 'Groceries,Amount').")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(BrokerFileError, match=r"empty\.csv is empty"):
        registry.parse_file(empty)
    binary = tmp_path / "trades.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(BrokerFileError, match="not a text file"):
        registry.parse_file(binary)
    with pytest.raises(BrokerFileError, match="cannot be read"):
        registry.parse_file(tmp_path / "missing.csv")
    with pytest.raises(BrokerFileError, match="'etrade' is not a broker format"):
        registry.parse_file(unknown, broker="etrade")


def test_a_named_broker_that_does_not_fit(tmp_path):
    path = shared_path("data", "broker_exports", "webull", "webull_orders_stocks_sample_A.csv")
    with pytest.raises(BrokerFileError, match="is not a thinkorswim Account Statement"):
        registry.parse_file(path, broker="thinkorswim")


def test_broker_modules_import_only_base():
    folder = REPO / "data" / "files" / "brokers"
    brokers = {p.stem for p in folder.glob("*.py")} - {"__init__", "base", "registry"}
    for stem in brokers:
        tree = ast.parse((folder / f"{stem}.py").read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module
                     for a in n.names}
        others = {f"data.files.brokers.{b}" for b in brokers - {stem}}
        assert not imported & others, f"{stem} imports another broker module"
        assert not any(m.startswith(("analytics", "app", "widgets")) for m in imported)


@pytest.mark.parametrize("parts", [("thinkorswim", "2022-06-21_account_trade_history_section.csv"),
                                   ("webull", "webull_orders_stocks_sample_B.csv"),
                                   ("webull", "webull_orders_options_sample_A.csv")])
def test_a_real_export_cut_in_its_last_line(tmp_path, parts):
    source = shared_path("data", "broker_exports", *parts)
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    cut = tmp_path / source.name
    cut.write_text("\n".join([*lines[:-1], lines[-1][: len(lines[-1]) // 2]]), encoding="utf-8")
    whole, result = registry.parse_file(source), registry.parse_file(cut)
    assert [e.line for e in result.errors] == [len(lines)]
    assert "cut off" in result.errors[0].message
    assert {f.exec_id for f in result.executions} <= {f.exec_id for f in whole.executions}
    assert len(result.executions) >= len(whole.executions) - 1


def test_parse_file_passes_options_to_the_parser():
    from zoneinfo import ZoneInfo

    result = registry.parse_file(FIXTURES / "flex_trades.csv", tz=ZoneInfo("UTC"))
    assert result.executions[0].time.hour == 9 and "given" in result.checks["time_zone"]
