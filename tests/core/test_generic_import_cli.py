"""``ai-coach import FILE --broker generic`` reads with the column mapping the app saved for the
file's columns (the mapping dialog's preference), and guesses for columns it has not seen."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from app.commands import import_trades
from data.files.brokers import generic_csv
from data.files.brokers.generic_csv import ColumnMapping
from data.store import preferences
from data.store.database import Store

# "Amount" is not a name the guess knows: only the saved mapping can read this file
TEXT = "When,Ticker,Amount,Px\n01.03.2024 15:31,AAPL,100,180.5\n01.03.2024 15:40,AAPL,-100,181\n"


def _args(path: Path, data_dir: Path) -> argparse.Namespace:
    return argparse.Namespace(file=path, broker="generic", data_dir=data_dir, dry_run=True, json=True)


def _save(data_dir: Path, header: list[str], mapping: ColumnMapping) -> None:
    store = Store.open(data_dir)
    try:
        store.run_sync(lambda s: preferences.save(s, "generic_csv_mappings", generic_csv.remember({}, header, mapping)))
    finally:
        store.close()


def test_the_saved_mapping_is_used_when_the_header_matches(tmp_path: Path, capsys) -> None:
    path = tmp_path / "fills.csv"
    path.write_text(TEXT, encoding="utf-8")
    data_dir = tmp_path / "data"
    assert import_trades.run(_args(path, data_dir), io.StringIO()) == 1  # nothing saved: the guess misses a column
    assert "choose the column for time, quantity, price" in capsys.readouterr().err
    _save(data_dir, ["When", "Ticker", "Amount", "Px"], ColumnMapping(
        time="When", symbol="Ticker", quantity="Amount", price="Px", time_format="%d.%m.%Y %H:%M"))
    out = io.StringIO()
    assert import_trades.run(_args(path, data_dir), out) == 0
    summary = json.loads(out.getvalue().splitlines()[-1])
    assert (summary["executions"], summary["closed_trades"], summary["errors"]) == (2, 1, [])
    assert "using the column mapping saved" in capsys.readouterr().err
    other = tmp_path / "other.csv"
    other.write_text(TEXT.replace("Amount", "Amount2"), encoding="utf-8")
    assert import_trades.run(_args(other, data_dir), io.StringIO()) == 1  # other columns: not the saved one
