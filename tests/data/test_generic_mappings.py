"""The generic CSV's mapping dialog data: a sample of the file, its rows as a mapping reads them,
and the mapping remembered by the header's signature (and validated as a preference)."""

from __future__ import annotations

import json

import pytest

from data.files.brokers import generic_csv
from data.files.brokers.base import BrokerFileError
from data.files.brokers.generic_csv import ColumnMapping
from data.store.preference_specs import PreferenceError, validate

HEADER = "When,Ticker,B/S,Units,Px,Comm\n"


def _file(tmp_path, text, name="fills.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_sample_reads_the_header_and_first_rows_only(tmp_path):
    rows = "".join(f"2024-03-01 09:{m:02d}:00,AAPL,Buy,1,180,0.5\n" for m in range(40))
    sample = generic_csv.read_sample(_file(tmp_path, HEADER + "\n" + rows))
    assert sample.header == ["When", "Ticker", "B/S", "Units", "Px", "Comm"]
    assert len(sample.rows) == generic_csv.SAMPLE_ROWS and sample.rows[0][0] == 3  # the blank line skipped
    with pytest.raises(BrokerFileError, match="does not read as a CSV file with a header row"):
        generic_csv.read_sample(_file(tmp_path, "1.5,2.5\n3,4\n", "numbers.csv"))
    with pytest.raises(BrokerFileError, match="does not read as a CSV file with a header row"):
        generic_csv.read_sample(_file(tmp_path, "just some notes\n", "notes.txt"))


def test_preview_rows_read_as_parse_would_and_name_bad_rows(tmp_path):
    text = HEADER + "2024-03-01 09:31:00,AAPL,Buy,100,180.5,1\n2024-03-01 09:32:00,AAPL,Hold,1,1,0\n2024-03-01\n"
    sample = generic_csv.read_sample(_file(tmp_path, text))
    mapping = ColumnMapping(time="When", symbol="Ticker", side="B/S", quantity="Units", price="Px", fees="Comm")
    good, bad, short = generic_csv.preview_rows(sample, mapping)
    assert (good.time, good.symbol, good.side, good.quantity, good.price, good.fees, good.problem) == (
        "2024-03-01 09:31:00 EST", "AAPL", "buy", "100", "180.5", "1.00", "")
    assert bad.problem == "the side 'Hold' is neither a buy nor a sell (this row would be left out)"
    assert short.line == 4 and "1 of 6 columns" in short.problem
    incomplete = ColumnMapping(time="When", symbol="Ticker")
    assert generic_csv.preview_rows(sample, incomplete) == []
    assert "choose the column for quantity, price" in generic_csv.mapping_problem(incomplete, sample.header)


def test_a_saved_mapping_is_found_for_the_same_columns_only():
    mapping = ColumnMapping(time="When", symbol="Ticker", quantity="Units", price="Px", zone="Europe/Berlin")
    saved = generic_csv.remember({}, ["When", "Ticker", "B/S", "Units", "Px", "Comm"], mapping)
    assert generic_csv.remembered(saved, ["When", "Ticker", "B/S", "Units", "Px", "Comm"]) == mapping
    respelled = generic_csv.remembered(saved, ["when", "TICKER", "b/s", "Units", "PX", "comm"])
    assert respelled == ColumnMapping(time="when", symbol="TICKER", quantity="Units", price="PX", zone="Europe/Berlin")
    assert generic_csv.remembered(saved, ["When", "Ticker", "Units", "Px"]) is None  # other columns
    assert generic_csv.remembered({}, ["When"]) is None
    json.dumps(saved)  # stored as JSON
    again = generic_csv.remember(saved, ["When", "Ticker", "B/S", "Units", "Px", "Comm"], ColumnMapping())
    assert len(again) == 1 and generic_csv.remembered(again, ["When", "Ticker"]) is None


def test_the_preference_is_validated():
    saved = generic_csv.remember({}, ["a", "b"], ColumnMapping(time="a", symbol="b", quantity="a", price="b"))
    assert validate("generic_csv_mappings", saved) == saved
    for bad in ([], {"a|b": "time"}, {"a|b": {"colour": "red"}}, {"a|b": {"multiplier": "100"}},
                {"a|b": {"time": 3}}):
        with pytest.raises(PreferenceError, match="generic_csv_mappings"):
            validate("generic_csv_mappings", bad)
