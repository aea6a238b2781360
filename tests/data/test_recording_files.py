"""Hostile recordings: every malformed CSV or Parquet file gives one ``RecordingError`` naming the
file, and a crafted Parquet footer (which crashes fastparquet's native decoder) does not take
the process down."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.providers.replay import parquet_reader
from data.providers.replay.recording import RecordingError, load_recording

GOOD = "datetime,open,high,low,close,volume\n2026-01-02 09:30,1,2,0.5,1.5,10\n2026-01-02 09:31,1.5,2,1,1.2,5\n"
# A binary field whose length runs far past the footer: SIGSEGV in fastparquet 2026.9 (issue 12).
CRAFTED_FOOTER = b"\x18\xff\xff\xff\xff\x07\x00"
CRAFTED = b"PAR1" + CRAFTED_FOOTER + struct.pack("<i", len(CRAFTED_FOOTER)) + b"PAR1"


def _write(tmp_path: Path, data: bytes | str, name: str = "SPY_1min.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_a_crafted_19_byte_parquet_file_is_refused_without_crashing(tmp_path: Path) -> None:
    assert len(CRAFTED) == 19
    with pytest.raises(RecordingError, match=r"SPY_1min\.parquet is not a readable Parquet file"):
        load_recording(_write(tmp_path, CRAFTED, "SPY_1min.parquet"))


def test_a_parquet_decoder_that_hangs_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    footer = b"\x19\xfc\xff\xff\xff\x0f\x00"  # a list of 2**28 elements: the decoder loops for minutes
    monkeypatch.setattr(parquet_reader, "TIMEOUT_S", 5.0)
    with pytest.raises(RecordingError, match="took longer than 5 s"):
        load_recording(_write(tmp_path, b"PAR1" + footer + struct.pack("<i", 7) + b"PAR1", "SPY_1min.parquet"))


@pytest.mark.parametrize("data, problem", [
    (b"", "no data rows"),
    (b"PAR1", "Parquet marker"),
    (b"PAR1" + b"\x00" * 8 + b"PAR1", "footer length"),
    (b"PAR1" + b"\x00" * 4 + struct.pack("<i", 1000) + b"PAR1", "footer length"),
])
def test_parquet_framing_is_checked_before_any_decoder(tmp_path: Path, data: bytes, problem: str) -> None:
    with pytest.raises(RecordingError, match=problem if data else "Parquet marker"):
        load_recording(_write(tmp_path, data, "SPY_1min.parquet"))


@pytest.mark.parametrize("text, problem", [
    ("datetime,open,high,low,close,\n2026-01-02 09:30,1,2,0.5,1.5,\n2026-01-02 09:31,1.5,2,1,1.2,\n", None),
    ("datetime,open,high,low,close\n2026-01-02 09:30,1,2,0.5,1.5,,,\n2026-01-02 09:31,1.5,2,1,1.2\n", None),
    ("datetime,open,high,low\n2026-01-02 09:30,1,2,0.5\n", "lacks the column"),
    ("", "no data rows"),
    ("datetime,open,high,low,close\n", "no data rows"),
    ("datetime,open,high,low,close\nsoon,1,2,0.5,1.5\n", "no row has a readable timestamp"),
    ("datetime,open,high,low,close\n2026-01-02 09:30,one,two,half,1.5\n", "no valid bars"),
    ("datetime,open,high,low,close\n2026-01-02 09:30,1\n", "no row has a readable timestamp"),
])
def test_malformed_csv_is_read_or_refused_clearly(tmp_path: Path, text: str, problem: str | None) -> None:
    path = _write(tmp_path, text)
    if problem is None:  # trailing commas, extra fields: the rows are still good
        assert len(load_recording(path).bars) == 2
    else:
        with pytest.raises(RecordingError, match=problem) as err:
            load_recording(path)
        assert "SPY_1min.csv" in str(err.value)


def test_binary_garbage_wrong_encoding_bad_zone_and_symbol_are_refused(tmp_path: Path) -> None:
    with pytest.raises(RecordingError, match="not UTF-8"):
        load_recording(_write(tmp_path, GOOD.encode("utf-16")))
    with pytest.raises(RecordingError, match="binary data"):
        load_recording(_write(tmp_path, GOOD + "\x00\x01"))
    path = _write(tmp_path, GOOD)
    with pytest.raises(RecordingError, match="Unknown time zone 'Foo/Bar'"):
        load_recording(path, tz="Foo/Bar")
    with pytest.raises(RecordingError, match="Unknown time zone"):
        load_recording(path, tz="../../etc/passwd")
    with pytest.raises(RecordingError, match="symbol 'S P Y' is not valid"):
        load_recording(path, symbol="S P Y")
    assert len(load_recording(path, tz="UTC").bars) == 2


def _declared(call) -> str:
    """'ok' or 'declared' — anything else escapes and fails the test."""
    try:
        call()
    except RecordingError as exc:
        assert str(exc)
        return "declared"
    return "ok"


_cells = st.one_of(st.sampled_from(["", "1", "2.5", "nan", "inf", "-1", "1e999", "2026-01-02 09:30", "x", " ",
                                    "2026-13-40", "0001-01-01", "9999-12-31T23:59:59+14:00", '"', "1,5"]),
                   st.text(max_size=8))
_rows = st.lists(st.lists(_cells, max_size=8), max_size=12)
_header = st.lists(st.sampled_from(["datetime", "open", "high", "low", "close", "volume", "", "Date", " OPEN "]),
                   max_size=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=_header, rows=_rows, tz=st.sampled_from(["America/New_York", "UTC", "Foo/Bar", ""]))
def test_fuzzed_csv_tables_raise_only_recording_errors(tmp_path: Path, header: list[str], rows: list[list[str]],
                                                       tz: str) -> None:
    text = "\n".join(",".join(r) for r in [header, *rows])
    path = _write(tmp_path, text)
    _declared(lambda: load_recording(path, tz=tz))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=300))
def test_fuzzed_csv_bytes_raise_only_recording_errors(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, GOOD.encode()[: len(data) % 120] + data)
    _declared(lambda: load_recording(path))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(footer=st.binary(min_size=1, max_size=40))
def test_fuzzed_parquet_footers_raise_only_recording_errors(tmp_path: Path, footer: bytes,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parquet_reader, "TIMEOUT_S", 5.0)  # a footer that makes the decoder loop costs 5 s
    path = _write(tmp_path, b"PAR1" + footer + struct.pack("<i", len(footer)) + b"PAR1", "SPY_1min.parquet")
    assert _declared(lambda: load_recording(path)) == "declared"
